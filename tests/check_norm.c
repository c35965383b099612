/*
 * check_norm - tests for norm: country, subdivision, employees, money, text
 *
 * DESCRIPTION  Table-driven: each row is one loop test, failing inputs
 *              beside passing ones, messages in "got X, want Y" form.
 *              The loader tests point norm_init_dirs() at hand-made JSON
 *              and .mo files in a temporary directory (both byte orders,
 *              corrupt headers, offsets past the end of the file) and
 *              check that a failed load leaves nothing behind.
 * LIMITS       Needs the iso-codes data that norm_init() reads: the
 *              expectations are the names Debian's iso-codes 4.x ships.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suites.h"
#include "norm.h"

/* One country or subdivision case; want NULL: must not be recognised. */
struct country_case {
	const char *in;
	const char *want;
};

static const struct country_case country_cases[] = {
	/* English names, any case, surrounding space and punctuation */
	{ "Germany", "DE" }, { "germany", "DE" }, { "  GERMANY  ", "DE" },
	{ "Germany.", "DE" }, { "Ireland,", "IE" }, { "France", "FR" },
	{ "United Kingdom", "GB" }, { "United States", "US" },
	{ "Canada", "CA" }, { "Netherlands", "NL" },
	{ "Korea, Republic of", "KR" }, { "South Korea", "KR" },
	{ "Czech Republic", "CZ" }, { "Czechia", "CZ" },
	{ "United States of America", "US" },
	{ "Federal Republic of Germany", "DE" },
	{ "United Kingdom of Great Britain and Northern Ireland", "GB" },
	/* accents, decomposed accents, curly apostrophes */
	{ "Côte d'Ivoire", "CI" }, { "Cote d\xe2\x80\x99Ivoire", "CI" },
	{ "Co\xcc\x82te d'Ivoire", "CI" }, { "Curaçao", "CW" },
	{ "Curacao", "CW" }, { "ÅLAND ISLANDS", "AX" }, { "Türkiye", "TR" },
	{ "Réunion", "RE" }, { "Saint Barthélemy", "BL" },
	/* German and French names from the catalogues */
	{ "Deutschland", "DE" }, { "Allemagne", "DE" },
	{ "Vereinigtes Königreich", "GB" }, { "Royaume-Uni", "GB" },
	{ "royaume uni", "GB" }, { "Vereinigte Staaten", "US" },
	{ "États-Unis", "US" }, { "Etats-Unis", "US" },
	{ "Niederlande", "NL" }, { "Pays-Bas", "NL" }, { "Irlande", "IE" },
	{ "Irland", "IE" }, { "Frankreich", "FR" }, { "Kanada", "CA" },
	{ "Österreich", "AT" }, { "Osterreich", "AT" }, { "Autriche", "AT" },
	{ "Schweiz", "CH" }, { "Suisse", "CH" }, { "Tchéquie", "CZ" },
	{ "Corée, République de", "KR" }, { "Dänemark", "DK" },
	/* aliases */
	{ "UK", "GB" }, { "U.K.", "GB" }, { "Great Britain", "GB" },
	{ "England", "GB" }, { "Scotland", "GB" }, { "Wales", "GB" },
	{ "Northern Ireland", "GB" }, { "USA", "US" }, { "U.S.", "US" },
	{ "U.S.A.", "US" }, { "America", "US" }, { "Holland", "NL" },
	{ "The Netherlands", "NL" }, { "the United Kingdom", "GB" },
	/* codes: alpha-3 any case, alpha-2 only as two capitals */
	{ "DEU", "DE" }, { "GBR", "GB" }, { "CAN", "CA" }, { "DE", "DE" },
	{ "FR", "FR" }, { "US", "US" }, { " GB. ", "GB" },
	/* not countries */
	{ "", NULL }, { "   ", NULL }, { "de", NULL }, { "fr", NULL },
	{ "XX", NULL }, { "ZZ", NULL }, { "Atlantis", NULL },
	{ "Germanyy", NULL }, { "Ger", NULL }, { "United", NULL },
	{ "Berlin, Germany", NULL }, { "Germany and France", NULL },
	{ "Deutschland GmbH", NULL }, { "DEUX", NULL }, { "U", NULL },
	{ "the", NULL }, { "N/A", NULL }, { "deu", NULL }, { "Deu", NULL },
	{ "and", NULL }, { "can", NULL }, { "ABC", NULL },
};

/* country - one norm_country() row */
START_TEST(test_country)
{
	const struct country_case *t = &country_cases[_i];
	char cc[3] = "??";
	int rc = norm_country(t->in, strlen(t->in), cc);

	if (t->want == NULL)
		ck_assert_msg(rc == LM_ENOTFOUND && cc[0] == '\0',
			      "norm_country(\"%s\"): got %d \"%s\", want"
			      " LM_ENOTFOUND \"\"", t->in, rc, cc);
	else
		ck_assert_msg(rc == 0 && strcmp(cc, t->want) == 0,
			      "norm_country(\"%s\"): got %d \"%s\", want 0"
			      " \"%s\"", t->in, rc, cc, t->want);
}
END_TEST

static const struct country_case subdiv_cases[] = {
	{ "CA", "US" }, { "California", "US" }, { "california", "US" },
	{ "ON", "CA" }, { "Ontario", "CA" }, { "NY", "US" },
	{ "New York", "US" }, { "Québec", "CA" }, { "Quebec", "CA" },
	{ "QC", "CA" }, { "DC", "US" }, { "District of Columbia", "US" },
	{ "Washington, D.C.", "US" }, { "Puerto Rico", "US" },
	{ "PR", "US" }, { "Yukon", "CA" }, { "NU", "CA" },
	{ "British Columbia", "CA" }, { "Colombie-Britannique", "CA" },
	{ "Kalifornien", "US" }, { "Californie", "US" },
	{ "Terre-Neuve-et-Labrador", "CA" },
	{ "Ile du Prince Edouard", "CA" }, { "Georgia", "US" },
	{ " TX.", "US" }, { "US-CA", "US" }, { "CA-ON", "CA" },
	/* not US states or Canadian provinces */
	{ "on", NULL }, { "in", NULL }, { "Bavaria", NULL },
	{ "Bayern", NULL }, { "BY", NULL }, { "ZZ", NULL }, { "", NULL },
	{ "Texas Instruments", NULL }, { "CA-CA", NULL }, { "US-ON", NULL },
	{ "Toronto", NULL }, { "Germany", NULL },
};

/* subdivision - one norm_subdivision() row */
START_TEST(test_subdivision)
{
	const struct country_case *t = &subdiv_cases[_i];
	char cc[3] = "??";
	int rc = norm_subdivision(t->in, strlen(t->in), cc);

	if (t->want == NULL)
		ck_assert_msg(rc == LM_ENOTFOUND && cc[0] == '\0',
			      "norm_subdivision(\"%s\"): got %d \"%s\", want"
			      " LM_ENOTFOUND \"\"", t->in, rc, cc);
	else
		ck_assert_msg(rc == 0 && strcmp(cc, t->want) == 0,
			      "norm_subdivision(\"%s\"): got %d \"%s\", want 0"
			      " \"%s\"", t->in, rc, cc, t->want);
}
END_TEST

/* One employees case; lo 0: must not be recognised. */
static const struct {
	const char *in;
	long lo, hi;
} emp_cases[] = {
	{ "120", 120, 120 }, { "12", 12, 12 }, { "  120  ", 120, 120 },
	{ "1,500", 1500, 1500 }, { "1.500", 1500, 1500 },
	{ "1 500", 1500, 1500 }, { "1\xc2\xa0" "500", 1500, 1500 },
	{ "1\xe2\x80\xaf" "500", 1500, 1500 }, { "1'500", 1500, 1500 },
	{ "1,000,000", 1000000, 1000000 }, { "1.000.000", 1000000, 1000000 },
	{ "50-200", 50, 200 }, { "51-200", 51, 200 },
	{ "50 \xe2\x80\x93 200", 50, 200 }, { "51\xe2\x80\x93" "200", 51, 200 },
	{ "50 to 200", 50, 200 }, { "50 bis 200", 50, 200 },
	{ "de 50 \xc3\xa0 200", 50, 200 }, { "between 50 and 200", 50, 200 },
	{ "1,000 - 5,000", 1000, 5000 }, { "about 1,500", 1500, 1500 },
	{ "~300", 300, 300 }, { "approx. 300", 300, 300 },
	{ "Approximately 250", 250, 250 }, { "environ 300", 300, 300 },
	{ "10k", 10000, 10000 }, { "10 K", 10000, 10000 },
	{ "1.5k", 1500, 1500 }, { "1-5k", 1000, 5000 },
	{ "500-5k", 500, 5000 }, { "2,000+", 2000, 2000 },
	{ "250 +", 250, 250 }, { "over 500", 500, 500 },
	{ "more than 500", 500, 500 }, { "> 1000", 1000, 1000 },
	{ "under 50", 1, 50 }, { "up to 20", 1, 20 },
	{ "51\xe2\x80\x93" "200 employees", 51, 200 }, { "45 staff", 45, 45 },
	{ "35 Mitarbeiter", 35, 35 }, { "120\xc2\xa0staff", 120, 120 },
	{ "120\xe2\x80\xaf" "employ\xc3\xa9s", 120, 120 },
	{ "environ 300 salari\xc3\xa9s", 300, 300 },
	{ "10,000,000", 10000000, 10000000 }, { "1", 1, 1 },
	/* refused */
	{ "", 0, 0 }, { "   ", 0, 0 }, { "0", 0, 0 }, { "0-10", 0, 0 },
	{ "-5", 0, 0 }, { "abc", 0, 0 }, { "ten", 0, 0 }, { "1.5", 0, 0 },
	{ "1,50", 0, 0 }, { "200-50", 0, 0 }, { "10,000,001", 0, 0 },
	{ "20000000", 0, 0 }, { "12345678901234567890", 0, 0 },
	{ "50 employees in 2 offices", 0, 0 },
	{ "1,450 staff across 14 schools", 0, 0 }, { "1.2.3", 0, 0 },
	{ "1,500,00", 0, 0 }, { "1e6", 0, 0 }, { "$500", 0, 0 },
	{ "500$", 0, 0 }, { "40 000 \xe2\x82\xac HT", 0, 0 },
	{ "2 000 \xc2\xa3", 0, 0 }, { "50%", 0, 0 },
	{ "k", 0, 0 },
};

/* employees - one norm_employees() row */
START_TEST(test_employees)
{
	long lo = -1, hi = -1;
	int rc = norm_employees(emp_cases[_i].in, strlen(emp_cases[_i].in),
				&lo, &hi);

	if (emp_cases[_i].lo == 0)
		ck_assert_msg(rc == LM_ENOTFOUND && lo == 0 && hi == 0,
			      "norm_employees(\"%s\"): got %d %ld-%ld, want"
			      " LM_ENOTFOUND", emp_cases[_i].in, rc, lo, hi);
	else
		ck_assert_msg(rc == 0 && lo == emp_cases[_i].lo
			      && hi == emp_cases[_i].hi,
			      "norm_employees(\"%s\"): got %d %ld-%ld, want 0"
			      " %ld-%ld", emp_cases[_i].in, rc, lo, hi,
			      emp_cases[_i].lo, emp_cases[_i].hi);
}
END_TEST

/* One money case; cur NULL: must not be recognised. */
static const struct {
	const char *in;
	double amount;
	const char *cur;
} money_cases[] = {
	{ "$4,800", 4800, "USD" }, { "$4,800/month", 4800, "USD" },
	{ "\xc2\xa3" "2,000", 2000, "GBP" },
	{ "\xc2\xa3" "2,000 a month", 2000, "GBP" },
	{ "40 000 \xe2\x82\xac", 40000, "EUR" },
	{ "40 000 \xe2\x82\xac HT", 40000, "EUR" },
	{ "40\xc2\xa0" "000 \xe2\x82\xac HT", 40000, "EUR" },
	{ "EUR 40k", 40000, "EUR" }, { "40.000 EUR", 40000, "EUR" },
	{ "USD 25,000", 25000, "USD" }, { "25,000 USD", 25000, "USD" },
	{ "CAD 10,000", 10000, "CAD" }, { "CHF 5'000", 5000, "CHF" },
	{ "AUD 3000", 3000, "AUD" }, { "SEK 10 000", 10000, "SEK" },
	{ "C$5,000", 5000, "CAD" }, { "CA$5,000", 5000, "CAD" },
	{ "US$500", 500, "USD" }, { "USD$500", 500, "USD" },
	{ "$40 CAD", 40, "CAD" }, { "$1.5m", 1.5e6, "USD" },
	{ "\xe2\x82\xac" "1,5 Mio.", 1.5e6, "EUR" },
	{ "40 k\xe2\x82\xac", 40000, "EUR" }, { "about $300", 300, "USD" },
	{ "up to \xc2\xa3" "50k", 50000, "GBP" },
	{ "$10k-$25k", 10000, "USD" }, { "$10-25k", 10000, "USD" },
	{ "20 000 euros", 20000, "EUR" }, { "5000 Euro", 5000, "EUR" },
	{ "\xc2\xa5" "300,000", 300000, "JPY" },
	{ "1,500.50 USD", 1500.5, "USD" },
	{ "1.500,50 \xe2\x82\xac", 1500.5, "EUR" },
	{ "$2,000 per month + VAT", 2000, "USD" },
	{ "25.000,- \xe2\x82\xac", 25000, "EUR" },
	{ "CHF 500.\xe2\x80\x93", 500, "CHF" },
	{ "20.000,-- bis 30.000,-- EUR", 20000, "EUR" },
	/* a bare amount: the currency is unknown */
	{ "1.5m", 1.5e6, "" }, { "40000", 40000, "" }, { "40k", 40000, "" },
	/* refused */
	{ "", 0, NULL }, { "$", 0, NULL }, { "EUR", 0, NULL },
	{ "$0", 0, NULL }, { "-$5", 0, NULL }, { "3 months", 0, NULL },
	{ "XYZ 500", 0, NULL }, { "500 all", 0, NULL },
	{ "\xe2\x82\xac" "40 USD", 0, NULL }, { "$500 or \xe2\x82\xac" "400", 0, NULL },
	{ "$2,000,000,000,000", 0, NULL }, { "free", 0, NULL },
	{ "budget tbd", 0, NULL }, { "usd 500 and 20", 0, NULL },
};

/* money - one norm_money() row */
START_TEST(test_money)
{
	double amount = -1;
	char cur[4] = "???";
	int rc = norm_money(money_cases[_i].in, strlen(money_cases[_i].in),
			    &amount, cur);

	if (money_cases[_i].cur == NULL)
		ck_assert_msg(rc == LM_ENOTFOUND && amount == 0 && cur[0] == '\0',
			      "norm_money(\"%s\"): got %d %g \"%s\", want"
			      " LM_ENOTFOUND", money_cases[_i].in, rc, amount, cur);
	else
		ck_assert_msg(rc == 0 && amount == money_cases[_i].amount
			      && strcmp(cur, money_cases[_i].cur) == 0,
			      "norm_money(\"%s\"): got %d %g \"%s\", want 0 %g"
			      " \"%s\"", money_cases[_i].in, rc, amount, cur,
			      money_cases[_i].amount, money_cases[_i].cur);
}
END_TEST

/* One norm_text case; len 0 means strlen(in). */
static const struct {
	const char *in;
	size_t len;
	size_t maxlen;
	const char *want;
} text_cases[] = {
	{ "  Acme   GmbH  ", 0, 0, "Acme GmbH" },
	{ "Acme\xc2\xa0GmbH", 0, 0, "Acme GmbH" },
	{ "Acme\xe2\x80\xaf\t\r\n GmbH", 0, 0, "Acme GmbH" },
	{ "Acme Corp,", 0, 0, "Acme Corp" }, { "Acme Corp -", 0, 0, "Acme Corp" },
	{ "Acme Corp \xe2\x80\x93", 0, 0, "Acme Corp" },
	{ "Acme | ", 0, 0, "Acme" }, { "Acme;:, ", 0, 0, "Acme" },
	{ "Acme Inc.", 0, 0, "Acme Inc." }, { "\xe2\x80\xa2 Acme", 0, 0, "Acme" },
	{ "\xe2\x80\xa2" "Acme", 0, 0, "Acme" }, { "- Acme", 0, 0, "Acme" },
	{ "* Acme", 0, 0, "Acme" }, { " -  - Acme", 0, 0, "Acme" },
	{ "-Acme", 0, 0, "-Acme" }, { "Jean-Luc", 0, 0, "Jean-Luc" },
	{ "a\0b", 3, 0, "a b" }, { "a\x01\x7f" "b", 0, 0, "a b" },
	{ "", 0, 0, "" }, { "   ", 0, 0, "" }, { " , ; ", 0, 0, "" },
	{ "-", 0, 0, "" },
	/* caps count bytes and never split a character */
	{ "Acme GmbH", 0, 4, "Acme" }, { "Acme GmbH", 0, 5, "Acme" },
	{ "Acme GmbH", 0, 6, "Acme G" }, { "Zo\xc3\xab M", 0, 3, "Zo" },
	{ "Zo\xc3\xab M", 0, 4, "Zo\xc3\xab" },
	{ "\xe6\x97\xa5\xe6\x9c\xac", 0, 4, "\xe6\x97\xa5" },
	{ "\xe6\x97\xa5\xe6\x9c\xac", 0, 2, "" },
	{ "Acme,  GmbH", 0, 5, "Acme" },
	{ "x", 0, 1, "x" }, { "xy", 0, 1, "x" },
};

/* text - one norm_text() row */
START_TEST(test_text)
{
	const char *in = text_cases[_i].in;
	size_t len = text_cases[_i].len ? text_cases[_i].len : strlen(in);
	char *got = norm_text(in, len, text_cases[_i].maxlen);

	ck_assert_msg(got != NULL && strcmp(got, text_cases[_i].want) == 0,
		      "norm_text(\"%s\", %zu): got \"%s\", want \"%s\"", in,
		      text_cases[_i].maxlen, got, text_cases[_i].want);
	free(got);
}
END_TEST

/* text_null - NULL input gives an empty string, not NULL */
START_TEST(test_text_null)
{
	char *got = norm_text(NULL, 0, 10);

	ck_assert_msg(got != NULL && got[0] == '\0',
		      "norm_text(NULL): got %p, want \"\"", (void *)got);
	free(got);
}
END_TEST

/* text_long - a long capture is capped without reading it all */
START_TEST(test_text_long)
{
	size_t n = 1 << 20, i;
	char *in = malloc(n), *got;

	ck_assert_msg(in != NULL, "malloc failed");
	for (i = 0; i < n; i++)
		in[i] = (i % 7 == 6) ? ' ' : 'a';
	got = norm_text(in, n, 100);
	ck_assert_msg(strlen(got) <= 100 && strlen(got) >= 98,
		      "norm_text(1 MB, 100): got %zu bytes, want 98..100",
		      strlen(got));
	free(got);
	got = norm_text(in, n, 0);
	/* single spaces stay, and the input ends in a letter */
	ck_assert_msg(strlen(got) == n,
		      "norm_text(1 MB, 0): got %zu bytes, want %zu",
		      strlen(got), n);
	free(got);
	free(in);
}
END_TEST

/* init_twice - norm_init() is idempotent */
START_TEST(test_init_twice)
{
	struct lm_err err;
	char cc[3];

	lm_err_clear(&err);
	ck_assert_int_eq(norm_init(&err), 0);
	ck_assert_int_eq(norm_init(&err), 0);
	ck_assert_int_eq(norm_country("Germany", 7, cc), 0);
	ck_assert_str_eq(cc, "DE");
}
END_TEST

/* ---- loader tests: hand-made data in a temporary directory ---------- */

static char tmpdir[256];

/* loader_clean - remove whatever a loader test wrote under tmpdir */
static void
loader_clean(void)
{
	static const char *const files[] = {
		"json/iso_3166-1.json", "json/iso_3166-2.json",
		"json/iso_4217.json",
		"loc/de/LC_MESSAGES/iso_3166-1.mo",
		"loc/de/LC_MESSAGES/iso_3166-2.mo",
		"loc/fr/LC_MESSAGES/iso_3166-1.mo",
		"loc/fr/LC_MESSAGES/iso_3166-2.mo",
		"loc/de/LC_MESSAGES", "loc/fr/LC_MESSAGES", "loc/de", "loc/fr",
		"loc", "json",
	};
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
		if (unlink(path) != 0)
			rmdir(path);
	}
}

/*
 * loader_mkdir - one temporary directory for the loader tests.  An
 * unchecked fixture: it runs in the parent even with CK_FORK, so the
 * directory goes away after a test that failed or crashed.
 */
static void
loader_mkdir(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/check_norm.XXXXXX",
		 base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		ck_abort_msg("mkdtemp %s failed", tmpdir);
}

/* loader_rmdir - remove the loader tests' directory */
static void
loader_rmdir(void)
{
	loader_clean();
	rmdir(tmpdir);
}

/* loader_setup - an empty directory, and no data loaded */
static void
loader_setup(void)
{
	loader_clean();
	norm_shutdown();
}

/* loader_teardown - load the real data again for whoever runs next */
static void
loader_teardown(void)
{
	struct lm_err err;

	norm_shutdown();
	lm_err_clear(&err);
	if (norm_init(&err) != 0)
		ck_abort_msg("norm_init: %s: %s", err.file, err.msg);
}

/* write_file - create tmpdir/rel (and its directories) with content */
static void
write_file(const char *rel, const void *data, size_t len)
{
	char path[512], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (slash = path + strlen(tmpdir) + 1; (slash = strchr(slash, '/'));
	     slash++) {
		*slash = '\0';
		mkdir(path, 0700);	/* EEXIST is fine; fopen reports the rest */
		*slash = '/';
	}
	fp = fopen(path, "wb");
	ck_assert_msg(fp != NULL, "cannot create %s", path);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

/* put32 - store a 32-bit word in either byte order */
static void
put32(unsigned char *p, uint32_t v, int big)
{
	int i;

	for (i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* How make_mo() damages a catalogue. */
enum { MO_OK, MO_MAGIC, MO_SHORT, MO_STRING_PAST_END, MO_TABLE_PAST_END,
       MO_REVISION };

/* A catalogue string with its length: it may hold NUL (plural forms). */
struct mo_str {
	const char *s;
	uint32_t len;
};
#define MO_STR(lit) { lit, sizeof(lit) - 1 }

/* make_mo - write a .mo with the given msgid/msgstr pairs */
static void
make_mo(const char *rel, int big, const struct mo_str *pairs, uint32_t n,
	int damage)
{
	unsigned char mo[4096];
	uint32_t otab = 28, ttab = 28 + 8 * n, off = 28 + 16 * n, i, len;

	ck_assert_uint_lt(off, sizeof(mo));
	memset(mo, 0, sizeof(mo));
	put32(mo, damage == MO_MAGIC ? 0x12345678u : 0x950412deu, big);
	put32(mo + 4, damage == MO_REVISION ? 0x00020000u : 0, big);
	put32(mo + 8, damage == MO_TABLE_PAST_END ? 0x10000000u : n, big);
	put32(mo + 12, otab, big);
	put32(mo + 16, ttab, big);
	for (i = 0; i < 2 * n; i++) {
		len = pairs[i].len;
		/* msgid i at otab + 8i, msgstr i at ttab + 8i */
		put32(mo + (i % 2 ? ttab : otab) + 8 * (i / 2), len, big);
		put32(mo + (i % 2 ? ttab : otab) + 8 * (i / 2) + 4,
		      damage == MO_STRING_PAST_END && i == 1 ? 0xfffffff0u : off,
		      big);
		ck_assert_uint_lt(off + len + 1, sizeof(mo));
		memcpy(mo + off, pairs[i].s, len);
		mo[off + len] = '\0';
		off += len + 1;
	}
	write_file(rel, mo, damage == MO_SHORT ? 10 : off);
}

static const struct mo_str mo_header[] = {
	MO_STR(""), MO_STR("Content-Type: text/plain; charset=UTF-8\n")
};

/*
 * Every letter of Latin-1 Supplement and Latin Extended-A, and its ASCII
 * fold as Python's NFKD plus the usual expansions (ß ss, æ ae, þ th, ł l)
 * spell it: a catalogue "translates" Italy and Portugal into these.
 */
#define LATIN1 \
	"\xc3\x80\xc3\x81\xc3\x82\xc3\x83\xc3\x84\xc3\x85\xc3\x86\xc3\x87" \
	"\xc3\x88\xc3\x89\xc3\x8a\xc3\x8b\xc3\x8c\xc3\x8d\xc3\x8e\xc3\x8f" \
	"\xc3\x90\xc3\x91\xc3\x92\xc3\x93\xc3\x94\xc3\x95\xc3\x96\xc3\x98" \
	"\xc3\x99\xc3\x9a\xc3\x9b\xc3\x9c\xc3\x9d\xc3\x9e\xc3\x9f\xc3\xa0" \
	"\xc3\xa1\xc3\xa2\xc3\xa3\xc3\xa4\xc3\xa5\xc3\xa6\xc3\xa7\xc3\xa8" \
	"\xc3\xa9\xc3\xaa\xc3\xab\xc3\xac\xc3\xad\xc3\xae\xc3\xaf\xc3\xb0" \
	"\xc3\xb1\xc3\xb2\xc3\xb3\xc3\xb4\xc3\xb5\xc3\xb6\xc3\xb8\xc3\xb9" \
	"\xc3\xba\xc3\xbb\xc3\xbc\xc3\xbd\xc3\xbe\xc3\xbf"
#define LATIN1_ASCII "aaaaaaaeceeeeiiiidnoooooouuuuythssaaaaaaaeceeeeiiiid" \
	"noooooouuuuythy"
#define LATIN_EXT_A \
	"\xc4\x80\xc4\x81" \
	"\xc4\x82\xc4\x83\xc4\x84\xc4\x85\xc4\x86\xc4\x87\xc4\x88\xc4\x89" \
	"\xc4\x8a\xc4\x8b\xc4\x8c\xc4\x8d\xc4\x8e\xc4\x8f\xc4\x90\xc4\x91" \
	"\xc4\x92\xc4\x93\xc4\x94\xc4\x95\xc4\x96\xc4\x97\xc4\x98\xc4\x99" \
	"\xc4\x9a\xc4\x9b\xc4\x9c\xc4\x9d\xc4\x9e\xc4\x9f\xc4\xa0\xc4\xa1" \
	"\xc4\xa2\xc4\xa3\xc4\xa4\xc4\xa5\xc4\xa6\xc4\xa7\xc4\xa8\xc4\xa9" \
	"\xc4\xaa\xc4\xab\xc4\xac\xc4\xad\xc4\xae\xc4\xaf\xc4\xb0\xc4\xb1" \
	"\xc4\xb2\xc4\xb3\xc4\xb4\xc4\xb5\xc4\xb6\xc4\xb7\xc4\xb8\xc4\xb9" \
	"\xc4\xba\xc4\xbb\xc4\xbc\xc4\xbd\xc4\xbe\xc4\xbf\xc5\x80\xc5\x81" \
	"\xc5\x82\xc5\x83\xc5\x84\xc5\x85\xc5\x86\xc5\x87\xc5\x88\xc5\x89" \
	"\xc5\x8a\xc5\x8b\xc5\x8c\xc5\x8d\xc5\x8e\xc5\x8f\xc5\x90\xc5\x91" \
	"\xc5\x92\xc5\x93\xc5\x94\xc5\x95\xc5\x96\xc5\x97\xc5\x98\xc5\x99" \
	"\xc5\x9a\xc5\x9b\xc5\x9c\xc5\x9d\xc5\x9e\xc5\x9f\xc5\xa0\xc5\xa1" \
	"\xc5\xa2\xc5\xa3\xc5\xa4\xc5\xa5\xc5\xa6\xc5\xa7\xc5\xa8\xc5\xa9" \
	"\xc5\xaa\xc5\xab\xc5\xac\xc5\xad\xc5\xae\xc5\xaf\xc5\xb0\xc5\xb1" \
	"\xc5\xb2\xc5\xb3\xc5\xb4\xc5\xb5\xc5\xb6\xc5\xb7\xc5\xb8\xc5\xb9" \
	"\xc5\xba\xc5\xbb\xc5\xbc\xc5\xbd\xc5\xbe\xc5\xbf"
#define LATIN_EXT_A_ASCII "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii" \
	"ijijjjkkkllllllllllnnnnnnnnnoooooooeoerrrrrrssssssssttttttuuuuuuuuuuuu" \
	"wwyyyzzzzzzs"

/* make_catalogues - valid de/fr catalogues, one replaced by damage */
static void
make_catalogues(const char *which, int damage)
{
	/* sorted msgids as msgfmt writes them; a plural and a context entry */
	static const struct mo_str de1[] = {
		MO_STR(""), MO_STR("Content-Type: text/plain; charset=UTF-8\n"),
		MO_STR("Germany"), MO_STR("Tyskland"),
		MO_STR("France\0Frances"), MO_STR("Frankrig\0Frankrigs"),
		MO_STR("ctx\004Spain"), MO_STR("Hispania"),
		MO_STR("Italy"), MO_STR(LATIN1),
		MO_STR("Portugal"), MO_STR(LATIN_EXT_A),
	};
	static const struct mo_str de2[] = {
		MO_STR("Ontario"), MO_STR("Ontarjo")
	};
	const struct mo_str *pairs;
	static const char *const rels[] = {
		"loc/de/LC_MESSAGES/iso_3166-1.mo",
		"loc/de/LC_MESSAGES/iso_3166-2.mo",
		"loc/fr/LC_MESSAGES/iso_3166-1.mo",
		"loc/fr/LC_MESSAGES/iso_3166-2.mo",
	};
	uint32_t n;
	size_t i;

	for (i = 0; i < 4; i++) {
		switch (i) {
		case 0: pairs = de1; n = 6; break;
		case 1: pairs = de2; n = 1; break;
		default: pairs = mo_header; n = 1; break;
		}
		/* big-endian for de, little-endian for fr */
		make_mo(rels[i], i < 2, pairs, n,
			which && strcmp(which, rels[i]) == 0 ? damage : MO_OK);
	}
}

/* loc_dir - tmpdir/loc */
static const char *
loc_dir(void)
{
	static char dir[300];

	snprintf(dir, sizeof(dir), "%s/loc", tmpdir);
	return dir;
}

/* json_dir - tmpdir/json */
static const char *
json_dir(void)
{
	static char dir[300];

	snprintf(dir, sizeof(dir), "%s/json", tmpdir);
	return dir;
}

/* expect_fail - a load fails with rc, err naming file, nothing loaded */
static void
expect_fail(const char *jsondir, const char *locdir, int want_rc,
	    const char *want_file, const char *want_msg, unsigned want_line)
{
	struct lm_err err;
	char cc[3];
	int rc;

	lm_err_clear(&err);
	rc = norm_init_dirs(jsondir, locdir, &err);
	ck_assert_msg(rc == want_rc, "norm_init_dirs: got %d (%s: %s), want %d",
		      rc, err.file, err.msg, want_rc);
	ck_assert_msg(strstr(err.file, want_file) != NULL,
		      "err.file: got \"%s\", want it to contain \"%s\"",
		      err.file, want_file);
	ck_assert_msg(strstr(err.msg, want_msg) != NULL,
		      "err.msg: got \"%s\", want it to contain \"%s\"",
		      err.msg, want_msg);
	if (want_line)
		ck_assert_msg(err.line == want_line, "err.line: got %u, want %u",
			      err.line, want_line);
	ck_assert_msg(norm_country("Germany", 7, cc) == LM_ENOTFOUND,
		      "after a failed load: got %s, want nothing loaded", cc);
}

/* uninit - before norm_init() every lookup says not found */
START_TEST(test_uninit)
{
	char cc[3], cur[4];
	double amount;

	ck_assert_int_eq(norm_country("Germany", 7, cc), LM_ENOTFOUND);
	ck_assert_int_eq(norm_subdivision("ON", 2, cc), LM_ENOTFOUND);
	/* symbols need no data */
	ck_assert_int_eq(norm_money("$5", 2, &amount, cur), 0);
	ck_assert_str_eq(cur, "USD");
}
END_TEST

/* missing_dir - a missing JSON file is LM_EIO naming the file */
START_TEST(test_missing_dir)
{
	expect_fail("/nonexistent-iso-codes", ISO_CODES_LOCALEDIR, LM_EIO,
		    "/nonexistent-iso-codes/iso_3166-1.json", "cannot open", 0);
}
END_TEST

/* bad_json - a JSON syntax error gives file and line */
START_TEST(test_bad_json)
{
	static const char bad[] = "{\n  \"3166-1\": [\n    {\"alpha_2\": \"DE\",,\n";

	write_file("json/iso_3166-1.json", bad, sizeof(bad) - 1);
	expect_fail(json_dir(), ISO_CODES_LOCALEDIR, LM_ESYNTAX,
		    "json/iso_3166-1.json", "", 3);
}
END_TEST

/* bad_json_shape - valid JSON of the wrong shape is refused */
START_TEST(test_bad_json_shape)
{
	static const char noarr[] = "{\"3166-1\": {}}";
	static const char badcode[] = "{\"3166-1\": [{\"alpha_2\": \"d\","
				      " \"name\": \"X\"}]}";
	static const char empty[] = "";

	write_file("json/iso_3166-1.json", noarr, sizeof(noarr) - 1);
	expect_fail(json_dir(), ISO_CODES_LOCALEDIR, LM_ESYNTAX,
		    "iso_3166-1.json", "\"3166-1\"", 0);
	write_file("json/iso_3166-1.json", badcode, sizeof(badcode) - 1);
	expect_fail(json_dir(), ISO_CODES_LOCALEDIR, LM_ESYNTAX,
		    "iso_3166-1.json", "entry 1: alpha_2", 0);
	write_file("json/iso_3166-1.json", empty, 0);
	expect_fail(json_dir(), ISO_CODES_LOCALEDIR, LM_ESYNTAX,
		    "iso_3166-1.json", "", 0);
}
END_TEST

/* mo_ok - hand-made catalogues in both byte orders are read */
START_TEST(test_mo_ok)
{
	struct lm_err err;
	char cc[3];
	int rc;

	make_catalogues(NULL, MO_OK);
	lm_err_clear(&err);
	rc = norm_init_dirs(ISO_CODES_DIR, loc_dir(), &err);
	ck_assert_msg(rc == 0, "norm_init_dirs: got %d (%s: %s), want 0", rc,
		      err.file, err.msg);
	ck_assert_int_eq(norm_country("Tyskland", 8, cc), 0);
	ck_assert_str_eq(cc, "DE");
	ck_assert_int_eq(norm_country("Frankrig", 8, cc), 0);
	ck_assert_str_eq(cc, "FR");
	ck_assert_int_eq(norm_country("Hispania", 8, cc), 0);
	ck_assert_str_eq(cc, "ES");
	ck_assert_int_eq(norm_subdivision("Ontarjo", 7, cc), 0);
	ck_assert_str_eq(cc, "CA");
	/* the whole transliteration table, both ways round */
	ck_assert_int_eq(norm_country(LATIN1_ASCII, strlen(LATIN1_ASCII), cc), 0);
	ck_assert_str_eq(cc, "IT");
	ck_assert_int_eq(norm_country(LATIN1, strlen(LATIN1), cc), 0);
	ck_assert_str_eq(cc, "IT");
	ck_assert_int_eq(norm_country(LATIN_EXT_A_ASCII,
				      strlen(LATIN_EXT_A_ASCII), cc), 0);
	ck_assert_str_eq(cc, "PT");
	/* the real catalogues were not read */
	ck_assert_int_eq(norm_country("Deutschland", 11, cc), LM_ENOTFOUND);
	ck_assert_int_eq(norm_country("Germany", 7, cc), 0);
}
END_TEST

/* mo_damaged - every damaged catalogue is refused by name */
START_TEST(test_mo_damaged)
{
	static const struct {
		const char *rel;
		int damage;
		const char *msg;
	} cases[] = {
		{ "loc/de/LC_MESSAGES/iso_3166-1.mo", MO_MAGIC, "bad magic" },
		{ "loc/fr/LC_MESSAGES/iso_3166-1.mo", MO_MAGIC, "bad magic" },
		{ "loc/de/LC_MESSAGES/iso_3166-2.mo", MO_SHORT, "truncated" },
		{ "loc/de/LC_MESSAGES/iso_3166-1.mo", MO_STRING_PAST_END,
		  "past the end" },
		{ "loc/fr/LC_MESSAGES/iso_3166-2.mo", MO_TABLE_PAST_END,
		  "past the end" },
		{ "loc/fr/LC_MESSAGES/iso_3166-2.mo", MO_REVISION, "revision" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_catalogues(cases[i].rel, cases[i].damage);
		expect_fail(ISO_CODES_DIR, loc_dir(), LM_ESYNTAX, cases[i].rel,
			    cases[i].msg, 0);
	}
}
END_TEST

/* mo_missing - a missing catalogue is LM_EIO naming it */
START_TEST(test_mo_missing)
{
	char path[512];

	make_catalogues(NULL, MO_OK);
	snprintf(path, sizeof(path), "%s/loc/fr/LC_MESSAGES/iso_3166-2.mo",
		 tmpdir);
	ck_assert_int_eq(unlink(path), 0);
	expect_fail(ISO_CODES_DIR, loc_dir(), LM_EIO,
		    "fr/LC_MESSAGES/iso_3166-2.mo", "cannot open", 0);
}
END_TEST

/* data_setup - the real data, loaded once (idempotent) */
static void
data_setup(void)
{
	struct lm_err err;

	lm_err_clear(&err);
	if (norm_init(&err) != 0)
		ck_abort_msg("norm_init: %s: %s", err.file, err.msg);
}

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* suite_norm - the norm suite */
Suite *
suite_norm(void)
{
	Suite *s = suite_create("norm");
	TCase *tc;

	tc = tcase_create("lookup");
	tcase_add_checked_fixture(tc, data_setup, NULL);
	tcase_add_loop_test(tc, test_country, 0, NROWS(country_cases));
	tcase_add_loop_test(tc, test_subdivision, 0, NROWS(subdiv_cases));
	tcase_add_loop_test(tc, test_employees, 0, NROWS(emp_cases));
	tcase_add_loop_test(tc, test_money, 0, NROWS(money_cases));
	tcase_add_loop_test(tc, test_text, 0, NROWS(text_cases));
	tcase_add_test(tc, test_text_null);
	tcase_add_test(tc, test_text_long);
	tcase_add_test(tc, test_init_twice);
	suite_add_tcase(s, tc);

	tc = tcase_create("loader");
	tcase_add_unchecked_fixture(tc, loader_mkdir, loader_rmdir);
	tcase_add_checked_fixture(tc, loader_setup, loader_teardown);
	tcase_add_test(tc, test_uninit);
	tcase_add_test(tc, test_missing_dir);
	tcase_add_test(tc, test_bad_json);
	tcase_add_test(tc, test_bad_json_shape);
	tcase_add_test(tc, test_mo_ok);
	tcase_add_test(tc, test_mo_damaged);
	tcase_add_test(tc, test_mo_missing);
	suite_add_tcase(s, tc);
	return s;
}
