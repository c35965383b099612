/* check_annotate - verdict -> plan: header values, forged headers, routing,
 * DryRun, size skip, Subject tag, body summary */
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "annotate.h"

/* check_verdict - a verdict as the engine would fill it */
static void
check_verdict(struct verdict *v, const char *decision, const char *disq,
	      const int levels[4])
{
	static const char *names[] = { "need", "timeframe", "authority", "profile" };

	verdict_init(v);
	v->decision = lm_xstrdup(decision);
	v->disqualifier = disq ? lm_xstrdup(disq) : NULL;
	for (int i = 0; i < 4; i++) {
		v->crit[i].name = lm_xstrdup(names[i]);
		v->crit[i].level = levels[i];
		v->total += levels[i];
	}
	v->ncrit = 4;
	v->email = lm_xstrdup("karin@mueller-steuer.de");
	v->name = lm_xstrdup("Karin Mueller");
	v->lead_id = lm_xstrdup("L0123456789abcdef");
}

/* check_hdr - the plan's op at i */
static void
check_hdr(const struct annotate_plan *p, size_t i, int kind, const char *name,
	  int index, const char *value)
{
	ck_assert_msg(i < p->nhdr, "op %zu: got %zu ops", i, p->nhdr);
	ck_assert_msg(p->hdr[i].kind == kind && strcmp(p->hdr[i].name, name) == 0 &&
		      (kind == ANNOTATE_HDR_ADD || p->hdr[i].index == index),
		      "op %zu: got %d %s[%d], want %d %s[%d]", i, p->hdr[i].kind,
		      p->hdr[i].name, p->hdr[i].index, kind, name, index);
	if (value)
		ck_assert_msg(p->hdr[i].value && strcmp(p->hdr[i].value, value) == 0,
			      "op %zu %s: got \"%s\", want \"%s\"", i, name,
			      p->hdr[i].value ? p->hdr[i].value : "(null)", value);
}

/* check_find - the value of the added header name, or NULL */
static const char *
check_find(const struct annotate_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nhdr; i++)
		if (p->hdr[i].kind == ANNOTATE_HDR_ADD && strcmp(p->hdr[i].name, name) == 0)
			return p->hdr[i].value;
	return NULL;
}

static const struct {
	const char *in;
	size_t cap;
	const char *want;
} value_cases[] = {
	{ "plain", 200, "plain" },
	{ "  a\r\nb\tc\001d  ", 200, "a b c d" },			/* no CR/LF/controls */
	{ "X-Lead-Decision: sales\r\nBcc: x@y", 200, "X-Lead-Decision: sales Bcc: x@y" },
	{ "M\xc3\xbcller GmbH", 200, "=?UTF-8?B?TcO8bGxlcg==?= GmbH" },
	/* a run of encoded words is one encoding: its space survives decoding */
	{ "M\xc3\xbcller Stra\xc3\x9f" "e GmbH", 200, "=?UTF-8?B?TcO8bGxlciBTdHJhw59l?= GmbH" },
	{ "bad \xff byte", 200, "bad ? byte" },
	{ "\xc0\xaf overlong", 200, "?? overlong" },
	{ "=?utf-8?q?forged?=", 200, "=?UTF-8?B?PT91dGYtOD9xP2ZvcmdlZD89?=" },
	{ "abcdefghij", 8, "abcde..." },
	/* cut between characters, "..." inside the same encoded-word */
	{ "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc", 7, "=?UTF-8?B?w7zDvC4uLg==?=" },
	{ "", 200, "" },
	{ NULL, 200, "" },
};

/* test_value - header values: one line, valid, capped, encoded */
START_TEST(test_value)
{
	struct buf b = BUF_INIT;

	annotate_value(value_cases[_i].in, value_cases[_i].cap, 10, &b);
	ck_assert_msg(strcmp(buf_str(&b), value_cases[_i].want) == 0,
		      "case %d: got \"%s\", want \"%s\"", _i, buf_str(&b), value_cases[_i].want);
	buf_free(&b);
}
END_TEST

/* test_value_fold - long values fold before 78 columns, words intact */
START_TEST(test_value_fold)
{
	struct buf in = BUF_INIT, out = BUF_INIT, back = BUF_INIT;
	const char *namev[] = { "X-Lead-Summary", "X" };

	for (int i = 0; i < 30; i++)
		buf_printf(&in, "w%d%s ", i, i % 7 == 3 ? "\xc3\xa9t\xc3\xa9" : "");
	for (size_t k = 0; k < 2; k++) {
		size_t col = strlen(namev[k]) + 2;

		buf_reset(&out);
		annotate_value(buf_str(&in), ANNOTATE_MAX_VALUE, strlen(namev[k]), &out);
		for (const char *s = buf_str(&out); *s; s++) {
			if (*s == '\n') {
				ck_assert_msg(s[1] == '\t', "fold without a tab: \"%s\"", buf_str(&out));
				col = 0;
				continue;
			}
			col += *s == '\t' ? 8 : 1;
			ck_assert_msg(col <= 78, "line over 78 columns: \"%s\"", buf_str(&out));
			ck_assert_msg(*s != '\r', "CR in \"%s\"", buf_str(&out));
		}
		/* unfolded, it is the value as it was (none of it needed encoding
		 * across a fold) */
		buf_reset(&back);
		for (const char *s = buf_str(&out); *s; s++)
			if (*s == '\n')
				s++, buf_putc(&back, ' ');
			else
				buf_putc(&back, *s);
		ck_assert_msg(strstr(buf_str(&back), "w29") != NULL, "lost words: \"%s\"", buf_str(&back));
	}
	buf_free(&in);
	buf_free(&out);
	buf_free(&back);
}
END_TEST

/* test_value_encoded_words - RFC 2047: each encoded-word at most 75 chars */
START_TEST(test_value_encoded_words)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	const char *s;

	for (int i = 0; i < 60; i++)
		buf_puts(&in, "\xe2\x82\xac");	/* 3-byte characters */
	annotate_value(buf_str(&in), ANNOTATE_MAX_VALUE, 14, &out);
	for (s = buf_str(&out); (s = strstr(s, "=?UTF-8?B?")) != NULL; s++) {
		const char *e = strstr(s, "?=");

		ck_assert_msg(e != NULL && e - s + 2 <= 75, "encoded-word too long in \"%s\"",
			      buf_str(&out));
		/* 45 bytes of 3-byte characters: never a split character */
		ck_assert_msg((e - s - 10) % 4 == 0, "bad base64 length");
	}
	buf_free(&in);
	buf_free(&out);
}
END_TEST

/* test_quote - log values */
START_TEST(test_quote)
{
	struct buf b = BUF_INIT;

	annotate_quote("Acme \"Best\" \\ GmbH\r\nX", 200, &b);
	ck_assert_str_eq(buf_str(&b), "\"Acme \\\"Best\\\" \\\\ GmbH X\"");
	buf_reset(&b);
	annotate_quote(NULL, 200, &b);
	ck_assert_str_eq(buf_str(&b), "\"\"");
	buf_free(&b);
}
END_TEST

/* test_addr - address comparison and our header names */
START_TEST(test_addr)
{
	ck_assert(annotate_addr_equal("<Sales@Example.COM>", "sales@example.com"));
	ck_assert(annotate_addr_equal(" <a@b> ", "<a@b>"));
	ck_assert(!annotate_addr_equal("<a@b>", "<a@bc>"));
	ck_assert(!annotate_addr_equal("<>", "<>"));
	ck_assert(annotate_is_lead_header("x-LEAD-score"));
	ck_assert(!annotate_is_lead_header("X-Leader"));
	ck_assert(!annotate_is_lead_header("X-Lead"));
}
END_TEST

static const char *const rcpt3[] = { "<sales@example.com>", "<bob@example.com>", "<Info@Example.com>" };
static const unsigned char inq3[] = { 1, 0, 1 };

/* check_input - a message to sales@, bob@ (not an inquiry) and info@ */
static struct annotate_input
check_input(const struct verdict *v)
{
	struct annotate_input in;

	memset(&in, 0, sizeof(in));
	in.v = v;
	in.rcpt = rcpt3;
	in.inquiry = inq3;
	in.nrcpt = 3;
	in.subject = "Need a quote";
	return in;
}

/* test_headers - the X-Lead-* set for a sales lead, forged ones first out */
START_TEST(test_headers)
{
	static const int lv[4] = { 3, 3, 2, 2 };
	static const struct annotate_seen seen[] = {
		{ "X-Lead-Decision", 1 }, { "x-lead-score", 1 }, { "X-Lead-Decision", 2 },
	};
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;
	struct verdict v;

	check_verdict(&v, "sales", NULL, lv);
	verdict_add_tag(&v, "sweet-spot");
	verdict_add_tag(&v, "rfp");
	verdict_set_field(&v, "company", "Acme GmbH", "signature", "r1");
	verdict_set_field(&v, "title", "CEO", "signature", "r2");
	verdict_set_field(&v, "country", "DE", "signature", "r3");
	verdict_set_field(&v, "employees", "51-200", "body", "r4");
	in = check_input(&v);
	in.seen = seen;
	in.nseen = 3;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	/* highest index first, so no deletion renumbers the next one */
	check_hdr(&p, 0, ANNOTATE_HDR_DELETE, "X-Lead-Decision", 2, NULL);
	check_hdr(&p, 1, ANNOTATE_HDR_DELETE, "x-lead-score", 1, NULL);
	check_hdr(&p, 2, ANNOTATE_HDR_DELETE, "X-Lead-Decision", 1, NULL);
	check_hdr(&p, 3, ANNOTATE_HDR_ADD, "X-Lead-Decision", 0, "sales");
	check_hdr(&p, 4, ANNOTATE_HDR_ADD, "X-Lead-Score", 0,
		  "10 (need=3 timeframe=3 authority=2 profile=2)");
	check_hdr(&p, 5, ANNOTATE_HDR_ADD, "X-Lead-Tags", 0, "sweet-spot, rfp");
	check_hdr(&p, 6, ANNOTATE_HDR_ADD, "X-Lead-Company", 0, "Acme GmbH");
	check_hdr(&p, 7, ANNOTATE_HDR_ADD, "X-Lead-Title", 0, "CEO");
	check_hdr(&p, 8, ANNOTATE_HDR_ADD, "X-Lead-Country", 0, "DE");
	check_hdr(&p, 9, ANNOTATE_HDR_ADD, "X-Lead-Employees", 0, "51-200");
	/* no source field: the inquiry address it came to */
	check_hdr(&p, 10, ANNOTATE_HDR_ADD, "X-Lead-Source", 0, "<sales@example.com>");
	check_hdr(&p, 11, ANNOTATE_HDR_ADD, "X-Lead-Id", 0, "L0123456789abcdef");
	check_hdr(&p, 12, ANNOTATE_HDR_ADD, "X-Lead-Summary", 0,
		  "sales 10/12 [sweet-spot, rfp]: Karin Mueller, CEO, Acme GmbH,\n\tDE, 51-200 employees");
	ck_assert_uint_eq(p.nhdr, 13);
	ck_assert_ptr_null(check_find(&p, "X-Lead-Reason"));
	ck_assert_uint_eq(p.nrcpt, 0);
	ck_assert_ptr_null(p.body_prefix);
	ck_assert_str_eq(p.changes, "hdr-3,hdr+10");
	annotate_free(&p);
	annotate_free(&p);	/* idempotent */
	verdict_free(&v);
}
END_TEST

/* test_headers_sparse - nothing known: no empty headers, the address */
START_TEST(test_headers_sparse)
{
	static const int lv[4] = { 1, 1, 1, 1 };
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;
	struct verdict v;

	check_verdict(&v, "archive", "student", lv);
	free(v.name);
	v.name = lm_xstrdup("");
	verdict_set_field(&v, "source", "webform", "form", "r9");
	verdict_set_field(&v, "company", "", "form", "r9");
	in = check_input(&v);
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	ck_assert_str_eq(check_find(&p, "X-Lead-Reason"), "student");
	ck_assert_str_eq(check_find(&p, "X-Lead-Source"), "webform");
	ck_assert_ptr_null(check_find(&p, "X-Lead-Company"));
	ck_assert_ptr_null(check_find(&p, "X-Lead-Tags"));
	ck_assert_str_eq(check_find(&p, "X-Lead-Summary"),
			 "archive 4/12 (student): karin@mueller-steuer.de");
	annotate_free(&p);
	verdict_free(&v);
}
END_TEST

static const struct {
	const char *decision, *disq, *disq_dest, *decision_dest, *sales, *archive;
	const char *want;
} dest_cases[] = {
	{ "sales", NULL, NULL, NULL, "team@x.org", NULL, "team@x.org" },
	{ "sales", NULL, NULL, "rules@x.org", "team@x.org", NULL, "team@x.org" },
	{ "sales", NULL, NULL, "rules@x.org", "", NULL, "rules@x.org" },
	{ "sales", NULL, NULL, NULL, NULL, NULL, NULL },
	{ "archive", "job-applicant", "hr@x.org", NULL, NULL, "arch@x.org", "hr@x.org" },
	{ "archive", "student", NULL, NULL, NULL, "arch@x.org", "arch@x.org" },
	{ "archive", "student", "", NULL, NULL, NULL, NULL },
	{ "partner", NULL, NULL, "partners@x.org", "team@x.org", NULL, "partners@x.org" },
};

/* test_dest - the disqualifier's mailbox, else the decision's */
START_TEST(test_dest)
{
	static const int lv[4] = { 2, 2, 2, 2 };
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;
	struct verdict v;

	check_verdict(&v, dest_cases[_i].decision, dest_cases[_i].disq, lv);
	opt.route = 1;
	opt.sales_mailbox = dest_cases[_i].sales;
	opt.archive_mailbox = dest_cases[_i].archive;
	in = check_input(&v);
	in.disq_dest = dest_cases[_i].disq_dest;
	in.decision_dest = dest_cases[_i].decision_dest;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	if (dest_cases[_i].want == NULL) {
		ck_assert_msg(p.dest == NULL, "case %d: got dest %s, want none", _i, p.dest);
		ck_assert_uint_eq(p.nrcpt, 0);
		ck_assert_ptr_nonnull(p.note);
	} else {
		ck_assert_msg(p.dest && strcmp(p.dest, dest_cases[_i].want) == 0,
			      "case %d: got dest %s, want %s", _i, p.dest ? p.dest : "(none)",
			      dest_cases[_i].want);
	}
	annotate_free(&p);
	verdict_free(&v);
}
END_TEST

/* test_route - inquiry recipients out, the mailbox in, others untouched */
START_TEST(test_route)
{
	static const int lv[4] = { 3, 3, 3, 3 };
	static const char *const rcpt[] = {
		"<sales@example.com>", "<bob@example.com>", "<sales@example.com>", "<Team@X.org>",
	};
	static const unsigned char inq[] = { 1, 0, 1, 0 };
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;
	struct verdict v;

	check_verdict(&v, "sales", NULL, lv);
	opt.sales_mailbox = "team@x.org";
	in = check_input(&v);
	/* Mode annotate: the mailbox is known but nothing moves */
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	ck_assert_str_eq(p.dest, "team@x.org");
	ck_assert_uint_eq(p.nrcpt, 0);
	ck_assert_ptr_null(check_find(&p, "X-Lead-Routed"));
	annotate_free(&p);

	opt.route = 1;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	ck_assert_uint_eq(p.nrcpt, 3);
	ck_assert(!p.rcpt[0].add && strcmp(p.rcpt[0].addr, "<sales@example.com>") == 0);
	ck_assert(!p.rcpt[1].add && strcmp(p.rcpt[1].addr, "<Info@Example.com>") == 0);
	ck_assert(p.rcpt[2].add && strcmp(p.rcpt[2].addr, "<team@x.org>") == 0);
	ck_assert_str_eq(check_find(&p, "X-Lead-Routed"), "<team@x.org>");
	ck_assert_str_eq(p.changes, "hdr+6,rcpt-2,rcpt+1");
	annotate_free(&p);

	/* the mailbox is already a recipient: not added twice; a repeated
	 * inquiry address is deleted once */
	in.rcpt = rcpt;
	in.inquiry = inq;
	in.nrcpt = 4;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	ck_assert_uint_eq(p.nrcpt, 1);
	ck_assert(!p.rcpt[0].add && strcmp(p.rcpt[0].addr, "<sales@example.com>") == 0);
	annotate_free(&p);

	/* the inquiry address is the mailbox: nothing to do */
	opt.sales_mailbox = "sales@EXAMPLE.com";
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	ck_assert_uint_eq(p.nrcpt, 0);
	ck_assert_ptr_null(check_find(&p, "X-Lead-Routed"));
	annotate_free(&p);
	verdict_free(&v);
}
END_TEST

/* test_dry_run - one X-Lead-DryRun header that tells the whole plan */
START_TEST(test_dry_run)
{
	static const int lv[4] = { 3, 3, 3, 3 };
	static const struct annotate_seen seen[] = {
		{ "X-Lead-Decision", 1 }, { "X-Lead-DryRun", 1 }, { "x-lead-dryrun", 2 },
	};
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;
	struct verdict v;

	check_verdict(&v, "sales", NULL, lv);
	opt.route = opt.dry_run = opt.body_summary = 1;
	opt.sales_mailbox = "team@x.org";
	opt.subject_tag = "[lead %t/%m]";
	in = check_input(&v);
	in.seen = seen;
	in.nseen = 3;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	check_hdr(&p, 0, ANNOTATE_HDR_DELETE, "x-lead-dryrun", 2, NULL);
	check_hdr(&p, 1, ANNOTATE_HDR_DELETE, "X-Lead-DryRun", 1, NULL);
	check_hdr(&p, 2, ANNOTATE_HDR_ADD, "X-Lead-DryRun", 0,
		  "decision=sales score=12/12 dest=<team@x.org>\n\t"
		  "would=hdr-3,hdr+6,subject,rcpt-2,rcpt+1,body");
	ck_assert_uint_eq(p.nhdr, 3);
	ck_assert_uint_eq(p.nrcpt, 0);
	ck_assert_ptr_null(p.body_prefix);
	ck_assert_str_eq(p.dest, "team@x.org");
	ck_assert_ptr_nonnull(p.summary);
	annotate_free(&p);
	verdict_free(&v);
}
END_TEST

/* test_skipped - not scanned: forged headers out, X-Lead-Skipped in */
START_TEST(test_skipped)
{
	static const struct annotate_seen seen[] = { { "X-Lead-Score", 1 } };
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;

	in = check_input(NULL);
	ck_assert_int_eq(annotate_build(&opt, &in, &p), LM_EINTERNAL);
	in.skipped = "size";
	in.seen = seen;
	in.nseen = 1;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	check_hdr(&p, 0, ANNOTATE_HDR_DELETE, "X-Lead-Score", 1, NULL);
	check_hdr(&p, 1, ANNOTATE_HDR_ADD, "X-Lead-Skipped", 0, "size");
	ck_assert_uint_eq(p.nhdr, 2);
	ck_assert_ptr_null(p.dest);
	annotate_free(&p);

	opt.dry_run = 1;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	check_hdr(&p, 0, ANNOTATE_HDR_ADD, "X-Lead-DryRun", 0, "skipped=size");
	ck_assert_uint_eq(p.nhdr, 1);
	annotate_free(&p);
}
END_TEST

static const struct {
	const char *fmt;
	int ntags;
	const char *subject;
	int kind;		/* -1: no Subject op */
	const char *want;
} subject_cases[] = {
	{ "[lead %t/%m %g]", 1, "Need a quote", ANNOTATE_HDR_CHANGE, "[lead 10/12 sweet-spot] Need a quote" },
	{ "[lead %t/%m %g]", 0, "Need a quote", ANNOTATE_HDR_CHANGE, "[lead 10/12] Need a quote" },
	{ "[%d %t%%]", 0, "Hi", ANNOTATE_HDR_CHANGE, "[sales 10%] Hi" },
	{ "[lead %t/%m %g]", 1, NULL, ANNOTATE_HDR_ADD, "[lead 10/12 sweet-spot]" },
	/* a second pass (a forward back in) does not tag twice */
	{ "[lead %t/%m %g]", 1, "[lead 10/12 sweet-spot] Need a quote", -1, NULL },
	{ "[Anfrage %t]", 0, "=?UTF-8?B?w6Q=?=", ANNOTATE_HDR_CHANGE, "[Anfrage 10] =?UTF-8?B?w6Q=?=" },
	/* an encoded-word is a whole blank-separated word: "[ä" */
	{ "[\xc3\xa4 %t]", 0, "x", ANNOTATE_HDR_CHANGE, "=?UTF-8?B?W8Ok?= 10] x" },
};

/* test_subject - SubjectTag expansion and where it goes */
START_TEST(test_subject)
{
	static const int lv[4] = { 3, 3, 2, 2 };
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;
	struct verdict v;
	size_t i;

	check_verdict(&v, "sales", NULL, lv);
	if (subject_cases[_i].ntags)
		verdict_add_tag(&v, "sweet-spot");
	opt.subject_tag = subject_cases[_i].fmt;
	in = check_input(&v);
	in.subject = subject_cases[_i].subject;
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	for (i = 0; i < p.nhdr && strcmp(p.hdr[i].name, "Subject") != 0; i++)
		;
	if (subject_cases[_i].kind < 0) {
		ck_assert_msg(i == p.nhdr, "case %d: Subject changed to \"%s\"", _i, p.hdr[i].value);
	} else {
		ck_assert_msg(i < p.nhdr, "case %d: Subject not changed", _i);
		check_hdr(&p, i, subject_cases[_i].kind, "Subject", 1, subject_cases[_i].want);
	}
	annotate_free(&p);
	verdict_free(&v);
}
END_TEST

static const struct {
	const char *ct, *cte;
	int ok;
	const char *who;	/* the Who: line of the block */
} body_cases[] = {
	{ NULL, NULL, 1, "Who:      Karin M?ller\r\n" },
	{ "text/plain; charset=\"UTF-8\"", "8bit", 1, "Who:      Karin M\xc3\xbcller\r\n" },
	{ " TEXT/PLAIN;\n\tcharset=utf-8", "7bit", 1, "Who:      Karin M\xc3\xbcller\r\n" },
	{ "text/plain; charset=iso-8859-1", NULL, 1, "Who:      Karin M?ller\r\n" },
	{ "text/plain", "quoted-printable", 0, NULL },
	{ "text/plain", "base64", 0, NULL },
	{ "text/html; charset=utf-8", NULL, 0, NULL },
	{ "multipart/alternative; boundary=x", NULL, 0, NULL },
	{ "text/plainx", NULL, 0, NULL },
};

/* test_body - the summary block only for a single text/plain part */
START_TEST(test_body)
{
	static const int lv[4] = { 3, 3, 2, 2 };
	struct annotate_opts opt = { 0 };
	struct annotate_input in;
	struct annotate_plan p;
	struct verdict v;

	check_verdict(&v, "archive", "job-applicant", lv);
	free(v.name);
	v.name = lm_xstrdup("Karin M\xc3\xbcller");
	opt.body_summary = 1;
	in = check_input(&v);
	in.content_type = body_cases[_i].ct;
	in.cte = body_cases[_i].cte;
	in.disq_dest = "hr@x.org";
	ck_assert_int_eq(annotate_build(&opt, &in, &p), 0);
	if (!body_cases[_i].ok) {
		ck_assert_msg(p.body_prefix == NULL, "case %d: body changed", _i);
		ck_assert_ptr_nonnull(p.note);
	} else {
		ck_assert_msg(p.body_prefix != NULL, "case %d: no body summary", _i);
		ck_assert_msg(strncmp(p.body_prefix, "----- leadmilter -----\r\n"
				      "Decision: archive\r\n"
				      "Score:    10 (need=3 timeframe=3 authority=2 profile=2) of 12\r\n"
				      "Reason:   job-applicant (-> hr@x.org)\r\n", 144) == 0,
			      "case %d: got \"%s\"", _i, p.body_prefix);
		ck_assert_msg(strstr(p.body_prefix, body_cases[_i].who) != NULL,
			      "case %d: got \"%s\", want \"%s\"", _i, p.body_prefix, body_cases[_i].who);
		ck_assert_msg(strstr(p.body_prefix, "----------------------\r\n\r\n") != NULL,
			      "case %d: block not closed", _i);
	}
	annotate_free(&p);
	verdict_free(&v);
}
END_TEST

Suite *
suite_annotate(void)
{
	Suite *s = suite_create("annotate");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_value, 0, (int)(sizeof(value_cases) / sizeof(value_cases[0])));
	tcase_add_test(tc, test_value_fold);
	tcase_add_test(tc, test_value_encoded_words);
	tcase_add_test(tc, test_quote);
	tcase_add_test(tc, test_addr);
	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_headers_sparse);
	tcase_add_loop_test(tc, test_dest, 0, (int)(sizeof(dest_cases) / sizeof(dest_cases[0])));
	tcase_add_test(tc, test_route);
	tcase_add_test(tc, test_dry_run);
	tcase_add_test(tc, test_skipped);
	tcase_add_loop_test(tc, test_subject, 0, (int)(sizeof(subject_cases) / sizeof(subject_cases[0])));
	tcase_add_loop_test(tc, test_body, 0, (int)(sizeof(body_cases) / sizeof(body_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
