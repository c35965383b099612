/*
 * store - the prospect store: memory across inquiries, feedback, reports
 *
 * DESCRIPTION  See store.h for the API and the thread model.  The schema
 *              is a list of forward migrations (store_migrations[]);
 *              PRAGMA user_version says how many have run, and a file
 *              newer than this program is refused rather than guessed at.
 *              Tables: prospect (one row per normalised address, with its
 *              domain), inquiry (one row per lead id: the idempotency key),
 *              fact (field, value, zone, rule; its time is the inquiry's),
 *              tag, rule + hit (rules that fired, interned), feedback.
 *              Every statement is prepared with bound parameters; the
 *              hot-path ones are prepared once per pooled connection.
 *              Only PRAGMA user_version is formatted, from a constant.
 * PRIVACY      store_forget() and store_purge() delete facts and unlink
 *              inquiries from the person: the inquiry row keeps only what
 *              the reports count (time, source, decision, scores, tags,
 *              rules, feedback outcome) under a new lead id "-<rowid>";
 *              Message-ID, subject and feedback reason are cleared.
 *              secure_delete is on and the WAL is truncated afterwards, so
 *              erased text does not linger in free pages or in the WAL.
 * LIMITS       No parsing of feedback mail (feedback.c), no output
 *              formatting (ctl_store.c), no configuration file (config.c).
 * DIAGNOSTICS  LM_ESTORE on any SQLite failure, logged at most once per
 *              STORE_LOG_INTERVAL; LM_ENOTFOUND for an unknown lead id or
 *              address.  store_open() fills err instead of logging.
 * SEE ALSO     store(3) in store.h, engine(3), sqlite3(1)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "store.h"

#define STORE_APP_ID		0x4c454144	/* "LEAD" in the file header */
#define STORE_EMAIL_MAX		320		/* RFC 5321 path limit, roughly */
#define STORE_SUBJECT_MAX	200
#define STORE_VALUE_MAX		1000
#define STORE_REASON_MAX	500
#define STORE_HISTORY_INQ_S	"64"		/* inquiries read per lookup */

/* Forward migrations: entry i takes user_version i to i + 1. */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	/* 1: prospects, inquiries, facts, tags */
	"PRAGMA application_id = 1279607108;"
	"CREATE TABLE prospect ("
	" id INTEGER PRIMARY KEY,"
	" email TEXT NOT NULL UNIQUE,"
	" domain TEXT NOT NULL,"
	" first_seen INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL);"
	"CREATE INDEX prospect_domain ON prospect(domain);"
	"CREATE TABLE inquiry ("
	" id INTEGER PRIMARY KEY,"
	" lead_id TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	" prospect_id INTEGER REFERENCES prospect(id) ON DELETE SET NULL,"
	" message_id TEXT NOT NULL,"
	" received INTEGER NOT NULL,"
	" rcpt TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" decision TEXT NOT NULL,"
	" disqualifier TEXT,"
	" total INTEGER NOT NULL,"
	" scores TEXT NOT NULL,"
	" subject TEXT);"
	"CREATE INDEX inquiry_prospect ON inquiry(prospect_id, received);"
	"CREATE INDEX inquiry_received ON inquiry(received);"
	"CREATE TABLE tag ("
	" inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,"
	" tag TEXT NOT NULL,"
	" PRIMARY KEY (inquiry_id, tag)) WITHOUT ROWID;"
	"CREATE TABLE fact ("
	" inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,"
	" seq INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" origin TEXT NOT NULL,"
	" rule TEXT NOT NULL,"
	" PRIMARY KEY (inquiry_id, seq)) WITHOUT ROWID;",

	/* 2: sales feedback, and the rules that fired (per-rule reports) */
	"CREATE TABLE rule ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE hit ("
	" inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,"
	" rule_id INTEGER NOT NULL REFERENCES rule(id),"
	" PRIMARY KEY (inquiry_id, rule_id)) WITHOUT ROWID;"
	"CREATE TABLE feedback ("
	" inquiry_id INTEGER PRIMARY KEY REFERENCES inquiry(id) ON DELETE CASCADE,"
	" accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),"
	" reason TEXT,"
	" reporter TEXT NOT NULL,"
	" at INTEGER NOT NULL);",
};

/* Statements prepared once per connection (the per-message path). */
enum store_st {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_INQ_ID,
	ST_PROSPECT_UPSERT,
	ST_PROSPECT_ID,
	ST_INQ_INSERT,
	ST_TAG_INSERT,
	ST_RULE_INSERT,
	ST_RULE_ID,
	ST_HIT_INSERT,
	ST_FACT_INSERT,
	ST_HIST_COUNT,
	ST_HIST_FACTS,
	ST_FB_UPSERT,
	ST_COUNT
};

static const char *const store_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_INQ_ID] = "SELECT id FROM inquiry WHERE lead_id = ?1",
	[ST_PROSPECT_UPSERT] =
	"INSERT INTO prospect (email, domain, first_seen, last_seen)"
	" VALUES (?1, ?2, ?3, ?3) ON CONFLICT (email) DO UPDATE SET"
	" first_seen = min(first_seen, excluded.first_seen),"
	" last_seen = max(last_seen, excluded.last_seen)",
	[ST_PROSPECT_ID] = "SELECT id FROM prospect WHERE email = ?1",
	[ST_INQ_INSERT] =
	"INSERT INTO inquiry (lead_id, prospect_id, message_id, received, rcpt,"
	" source, decision, disqualifier, total, scores, subject)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_TAG_INSERT] = "INSERT OR IGNORE INTO tag (inquiry_id, tag) VALUES (?1, ?2)",
	[ST_RULE_INSERT] = "INSERT OR IGNORE INTO rule (name) VALUES (?1)",
	[ST_RULE_ID] = "SELECT id FROM rule WHERE name = ?1",
	[ST_HIT_INSERT] = "INSERT OR IGNORE INTO hit (inquiry_id, rule_id) VALUES (?1, ?2)",
	[ST_FACT_INSERT] =
	"INSERT INTO fact (inquiry_id, seq, name, value, origin, rule)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* ?1 email, ?2 lead id to leave out, ?3 nurture decision, ?4 now */
	[ST_HIST_COUNT] =
	"SELECT count(*), coalesce(max(i.decision = ?3), 0)"
	" FROM prospect p JOIN inquiry i ON i.prospect_id = p.id"
	" WHERE p.email = ?1 AND i.lead_id <> ?2 AND i.received <= ?4",
	/* ?1 email, ?2 lead id, ?3 now, ?4 domain or NULL, ?5 domain
	 * fields, ?6 aged fields, ?7 oldest time for aged fields, ?8 limit.
	 * The name lists are bound as ",a,b," strings: no SQL is built.
	 * Only the newest STORE_HISTORY_INQ inquiries of the prospect, and
	 * as many of colleagues, are read: the work per message is bounded
	 * however long a company has been writing to us. */
	[ST_HIST_FACTS] =
	"WITH own AS (SELECT i.id, i.received, 1 AS own"
	"  FROM prospect p JOIN inquiry i ON i.prospect_id = p.id"
	"  WHERE p.email = ?1 AND i.lead_id <> ?2 AND i.received <= ?3"
	"  ORDER BY i.received DESC, i.id DESC LIMIT " STORE_HISTORY_INQ_S "),"
	" dom AS (SELECT i.id, i.received, 0 AS own"
	"  FROM prospect p JOIN inquiry i ON i.prospect_id = p.id"
	"  WHERE p.domain = ?4 AND p.email <> ?1 AND i.lead_id <> ?2"
	"  AND i.received <= ?3"
	"  ORDER BY i.received DESC, i.id DESC LIMIT " STORE_HISTORY_INQ_S ")"
	" SELECT f.name, f.value, q.received"
	" FROM (SELECT * FROM own UNION ALL SELECT * FROM dom) q"
	" JOIN fact f ON f.inquiry_id = q.id"
	" WHERE (q.own OR instr(?5, ',' || f.name || ',') > 0)"
	" AND (q.received >= ?7 OR instr(?6, ',' || f.name || ',') = 0)"
	" ORDER BY q.received DESC, q.id DESC, f.seq LIMIT ?8",
	[ST_FB_UPSERT] =
	"INSERT INTO feedback (inquiry_id, accepted, reason, reporter, at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (inquiry_id) DO UPDATE SET"
	" accepted = excluded.accepted, reason = excluded.reason,"
	" reporter = excluded.reporter, at = excluded.at",
};

/* A rule's id, known to this connection (rules are never deleted). */
struct store_rid {
	char *name;
	size_t len;
	sqlite3_int64 id;
};

#define STORE_RID_MAX	1024	/* rule ids a connection remembers */

struct store_conn {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	/* rule ids: [0, nrid_ok) committed, the rest from the open
	 * transaction, dropped if it rolls back */
	struct store_rid *rid;
	size_t nrid, nrid_ok;
	int broken;			/* failed once: close, do not pool */
	int wlocked;			/* holds store.wmu */
	struct store_conn *next;
};

/* An inquiry waiting for the writer thread (store_record_async). */
struct store_job {
	struct verdict v;		/* owned */
	char *rcpt;
	long long now;
	unsigned long long seq;		/* its place in the queue, from 1 */
	char email[STORE_EMAIL_MAX + 1];	/* normalised, or "" */
	struct store_job *next;
};

struct store {
	char *path;
	int busy_ms;
	int link_domain;
	int no_create;
	long long fact_max_age;
	long long retention;
	char *aged;			/* ",timeframe," */
	char *dfields;			/* ",company,employees,...," */
	char *source_field;
	char *nurture;
	char *sales;
	pthread_mutex_t mu;		/* the idle list and nopen */
	pthread_cond_t freed;		/* a connection went idle or closed */
	pthread_mutex_t wmu;		/* one writer per process at a time */
	struct store_conn *idle;
	unsigned nidle;
	unsigned nopen;			/* connections open, idle or in use */
	struct store_conn *wconn;	/* the writers' connection, under wmu */
	atomic_llong last_purge;	/* "now" of the last automatic purge */
	atomic_int failing;		/* the last call failed */
	pthread_mutex_t log_mu;		/* the counters below */
	int log_any;
	long long log_last;		/* monotonic seconds of the last line */
	unsigned long suppressed;	/* failures not logged since */
	unsigned long failures;
	unsigned long logged;
	/* the writer thread and its queue (opts.async), under qmu */
	pthread_mutex_t qmu;
	pthread_cond_t qwork;		/* a job was queued, or stop */
	pthread_cond_t qidle;		/* the queue ran empty */
	struct store_job *qhead, **qtail;
	unsigned qlen;
	int qbusy;			/* the writer holds a batch */
	struct store_job *qflight;	/* that batch, until it is written */
	unsigned long long qseq;	/* the last job queued */
	unsigned long long qdone;	/* every job up to it is written */
	int qrun;			/* the writer runs */
	int qstop;			/* store_close() wants it to end */
	pthread_t writer;
};

/* Domains of mail providers: an address there says nothing about a
 * company, so colleagues are never linked through them.  A name ending
 * in "." stands for that provider under any country suffix. */
static const char *const store_freemail_tab[] = {
	"126.com", "163.com", "aol.", "att.net", "bluewin.ch", "bk.ru",
	"btinternet.com", "charter.net", "comcast.net", "cox.net",
	"eircom.net", "email.com", "fastmail.com", "free.fr", "freenet.de",
	"gmail.com", "gmx.", "googlemail.com", "hetnet.nl", "hotmail.",
	"hushmail.com", "icloud.com", "inbox.ru", "kpnmail.nl", "laposte.net",
	"libero.it", "list.ru", "live.", "mac.com", "mail.com", "mail.ru",
	"mailbox.org", "me.com", "msn.com", "ntlworld.com", "o2.pl",
	"orange.fr", "outlook.", "planet.nl", "pm.me", "posteo.de",
	"proton.me", "protonmail.com", "qq.com", "rediffmail.com",
	"rocketmail.com", "rogers.com", "sbcglobal.net", "seznam.cz",
	"sfr.fr", "shaw.ca", "skynet.be", "sky.com", "sympatico.ca",
	"t-online.de", "talktalk.net", "telenet.be", "tutanota.com",
	"verizon.net", "virgilio.it", "virginmedia.com", "wanadoo.fr",
	"web.de", "wp.pl", "yahoo.", "yandex.", "ymail.com", "ziggo.nl",
	"zoho.com",
};

/* store_mono - monotonic seconds, for the log interval */
static long long
store_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

/* store_fail - count a failure; log it unless one was logged recently */
static void
store_fail(struct store *s, const char *op, const char *cause)
{
	long long t = store_mono();
	unsigned long skipped = 0;
	int emit = 0;

	pthread_mutex_lock(&s->log_mu);
	s->failures++;
	if (!s->log_any || t - s->log_last >= STORE_LOG_INTERVAL) {
		emit = 1;
		skipped = s->suppressed;
		s->suppressed = 0;
		s->log_last = t;
		s->log_any = 1;
		s->logged++;
	} else {
		s->suppressed++;
	}
	pthread_mutex_unlock(&s->log_mu);
	atomic_store(&s->failing, 1);
	if (emit && skipped)
		log_error("store %s: %s: %s (%lu more failures in the last %d s"
			  " not logged)", s->path, op, cause, skipped,
			  STORE_LOG_INTERVAL);
	else if (emit)
		log_error("store %s: %s: %s", s->path, op, cause);
}

/* store_ok - a call worked: say so once after failures */
static void
store_ok(struct store *s)
{
	if (atomic_exchange(&s->failing, 0))
		log_info("store %s: working again", s->path);
}

/* store_dberr - describe the connection's last error and count it */
static void
store_dberr(struct store *s, struct store_conn *c, const char *op)
{
	char cause[300];
	int rc = sqlite3_extended_errcode(c->db);
	int sys = sqlite3_system_errno(c->db);

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		snprintf(cause, sizeof(cause), "database is locked after %d ms",
			 s->busy_ms);
	else if (sys != 0 && (rc & 0xff) != SQLITE_CONSTRAINT)
		snprintf(cause, sizeof(cause), "%s (%s)", sqlite3_errmsg(c->db),
			 strerror(sys));
	else
		snprintf(cause, sizeof(cause), "%s", sqlite3_errmsg(c->db));
	c->broken = 1;
	store_fail(s, op, cause);
}

/* store_conn_close - finalise every statement and close */
static void
store_conn_close(struct store_conn *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(c->st[i]);
	sqlite3_close(c->db);
	for (size_t i = 0; i < c->nrid; i++)
		free(c->rid[i].name);
	free(c->rid);
	free(c);
}

/* store_pragma_int - read one integer pragma; -1 on failure */
static int
store_pragma_int(sqlite3 *db, const char *sql, long long *val)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*val = sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* store_wal - make sure the file is in WAL mode */
static int
store_wal(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) != SQLITE_OK
	    || sqlite3_step(st) != SQLITE_ROW)
		goto out;
	mode = (const char *)sqlite3_column_text(st, 0);
	if (mode != NULL && strcmp(mode, "wal") == 0) {
		rc = 0;
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK
	    || sqlite3_step(st) != SQLITE_ROW)
		goto out;
	mode = (const char *)sqlite3_column_text(st, 0);
	rc = (mode != NULL && strcmp(mode, "wal") == 0) ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* store_schema - check the file is ours and migrate it forward */
static int
store_schema(sqlite3 *db, char *cause, size_t causesz)
{
	long long ver = 0, app = 0, ntab = 0;
	char sql[64];
	int intx = 0, rc = -1;

	if (store_pragma_int(db, "PRAGMA user_version", &ver) != 0
	    || store_pragma_int(db, "PRAGMA application_id", &app) != 0)
		goto dberr;
	if (app != 0 && app != STORE_APP_ID) {
		snprintf(cause, causesz, "not a leadmilter store "
			 "(application_id %#llx)", app);
		goto out;
	}
	if (ver == STORE_SCHEMA_VERSION) {
		if (store_wal(db) != 0)
			log_warn("%s: cannot switch to WAL mode: %s",
				 sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
		rc = 0;
		goto out;
	}
	if (ver > STORE_SCHEMA_VERSION || ver < 0) {
		snprintf(cause, causesz, "schema version %lld is newer than this "
			 "program's (%d): upgrade leadmilter", ver,
			 STORE_SCHEMA_VERSION);
		goto out;
	}
	if (store_wal(db) != 0)
		goto dberr;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	intx = 1;
	/* Another process may have migrated while we waited for the lock. */
	if (store_pragma_int(db, "PRAGMA user_version", &ver) != 0)
		goto dberr;
	if (ver == 0) {
		if (store_pragma_int(db, "SELECT count(*) FROM sqlite_master", &ntab) != 0)
			goto dberr;
		if (ntab != 0) {
			snprintf(cause, causesz, "not a leadmilter store "
				 "(tables but no schema version)");
			goto out;
		}
	}
	for (long long from = ver; ver < STORE_SCHEMA_VERSION; ver++) {
		if (sqlite3_exec(db, store_migrations[ver], NULL, NULL, NULL) != SQLITE_OK)
			goto dberr;
		/* a new file is no news; an upgrade of an existing one is */
		if (from > 0)
			log_info("%s: schema migrated to version %lld",
				 sqlite3_db_filename(db, "main"), ver + 1);
		else
			log_debug("%s: schema created at version %lld",
				  sqlite3_db_filename(db, "main"), ver + 1);
	}
	/* Pragmas take no parameters; the number is our constant. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	intx = 0;
	rc = 0;
	goto out;
dberr:
	snprintf(cause, causesz, "%s", sqlite3_errmsg(db));
out:
	if (intx)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The writers' page cache, as PRAGMA cache_size takes it (-KiB). */
#define STORE_WRITER_CACHE	"-512"

/* store_conn_open - a new connection, configured and schema-checked */
static struct store_conn *
store_conn_open(struct store *s, char *cause, size_t causesz)
{
	struct store_conn *c = lm_xcalloc(1, sizeof(*c));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (!s->no_create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(s->path, &c->db, flags, NULL) != SQLITE_OK) {
		snprintf(cause, causesz, "%s", c->db ? sqlite3_errmsg(c->db)
			 : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, s->busy_ms);
	/* A pooled connection per busy milter thread, each with SQLite's
	 * default 2 MB page cache, made most of the daemon's memory once the
	 * file outgrew it.  A history read touches a few pages per index and
	 * the OS caches the file: readers keep 128 KiB (512 KiB each made
	 * the daemon's peak 0.35 MB larger, and it was no faster).  The
	 * writers' connection gets STORE_WRITER_CACHE in store_begin(). */
	if (sqlite3_exec(c->db, "PRAGMA foreign_keys = ON;"
			 "PRAGMA synchronous = NORMAL;"
			 "PRAGMA cache_size = -128;"
			 "PRAGMA secure_delete = ON", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(cause, causesz, "%s", sqlite3_errmsg(c->db));
		goto fail;
	}
	/* Every new connection checks the schema: a file that was removed
	 * and re-created under us is set up again instead of failing. */
	if (store_schema(c->db, cause, causesz) != 0)
		goto fail;
	return c;
fail:
	store_conn_close(c);
	return NULL;
}

/* store_deadline - now plus the busy timeout, for timed waits */
static void
store_deadline(const struct store *s, struct timespec *dl)
{
	clock_gettime(CLOCK_REALTIME, dl);
	dl->tv_sec += s->busy_ms / 1000;
	dl->tv_nsec += (long)(s->busy_ms % 1000) * 1000000L;
	if (dl->tv_nsec >= 1000000000L) {
		dl->tv_sec++;
		dl->tv_nsec -= 1000000000L;
	}
}

/*
 * store_get - borrow a connection (pooled or new); NULL after logging.
 * With STORE_POOL_MAX open, wait for one to come back, for at most the
 * busy timeout; then open one more rather than fail: a message never
 * waits longer than that for the store.
 */
static struct store_conn *
store_get(struct store *s, const char *op)
{
	struct store_conn *c;
	struct timespec dl;
	char cause[300];

	store_deadline(s, &dl);
	pthread_mutex_lock(&s->mu);
	while (s->idle == NULL && s->nopen >= STORE_POOL_MAX)
		if (pthread_cond_timedwait(&s->freed, &s->mu, &dl) != 0)
			break;
	c = s->idle;
	if (c != NULL) {
		s->idle = c->next;
		s->nidle--;
	} else {
		s->nopen++;	/* the one we are about to open */
	}
	pthread_mutex_unlock(&s->mu);
	if (c != NULL) {
		c->next = NULL;
		return c;
	}
	cause[0] = '\0';
	c = store_conn_open(s, cause, sizeof(cause));
	if (c == NULL) {
		pthread_mutex_lock(&s->mu);
		s->nopen--;
		pthread_cond_signal(&s->freed);
		pthread_mutex_unlock(&s->mu);
		store_fail(s, op, cause);
	}
	return c;
}

/* store_put - give a connection back, or close it if it failed; the
 * writers' connection stays with the store, unless it failed */
static void
store_put(struct store *s, struct store_conn *c)
{
	if (c == NULL)
		return;
	if (c->wlocked) {
		/* decided under wmu, which guards wconn */
		int writer = c == s->wconn, failed = 0;

		if (writer && (c->broken || !sqlite3_get_autocommit(c->db))) {
			s->wconn = NULL;
			failed = 1;
		}
		c->wlocked = 0;
		pthread_mutex_unlock(&s->wmu);
		if (writer && !failed)
			return;		/* stays the writers' connection */
		if (writer) {
			store_conn_close(c);
			pthread_mutex_lock(&s->mu);
			s->nopen--;
			pthread_cond_signal(&s->freed);
			pthread_mutex_unlock(&s->mu);
			return;
		}
	}
	if (!c->broken && sqlite3_get_autocommit(c->db)) {
		pthread_mutex_lock(&s->mu);
		if (s->nidle < STORE_POOL_MAX) {
			c->next = s->idle;
			s->idle = c;
			s->nidle++;
			c = NULL;
			pthread_cond_signal(&s->freed);
		}
		pthread_mutex_unlock(&s->mu);
	}
	if (c != NULL) {
		store_conn_close(c);
		pthread_mutex_lock(&s->mu);
		s->nopen--;
		pthread_cond_signal(&s->freed);
		pthread_mutex_unlock(&s->mu);
	}
}

/* store_stmt - the connection's prepared statement, reset for use */
static sqlite3_stmt *
store_stmt(struct store *s, struct store_conn *c, enum store_st id)
{
	if (c->st[id] == NULL
	    && sqlite3_prepare_v3(c->db, store_sql[id], -1,
				  SQLITE_PREPARE_PERSISTENT, &c->st[id], NULL) != SQLITE_OK) {
		store_dberr(s, c, "prepare");
		return NULL;
	}
	sqlite3_reset(c->st[id]);
	sqlite3_clear_bindings(c->st[id]);
	return c->st[id];
}

/* store_text - bind a string, NULL as "" */
static int
store_text(sqlite3_stmt *st, int i, const char *v)
{
	return sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

/* store_text_cap - bind at most max bytes, cut at a UTF-8 boundary */
static int
store_text_cap(sqlite3_stmt *st, int i, const char *v, size_t max)
{
	size_t n;

	if (v == NULL)
		v = "";
	n = strlen(v);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
	}
	return sqlite3_bind_text(st, i, v, (int)n, SQLITE_STATIC);
}

/* store_step_done - run a statement that returns no rows; on error it
 * stays unreset so the caller can read the message */
static int
store_step_done(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		return -1;
	sqlite3_reset(st);
	return 0;
}

/* store_begin - start a write transaction (waits out the busy timeout).
 * Writers of this process queue on wmu first: SQLite's busy handler
 * polls with sleeps of up to 100 ms, a mutex hands over at once.  The
 * wait for wmu is bounded by the busy timeout too, so a lock held by
 * another process costs each caller at most twice the timeout, however
 * many threads queue behind it.  store_put() releases wmu.
 * Writers share one connection (s->wconn): *cp, borrowed from the pool,
 * goes back and the writers' one takes its place.  Its page cache stays
 * valid from one transaction to the next, where a connection that another
 * had written behind would reread what changed (BEGIN was a tenth of
 * the cost of recording an inquiry). */
static int
store_begin(struct store *s, struct store_conn **cp)
{
	sqlite3_stmt *st;
	struct timespec dl;
	char cause[100];
	struct store_conn *c = *cp;

	store_deadline(s, &dl);
	if (pthread_mutex_timedlock(&s->wmu, &dl) != 0) {
		snprintf(cause, sizeof(cause), "other threads held the write lock"
			 " for %d ms", s->busy_ms);
		store_fail(s, "begin", cause);
		return -1;
	}
	if (s->wconn == NULL) {
		/* an insert walks every index of its tables */
		sqlite3_exec(c->db, "PRAGMA cache_size = " STORE_WRITER_CACHE, NULL, NULL, NULL);
		s->wconn = c;
	} else if (c != s->wconn) {
		store_put(s, c);
		*cp = c = s->wconn;
	}
	c->wlocked = 1;
	if ((st = store_stmt(s, c, ST_BEGIN)) == NULL)
		return -1;
	if (store_step_done(st) != 0) {
		store_dberr(s, c, "begin");
		return -1;
	}
	return 0;
}

/* store_rid_drop - forget the rule ids learnt in a transaction that
 * will not commit */
static void
store_rid_drop(struct store_conn *c)
{
	while (c->nrid > c->nrid_ok)
		free(c->rid[--c->nrid].name);
}

/* store_commit - commit; on failure SQLite has rolled back or we do */
static int
store_commit(struct store *s, struct store_conn *c)
{
	sqlite3_stmt *st = store_stmt(s, c, ST_COMMIT);

	if (st == NULL)
		return -1;
	if (store_step_done(st) != 0) {
		store_dberr(s, c, "commit");
		store_rid_drop(c);
		return -1;
	}
	c->nrid_ok = c->nrid;
	return 0;
}

/* store_rollback - end a failed transaction, if one is still open */
static void
store_rollback(struct store *s, struct store_conn *c)
{
	sqlite3_stmt *st;

	for (int i = 0; i < ST_COUNT; i++)
		if (c->st[i] != NULL)
			sqlite3_reset(c->st[i]);
	store_rid_drop(c);
	if (sqlite3_get_autocommit(c->db))
		return;
	st = store_stmt(s, c, ST_ROLLBACK);
	if (st == NULL || store_step_done(st) != 0)
		c->broken = 1;
}

/* store_run - prepare, bind ("t" text, "i" integer, "n" NULL), run; the
 * changed row count or -1.  For rare statements (forget, purge). */
static long
store_run(struct store *s, struct store_conn *c, const char *sql,
	  const char *types, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	long rc = -1;
	int i = 1;

	va_start(ap, types);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto err;
	for (const char *t = types; *t; t++, i++) {
		if (*t == 't')
			store_text(st, i, va_arg(ap, const char *));
		else if (*t == 'i')
			sqlite3_bind_int64(st, i, va_arg(ap, long long));
		else
			sqlite3_bind_null(st, i);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		goto err;
	rc = (long)sqlite3_changes(c->db);
	goto out;
err:
	store_dberr(s, c, "statement");
out:
	va_end(ap);
	sqlite3_finalize(st);
	return rc;
}

/* store_list - ",a,b," from "a, b" for the instr() tests */
static char *
store_list(const char *names, const char *def)
{
	struct buf b = BUF_INIT;
	const char *p = names ? names : def;

	buf_putc(&b, ',');
	for (; *p; p++)
		if (*p != ' ' && *p != '\t')
			buf_putc(&b, *p);
	if (b.data[b.len - 1] != ',')
		buf_putc(&b, ',');
	return buf_steal(&b);
}

/* store_email_norm - lower case, without <> and blanks, or NULL */
char *
store_email_norm(const char *in, char *out, size_t outsz)
{
	size_t n, at = 0, nat = 0, j = 0;
	const char *p;

	if (in == NULL || outsz == 0)
		return NULL;
	while (*in == ' ' || *in == '\t' || *in == '<')
		in++;
	n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t'
			 || in[n - 1] == '>' || in[n - 1] == '.'))
		n--;
	if (n == 0 || n >= outsz || n > STORE_EMAIL_MAX)
		return NULL;
	for (p = in; p < in + n; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch <= ' ' || ch == 0x7f || ch == '<' || ch == '>' || ch == ',')
			return NULL;
		if (ch == '@') {
			at = j;
			nat++;
		}
		out[j++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : (char)ch;
	}
	out[j] = '\0';
	if (nat != 1 || at == 0 || at + 1 >= j)
		return NULL;
	return out;
}

/* store_freemail_suffix - is s a country suffix like "de" or "co.uk"? */
static int
store_freemail_suffix(const char *s)
{
	int labels = 1, len = 0;

	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (len == 0)
				return 0;
			labels++;
			len = 0;
		} else if (++len > 3) {
			return 0;
		}
	}
	return len > 0 && labels <= 2;
}

/* store_freemail - a mail provider's domain, not a company's */
int
store_freemail(const char *domain)
{
	size_t n;

	if (domain == NULL || *domain == '\0')
		return 1;
	for (size_t i = 0; i < sizeof(store_freemail_tab) / sizeof(store_freemail_tab[0]); i++) {
		const char *f = store_freemail_tab[i];

		n = strlen(f);
		if (f[n - 1] == '.') {
			if (strncmp(domain, f, n) == 0
			    && store_freemail_suffix(domain + n))
				return 1;
		} else if (strcmp(domain, f) == 0) {
			return 1;
		}
	}
	return 0;
}

static void *store_writer(void *arg);

/* store_writer_start - start the writer thread, with every signal
 * blocked in it (the daemon's signals go to the thread that waits for
 * them); without it, store_record_async() records in the caller */
static void
store_writer_start(struct store *s)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&s->writer, NULL, store_writer, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		log_warn("store %s: no writer thread (%s): inquiries are recorded"
			 " before the MTA gets its reply", s->path, strerror(rc));
	else
		s->qrun = 1;
}

/* store_open - open or create the store and migrate its schema */
int
store_open(const struct store_opts *o, struct store **out,
	   struct lm_err *err)
{
	struct store *s = NULL;
	struct store_conn *c;
	char cause[300];
	int rc = LM_ESTORE;

	*out = NULL;
	if (o == NULL || o->path == NULL || *o->path == '\0') {
		lm_err_set(err, "", 0, 0, "store: no database file configured");
		goto out;
	}
	if (!sqlite3_threadsafe()) {
		lm_err_set(err, o->path, 0, 0, "SQLite was built without thread support");
		goto out;
	}
	s = lm_xcalloc(1, sizeof(*s));
	s->path = lm_xstrdup(o->path);
	s->busy_ms = o->busy_timeout_ms > 0 ? o->busy_timeout_ms : STORE_BUSY_TIMEOUT_MS;
	s->link_domain = o->link_domain;
	s->no_create = o->no_create;
	s->fact_max_age = o->fact_max_age_s > 0 ? o->fact_max_age_s : 0;
	s->retention = o->retention_s > 0 ? o->retention_s : 0;
	s->aged = store_list(o->aged_fields, STORE_AGED_FIELDS);
	s->dfields = store_list(o->domain_fields, STORE_DOMAIN_FIELDS);
	s->source_field = lm_xstrdup(o->source_field ? o->source_field : STORE_SOURCE_FIELD);
	s->nurture = lm_xstrdup(o->nurture_decision ? o->nurture_decision : STORE_NURTURE);
	s->sales = lm_xstrdup(o->sales_decision ? o->sales_decision : STORE_SALES);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->freed, NULL);
	pthread_mutex_init(&s->wmu, NULL);
	pthread_mutex_init(&s->log_mu, NULL);
	pthread_mutex_init(&s->qmu, NULL);
	pthread_cond_init(&s->qwork, NULL);
	pthread_cond_init(&s->qidle, NULL);
	s->qtail = &s->qhead;
	atomic_init(&s->last_purge, 0);
	atomic_init(&s->failing, 0);
	cause[0] = '\0';
	c = store_conn_open(s, cause, sizeof(cause));
	s->nopen = c != NULL;
	if (c == NULL && !o->lazy) {
		lm_err_set(err, o->path, 0, 0, "%s", cause);
		goto out;
	}
	if (c == NULL)
		store_fail(s, "open", cause);
	store_put(s, c);
	if (o->async)
		store_writer_start(s);
	*out = s;
	s = NULL;
	rc = 0;
out:
	store_close(s);
	return rc;
}

/* store_close - close every pooled connection and free the store */
void
store_close(struct store *s)
{
	struct store_conn *c, *next;

	if (s == NULL)
		return;
	if (s->qrun) {
		pthread_mutex_lock(&s->qmu);
		s->qstop = 1;
		pthread_cond_signal(&s->qwork);
		pthread_mutex_unlock(&s->qmu);
		pthread_join(s->writer, NULL);
	}
	for (c = s->idle; c != NULL; c = next) {
		next = c->next;
		store_conn_close(c);
	}
	store_conn_close(s->wconn);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->wmu);
	pthread_mutex_destroy(&s->log_mu);
	pthread_mutex_destroy(&s->qmu);
	pthread_cond_destroy(&s->qwork);
	pthread_cond_destroy(&s->qidle);
	free(s->path);
	free(s->aged);
	free(s->dfields);
	free(s->source_field);
	free(s->nurture);
	free(s->sales);
	free(s);
}

/* store_stats_get - copy the failure counters */
void
store_stats_get(struct store *s, struct store_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->log_mu);
	st->failures = s->failures;
	st->logged = s->logged;
	pthread_mutex_unlock(&s->log_mu);
}

/* store_query_init - an empty lookup against s at time now */
void
store_query_init(struct store_query *q, struct store *s, long long now)
{
	memset(q, 0, sizeof(*q));
	q->s = s;
	q->now = now ? now : (long long)time(NULL);
}

/* store_query_free - free the facts; the query may be used again */
void
store_query_free(struct store_query *q)
{
	if (q == NULL)
		return;
	for (size_t i = 0; i < q->nfacts; i++) {
		free((char *)(uintptr_t)q->facts[i].name);
		free((char *)(uintptr_t)q->facts[i].value);
	}
	free(q->facts);
	q->facts = NULL;
	q->nfacts = 0;
}

/* store_domain - the part after '@' of a normalised address */
static const char *
store_domain(const char *email)
{
	const char *at = strrchr(email, '@');

	return at ? at + 1 : "";
}

/* store_pending_wait - a prospect's inquiry still queued for the writer
 * is history too: wait until the last such one (same address, or same
 * company domain where colleagues are linked) is written, at most the
 * busy timeout.  Other inquiries in the queue are not waited for, nor a
 * retry of this very message (lead id), which history leaves out. */
static void
store_pending_wait(struct store *s, const char *email, const char *dom,
		   const char *lead_id)
{
	unsigned long long want = 0;
	struct timespec dl;
	const struct store_job *lists[2];

	pthread_mutex_lock(&s->qmu);
	lists[0] = s->qflight;
	lists[1] = s->qhead;
	for (int i = 0; i < 2; i++)
		for (const struct store_job *j = lists[i]; j != NULL; j = j->next)
			if (j->email[0] != '\0' && j->seq > want
			    && strcmp(j->v.lead_id, lead_id) != 0
			    && (strcmp(j->email, email) == 0
				|| (dom != NULL && strcmp(store_domain(j->email), dom) == 0)))
				want = j->seq;
	if (want > s->qdone) {
		store_deadline(s, &dl);
		while (s->qdone < want && s->qrun
		       && pthread_cond_timedwait(&s->qidle, &s->qmu, &dl) == 0)
			continue;
	}
	pthread_mutex_unlock(&s->qmu);
}

/* store_history - what the store knows about v's prospect (engine_history_fn) */
int
store_history(void *qp, const struct verdict *v, struct engine_history *out)
{
	struct store_query *q = qp;
	struct store *s;
	struct store_conn *c = NULL;
	sqlite3_stmt *st;
	char email[STORE_EMAIL_MAX + 1];
	const char *dom;
	size_t cap = 0;
	int rc = LM_ESTORE, r;

	memset(out, 0, sizeof(*out));
	if (q == NULL || q->s == NULL || v == NULL)
		return LM_ESTORE;
	s = q->s;
	store_query_free(q);
	if (store_email_norm(v->email, email, sizeof(email)) == NULL)
		return 0;
	/* colleagues' facts count where domains are linked, never free mail */
	dom = store_domain(email);
	if (!s->link_domain || store_freemail(dom))
		dom = NULL;
	store_pending_wait(s, email, dom, v->lead_id ? v->lead_id : "");
	if ((c = store_get(s, "history")) == NULL)
		goto out;
	if ((st = store_stmt(s, c, ST_HIST_COUNT)) == NULL)
		goto out;
	store_text(st, 1, email);
	store_text(st, 2, v->lead_id);
	store_text(st, 3, s->nurture);
	sqlite3_bind_int64(st, 4, q->now);
	if (sqlite3_step(st) != SQLITE_ROW) {
		store_dberr(s, c, "history");
		goto out;
	}
	out->seen = sqlite3_column_int(st, 0);
	out->nurtured = sqlite3_column_int(st, 1) != 0;
	sqlite3_reset(st);
	/* a first inquiry, with no colleagues to count: no facts either
	 * (they come from the same inquiries), and most inquiries are
	 * first ones */
	if (out->seen == 0 && dom == NULL) {
		rc = 0;
		goto out;
	}

	if ((st = store_stmt(s, c, ST_HIST_FACTS)) == NULL)
		goto out;
	store_text(st, 1, email);
	store_text(st, 2, v->lead_id);
	sqlite3_bind_int64(st, 3, q->now);
	if (dom != NULL)
		store_text(st, 4, dom);
	else
		sqlite3_bind_null(st, 4);
	store_text(st, 5, s->dfields);
	store_text(st, 6, s->aged);
	sqlite3_bind_int64(st, 7, s->fact_max_age ? q->now - s->fact_max_age : LLONG_MIN);
	sqlite3_bind_int(st, 8, STORE_MAX_FACTS);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct engine_fact *f;

		if (q->nfacts == cap) {
			cap = cap ? cap * 2 : 16;
			q->facts = lm_xrealloc(q->facts, cap * sizeof(*q->facts));
		}
		f = &q->facts[q->nfacts++];
		f->name = lm_xstrdup((const char *)sqlite3_column_text(st, 0));
		f->value = lm_xstrdup((const char *)sqlite3_column_text(st, 1));
		f->when = sqlite3_column_int64(st, 2);
	}
	if (r != SQLITE_DONE) {
		store_dberr(s, c, "history");
		goto out;
	}
	sqlite3_reset(st);
	out->facts = q->facts;
	out->nfacts = q->nfacts;
	rc = 0;
out:
	if (rc != 0) {
		store_query_free(q);
		memset(out, 0, sizeof(*out));
	}
	store_put(s, c);
	if (rc == 0)
		store_ok(s);
	return rc;
}

/* store_rule_id - the interned id of a rule name, created on first use */
static int
store_rule_id(struct store *s, struct store_conn *c, const char *name,
	      sqlite3_int64 *id)
{
	sqlite3_stmt *st;
	size_t len = strlen(name);

	if (len > STORE_VALUE_MAX)
		len = STORE_VALUE_MAX;	/* as store_text_cap() stores it */
	/* a message names a dozen rules, and the same ones again and again:
	 * two statements each without this */
	for (size_t i = 0; i < c->nrid; i++)
		if (c->rid[i].len == len && memcmp(c->rid[i].name, name, len) == 0) {
			*id = c->rid[i].id;
			return 0;
		}
	if ((st = store_stmt(s, c, ST_RULE_INSERT)) == NULL)
		return -1;
	store_text_cap(st, 1, name, STORE_VALUE_MAX);
	if (store_step_done(st) != 0)
		goto err;
	if ((st = store_stmt(s, c, ST_RULE_ID)) == NULL)
		return -1;
	store_text_cap(st, 1, name, STORE_VALUE_MAX);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto err;
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (c->nrid < STORE_RID_MAX) {
		c->rid = lm_xrealloc(c->rid, (c->nrid + 1) * sizeof(*c->rid));
		c->rid[c->nrid].name = lm_xstrndup(name, len);
		c->rid[c->nrid].len = len;
		c->rid[c->nrid].id = *id;
		c->nrid++;
	}
	return 0;
err:
	store_dberr(s, c, "record");
	return -1;
}

/* store_record_parts - the inquiry's tags, hits and facts */
static int
store_record_parts(struct store *s, struct store_conn *c,
		   const struct verdict *v, sqlite3_int64 iid)
{
	sqlite3_stmt *st;
	sqlite3_int64 rid;

	for (size_t i = 0; i < v->ntags; i++) {
		if ((st = store_stmt(s, c, ST_TAG_INSERT)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, iid);
		store_text_cap(st, 2, v->tags[i], STORE_VALUE_MAX);
		if (store_step_done(st) != 0)
			goto err;
	}
	for (size_t i = 0; i < v->nhits; i++) {
		if (v->hits[i].rule == NULL || *v->hits[i].rule == '\0')
			continue;
		if (store_rule_id(s, c, v->hits[i].rule, &rid) != 0)
			return -1;
		if ((st = store_stmt(s, c, ST_HIT_INSERT)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, iid);
		sqlite3_bind_int64(st, 2, rid);
		if (store_step_done(st) != 0)
			goto err;
	}
	for (size_t i = 0; i < v->nfields; i++) {
		const struct verdict_field *f = &v->fields[i];

		/* History came from here already; a default was never seen. */
		if (f->name == NULL || f->value == NULL || *f->value == '\0'
		    || (f->origin && (strcmp(f->origin, "history") == 0
				      || strcmp(f->origin, "default") == 0)))
			continue;
		if ((st = store_stmt(s, c, ST_FACT_INSERT)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, iid);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		store_text_cap(st, 3, f->name, 100);
		store_text_cap(st, 4, f->value, STORE_VALUE_MAX);
		store_text_cap(st, 5, f->origin, 100);
		store_text_cap(st, 6, f->rule, 200);
		if (store_step_done(st) != 0)
			goto err;
	}
	return 0;
err:
	store_dberr(s, c, "record");
	return -1;
}

/* store_purge_maybe - the automatic purge, at most once per interval */
static void
store_purge_maybe(struct store *s, long long now)
{
	long long last;

	if (s->retention <= 0)
		return;
	last = atomic_load(&s->last_purge);
	if (last != 0 && now - last < STORE_PURGE_INTERVAL && now >= last)
		return;
	/* One thread wins the interval; the others go on. */
	if (!atomic_compare_exchange_strong(&s->last_purge, &last, now))
		return;
	(void)store_purge(s, now);
}

/* store_record_in - the rows of one qualified inquiry, in c's open write
 * transaction; nothing when its lead id is known already (a retry or a
 * second pass of the same message).  0, or -1 (logged) */
static int
store_record_in(struct store *s, struct store_conn *c, const struct verdict *v,
		const char *rcpt, long long now)
{
	sqlite3_stmt *st;
	char email[STORE_EMAIL_MAX + 1];
	const char *source;
	struct buf scores = BUF_INIT;
	sqlite3_int64 pid = 0, iid;
	int rc = -1, r;

	if ((st = store_stmt(s, c, ST_INQ_ID)) == NULL)
		goto out;
	store_text(st, 1, v->lead_id);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		goto err;
	sqlite3_reset(st);
	if (r == SQLITE_ROW) {
		rc = 0;
		goto out;
	}

	if (store_email_norm(v->email, email, sizeof(email)) != NULL) {
		if ((st = store_stmt(s, c, ST_PROSPECT_UPSERT)) == NULL)
			goto out;
		store_text(st, 1, email);
		store_text(st, 2, store_domain(email));
		sqlite3_bind_int64(st, 3, now);
		if (store_step_done(st) != 0)
			goto err;
		if ((st = store_stmt(s, c, ST_PROSPECT_ID)) == NULL)
			goto out;
		store_text(st, 1, email);
		if (sqlite3_step(st) != SQLITE_ROW)
			goto err;
		pid = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}

	for (int i = 0; i < v->ncrit && i < VERDICT_MAX_CRIT; i++)
		buf_printf(&scores, "%s%s=%d", i ? " " : "",
			   v->crit[i].name ? v->crit[i].name : "?", v->crit[i].level);
	source = verdict_field(v, s->source_field);
	if (source == NULL || *source == '\0')
		source = rcpt;
	if ((st = store_stmt(s, c, ST_INQ_INSERT)) == NULL)
		goto out;
	store_text_cap(st, 1, v->lead_id, 64);
	if (pid)
		sqlite3_bind_int64(st, 2, pid);
	else
		sqlite3_bind_null(st, 2);
	store_text_cap(st, 3, v->message_id, STORE_VALUE_MAX);
	sqlite3_bind_int64(st, 4, now);
	store_text_cap(st, 5, rcpt, STORE_EMAIL_MAX);
	store_text_cap(st, 6, source, 200);
	store_text_cap(st, 7, v->decision ? v->decision : "unknown", 100);
	if (v->disqualifier && *v->disqualifier)
		store_text_cap(st, 8, v->disqualifier, 100);
	else
		sqlite3_bind_null(st, 8);
	sqlite3_bind_int(st, 9, v->total);
	store_text(st, 10, buf_str(&scores));
	store_text_cap(st, 11, v->subject, STORE_SUBJECT_MAX);
	if (store_step_done(st) != 0)
		goto err;
	iid = sqlite3_last_insert_rowid(c->db);
	if (store_record_parts(s, c, v, iid) != 0)
		goto out;
	rc = 0;
	goto out;
err:
	store_dberr(s, c, "record");
out:
	buf_free(&scores);
	return rc;
}

/* store_record_ok - can v be recorded at all?  (logged if not) */
static int
store_record_ok(struct store *s, const struct verdict *v)
{
	if (v == NULL || v->lead_id == NULL || *v->lead_id == '\0') {
		store_fail(s, "record", "verdict has no lead id");
		return 0;
	}
	return 1;
}

/* store_record_all - a list of jobs in one transaction: 0, or -1 (logged).
 * For a batch, one commit where a commit of its own was a quarter of a
 * record's cost. */
static int
store_record_all(struct store *s, struct store_job *jobs)
{
	struct store_conn *c;
	long long now = 0;
	int rc = -1;

	if ((c = store_get(s, "record")) == NULL)
		return -1;
	if (store_begin(s, &c) != 0)
		goto out;
	for (struct store_job *j = jobs; j != NULL; j = j->next) {
		if (store_record_in(s, c, &j->v, j->rcpt, j->now) != 0)
			goto out;
		if (j->now > now)
			now = j->now;
	}
	if (store_commit(s, c) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		store_rollback(s, c);
	store_put(s, c);
	if (rc == 0) {
		store_ok(s);
		store_purge_maybe(s, now);
	}
	return rc;
}

/* store_record - remember one qualified inquiry, once per lead id */
int
store_record(struct store *s, const struct verdict *v, const char *rcpt,
	     long long now)
{
	struct store_job j;

	if (s == NULL || !store_record_ok(s, v))
		return LM_ESTORE;
	/* a job that lends v and rcpt: store_record_all() only reads them */
	memset(&j, 0, sizeof(j));
	j.v = *v;
	j.rcpt = (char *)(uintptr_t)rcpt;
	j.now = now != 0 ? now : (long long)time(NULL);
	return store_record_all(s, &j) == 0 ? 0 : LM_ESTORE;
}

/* store_record_batch - record a batch of jobs: all in one transaction;
 * if that fails, each in one of its own, so that one bad job does not
 * lose the others */
static void
store_record_batch(struct store *s, struct store_job *jobs)
{
	struct store_job *j;

	if (jobs == NULL)
		return;
	if (jobs->next == NULL || store_record_all(s, jobs) != 0)
		for (j = jobs; j != NULL; j = j->next)
			(void)store_record(s, &j->v, j->rcpt, j->now);
}

/* store_jobs_free - free a list of jobs */
static void
store_jobs_free(struct store_job *jobs)
{
	struct store_job *next;

	for (; jobs != NULL; jobs = next) {
		next = jobs->next;
		verdict_free(&jobs->v);
		free(jobs->rcpt);
		free(jobs);
	}
}

/* store_writer - the writer thread: records queued jobs, up to
 * STORE_BATCH_MAX per transaction, until store_close() stops it with the
 * queue empty */
static void *
store_writer(void *arg)
{
	struct store *s = arg;
	struct store_job *batch, **tail;
	unsigned n;

	pthread_mutex_lock(&s->qmu);
	for (;;) {
		while (s->qhead == NULL && !s->qstop)
			pthread_cond_wait(&s->qwork, &s->qmu);
		if (s->qhead == NULL)
			break;
		batch = s->qhead;
		tail = &batch;
		for (n = 0; *tail != NULL && n < STORE_BATCH_MAX; n++)
			tail = &(*tail)->next;
		s->qhead = *tail;
		*tail = NULL;
		if (s->qhead == NULL)
			s->qtail = &s->qhead;
		s->qlen -= n;
		s->qbusy = 1;
		s->qflight = batch;
		pthread_mutex_unlock(&s->qmu);
		store_record_batch(s, batch);
		pthread_mutex_lock(&s->qmu);
		s->qbusy = 0;
		s->qflight = NULL;
		for (struct store_job *j = batch; j != NULL; j = j->next)
			s->qdone = j->seq;
		/* history readers wait for a job of theirs, store_flush for all */
		pthread_cond_broadcast(&s->qidle);
		pthread_mutex_unlock(&s->qmu);
		store_jobs_free(batch);
		pthread_mutex_lock(&s->qmu);
	}
	pthread_mutex_unlock(&s->qmu);
	return NULL;
}

/* store_record_async - queue *v for the writer thread and take its
 * contents (*v is left empty).  Without a writer, or with the queue full,
 * it is recorded here and now, as store_record() does: the caller waits
 * rather than anything being dropped. */
int
store_record_async(struct store *s, struct verdict *v, const char *rcpt,
		   long long now)
{
	struct store_job *j;
	int rc;

	if (s == NULL)
		return LM_ESTORE;
	if (!store_record_ok(s, v))
		return LM_ESTORE;
	if (now == 0)
		now = (long long)time(NULL);
	pthread_mutex_lock(&s->qmu);
	if (!s->qrun || s->qlen >= STORE_QUEUE_MAX) {
		pthread_mutex_unlock(&s->qmu);
		rc = store_record(s, v, rcpt, now);
		verdict_free(v);
		return rc;
	}
	j = lm_xcalloc(1, sizeof(*j));
	j->v = *v;
	verdict_init(v);
	j->rcpt = rcpt ? lm_xstrdup(rcpt) : NULL;
	j->now = now;
	j->seq = ++s->qseq;
	if (store_email_norm(j->v.email, j->email, sizeof(j->email)) == NULL)
		j->email[0] = '\0';
	*s->qtail = j;
	s->qtail = &j->next;
	s->qlen++;
	pthread_cond_signal(&s->qwork);
	pthread_mutex_unlock(&s->qmu);
	return 0;
}

/* store_flush - wait until every queued inquiry is recorded (or failed) */
void
store_flush(struct store *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&s->qmu);
	while (s->qhead != NULL || s->qbusy)
		pthread_cond_wait(&s->qidle, &s->qmu);
	pthread_mutex_unlock(&s->qmu);
}

/* store_id_of - the id a one-key statement finds: 0 and *id, LM_ENOTFOUND,
 * or LM_ESTORE (logged as "what") */
static int
store_id_of(struct store *s, struct store_conn *c, enum store_st which, const char *key,
	    const char *what, sqlite3_int64 *id)
{
	sqlite3_stmt *st;
	int r;

	if ((st = store_stmt(s, c, which)) == NULL)
		return LM_ESTORE;
	store_text(st, 1, key);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (r != SQLITE_DONE)
		store_dberr(s, c, what);
	sqlite3_reset(st);
	return r == SQLITE_ROW ? 0 : r == SQLITE_DONE ? LM_ENOTFOUND : LM_ESTORE;
}

/* store_feedback - a rep's verdict on a lead: accepted or rejected */
int
store_feedback(struct store *s, const char *lead_id, int accepted,
	       const char *reason, const char *by, long long now)
{
	struct store_conn *c = NULL;
	sqlite3_stmt *st;
	sqlite3_int64 iid;
	int rc = LM_ESTORE, r;

	if (s == NULL)
		return LM_ESTORE;
	if (lead_id == NULL || *lead_id == '\0' || strlen(lead_id) > 64)
		return LM_ENOTFOUND;
	if (now == 0)
		now = (long long)time(NULL);
	/* the lead may be in the writer's queue still */
	store_flush(s);
	if ((c = store_get(s, "feedback")) == NULL)
		goto out;
	if (store_begin(s, &c) != 0)
		goto out;
	if ((r = store_id_of(s, c, ST_INQ_ID, lead_id, "feedback", &iid)) != 0) {
		if (r == LM_ENOTFOUND)
			rc = r;
		goto out;
	}
	if ((st = store_stmt(s, c, ST_FB_UPSERT)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, iid);
	sqlite3_bind_int(st, 2, accepted ? 1 : 0);
	if (reason && *reason)
		store_text_cap(st, 3, reason, STORE_REASON_MAX);
	else
		sqlite3_bind_null(st, 3);
	store_text_cap(st, 4, by, STORE_EMAIL_MAX);
	sqlite3_bind_int64(st, 5, now);
	if (store_step_done(st) != 0)
		goto err;
	if (store_commit(s, c) != 0)
		goto out;
	rc = 0;
	goto out;
err:
	store_dberr(s, c, "feedback");
out:
	if (c != NULL && rc != 0)
		store_rollback(s, c);
	store_put(s, c);
	if (rc == 0 || rc == LM_ENOTFOUND)
		store_ok(s);
	return rc;
}

/* store_checkpoint - push erased pages out of the WAL and truncate it */
static void
store_checkpoint(struct store_conn *c)
{
	/* Best effort: a reader holding the WAL makes this a partial
	 * checkpoint, and the next automatic one finishes the job. */
	(void)sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
					NULL, NULL);
}

/* store_forget - erase a person: facts, links, message ids, reasons */
int
store_forget(struct store *s, const char *email)
{
	struct store_conn *c = NULL;
	char norm[STORE_EMAIL_MAX + 1];
	sqlite3_int64 pid;
	int rc = LM_ESTORE, r;

	if (s == NULL)
		return LM_ESTORE;
	if (store_email_norm(email, norm, sizeof(norm)) == NULL)
		return LM_ENOTFOUND;
	if ((c = store_get(s, "forget")) == NULL)
		goto out;
	if (store_begin(s, &c) != 0)
		goto out;
	if ((r = store_id_of(s, c, ST_PROSPECT_ID, norm, "forget", &pid)) != 0) {
		if (r == LM_ENOTFOUND)
			rc = r;
		goto out;
	}
	if (store_run(s, c, "DELETE FROM fact WHERE inquiry_id IN"
		      " (SELECT id FROM inquiry WHERE prospect_id = ?1)", "i", (long long)pid) < 0
	    || store_run(s, c, "DELETE FROM fact WHERE name = 'email'"
			 " AND lower(value) = ?1", "t", norm) < 0
	    || store_run(s, c, "UPDATE feedback SET reason = NULL WHERE inquiry_id IN"
			 " (SELECT id FROM inquiry WHERE prospect_id = ?1)", "i", (long long)pid) < 0
	    || store_run(s, c, "UPDATE inquiry SET lead_id = '-' || id, message_id = '',"
			 " subject = NULL, prospect_id = NULL WHERE prospect_id = ?1",
			 "i", (long long)pid) < 0
	    || store_run(s, c, "DELETE FROM prospect WHERE id = ?1", "i", (long long)pid) < 0)
		goto out;
	if (store_commit(s, c) != 0)
		goto out;
	store_checkpoint(c);
	rc = 0;
out:
	if (c != NULL && rc != 0)
		store_rollback(s, c);
	store_put(s, c);
	if (rc == 0 || rc == LM_ENOTFOUND)
		store_ok(s);
	return rc;
}

/* store_purge - apply the retention period; returns inquiries unlinked */
int
store_purge(struct store *s, long long now)
{
	struct store_conn *c = NULL;
	long long cutoff;
	long n = 0;
	int rc = LM_ESTORE;

	if (s == NULL)
		return LM_ESTORE;
	if (s->retention <= 0)
		return 0;
	if (now == 0)
		now = (long long)time(NULL);
	cutoff = now - s->retention;
	if ((c = store_get(s, "purge")) == NULL)
		goto out;
	if (store_begin(s, &c) != 0)
		goto out;
	if (store_run(s, c, "DELETE FROM fact WHERE inquiry_id IN"
		      " (SELECT id FROM inquiry WHERE received < ?1)", "i", cutoff) < 0
	    || store_run(s, c, "UPDATE feedback SET reason = NULL"
			 " WHERE reason IS NOT NULL AND inquiry_id IN"
			 " (SELECT id FROM inquiry WHERE received < ?1)", "i", cutoff) < 0)
		goto out;
	n = store_run(s, c, "UPDATE inquiry SET lead_id = '-' || id, message_id = '',"
		      " subject = NULL, prospect_id = NULL"
		      " WHERE received < ?1 AND substr(lead_id, 1, 1) <> '-'", "i", cutoff);
	if (n < 0)
		goto out;
	if (store_run(s, c, "DELETE FROM prospect WHERE last_seen < ?1 AND NOT EXISTS"
		      " (SELECT 1 FROM inquiry i WHERE i.prospect_id = prospect.id)",
		      "i", cutoff) < 0)
		goto out;
	if (store_commit(s, c) != 0)
		goto out;
	if (n > 0) {
		store_checkpoint(c);
		log_info("store %s: retention: %ld inquiries before %lld unlinked"
			 " from their senders", s->path, n, cutoff);
	}
	rc = n > INT_MAX ? INT_MAX : (int)n;
out:
	if (c != NULL && rc < 0)
		store_rollback(s, c);
	store_put(s, c);
	if (rc >= 0)
		store_ok(s);
	return rc;
}

/* ---- read side ---------------------------------------------------------- */

/* store_coldup - a column as a malloc'd string, NULL as "" */
static char *
store_coldup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return lm_xstrdup(t ? (const char *)t : "");
}

/* store_counts - run a (key, decision, n, accepted, rejected) query */
static int
store_counts(sqlite3 *db, const char *sql, long long since,
	     struct store_count **out, size_t *nout)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r, rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, since);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_count *k;

		if (*nout == cap) {
			cap = cap ? cap * 2 : 16;
			*out = lm_xrealloc(*out, cap * sizeof(**out));
		}
		k = &(*out)[(*nout)++];
		k->key = store_coldup(st, 0);
		k->decision = store_coldup(st, 1);
		k->n = (long)sqlite3_column_int64(st, 2);
		k->accepted = (long)sqlite3_column_int64(st, 3);
		k->rejected = (long)sqlite3_column_int64(st, 4);
	}
	rc = r == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* store_reasons - feedback reasons, most frequent first */
static int
store_reasons(sqlite3 *db, long long since, struct store_report *r)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int x, rc = -1;

	if (sqlite3_prepare_v2(db,
		"SELECT i.source, fb.accepted, lower(trim(fb.reason)), count(*)"
		" FROM feedback fb JOIN inquiry i ON i.id = fb.inquiry_id"
		" WHERE i.received >= ?1 AND fb.reason IS NOT NULL"
		" AND trim(fb.reason) <> ''"
		" GROUP BY 1, 2, 3 ORDER BY 4 DESC, 2, 3, 1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, since);
	while ((x = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_reason *k;

		if (r->nreasons == cap) {
			cap = cap ? cap * 2 : 16;
			r->reasons = lm_xrealloc(r->reasons, cap * sizeof(*r->reasons));
		}
		k = &r->reasons[r->nreasons++];
		k->source = store_coldup(st, 0);
		k->accepted = sqlite3_column_int(st, 1);
		k->reason = store_coldup(st, 2);
		k->n = (long)sqlite3_column_int64(st, 3);
	}
	rc = x == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* store_scalar - one integer from a query bound to (since, a, b) */
static int
store_scalar(sqlite3 *db, const char *sql, long long since, const char *a,
	     const char *b, long *val)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, since);
	if (sqlite3_bind_parameter_count(st) >= 2)
		store_text(st, 2, a);
	if (sqlite3_bind_parameter_count(st) >= 3)
		store_text(st, 3, b);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	*val = (long)sqlite3_column_int64(st, 0);
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

/* store_report - everything leadctl report shows, for inquiries since */
int
store_report(struct store *s, long long since, struct store_report *r)
{
	struct store_conn *c = NULL;
	int rc = LM_ESTORE;

	memset(r, 0, sizeof(*r));
	r->since = since;
	if (s == NULL)
		return LM_ESTORE;
	if ((c = store_get(s, "report")) == NULL)
		goto out;
	/* One read transaction: every figure from the same snapshot. */
	if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto err;
	if (store_counts(c->db,
		"SELECT i.source, i.decision, count(*),"
		" coalesce(sum(fb.accepted = 1), 0), coalesce(sum(fb.accepted = 0), 0)"
		" FROM inquiry i LEFT JOIN feedback fb ON fb.inquiry_id = i.id"
		" WHERE i.received >= ?1 GROUP BY 1, 2 ORDER BY 1, 2",
		since, &r->by_source, &r->nsource) != 0
	    || store_counts(c->db,
		"SELECT r.name, i.decision, count(*),"
		" coalesce(sum(fb.accepted = 1), 0), coalesce(sum(fb.accepted = 0), 0)"
		" FROM hit h JOIN rule r ON r.id = h.rule_id"
		" JOIN inquiry i ON i.id = h.inquiry_id"
		" LEFT JOIN feedback fb ON fb.inquiry_id = i.id"
		" WHERE i.received >= ?1 GROUP BY 1, 2 ORDER BY 1, 2",
		since, &r->by_rule, &r->nrule) != 0
	    || store_counts(c->db,
		"SELECT t.tag, i.decision, count(*),"
		" coalesce(sum(fb.accepted = 1), 0), coalesce(sum(fb.accepted = 0), 0)"
		" FROM tag t JOIN inquiry i ON i.id = t.inquiry_id"
		" LEFT JOIN feedback fb ON fb.inquiry_id = i.id"
		" WHERE i.received >= ?1 GROUP BY 1, 2 ORDER BY 1, 2",
		since, &r->by_tag, &r->ntag) != 0
	    || store_reasons(c->db, since, r) != 0
	    || store_scalar(c->db,
		"SELECT count(*) FROM inquiry WHERE received >= ?1",
		since, NULL, NULL, &r->inquiries) != 0
	    || store_scalar(c->db,
		"SELECT count(DISTINCT prospect_id) FROM inquiry"
		" WHERE received >= ?1 AND decision = ?2 AND prospect_id IS NOT NULL",
		since, s->nurture, NULL, &r->nurtured) != 0
	    || store_scalar(c->db,
		"SELECT count(DISTINCT n.prospect_id) FROM inquiry n"
		" JOIN inquiry l ON l.prospect_id = n.prospect_id"
		" AND l.received > n.received AND l.decision = ?3"
		" WHERE n.received >= ?1 AND n.decision = ?2",
		since, s->nurture, s->sales, &r->hand_raisers) != 0)
		goto err;
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	rc = 0;
	goto out;
err:
	store_dberr(s, c, "report");
out:
	if (c != NULL && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	store_put(s, c);
	if (rc != 0)
		store_report_free(r);
	else
		store_ok(s);
	return rc;
}

/* store_counts_free - free an array of counts */
static void
store_counts_free(struct store_count *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(k[i].key);
		free(k[i].decision);
	}
	free(k);
}

/* store_report_free - free what store_report filled */
void
store_report_free(struct store_report *r)
{
	if (r == NULL)
		return;
	store_counts_free(r->by_source, r->nsource);
	store_counts_free(r->by_rule, r->nrule);
	store_counts_free(r->by_tag, r->ntag);
	for (size_t i = 0; i < r->nreasons; i++) {
		free(r->reasons[i].source);
		free(r->reasons[i].reason);
	}
	free(r->reasons);
	memset(r, 0, sizeof(*r));
}

/* store_facts_load - the facts of one inquiry, in the order seen */
static int
store_facts_load(sqlite3 *db, sqlite3_int64 iid, struct store_inquiry *q)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r, rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT name, value, origin, rule FROM fact"
			       " WHERE inquiry_id = ?1 ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, iid);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_fact *f;

		if (q->nfacts == cap) {
			cap = cap ? cap * 2 : 8;
			q->facts = lm_xrealloc(q->facts, cap * sizeof(*q->facts));
		}
		f = &q->facts[q->nfacts++];
		f->name = store_coldup(st, 0);
		f->value = store_coldup(st, 1);
		f->origin = store_coldup(st, 2);
		f->rule = store_coldup(st, 3);
		f->seen = q->received;
	}
	rc = r == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* store_prospect_load - one prospect by row id, with every inquiry */
static int
store_prospect_load(sqlite3 *db, sqlite3_int64 pid, struct store_prospect *p)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int r, rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT email, domain, first_seen, last_seen"
			       " FROM prospect WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, pid);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	p->email = store_coldup(st, 0);
	p->domain = store_coldup(st, 1);
	p->first_seen = sqlite3_column_int64(st, 2);
	p->last_seen = sqlite3_column_int64(st, 3);
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db,
		"SELECT i.id, i.lead_id, i.message_id, i.rcpt, i.source, i.decision,"
		" coalesce(i.disqualifier, ''), coalesce(i.subject, ''), i.scores,"
		" coalesce((SELECT group_concat(tag, ',') FROM"
		"  (SELECT tag FROM tag WHERE inquiry_id = i.id ORDER BY tag)), ''),"
		" coalesce((SELECT group_concat(name, ',') FROM"
		"  (SELECT r.name FROM hit h JOIN rule r ON r.id = h.rule_id"
		"   WHERE h.inquiry_id = i.id ORDER BY r.name)), ''),"
		" i.received, i.total, coalesce(fb.accepted, -1),"
		" coalesce(fb.reason, ''), coalesce(fb.reporter, ''), coalesce(fb.at, 0)"
		" FROM inquiry i LEFT JOIN feedback fb ON fb.inquiry_id = i.id"
		" WHERE i.prospect_id = ?1 ORDER BY i.received DESC, i.id DESC",
		-1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, pid);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_inquiry *q;

		if (p->ninq == cap) {
			cap = cap ? cap * 2 : 4;
			p->inq = lm_xrealloc(p->inq, cap * sizeof(*p->inq));
		}
		q = &p->inq[p->ninq++];
		memset(q, 0, sizeof(*q));
		q->lead_id = store_coldup(st, 1);
		q->message_id = store_coldup(st, 2);
		q->rcpt = store_coldup(st, 3);
		q->source = store_coldup(st, 4);
		q->decision = store_coldup(st, 5);
		q->disqualifier = store_coldup(st, 6);
		q->subject = store_coldup(st, 7);
		q->scores = store_coldup(st, 8);
		q->tags = store_coldup(st, 9);
		q->rules = store_coldup(st, 10);
		q->received = sqlite3_column_int64(st, 11);
		q->total = sqlite3_column_int(st, 12);
		q->feedback = sqlite3_column_int(st, 13);
		q->reason = store_coldup(st, 14);
		q->feedback_by = store_coldup(st, 15);
		q->feedback_at = sqlite3_column_int64(st, 16);
		if (store_facts_load(db, sqlite3_column_int64(st, 0), q) != 0)
			goto out;
	}
	rc = r == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* store_prospect_get - everything known about one address */
int
store_prospect_get(struct store *s, const char *email, struct store_prospect *p)
{
	struct store_conn *c = NULL;
	char norm[STORE_EMAIL_MAX + 1];
	sqlite3_int64 pid;
	int rc = LM_ESTORE, r;

	memset(p, 0, sizeof(*p));
	if (s == NULL)
		return LM_ESTORE;
	if (store_email_norm(email, norm, sizeof(norm)) == NULL)
		return LM_ENOTFOUND;
	if ((c = store_get(s, "prospect")) == NULL)
		goto out;
	if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto err;
	if ((r = store_id_of(s, c, ST_PROSPECT_ID, norm, "prospect", &pid)) != 0) {
		if (r == LM_ENOTFOUND)
			rc = r;
		goto out;
	}
	if (store_prospect_load(c->db, pid, p) != 0)
		goto err;
	rc = 0;
	goto out;
err:
	store_dberr(s, c, "prospect");
out:
	if (c != NULL && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	store_put(s, c);
	if (rc != 0)
		store_prospect_free(p);
	if (rc == 0 || rc == LM_ENOTFOUND)
		store_ok(s);
	return rc;
}

/* store_prospect_free - free what store_prospect_get filled */
void
store_prospect_free(struct store_prospect *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->ninq; i++) {
		struct store_inquiry *q = &p->inq[i];

		free(q->lead_id);
		free(q->message_id);
		free(q->rcpt);
		free(q->source);
		free(q->decision);
		free(q->disqualifier);
		free(q->subject);
		free(q->scores);
		free(q->tags);
		free(q->rules);
		free(q->reason);
		free(q->feedback_by);
		for (size_t j = 0; j < q->nfacts; j++) {
			free(q->facts[j].name);
			free(q->facts[j].value);
			free(q->facts[j].origin);
			free(q->facts[j].rule);
		}
		free(q->facts);
	}
	free(p->inq);
	free(p->email);
	free(p->domain);
	memset(p, 0, sizeof(*p));
}

/* store_export - call fn for every prospect seen since, oldest first;
 * decision (or NULL) keeps those whose latest inquiry was decided so */
int
store_export(struct store *s, long long since, const char *decision,
	     store_export_fn fn, void *ctx)
{
	struct store_conn *c = NULL;
	struct store_prospect p;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 *ids = NULL;
	size_t n = 0, cap = 0;
	int rc = LM_ESTORE, r;

	memset(&p, 0, sizeof(p));
	if (s == NULL)
		return LM_ESTORE;
	if ((c = store_get(s, "export")) == NULL)
		goto out;
	if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto err;
	if (sqlite3_prepare_v2(c->db,
		"SELECT id FROM (SELECT p.id AS id, p.last_seen AS seen,"
		" (SELECT i.decision FROM inquiry i WHERE i.prospect_id = p.id"
		"  ORDER BY i.received DESC, i.id DESC LIMIT 1) AS decision"
		" FROM prospect p WHERE p.last_seen >= ?1)"
		" WHERE decision IS NOT NULL AND (?2 IS NULL OR decision = ?2)"
		" ORDER BY seen, id", -1, &st, NULL) != SQLITE_OK)
		goto err;
	sqlite3_bind_int64(st, 1, since);
	if (decision)
		store_text(st, 2, decision);
	else
		sqlite3_bind_null(st, 2);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			ids = lm_xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (r != SQLITE_DONE)
		goto err;
	for (size_t i = 0; i < n; i++) {
		if (store_prospect_load(c->db, ids[i], &p) != 0)
			goto err;
		r = fn(ctx, &p);
		store_prospect_free(&p);
		if (r != 0)
			break;
	}
	rc = 0;
	goto out;
err:
	store_dberr(s, c, "export");
out:
	sqlite3_finalize(st);
	if (c != NULL && !sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	store_put(s, c);
	store_prospect_free(&p);
	free(ids);
	if (rc == 0)
		store_ok(s);
	return rc;
}
