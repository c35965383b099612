/*
 * check_zone - zone_split(): body, signature, quoted and form zones
 *
 * DESCRIPTION  A table of message texts with the exact zones wanted
 *              (sign-offs and what is not one, quote headers in three
 *              languages and lines that only look like them, forms and
 *              prose that is no form), ruleset markers compiled here with
 *              PCRE2, names, and the corpus messages the design notes
 *              name (SRCDIR/../shared/corpus).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <glib.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "zone.h"

#define CORPUS SRCDIR "/../shared/corpus/"

/* zone_fixture_setup - GMime for the corpus tests (refcounted) */
static void
zone_fixture_setup(void)
{
	msg_global_init();
}

/* zone_fixture_teardown - drop this test case's GMime reference */
static void
zone_fixture_teardown(void)
{
	msg_global_shutdown();
}

/* test_split - zones of a hand-made message; free with zones_free() */
static int
test_split(const char *text, const char *from_name, int origin,
	   const struct zone_markers *mk, struct zones *z)
{
	struct msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.subject = (char *)(uintptr_t)"Subject line";
	m.from_name = (char *)(uintptr_t)from_name;
	m.from_addr = (char *)(uintptr_t)"a@example.com";
	m.reply_name = m.reply_addr = (char *)(uintptr_t)"";
	m.to = (char *)(uintptr_t)"sales@example.org";
	m.message_id = m.date = (char *)(uintptr_t)"";
	buf_init(&m.text);
	buf_puts(&m.text, text);
	m.origin = origin;
	rc = zone_split(&m, mk, z);
	buf_free(&m.text);
	return rc;
}

/* test_zone_eq - one zone's text, exactly */
static void
test_zone_eq(const char *what, const struct zones *z, int id, const char *want)
{
	if (want == NULL)
		return;
	ck_assert_msg(strcmp(z->text[id], want) == 0,
		      "%s: %s: got \"%s\", want \"%s\"", what, zone_name(id),
		      z->text[id], want);
	ck_assert_msg(z->len[id] == strlen(want), "%s: %s: got len %zu, want %zu",
		      what, zone_name(id), z->len[id], strlen(want));
}

/* test_zone_has - a zone holds (want 1) or lacks (want 0) a string */
static void
test_zone_has(const char *what, const struct zones *z, int id, const char *s,
	      int want)
{
	int got = strstr(z->text[id], s) != NULL;

	ck_assert_msg(got == want, "%s: %s: got %s \"%s\" in \"%s\", want %s",
		      what, zone_name(id), got ? "" : "no", s, z->text[id],
		      want ? "it" : "none");
}

/* One text and the zones it must give (NULL: not checked). */
struct zone_case {
	const char *what;
	const char *text;
	const char *from_name;
	int origin;
	const char *body, *sig, *quoted, *form;
};

static const struct zone_case zone_cases[] = {
	/* Sign-offs. */
	{ "Thanks, then name block", "Hello,\n\nWe need help.\n\nThanks,\nAnn Lee\nCEO\n",
	  "Ann Lee", 0, "Hello,\n\nWe need help.\n", "Thanks,\nAnn Lee\nCEO\n", "", "" },
	{ "sign-off with the name on its line", "We need help.\nRegards, Ann\nCEO\n",
	  "Ann Lee", 0, "We need help.\n", "Regards, Ann\nCEO\n", "", NULL },
	{ "sig separator", "We need help.\n-- \nAcme Ltd\n", "", 0,
	  "We need help.\n", "--\nAcme Ltd\n", "", NULL },
	{ "German sign-off", "Wir brauchen Hilfe.\n\nMit freundlichen Gr\xC3\xBC\xC3\x9F" "en\n"
	  "Hans Meier\n", "", 0, "Wir brauchen Hilfe.\n",
	  "Mit freundlichen Gr\xC3\xBC\xC3\x9F" "en\nHans Meier\n", "", NULL },
	{ "German combined sign-off", "Wir brauchen Hilfe.\n\nVielen Dank und freundliche Gr\xC3\xBC\xC3\x9F" "e\n\nMartina\n",
	  "", 0, "Wir brauchen Hilfe.\n", NULL, "", NULL },
	{ "French sign-off", "Nous avons besoin d'aide.\n\nBien cordialement,\nSophie\n",
	  "", 0, "Nous avons besoin d'aide.\n", "Bien cordialement,\nSophie\n", "", NULL },
	{ "bilingual sign-off", "Can we talk?\n\nMet vriendelijke groet / Kind regards,\nJoris\n",
	  "", 0, "Can we talk?\n", NULL, "", NULL },
	{ "Sent from my iPhone", "Call me.\n\nSent from my iPhone\n", "", 0,
	  "Call me.\n", "Sent from my iPhone\n", "", NULL },
	{ "\"Thanks for ...\" is no sign-off",
	  "Hi,\nThanks for the invite to the webinar.\nWe have 40 staff.\n", "", 0,
	  "Hi,\nThanks for the invite to the webinar.\nWe have 40 staff.\n", "", "", NULL },
	{ "greeting \"Thanks Bob,\" on the first line is no sign-off",
	  "Thanks Bob,\n\nWe would like a quote for 40 laptops and the setup.\n", "", 0,
	  "Thanks Bob,\n\nWe would like a quote for 40 laptops and the setup.\n", "", "", NULL },
	{ "a sign-off on the first line is a greeting", "Thanks!\nCall me tomorrow.\n", "", 0,
	  "Thanks!\nCall me tomorrow.\n", "", "", NULL },
	{ "mid-text \"Thanks!\" followed by prose: the last sign-off wins",
	  "Hi,\n\nThanks!\n\nWe need a new provider before March and have 80 staff here.\n\n"
	  "Best regards,\nAnn\n", "", 0,
	  "Hi,\n\nThanks!\n\nWe need a new provider before March and have 80 staff here.\n",
	  "Best regards,\nAnn\n", "", NULL },
	{ "no sign-off: trailing block that starts with the sender's name",
	  "Please call me.\n\nBen\n\nBen Ostrowski\nIT Manager\n", "Ben Ostrowski", 0,
	  "Please call me.\n", "Ben\n\nBen Ostrowski\nIT Manager\n", "", NULL },
	{ "no sign-off, title skipped in the sender's name",
	  "Please call me.\n\nAndreas Huber\nPartner\n", "Dr. Andreas Huber", 0,
	  "Please call me.\n", "Andreas Huber\nPartner\n", "", NULL },
	{ "name block that goes on with prose is no signature",
	  "Please call me.\n\nBen here again: we would like the proposal by Friday, if that is possible.\n",
	  "Ben Ostrowski", 0, NULL, "", "", NULL },
	{ "no sign-off, other name: no signature", "Please call me.\n\nZoe Smith\nCEO\n",
	  "Ben Ostrowski", 0, "Please call me.\n\nZoe Smith\nCEO\n", "", "", NULL },
	/* Quotes. */
	{ "> lines", "Yes.\n\n> old\n> older\n", "", 0, "Yes.\n", "", "> old\n> older\n", NULL },
	{ "interleaved reply keeps the answer in body",
	  "> Do you have 40 staff?\nYes, 42.\n", "", 0, "Yes, 42.\n", "",
	  "> Do you have 40 staff?\n", NULL },
	{ "On ... wrote: wrapped over two lines",
	  "Sounds good.\n\nOn Tue, 14 Jan 2025 at 10:02, James Carter\n<j@x.com> wrote:\n> Hi\n",
	  "", 0, "Sounds good.\n", "",
	  "On Tue, 14 Jan 2025 at 10:02, James Carter\n<j@x.com> wrote:\n> Hi\n", NULL },
	{ "On ... wrote: without > lines quotes the rest",
	  "Sounds good.\nOn Mon 3 Feb, Ann wrote:\nold text\nmore\n", "", 0,
	  "Sounds good.\n", "", "On Mon 3 Feb, Ann wrote:\nold text\nmore\n", NULL },
	{ "Am ... schrieb ...:", "Gut.\nAm 14.01.2025 um 10:02 schrieb Ann <a@x.de>:\nalt\n",
	  "", 0, "Gut.\n", "", "Am 14.01.2025 um 10:02 schrieb Ann <a@x.de>:\nalt\n", NULL },
	{ "Le ... a \xC3\xA9" "crit :", "Bien.\nLe 14 janv. 2025, Ann a \xC3\xA9" "crit :\nvieux\n",
	  "", 0, "Bien.\n", "", "Le 14 janv. 2025, Ann a \xC3\xA9" "crit :\nvieux\n", NULL },
	{ "an attribution has a date: \"On our side, Ann writes:\" is none",
	  "On our side, Ann writes:\nwe need 40 laptops\n", "", 0,
	  "On our side, Ann writes:\nwe need 40 laptops\n", "", "", NULL },
	{ "a line that starts with On is no attribution",
	  "On Monday we start.\nOn site work: yes\n", "", 0,
	  "On Monday we start.\nOn site work: yes\n", "", "", NULL },
	{ "Original Message", "New.\n-----Original Message-----\nFrom: a\nold\n", "", 0,
	  "New.\n", "", "-----Original Message-----\nFrom: a\nold\n", NULL },
	{ "Gmail forward", "FYI\n\n---------- Forwarded message ---------\nFrom: X\nhello\n",
	  "", 0, "FYI\n", "", "---------- Forwarded message ---------\nFrom: X\nhello\n", NULL },
	{ "Outlook block with its rule",
	  "Yes please.\n\n________________________________\nFrom: Sarah <s@x.com>\n"
	  "Sent: Tuesday\nTo: Pieter\nSubject: Webinar\n\nold\n", "", 0, "Yes please.\n", "",
	  "________________________________\nFrom: Sarah <s@x.com>\nSent: Tuesday\nTo: Pieter\n"
	  "Subject: Webinar\n\nold\n", NULL },
	{ "Outlook block, bold as asterisks",
	  "Yes.\n*From:* Sarah\n*Sent:* Tuesday\n*To:* Pieter\nold\n", "", 0,
	  "Yes.\n", "", NULL, NULL },
	{ "German Outlook block", "Ja.\nVon: Sarah\nGesendet: Dienstag\nAn: Pieter\nBetreff: X\nalt\n",
	  "", 0, "Ja.\n", "", NULL, NULL },
	{ "French Outlook block", "Oui.\nDe : Sarah\nEnvoy\xC3\xA9 : mardi\n\xC3\x80 : Pieter\nObjet : X\n",
	  "", 0, "Oui.\n", "", NULL, NULL },
	{ "From: and Subject: without Sent: is no quote (CF7)",
	  "From: Daniel <d@x.com>\nSubject: Job\n\nMessage Body:\nHello there.\n", "", 0,
	  NULL, "", "", "From: Daniel <d@x.com>\nSubject: Job\nMessage Body: Hello there.\n" },
	{ "signature ends where the quote starts",
	  "Yes.\n\nThanks,\nBen\nOn 3 Feb, Ann wrote:\n> q\n", "", 0, "Yes.\n", "Thanks,\nBen\n",
	  "On 3 Feb, Ann wrote:\n> q\n", NULL },
	/* Forms. */
	{ "three Label: value lines",
	  "New submission\n\nName: Ann Lee\nCompany: Acme\nEmployees: 51-200\n", "", 0,
	  NULL, "", "", "Name: Ann Lee\nCompany: Acme\nEmployees: 51-200\n" },
	{ "two Label: value lines are no form", "Name: Ann\nCompany: Acme\n", "", 0,
	  NULL, "", "", "" },
	{ "single blank lines inside a form block",
	  "Name: Ann\n\nCompany: Acme\n\nPhone: 555\n", "", 0, NULL, "", "",
	  "Name: Ann\nCompany: Acme\nPhone: 555\n" },
	{ "URLs, times and sentences are no labels",
	  "See https://x.com/a\nAt 10:30 we meet.\nNote that we are here: today\nThis, that: x\n",
	  "", 0, NULL, "", "", "" },
	{ "empty label takes the text after it (CF7 Message Body)",
	  "From: A <a@x.com>\nSubject: Hi\n\nMessage Body:\nGood day,\n\nWe need 40 laptops set up and managed for our office.\n"
	  "My CV is here: https://x\n", "", 0, NULL, "", "",
	  "From: A <a@x.com>\nSubject: Hi\nMessage Body: Good day, We need 40 laptops set up and managed for our office. "
	  "My CV is here: https://x\n" },
	{ "short lines after an empty label join with \", \"",
	  "Name: Ann\nPhone: 555\nAddress:\n1 Main St\nSpringfield\n", "", 0, NULL, "", "",
	  "Name: Ann\nPhone: 555\nAddress: 1 Main St, Springfield\n" },
	{ "Label<TAB>Value lines", "Name\tAnn Lee\nCompany name\tAcme\nJust\ttoo\tmany\n", "", 1,
	  NULL, "", "", "Name: Ann Lee\nCompany name: Acme\n" },
	{ "Gravity Forms label / value lines (HTML)",
	  "Name\nAnn Lee\nCompany\nAcme Clinics\nAddress\n1 Main St, Springfield\n", "", 1,
	  NULL, "", "", "Name: Ann Lee\nCompany: Acme Clinics\nAddress: 1 Main St, Springfield\n" },
	{ "label / value lines in plain text need blank lines",
	  "Name\nAnn Lee\nCompany\nAcme Clinics\nAddress\n1 Main St\n", "", 0, NULL, "", "", "" },
	{ "Typeform questions", "What's your name?\nAnn\n\nWhich company are you with?\nAcme\n\n"
	  "How many employees?\n85\n", "", 0, NULL, "", "",
	  "What's your name?: Ann\nWhich company are you with?: Acme\nHow many employees?: 85\n" },
	{ "a signature is no form", "Hi.\n\nRegards,\nAnn Lee\nCEO\nAcme Corp\nBoston MA\nPhone: 1\nFax: 2\nWeb: x\n",
	  "", 1, "Hi.\n", NULL, "", "" },
	{ "quoted form is no form", "Ok.\n> Name: a\n> Company: b\n> Phone: c\n", "", 0, "Ok.\n",
	  "", NULL, "" },
	/* Edges. */
	{ "empty text", "", "", 0, "", "", "", "" },
	{ "only blank lines", "\n\n\n", "", 0, "", "", "", "" },
	{ "no final newline", "abc", "", 0, "abc\n", "", "", "" },
};

/* Each text of the table: body, signature, quoted and form exactly. */
START_TEST(test_zone_table)
{
	const struct zone_case *c = &zone_cases[_i];
	struct zones z;
	int rc;

	rc = test_split(c->text, c->from_name, c->origin, NULL, &z);
	ck_assert_msg(rc == 0, "%s: got rc %d, want 0", c->what, rc);
	test_zone_eq(c->what, &z, ZONE_BODY, c->body);
	test_zone_eq(c->what, &z, ZONE_SIGNATURE, c->sig);
	test_zone_eq(c->what, &z, ZONE_QUOTED, c->quoted);
	test_zone_eq(c->what, &z, ZONE_FORM, c->form);
	zones_free(&z);
}
END_TEST

/* Header zones and "all" = subject + body + signature + form. */
START_TEST(test_zone_headers_all)
{
	struct zones z;
	struct msg m;
	int i;

	memset(&m, 0, sizeof(m));
	m.subject = (char *)(uintptr_t)"Quote";
	m.from_name = (char *)(uintptr_t)"Ann Lee";
	m.from_addr = (char *)(uintptr_t)"ann@x.com";
	m.reply_name = (char *)(uintptr_t)"";
	m.reply_addr = (char *)(uintptr_t)"r@y.com";
	m.to = (char *)(uintptr_t)"a@b.c, d@e.f";
	m.message_id = m.date = (char *)(uintptr_t)"";
	buf_init(&m.text);
	buf_puts(&m.text, "Name: A\nCompany: B\nPhone: C\n\nThanks,\nAnn\n> old\n");
	ck_assert_int_eq(zone_split(&m, NULL, &z), 0);
	test_zone_eq("headers", &z, ZONE_SUBJECT, "Quote\n");
	test_zone_eq("headers", &z, ZONE_FROM, "Ann Lee <ann@x.com>\n");
	test_zone_eq("headers", &z, ZONE_REPLYTO, "<r@y.com>\n");
	test_zone_eq("headers", &z, ZONE_TO, "a@b.c, d@e.f\n");
	test_zone_eq("all", &z, ZONE_ALL,
		     "Quote\nName: A\nCompany: B\nPhone: C\nThanks,\nAnn\n"
		     "Name: A\nCompany: B\nPhone: C\n");
	test_zone_has("all", &z, ZONE_ALL, "old", 0);
	for (i = 0; i < ZONE_COUNT; i++)
		ck_assert_msg(z.text[i] != NULL, "zone %d: got NULL, want text", i);
	zones_free(&z);
	zones_free(&z);		/* twice is harmless */
	zones_free(NULL);

	/* Empty header values give empty zones, not "<>". */
	m.from_name = m.from_addr = m.reply_addr = m.to = m.subject =
	    (char *)(uintptr_t)"";
	ck_assert_int_eq(zone_split(&m, NULL, &z), 0);
	for (i = ZONE_SUBJECT; i <= ZONE_TO; i++)
		test_zone_eq("empty headers", &z, i, "");
	zones_free(&z);
	buf_free(&m.text);
}
END_TEST

/* Ruleset markers extend the built-in sign-offs and quote starts. */
START_TEST(test_zone_markers)
{
	static const char text[] = "Hi.\n\nGroetjes\nAnn\n=== earlier ===\nold\n";
	pcre2_code *signoff, *quote, *bad;
	struct zone_markers mk;
	void *so[1], *qu[2];
	struct zones z;
	PCRE2_SIZE off;
	int errcode, rc;

	signoff = pcre2_compile((PCRE2_SPTR)"^Groetjes$", PCRE2_ZERO_TERMINATED,
				0, &errcode, &off, NULL);
	quote = pcre2_compile((PCRE2_SPTR)"^=== earlier", PCRE2_ZERO_TERMINATED,
			      0, &errcode, &off, NULL);
	ck_assert(signoff != NULL && quote != NULL);

	/* Without markers: no signature, no quote. */
	ck_assert_int_eq(test_split(text, "", 0, NULL, &z), 0);
	test_zone_eq("no markers", &z, ZONE_SIGNATURE, "");
	test_zone_eq("no markers", &z, ZONE_QUOTED, "");
	zones_free(&z);

	so[0] = signoff;
	qu[0] = NULL;		/* NULL entries are skipped */
	qu[1] = quote;
	mk.signoff = so;
	mk.nsignoff = 1;
	mk.quote = qu;
	mk.nquote = 2;
	rc = test_split(text, "", 0, &mk, &z);
	ck_assert_msg(rc == 0, "markers: got rc %d, want 0", rc);
	test_zone_eq("markers", &z, ZONE_BODY, "Hi.\n");
	test_zone_eq("markers", &z, ZONE_SIGNATURE, "Groetjes\nAnn\n");
	test_zone_eq("markers", &z, ZONE_QUOTED, "=== earlier ===\nold\n");
	ck_assert_msg(!z.limit_hit, "markers: got limit_hit 1, want 0");
	zones_free(&z);

	/* A pattern that hits its match limit: limit_hit, zones still made. */
	bad = pcre2_compile((PCRE2_SPTR)"(*LIMIT_MATCH=1000)^(a+)+$",
			    PCRE2_ZERO_TERMINATED, 0, &errcode, &off, NULL);
	ck_assert(bad != NULL);
	qu[0] = bad;
	mk.nquote = 1;
	mk.nsignoff = 0;
	rc = test_split("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n",
			"", 0, &mk, &z);
	ck_assert_msg(rc == 0, "limit: got rc %d, want 0", rc);
	ck_assert_msg(z.limit_hit, "limit: got limit_hit 0, want 1");
	test_zone_eq("limit", &z, ZONE_BODY,
		     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n");
	zones_free(&z);

	pcre2_code_free(signoff);
	pcre2_code_free(quote);
	pcre2_code_free(bad);
}
END_TEST

/* Many sign-off, name and label lines: linear work, no hang. */
START_TEST(test_zone_big)
{
	static const char *const lines[] = {
		"Thanks,\n", "Ben\n\n", "Label:\n\nx\n", "On 1 May, A wrote:\n> q\n",
		"Name\nx\n\n"
	};
	struct buf text = BUF_INIT;
	struct zones z;
	int i;

	for (i = 0; i < 50000; i++)
		buf_puts(&text, lines[_i]);
	ck_assert_int_eq(test_split(text.data, "Ben X", 1, NULL, &z), 0);
	ck_assert_msg(z.text[ZONE_ALL] != NULL, "%s: got NULL all", lines[_i]);
	zones_free(&z);
	buf_free(&text);
}
END_TEST

/* Zone names round-trip; unknown names and ids fail. */
START_TEST(test_zone_names)
{
	static const char *const names[] = {
		"subject", "from", "replyto", "to", "body", "signature",
		"quoted", "form", "all"
	};
	int i;

	for (i = 0; i < ZONE_COUNT; i++) {
		ck_assert_msg(zone_lookup(names[i]) == i, "%s: got %d, want %d",
			      names[i], zone_lookup(names[i]), i);
		ck_assert_msg(strcmp(zone_name(i), names[i]) == 0,
			      "%d: got \"%s\", want \"%s\"", i, zone_name(i),
			      names[i]);
	}
	ck_assert_msg(zone_lookup("sigature") == -1, "sigature: got %d, want -1",
		      zone_lookup("sigature"));
	ck_assert_msg(zone_lookup("Body") == -1, "Body: got %d, want -1",
		      zone_lookup("Body"));
	ck_assert_msg(zone_lookup("") == -1, "\"\": got %d, want -1",
		      zone_lookup(""));
	ck_assert_msg(zone_lookup(NULL) == -1, "NULL: got %d, want -1",
		      zone_lookup(NULL));
	ck_assert_msg(zone_name(-1) == NULL, "-1: got non-NULL, want NULL");
	ck_assert_msg(zone_name(ZONE_COUNT) == NULL,
		      "ZONE_COUNT: got non-NULL, want NULL");
}
END_TEST

/* test_corpus_split - parse a corpus message and split it */
static void
test_corpus_split(const char *name, struct zones *z)
{
	struct lm_err err;
	struct msg m;
	char path[512];
	gchar *data = NULL;
	gsize len = 0;
	int rc;

	snprintf(path, sizeof(path), "%s%s", CORPUS, name);
	ck_assert_msg(g_file_get_contents(path, &data, &len, NULL),
		      "cannot read %s", path);
	lm_err_clear(&err);
	rc = msg_parse(data, len, &m, &err);
	g_free(data);
	ck_assert_msg(rc == 0, "%s: got rc %d (%s), want 0", name, rc, err.msg);
	rc = zone_split(&m, NULL, z);
	msg_free(&m);
	ck_assert_msg(rc == 0, "%s: split: got rc %d, want 0", name, rc);
}

/* The corpus messages the design notes name. */
START_TEST(test_zone_corpus)
{
	struct zones z;

	test_corpus_split("a01.eml", &z);
	test_zone_eq("a01", &z, ZONE_SIGNATURE,
		     "Thank you,\n\nKaren Whitfield\nDirector of Operations\n"
		     "Lakeshore Orthopedic Associates\n2400 N Clark St, Suite 310\n"
		     "Chicago, IL 60614\n(312) 555-0187\n");
	test_zone_has("a01", &z, ZONE_BODY, "I'm available most afternoons for a call.\n", 1);
	test_zone_has("a01", &z, ZONE_BODY, "Thank you", 0);
	test_zone_eq("a01", &z, ZONE_QUOTED, "");
	zones_free(&z);

	test_corpus_split("a12.eml", &z);
	test_zone_has("a12", &z, ZONE_QUOTED, "James Carter\n> CEO", 1);
	test_zone_has("a12", &z, ZONE_BODY, "CEO", 0);
	test_zone_has("a12", &z, ZONE_SIGNATURE, "CEO", 0);
	test_zone_has("a12", &z, ZONE_ALL, "CEO", 0);
	test_zone_has("a12", &z, ZONE_SIGNATURE, "Ben Ostrowski\nIT Manager\n"
		      "Ridgeway Precision Machining\n", 1);
	test_zone_has("a12", &z, ZONE_BODY, "50-200 employees", 1);
	zones_free(&z);

	test_corpus_split("a31.eml", &z);
	test_zone_has("a31", &z, ZONE_QUOTED, "From: Sarah Mitchell", 1);
	test_zone_has("a31", &z, ZONE_QUOTED, "Chief Executive Officer", 1);
	test_zone_has("a31", &z, ZONE_QUOTED, "250 employees", 1);
	test_zone_has("a31", &z, ZONE_ALL, "Chief Executive Officer", 0);
	test_zone_has("a31", &z, ZONE_ALL, "250 employees", 0);
	test_zone_has("a31", &z, ZONE_SIGNATURE, "IT Support Specialist", 1);
	zones_free(&z);

	test_corpus_split("a06.eml", &z);
	test_zone_has("a06", &z, ZONE_FORM, "Company name: Pinecrest Insurance Group\n", 1);
	test_zone_has("a06", &z, ZONE_FORM, "Number of employees: 51-200\n", 1);
	test_zone_has("a06", &z, ZONE_BODY, "Company name: Pinecrest Insurance Group\n", 1);
	test_zone_has("a06", &z, ZONE_FORM, "has a new submission", 0);
	zones_free(&z);

	test_corpus_split("a11.eml", &z);
	test_zone_has("a11", &z, ZONE_FORM, "Company: Northgate Physiotherapy Clinics\n", 1);
	test_zone_has("a11", &z, ZONE_FORM,
		      "Address: 88 Yonge Street, Toronto, ON M5C 1S8, Canada\n", 1);
	test_zone_has("a11", &z, ZONE_FORM, "Name: Priya Raman\n", 1);
	zones_free(&z);

	test_corpus_split("a03.eml", &z);
	test_zone_has("a03", &z, ZONE_REPLYTO, "Daniel Okafor <d.okafor.it@gmail.com>", 1);
	test_zone_has("a03", &z, ZONE_FORM, "Message Body: Good afternoon, I would like", 1);
	test_zone_has("a03", &z, ZONE_SIGNATURE, "Kind regards,\nDaniel Okafor\n", 1);
	test_zone_has("a03", &z, ZONE_QUOTED, "From:", 0);
	zones_free(&z);

	test_corpus_split("a14.eml", &z);
	test_zone_has("a14", &z, ZONE_SIGNATURE, "Cordialement,\n\nSophie Lambert\n", 1);
	test_zone_has("a14", &z, ZONE_BODY, "migrer notre messagerie", 1);
	zones_free(&z);

	test_corpus_split("a04.eml", &z);
	test_zone_has("a04", &z, ZONE_BODY, "M\xC3\xBCnchen", 1);
	test_zone_has("a04", &z, ZONE_SIGNATURE, "Mit freundlichen Gr\xC3\xBC\xC3\x9F" "en\n", 1);
	test_zone_has("a04", &z, ZONE_SIGNATURE, "80802 M\xC3\xBCnchen", 1);
	zones_free(&z);

	test_corpus_split("a02.eml", &z);
	test_zone_eq("a02", &z, ZONE_FROM,
		     "Megan O\xE2\x80\x99Hara <megan.ohara@brightwater-freight.com>\n");
	test_zone_has("a02", &z, ZONE_SIGNATURE, "Office Manager | Brightwater Freight Ltd", 1);
	zones_free(&z);
}
END_TEST

/* suite_zone - the zone(3) tests */
Suite *
suite_zone(void)
{
	Suite *s = suite_create("zone");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, zone_fixture_setup, zone_fixture_teardown);
	tcase_add_loop_test(tc, test_zone_table, 0,
			    (int)(sizeof(zone_cases) / sizeof(zone_cases[0])));
	tcase_add_test(tc, test_zone_headers_all);
	tcase_add_test(tc, test_zone_markers);
	tcase_add_test(tc, test_zone_names);
	tcase_add_loop_test(tc, test_zone_big, 0, 5);
	tcase_add_test(tc, test_zone_corpus);
	suite_add_tcase(s, tc);
	return s;
}
