/*
 * store - the prospect store: memory across inquiries, feedback, reports
 *
 * DESCRIPTION  One SQLite file (WAL, busy timeout, foreign keys on, schema
 *              version in PRAGMA user_version, migrated forward by
 *              store_open()).  Prospects are keyed by normalised e-mail
 *              address and linked by company domain; every inquiry is kept
 *              with its Message-ID, time, inquiry address, source,
 *              decision, scores, tags and the rules that fired; every
 *              extracted fact with where (zone, rule) and when it was seen.
 *   store_open     open or create the file and migrate its schema.
 *   store_history  an engine_history_fn: what the store knows about the
 *                  verdict's prospect (seen, nurtured, facts newest first).
 *   store_record   remember a qualified inquiry; idempotent on lead_id, so
 *                  an MTA retry or a second milter pass is recorded once
 *                  (and, being excluded by store_history, is no repeat).
 *   store_record_async  the same, by a writer thread (opts.async) that
 *                  records what queued up in one transaction, up to
 *                  STORE_BATCH_MAX at a time: the caller (the milter,
 *                  before its reply to the MTA) waits for neither the
 *                  write lock nor the commit.  With STORE_QUEUE_MAX
 *                  waiting, the caller records itself.  store_history
 *                  waits for the prospect's (or, linked, its company's)
 *                  inquiries still queued, so a repeat is never missed.
 *   store_flush    wait for the queue to be written (store_feedback and
 *                  store_close do).
 *   store_feedback a sales rep's accepted/rejected for a lead id.
 *   store_forget   erase a person (GDPR Art. 17); store_purge applies the
 *                  retention period (also run by store_record once an hour).
 *   store_report, store_export, store_prospect_get  read side for leadctl.
 * THREADS      A connection pool: every call borrows a connection of its
 *              own for its duration and returns it, so threads never share
 *              a sqlite3 handle (connections are opened SQLITE_OPEN_NOMUTEX
 *              and need no SQLite mutex).  Chosen over one FULLMUTEX
 *              connection because readers in WAL mode then run in
 *              parallel with the writer, and because a caller stuck in the
 *              busy handler holds only its own connection: with one shared
 *              connection, N queued threads would each wait out the busy
 *              timeout in turn.  Writers of one process queue on a mutex
 *              (handed over at once, where SQLite's busy handler polls with
 *              sleeps), waiting at most the busy timeout for it; writers
 *              of other processes (leadctl) meet at SQLite's lock (BEGIN
 *              IMMEDIATE + busy timeout), and share one connection whose
 *              page cache stays valid between their transactions.  At
 *              most STORE_POOL_MAX connections are open: writers queue
 *              anyway, and each holds a page cache; a caller that finds
 *              them all busy waits for one, at most the busy timeout, then
 *              opens another.  store_open() and store_close() are not
 *              concurrent with anything else on the same store.
 * FAILURE      Nothing here may cost a message.  A missing, locked,
 *              read-only or full store makes the call return LM_ESTORE
 *              after at most the busy timeout; the caller qualifies without
 *              history.  Failures are logged with log_error() at most once
 *              per STORE_LOG_INTERVAL seconds (with a count of the ones not
 *              logged), and once with log_info() when the store works
 *              again.  A connection that failed is closed, not pooled.
 *              With opts.lazy, store_open() succeeds even when the file
 *              cannot be opened yet: every call then retries the open.
 * DURABILITY   synchronous=NORMAL in WAL mode: a committed inquiry survives
 *              a crash of leadmilter; a power loss may lose the last few.
 *              Queued inquiries (store_record_async) are written by
 *              store_close(); a crash loses them.
 * OWNERSHIP    Strings in struct store_opts are copied.  Facts handed out
 *              by store_history() belong to the struct store_query and stay
 *              valid until store_query_free().  struct store_report and
 *              struct store_prospect own their strings; free them with
 *              store_report_free() / store_prospect_free().
 * SEE ALSO     engine(3), feedback(3), leadctl(1)
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include "lm.h"
#include "engine.h"
#include "verdict.h"

#define STORE_SCHEMA_VERSION	2
#define STORE_BUSY_TIMEOUT_MS	2000	/* default busy timeout */
#define STORE_LOG_INTERVAL	60	/* seconds between two failure lines */
#define STORE_PURGE_INTERVAL	3600	/* store_record runs purge this often */
#define STORE_POOL_MAX		4	/* connections open at once, normally */
#define STORE_MAX_FACTS		256	/* facts store_history hands out */
#define STORE_QUEUE_MAX		1024	/* inquiries queued for the writer */
#define STORE_BATCH_MAX		64	/* inquiries per writer transaction */

/* Defaults for the comma-separated name lists in struct store_opts. */
#define STORE_AGED_FIELDS	"timeframe"
#define STORE_DOMAIN_FIELDS	"company,employees,industry,country"
#define STORE_SOURCE_FIELD	"source"
#define STORE_NURTURE		"nurture"
#define STORE_SALES		"sales"

struct store_opts {
	const char *path;		/* the SQLite file */
	int busy_timeout_ms;		/* 0: STORE_BUSY_TIMEOUT_MS */
	int link_domain;		/* colleagues share company facts */
	long long fact_max_age_s;	/* aged facts older than this are not
					 * returned; 0: no limit */
	long long retention_s;		/* personal data older than this is
					 * purged; 0: keep */
	int lazy;			/* open may fail now, retried per call */
	int no_create;			/* the file must exist (leadctl) */
	int async;			/* a writer thread for store_record_async */
	const char *aged_fields;	/* NULL: STORE_AGED_FIELDS */
	const char *domain_fields;	/* NULL: STORE_DOMAIN_FIELDS */
	const char *source_field;	/* NULL: STORE_SOURCE_FIELD */
	const char *nurture_decision;	/* NULL: STORE_NURTURE */
	const char *sales_decision;	/* NULL: STORE_SALES */
};

struct store;

int store_open(const struct store_opts *o, struct store **out,
	       struct lm_err *err);
void store_close(struct store *s);

/* One history lookup; lives as long as the engine uses its facts. */
struct store_query {
	struct store *s;
	long long now;
	struct engine_fact *facts;	/* owned, with their strings */
	size_t nfacts;
};

void store_query_init(struct store_query *q, struct store *s, long long now);
void store_query_free(struct store_query *q);
int store_history(void *q, const struct verdict *v, struct engine_history *out);

int store_record_async(struct store *s, struct verdict *v, const char *rcpt,
		       long long now);
void store_flush(struct store *s);
int store_record(struct store *s, const struct verdict *v, const char *rcpt,
		 long long now);
int store_feedback(struct store *s, const char *lead_id, int accepted,
		   const char *reason, const char *by, long long now);
int store_forget(struct store *s, const char *email);
int store_purge(struct store *s, long long now);

/* Counters for status output and tests. */
struct store_stats {
	unsigned long failures;		/* calls that returned LM_ESTORE */
	unsigned long logged;		/* failure lines written */
};
void store_stats_get(struct store *s, struct store_stats *st);

/* Normalise an address into out (lower case, no <>, no blanks);
 * returns out, or NULL if it does not look like local@domain. */
char *store_email_norm(const char *in, char *out, size_t outsz);
/* Is this a free-mail domain (no company to link colleagues by)? */
int store_freemail(const char *domain);

/* ---- read side, for leadctl ------------------------------------------- */

/* (key, decision) rows; key is a source, a rule or a tag name. */
struct store_count {
	char *key;
	char *decision;
	long n;			/* inquiries */
	long accepted;		/* of them, accepted by sales */
	long rejected;		/* of them, rejected by sales */
};

struct store_reason {
	char *source;
	int accepted;		/* reason given for accepting (1) or rejecting */
	char *reason;		/* lower case, trimmed */
	long n;
};

struct store_report {
	long long since;
	long inquiries;
	struct store_count *by_source;	/* sorted by key, decision */
	size_t nsource;
	struct store_count *by_rule;
	size_t nrule;
	struct store_count *by_tag;
	size_t ntag;
	struct store_reason *reasons;	/* most frequent first */
	size_t nreasons;
	long nurtured;		/* prospects decided nurture since */
	long hand_raisers;	/* of them, a later inquiry went to sales */
};

int store_report(struct store *s, long long since, struct store_report *r);
void store_report_free(struct store_report *r);

struct store_fact {
	char *name;
	char *value;
	char *origin;		/* zone or "header" */
	char *rule;
	long long seen;
};

struct store_inquiry {
	char *lead_id;
	char *message_id;
	char *rcpt;
	char *source;
	char *decision;
	char *disqualifier;	/* "" if none */
	char *subject;		/* "" once purged */
	char *scores;		/* "need=3 timeframe=2 ..." */
	char *tags;		/* comma-separated */
	char *rules;		/* rules that fired, comma-separated */
	long long received;
	int total;
	int feedback;		/* -1 none, 0 rejected, 1 accepted */
	char *reason;		/* "" if none */
	char *feedback_by;
	long long feedback_at;
	struct store_fact *facts;
	size_t nfacts;
};

struct store_prospect {
	char *email;
	char *domain;
	long long first_seen;
	long long last_seen;
	struct store_inquiry *inq;	/* newest first */
	size_t ninq;
};

int store_prospect_get(struct store *s, const char *email,
		       struct store_prospect *p);
void store_prospect_free(struct store_prospect *p);

/* Called once per prospect, with everything known; non-zero stops. */
typedef int (*store_export_fn)(void *ctx, const struct store_prospect *p);
int store_export(struct store *s, long long since, const char *decision,
		 store_export_fn fn, void *ctx);

#endif
