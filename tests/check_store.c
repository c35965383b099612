/*
 * check_store - the prospect store on real SQLite files, and feedback mail
 *
 * DESCRIPTION  A standalone Check runner (its own main()): every test gets
 *              a fresh directory under $TMPDIR with a real SQLite file.
 *              Covered: schema creation and migration from version 1,
 *              refusal of foreign and newer files, idempotency, progressive
 *              profiling (own and company-domain facts, aged facts),
 *              repeat/nurtured history, sales feedback, report and export
 *              contents, forget (also: the erased bytes are gone from the
 *              file) and retention, faults (read-only file, held write
 *              lock, exclusive lock, full disk via RLIMIT_FSIZE and via a
 *              small tmpfs when mountable), 16 writer threads, and the
 *              feedback mail parser.  store_bench prints inserts/s and the
 *              file size per 10,000 inquiries (STORE_BENCH_N inquiries,
 *              default 10000); timings are printed, never asserted.
 *              test_engine_history runs the real engine and rules over
 *              two corpus mails from one sender ($SHARED/corpus, skipped
 *              without it): repeat and hand-raiser come from the store.
 *              CK_FORK=no runs everything in one process (valgrind); fault
 *              tests fork children of their own either way.
 * SEE ALSO     store(3), feedback(3), tests/store.sh
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "engine.h"
#include "feedback.h"
#include "log.h"
#include "msg.h"
#include "store.h"
#include "verdict.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

#define T0	1700000000LL	/* 2023-11-14 22:13:20 UTC */
#define HOUR	3600LL
#define DAY	86400LL

/* The store must fit the engine's callback type exactly. */
static const engine_history_fn check_history_fn LM_UNUSED = store_history;

static char tmpdir[256];
static char dbpath[320];

/* ---- fixtures and helpers ---------------------------------------------- */

/* tmp_setup - a fresh directory and database path per test */
static void
tmp_setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/lmstore.XXXXXX", base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		abort();
	snprintf(dbpath, sizeof(dbpath), "%s/leads.db", tmpdir);
}

/* tmp_rmdir - remove a directory tree one level deep */
static void
tmp_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) != 0 && errno == EISDIR)
			tmp_rmdir(p);
	}
	closedir(d);
	rmdir(dir);
}

/* tmp_teardown - remove the test's directory */
static void
tmp_teardown(void)
{
	chmod(tmpdir, 0700);
	tmp_rmdir(tmpdir);
}

/* opts_init - options for dbpath with a short busy timeout */
static void
opts_init(struct store_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->path = dbpath;
	o->busy_timeout_ms = 2000;
}

/* open_ok - open a store or fail the test with the cause */
static struct store *
open_ok(const struct store_opts *o)
{
	struct store *s = NULL;
	struct lm_err err;
	int rc;

	lm_err_clear(&err);
	rc = store_open(o, &s, &err);
	ck_assert_msg(rc == 0, "store_open: got %d (%s), want 0", rc, err.msg);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* tv_make - a fake verdict; varargs are field name/value pairs, NULL-ended */
static void
tv_make(struct verdict *v, const char *email, const char *lead,
	const char *decision, int total, ...)
{
	static const char *const crit[] = { "need", "timeframe", "authority", "profile" };
	va_list ap;
	const char *name, *value;
	char rule[64];

	verdict_init(v);
	v->email = lm_xstrdup(email);
	v->lead_id = lm_xstrdup(lead);
	v->decision = lm_xstrdup(decision);
	v->message_id = lm_xstrdup(lead);
	v->subject = lm_xstrdup("Inquiry about managed IT");
	v->total = total;
	for (int i = 0; i < 4; i++) {
		v->crit[i].name = lm_xstrdup(crit[i]);
		v->crit[i].level = 1 + (total + i) % 3;
	}
	v->ncrit = 4;
	va_start(ap, total);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		snprintf(rule, sizeof(rule), "r-%s", name);
		verdict_set_field(v, name, value, "body", rule);
		verdict_add_hit(v, rule, "body", value, strlen(value), "set");
	}
	va_end(ap);
}

/* rec - record one inquiry and check it worked */
static void
rec(struct store *s, const char *email, const char *lead, const char *decision,
    long long when, ...)
{
	struct verdict v;
	va_list ap;
	const char *name, *value;
	int rc;

	tv_make(&v, email, lead, decision, 8, NULL);
	va_start(ap, when);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (strcmp(name, "tag") == 0) {
			verdict_add_tag(&v, value);
		} else {
			verdict_set_field(&v, name, value, "body", "r-field");
			verdict_add_hit(&v, name, "body", value, strlen(value), "set");
		}
	}
	va_end(ap);
	rc = store_record(s, &v, "sales-inquiry@example.org", when);
	ck_assert_msg(rc == 0, "store_record %s: got %d, want 0", lead, rc);
	verdict_free(&v);
}

/* hist - run the history callback for (email, lead) at time now */
static int
hist(struct store_query *q, struct store *s, const char *email,
     const char *lead, long long now, struct engine_history *h)
{
	struct verdict v;
	int rc;

	verdict_init(&v);
	v.email = lm_xstrdup(email);
	v.lead_id = lm_xstrdup(lead);
	store_query_init(q, s, now);
	rc = store_history(q, &v, h);
	verdict_free(&v);
	return rc;
}

/* hfact - the first (newest) history fact with this name, or NULL */
static const char *
hfact(const struct engine_history *h, const char *name)
{
	for (size_t i = 0; i < h->nfacts; i++)
		if (strcmp(h->facts[i].name, name) == 0)
			return h->facts[i].value;
	return NULL;
}

/* sql_int - one integer from the database, through a separate connection */
static long long
sql_int(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK
	    && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK
	    && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "sql_int(%s): %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* sql_exec - run SQL through a separate connection; 0 or -1 */
static int
sql_exec(const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc;

	if (sqlite3_open(dbpath, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fprintf(stderr, "sql_exec: %s\n", msg ? msg : "?");
	sqlite3_free(msg);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* file_has - does the file contain the bytes of s? */
static int
file_has(const char *path, const char *s)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t n = 0, cap = 0, r;
	int found = 0;

	if (fp == NULL)
		return 0;
	for (;;) {
		if (n + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			data = lm_xrealloc(data, cap);
		}
		if ((r = fread(data + n, 1, cap - n, fp)) == 0)
			break;
		n += r;
	}
	fclose(fp);
	found = memmem(data, n, s, strlen(s)) != NULL;
	free(data);
	return found;
}

/* now_s - wall clock seconds as a double, for the printed figures */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- schema: creation, migration, refusal --------------------------------- */

START_TEST(test_open_create)
{
	struct store_opts o;
	struct store *s;

	opts_init(&o);
	s = open_ok(&o);
	store_close(s);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	ck_assert_int_eq(sql_int("PRAGMA application_id"), 0x4c454144);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM sqlite_master WHERE name = 'feedback'"), 1);
	ck_assert_int_eq(sql_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	/* Opening again is a no-op migration. */
	s = open_ok(&o);
	store_close(s);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
}
END_TEST

START_TEST(test_open_refuse)
{
	struct store_opts o;
	struct store *s = NULL;
	struct lm_err err;
	FILE *fp;

	opts_init(&o);
	/* Not a database at all. */
	fp = fopen(dbpath, "w");
	fputs("this is not an SQLite file, but it is long enough to look like one."
	      "......................................................................",
	      fp);
	fclose(fp);
	ck_assert_int_eq(store_open(&o, &s, &err), LM_ESTORE);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err.msg, "not a database") != NULL, "got \"%s\"", err.msg);
	unlink(dbpath);

	/* Someone else's database. */
	ck_assert_int_eq(sql_exec("CREATE TABLE t (x)"), 0);
	ck_assert_int_eq(store_open(&o, &s, &err), LM_ESTORE);
	ck_assert_msg(strstr(err.msg, "not a leadmilter store") != NULL, "got \"%s\"", err.msg);
	unlink(dbpath);

	/* A newer leadmilter's file. */
	s = open_ok(&o);
	store_close(s);
	ck_assert_int_eq(sql_exec("PRAGMA user_version = 99"), 0);
	ck_assert_int_eq(store_open(&o, &s, &err), LM_ESTORE);
	ck_assert_msg(strstr(err.msg, "newer") != NULL, "got \"%s\"", err.msg);

	/* leadctl never creates a file. */
	snprintf(dbpath, sizeof(dbpath), "%s/missing.db", tmpdir);
	o.path = dbpath;
	o.no_create = 1;
	ck_assert_int_eq(store_open(&o, &s, &err), LM_ESTORE);
	ck_assert_int_eq(access(dbpath, F_OK), -1);
}
END_TEST

/* The schema as version 1 shipped it: frozen here, never edited. */
static const char schema_v1[] =
	"PRAGMA application_id = 1279607108;"
	"CREATE TABLE prospect (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
	" domain TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
	"CREATE INDEX prospect_domain ON prospect(domain);"
	"CREATE TABLE inquiry (id INTEGER PRIMARY KEY,"
	" lead_id TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" prospect_id INTEGER REFERENCES prospect(id) ON DELETE SET NULL,"
	" message_id TEXT NOT NULL, received INTEGER NOT NULL, rcpt TEXT NOT NULL,"
	" source TEXT NOT NULL, decision TEXT NOT NULL, disqualifier TEXT,"
	" total INTEGER NOT NULL, scores TEXT NOT NULL, subject TEXT);"
	"CREATE INDEX inquiry_prospect ON inquiry(prospect_id, received);"
	"CREATE INDEX inquiry_received ON inquiry(received);"
	"CREATE TABLE tag (inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,"
	" tag TEXT NOT NULL, PRIMARY KEY (inquiry_id, tag)) WITHOUT ROWID;"
	"CREATE TABLE fact (inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, origin TEXT NOT NULL,"
	" rule TEXT NOT NULL, PRIMARY KEY (inquiry_id, seq)) WITHOUT ROWID;"
	"PRAGMA journal_mode = WAL;"
	"PRAGMA user_version = 1;"
	"INSERT INTO prospect VALUES (1, 'old@acme.example', 'acme.example', 1700000000, 1700000000);"
	"INSERT INTO inquiry VALUES (1, 'L00000000000000aa', 1, 'old1@mx', 1700000000,"
	" 'sales-inquiry@example.org', 'web-form', 'nurture', NULL, 6, 'need=2', 'Hello');"
	"INSERT INTO tag VALUES (1, 'sweet-spot');"
	"INSERT INTO fact VALUES (1, 0, 'company', 'Acme Old GmbH', 'signature', 'sig-company');";

START_TEST(test_migrate_v1)
{
	struct store_opts o;
	struct store *s;
	struct store_query q;
	struct engine_history h;
	struct store_prospect p;

	ck_assert_int_eq(sql_exec(schema_v1), 0);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), 1);
	opts_init(&o);
	s = open_ok(&o);
	ck_assert_int_eq(sql_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	/* The old inquiry is history, and takes feedback. */
	ck_assert_int_eq(hist(&q, s, "Old@Acme.example", "L1111111111111111", T0 + DAY, &h), 0);
	ck_assert_int_eq(h.seen, 1);
	ck_assert_int_eq(h.nurtured, 1);
	ck_assert_str_eq(hfact(&h, "company"), "Acme Old GmbH");
	store_query_free(&q);
	ck_assert_int_eq(store_feedback(s, "L00000000000000AA", 1, "fine", "rep@example.org", T0 + DAY), 0);
	rec(s, "old@acme.example", "L1111111111111111", "sales", T0 + DAY, NULL);
	ck_assert_int_eq(store_prospect_get(s, "old@acme.example", &p), 0);
	ck_assert_uint_eq(p.ninq, 2);
	ck_assert_str_eq(p.inq[1].lead_id, "L00000000000000aa");
	ck_assert_int_eq(p.inq[1].feedback, 1);
	ck_assert_str_eq(p.inq[1].tags, "sweet-spot");
	store_prospect_free(&p);
	store_close(s);
}
END_TEST

/* ---- idempotency, profiling, history ------------------------------------- */

START_TEST(test_idempotent)
{
	struct store_opts o;
	struct store *s;
	struct store_query q;
	struct engine_history h;
	struct verdict v;

	opts_init(&o);
	s = open_ok(&o);
	tv_make(&v, "Ann@Acme.example", "L0123456789abcdef", "sales", 9,
		"company", "Acme", "title", "CTO", NULL);
	verdict_add_tag(&v, "rfp");
	ck_assert_int_eq(store_record(s, &v, "sales@example.org", T0), 0);
	/* An MTA retry, a second milter pass: the same lead id. */
	ck_assert_int_eq(store_record(s, &v, "sales@example.org", T0 + 60), 0);
	ck_assert_int_eq(store_record(s, &v, "sales@example.org", T0 + 600), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM fact"), 2);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tag"), 1);
	ck_assert_int_eq(sql_int("SELECT received FROM inquiry"), T0);

	/* Qualifying the retry again: the stored copy is no repeat. */
	ck_assert_int_eq(hist(&q, s, "ann@acme.example", "L0123456789abcdef", T0 + 60, &h), 0);
	ck_assert_int_eq(h.seen, 0);
	ck_assert_uint_eq(h.nfacts, 0);
	store_query_free(&q);
	/* A different message from her is one. */
	ck_assert_int_eq(hist(&q, s, "ann@acme.example", "L1111111111111111", T0 + 60, &h), 0);
	ck_assert_int_eq(h.seen, 1);
	ck_assert_int_eq(h.nurtured, 0);
	store_query_free(&q);
	verdict_free(&v);
	store_close(s);
}
END_TEST

START_TEST(test_profile)
{
	struct store_opts o;
	struct store *s;
	struct store_query q;
	struct engine_history h;
	struct verdict v;

	opts_init(&o);
	o.link_domain = 1;
	o.fact_max_age_s = 30 * DAY;
	s = open_ok(&o);
	rec(s, "ann@acme.example", "L0000000000000001", "nurture", T0,
	    "company", "Acme GmbH", "employees", "51-200", "title", "IT manager",
	    "timeframe", "next year", "phone", "+49 30 1234", NULL);
	rec(s, "ann@acme.example", "L0000000000000002", "nurture", T0 + 10 * DAY,
	    "title", "CIO", NULL);
	/* A colleague, and someone at a free-mail provider. */
	rec(s, "bob@acme.example", "L0000000000000003", "nurture", T0 + 11 * DAY,
	    "industry", "manufacturing", "title", "Office manager", NULL);
	rec(s, "carl@gmail.com", "L0000000000000004", "nurture", T0 + 12 * DAY,
	    "company", "Carl's Bakery", "employees", "5", NULL);

	/* Ann's third inquiry: the newer title beats the older one. */
	ck_assert_int_eq(hist(&q, s, "ann@acme.example", "L0000000000000005", T0 + 20 * DAY, &h), 0);
	ck_assert_int_eq(h.seen, 2);
	ck_assert_int_eq(h.nurtured, 1);
	ck_assert_str_eq(hfact(&h, "title"), "CIO");
	ck_assert_str_eq(hfact(&h, "company"), "Acme GmbH");
	ck_assert_str_eq(hfact(&h, "employees"), "51-200");
	ck_assert_str_eq(hfact(&h, "timeframe"), "next year");
	ck_assert_str_eq(hfact(&h, "industry"), "manufacturing");	/* from Bob */
	for (size_t i = 1; i < h.nfacts; i++)
		ck_assert_msg(h.facts[i - 1].when >= h.facts[i].when,
			      "facts not newest first at %zu", i);
	store_query_free(&q);

	/* 40 days on, the timeframe is too old to use; the company is not. */
	ck_assert_int_eq(hist(&q, s, "ann@acme.example", "L0000000000000005", T0 + 40 * DAY, &h), 0);
	ck_assert_ptr_null(hfact(&h, "timeframe"));
	ck_assert_str_eq(hfact(&h, "company"), "Acme GmbH");
	store_query_free(&q);

	/* A new colleague gets company facts, never Ann's person facts. */
	ck_assert_int_eq(hist(&q, s, "dora@ACME.example", "L0000000000000006", T0 + 20 * DAY, &h), 0);
	ck_assert_int_eq(h.seen, 0);
	ck_assert_str_eq(hfact(&h, "company"), "Acme GmbH");
	ck_assert_str_eq(hfact(&h, "employees"), "51-200");
	ck_assert_ptr_null(hfact(&h, "title"));
	ck_assert_ptr_null(hfact(&h, "phone"));
	ck_assert_ptr_null(hfact(&h, "timeframe"));
	store_query_free(&q);

	/* Gmail users are not colleagues. */
	ck_assert_int_eq(hist(&q, s, "dave@gmail.com", "L0000000000000007", T0 + 20 * DAY, &h), 0);
	ck_assert_uint_eq(h.nfacts, 0);
	store_query_free(&q);
	store_close(s);

	/* With linking off, a colleague gets nothing. */
	o.link_domain = 0;
	s = open_ok(&o);
	ck_assert_int_eq(hist(&q, s, "dora@acme.example", "L0000000000000006", T0 + 20 * DAY, &h), 0);
	ck_assert_uint_eq(h.nfacts, 0);
	store_query_free(&q);

	/* Facts that came from history are not stored again. */
	tv_make(&v, "erin@acme.example", "L0000000000000008", "nurture", 6,
		"title", "CFO", NULL);
	verdict_set_field(&v, "company", "Acme GmbH", "history", "");
	verdict_set_field(&v, "country", "DE", "default", "");
	ck_assert_int_eq(store_record(s, &v, NULL, T0 + 21 * DAY), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM fact f JOIN inquiry i ON i.id = f.inquiry_id"
				 " WHERE i.lead_id = 'L0000000000000008'"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry WHERE lead_id = 'L0000000000000008'"
				 " AND rcpt = '' AND source = ''"), 1);
	verdict_free(&v);
	store_close(s);
}
END_TEST

START_TEST(test_repeat_nurtured)
{
	struct store_opts o;
	struct store *s;
	struct store_query q;
	struct engine_history h;

	opts_init(&o);
	s = open_ok(&o);
	rec(s, "sam@sales.example", "L00000000000000b1", "sales", T0, NULL);
	rec(s, "nina@nurture.example", "L00000000000000c1", "nurture", T0, NULL);
	rec(s, "nina@nurture.example", "L00000000000000c2", "archive", T0 + DAY, NULL);

	ck_assert_int_eq(hist(&q, s, "sam@sales.example", "L00000000000000b2", T0 + 2 * DAY, &h), 0);
	ck_assert_int_eq(h.seen, 1);
	ck_assert_int_eq(h.nurtured, 0);
	store_query_free(&q);
	ck_assert_int_eq(hist(&q, s, "nina@nurture.example", "L00000000000000c3", T0 + 2 * DAY, &h), 0);
	ck_assert_int_eq(h.seen, 2);
	ck_assert_int_eq(h.nurtured, 1);
	store_query_free(&q);
	/* Re-qualifying the nurtured inquiry itself: not its own history. */
	ck_assert_int_eq(hist(&q, s, "nina@nurture.example", "L00000000000000c1", T0 + 2 * DAY, &h), 0);
	ck_assert_int_eq(h.seen, 1);
	ck_assert_int_eq(h.nurtured, 0);
	store_query_free(&q);
	/* Replaying an old message: later inquiries are not its history. */
	ck_assert_int_eq(hist(&q, s, "nina@nurture.example", "L00000000000000c9", T0 - DAY, &h), 0);
	ck_assert_int_eq(h.seen, 0);
	store_query_free(&q);
	/* Unknown and missing senders. */
	ck_assert_int_eq(hist(&q, s, "nobody@else.example", "L00000000000000d1", T0, &h), 0);
	ck_assert_int_eq(h.seen, 0);
	store_query_free(&q);
	ck_assert_int_eq(hist(&q, s, "", "L00000000000000d2", T0, &h), 0);
	ck_assert_int_eq(h.seen, 0);
	store_query_free(&q);
	store_close(s);
}
END_TEST

/* qualify_file - run the engine over a corpus file with the store's history */
static int
qualify_file(const struct ruleset *rs, struct engine_ctx *ctx, struct store *s,
	     const char *path, struct verdict *v)
{
	struct engine_input in;
	struct store_query q;
	struct lm_err err;
	struct buf data = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");
	int rc;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&data, chunk, n);
	fclose(fp);
	memset(&in, 0, sizeof(in));
	in.data = buf_str(&data);
	in.len = data.len;
	in.rcpt = "sales-inquiry@example.org";
	in.history = store_history;
	in.history_ctx = &q;
	store_query_init(&q, s, 0);
	verdict_init(v);
	lm_err_clear(&err);
	rc = engine_qualify(rs, ctx, &in, v, &err);
	store_query_free(&q);
	buf_free(&data);
	ck_assert_msg(rc == 0 || rc == LM_EMATCH, "%s: engine_qualify: %d %s", path, rc, err.msg);
	return store_record(s, v, in.rcpt, 0);
}

START_TEST(test_engine_history)
{
	const char *shared = getenv("SHARED");
	char dir[400], a02[500], a19[500];
	struct store_opts o;
	struct store *s;
	struct ruleset *rs = NULL;
	struct engine_ctx *ctx;
	struct lm_err err;
	struct verdict v;
	struct buf tags = BUF_INIT;

	snprintf(dir, sizeof(dir), "%s/corpus", shared && *shared ? shared : SRCDIR "/../shared");
	snprintf(a02, sizeof(a02), "%s/a02.eml", dir);
	snprintf(a19, sizeof(a19), "%s/a19.eml", dir);
	if (access(a02, R_OK) != 0 || access(a19, R_OK) != 0) {
		printf("store engine: skipped, no corpus in %s\n", dir);
		return;
	}
	lm_err_clear(&err);
	ck_assert_msg(rules_load(NULL, &rs, &err) == 0, "rules_load: %s", err.msg);
	ctx = engine_ctx_new();
	opts_init(&o);
	s = open_ok(&o);

	/* a02: a first, nurtured inquiry; a19: the same sender, ready now. */
	ck_assert_int_eq(qualify_file(rs, ctx, s, a02, &v), 0);
	ck_assert_msg(!verdict_has_tag(&v, "repeat"), "a02 is no repeat");
	ck_assert_str_eq(v.decision, "nurture");
	verdict_free(&v);
	/* The MTA retries a02: still no repeat, still one row. */
	ck_assert_int_eq(qualify_file(rs, ctx, s, a02, &v), 0);
	verdict_tags_join(&v, ",", &tags);
	ck_assert_msg(!verdict_has_tag(&v, "repeat"), "a02 retried: got tags %s, want no repeat",
		      buf_str(&tags));
	verdict_free(&v);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 1);

	ck_assert_int_eq(qualify_file(rs, ctx, s, a19, &v), 0);
	buf_reset(&tags);
	verdict_tags_join(&v, ",", &tags);
	ck_assert_msg(verdict_has_tag(&v, "repeat"), "a19: got tags %s, want repeat", buf_str(&tags));
	if (strcmp(v.decision, "sales") == 0)
		ck_assert_msg(verdict_has_tag(&v, "hand-raiser"),
			      "a19 (sales): got tags %s, want hand-raiser", buf_str(&tags));
	ck_assert_int_eq(v.history_used, 1);
	verdict_free(&v);
	/* A second pass over a19 gives the same tags: it is not its own history. */
	ck_assert_int_eq(qualify_file(rs, ctx, s, a19, &v), 0);
	ck_assert_msg(verdict_has_tag(&v, "repeat"), "a19 again: want repeat");
	verdict_free(&v);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 2);

	buf_free(&tags);
	store_close(s);
	engine_ctx_free(ctx);
	rules_unref(rs);
}
END_TEST

/* ---- feedback, report, export --------------------------------------------- */

START_TEST(test_feedback)
{
	struct store_opts o;
	struct store *s;
	struct store_prospect p;

	opts_init(&o);
	s = open_ok(&o);
	rec(s, "ann@acme.example", "L0123456789abcdef", "sales", T0, NULL);
	ck_assert_int_eq(store_feedback(s, "L0123456789abcdef", 1, "great fit", "rep@example.org", T0 + HOUR), 0);
	ck_assert_int_eq(store_prospect_get(s, "ann@acme.example", &p), 0);
	ck_assert_int_eq(p.inq[0].feedback, 1);
	ck_assert_str_eq(p.inq[0].reason, "great fit");
	ck_assert_str_eq(p.inq[0].feedback_by, "rep@example.org");
	store_prospect_free(&p);
	/* A later word wins, case of the id does not matter. */
	ck_assert_int_eq(store_feedback(s, "L0123456789ABCDEF", 0, NULL, "boss@example.org", T0 + 2 * HOUR), 0);
	ck_assert_int_eq(store_prospect_get(s, "ann@acme.example", &p), 0);
	ck_assert_int_eq(p.inq[0].feedback, 0);
	ck_assert_str_eq(p.inq[0].reason, "");
	ck_assert_int_eq(p.inq[0].feedback_at, T0 + 2 * HOUR);
	store_prospect_free(&p);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 1);
	ck_assert_int_eq(store_feedback(s, "L9999999999999999", 1, NULL, "x", T0), LM_ENOTFOUND);
	ck_assert_int_eq(store_feedback(s, "", 1, NULL, "x", T0), LM_ENOTFOUND);
	store_close(s);
}
END_TEST

/* rcount - one (key, decision) count of a report array, or -1 */
static long
rcount(const struct store_count *k, size_t n, const char *key, const char *decision,
       long *acc, long *rej)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(k[i].key, key) == 0 && strcmp(k[i].decision, decision) == 0) {
			if (acc)
				*acc = k[i].accepted;
			if (rej)
				*rej = k[i].rejected;
			return k[i].n;
		}
	return -1;
}

/* report_data - six inquiries from two sources, with feedback */
static void
report_data(struct store *s)
{
	rec(s, "a@one.example", "L00000000000000a1", "sales", T0, "source", "web-form",
	    "tag", "sweet-spot", "rule-rfp", "RFP", NULL);
	rec(s, "b@two.example", "L00000000000000a2", "sales", T0 + HOUR, "source", "web-form",
	    "rule-rfp", "RFP", NULL);
	rec(s, "c@three.example", "L00000000000000a3", "nurture", T0 + 2 * HOUR, "source", "web-form", NULL);
	rec(s, "d@four.example", "L00000000000000a4", "nurture", T0, "source", "webinar", NULL);
	rec(s, "d@four.example", "L00000000000000a5", "sales", T0 + 5 * DAY, "source", "webinar",
	    "tag", "hand-raiser", NULL);
	rec(s, "e@five.example", "L00000000000000a6", "archive", T0 + 5 * DAY, NULL);
	ck_assert_int_eq(store_feedback(s, "L00000000000000a1", 1, "Great fit ", "r", T0), 0);
	ck_assert_int_eq(store_feedback(s, "L00000000000000a2", 0, "student", "r", T0), 0);
	ck_assert_int_eq(store_feedback(s, "L00000000000000a5", 0, "Student", "r", T0), 0);
}

START_TEST(test_report)
{
	struct store_opts o;
	struct store *s;
	struct store_report r;
	long acc = -1, rej = -1;

	opts_init(&o);
	s = open_ok(&o);
	report_data(s);
	ck_assert_int_eq(store_report(s, 0, &r), 0);
	ck_assert_int_eq(r.inquiries, 6);
	ck_assert_int_eq(rcount(r.by_source, r.nsource, "web-form", "sales", &acc, &rej), 2);
	ck_assert_int_eq(acc, 1);
	ck_assert_int_eq(rej, 1);
	ck_assert_int_eq(rcount(r.by_source, r.nsource, "web-form", "nurture", NULL, NULL), 1);
	ck_assert_int_eq(rcount(r.by_source, r.nsource, "webinar", "sales", NULL, &rej), 1);
	ck_assert_int_eq(rej, 1);
	/* No source field: the inquiry address is the source. */
	ck_assert_int_eq(rcount(r.by_source, r.nsource, "sales-inquiry@example.org", "archive", NULL, NULL), 1);
	ck_assert_int_eq(rcount(r.by_rule, r.nrule, "rule-rfp", "sales", &acc, &rej), 2);
	ck_assert_int_eq(acc, 1);
	ck_assert_int_eq(rej, 1);
	ck_assert_int_eq(rcount(r.by_tag, r.ntag, "hand-raiser", "sales", NULL, NULL), 1);
	ck_assert_uint_eq(r.nreasons, 3);
	ck_assert_str_eq(r.reasons[0].reason, "student");	/* lower-cased, most frequent */
	ck_assert_int_eq(r.reasons[0].accepted, 0);
	ck_assert_int_eq(r.reasons[0].n, 1);
	ck_assert_int_eq(r.nurtured, 2);
	ck_assert_int_eq(r.hand_raisers, 1);
	store_report_free(&r);

	/* --since: only what came in since. */
	ck_assert_int_eq(store_report(s, T0 + DAY, &r), 0);
	ck_assert_int_eq(r.inquiries, 2);
	ck_assert_int_eq(rcount(r.by_source, r.nsource, "web-form", "sales", NULL, NULL), -1);
	ck_assert_int_eq(r.nurtured, 0);
	ck_assert_int_eq(r.hand_raisers, 0);
	store_report_free(&r);
	store_close(s);
}
END_TEST

/* export_cb - count prospects and remember the emails seen */
static int
export_cb(void *ctx, const struct store_prospect *p)
{
	struct buf *b = ctx;

	buf_printf(b, "%s:%zu:%s;", p->email, p->ninq, p->inq[0].decision);
	return 0;
}

START_TEST(test_export)
{
	struct store_opts o;
	struct store *s;
	struct buf b = BUF_INIT;

	opts_init(&o);
	s = open_ok(&o);
	report_data(s);
	ck_assert_int_eq(store_export(s, 0, NULL, export_cb, &b), 0);
	ck_assert_str_eq(buf_str(&b), "a@one.example:1:sales;b@two.example:1:sales;"
			 "c@three.example:1:nurture;d@four.example:2:sales;"
			 "e@five.example:1:archive;");
	buf_reset(&b);
	ck_assert_int_eq(store_export(s, T0 + DAY, "sales", export_cb, &b), 0);
	ck_assert_str_eq(buf_str(&b), "d@four.example:2:sales;");
	buf_free(&b);
	store_close(s);
}
END_TEST

/* ---- forget and retention ------------------------------------------------- */

START_TEST(test_forget)
{
	struct store_opts o;
	struct store *s;
	struct store_query q;
	struct engine_history h;
	struct store_prospect p;
	struct store_report r;
	char wal[400];

	opts_init(&o);
	s = open_ok(&o);
	rec(s, "zeb.quux@acme.example", "L00000000000000e1", "sales", T0,
	    "name", "Zebulon Quux", "email", "Zeb.Quux@acme.example", "phone", "+1 555 0199", NULL);
	rec(s, "zeb.quux@acme.example", "L00000000000000e2", "nurture", T0 + DAY, NULL);
	rec(s, "other@acme.example", "L00000000000000e3", "sales", T0 + DAY,
	    "name", "Olga Other", NULL);
	ck_assert_int_eq(store_feedback(s, "L00000000000000e1", 0, "Zebulon is a student", "r", T0), 0);

	ck_assert_int_eq(store_forget(s, "<Zeb.Quux@ACME.example>"), 0);
	ck_assert_int_eq(store_prospect_get(s, "zeb.quux@acme.example", &p), LM_ENOTFOUND);
	ck_assert_int_eq(hist(&q, s, "zeb.quux@acme.example", "L00000000000000e4", T0 + 2 * DAY, &h), 0);
	ck_assert_int_eq(h.seen, 0);
	ck_assert_uint_eq(h.nfacts, 0);
	store_query_free(&q);
	/* Feedback for an erased lead id finds nothing. */
	ck_assert_int_eq(store_feedback(s, "L00000000000000e1", 1, NULL, "r", T0), LM_ENOTFOUND);
	/* Counts survive, the person does not. */
	ck_assert_int_eq(store_report(s, 0, &r), 0);
	ck_assert_int_eq(r.inquiries, 3);
	ck_assert_int_eq(rcount(r.by_source, r.nsource, "sales-inquiry@example.org", "sales", NULL, NULL), 2);
	store_report_free(&r);
	ck_assert_int_eq(store_prospect_get(s, "other@acme.example", &p), 0);
	ck_assert_str_eq(p.inq[0].facts[0].value, "Olga Other");
	store_prospect_free(&p);
	ck_assert_int_eq(store_forget(s, "zeb.quux@acme.example"), LM_ENOTFOUND);
	ck_assert_int_eq(store_forget(s, "not an address"), LM_ENOTFOUND);
	store_close(s);

	/* Not in free pages, not in the WAL: the bytes are gone. */
	snprintf(wal, sizeof(wal), "%s-wal", dbpath);
	ck_assert_msg(!file_has(dbpath, "Zebulon"), "name still in %s", dbpath);
	ck_assert_msg(!file_has(dbpath, "zeb.quux@acme.example"), "address still in the file");
	ck_assert_msg(!file_has(dbpath, "555 0199"), "phone still in the file");
	ck_assert_msg(!file_has(dbpath, "L00000000000000e1"), "message id still in the file");
	ck_assert_msg(!file_has(wal, "Zebulon"), "name still in the WAL");
	ck_assert_msg(file_has(dbpath, "Olga Other"), "the check cannot fail: Olga should be there");
}
END_TEST

START_TEST(test_retention)
{
	struct store_opts o;
	struct store *s;
	struct store_query q;
	struct engine_history h;
	struct store_prospect p;

	opts_init(&o);
	o.retention_s = 30 * DAY;
	s = open_ok(&o);
	rec(s, "old@acme.example", "L00000000000000f1", "nurture", T0, "title", "CEO", NULL);
	rec(s, "both@acme.example", "L00000000000000f2", "nurture", T0, "title", "CTO", NULL);
	ck_assert_int_eq(store_feedback(s, "L00000000000000f2", 0, "not now", "r", T0), 0);
	rec(s, "both@acme.example", "L00000000000000f3", "sales", T0 + 35 * DAY, "phone", "12345", NULL);
	/* Recording at T0 + 35 days ran the automatic purge (T0 is past
	 * 30 days); this one, 5 days later, runs it again. */
	rec(s, "new@acme.example", "L00000000000000f4", "sales", T0 + 40 * DAY, NULL);

	ck_assert_int_eq(store_prospect_get(s, "old@acme.example", &p), LM_ENOTFOUND);
	ck_assert_int_eq(store_prospect_get(s, "both@acme.example", &p), 0);
	ck_assert_uint_eq(p.ninq, 1);
	ck_assert_str_eq(p.inq[0].lead_id, "L00000000000000f3");
	store_prospect_free(&p);
	ck_assert_int_eq(hist(&q, s, "both@acme.example", "L00000000000000f5", T0 + 41 * DAY, &h), 0);
	ck_assert_int_eq(h.seen, 1);
	ck_assert_int_eq(h.nurtured, 0);
	ck_assert_ptr_null(hfact(&h, "title"));
	ck_assert_str_eq(hfact(&h, "phone"), "12345");
	store_query_free(&q);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 4);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry WHERE prospect_id IS NULL"), 2);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback WHERE reason IS NOT NULL"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM fact WHERE value IN ('CEO', 'CTO')"), 0);
	/* Purging again finds nothing more; a later purge takes the rest. */
	ck_assert_int_eq(store_purge(s, T0 + 41 * DAY), 0);
	ck_assert_int_eq(store_purge(s, T0 + 80 * DAY), 2);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM prospect"), 0);
	store_close(s);
}
END_TEST

/* ---- faults ----------------------------------------------------------------- */

#define CHILD_CHECK(cond, code) do { if (!(cond)) { \
	fprintf(stderr, "child: line %d: %s failed\n", __LINE__, #cond); \
	_exit(code); } } while (0)

/* child_wait - the exit status of a forked child, 100+signal if killed */
static int
child_wait(pid_t pid)
{
	int st = 0;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		return 100 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

/* fault_all - every store operation fails cleanly; history may work */
static int
fault_all(struct store *s, int history_ok)
{
	struct store_query q;
	struct engine_history h;
	struct verdict v;
	int rc, fails = 0;

	tv_make(&v, "ann@acme.example", "L0000000000000f00", "sales", 9, "title", "CTO", NULL);
	rc = store_record(s, &v, "x@example.org", T0 + DAY);
	fails += rc == LM_ESTORE;
	rc = store_record(s, &v, "x@example.org", T0 + DAY);
	fails += rc == LM_ESTORE;
	rc = store_feedback(s, "L0000000000000001", 1, NULL, "r", T0 + DAY);
	fails += rc == LM_ESTORE;
	rc = store_forget(s, "ann@acme.example");
	fails += rc == LM_ESTORE;
	rc = store_purge(s, T0 + 400 * DAY);
	fails += rc == LM_ESTORE;
	store_query_init(&q, s, T0 + DAY);
	rc = store_history(&q, &v, &h);
	if (history_ok)
		fails += rc == 0 && h.seen == 1 && h.nfacts == 1;
	else
		fails += rc == LM_ESTORE && h.nfacts == 0 && h.facts == NULL;
	store_query_free(&q);
	verdict_free(&v);
	return fails;
}

/* fault_seed - a store with one inquiry from ann, closed again */
static void
fault_seed(void)
{
	struct store_opts o;
	struct store *s;

	opts_init(&o);
	s = open_ok(&o);
	rec(s, "ann@acme.example", "L0000000000000001", "nurture", T0, "company", "Acme", NULL);
	store_close(s);
}

START_TEST(test_fault_readonly)
{
	pid_t pid;

	fault_seed();
	ck_assert_int_eq(chmod(dbpath, 0444), 0);
	ck_assert_int_eq(chmod(tmpdir, 0777), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		struct store_opts o;
		struct store *s = NULL;
		struct store_stats st;

		/* root writes anyway: become nobody to feel the mode bits */
		if (geteuid() == 0)
			CHILD_CHECK(setgid(65534) == 0 && setuid(65534) == 0, 2);
		opts_init(&o);
		o.busy_timeout_ms = 100;
		o.retention_s = DAY;
		o.lazy = 1;
		CHILD_CHECK(store_open(&o, &s, NULL) == 0 && s != NULL, 3);
		CHILD_CHECK(fault_all(s, 1) == 6, 4);
		store_stats_get(s, &st);
		CHILD_CHECK(st.failures >= 5, 5);
		CHILD_CHECK(st.logged == 1, 6);		/* once per minute */
		store_close(s);
		_exit(0);
	}
	ck_assert_int_eq(child_wait(pid), 0);
	/* The file is untouched. */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 1);
}
END_TEST

START_TEST(test_fault_locked)
{
	struct store_opts o;
	struct store *s = NULL;
	struct store_stats st;
	sqlite3 *holder = NULL;
	double t;

	fault_seed();
	opts_init(&o);
	o.busy_timeout_ms = 150;
	o.retention_s = DAY;
	s = open_ok(&o);

	/* Another writer holds the write lock: writes time out, reads go on. */
	ck_assert_int_eq(sqlite3_open(dbpath, &holder), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(holder, "BEGIN IMMEDIATE;"
				      "INSERT INTO rule (name) VALUES ('held')", NULL, NULL, NULL), SQLITE_OK);
	t = now_s();
	ck_assert_int_eq(fault_all(s, 1), 6);
	printf("store locked: 5 writes failed in %.2f s with a %d ms busy timeout\n",
	       now_s() - t, o.busy_timeout_ms);
	store_stats_get(s, &st);
	ck_assert_int_eq(st.logged, 1);
	ck_assert_int_eq(sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(holder);
	/* The lock is gone: it works again. */
	rec(s, "ann@acme.example", "L0000000000000002", "sales", T0 + DAY, NULL);
	store_close(s);

	/* An exclusive lock (another process in locking_mode=EXCLUSIVE):
	 * even opening fails; lazy open comes up and every call fails. */
	ck_assert_int_eq(sqlite3_open(dbpath, &holder), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(holder, "PRAGMA locking_mode = EXCLUSIVE;"
				      "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL), SQLITE_OK);
	o.lazy = 1;
	s = NULL;
	ck_assert_int_eq(store_open(&o, &s, NULL), 0);
	ck_assert_int_eq(fault_all(s, 0), 6);
	sqlite3_close(holder);
	rec(s, "ann@acme.example", "L0000000000000003", "sales", T0 + DAY, NULL);
	store_close(s);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 3);
}
END_TEST

START_TEST(test_fault_missing)
{
	struct store_opts o;
	struct store *s = NULL;
	char dir[300];

	/* The directory does not exist yet (a typo, a missing mount). */
	snprintf(dir, sizeof(dir), "%s/later", tmpdir);
	snprintf(dbpath, sizeof(dbpath), "%s/leads.db", dir);
	opts_init(&o);
	o.lazy = 1;
	o.retention_s = DAY;
	ck_assert_int_eq(store_open(&o, &s, NULL), 0);
	ck_assert_int_eq(fault_all(s, 0), 6);
	/* Once it appears the store heals without a restart. */
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	rec(s, "ann@acme.example", "L0000000000000002", "sales", T0, NULL);
	store_close(s);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 1);
	unlink(dbpath);
	rmdir(dir);
}
END_TEST

/* full_fill - record big inquiries until one fails; successes or -1 */
static int
full_fill(struct store *s, int *last_rc)
{
	char big[901], lead[32];
	int i;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 5000; i++) {
		struct verdict v;

		snprintf(lead, sizeof(lead), "L%016x", 0x100000 + i);
		tv_make(&v, "fill@acme.example", lead, "nurture", 5,
			"a", big, "b", big, "c", big, "d", big, "e", big,
			"f", big, "g", big, "h", big, NULL);
		*last_rc = store_record(s, &v, "x@example.org", T0 + i);
		verdict_free(&v);
		if (*last_rc != 0)
			return i;
	}
	return -1;
}

/* full_check - after the disk filled: clean failure, reads work, and
 * exactly the committed inquiries are there (before: rows already in) */
static void
full_check(struct store *s, int ok, int last_rc, int before, int before_facts)
{
	struct store_query q;
	struct engine_history h;
	int rc;

	CHILD_CHECK(ok > 0, 10);
	CHILD_CHECK(last_rc == LM_ESTORE, 11);
	rc = hist(&q, s, "fill@acme.example", "L0000000000000000", T0 + 10000, &h);
	CHILD_CHECK(rc == 0, 12);
	CHILD_CHECK(h.seen == ok, 13);
	store_query_free(&q);
	/* No half-written inquiry: all of its rows or none. */
	CHILD_CHECK(sql_int("SELECT count(*) FROM inquiry") == before + ok, 14);
	CHILD_CHECK(sql_int("SELECT count(*) FROM fact") == before_facts + 8 * ok, 15);
}

START_TEST(test_fault_full_rlimit)
{
	pid_t pid;

	fault_seed();
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		struct store_opts o;
		struct store *s = NULL;
		struct rlimit rl;
		struct stat sb;
		int ok, last_rc = 0;
		off_t biggest;

		signal(SIGXFSZ, SIG_IGN);
		opts_init(&o);
		s = open_ok(&o);
		rec(s, "warm@acme.example", "L0000000000000002", "sales", T0, NULL);
		/* Every file may grow by 256 KiB more; then write() fails EFBIG. */
		biggest = stat(dbpath, &sb) == 0 ? sb.st_size : 0;
		CHILD_CHECK(getrlimit(RLIMIT_FSIZE, &rl) == 0, 2);
		{
			char wal[400];

			snprintf(wal, sizeof(wal), "%s-wal", dbpath);
			if (stat(wal, &sb) == 0 && sb.st_size > biggest)
				biggest = sb.st_size;
		}
		rl.rlim_cur = (rlim_t)biggest + 256 * 1024;
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0, 3);
		ok = full_fill(s, &last_rc);
		printf("store full (RLIMIT_FSIZE): %d inquiries stored, then rc %d\n", ok, last_rc);
		rl.rlim_cur = rl.rlim_max;
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0, 4);
		full_check(s, ok, last_rc, 2, 1);
		/* Space again: the store works without a restart. */
		rec(s, "fill@acme.example", "L00000000000fffff", "nurture", T0 + 9999, NULL);
		store_close(s);
		_exit(0);
	}
	ck_assert_int_eq(child_wait(pid), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry WHERE lead_id = 'L00000000000fffff'"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}
END_TEST

START_TEST(test_fault_full_tmpfs)
{
	pid_t pid;
	int st;

	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		struct store_opts o;
		struct store *s;
		int ok, last_rc = 0;

		/* A private mount namespace: the tmpfs vanishes with us. */
		if (unshare(CLONE_NEWNS) != 0
		    || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0
		    || mount("tmpfs", tmpdir, "tmpfs", 0, "size=256k,mode=0700") != 0) {
			printf("store full (tmpfs): skipped, cannot mount: %s\n", strerror(errno));
			_exit(77);
		}
		opts_init(&o);
		s = open_ok(&o);
		rec(s, "warm@acme.example", "L0000000000000001", "sales", T0, NULL);
		ok = full_fill(s, &last_rc);
		printf("store full (tmpfs 256k): %d inquiries stored, then rc %d\n", ok, last_rc);
		full_check(s, ok, last_rc, 1, 0);
		store_close(s);
		_exit(0);
	}
	st = child_wait(pid);
	ck_assert_msg(st == 0 || st == 77, "child failed with %d", st);
}
END_TEST

/* ---- concurrency and figures -------------------------------------------------- */

#define THREADS		16
#define PER_THREAD	250

struct thr {
	struct store *s;
	int id;
	int async;		/* store_record_async, not store_record */
	int failures;
};

/* thr_main - one milter thread: history, then record (or queue),
 * PER_THREAD times */
static void *
thr_main(void *arg)
{
	struct thr *t = arg;
	char email[64], lead[32];

	for (int i = 0; i < PER_THREAD; i++) {
		struct verdict v;
		struct store_query q;
		struct engine_history h;

		snprintf(email, sizeof(email), "p%d@corp%d.example", (t->id * 7 + i) % 50, i % 10);
		snprintf(lead, sizeof(lead), "L%08x%08x", t->id, i);
		tv_make(&v, email, lead, i % 3 ? "nurture" : "sales", 8,
			"company", "Corp", "title", "CTO", "employees", "120", NULL);
		verdict_add_tag(&v, "sweet-spot");
		store_query_init(&q, t->s, T0 + i);
		if (store_history(&q, &v, &h) != 0)
			t->failures++;
		if (!t->async && store_record(t->s, &v, "x@example.org", T0 + i) != 0)
			t->failures++;
		if (t->async && store_record_async(t->s, &v, "x@example.org", T0 + i) != 0)
			t->failures++;
		/* a queued verdict was taken: nothing left to free */
		if (t->async && (v.lead_id != NULL || v.nfields != 0))
			t->failures++;
		store_query_free(&q);
		verdict_free(&v);
	}
	return NULL;
}

START_TEST(test_threads)
{
	struct store_opts o;
	struct store *s;
	pthread_t tid[THREADS];
	struct thr t[THREADS];
	double t0;

	opts_init(&o);
	o.busy_timeout_ms = 30000;
	o.link_domain = 1;
	s = open_ok(&o);
	t0 = now_s();
	for (int i = 0; i < THREADS; i++) {
		t[i].s = s;
		t[i].id = i;
		t[i].failures = 0;
		t[i].async = 0;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, thr_main, &t[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		ck_assert_msg(t[i].failures == 0, "thread %d: %d failures", i, t[i].failures);
	}
	printf("store threads: %d threads x %d (history + record) in %.2f s: %.0f inquiries/s\n",
	       THREADS, PER_THREAD, now_s() - t0, THREADS * PER_THREAD / (now_s() - t0));
	store_close(s);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), THREADS * PER_THREAD);
	ck_assert_int_eq(sql_int("SELECT count(DISTINCT lead_id) FROM inquiry"), THREADS * PER_THREAD);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM fact"), 3 * THREADS * PER_THREAD);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tag"), THREADS * PER_THREAD);
}
END_TEST

/* release_later - end the transaction of a connection after 300 ms */
static void *
release_later(void *arg)
{
	sqlite3 *holder = arg;

	usleep(300000);
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
	return NULL;
}

/* The writer thread: what threads queue is all recorded, once per lead
 * id, in batches; feedback finds a lead that was just queued; close
 * writes what is left. */
START_TEST(test_async)
{
	struct store_opts o;
	struct store *s;
	pthread_t tid[THREADS];
	struct thr t[THREADS];
	struct verdict v;
	double t0;

	opts_init(&o);
	o.busy_timeout_ms = 30000;
	o.link_domain = 1;
	o.async = 1;
	s = open_ok(&o);
	t0 = now_s();
	for (int i = 0; i < THREADS; i++) {
		t[i].s = s;
		t[i].id = i;
		t[i].failures = 0;
		t[i].async = 1;
		ck_assert_int_eq(pthread_create(&tid[i], NULL, thr_main, &t[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		ck_assert_msg(t[i].failures == 0, "thread %d: %d failures", i, t[i].failures);
	}
	store_flush(s);
	printf("store async: %d threads x %d (history + queue) written in %.2f s: %.0f inquiries/s\n",
	       THREADS, PER_THREAD, now_s() - t0, THREADS * PER_THREAD / (now_s() - t0));
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), THREADS * PER_THREAD);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM fact"), 3 * THREADS * PER_THREAD);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM tag"), THREADS * PER_THREAD);

	/* queued, then history at once: the prospect's own inquiry and a
	 * colleague's are waited for (o.link_domain), as after a commit */
	{
		struct store_query q;
		struct engine_history h;
		sqlite3 *holder = NULL;
		pthread_t rel;

		/* another process holds the write lock for 300 ms: the writer
		 * cannot have written when history asks */
		ck_assert_int_eq(sqlite3_open(dbpath, &holder), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
		tv_make(&v, "first@newco.example", "L0000000000newc1", "nurture", 6,
			"company", "NewCo", NULL);
		ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0), 0);
		tv_make(&v, "other@newco.example", "L0000000000newc2", "nurture", 6,
			"employees", "51-200", NULL);
		ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0), 0);
		ck_assert_int_eq(pthread_create(&rel, NULL, release_later, holder), 0);
		ck_assert_int_eq(hist(&q, s, "first@newco.example", "L0000000000newc3",
				      T0 + 60, &h), 0);
		pthread_join(rel, NULL);
		ck_assert_int_eq(h.seen, 1);
		ck_assert(h.nurtured);
		ck_assert_str_eq(hfact(&h, "company"), "NewCo");
		ck_assert_str_eq(hfact(&h, "employees"), "51-200");
		store_query_free(&q);
	}

	/* queued, then feedback at once: store_feedback waits for the queue */
	tv_make(&v, "fb@acme.example", "L00000000feedbac", "sales", 9, NULL);
	ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0), 0);
	ck_assert_int_eq(store_feedback(s, "L00000000feedbac", 1, "fit", "rep", T0 + 60), 0);
	/* a retry of a queued lead is recorded once */
	for (int i = 0; i < 3; i++) {
		tv_make(&v, "re@acme.example", "L000000000retry0", "sales", 9, NULL);
		ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0 + i), 0);
	}
	/* no lead id: refused at once, as store_record does */
	tv_make(&v, "no@acme.example", "", "sales", 9, NULL);
	ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0), LM_ESTORE);
	verdict_free(&v);
	store_close(s);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), THREADS * PER_THREAD + 4);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry WHERE lead_id = 'L000000000retry0'"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM feedback"), 1);
}
END_TEST

/* Without the writer thread (opts.async unset), store_record_async
 * records in the caller; the writer's failures are counted and logged
 * as the caller's are, and it goes on once the store works again. */
START_TEST(test_async_fault)
{
	struct store_opts o;
	struct store *s;
	struct store_stats st;
	struct verdict v;
	sqlite3 *holder = NULL;
	char lead[32];

	opts_init(&o);
	s = open_ok(&o);
	tv_make(&v, "ann@acme.example", "L0000000000000001", "sales", 9, NULL);
	ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0), 0);
	ck_assert_ptr_null(v.lead_id);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry"), 1);
	store_close(s);

	o.async = 1;
	o.busy_timeout_ms = 100;
	s = open_ok(&o);
	ck_assert_int_eq(sqlite3_open(dbpath, &holder), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(holder, "BEGIN IMMEDIATE;"
				      "INSERT INTO rule (name) VALUES ('held')", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < 5; i++) {
		snprintf(lead, sizeof(lead), "L10000000000000%d", i);
		tv_make(&v, "bob@acme.example", lead, "sales", 9, NULL);
		/* queued: the caller does not wait for the lock */
		ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0 + i), 0);
	}
	store_flush(s);
	store_stats_get(s, &st);
	ck_assert_uint_ge(st.failures, 1);
	ck_assert_int_eq(sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(holder);
	for (int i = 0; i < 5; i++) {
		snprintf(lead, sizeof(lead), "L20000000000000%d", i);
		tv_make(&v, "bob@acme.example", lead, "sales", 9, NULL);
		ck_assert_int_eq(store_record_async(s, &v, "x@example.org", T0 + i), 0);
	}
	store_close(s);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry WHERE lead_id LIKE 'L1%'"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM inquiry WHERE lead_id LIKE 'L2%'"), 5);
}
END_TEST

START_TEST(test_bench)
{
	static const char *const sources[] = { "web-form", "webinar", "whitepaper", "trade-show" };
	static const char *const decisions[] = { "sales", "nurture", "nurture", "archive" };
	struct store_opts o;
	struct store *s;
	const char *env = getenv("STORE_BENCH_N");
	int n = env ? atoi(env) : 10000;
	char email[64], lead[32], company[64], rule[32];
	double t0, dt_rec, dt_hist;
	long long pages, psize;
	struct stat sb;

	if (n <= 0)
		n = 10000;
	opts_init(&o);
	o.link_domain = 1;
	s = open_ok(&o);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct verdict v;

		snprintf(email, sizeof(email), "person%d@company%d.example", i % (n / 3 + 1), i % 1000);
		snprintf(lead, sizeof(lead), "L%016x", i);
		snprintf(company, sizeof(company), "Company %d GmbH", i % 1000);
		tv_make(&v, email, lead, decisions[i % 4], 4 + i % 9,
			"name", "Firstname Lastname", "email", email, "company", company,
			"title", "Head of IT", "phone", "+49 30 1234567",
			"country", "DE", "employees", "51-200", "industry", "manufacturing",
			"timeframe", "this quarter", "product", "managed IT",
			"source", sources[i % 4], NULL);
		free(v.message_id);
		v.message_id = lm_xstrdup("20231114.abcdef.123456@mail.company.example");
		for (int k = 0; k < 5; k++) {
			snprintf(rule, sizeof(rule), "need-rule-%d", (i + k) % 40);
			verdict_add_hit(&v, rule, "body", "text", 4, "need 1->3");
		}
		verdict_add_tag(&v, "sweet-spot");
		if (i % 5 == 0)
			verdict_add_tag(&v, "rfp");
		ck_assert_int_eq(store_record(s, &v, "sales@example.org", T0 + i * 60LL), 0);
		verdict_free(&v);
	}
	dt_rec = now_s() - t0;
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct store_query q;
		struct engine_history h;

		snprintf(email, sizeof(email), "person%d@company%d.example", i % (n / 3 + 1), i % 1000);
		ck_assert_int_eq(hist(&q, s, email, "L0000000000000000", T0 + n * 60LL, &h), 0);
		store_query_free(&q);
	}
	dt_hist = now_s() - t0;
	store_close(s);		/* the last close checkpoints and removes the WAL */
	pages = sql_int("PRAGMA page_count");
	psize = sql_int("PRAGMA page_size");
	ck_assert_int_eq(stat(dbpath, &sb), 0);
	printf("store bench: %d inquiries (12 facts, 11 rule hits, 1-2 tags each), one thread,"
	       " SQLite %s, WAL, synchronous=NORMAL\n", n, sqlite3_libversion());
	printf("store bench: record %.0f inserts/s (%.1f us each); history %.0f lookups/s\n",
	       n / dt_rec, dt_rec * 1e6 / n, n / dt_hist);
	printf("store bench: file %lld bytes (%lld pages of %lld) = %.0f bytes per inquiry"
	       " = %.2f MiB per 10,000 inquiries\n", (long long)sb.st_size, pages, psize,
	       (double)sb.st_size / n, (double)sb.st_size / n * 10000 / 1048576.0);
}
END_TEST

/* ---- small helpers -------------------------------------------------------------- */

START_TEST(test_email_norm)
{
	static const struct { const char *in, *want; } tab[] = {
		{ "Ann@Acme.Example", "ann@acme.example" },
		{ " <ann@acme.example> ", "ann@acme.example" },
		{ "ann@acme.example.", "ann@acme.example" },
		{ "ann+lead@acme.example", "ann+lead@acme.example" },
		{ "", NULL }, { "ann", NULL }, { "@acme.example", NULL },
		{ "ann@", NULL }, { "a@b@c", NULL }, { "ann smith@acme.example", NULL },
		{ "a,b@c.example", NULL },
	};
	char out[400];

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		const char *got = store_email_norm(tab[i].in, out, sizeof(out));

		if (tab[i].want == NULL)
			ck_assert_msg(got == NULL, "norm(\"%s\"): got \"%s\", want NULL", tab[i].in, got);
		else
			ck_assert_msg(got != NULL && strcmp(got, tab[i].want) == 0,
				      "norm(\"%s\"): got \"%s\", want \"%s\"", tab[i].in,
				      got ? got : "(null)", tab[i].want);
	}
}
END_TEST

START_TEST(test_freemail)
{
	static const struct { const char *d; int want; } tab[] = {
		{ "gmail.com", 1 }, { "gmx.de", 1 }, { "gmx.net", 1 }, { "outlook.com", 1 },
		{ "yahoo.co.uk", 1 }, { "yahoo.com", 1 }, { "hotmail.fr", 1 }, { "web.de", 1 },
		{ "acme.example", 0 }, { "gmail.com.evil.example", 0 }, { "yahoo.acme.example", 0 },
		{ "live.nation-events.com", 0 }, { "mygmail.com", 0 }, { "", 1 },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		ck_assert_msg(store_freemail(tab[i].d) == tab[i].want,
			      "freemail(\"%s\"): got %d, want %d", tab[i].d,
			      store_freemail(tab[i].d), tab[i].want);
}
END_TEST

/* ---- feedback mail ---------------------------------------------------------------- */

static const struct fb_case {
	const char *name;
	const char *mail;
	int rc;
	const char *lead_id;
	int accepted;
	const char *reason;	/* NULL: none */
} fb_cases[] = {
	{ "header, reply text",
	  "From: rep@example.org\nTo: feedback@example.org\nSubject: Re: Inquiry\n"
	  "X-Lead-Id: L0123456789abcdef\n\n"
	  "Accepted - great fit, calling them today\n\nOn Mon, 13 Nov 2023, Ann wrote:\n> we need help\n",
	  0, "L0123456789abcdef", 1, "great fit, calling them today" },
	{ "inline forward with headers",
	  "From: rep@example.org\nSubject: Fwd: Inquiry\n\n"
	  "Rejected: student project\n\n-----Original Message-----\nFrom: ann@acme.example\n"
	  "X-Lead-Id: L00112233445566ff\nSubject: Inquiry\n\nhello\n",
	  0, "L00112233445566ff", 0, "student project" },
	{ "quoted header, greeting first",
	  "From: rep@example.org\nSubject: Re: Inquiry\n\nHi team,\nno - competitor fishing\n\n"
	  "> X-Lead-Id: LAABBCCDDEEFF0011\n> hello\n",
	  0, "LAABBCCDDEEFF0011", 0, "competitor fishing" },
	{ "subject id, keyword in body",
	  "From: rep@example.org\nSubject: Re: [Lead L1234567890abcdef] Inquiry from Acme\n\n"
	  "Good lead! They need SOC 2 by March.\n",
	  0, "L1234567890abcdef", 1, "They need SOC 2 by March." },
	{ "keyword in subject, reason in body",
	  "From: rep@example.org\nSubject: Rejected\n\nthey are students\n\n"
	  "On Tue, Nov 14, 2023 at 10:00 AM Ann <ann@acme.example> wrote:\n"
	  "> Lead L0000000000000abc\n",
	  0, "L0000000000000abc", 0, "they are students" },
	{ "keyword and reason in subject",
	  "From: rep@example.org\nSubject: AW: reject: out of territory - Re: Inquiry\n\n"
	  "-----Original Message-----\nX-Lead-Id: L0000000000000abd\n",
	  0, "L0000000000000abd", 0, "out of territory" },
	{ "forward as attachment",
	  "From: rep@example.org\nSubject: Fwd: Inquiry\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
	  "Content-Type: text/plain; charset=utf-8\n\nyes\n--b1\n"
	  "Content-Type: message/rfc822\n\nFrom: ann@acme.example\nSubject: Inquiry\n"
	  "X-Lead-Id: L0000000000000abe\n\nWe need a new firewall.\n--b1--\n",
	  0, "L0000000000000abe", 1, NULL },
	{ "HTML only",
	  "From: rep@example.org\nSubject: Re: Inquiry\nMIME-Version: 1.0\n"
	  "Content-Type: text/html; charset=utf-8\n\n"
	  "<html><body><p>Bad lead &ndash; wrong country</p>"
	  "<blockquote>X-Lead-Id: L0000000000000abf<br>hello</blockquote></body></html>\n",
	  0, "L0000000000000abf", 0, "wrong country" },
	{ "quoted-printable, en dash",
	  "From: rep@example.org\nSubject: Re: Inquiry L0000000000000ac0\nMIME-Version: 1.0\n"
	  "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
	  "ACCEPTED =E2=80=93 budget confirmed\n",
	  0, "L0000000000000ac0", 1, "budget confirmed" },
	{ "no decision",
	  "From: rep@example.org\nSubject: Re: Inquiry\nX-Lead-Id: L0000000000000ac1\n\n"
	  "Thanks, will call them.\nNobody else should.\n",
	  LM_ENOTFOUND, "L0000000000000ac1", 0, NULL },
	{ "no lead id",
	  "From: rep@example.org\nSubject: Re: Inquiry\n\nAccepted\n",
	  LM_ENOTFOUND, "", 0, NULL },
	{ "not a word: nobody, accepté, XL...",
	  "From: rep@example.org\nSubject: Re: Inquiry XL0000000000000ac2 L0000000000000ac20\n\n"
	  "Nobody knows them\naccepté\n",
	  LM_ENOTFOUND, "", 0, NULL },
	{ "keyword after the quote does not count",
	  "From: rep@example.org\nSubject: Re: Inquiry\nX-Lead-Id: L0000000000000ac3\n\n"
	  "Will look at it.\n\n> yes we need it\n",
	  LM_ENOTFOUND, "L0000000000000ac3", 0, NULL },
};

START_TEST(test_feedback_parse)
{
	const struct fb_case *c = &fb_cases[_i];
	char id[FEEDBACK_ID_MAX];
	char *reason = NULL;
	int acc = -1, rc;

	rc = feedback_parse(c->mail, strlen(c->mail), id, &acc, &reason);
	ck_assert_msg(rc == c->rc, "%s: rc got %d, want %d", c->name, rc, c->rc);
	ck_assert_msg(strcmp(id, c->lead_id) == 0, "%s: lead id got \"%s\", want \"%s\"",
		      c->name, id, c->lead_id);
	if (rc == 0)
		ck_assert_msg(acc == c->accepted, "%s: accepted got %d, want %d",
			      c->name, acc, c->accepted);
	if (c->reason == NULL)
		ck_assert_msg(reason == NULL, "%s: reason got \"%s\", want none", c->name, reason);
	else
		ck_assert_msg(reason != NULL && strcmp(reason, c->reason) == 0,
			      "%s: reason got \"%s\", want \"%s\"", c->name,
			      reason ? reason : "(null)", c->reason);
	free(reason);
}
END_TEST

START_TEST(test_feedback_garbage)
{
	char id[FEEDBACK_ID_MAX];
	char *reason = (char *)1;
	int acc;

	ck_assert_int_eq(feedback_parse("", 0, id, &acc, &reason), LM_ESYNTAX);
	ck_assert_ptr_null(reason);
	ck_assert_str_eq(id, "");
	ck_assert_int_eq(feedback_find_id("L0123456789abcde", 16, id), 0);
	ck_assert_int_eq(feedback_find_id("(L0123456789abcdef)", 19, id), 1);
	ck_assert_str_eq(id, "L0123456789abcdef");
}
END_TEST

/* suite_store - every case above */
static Suite *
suite_store(void)
{
	Suite *su = suite_create("store");
	TCase *tc;

	tc = tcase_create("schema");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_open_create);
	tcase_add_test(tc, test_open_refuse);
	tcase_add_test(tc, test_migrate_v1);
	suite_add_tcase(su, tc);

	tc = tcase_create("history");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 120);	/* the engine test loads the rules */
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_profile);
	tcase_add_test(tc, test_repeat_nurtured);
	tcase_add_test(tc, test_engine_history);
	suite_add_tcase(su, tc);

	tc = tcase_create("sales");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_feedback);
	tcase_add_test(tc, test_report);
	tcase_add_test(tc, test_export);
	suite_add_tcase(su, tc);

	tc = tcase_create("privacy");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_forget);
	tcase_add_test(tc, test_retention);
	suite_add_tcase(su, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fault_readonly);
	tcase_add_test(tc, test_fault_locked);
	tcase_add_test(tc, test_fault_missing);
	tcase_add_test(tc, test_async_fault);
	tcase_add_test(tc, test_fault_full_rlimit);
	tcase_add_test(tc, test_fault_full_tmpfs);
	suite_add_tcase(su, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_async);
	tcase_add_test(tc, test_bench);
	suite_add_tcase(su, tc);

	tc = tcase_create("helpers");
	tcase_add_test(tc, test_email_norm);
	tcase_add_test(tc, test_freemail);
	tcase_add_loop_test(tc, test_feedback_parse, 0, (int)(sizeof(fb_cases) / sizeof(fb_cases[0])));
	tcase_add_test(tc, test_feedback_garbage);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr;
	struct lm_err err;
	int failed;

	lm_err_clear(&err);
	if (engine_global_init(&err) != 0) {
		fprintf(stderr, "engine_global_init: %s\n", err.msg);
		return 99;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sr = srunner_create(suite_store());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	engine_global_shutdown();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
