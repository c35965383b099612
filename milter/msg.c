/*
 * msg - parse one RFC 5322/MIME message into decoded UTF-8 text
 *
 * DESCRIPTION  msg_parse() hands the raw bytes to GMime's parser through a
 *              memory stream, copies the headers a rule can name into
 *              struct msg, and walks the MIME tree collecting text:
 *              every text/plain part (attachments too), text/html only
 *              when its multipart/alternative has no text/plain child,
 *              and the text of message/rfc822 parts prefixed with "> "
 *              (forwarded mail is quoted text).  Bodies are transfer-
 *              decoded by GMime, converted from the declared charset
 *              with iconv (an invalid byte becomes U+FFFD and conversion
 *              goes on), CRLF and lone CR become LF.  Text without a
 *              charset (or declared us-ascii) that is not valid UTF-8 is
 *              read as windows-1252, which is what such mail nearly
 *              always is.
 * LIMITS       The walk stops at MSG_MAX_PARTS parts and MSG_MAX_DEPTH
 *              levels, the text at MSG_MAX_TEXT bytes; each sets
 *              m->truncated.  Callers cap the raw size before calling.
 *              format=flowed is not unwrapped.
 * DIAGNOSTICS  0 on success, LM_ESYNTAX with err->msg for empty input or
 *              when GMime builds no message at all.
 * SEE ALSO     msg(3), html(3), zone(3)
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "msg.h"
#include "html.h"

/* One walk over a MIME tree. */
struct msg_walk {
	struct msg *m;
	int first_done;		/* m->origin is set */
};

static int msg_initialised;
static int msg_all_headers;	/* LEADMILTER_ALL_HEADERS: no trimming */

static void msg_walk_object(struct msg_walk *w, GMimeObject *obj, int depth,
			    struct buf *out);

/* msg_global_init - initialise GMime once per process */
void
msg_global_init(void)
{
	if (msg_initialised++ == 0) {
		msg_all_headers = getenv("LEADMILTER_ALL_HEADERS") != NULL;
		g_mime_init();
		html_global_init();
	}
}

/* msg_global_shutdown - release GMime's global state */
void
msg_global_shutdown(void)
{
	if (msg_initialised > 0 && --msg_initialised == 0) {
		g_mime_shutdown();
		html_global_shutdown();
	}
}

/* msg_plain_ascii - len bytes of ASCII without NUL, eight at a time: what
 * most text is, and valid UTF-8 without asking g_utf8_validate() */
static int
msg_plain_ascii(const char *p, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t bad = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		/* a high bit, or a zero byte (the classic test: exact when no
		 * byte has its high bit set, and a high bit fails anyway) */
		bad |= w | ((w - ones) & ~w);
	}
	for (; i < len; i++)
		bad |= (unsigned char)p[i] == 0 ? 0x80 : (unsigned char)p[i];
	return (bad & highs) == 0;
}

/* msg_utf8_valid - g_utf8_validate() of len bytes (NUL is invalid) */
static int
msg_utf8_valid(const char *p, size_t len)
{
	return msg_plain_ascii(p, len) || g_utf8_validate(p, (gssize)len, NULL);
}

/* msg_utf8_append - append bytes, each invalid UTF-8 byte (or NUL) as U+FFFD */
static void
msg_utf8_append(struct buf *out, const char *p, size_t len)
{
	const char *end;

	if (msg_plain_ascii(p, len)) {
		buf_append(out, p, len);
		return;
	}
	while (len > 0) {
		if (g_utf8_validate(p, (gssize)len, &end)) {
			buf_append(out, p, len);
			return;
		}
		buf_append(out, p, (size_t)(end - p));
		buf_puts(out, "\xEF\xBF\xBD");
		len -= (size_t)(end - p) + 1;
		p = end + 1;
	}
}

/* msg_text_clean - copy UTF-8 text, CRLF and CR to LF */
static void
msg_text_clean(struct buf *out, const char *p, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		if (p[i] != '\r')
			continue;
		buf_append(out, p + start, i - start);
		buf_putc(out, '\n');
		if (i + 1 < len && p[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	buf_append(out, p + start, len - start);
}

/* msg_charset_is_ascii - declared charset that promises nothing about 8-bit */
static int
msg_charset_is_ascii(const char *cs)
{
	return cs == NULL || *cs == '\0' || g_ascii_strcasecmp(cs, "us-ascii") == 0
	    || g_ascii_strcasecmp(cs, "ascii") == 0
	    || g_ascii_strcasecmp(cs, "ansi_x3.4-1968") == 0;
}

/* msg_charset_is_utf8 - charset names that mean UTF-8 */
static int
msg_charset_is_utf8(const char *cs)
{
	return g_ascii_strcasecmp(cs, "utf-8") == 0
	    || g_ascii_strcasecmp(cs, "utf8") == 0;
}

/* msg_convert - convert len bytes in charset cs to valid UTF-8 in out */
static void
msg_convert(struct buf *out, const char *p, size_t len, const char *cs)
{
	struct buf tmp = BUF_INIT;
	iconv_t cd = (iconv_t)-1;
	char *in, *o;
	size_t inleft, oleft, chunk;

	if (msg_charset_is_ascii(cs)) {
		if (msg_utf8_valid(p, len)) {
			buf_append(out, p, len);
			goto out;
		}
		cs = "windows-1252";
	}
	if (msg_charset_is_utf8(cs)) {
		msg_utf8_append(out, p, len);
		goto out;
	}
	if ((cd = g_mime_iconv_open("UTF-8", cs)) == (iconv_t)-1) {
		/* Unknown charset name: UTF-8 if it is, else windows-1252. */
		if (msg_utf8_valid(p, len)
		    || (cd = g_mime_iconv_open("UTF-8", "windows-1252"))
		    == (iconv_t)-1) {
			msg_utf8_append(out, p, len);
			goto out;
		}
	}

	/*
	 * iconv(3) stops at the first invalid or incomplete sequence: write
	 * U+FFFD for that byte, reset the shift state and go on.
	 */
	in = (char *)(uintptr_t)p;
	inleft = len;
	while (inleft > 0) {
		chunk = inleft * 4 + 16;
		buf_reserve(&tmp, chunk);
		o = tmp.data + tmp.len;
		oleft = chunk;
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
			tmp.len += chunk - oleft;
			if (errno == E2BIG)
				continue;
			buf_puts(&tmp, "\xEF\xBF\xBD");
			in++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		tmp.len += chunk - oleft;
	}
	buf_reserve(&tmp, 64);
	o = tmp.data + tmp.len;
	oleft = 64;
	if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1)
		tmp.len += 64 - oleft;
	/* Trust nobody's iconv tables: validate what came out. */
	msg_utf8_append(out, tmp.data ? tmp.data : "", tmp.len);
out:
	if (cd != (iconv_t)-1)
		g_mime_iconv_close(cd);
	buf_free(&tmp);
}

/* msg_header_dup - copy a decoded header: valid UTF-8, one line, trimmed */
static char *
msg_header_dup(const char *s)
{
	struct buf b = BUF_INIT;
	size_t i, start = 0;

	if (s == NULL)
		return lm_xstrdup("");
	msg_utf8_append(&b, s, strlen(s));
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			b.data[i] = ' ';
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	while (start < b.len && b.data[start] == ' ')
		start++;
	if (start > 0) {
		memmove(b.data, b.data + start, b.len - start + 1);
		b.len -= start;
	}
	return buf_steal(&b);
}

/* msg_addr_dup - copy an addr-spec with the domain lower-cased */
static char *
msg_addr_dup(const char *addr)
{
	char *p = msg_header_dup(addr);
	char *at = strrchr(p, '@');

	if (at != NULL)
		for (at++; *at; at++)
			*at = (char)g_ascii_tolower(*at);
	return p;
}

/* msg_first_mailbox - first mailbox of a list, looking into groups */
static InternetAddressMailbox *
msg_first_mailbox(InternetAddressList *list, int depth)
{
	InternetAddressMailbox *mb = NULL;
	InternetAddress *ia;
	int i, n;

	if (list == NULL || depth > 4)
		return NULL;
	n = internet_address_list_length(list);
	for (i = 0; i < n && mb == NULL; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			mb = INTERNET_ADDRESS_MAILBOX(ia);
		else if (INTERNET_ADDRESS_IS_GROUP(ia))
			mb = msg_first_mailbox(internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), depth + 1);
	}
	return mb;
}

/* msg_mailbox_get - name and addr of the first mailbox in list */
static void
msg_mailbox_get(InternetAddressList *list, char **name, char **addr)
{
	InternetAddressMailbox *mb = msg_first_mailbox(list, 0);

	if (mb == NULL) {
		*name = lm_xstrdup("");
		*addr = lm_xstrdup("");
		return;
	}
	*name = msg_header_dup(internet_address_get_name(INTERNET_ADDRESS(mb)));
	*addr = msg_addr_dup(internet_address_mailbox_get_addr(mb));
}

/* msg_addrs_append - append every addr-spec of list to b, ", "-separated */
static void
msg_addrs_append(struct buf *b, InternetAddressList *list, int depth)
{
	InternetAddress *ia;
	char *a;
	int i, n;

	if (list == NULL || depth > 4)
		return;
	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			msg_addrs_append(b, internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), depth + 1);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = msg_addr_dup(internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia)));
		if (*a) {
			if (b->len)
				buf_puts(b, ", ");
			buf_puts(b, a);
		}
		free(a);
	}
}

/* msg_text_add - append one block of clean text to the message text */
static void
msg_text_add(struct msg_walk *w, struct buf *out, const char *p, size_t len,
	     int origin)
{
	struct msg *m = w->m;
	size_t room, used;

	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == ' '))
		len--;
	while (len > 0 && *p == '\n')
		p++, len--;
	if (len == 0)
		return;
	if (!w->first_done) {
		m->origin = origin;
		w->first_done = 1;
	}
	if (out->len > 0)
		buf_puts(out, "\n");
	/* The cap counts the final text; a nested buffer (message/rfc822)
	 * goes into it later. */
	used = out == &m->text ? out->len : m->text.len + out->len;
	room = used < MSG_MAX_TEXT ? MSG_MAX_TEXT - used : 0;
	if (len + 1 > room) {
		m->truncated = 1;
		len = room > 1 ? room - 1 : 0;
		/* Cut at a character boundary. */
		while (len > 0 && ((unsigned char)p[len] & 0xC0) == 0x80)
			len--;
	}
	buf_append(out, p, len);
	if (len > 0)
		buf_putc(out, '\n');
}

/* msg_part_bytes - transfer-decoded content of a leaf part, caller frees */
static GByteArray *
msg_part_bytes(GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *ba;

	if (content == NULL)
		return NULL;
	ba = g_byte_array_new();
	mem = g_mime_stream_mem_new_with_byte_array(ba);
	/* The array stays ours when the stream goes. */
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_data_wrapper_write_to_stream(content, mem);
	g_object_unref(mem);
	return ba;
}

/* msg_walk_leaf - collect the text of a text/plain or text/html part */
static void
msg_walk_leaf(struct msg_walk *w, GMimeObject *obj, struct buf *out)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	struct buf utf8 = BUF_INIT, clean = BUF_INIT, html = BUF_INIT;
	GByteArray *ba = NULL;
	const char *cs, *text;
	size_t tlen;
	int is_html;

	if (ct == NULL || !g_mime_content_type_is_type(ct, "text", "*"))
		goto out;
	is_html = g_mime_content_type_is_type(ct, "text", "html");
	if (!is_html && !g_mime_content_type_is_type(ct, "text", "plain"))
		goto out;
	if ((ba = msg_part_bytes(GMIME_PART(obj))) == NULL || ba->len == 0)
		goto out;
	cs = g_mime_content_type_get_parameter(ct, "charset");
	/* Valid UTF-8 declared as such (or as ASCII) and without CR is
	 * read in place: what msg_convert() and msg_text_clean() would copy
	 * unchanged. */
	text = (const char *)ba->data;
	tlen = ba->len;
	if (!((msg_charset_is_ascii(cs) || msg_charset_is_utf8(cs))
	      && msg_utf8_valid(text, tlen))) {
		msg_convert(&utf8, text, tlen, cs);
		text = buf_str(&utf8);
		tlen = utf8.len;
	}
	if (memchr(text, '\r', tlen) != NULL) {
		msg_text_clean(&clean, text, tlen);
		text = buf_str(&clean);
		tlen = clean.len;
	}
	if (is_html) {
		if (html_to_text(text, tlen, &html) == 0)
			msg_text_add(w, out, buf_str(&html), html.len,
				     MSG_ORIGIN_HTML);
	} else {
		msg_text_add(w, out, text, tlen, MSG_ORIGIN_PLAIN);
	}
out:
	if (ba != NULL)
		g_byte_array_unref(ba);
	buf_free(&utf8);
	buf_free(&clean);
	buf_free(&html);
}

/* msg_is_plain_body - a text/plain part that is not an attachment */
static int
msg_is_plain_body(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);

	return GMIME_IS_PART(obj) && ct != NULL
	    && g_mime_content_type_is_type(ct, "text", "plain")
	    && !g_mime_part_is_attachment(GMIME_PART(obj));
}

/* msg_walk_alternative - one alternative: text/plain if any, else the rest */
static void
msg_walk_alternative(struct msg_walk *w, GMimeMultipart *mp, int depth,
		     struct buf *out)
{
	GMimeObject *child;
	size_t before;
	int i, n = g_mime_multipart_get_count(mp);

	for (i = 0; i < n; i++) {
		child = g_mime_multipart_get_part(mp, i);
		if (msg_is_plain_body(child)) {
			msg_walk_object(w, child, depth + 1, out);
			return;
		}
	}
	/* No text/plain: the first alternative that yields text. */
	for (i = 0; i < n; i++) {
		before = out->len;
		msg_walk_object(w, g_mime_multipart_get_part(mp, i), depth + 1,
				out);
		if (out->len != before)
			return;
	}
}

/* msg_walk_message - text of an attached message, each line as "> " */
static void
msg_walk_message(struct msg_walk *w, GMimeMessage *inner, int depth,
		 struct buf *out)
{
	struct buf sub = BUF_INIT, q = BUF_INIT;
	InternetAddressList *from;
	const char *p, *nl, *end;
	char *s = NULL, *subject = NULL;

	if (inner == NULL)
		goto out;
	/* Who wrote it and about what: quoted context for the rules. */
	from = g_mime_message_get_from(inner);
	if (from != NULL && internet_address_list_length(from) > 0) {
		s = internet_address_list_to_string(from, NULL, FALSE);
		subject = msg_header_dup(s);
		buf_printf(&sub, "From: %s\n", subject);
		free(subject);
	}
	subject = msg_header_dup(g_mime_message_get_subject(inner));
	if (*subject)
		buf_printf(&sub, "Subject: %s\n", subject);
	/* msg_text_add() puts the blank line between headers and body. */
	msg_walk_object(w, g_mime_message_get_mime_part(inner), depth + 1, &sub);
	buf_puts(&sub, "");
	end = sub.data + sub.len;
	for (p = sub.data; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		buf_puts(&q, nl > p ? "> " : ">");
		buf_append(&q, p, (size_t)(nl - p));
		buf_putc(&q, '\n');
	}
	if (q.len > 0)
		msg_text_add(w, out, q.data, q.len, MSG_ORIGIN_PLAIN);
out:
	g_free(s);
	free(subject);
	buf_free(&sub);
	buf_free(&q);
}

/* msg_walk_object - collect text below one MIME object */
static void
msg_walk_object(struct msg_walk *w, GMimeObject *obj, int depth,
		struct buf *out)
{
	GMimeMultipart *mp;
	GMimeContentType *ct;
	int i, n;

	if (obj == NULL)
		return;
	if (depth > MSG_MAX_DEPTH || w->m->nparts >= MSG_MAX_PARTS) {
		w->m->truncated = 1;
		return;
	}
	w->m->nparts++;
	if (GMIME_IS_MULTIPART(obj)) {
		mp = GMIME_MULTIPART(obj);
		ct = g_mime_object_get_content_type(obj);
		if (ct != NULL
		    && g_mime_content_type_is_type(ct, "multipart", "alternative")) {
			msg_walk_alternative(w, mp, depth, out);
			return;
		}
		n = g_mime_multipart_get_count(mp);
		for (i = 0; i < n; i++)
			msg_walk_object(w, g_mime_multipart_get_part(mp, i),
					depth + 1, out);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		msg_walk_message(w, g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj)), depth, out);
	} else if (GMIME_IS_PART(obj)) {
		msg_walk_leaf(w, obj, out);
	}
}

/* msg_headers_get - copy the decoded headers into m */
static void
msg_headers_get(GMimeMessage *message, struct msg *m)
{
	struct buf to = BUF_INIT;
	const char *s;

	m->subject = msg_header_dup(g_mime_message_get_subject(message));
	msg_mailbox_get(g_mime_message_get_from(message), &m->from_name,
			&m->from_addr);
	msg_mailbox_get(g_mime_message_get_reply_to(message), &m->reply_name,
			&m->reply_addr);
	msg_addrs_append(&to, g_mime_message_get_to(message), 0);
	msg_addrs_append(&to, g_mime_message_get_cc(message), 0);
	m->to = buf_steal(&to);
	m->message_id = msg_header_dup(g_mime_message_get_message_id(message));
	s = g_mime_object_get_header(GMIME_OBJECT(message), "Date");
	m->date = msg_header_dup(s);
}

/* msg_init - fill m with empty strings so msg_free() always works */
static void
msg_init(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	buf_init(&m->text);
}

/* msg_looks_text - no NUL and few control bytes: text, not random data */
static int
msg_looks_text(const char *data, size_t len)
{
	size_t i, ctl = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == 0)
			return 0;
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f')
		    || c == 0x7f)
			ctl++;
	}
	return ctl * 100 <= len;
}

/* msg_parse_headerless - GMime found no header: take text input as body */
static int
msg_parse_headerless(const char *data, size_t len, struct msg *m,
		     struct lm_err *err)
{
	struct buf utf8 = BUF_INIT, clean = BUF_INIT;
	struct msg_walk w;
	int ret = LM_ESYNTAX;

	if (!msg_looks_text(data, len)) {
		lm_err_set(err, "", 0, 0, "no MIME message could be parsed");
		goto out;
	}
	w.m = m;
	w.first_done = 0;
	msg_convert(&utf8, data, len, NULL);
	msg_text_clean(&clean, buf_str(&utf8), utf8.len);
	buf_puts(&m->text, "");
	msg_text_add(&w, &m->text, buf_str(&clean), clean.len, MSG_ORIGIN_PLAIN);
	m->nparts = 1;
	ret = 0;
out:
	buf_free(&utf8);
	buf_free(&clean);
	return ret;
}

/*
 * The header fields GMime or this module read: GMimeMessage's own (the
 * address fields, Subject, Date, Message-Id) and every Content-* field,
 * which the parser hands to the body part.  The parser reads no other
 * (not even MIME-Version); Content-Length only in mbox format.
 */
static const char *const msg_kept_fields[] = {
	"From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject", "Date",
	"Message-Id", NULL
};

/* msg_field_kept - a field name (n bytes, before its ':') GMime must see */
static int
msg_field_kept(const char *name, size_t n)
{
	if (n >= 8 && g_ascii_strncasecmp(name, "Content-", 8) == 0)
		return 1;
	for (const char *const *k = msg_kept_fields; *k; k++)
		if (strlen(*k) == n && g_ascii_strncasecmp(name, *k, n) == 0)
			return 1;
	return 0;
}

/*
 * msg_headers_trim - see msg.h.  Only a plain header block is trimmed:
 * every line a "Name:" field (name bytes 33..126 but ':', the colon right
 * after) or a folded continuation (starting with SP or TAB), no NUL, and a
 * blank line (LF or CRLF) ending it.  Then GMime parses each field on its
 * own, and a field left out, continuation lines and all, changes nothing
 * it makes of the others or of the body (GMime treats a first line
 * differently only when it is no field).  At least one field stays.
 * Anything else: 0, GMime gets all.
 */
int
msg_headers_trim(const char *data, size_t len, struct buf *out)
{
	const char *p = data, *end = data + len, *eol, *body = NULL;
	size_t kept = 0, dropped = 0;
	int keep = 1;

	/* check the whole block first */
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return 0;	/* no end of headers */
		if (p == eol || (p[0] == '\r' && p + 1 == eol)) {
			body = p;
			break;
		}
		if (memchr(p, '\0', (size_t)(eol - p)) != NULL)
			return 0;
		if (*p == ' ' || *p == '\t') {
			if (kept + dropped == 0)
				return 0;
			continue;
		}
		for (const char *q = p;; q++) {
			if (q == eol)
				return 0;
			if (*q == ':') {
				if (q == p)
					return 0;
				if (msg_field_kept(p, (size_t)(q - p)))
					kept++;
				else
					dropped++;
				break;
			}
			if ((unsigned char)*q < 33 || (unsigned char)*q > 126)
				return 0;
		}
	}
	if (body == NULL || dropped == 0 || kept == 0)
		return 0;
	/* then copy the fields kept, each with its continuation lines */
	buf_reserve(out, len);
	for (p = data; p < body; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(body - p));
		if (*p != ' ' && *p != '\t')
			keep = msg_field_kept(p, (size_t)((const char *)memchr(p, ':',
			    (size_t)(eol - p)) - p));
		if (keep)
			buf_append(out, p, (size_t)(eol + 1 - p));
	}
	buf_append(out, body, (size_t)(end - body));
	return 1;
}

/* msg_parse - parse raw message bytes into m */
int
msg_parse(const char *data, size_t len, struct msg *m, struct lm_err *err)
{
	return msg_parse_flags(data, len, m, msg_all_headers ? MSG_ALL_HEADERS : 0, err);
}

/* msg_parse_flags - see msg.h */
int
msg_parse_flags(const char *data, size_t len, struct msg *m, int flags,
		struct lm_err *err)
{
	struct buf trimmed = BUF_INIT;
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *message = NULL;
	struct msg_walk w;
	int ret = LM_ESYNTAX;

	msg_init(m);
	if (data == NULL || len == 0) {
		lm_err_set(err, "", 0, 0, "empty message");
		goto out;
	}
	if (!(flags & MSG_ALL_HEADERS) && msg_headers_trim(data, len, &trimmed))
		stream = g_mime_stream_mem_new_with_buffer(trimmed.data, trimmed.len);
	else
		stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	message = g_mime_parser_construct_message(parser, NULL);
	if (message == NULL) {
		ret = msg_parse_headerless(data, len, m, err);
		goto out;
	}
	msg_headers_get(message, m);
	w.m = m;
	w.first_done = 0;
	msg_walk_object(&w, g_mime_message_get_mime_part(message), 0, &m->text);
	if (m->text.data == NULL)
		buf_puts(&m->text, "");
	ret = 0;
out:
	if (ret != 0) {
		msg_free(m);
		msg_init(m);
	}
	/* Every struct msg string is set, also on failure. */
	if (m->subject == NULL) {
		m->subject = lm_xstrdup("");
		m->from_name = lm_xstrdup("");
		m->from_addr = lm_xstrdup("");
		m->reply_name = lm_xstrdup("");
		m->reply_addr = lm_xstrdup("");
		m->to = lm_xstrdup("");
		m->message_id = lm_xstrdup("");
		m->date = lm_xstrdup("");
		buf_puts(&m->text, "");
	}
	if (message != NULL)
		g_object_unref(message);
	if (parser != NULL)
		g_object_unref(parser);
	if (stream != NULL)
		g_object_unref(stream);
	buf_free(&trimmed);
	return ret;
}

/* msg_free - free every string of m; m can be parsed into again */
void
msg_free(struct msg *m)
{
	if (m == NULL)
		return;
	free(m->subject);
	free(m->from_name);
	free(m->from_addr);
	free(m->reply_name);
	free(m->reply_addr);
	free(m->to);
	free(m->message_id);
	free(m->date);
	buf_free(&m->text);
	memset(m, 0, sizeof(*m));
}
