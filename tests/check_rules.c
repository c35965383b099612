/* check_rules - the rule language loader: good sets load, every error names
 * file:line:col and cause, and nothing half-loads */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

#include "check_suites.h"
#ifdef HAVE_HYPERSCAN
#include "hsbuild.h"
#endif
#include "prefilter.h"
#include "rules.h"
#include "rules_int.h"

static char rules_dir[256];

#define PREAMBLE \
	"criterion need\n" \
	"tag t\n" \
	"decision sales dest sales@example.com\n" \
	"when always => decide sales\n"

/* write_file - write text to dir/name */
static void
write_file(const char *name, const char *text)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", rules_dir, name);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

/* load_text - load one rule file's text; returns rc, err filled */
static int
load_text(const char *text, struct ruleset **rs, struct lm_err *err)
{
	char p[512];

	write_file("t.rules", text);
	snprintf(p, sizeof(p), "%s/t.rules", rules_dir);
	*rs = NULL;
	return rules_load(p, rs, err);
}

static void
setup(void)
{
	snprintf(rules_dir, sizeof(rules_dir), "/tmp/check_rules.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(rules_dir));
}

static void
teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rules_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", rules_dir);
}

static const struct {
	const char *line;	/* the statement on line 5 */
	const char *want;	/* expected "line:col: cause" prefix of the error */
} bad[] = {
	{ "rule x body /a(/ tag t", "5:16: bad pattern: missing closing parenthesis" },
	{ "rule x sigature /a/ tag t", "5:8: unknown zone \"sigature\"" },
	{ "rule x body,sigature /a/ tag t", "5:13: unknown zone \"sigature\"" },
	{ "frobnicate all the things", "5:1: unknown statement \"frobnicate\"" },
	{ "rule x body /a/ tag nosuch", "5:21: unknown tag \"nosuch\"" },
	{ "rule x body /a|/ tag t", "5:13: pattern can match the empty string" },
	{ "rule x body /a*/ tag t", "5:13: pattern can match the empty string" },
	{ "rule x body /a/ frob t", "5:17: unknown action \"frob\"" },
	{ "rule x body /a/ raise need 4", "5:28: raise needs a level 1, 2 or 3" },
	{ "rule x body /a/q tag t", "5:16: unknown pattern flag 'q'" },
	{ "rule x body /a tag t", "5:13: pattern has no closing /" },
	{ "rule X body /a/ tag t", "5:6: bad rule name \"X\"" },
	{ "rule x body /%{nolist}/ tag t", "5:14: unknown list \"nolist\"" },
	{ "criterion need", "5:11: \"need\" is already declared as a criterion" },
	{ "criterion auth default 5", "5:24: default needs a level 1, 2 or 3" },
	{ "when total >= 8 decide sales", "5:1: when needs \"=>\"" },
	{ "when nosuch => decide sales", "5:6: unknown condition \"nosuch\"" },
	{ "when need >= x => decide sales", "5:14: expected a number" },
	{ "when ( need >= 2 => decide sales", "5:18: missing )" },
	{ "when always => decide maybe", "5:23: unknown decision \"maybe\"" },
	{ "list l nofile.list", "5:8: cannot read list" },
	{ "field f color", "5:9: unknown field type \"color\"" },
	{ "disqualifier d dest nowhere", "5:21: dest needs a mail address" },
	{ "include missing.rules", "5:9: cannot read" },
	{ "marker footer /x/", "5:8: unknown marker \"footer\"" },
};

START_TEST(test_rules_errors)
{
	struct ruleset *rs;
	struct lm_err err;
	char text[1024], got[800], want[600];
	int rc;

	snprintf(text, sizeof(text), PREAMBLE "%s\n", bad[_i].line);
	rc = load_text(text, &rs, &err);
	ck_assert_msg(rc != 0, "\"%s\" loaded, want an error", bad[_i].line);
	ck_assert_ptr_null(rs);
	lm_err_format(&err, got, sizeof(got));
	snprintf(want, sizeof(want), "%s/t.rules:%s", rules_dir, bad[_i].want);
	ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "\"%s\": got \"%s\", want \"%s...\"",
	    bad[_i].line, got, want);
}
END_TEST

START_TEST(test_rules_good)
{
	struct ruleset *rs;
	struct lm_err err;
	struct buf lint = BUF_INIT;
	char got[800];

	write_file("words.list", "# comment\nmanaged IT\nhelp desk => helpdesk\nre:m(?:y|ie)\n");
	write_file("inc.rules", "rule inc-rule body /included/ tag t\n");
	int rc = load_text(PREAMBLE
	    "list words words.list\n"
	    "list unused words.list2\n", &rs, &err);

	ck_assert_int_ne(rc, 0);	/* words.list2 does not exist */
	write_file("words.list2", "x\n");
	rc = load_text(PREAMBLE
	    "# a comment line\n"
	    "list words words.list\n"
	    "list unused words.list2\n"
	    "field product map:words\n"
	    "disqualifier nope dest nope@example.com\n"
	    "rule a body /%{words}/ set product   # trailing comment\n"
	    "rule b body,signature\n"
	    "    /slash\\/inside/\n"
	    "    raise need 3 tag t\n"
	    "include inc.rules\n"
	    "rule a subject /dup/ tag t\n"
	    "when (need >= 2 or tag t) and not disqualified => tag t\n"
	    "when disqualified nope => decide sales\n", &rs, &err);
	ck_assert_msg(rc == 0, "load failed: %s", lm_err_format(&err, got, sizeof(got)));
	ck_assert_uint_eq(rules_count(rs), 4);
	ck_assert_int_eq(rules_index(rs, "inc-rule"), 2);
	ck_assert_str_eq(rules_destination(rs, "nope"), "nope@example.com");
	ck_assert_str_eq(rules_destination(rs, "sales"), "sales@example.com");
	ck_assert_ptr_null(rules_destination(rs, "t"));
	ck_assert_int_eq(rules_lint(rs, NULL, &lint), 2);
	ck_assert_msg(strstr(buf_str(&lint), "duplicate rule name \"a\"") != NULL, "lint: %s",
	    buf_str(&lint));
	ck_assert_msg(strstr(buf_str(&lint), "list \"unused\" is never used") != NULL, "lint: %s",
	    buf_str(&lint));
	buf_free(&lint);
	ck_assert_ptr_eq(rules_ref(rs), rs);
	rules_unref(rs);
	rules_unref(rs);
}
END_TEST

/* a list's alternation: grouped by first character behind a lookahead,
 * never across an entry whose first character cannot be told */
START_TEST(test_rules_list_groups)
{
	struct ruleset *rs;
	struct lm_err err;
	char got[800];
	int rc;

	write_file("t.list", "manager\nmarketing lead\nDirector\ndir\nre:(?:x|y)z\n"
	    "+44 line\n\xc3\xa9" "cole\n");
	rc = load_text(PREAMBLE "list t t.list\nrule r body /%{t}/ tag t\n", &rs, &err);
	ck_assert_msg(rc == 0, "load failed: %s", lm_err_format(&err, got, sizeof(got)));
	ck_assert_str_eq(rs->lists[0].alt, "(?:marketing\\s+lead|\\+44\\s+line|(?:x|y)z|"
	    "(?=[dD])(?:Director|dir)|manager|\xc3\xa9" "cole)");
	rules_unref(rs);
}
END_TEST

/* match - does re match subject?  Start and end of the match in *so, *eo */
static int
match(const pcre2_code *re, const char *subject, size_t *so, size_t *eo)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, NULL);

	if (rc > 0) {
		*so = pcre2_get_ovector_pointer(md)[0];
		*eo = pcre2_get_ovector_pointer(md)[1];
	}
	pcre2_match_data_free(md);
	return rc > 0;
}

/* a big list used twice in a pattern is written once (rules_compact):
 * a subroutine call at each use, the same matches, the rule's own group
 * numbers kept; not where the pattern sets options inline, nor for a list
 * used once */
START_TEST(test_rules_compact)
{
	static const char *const subj[] = {
		"we are the head of sales and the chief operating officer",
		"I am the chief officer8 and officer12 here",
		"nothing here, officer", "CHIEF OFFICER31 OFFICER7 ok",
	};
	struct ruleset *rs, *flat;
	struct lm_err err;
	struct buf list = BUF_INIT;
	char got[800];
	const char *text;
	uint32_t ncap;
	size_t js, jflat;
	int rc;

	for (int i = 0; i < 40; i++)
		buf_printf(&list, "officer%d\n", i);
	buf_puts(&list, "chief operating officer\nhead of sales\nchief\n");
	write_file("big.list", buf_str(&list));
	buf_free(&list);
	text = PREAMBLE "list big big.list\nfield role text\n"
	    "rule twice body /\\b%{big}\\b.*?\\b%{big}\\b/ set role\n"
	    "rule named body /(?<role>%{big})\\s+and\\s+(?!%{big}\\b)\\w+/ set role\n"
	    "rule once body /\\b%{big}\\b/ tag t\n"
	    "rule inline body /(?-i:CHIEF)\\s+%{big}\\s+%{big}/ tag t\n";
	rc = load_text(text, &rs, &err);
	ck_assert_msg(rc == 0, "load failed: %s", lm_err_format(&err, got, sizeof(got)));
	setenv("LEADMILTER_NO_COMPACT", "1", 1);
	rc = load_text(text, &flat, &err);
	unsetenv("LEADMILTER_NO_COMPACT");
	ck_assert_msg(rc == 0, "load failed: %s", lm_err_format(&err, got, sizeof(got)));
	ck_assert_uint_eq(rs->nrules, 4);
	/* twice: one definition, yet SET takes the whole match as written */
	pcre2_pattern_info(rs->rules[0].re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	ck_assert_uint_eq(ncap, 1);
	ck_assert_int_eq(rs->rules[0].acts[0].group, 0);
	/* named: its group stays group 1 */
	pcre2_pattern_info(rs->rules[1].re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	ck_assert_uint_eq(ncap, 2);
	ck_assert_int_eq(rs->rules[1].acts[0].group, 1);
	/* once and inline options: as written */
	pcre2_pattern_info(rs->rules[2].re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	ck_assert_uint_eq(ncap, 0);
	pcre2_pattern_info(rs->rules[3].re, PCRE2_INFO_CAPTURECOUNT, &ncap);
	ck_assert_uint_eq(ncap, 0);
	/* smaller code, where the JIT is there */
	if (pcre2_pattern_info(rs->rules[0].re, PCRE2_INFO_JITSIZE, &js) == 0 && js > 0) {
		pcre2_pattern_info(flat->rules[0].re, PCRE2_INFO_JITSIZE, &jflat);
		ck_assert_msg(js < jflat, "JIT code %zu bytes, written out %zu", js, jflat);
	}
	/* the expanded source, for the prefilter, is unchanged */
	ck_assert_str_eq(rs->rules[0].xsrc, flat->rules[0].xsrc);
	for (size_t r = 0; r < rs->nrules; r++)
		for (size_t i = 0; i < sizeof(subj) / sizeof(subj[0]); i++) {
			size_t so = 0, eo = 0, fso = 0, feo = 0;
			int m = match(rs->rules[r].re, subj[i], &so, &eo);
			int fm = match(flat->rules[r].re, subj[i], &fso, &feo);

			ck_assert_msg(m == fm && so == fso && eo == feo,
			    "rule %zu on \"%s\": %d %zu-%zu, written out %d %zu-%zu",
			    r, subj[i], m, so, eo, fm, fso, feo);
		}
	ck_assert(match(rs->rules[0].re, subj[0], &js, &jflat));
	rules_unref(rs);
	rules_unref(flat);
}
END_TEST

/*
 * A rule's own alternations grouped by lead letter (rules.c,
 * rules_group_branches): what is written, and that it matches as the
 * pattern as written does, captures included.
 */
static const struct {
	const char *src, *want;	/* want NULL: left as written */
} grp[] = {
	/* same letter behind one lookahead, order kept, others stay put */
	{ "\\b(?:apple|banana|avocado|cherry)", "\\b(?:(?=[aA])(?:apple|avocado)|banana|cherry)" },
	/* \b and lookbehinds look back: the letter after them leads */
	{ "(?:(?<!no\\s)urgent|\\burgency|x)", "(?:(?=[uU])(?:(?<!no\\s)urgent|\\burgency)|x)" },
	/* a branch that cannot be told is a barrier */
	{ "(?:ab|\\d+|ac)", NULL },
	{ "(?:ab|a?c|ad)", NULL },
	{ "(?:ab|a{0,2}c|ad)", NULL },
	/* a group's letters: disjoint ones let a letter pass, shared ones stop it */
	{ "(?:ab|(?:c|d)x|ac)", "(?:(?=[aA])(?:ab|ac)|(?:c|d)x)" },
	{ "(?:ab|(?:a|d)x|ac)", NULL },
	/* captures and option settings never move */
	{ "(?:ab|(x)|ac)", NULL },
	{ "(?:ab|(?<n>b)|ac)", NULL },
	{ "(?:ab|b(?i)c|ac)", NULL },
	{ "(ab|ac)", "((?=[aA])(?:ab|ac))" },
	/* inside lookbehinds nothing changes (fixed-length branches) */
	{ "(?<!ab|ac)x", NULL },
	/* start verbs kept, nested groups grouped too */
	{ "(*UCP)(?:x(?:ab|ac)|y)", "(*UCP)(?:x(?:(?=[aA])(?:ab|ac))|y)" },
	/* a list's lookahead tells its letter */
	{ "(?:(?=[mM])(?:ma|mb)|n|mc)", "(?:(?=[mM])(?:(?=[mM])(?:ma|mb)|mc)|n)" },
	/* ... and makes a second one inside it needless */
	{ "x(?=[mM])(?:ma|mb)|ya|yb", "x(?=[mM])(?:ma|mb)|(?=[yY])(?:ya|yb)" },
	/* classes and escapes hold no branches */
	{ "(?:a[|(]b|c\\||ad)", "(?:(?=[aA])(?:a[|(]b|ad)|c\\|)" },
	{ "(?:ab|\\|c|ad)", NULL },
	{ "(?:ab|ac)", "(?:(?=[aA])(?:ab|ac))" },
	{ "\\Q(a|b)\\E|ab|ac", NULL },
};

START_TEST(test_rules_group_branches)
{
	char *got = rules_group_branches(grp[_i].src, "");

	if (grp[_i].want == NULL)
		ck_assert_msg(got == NULL, "%s: got %s, want it left alone", grp[_i].src, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, grp[_i].want) == 0,
			      "%s: got %s, want %s", grp[_i].src, got ? got : "NULL", grp[_i].want);
	free(got);
}
END_TEST

/* grouped and written patterns: the same matches and captures */
START_TEST(test_rules_group_same)
{
	static const char *const pats[] = {
		"(?<w>\\b(?:as\\s+soon|asap|(?<!not\\s)urgent|(?:by|before)\\s+(?<d>\\w+)|"
		"back|under|bye))",
		"(?:kelvin|k\\d|s\\w|sharp|x)+",
		"(?:ab|ac)(?:c|d|ce)\\w",
		/* not groupable: the order decides between "abc" and "ab" */
		"(?:ax|(?:a|d)\\w\\w|ab)",
	};
	static const char *const texts[] = {
		"not urgent but asap", "as soon as possible, by friday", "bye back under",
		"\xE2\x84\xAA" "elvin k9 \xC5\xBF" "harp", "abce acd", "", "BY MONDAY", "abcd",
	};

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		char *g = rules_group_branches(pats[i], "");
		pcre2_code *a, *b;
		pcre2_match_data *ma, *mb;
		int ec;
		PCRE2_SIZE off;
		uint32_t opt = PCRE2_UTF | PCRE2_CASELESS | PCRE2_MULTILINE;

		ck_assert_msg(g != NULL || i == 3, "%s: not grouped", pats[i]);
		a = pcre2_compile((PCRE2_SPTR)pats[i], PCRE2_ZERO_TERMINATED, opt, &ec, &off, NULL);
		b = pcre2_compile((PCRE2_SPTR)(g ? g : pats[i]), PCRE2_ZERO_TERMINATED, opt, &ec,
		    &off, NULL);
		ck_assert_ptr_nonnull(a);
		ck_assert_msg(b != NULL, "%s: does not compile", g);
		ma = pcre2_match_data_create_from_pattern(a, NULL);
		mb = pcre2_match_data_create_from_pattern(b, NULL);
		for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
			for (size_t at = 0; at <= strlen(texts[t]); at++) {
				int ra = pcre2_match(a, (PCRE2_SPTR)texts[t], strlen(texts[t]), at, 0,
				    ma, NULL);
				int rb = pcre2_match(b, (PCRE2_SPTR)texts[t], strlen(texts[t]), at, 0,
				    mb, NULL);
				PCRE2_SIZE *oa = pcre2_get_ovector_pointer(ma);
				PCRE2_SIZE *ob = pcre2_get_ovector_pointer(mb);

				ck_assert_msg(ra == rb, "%s on \"%s\" at %zu: %d, grouped %d",
					      pats[i], texts[t], at, ra, rb);
				for (int k = 0; k < 2 * ra; k++)
					ck_assert_msg(oa[k] == ob[k], "%s on \"%s\": capture %d differs",
						      pats[i], texts[t], k / 2);
			}
		pcre2_match_data_free(ma);
		pcre2_match_data_free(mb);
		pcre2_code_free(a);
		pcre2_code_free(b);
		free(g);
	}
}
END_TEST

/*
 * 50-authority.rules writes the line start of its "As" rules as
 * (?<![^\n]), which PCRE2 can look for faster than ^: with the newline
 * convention LF and something to match after it, the two find the same
 * matches from every start offset.  So do 40-timeframe.rules' ordinals
 * written [0-9]?[0-9], which give the prefilter "1st".."9th" to look for.
 */
START_TEST(test_rules_line_start)
{
	static const char *const texts[] = {
		"As CEO I decide", "We grew. As the owner, I\nAs manager", "x\nAs CEO\n",
		"no\n\nAs  owner", "As\n", "\n", "text\n", "A. As. As the MD",
		"by the 1st, the 12th, the 123rd", "by the 22nd\n", "by the \xD9\xA3rd 4th",
	};
	static const char *const pats[][2] = {
		{ "(?:^|[.!?]\\s+)As\\s+\\w+", "(?:(?<![^\\n])|[.!?]\\s+)As\\s+\\w+" },
		{ "(*UCP)(?:^|[.!?]\\s+)As\\s+\\w+", "(*UCP)(?:(?<![^\\n])|[.!?]\\s+)As\\s+\\w+" },
		/* tf-urgent-en: without (*UCP), \d is [0-9], tried two first */
		{ "by\\s+the\\s+\\d{1,2}(?:st|nd|rd|th)\\b", "by\\s+the\\s+[0-9]?[0-9](?:st|nd|rd|th)\\b" },
	};
	uint32_t opt = PCRE2_UTF | PCRE2_CASELESS | PCRE2_MULTILINE;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		int ec;
		PCRE2_SIZE off;
		pcre2_code *a = pcre2_compile((PCRE2_SPTR)pats[i][0], PCRE2_ZERO_TERMINATED, opt,
		    &ec, &off, NULL);
		pcre2_code *b = pcre2_compile((PCRE2_SPTR)pats[i][1], PCRE2_ZERO_TERMINATED, opt,
		    &ec, &off, NULL);
		pcre2_match_data *ma = pcre2_match_data_create(4, NULL);
		pcre2_match_data *mb = pcre2_match_data_create(4, NULL);

		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
			for (size_t at = 0; at <= strlen(texts[t]); at++) {
				int ra = pcre2_match(a, (PCRE2_SPTR)texts[t], strlen(texts[t]), at, 0,
				    ma, NULL);
				int rb = pcre2_match(b, (PCRE2_SPTR)texts[t], strlen(texts[t]), at, 0,
				    mb, NULL);

				ck_assert_msg(ra == rb, "%s on \"%s\" at %zu: %d and %d", pats[i][1],
					      texts[t], at, ra, rb);
				ck_assert_msg(ra < 0 || (pcre2_get_ovector_pointer(ma)[0] ==
				    pcre2_get_ovector_pointer(mb)[0] && pcre2_get_ovector_pointer(ma)[1] ==
				    pcre2_get_ovector_pointer(mb)[1]), "%s on \"%s\" at %zu: not the same match",
					      pats[i][1], texts[t], at);
			}
		pcre2_match_data_free(ma);
		pcre2_match_data_free(mb);
		pcre2_code_free(a);
		pcre2_code_free(b);
	}
}
END_TEST

START_TEST(test_rules_incomplete)
{
	struct ruleset *rs;
	struct lm_err err;

	ck_assert_int_ne(load_text("criterion need\ndecision sales\n", &rs, &err), 0);
	ck_assert_msg(strstr(err.msg, "no \"when ... => decide\"") != NULL, "got %s", err.msg);
	ck_assert_int_ne(load_text("decision sales\nwhen always => decide sales\n", &rs, &err), 0);
	ck_assert_msg(strstr(err.msg, "no criterion") != NULL, "got %s", err.msg);
	ck_assert_int_ne(load_text("", &rs, &err), 0);
	ck_assert_int_ne(rules_load("/nonexistent/rules", &rs, &err), 0);
	ck_assert_msg(strstr(err.file, "/nonexistent/rules") != NULL, "got %s", err.file);
}
END_TEST

START_TEST(test_rules_builtin)
{
	struct ruleset *rs = NULL;
	struct lm_err err;
	char got[800];

	ck_assert_msg(rules_load(NULL, &rs, &err) == 0, "built-in rules: %s",
	    lm_err_format(&err, got, sizeof(got)));
	ck_assert_uint_gt(rules_count(rs), 20);
	rules_unref(rs);
}
END_TEST

/* Patterns and the literals every match must contain ("" = none usable). */
static const struct {
	const char *re;
	const char *want;	/* literals, sorted, space-separated */
} pf[] = {
	{ "abc", "abc" },
	{ "ab?c", "" },				/* "ac" would be wrong: "abc" matches */
	{ "a(?:bc|de)f", "abcf adef" },
	{ "\\b(?:Quote|proposal)\\b", "proposal quote" },
	{ "send (?:us )?a quote", "a quote" },
	{ "managed\\s+IT", "managed" },
	/* accented letters in both cases: gesch[äÄ]ftsf[üÜ]hrer */
	{ "(*UCP)\\bGesch\xc3\xa4" "ftsf\xc3\xbc" "hrer\\b",
	  "gesch\xc3\x84" "ftsf\xc3\x9c" "hrer gesch\xc3\x84" "ftsf\xc3\xbc" "hrer "
	  "gesch\xc3\xa4" "ftsf\xc3\x9c" "hrer gesch\xc3\xa4" "ftsf\xc3\xbc" "hrer" },
	{ "\xce\xb1\xce\xb2\xce\xb3", "" },		/* Greek: case rules unknown here */
	{ "caf\xc3\xa9 \xe2\x80\x93 bar", "caf\xc3\x89 \xe2\x80\x93 bar caf\xc3\xa9 \xe2\x80\x93 bar" },
	{ "foo|ba", "" },				/* "ba" is too short */
	{ "CEO|VP|DG", "ceo dg vp" },			/* rare pairs of consonants */
	{ "my\\s+(?:CV|resume)", "cv resume" },
	{ "CEO|st", "" },				/* "st" is too common */
	{ "(?-i:PA)|CEO", "PA ceo" },			/* case-sensitive: kept as written */
	{ "(?-i)AG\\b|Ltd", "AG Ltd" },			/* to the end of the pattern */
	{ "(?-i:AB)c", "abc" },				/* mixed: caseless */
	{ "(?-i:Ab)|CEO", "" },				/* "Ab" is too common a pair */
	{ "(?:(?-i)AG)|LTD", "AG ltd" },		/* (?-i) ends with its group */
	{ "(?<title>CEO|Director[^\\n]*)", "ceo director" },
	{ "[abc]def+g", "adef bdef cdef" },		/* a small class is exact */
	{ "[a-z]def+g", "def" },			/* a large one is not */
	{ "\\b(?:Q[1-4]|H[12])\\b", "h1 h2 q1 q2 q3 q4" },	/* consonant and digit */
	{ "ab{2}cd", "bcd" },
	{ "x(?=abc)yz", "xyz" },			/* lookahead is zero-width */
	{ "quo\\x74e", "quote" },
	{ "\\QA.B\\E", "a.b" },
	{ "employees?", "employee" },
	{ "x\\d+y", "" },
	{ "(?x) a b c", "" },				/* extended syntax: not analysed */
	{ "a(?R)?b", "" },				/* recursion: not analysed */
	{ "(?:the\\s+)?decision", "decision" },
	{ "RFP|tender|Ausschreibung", "ausschreibung rfp tender" },
};

/* pf_cmp - qsort strings */
static int
pf_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_prefilter_literals)
{
	char **lits = NULL;
	size_t n = 0;
	struct buf got = BUF_INIT;

	if (prefilter_literals(pf[_i].re, &lits, NULL, &n) == 0) {
		qsort(lits, n, sizeof(*lits), pf_cmp);
		for (size_t k = 0; k < n; k++)
			buf_printf(&got, "%s%s", k ? " " : "", lits[k]);
	}
	ck_assert_msg(strcmp(buf_str(&got), pf[_i].want) == 0, "/%s/: got \"%s\", want \"%s\"",
	    pf[_i].re, buf_str(&got), pf[_i].want);
	prefilter_free(lits, NULL, n);
	buf_free(&got);
}
END_TEST

/*
 * What a match can hold before each literal: "lit:F" (at most F bytes),
 * "lit:F~N" (F bytes plus any number of N different byte values, such as
 * the 6 ASCII spaces and the 128 bytes of multi-byte characters for \s+),
 * "lit:-1" (anything).  A character class counts 4 bytes, an ASCII letter
 * 1 (k and s 3: caseless matching takes the Kelvin sign and the long s).
 */
static const struct {
	const char *re;
	const char *want;
} pfb[] = {
	{ "\\bquote", "quote:0" },
	{ "(*UCP)\\b(?<x>alpha|beta)\\b", "alpha:0 beta:0" },
	{ "ab\\s+quote", "quote:2~134" },
	{ "x\\d{2}quote", "quote:9" },			/* 1 + 2 * 4 */
	{ "(?:our|the)\\s?decision", "decision:7" },	/* 3 + 4 */
	{ "[abc]def+g", "adef:0 bdef:0 cdef:0" },
	{ "[a-z]def+g", "def:4" },
	{ "(?<=abc)xyz", "xyz:0" },			/* lookbehind takes no bytes */
	{ "(?:foo|barbaz)qux", "barbazqux:0 fooqux:0" },
	{ "\\w{1,5}(?:alpha|gamma)", "alpha:20 gamma:20" },
	{ "(?:\\w\\s){2}quote", "quote:16" },
	{ "(\\w)\\1quote", "quote:-1" },		/* a back-reference has no bound */
	{ "(?:ab\\s*)?quote", "quote:2~134" },
	{ "(?:ab\\s?)?(?:quote|x+proposal)", "quote:6 xproposal:6~2" },
	{ "(?:\\s+budget|quote)", "budget:0~134 quote:0" },
	{ "\\X+budget", "budget:-1" },
	{ "(?:[a-z]{0,3}budget)+", "budget:12" },
	/* letters, hyphen, spaces and multi-byte characters: 52 + 1 + 6 + 128;
	 * "our" and "my" are letters, free too */
	{ "(?:our|my)\\s+(?:[\\p{L}-]+\\s+){0,2}?manager", "manager:0~187" },
	{ "(?:our|my)\\s+(?:\\w+\\s+){0,2}?manager", "manager:0~197" },	/* \w: 63 ASCII, 128 multi-byte */
	{ "(?:o.r|my)\\s+(?:[\\p{L}-]+\\s+){0,2}?manager", "manager:4~187" },
	{ "M\\x{fc}nchen", "m\xc3\x9cnchen:0 m\xc3\xbcnchen:0" },
	{ "[^.]{0,40}?budget", "budget:160" },
	{ "[^.]*budget", "budget:0~255" },
	{ "[^\\S\\n]+budget", "budget:0~133" },		/* \s without \n */
};

/* pf_bound_str - "F", "F~N" or "-1" for a bound */
static void
pf_bound_str(struct buf *b, const struct prefilter_bound *pre)
{
	int nfree = 0;

	for (int c = 0; c < 256; c++)
		nfree += (pre->free[c >> 3] >> (c & 7)) & 1;
	if (nfree == 256)
		buf_puts(b, "-1");
	else if (nfree)
		buf_printf(b, "%lu~%d", pre->fixed, nfree);
	else
		buf_printf(b, "%lu", pre->fixed);
}

/* The same for text that is all ASCII: one byte a character, two for
 * \R (CR LF), the same literals and free bytes. */
static const struct {
	const char *re;
	const char *want;
} pfa[] = {
	{ "\\bquote", "quote:0" },
	{ "x\\d{2}quote", "quote:3" },			/* 1 + 2 */
	{ "(?:our|the)\\s?decision", "decision:4" },	/* 3 + 1 */
	{ "[^.]{0,40}?budget", "budget:40" },
	{ "k.{0,2}xyz", "xyz:3" },			/* no Kelvin sign in ASCII */
	{ "a\\R{0,3}bcd", "bcd:7" },			/* 1 + 3 * 2 */
	{ "(?:ab\\s?)?(?:quote|x+proposal)", "quote:3 xproposal:3~2" },
	{ "(?:o.r|my)\\s+(?:[\\p{L}-]+\\s+){0,2}?manager", "manager:1~187" },
	{ "\\X+budget", "budget:-1" },
};

/* pf_bounds_row - "lit:bound ..." of a pattern, sorted; "" if none */
static void
pf_bounds_row(const char *re, int ascii, struct buf *got)
{
	char **lits = NULL;
	struct prefilter_bound *pre = NULL;
	size_t n = 0;
	char **row = NULL;

	if ((ascii ? prefilter_literals_ascii(re, &lits, &pre, &n) :
	     prefilter_literals(re, &lits, &pre, &n)) == 0) {
		row = calloc(n + 1, sizeof(*row));
		ck_assert_ptr_nonnull(row);
		for (size_t k = 0; k < n; k++) {
			struct buf t = BUF_INIT;

			buf_printf(&t, "%s:", lits[k]);
			pf_bound_str(&t, &pre[k]);
			row[k] = buf_steal(&t);
		}
		qsort(row, n, sizeof(*row), pf_cmp);
		for (size_t k = 0; k < n; k++) {
			buf_printf(got, "%s%s", k ? " " : "", row[k]);
			free(row[k]);
		}
		free(row);
	}
	prefilter_free(lits, pre, n);
}

START_TEST(test_prefilter_bounds_ascii)
{
	struct buf got = BUF_INIT;

	pf_bounds_row(pfa[_i].re, 1, &got);
	ck_assert_msg(strcmp(buf_str(&got), pfa[_i].want) == 0, "/%s/ in ASCII: got \"%s\", want \"%s\"",
	    pfa[_i].re, buf_str(&got), pfa[_i].want);
	buf_free(&got);
}
END_TEST

START_TEST(test_prefilter_bounds)
{
	struct buf got = BUF_INIT;

	pf_bounds_row(pfb[_i].re, 0, &got);
	ck_assert_msg(strcmp(buf_str(&got), pfb[_i].want) == 0, "/%s/: got \"%s\", want \"%s\"",
	    pfb[_i].re, buf_str(&got), pfb[_i].want);
	buf_free(&got);
}
END_TEST

/* where a match containing the literal at `at` can start, at the earliest */
static const struct {
	const char *re;
	const char *text;
	size_t at;
	size_t want;
} pfs[] = {
	/* back over the spaces, then "our", then stop at the next letter */
	{ "(?:our|the)\\s+budget", "we plan our   budget", 14, 7 },
	{ "\\bbudget", "our budget", 4, 4 },
	{ "x\\d{2}quote", "ax12quote", 4, 0 },
	{ "x\\d{2}quote", "aaaaaaaaaaaax12quote", 15, 6 },
	{ "\\X+budget", "a long text budget", 12, 0 },
	/* words and spaces are free; the apostrophe of "I'm" is the one byte
	 * that is not, so the walk stops at the comma before it */
	{ "(?:I'm|I\\s+am)\\s+(?:[\\p{L}-]+\\s+){0,2}?manager",
	  "Bye... x, i'm the it manager", 21, 9 },
};

START_TEST(test_prefilter_start)
{
	char **lits = NULL;
	struct prefilter_bound *pre = NULL;
	size_t n = 0, k;
	const char *lit;

	ck_assert_int_eq(prefilter_literals(pfs[_i].re, &lits, &pre, &n), 0);
	/* the literal found at `at` */
	for (k = 0; k < n; k++)
		if (strncasecmp(pfs[_i].text + pfs[_i].at, lits[k], strlen(lits[k])) == 0)
			break;
	ck_assert_msg(k < n, "/%s/: no literal at %zu", pfs[_i].re, pfs[_i].at);
	lit = lits[k];
	ck_assert_msg(prefilter_start(&pre[k], pfs[_i].text, pfs[_i].at) == pfs[_i].want,
	    "/%s/ \"%s\" at %zu (%s): start %zu, want %zu", pfs[_i].re, pfs[_i].text,
	    pfs[_i].at, lit, prefilter_start(&pre[k], pfs[_i].text, pfs[_i].at), pfs[_i].want);
	prefilter_free(lits, pre, n);
}
END_TEST

/* one literal's bound, for the tests below */
static struct prefilter_bound
pf_bound_of(const char *re)
{
	char **lits = NULL;
	struct prefilter_bound *pre = NULL, b;
	size_t n = 0;

	ck_assert_int_eq(prefilter_literals(re, &lits, &pre, &n), 0);
	ck_assert_uint_ge(n, 1);
	b = pre[0];
	prefilter_free(lits, pre, n);
	return b;
}

START_TEST(test_prefilter_within)
{
	struct prefilter_bound tight = pf_bound_of("\\bbudget");
	struct prefilter_bound spaced = pf_bound_of("(?:our|the)\\s+budget");
	struct prefilter_bound wordy = pf_bound_of("(?:our|the)\\s+(?:\\w+\\s+)?budget");
	const char *text = "for our   budget";

	ck_assert_int_eq(tight.kind, PREFILTER_FIXED);
	ck_assert_int_eq(spaced.kind, PREFILTER_WALK);
	ck_assert(prefilter_within(&tight, &spaced));
	ck_assert(!prefilter_within(&spaced, &tight));
	ck_assert(prefilter_within(&tight, &wordy));
	ck_assert(!prefilter_within(&wordy, &spaced));
	ck_assert(prefilter_within(&wordy, &wordy));
	/* back over the spaces and "our" to the space before it ... */
	ck_assert_uint_eq(prefilter_start(&spaced, text, 10), 3);
	/* ... unless a floor stops the walk first */
	ck_assert_uint_eq(prefilter_start_floor(&spaced, text, 10, 8), 8);
	ck_assert_uint_eq(prefilter_start_floor(&spaced, text, 10, 1), 3);
	/* the engine's table-driven walk agrees */
	{
		unsigned char tab[256];
		char big[PREFILTER_WALK_MAX + 64];

		for (unsigned c = 0; c < 256; c++)
			tab[c] = (spaced.free[c >> 3] >> (c & 7)) & 1;
		for (size_t at = 0; at <= strlen(text); at++)
			for (size_t floor = 0; floor <= at; floor++)
				ck_assert_uint_eq(prefilter_walk(tab, spaced.fixed, text, at, floor),
				    prefilter_start_floor(&spaced, text, at, floor));
		/* past PREFILTER_WALK_MAX bytes of spaces: anywhere before */
		memset(big, ' ', sizeof(big));
		ck_assert_uint_eq(prefilter_walk(tab, spaced.fixed, big, sizeof(big) - 1, 0), 0);
		ck_assert_uint_eq(prefilter_start_floor(&spaced, big, sizeof(big) - 1, 0), 0);
	}
}
END_TEST

#ifdef HAVE_HYPERSCAN
static const char *const hsb_expr[] = { "budget", "proposal", "quote", "RFP" };
static const unsigned hsb_flags[] = { HS_FLAG_CASELESS, HS_FLAG_CASELESS, HS_FLAG_CASELESS, 0 };
static const unsigned hsb_ids[] = { 0, 1, 2, 3 };
static const size_t hsb_lens[] = { 6, 8, 5, 3 };

/* hsb_same_db - the two databases serialise to the same bytes */
static void
hsb_same_db(const hs_database_t *a, const hs_database_t *b)
{
	char *sa = NULL, *sb = NULL;
	size_t la = 0, lb = 0;

	ck_assert_int_eq(hs_serialize_database(a, &sa, &la), HS_SUCCESS);
	ck_assert_int_eq(hs_serialize_database(b, &sb, &lb), HS_SUCCESS);
	ck_assert_msg(la == lb && memcmp(sa, sb, la) == 0,
	    "got a database of %zu bytes from the child, want the %zu bytes compiled here", la, lb);
	free(sa);
	free(sb);
}

/* hsb_hit - scan callback: append "id@to " */
static int
hsb_hit(unsigned int id, unsigned long long from, unsigned long long to,
	unsigned int fl, void *ctx)
{
	(void)from;
	(void)fl;
	buf_printf(ctx, "%u@%llu ", id, to);
	return 0;
}

/* hsb_scan - what db finds in text, as "id@to ..." */
static void
hsb_scan(const hs_database_t *db, const char *text, struct buf *out)
{
	hs_scratch_t *scratch = NULL;

	ck_assert_int_eq(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
	ck_assert_int_eq(hs_scan(db, text, (unsigned)strlen(text), 0, scratch, hsb_hit, out),
	    HS_SUCCESS);
	hs_free_scratch(scratch);
}

/* the database a child compiled is the one compiled in-process */
START_TEST(test_hsbuild_same)
{
	const char *text = "A Quote or a PROPOSAL for the RFP (rfp), within budget.";
	struct hs_database *child = NULL, *here = NULL;
	struct buf hc = BUF_INIT, hh = BUF_INIT;
	struct lm_err err;

	ck_assert_int_eq(hsbuild_literals(hsb_expr, hsb_flags, hsb_ids, hsb_lens, 4,
	    HSBUILD_CHILD, &child, &err), 0);
	ck_assert_int_eq(hsbuild_literals(hsb_expr, hsb_flags, hsb_ids, hsb_lens, 4,
	    HSBUILD_INPROCESS, &here, &err), 0);
	ck_assert_ptr_nonnull(child);
	ck_assert_ptr_nonnull(here);
	hsb_same_db(child, here);
	hsb_scan(child, text, &hc);
	hsb_scan(here, text, &hh);
	ck_assert_str_eq(buf_str(&hc), "2@7 1@21 3@33 0@54 ");
	ck_assert_str_eq(buf_str(&hc), buf_str(&hh));
	buf_free(&hc);
	buf_free(&hh);
	hs_free_database(child);
	hs_free_database(here);
}
END_TEST

/* the compiler's error comes back from the child word for word */
START_TEST(test_hsbuild_error)
{
	const char *const expr[] = { "budget", "quote" };
	const unsigned flags[] = { HS_FLAG_CASELESS, HS_FLAG_DOTALL }, ids[] = { 0, 1 };
	const size_t lens[] = { 6, 5 };
	struct hs_database *db = (struct hs_database *)&db;
	struct lm_err child, here;

	ck_assert_msg(hsbuild_literals(expr, flags, ids, lens, 2, HSBUILD_CHILD, &db, &child) ==
	    LM_ESYNTAX, "child: %s", child.msg);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(hsbuild_literals(expr, flags, ids, lens, 2, HSBUILD_INPROCESS, &db, &here),
	    LM_ESYNTAX);
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(here.msg, "literal") != NULL, "got \"%s\", want the compiler's "
	    "message about literal flags", here.msg);
	ck_assert_str_eq(child.msg, here.msg);
}
END_TEST

/* a compiler that crashes (this Hyperscan does on an empty literal) takes
 * the child with it, not the caller */
START_TEST(test_hsbuild_crash)
{
	const char *const expr[] = { "budget", "" };
	const unsigned flags[] = { 0, 0 }, ids[] = { 0, 1 };
	const size_t lens[] = { 6, 0 };
	struct hs_database *db = (struct hs_database *)&db;
	struct lm_err err;
	const char *pre = getenv("LD_PRELOAD");
	int rc;

	/* valgrind and ASan would report the child's crash as an error */
#ifdef __SANITIZE_ADDRESS__
	return;
#endif
	if (pre && strstr(pre, "vgpreload"))
		return;
	rc = hsbuild_literals(expr, flags, ids, lens, 2, HSBUILD_CHILD, &db, &err);
	ck_assert_msg(rc == LM_EINTERNAL || rc == LM_ESYNTAX, "got %d (%s), want an error", rc,
	    err.msg);
	ck_assert_ptr_null(db);
	ck_assert_msg(err.msg[0] != '\0', "no message");
}
END_TEST

/* the helper leadmilter runs: the one just built, unless told */
static const char *
hsb_helper(void)
{
	const char *env = getenv("LEADMILTER_HS_HELPER");

	return env && *env ? env : "milter/leadmilter-hsc";
}

/* leadmilter-hsc compiles the database an in-process compile makes */
START_TEST(test_hsbuild_exec_same)
{
	const char *text = "A Quote or a PROPOSAL for the RFP (rfp), within budget.";
	struct hs_database *helper = NULL, *here = NULL;
	struct buf hc = BUF_INIT, hh = BUF_INIT;
	struct lm_err err;

	ck_assert_msg(hsbuild_exec(hsb_helper(), hsb_expr, hsb_flags, hsb_ids, hsb_lens, 4,
	    &helper, &err) == 0, "%s: %s", hsb_helper(), err.msg);
	ck_assert_int_eq(hsbuild_literals(hsb_expr, hsb_flags, hsb_ids, hsb_lens, 4,
	    HSBUILD_INPROCESS, &here, &err), 0);
	hsb_same_db(helper, here);
	hsb_scan(helper, text, &hc);
	hsb_scan(here, text, &hh);
	ck_assert_str_eq(buf_str(&hc), "2@7 1@21 3@33 0@54 ");
	ck_assert_str_eq(buf_str(&hc), buf_str(&hh));
	buf_free(&hc);
	buf_free(&hh);
	hs_free_database(helper);
	hs_free_database(here);
}
END_TEST

/* and passes the compiler's error on word for word */
START_TEST(test_hsbuild_exec_error)
{
	const char *const expr[] = { "budget", "quote" };
	const unsigned flags[] = { HS_FLAG_CASELESS, HS_FLAG_DOTALL }, ids[] = { 0, 1 };
	const size_t lens[] = { 6, 5 };
	struct hs_database *db = (struct hs_database *)&db;
	struct lm_err helper, here;

	ck_assert_msg(hsbuild_exec(hsb_helper(), expr, flags, ids, lens, 2, &db, &helper) ==
	    LM_ESYNTAX, "helper: %s", helper.msg);
	ck_assert_ptr_null(db);
	ck_assert_int_eq(hsbuild_literals(expr, flags, ids, lens, 2, HSBUILD_INPROCESS, &db, &here),
	    LM_ESYNTAX);
	ck_assert_str_eq(helper.msg, here.msg);
}
END_TEST

/* a helper that is missing, or is not one, is an error that says so */
START_TEST(test_hsbuild_exec_bad_helper)
{
	struct hs_database *db = (struct hs_database *)&db;
	struct lm_err err;

	ck_assert_int_eq(hsbuild_exec("/nonexistent/leadmilter-hsc", hsb_expr, hsb_flags, hsb_ids,
	    hsb_lens, 4, &db, &err), LM_EINTERNAL);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(err.msg, "cannot run /nonexistent/leadmilter-hsc: No such file or directory");
	/* exits at once: no reply */
	ck_assert_int_eq(hsbuild_exec("/bin/true", hsb_expr, hsb_flags, hsb_ids, hsb_lens, 4,
	    &db, &err), LM_EINTERNAL);
	ck_assert_ptr_null(db);
	ck_assert_str_eq(err.msg, "Hyperscan compiler process: exit status 0, 0 bytes read");
	/* sends the request back: not a reply */
	ck_assert_int_eq(hsbuild_exec("/bin/cat", hsb_expr, hsb_flags, hsb_ids, hsb_lens, 4,
	    &db, &err), LM_EINTERNAL);
	ck_assert_ptr_null(db);
	ck_assert_msg(strstr(err.msg, "bad message") != NULL, "got \"%s\"", err.msg);
}
END_TEST

/* the helper's side turns down a request that is not one, and says why */
START_TEST(test_hsbuild_serve_bad)
{
	static const char *const reqs[] = { "GET / HTTP/1.0\r\n", "LMHS", "LMHS\0\0\0\0",
	    "LMHS\2\0\0\0\0\0\0\0\0\0\0\0\6\0\0\0budg" };
	static const size_t lens[] = { 16, 4, 8, 24 };
	static const char *const why[] = { "not a literal request", "not a literal request",
	    "0 literals", "literal 0: cut short" };

	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		struct hs_database *db = (struct hs_database *)&db;
		struct lm_err err;
		int in[2], out[2];
		pid_t pid;

		ck_assert_int_eq(pipe(in), 0);
		ck_assert_int_eq(pipe(out), 0);
		ck_assert_int_eq(write(in[1], reqs[i], lens[i]), (ssize_t)lens[i]);
		close(in[1]);
		if ((pid = fork()) == 0) {
			close(out[0]);
			_exit(hsbuild_serve(in[0], out[1]));
		}
		ck_assert_int_ge(pid, 0);
		close(in[0]);
		close(out[1]);
		ck_assert_int_eq(hsbuild_receive(out[0], pid, &db, &err), LM_EINTERNAL);
		close(out[0]);
		ck_assert_ptr_null(db);
		ck_assert_msg(strstr(err.msg, "bad request") && strstr(err.msg, why[i]),
		    "request %zu: got \"%s\", want \"%s\"", i, err.msg, why[i]);
	}
}
END_TEST

/* the built-in rules: the daemon's database is the in-process one */
START_TEST(test_hsbuild_builtin)
{
	struct ruleset *child = NULL, *here = NULL;
	struct lm_err err;

	unsetenv("LEADMILTER_HS_INPROCESS");
	ck_assert_msg(rules_load(NULL, &child, &err) == 0, "built-in rules: %s", err.msg);
	setenv("LEADMILTER_HS_INPROCESS", "1", 1);
	ck_assert_msg(rules_load(NULL, &here, &err) == 0, "built-in rules: %s", err.msg);
	unsetenv("LEADMILTER_HS_INPROCESS");
	ck_assert_ptr_nonnull(child->hs_db);
	ck_assert_ptr_nonnull(here->hs_db);
	ck_assert_uint_eq(child->nprefiltered, here->nprefiltered);
	ck_assert_uint_eq(child->nlits, here->nlits);
	hsb_same_db(child->hs_db, here->hs_db);
	rules_unref(child);
	rules_unref(here);
}
END_TEST
#endif

Suite *
suite_rules(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_rules_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_rules_good);
	tcase_add_test(tc, test_rules_incomplete);
	tcase_add_test(tc, test_rules_list_groups);
	tcase_add_test(tc, test_rules_compact);
	tcase_add_loop_test(tc, test_rules_group_branches, 0, (int)(sizeof(grp) / sizeof(grp[0])));
	tcase_add_test(tc, test_rules_group_same);
	tcase_add_test(tc, test_rules_line_start);
	tcase_add_test(tc, test_rules_builtin);
	suite_add_tcase(s, tc);
	tc = tcase_create("prefilter");
	tcase_add_loop_test(tc, test_prefilter_literals, 0, (int)(sizeof(pf) / sizeof(pf[0])));
	tcase_add_loop_test(tc, test_prefilter_bounds, 0, (int)(sizeof(pfb) / sizeof(pfb[0])));
	tcase_add_loop_test(tc, test_prefilter_bounds_ascii, 0, (int)(sizeof(pfa) / sizeof(pfa[0])));
	tcase_add_loop_test(tc, test_prefilter_start, 0, (int)(sizeof(pfs) / sizeof(pfs[0])));
	tcase_add_test(tc, test_prefilter_within);
	suite_add_tcase(s, tc);
#ifdef HAVE_HYPERSCAN
	tc = tcase_create("hsbuild");
	tcase_add_test(tc, test_hsbuild_same);
	tcase_add_test(tc, test_hsbuild_error);
	tcase_add_test(tc, test_hsbuild_crash);
	tcase_add_test(tc, test_hsbuild_builtin);
	tcase_add_test(tc, test_hsbuild_exec_same);
	tcase_add_test(tc, test_hsbuild_exec_error);
	tcase_add_test(tc, test_hsbuild_exec_bad_helper);
	tcase_add_test(tc, test_hsbuild_serve_bad);
	suite_add_tcase(s, tc);
#endif
	return s;
}
