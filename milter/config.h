/*
 * config - the leadmilter configuration: one key table, one Key value loader
 *
 * DESCRIPTION  config_table[] lists every key with its type, default and a
 *              one-line description; the loader, leadmilter -n, the sample
 *              configuration and leadmilter.conf(5) all follow it, and
 *              tests/check_config.c checks that the documents name every
 *              key.  config_load() reads an OpenDKIM-style file: one
 *              "Key value" per line, keys matched case-insensitively, "#"
 *              starting a comment at the start of a line or after white
 *              space.  Unknown keys, bad values and duplicate keys are
 *              errors.  Defaults live in the table only.
 *              The parsed values land in the public fields of struct
 *              config (read-only for callers); config_get() returns the
 *              text of any key as written (or its default), for tools that
 *              want a key by name.
 * LIMITS       No includes, no line continuations.  Relative paths
 *              (Rules, StoreFile, PidFile) are taken relative to the
 *              directory of the configuration file.
 * DIAGNOSTICS  0, or LM_EIO (file unreadable) / LM_ESYNTAX (bad content)
 *              with err = "file:line:col: cause".  Loading is all or
 *              nothing: on error *out is untouched.
 * OWNERSHIP    config_load() gives the caller a struct config that
 *              config_free() releases; strings in it live as long as it.
 * THREADS      A loaded config is immutable: any number of threads may
 *              read it, and config_inquiry_match() may run concurrently.
 * SEE ALSO     leadmilter.conf(5), log(3) for SyslogFacility names
 */
#ifndef LM_CONFIG_H
#define LM_CONFIG_H

#include <stddef.h>

#include "buf.h"
#include "lm.h"

enum config_type {
	CONFIG_TYPE_STRING,	/* any text */
	CONFIG_TYPE_PATH,	/* a file or directory name */
	CONFIG_TYPE_BOOLEAN,	/* yes|no, true|false, on|off, 1|0 */
	CONFIG_TYPE_INTEGER,	/* a non-negative decimal number */
	CONFIG_TYPE_SIZE,	/* bytes, with an optional k, M or G suffix */
	CONFIG_TYPE_DURATION,	/* seconds, with an optional s/m/h/d/w suffix */
	CONFIG_TYPE_OCTAL,	/* permission bits such as 007 */
	CONFIG_TYPE_CHOICE,	/* one word of the key's choices */
	CONFIG_TYPE_FACILITY,	/* a syslog facility name */
	CONFIG_TYPE_MAILBOX,	/* local@domain */
	CONFIG_TYPE_SOCKET,	/* a libmilter socket specification */
	CONFIG_TYPE_ADDRLIST,	/* inquiry address patterns */
	CONFIG_TYPE_SUBJECTTAG	/* no, yes or a tag format */
};

/* One key of the table. */
struct config_key {
	const char *name;	/* CamelCase, as documented */
	int type;		/* enum config_type */
	const char *def;	/* default as it would be written; "" = unset */
	size_t offset;		/* of the parsed value in struct config */
	const char *choices;	/* CONFIG_TYPE_CHOICE: "annotate|route" */
	const char *doc;	/* one line for leadmilter.conf(5) */
};

extern const struct config_key config_table[];
extern const size_t config_nkeys;

enum { CONFIG_MODE_ANNOTATE = 0, CONFIG_MODE_ROUTE = 1 };
enum { CONFIG_ONERROR_ACCEPT = 0, CONFIG_ONERROR_TEMPFAIL = 1 };
enum { CONFIG_FEEDBACK_ACCEPT = 0, CONFIG_FEEDBACK_DISCARD = 1 };

/* The subject tag used by "SubjectTag yes". */
#define CONFIG_SUBJECT_TAG_DEFAULT "[lead %t/%m %g]"

struct config_addrlist;		/* compiled InquiryAddresses */

struct config {
	char *path;		/* the file it came from, "" for defaults only */

	char *socket;		/* Socket */
	char *pid_file;		/* PidFile, "" = none */
	char *user_id;		/* UserID "user[:group]", "" = keep */
	int umask;		/* UMask, for local sockets */
	int syslog;		/* Syslog */
	int syslog_facility;	/* SyslogFacility, a LOG_* value */

	char *rules;		/* Rules, "" = the compiled-in rules */
	struct config_addrlist *inquiry;	/* InquiryAddresses */
	int mode;		/* CONFIG_MODE_* */
	int dry_run;		/* DryRun */
	int on_error;		/* CONFIG_ONERROR_* */
	size_t max_scan_size;	/* MaxScanSize, bytes */
	char *sales_mailbox;	/* "" = leave the recipients */
	char *nurture_mailbox;
	char *archive_mailbox;
	char *subject_tag;	/* a format, or NULL for none */
	int body_summary;	/* BodySummary */

	char *store_file;	/* StoreFile, "" = no store */
	long long store_busy_timeout;	/* StoreBusyTimeout, milliseconds */
	int store_link_domain;	/* StoreLinkDomain */
	long long history_max_age;	/* HistoryMaxAge, seconds, 0 = no limit */
	long long retention;	/* Retention, seconds, 0 = keep forever */
	char *feedback_address;	/* FeedbackAddress, "" = none */
	int feedback_action;	/* CONFIG_FEEDBACK_* */

	int test_failure;	/* TestFailure: force an internal error */
	long long workers;	/* Workers, 0 = two per CPU: see config_workers() */

	char **raw;		/* per key: the value as written, or NULL */
	unsigned *line;		/* per key: where it was set, 0 = default */
};

int config_load(const char *path, struct config **out, struct lm_err *err);
void config_free(struct config *cfg);
int config_set(struct config *cfg, const char *key, const char *value,
	       const char *origin, struct lm_err *err);

const struct config_key *config_key_find(const char *name);
const char *config_get(const struct config *cfg, const char *key);
void config_write(const struct config *cfg, int all, struct buf *out);

unsigned config_workers(const struct config *cfg);
int config_inquiry_match(const struct config *cfg, const char *rcpt);

#endif
