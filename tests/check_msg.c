/*
 * check_msg - msg_parse(): headers, text choice, charsets, limits
 *
 * DESCRIPTION  Tables of small messages with the header values and text
 *              wanted, failing inputs (empty, random bytes) next to odd
 *              inputs that must parse, the MSG_MAX_* caps, and a few
 *              corpus messages read from SRCDIR/../shared/corpus.
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "msg.h"

#define CORPUS SRCDIR "/../shared/corpus/"

/* msg_fixture_setup - GMime for this test case (refcounted) */
static void
msg_fixture_setup(void)
{
	msg_global_init();
}

/* msg_fixture_teardown - drop this test case's GMime reference */
static void
msg_fixture_teardown(void)
{
	msg_global_shutdown();
}

/* test_parse - parse a C string; fails the test unless rc is 0 */
static void
test_parse(const char *what, const char *raw, struct msg *m)
{
	struct lm_err err;
	int rc;

	lm_err_clear(&err);
	rc = msg_parse(raw, strlen(raw), m, &err);
	ck_assert_msg(rc == 0, "%s: got rc %d (%s), want 0", what, rc, err.msg);
}

/* test_slurp - read a corpus file; caller free()s */
static char *
test_slurp(const char *path, size_t *len)
{
	gchar *data = NULL;
	gsize n = 0;
	char *copy;

	ck_assert_msg(g_file_get_contents(path, &data, &n, NULL),
		      "cannot read %s", path);
	copy = lm_xstrndup(data, n);
	g_free(data);
	*len = n;
	return copy;
}

/* test_parse_file - parse a corpus message */
static void
test_parse_file(const char *name, struct msg *m)
{
	struct lm_err err;
	char path[512], *data;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s%s", CORPUS, name);
	data = test_slurp(path, &len);
	lm_err_clear(&err);
	rc = msg_parse(data, len, m, &err);
	free(data);
	ck_assert_msg(rc == 0, "%s: got rc %d (%s), want 0", name, rc, err.msg);
}

/* test_has - text contains (want 1) or lacks (want 0) a string */
static void
test_has(const char *what, const struct msg *m, const char *s, int want)
{
	int got = strstr(buf_str(&m->text), s) != NULL;

	ck_assert_msg(got == want, "%s: got %s \"%s\" in text \"%s\", want %s",
		      what, got ? "" : "no", s, buf_str(&m->text),
		      want ? "it" : "none");
}

/* test_streq - one-line string comparison with a got/want message */
static void
test_streq(const char *what, const char *got, const char *want)
{
	ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		      "%s: got \"%s\", want \"%s\"", what, got ? got : "(null)",
		      want);
}

/* One message and the header values it must give. */
struct msg_hdr_case {
	const char *what;
	const char *raw;
	const char *subject, *from_name, *from_addr, *reply_addr, *to, *msgid;
};

static const struct msg_hdr_case msg_hdr_cases[] = {
	{ "plain headers",
	  "From: Ann Lee <ann@example.com>\nTo: sales@x.org\n"
	  "Subject: Hello\nMessage-ID: <a1@example.com>\n\nbody\n",
	  "Hello", "Ann Lee", "ann@example.com", "", "sales@x.org",
	  "a1@example.com" },
	{ "RFC 2047 Q, UTF-8 name",
	  "From: =?utf-8?Q?Megan_O=E2=80=99Hara?= <m@b.com>\n\nx\n",
	  "", "Megan O\xE2\x80\x99Hara", "m@b.com", "", "", "" },
	{ "RFC 2047 Q, ISO-8859-1 subject",
	  "Subject: =?ISO-8859-1?Q?Anfrage=3A_Managed_IT_f=FCr_unsere_Kanzlei?="
	  "\n\nx\n",
	  "Anfrage: Managed IT f\xC3\xBCr unsere Kanzlei", "", "", "", "", "" },
	{ "RFC 2047 B, folded over two words",
	  "Subject: =?utf-8?B?RGVtYW5kZSBkJ2luZm9ybWF0aW9ucyDigJMgbWlncmF0aW9uIE1pY3Jv?=\n"
	  " =?utf-8?B?c29mdCAzNjU=?=\n\nx\n",
	  "Demande d'informations \xE2\x80\x93 migration Microsoft 365",
	  "", "", "", "", "" },
	{ "domain lower-cased, local part kept",
	  "From: Bob <Bob.Smith@Example.COM>\nReply-To: <Ann@Y.Org>\n\nx\n",
	  "", "Bob", "Bob.Smith@example.com", "Ann@y.org", "", "" },
	{ "To and Cc joined, groups opened",
	  "To: a@x.com, \"B\" <b@y.com>\nCc: team: c@z.com;\n\nx\n",
	  "", "", "", "", "a@x.com, b@y.com, c@z.com", "" },
	{ "empty group gives no address",
	  "To: undisclosed-recipients:;\n\nx\n", "", "", "", "", "", "" },
	{ "folded subject is one line",
	  "Subject: one\n two\n\nx\n", "one two", "", "", "", "", "" },
	{ "no From at all", "Subject: s\n\nx\n", "s", "", "", "", "", "" },
};

/* Each header case: decoded values, got/want per field. */
START_TEST(test_msg_headers)
{
	const struct msg_hdr_case *c = &msg_hdr_cases[_i];
	struct msg m;
	char what[128];

	test_parse(c->what, c->raw, &m);
	snprintf(what, sizeof(what), "%s: subject", c->what);
	test_streq(what, m.subject, c->subject);
	snprintf(what, sizeof(what), "%s: from_name", c->what);
	test_streq(what, m.from_name, c->from_name);
	snprintf(what, sizeof(what), "%s: from_addr", c->what);
	test_streq(what, m.from_addr, c->from_addr);
	snprintf(what, sizeof(what), "%s: reply_addr", c->what);
	test_streq(what, m.reply_addr, c->reply_addr);
	snprintf(what, sizeof(what), "%s: to", c->what);
	test_streq(what, m.to, c->to);
	snprintf(what, sizeof(what), "%s: message_id", c->what);
	test_streq(what, m.message_id, c->msgid);
	msg_free(&m);
}
END_TEST

/* One message, a string its text must hold and one it must not. */
struct msg_text_case {
	const char *what;
	const char *raw;
	const char *want;	/* in the text */
	const char *unwanted;	/* not in the text, or NULL */
	int origin;
};

#define ALT_HDR "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=b\n\n"
#define MIX_HDR "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n"

static const struct msg_text_case msg_text_cases[] = {
	{ "QP ISO-8859-1",
	  "Content-Type: text/plain; charset=\"ISO-8859-1\"\n"
	  "Content-Transfer-Encoding: quoted-printable\n\nin M=FCnchen.\n",
	  "in M\xC3\xBCnchen.", NULL, MSG_ORIGIN_PLAIN },
	{ "base64 UTF-8",
	  "Content-Type: text/plain; charset=utf-8\n"
	  "Content-Transfer-Encoding: base64\n\nQm9uam91ciwgw6AgTHlvbi4K\n",
	  "Bonjour, \xC3\xA0 Lyon.", NULL, MSG_ORIGIN_PLAIN },
	{ "CRLF becomes LF", "Subject: s\r\n\r\nline1\r\nline2\r\n",
	  "line1\nline2\n", "\r", MSG_ORIGIN_PLAIN },
	{ "alternative: plain wins over HTML",
	  ALT_HDR "--b\nContent-Type: text/plain\n\nPLAIN\n"
	  "--b\nContent-Type: text/html\n\n<p>HTML</p>\n--b--\n",
	  "PLAIN", "HTML", MSG_ORIGIN_PLAIN },
	{ "alternative: plain wins over HTML also when HTML comes first",
	  ALT_HDR "--b\nContent-Type: text/html\n\n<p>HTML</p>\n"
	  "--b\nContent-Type: text/plain\n\nPLAIN\n--b--\n",
	  "PLAIN", "HTML", MSG_ORIGIN_PLAIN },
	{ "alternative without plain: HTML converted",
	  ALT_HDR "--b\nContent-Type: text/calendar\n\nBEGIN:VCALENDAR\n"
	  "--b\nContent-Type: text/html\n\n<p>HTML &amp; more</p>\n--b--\n",
	  "HTML & more", "VCALENDAR", MSG_ORIGIN_HTML },
	{ "HTML only", "Content-Type: text/html\n\n<div>Hi<br>there</div>\n",
	  "Hi\nthere", "<div>", MSG_ORIGIN_HTML },
	{ "mixed: text/plain attachment counts, parts joined by a blank line",
	  MIX_HDR "--m\nContent-Type: text/plain\n\nBODY\n"
	  "--m\nContent-Type: text/plain; name=a.txt\n"
	  "Content-Disposition: attachment; filename=a.txt\n\nATTACHED\n"
	  "--m\nContent-Type: application/pdf\n\n%PDF-1.4 BINARY\n--m--\n",
	  "BODY\n\nATTACHED", "%PDF", MSG_ORIGIN_PLAIN },
	{ "mixed: HTML part beside plain part is kept (no alternative)",
	  MIX_HDR "--m\nContent-Type: text/plain\n\nONE\n"
	  "--m\nContent-Type: text/html\n\n<p>TWO</p>\n--m--\n",
	  "ONE\n\nTWO", NULL, MSG_ORIGIN_PLAIN },
	{ "alternative inside mixed, HTML in related",
	  MIX_HDR "--m\nContent-Type: multipart/alternative; boundary=b\n\n"
	  "--b\nContent-Type: multipart/related; boundary=r\n\n"
	  "--r\nContent-Type: text/html\n\n<p>RICH</p>\n"
	  "--r\nContent-Type: image/png\n\nPNG\n--r--\n--b--\n--m--\n",
	  "RICH", "PNG", MSG_ORIGIN_HTML },
	{ "forwarded message/rfc822 is quoted",
	  MIX_HDR "--m\nContent-Type: text/plain\n\nSee below.\n"
	  "--m\nContent-Type: message/rfc822\n\nFrom: Old <o@x.com>\n"
	  "Subject: Old news\n\nold line 1\nold line 2\n--m--\n",
	  "> old line 1\n> old line 2", NULL, MSG_ORIGIN_PLAIN },
	{ "invalid UTF-8 becomes U+FFFD",
	  "Content-Type: text/plain; charset=utf-8\n\nbad \xFF\xFE byte\n",
	  "bad \xEF\xBF\xBD\xEF\xBF\xBD byte", "\xFF", MSG_ORIGIN_PLAIN },
	{ "undeclared 8-bit read as windows-1252",
	  "Subject: s\n\nM\xFCnchen \x80\n", "M\xC3\xBCnchen \xE2\x82\xAC",
	  NULL, MSG_ORIGIN_PLAIN },
	{ "undeclared valid UTF-8 kept",
	  "Subject: s\n\nM\xC3\xBCnchen\n", "M\xC3\xBCnchen", NULL,
	  MSG_ORIGIN_PLAIN },
	{ "unknown charset name: windows-1252 fallback",
	  "Content-Type: text/plain; charset=x-unknown-42\n\ncaf\xE9\n",
	  "caf\xC3\xA9", NULL, MSG_ORIGIN_PLAIN },
	{ "charset alias latin1",
	  "Content-Type: text/plain; charset=latin1\n\ncaf\xE9\n",
	  "caf\xC3\xA9", NULL, MSG_ORIGIN_PLAIN },
	{ "no headers at all: the text is the body",
	  "This is a simple message not having headers.\n",
	  "This is a simple message not having headers.", NULL,
	  MSG_ORIGIN_PLAIN },
};

/* Each text case: wanted and unwanted text, valid UTF-8, origin. */
START_TEST(test_msg_text)
{
	const struct msg_text_case *c = &msg_text_cases[_i];
	struct msg m;

	test_parse(c->what, c->raw, &m);
	if (c->want != NULL)
		test_has(c->what, &m, c->want, 1);
	if (c->unwanted != NULL)
		test_has(c->what, &m, c->unwanted, 0);
	ck_assert_msg(g_utf8_validate(buf_str(&m.text), (gssize)m.text.len, NULL),
		      "%s: got invalid UTF-8, want valid", c->what);
	ck_assert_msg(m.origin == c->origin, "%s: got origin %d, want %d",
		      c->what, m.origin, c->origin);
	msg_free(&m);
}
END_TEST

/* NUL inside a body: the text stays one C string, NUL shown as U+FFFD. */
START_TEST(test_msg_nul)
{
	static const char raw[] = "Subject: s\n\na\0b\n";
	struct msg m;
	int rc;

	rc = msg_parse(raw, sizeof(raw) - 1, &m, NULL);
	ck_assert_msg(rc == 0, "got rc %d, want 0", rc);
	test_has("NUL", &m, "a\xEF\xBF\xBD" "b", 1);
	ck_assert_msg(strlen(buf_str(&m.text)) == m.text.len,
		      "got strlen %zu, want len %zu", strlen(buf_str(&m.text)),
		      m.text.len);
	msg_free(&m);
}
END_TEST

/* One odd byte at every place of a body, inside and after the eight-byte
 * words msg.c checks at a time: NUL and stray bytes become U+FFFD in
 * UTF-8, a lone 0xE9 without charset is windows-1252, UTF-8 stays. */
START_TEST(test_msg_odd_byte)
{
	static const struct {
		const char *cs, *odd, *want;
	} cases[] = {
		{ "utf-8", "\0", "\xEF\xBF\xBD" },
		{ "utf-8", "\x80", "\xEF\xBF\xBD" },
		{ "utf-8", "\xC3\xA9", "\xC3\xA9" },
		{ "us-ascii", "\xE9", "\xC3\xA9" },
		{ "us-ascii", "\0", "\xEF\xBF\xBD" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (size_t at = 0; at < 20; at++) {
			static const char xs[] = "xxxxxxxxxxxxxxxxxxxx";
			size_t oddlen = cases[c].odd[0] ? strlen(cases[c].odd) : 1, n;
			char raw[256], want[64];
			struct msg m;
			int rc;

			/* at x's, the odd byte(s), 19 - at x's */
			n = (size_t)snprintf(raw, sizeof(raw),
			    "Subject: s\nContent-Type: text/plain; charset=%s\n\n%.*s",
			    cases[c].cs, (int)at, xs);
			memcpy(raw + n, cases[c].odd, oddlen);
			n += oddlen;
			n += (size_t)snprintf(raw + n, sizeof(raw) - n, "%.*s\n", (int)(19 - at), xs);
			snprintf(want, sizeof(want), "%.*s%s%.*s\n", (int)at, xs, cases[c].want,
			    (int)(19 - at), xs);
			rc = msg_parse(raw, n, &m, NULL);
			ck_assert_msg(rc == 0, "got rc %d, want 0", rc);
			ck_assert_msg(strcmp(buf_str(&m.text), want) == 0,
				      "%s byte %zu: got \"%s\", want \"%s\"", cases[c].cs, at,
				      buf_str(&m.text), want);
			msg_free(&m);
		}
}
END_TEST

/* Inputs that give nothing usable, next to odd ones that do parse. */
struct msg_fail_case {
	const char *what;
	const char *raw;
	size_t len;
	int rc;
	const char *err;
};

static const struct msg_fail_case msg_fail_cases[] = {
	{ "empty", "", 0, LM_ESYNTAX, "empty message" },
	{ "NULL", NULL, 0, LM_ESYNTAX, "empty message" },
	{ "binary without header", "\x01\x02\x00\xFF\xFE\x03\x04\x05\x06", 9,
	  LM_ESYNTAX, "no MIME message could be parsed" },
	{ "only newlines", "\n\n\n", 3, 0, "" },
	{ "header without body", "Subject: x\n", 11, 0, "" },
	{ "unterminated multipart",
	  MIX_HDR "--m\nContent-Type: text/plain\n\nunterminated",
	  sizeof(MIX_HDR "--m\nContent-Type: text/plain\n\nunterminated") - 1,
	  0, "" },
};

/* Each failing or odd input: rc, error text, strings still set. */
START_TEST(test_msg_fail)
{
	const struct msg_fail_case *c = &msg_fail_cases[_i];
	struct lm_err err;
	struct msg m;
	int rc;

	lm_err_clear(&err);
	rc = msg_parse(c->raw, c->len, &m, &err);
	ck_assert_msg(rc == c->rc, "%s: got rc %d, want %d", c->what, rc, c->rc);
	test_streq(c->what, err.msg, c->err);
	/* Every string is set, also after a failure. */
	ck_assert_msg(m.subject && m.from_name && m.from_addr && m.reply_name
		      && m.reply_addr && m.to && m.message_id && m.date,
		      "%s: got a NULL string, want \"\"", c->what);
	msg_free(&m);
	msg_free(&m);		/* twice is harmless */
}
END_TEST

/* Random bytes never crash; rc is 0 or LM_ESYNTAX. */
START_TEST(test_msg_random)
{
	GRand *r = g_rand_new_with_seed(42);
	struct buf b = BUF_INIT;
	struct msg m;
	int i, j, n, rc;

	for (i = 0; i < 200; i++) {
		buf_reset(&b);
		n = g_rand_int_range(r, 1, 4096);
		for (j = 0; j < n; j++)
			buf_putc(&b, g_rand_int_range(r, 0, 256));
		rc = msg_parse(b.data, b.len, &m, NULL);
		ck_assert_msg(rc == 0 || rc == LM_ESYNTAX,
			      "round %d: got rc %d, want 0 or %d", i, rc,
			      LM_ESYNTAX);
		msg_free(&m);
	}
	buf_free(&b);
	g_rand_free(r);
}
END_TEST

/* MSG_MAX_PARTS: the walk stops and says so; 500 parts are fine. */
START_TEST(test_msg_parts)
{
	struct buf b = BUF_INIT;
	struct msg m;
	int i, n = _i ? MSG_MAX_PARTS + 100 : 500;

	buf_puts(&b, MIX_HDR);
	for (i = 0; i < n; i++)
		buf_printf(&b, "--m\nContent-Type: text/plain\n\npart %d\n", i);
	buf_puts(&b, "--m--\n");
	test_parse("parts", b.data, &m);
	if (_i) {
		ck_assert_msg(m.truncated, "%d parts: got truncated 0, want 1", n);
		ck_assert_msg(m.nparts == MSG_MAX_PARTS, "got nparts %d, want %d",
			      m.nparts, MSG_MAX_PARTS);
	} else {
		ck_assert_msg(!m.truncated, "%d parts: got truncated 1, want 0", n);
		ck_assert_msg(m.nparts == n + 1, "got nparts %d, want %d",
			      m.nparts, n + 1);
		test_has("500 parts", &m, "part 499", 1);
	}
	msg_free(&m);
	buf_free(&b);
}
END_TEST

/* MSG_MAX_DEPTH: deeper parts are not walked. */
START_TEST(test_msg_depth)
{
	struct buf b = BUF_INIT;
	struct msg m;
	int d, depth = _i ? MSG_MAX_DEPTH + 8 : 8;

	buf_puts(&b, "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n\n");
	for (d = 1; d < depth; d++)
		buf_printf(&b, "--b%d\nContent-Type: multipart/mixed; "
			   "boundary=b%d\n\n", d - 1, d);
	buf_printf(&b, "--b%d\nContent-Type: text/plain\n\ndeep text\n", depth - 1);
	for (d = depth - 1; d >= 0; d--)
		buf_printf(&b, "--b%d--\n", d);
	test_parse("depth", b.data, &m);
	ck_assert_msg(m.truncated == _i, "depth %d: got truncated %d, want %d",
		      depth, m.truncated, _i);
	test_has("depth", &m, "deep text", !_i);
	msg_free(&m);
	buf_free(&b);
}
END_TEST

/* MSG_MAX_TEXT: text is cut at a character boundary; 1 MB parses. */
START_TEST(test_msg_text_cap)
{
	struct buf b = BUF_INIT;
	struct msg m;
	size_t i;

	buf_puts(&b, "Content-Type: text/plain; charset=utf-8\n\n");
	for (i = 0; i < MSG_MAX_TEXT / 2 + 10; i++)
		buf_puts(&b, "\xC3\xBC");	/* 2 bytes each: over the cap */
	test_parse("big", b.data, &m);
	ck_assert_msg(m.truncated, "got truncated 0, want 1");
	ck_assert_msg(m.text.len <= MSG_MAX_TEXT, "got %zu bytes, want <= %d",
		      m.text.len, MSG_MAX_TEXT);
	ck_assert_msg(g_utf8_validate(m.text.data, (gssize)m.text.len, NULL),
		      "got invalid UTF-8 after the cut, want valid");
	msg_free(&m);

	buf_reset(&b);
	buf_puts(&b, "Subject: 1 MB\n\n");
	while (b.len < 1024 * 1024)
		buf_puts(&b, "Lorem ipsum dolor sit amet, consectetur.\n");
	test_parse("1 MB", b.data, &m);
	ck_assert_msg(!m.truncated, "1 MB: got truncated 1, want 0");
	msg_free(&m);
	buf_free(&b);
}
END_TEST

/* Corpus messages named in the design notes. */
START_TEST(test_msg_corpus)
{
	struct msg m;

	test_parse_file("a02.eml", &m);
	test_streq("a02 from_name", m.from_name, "Megan O\xE2\x80\x99Hara");
	test_has("a02", &m, "Brightwater Freight \xE2\x80\x93 we\xE2\x80\x99re", 1);
	test_has("a02 plain chosen", &m, "I\xE2\x80\x99ve\nbeen asked", 1);
	msg_free(&m);

	test_parse_file("a03.eml", &m);
	test_streq("a03 reply_addr", m.reply_addr, "d.okafor.it@gmail.com");
	test_streq("a03 reply_name", m.reply_name, "Daniel Okafor");
	test_streq("a03 from_addr", m.from_addr, "wordpress@example-msp.com");
	test_streq("a03 subject", m.subject,
		   "Example MSP \"Application \xE2\x80\x93 Helpdesk Technician\"");
	msg_free(&m);

	test_parse_file("a04.eml", &m);
	test_has("a04", &m, "35 Mitarbeitern in M\xC3\xBCnchen.", 1);
	test_has("a04", &m, "Mit freundlichen Gr\xC3\xBC\xC3\x9F" "en", 1);
	test_streq("a04 from_name", m.from_name, "Dr. Andreas Huber");
	msg_free(&m);

	test_parse_file("a11.eml", &m);
	ck_assert_msg(m.origin == MSG_ORIGIN_HTML, "a11: got origin %d, want %d",
		      m.origin, MSG_ORIGIN_HTML);
	test_has("a11", &m, "Address\n88 Yonge Street, Toronto, ON M5C 1S8, Canada", 1);
	test_has("a11", &m, "Backup & Disaster Recovery", 1);
	msg_free(&m);

	test_parse_file("a14.eml", &m);
	test_has("a14", &m, "situ\xC3\xA9 \xC3\xA0 Lyon", 1);
	test_has("a14", &m, "Cordialement,", 1);
	msg_free(&m);

	test_parse_file("a31.eml", &m);
	test_has("a31 plain part", &m, "Sent: Tuesday, February 18, 2025 3:14 PM", 1);
	test_has("a31 no HTML", &m, "> From: Sarah", 0);
	test_streq("a31 message_id", m.message_id,
		   "AS8PR03MB6880.eurprd03.prod.outlook.com.a31@maastransport.nl");
	test_streq("a31 to", m.to, "info@example-msp.com, smitchell@example-msp.com");
	msg_free(&m);
}
END_TEST

/*
 * msg_headers_trim(): the header fields GMime gets.  want NULL: the
 * message goes to GMime as it is.
 */
static const struct {
	const char *name, *raw, *want;
} msg_trim_cases[] = {
	{ "drops unread fields, continuation lines too",
	  "Received: from a\n\tby b\nSubject: hi\nX-Mailer: m\nFrom: a@b.example\n\nbody\n",
	  "Subject: hi\nFrom: a@b.example\n\nbody\n" },
	{ "CRLF, first field dropped, Content-* kept",
	  "Return-Path: <a@b>\r\nDKIM-Signature: v=1;\r\n b=xyz\r\nContent-Type: text/html\r\n"
	  "content-transfer-encoding: 8bit\r\nMIME-Version: 1.0\r\n\r\n<p>x</p>\r\n",
	  "Content-Type: text/html\r\ncontent-transfer-encoding: 8bit\r\n\r\n<p>x</p>\r\n" },
	{ "a folded line that looks like a field goes with its field",
	  "Subject: s\nX-Note: a\n Content-Type: text/html\n\n<b>x</b>\n",
	  "Subject: s\n\n<b>x</b>\n" },
	{ "a line that is no field", "Subject: s\nX-A: 1\nnot a field\n\nbody\n", NULL },
	{ "blank before the colon", "Subject : s\nX-A: 1\n\nbody\n", NULL },
	{ "no end of headers", "Subject: s\nX-A: 1\n", NULL },
	{ "NUL in the block", "Subject: s\nX-A: 1\0x\n\nbody\n", NULL },
	{ "nothing kept", "X-A: 1\nReceived: x\n\nbody\n", NULL },
	{ "nothing to drop", "From: a@b.example\nTo: c@d.example\n\nbody\n", NULL },
	{ "starts folded", " X-A: 1\nSubject: s\n\nbody\n", NULL },
	{ "mbox From line", "From a@b Mon Jan  1 00:00:00 2024\nSubject: s\nX-A: 1\n\nb\n", NULL },
};

/* msg_trim_len - length of a case's raw text, NULs included */
static size_t
msg_trim_len(int i)
{
	/* the NUL case: count up to the blank line's end */
	if (strcmp(msg_trim_cases[i].name, "NUL in the block") == 0)
		return strlen(msg_trim_cases[i].raw) + 1 + strlen(msg_trim_cases[i].raw +
		    strlen(msg_trim_cases[i].raw) + 1);
	return strlen(msg_trim_cases[i].raw);
}

/* test_msg_same - msg_parse() with and without trimming agree */
static void
test_msg_same(const char *what, const char *raw, size_t len)
{
	struct msg a, b;
	struct lm_err err;
	int ra, rb;

	ra = msg_parse_flags(raw, len, &a, 0, &err);
	rb = msg_parse_flags(raw, len, &b, MSG_ALL_HEADERS, &err);
	ck_assert_msg(ra == rb, "%s: rc %d trimmed, %d whole", what, ra, rb);
	test_streq(what, a.subject, b.subject);
	test_streq(what, a.from_name, b.from_name);
	test_streq(what, a.from_addr, b.from_addr);
	test_streq(what, a.reply_name, b.reply_name);
	test_streq(what, a.reply_addr, b.reply_addr);
	test_streq(what, a.to, b.to);
	test_streq(what, a.message_id, b.message_id);
	test_streq(what, a.date, b.date);
	test_streq(what, buf_str(&a.text), buf_str(&b.text));
	ck_assert_msg(a.origin == b.origin && a.nparts == b.nparts &&
		      a.truncated == b.truncated, "%s: origin/parts/truncated differ", what);
	msg_free(&a);
	msg_free(&b);
}

START_TEST(test_msg_trim)
{
	struct buf out = BUF_INIT;
	size_t len = msg_trim_len(_i);
	int got = msg_headers_trim(msg_trim_cases[_i].raw, len, &out);

	ck_assert_msg(got == (msg_trim_cases[_i].want != NULL), "%s: got %d, want %d",
		      msg_trim_cases[_i].name, got, msg_trim_cases[_i].want != NULL);
	if (got)
		test_streq(msg_trim_cases[_i].name, buf_str(&out), msg_trim_cases[_i].want);
	else
		ck_assert_msg(out.len == 0, "%s: output written", msg_trim_cases[_i].name);
	buf_free(&out);
	test_msg_same(msg_trim_cases[_i].name, msg_trim_cases[_i].raw, len);
}
END_TEST

/* Every corpus message parses the same with every header field. */
START_TEST(test_msg_trim_corpus)
{
	GDir *dir = g_dir_open(CORPUS, 0, NULL);
	const char *name;
	int n = 0;

	ck_assert_msg(dir != NULL, "cannot open %s", CORPUS);
	while ((name = g_dir_read_name(dir)) != NULL) {
		char path[512], *data;
		size_t len;

		if (!g_str_has_suffix(name, ".eml"))
			continue;
		snprintf(path, sizeof(path), "%s%s", CORPUS, name);
		data = test_slurp(path, &len);
		test_msg_same(name, data, len);
		free(data);
		n++;
	}
	g_dir_close(dir);
	ck_assert_msg(n > 0, "no corpus message");
}
END_TEST

/* suite_msg - the msg(3) tests */
Suite *
suite_msg(void)
{
	Suite *s = suite_create("msg");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, msg_fixture_setup, msg_fixture_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_msg_headers, 0,
			    (int)(sizeof(msg_hdr_cases) / sizeof(msg_hdr_cases[0])));
	tcase_add_loop_test(tc, test_msg_text, 0,
			    (int)(sizeof(msg_text_cases) / sizeof(msg_text_cases[0])));
	tcase_add_test(tc, test_msg_nul);
	tcase_add_test(tc, test_msg_odd_byte);
	tcase_add_loop_test(tc, test_msg_fail, 0,
			    (int)(sizeof(msg_fail_cases) / sizeof(msg_fail_cases[0])));
	tcase_add_test(tc, test_msg_random);
	tcase_add_loop_test(tc, test_msg_parts, 0, 2);
	tcase_add_loop_test(tc, test_msg_depth, 0, 2);
	tcase_add_test(tc, test_msg_text_cap);
	tcase_add_test(tc, test_msg_corpus);
	tcase_add_loop_test(tc, test_msg_trim, 0,
			    (int)(sizeof(msg_trim_cases) / sizeof(msg_trim_cases[0])));
	tcase_add_test(tc, test_msg_trim_corpus);
	suite_add_tcase(s, tc);
	return s;
}
