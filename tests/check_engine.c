/* check_engine - engine_qualify over a small rule set: zones, set/normalise,
 * raise/cap/veto, when statements, history, lead id, bad input */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "engine.h"
#include "rules_int.h"

static char eng_dir[256];
static struct ruleset *eng_rs;
static struct engine_ctx *eng_ctx;

static const char eng_rules[] =
	"criterion need\n"
	"criterion timeframe\n"
	"criterion authority\n"
	"field email email\n"
	"field name name\n"
	"field source lower\n"
	"field company text\n"
	"field title text\n"
	"field country country\n"
	"field employees employees\n"
	"field budget money\n"
	"tag rfp\n"
	"tag repeat\n"
	"tag hand-raiser\n"
	"disqualifier student dest edu@example.com\n"
	"decision sales dest sales@example.com\n"
	"decision nurture\n"
	"decision archive\n"
	"rule quote body /\\b(?:quote|proposal)\\b/ raise need 3\n"
	"rule rfp all /\\bRFP\\b/c tag rfp\n"
	"rule urgent body /\\burgent/ raise timeframe 3\n"
	"rule no-rush body /no rush/ cap timeframe 1\n"
	"rule ceo signature /^(?<title>CEO|Director[^\\n]*)$/ set title raise authority 3\n"
	"rule co signature /^(?<company>[^\\n]+(?:Ltd|LLC|GmbH))$/ set company\n"
	"rule size body /(?<employees>\\d[\\d,]*(?:\\s*-\\s*\\d+)?)\\s+(?:staff|employees)/ set employees\n"
	"rule where signature /,\\s*(?<country>[A-Za-z ]+)$/ set country\n"
	"rule money body /budget (?:is )?(?<budget>\\S+ ?\\S*)/ set budget\n"
	"rule student body /\\bstudent\\b/ disqualify student\n"
	"rule not-student body /not a student/ veto student\n"
	"when disqualified => decide archive\n"
	"when total >= 7 => decide sales\n"
	"when history seen => tag repeat\n"
	"when history nurtured and decision sales => tag hand-raiser\n"
	"when always => decide nurture\n";

static void
eng_setup(void)
{
	char p[512];
	FILE *fp;
	struct lm_err err;
	char msg[800];

	snprintf(eng_dir, sizeof(eng_dir), "/tmp/check_engine.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(eng_dir));
	snprintf(p, sizeof(p), "%s/e.rules", eng_dir);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(eng_rules, fp);
	fclose(fp);
	ck_assert_msg(rules_load(p, &eng_rs, &err) == 0, "%s", lm_err_format(&err, msg, sizeof(msg)));
	eng_ctx = engine_ctx_new();
}

static void
eng_teardown(void)
{
	char p[512];

	rules_unref(eng_rs);
	engine_ctx_free(eng_ctx);
	snprintf(p, sizeof(p), "%s/e.rules", eng_dir);
	unlink(p);
	rmdir(eng_dir);
}

/* qualify - run the engine on a message text */
static int
qualify(const char *text, struct verdict *v, engine_history_fn h, void *hctx)
{
	struct engine_input in = { text, strlen(text), "sales@example.com", 0, h, hctx };
	struct lm_err err;

	verdict_init(v);
	return engine_qualify(eng_rs, eng_ctx, &in, v, &err);
}

#define HDR "From: Ann Lee <Ann@Lee.example>\nTo: sales@example.com\n" \
	    "Message-ID: <m1@lee.example>\nSubject: hello\n\n"

START_TEST(test_engine_basic)
{
	struct verdict v;

	ck_assert_int_eq(qualify(HDR "Please send a quote, this is urgent.\n"
	    "We have 120 staff and our budget is $25,000.\n\nBest regards,\nAnn Lee\nCEO\n"
	    "Lee Freight Ltd\n12 High St, London, United Kingdom\n", &v, NULL, NULL), 0);
	ck_assert_str_eq(v.decision, "sales");
	ck_assert_int_eq(verdict_crit(&v, "need"), 3);
	ck_assert_int_eq(verdict_crit(&v, "timeframe"), 3);
	ck_assert_int_eq(verdict_crit(&v, "authority"), 3);
	ck_assert_int_eq(v.total, 9);
	ck_assert_str_eq(verdict_field(&v, "title"), "CEO");
	ck_assert_str_eq(verdict_field(&v, "company"), "Lee Freight Ltd");
	ck_assert_str_eq(verdict_field(&v, "employees"), "120");
	ck_assert_str_eq(verdict_field(&v, "country"), "GB");
	ck_assert_str_eq(verdict_field(&v, "budget"), "25000 USD");
	ck_assert_str_eq(verdict_field(&v, "email"), "ann@lee.example");
	ck_assert_str_eq(verdict_field(&v, "source"), "sales@example.com");
	ck_assert_str_eq(v.email, "ann@lee.example");
	ck_assert_str_eq(v.destination, "sales@example.com");
	ck_assert_ptr_null(v.disqualifier);
	ck_assert_int_eq(strlen(v.lead_id), 17);
	ck_assert_int_eq(v.lead_id[0], 'L');
	ck_assert_uint_gt(v.nhits, 5);
	verdict_free(&v);
}
END_TEST

START_TEST(test_engine_quoted_and_cap)
{
	struct verdict v;

	/* facts in quoted text do not count; a cap beats a raise */
	ck_assert_int_eq(qualify(HDR "Could you send a quote? urgent-ish but no rush really.\n\n"
	    "On Mon, 1 Jan 2025 at 10:00, Bob <bob@x.example> wrote:\n> CEO\n> 900 staff\n"
	    "> RFP\n", &v, NULL, NULL), 0);
	ck_assert_int_eq(verdict_crit(&v, "timeframe"), 1);
	ck_assert_int_eq(verdict_crit(&v, "authority"), 1);
	ck_assert_ptr_null(verdict_field(&v, "employees"));
	ck_assert_int_eq(verdict_has_tag(&v, "rfp"), 0);
	ck_assert_str_eq(v.decision, "nurture");
	verdict_free(&v);
}
END_TEST

START_TEST(test_engine_veto)
{
	struct verdict v;

	ck_assert_int_eq(qualify(HDR "I am a student writing a thesis.\n", &v, NULL, NULL), 0);
	ck_assert_str_eq(v.decision, "archive");
	ck_assert_str_eq(v.disqualifier, "student");
	ck_assert_str_eq(v.destination, "edu@example.com");
	verdict_free(&v);
	ck_assert_int_eq(qualify(HDR "This is not a student project: send a proposal, urgent.\n",
	    &v, NULL, NULL), 0);
	ck_assert_ptr_null(v.disqualifier);
	ck_assert_str_eq(v.decision, "sales");
	verdict_free(&v);
}
END_TEST

START_TEST(test_engine_normalise_retry)
{
	struct verdict v;

	/* the first ", word" is no country; the engine tries the next match */
	ck_assert_int_eq(qualify(HDR "Hi\n\nRegards,\nAnn, Somewhere\n1 Rue X, Lyon, France\n",
	    &v, NULL, NULL), 0);
	ck_assert_str_eq(verdict_field(&v, "country"), "FR");
	verdict_free(&v);
}
END_TEST

struct hist_ctx {
	int calls;
	char email[128];
	struct engine_fact facts[2];
};

static int
hist_cb(void *p, const struct verdict *v, struct engine_history *out)
{
	struct hist_ctx *h = p;

	h->calls++;
	snprintf(h->email, sizeof(h->email), "%s", v->email);
	out->seen = 1;
	out->nurtured = 1;
	h->facts[0] = (struct engine_fact){ "company", "Old Name Ltd", 100 };
	h->facts[1] = (struct engine_fact){ "employees", "45", 90 };
	out->facts = h->facts;
	out->nfacts = 2;
	return 0;
}

START_TEST(test_engine_history)
{
	struct verdict v;
	struct hist_ctx h = { 0 };

	ck_assert_int_eq(qualify("From: x@y.example\nReply-To: Ann <ANN@lee.example>\n"
	    "Message-ID: <h@x>\n\nSend a quote, urgent. We have 60 staff.\n"
	    "\nRegards,\nAnn\nDirector of IT\n", &v, hist_cb, &h), 0);
	ck_assert_int_eq(h.calls, 1);
	ck_assert_str_eq(h.email, "ann@lee.example");	/* Reply-To beats From */
	ck_assert_str_eq(verdict_field(&v, "company"), "Old Name Ltd");	/* from history */
	ck_assert_str_eq(verdict_field_info(&v, "company")->origin, "history");
	ck_assert_str_eq(verdict_field(&v, "employees"), "60");	/* newer fact wins */
	ck_assert_int_eq(verdict_has_tag(&v, "repeat"), 1);
	ck_assert_int_eq(verdict_has_tag(&v, "hand-raiser"), 1);
	ck_assert_int_eq(v.history_used, 1);
	verdict_free(&v);
}
END_TEST

START_TEST(test_engine_bad_input)
{
	struct verdict v;
	struct engine_input in = { "", 0, NULL, 0, NULL, NULL };
	struct lm_err err;
	char junk[4096];

	verdict_init(&v);
	ck_assert_int_eq(engine_qualify(eng_rs, eng_ctx, &in, &v, &err), LM_ESYNTAX);
	ck_assert_msg(err.msg[0] != '\0', "empty input gives no reason");
	verdict_free(&v);
	srand(7);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(rand() & 0xff);
	in.data = junk;
	in.len = sizeof(junk);
	int rc = engine_qualify(eng_rs, eng_ctx, &in, &v, &err);

	ck_assert_msg(rc == 0 || rc == LM_ESYNTAX, "random bytes: rc %d", rc);
	verdict_free(&v);
}
END_TEST

START_TEST(test_engine_lead_id_stable)
{
	struct verdict a, b;

	qualify(HDR "one\n", &a, NULL, NULL);
	qualify(HDR "two\n", &b, NULL, NULL);
	ck_assert_str_eq(a.lead_id, b.lead_id);	/* same Message-ID */
	verdict_free(&a);
	verdict_free(&b);
	qualify("From: a@b.example\n\nno message id\n", &a, NULL, NULL);
	qualify("From: a@b.example\n\nno message id either\n", &b, NULL, NULL);
	ck_assert_str_ne(a.lead_id, b.lead_id);
	verdict_free(&a);
	verdict_free(&b);
}
END_TEST

/*
 * (*UCP) patterns: \b and \w follow Unicode ("é" is a word character),
 * in ASCII text and in text with accents alike.
 */
static const char ucp_rules[] =
	"criterion c\n"
	"field word text\n"
	"decision yes\n"
	"decision no\n"
	"rule w body /(*UCP)\\bfoo\\w+/ set word raise c 3\n"
	"rule posix body /(*UCP)\\bbar[[:alpha:]]+/ raise c 2\n"
	"rule plain body /\\bbaz\\w+/ raise c 1\n"
	"when always => decide no\n";

/* text_load - load a rule set from text */
static struct ruleset *
text_load(const char *text)
{
	char dir[64] = "/tmp/check_ucp.XXXXXX", p[128], msg[800];
	struct ruleset *rs = NULL;
	struct lm_err err;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/u.rules", dir);
	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	fputs(text, fp);
	fclose(fp);
	ck_assert_msg(rules_load(p, &rs, &err) == 0, "%s", lm_err_format(&err, msg, sizeof(msg)));
	unlink(p);
	rmdir(dir);
	return rs;
}

/* qualify_body - qualify a message with this body into *v (initialised here) */
static void
qualify_body(struct ruleset *rs, const char *body, struct verdict *v)
{
	char text[600];
	struct engine_input in;
	struct lm_err err;

	snprintf(text, sizeof(text), "From: a@b.example\nSubject: s\n\n%s\n", body);
	memset(&in, 0, sizeof(in));
	in.data = text;
	in.len = strlen(text);
	verdict_init(v);
	ck_assert_int_eq(engine_qualify(rs, eng_ctx, &in, v, &err), 0);
}

/* ucp_word - the word field rule w sets on a body, "" if none */
static char *
ucp_word(struct ruleset *rs, const char *body)
{
	struct verdict v;
	const char *w;
	char *copy;

	qualify_body(rs, body, &v);
	w = verdict_field(&v, "word");
	copy = strdup(w ? w : "");
	verdict_free(&v);
	return copy;
}

START_TEST(test_engine_ucp_words)
{
	static const struct {
		const char *body, *want;
	} cases[] = {
		{ "xfoobar foobaz", "foobaz" },
		{ "\xC3\xA9" "foobar foobaz", "foobaz" },	/* no \b after é */
		{ "foo\xC3\xA9x and more", "foo\xC3\xA9x" },	/* \w takes é */
		{ "foo_1 x", "foo_1" },
		{ "no match here", "" },
	};
	struct ruleset *rs = text_load(ucp_rules);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = ucp_word(rs, cases[i].body);

		ck_assert_msg(strcmp(got, cases[i].want) == 0, "%s: got \"%s\", want \"%s\"",
			      cases[i].body, got, cases[i].want);
		free(got);
	}
	rules_unref(rs);
}
END_TEST

/*
 * A window in an all-ASCII zone is cut with one byte a character
 * (rules.c, rules_prefilter_ascii): a gap of exactly the most the
 * pattern allows must still be found, in ASCII text and in text with a
 * two-byte character in the gap.
 */
START_TEST(test_engine_ascii_windows)
{
	static const char rules[] =
		"criterion c\n"
		"field word text\n"
		"decision yes\n"
		"decision no\n"
		"rule gap body /(?<word>\\bsend\\b[^.]{0,40}?\\bquote)\\b/ set word raise c 3\n"
		"rule r2 body /\\b(?:pick|pack)\\s?\\d{3}rest/ raise c 2\n"
		"when always => decide no\n";
	static const struct {
		const char *body;
		int crit;
	} cases[] = {
		{ "please send me a copy of your very best quote now", 3 },
		/* the gap holds the two spaces: 40 characters, then 41 */
		{ "send 01234567890123456789012345678901234567 quote", 3 },
		{ "send 012345678901234567890123456789012345678 quote", 1 },
		{ "send 0123456789012345678901234567890123456\xC3\xA9 quote", 3 },
		{ "send 01234567890123456789012345678901234567\xC3\xA9 quote", 1 },
		{ "a pick 123rest", 2 },
		{ "\xC3\xA9 pack 123rest", 2 },
	};
	struct ruleset *rs = text_load(rules);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		struct engine_input in;
		struct verdict v;
		struct lm_err err;

		snprintf(text, sizeof(text), "From: a@b.example\nSubject: s\n\n%s\n", cases[i].body);
		memset(&in, 0, sizeof(in));
		in.data = text;
		in.len = strlen(text);
		verdict_init(&v);
		ck_assert_int_eq(engine_qualify(rs, eng_ctx, &in, &v, &err), 0);
		ck_assert_msg(verdict_crit(&v, "c") == cases[i].crit, "%s: got %d, want %d",
			      cases[i].body, verdict_crit(&v, "c"), cases[i].crit);
		verdict_free(&v);
	}
	rules_unref(rs);
}
END_TEST

/* The effect texts of a hit: "set F=V" cut at 255 bytes as snprintf()
 * cuts it, and "raise C N (A->B)" / "cap C N (A->B)". */
START_TEST(test_engine_effects)
{
	static const char field[] = "a-field-name-long-enough-to-push-the-effect-past-its-cap-x";
	char rules[1024], body[400], want[256], full[600];
	struct ruleset *rs;
	struct verdict v;
	int found = 0;

	snprintf(rules, sizeof(rules),
	    "criterion c\nfield %s text\ndecision no\n"
	    "rule long body /(v[a-z]+)/ set %s raise c 3\n"
	    "rule low body /vvv/ cap c 2\n"
	    "when always => decide no\n", field, field);
	rs = text_load(rules);
	memset(body, 'v', 199);
	body[199] = '\0';
	qualify_body(rs, body, &v);
	/* what snprintf() into 256 bytes keeps */
	snprintf(full, sizeof(full), "set %s=%s", field, body);
	ck_assert_uint_gt(strlen(full), 255);
	memcpy(want, full, 255);
	want[255] = '\0';
	for (size_t i = 0; i < v.nhits; i++) {
		if (strcmp(v.hits[i].rule, "long") == 0 && strncmp(v.hits[i].effect, "set ", 4) == 0) {
			ck_assert_str_eq(v.hits[i].effect, want);
			ck_assert_uint_eq(strlen(v.hits[i].effect), 255);
			found |= 1;
		} else if (strcmp(v.hits[i].rule, "long") == 0) {
			ck_assert_str_eq(v.hits[i].effect, "raise c 3 (1->3)");
			found |= 2;
		} else if (strcmp(v.hits[i].rule, "low") == 0) {
			ck_assert_str_eq(v.hits[i].effect, "cap c 2 (3->2)");
			found |= 4;
		}
	}
	ck_assert_int_eq(found, 7);
	verdict_free(&v);
	rules_unref(rs);
}
END_TEST

/* verdict_add_hit(): every hit kept in order as the array grows; a
 * capture cut at VERDICT_CAPTURE_MAX gets "...", control bytes become
 * spaces, and a capture that ends where its text ends gets no "..." */
#define VERDICT_CAPTURE_MAX	160	/* as in verdict.c */
START_TEST(test_engine_verdict_hits)
{
	char text[VERDICT_CAPTURE_MAX + 20], name[16];
	struct verdict v;

	verdict_init(&v);
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	text[1] = '\t';
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		verdict_add_hit(&v, name, "body", i == 1 ? NULL : text,
				i == 2 ? sizeof(text) - 1 : i == 3 ? VERDICT_CAPTURE_MAX : 3, "e");
	}
	ck_assert_uint_eq(v.nhits, 40);
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		ck_assert_str_eq(v.hits[i].rule, name);
	}
	ck_assert_str_eq(v.hits[0].capture, "a a");
	ck_assert_str_eq(v.hits[1].capture, "");
	ck_assert_uint_eq(strlen(v.hits[2].capture), VERDICT_CAPTURE_MAX + 3);
	ck_assert_str_eq(v.hits[2].capture + VERDICT_CAPTURE_MAX, "...");
	ck_assert_str_eq(v.hits[3].capture + VERDICT_CAPTURE_MAX, "...");
	verdict_free(&v);
	/* the whole text, exactly the cap: nothing was cut */
	verdict_init(&v);
	text[VERDICT_CAPTURE_MAX] = '\0';
	verdict_add_hit(&v, "r", "body", text, VERDICT_CAPTURE_MAX, "e");
	ck_assert_uint_eq(strlen(v.hits[0].capture), VERDICT_CAPTURE_MAX);
	verdict_free(&v);
}
END_TEST

Suite *
suite_engine(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("qualify");

	tcase_add_checked_fixture(tc, eng_setup, eng_teardown);
	tcase_add_test(tc, test_engine_basic);
	tcase_add_test(tc, test_engine_quoted_and_cap);
	tcase_add_test(tc, test_engine_veto);
	tcase_add_test(tc, test_engine_normalise_retry);
	tcase_add_test(tc, test_engine_history);
	tcase_add_test(tc, test_engine_bad_input);
	tcase_add_test(tc, test_engine_lead_id_stable);
	tcase_add_test(tc, test_engine_ucp_words);
	tcase_add_test(tc, test_engine_verdict_hits);
	tcase_add_test(tc, test_engine_ascii_windows);
	tcase_add_test(tc, test_engine_effects);
	suite_add_tcase(s, tc);
	return s;
}
