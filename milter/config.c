/*
 * config - the leadmilter configuration: one key table, one Key value loader
 *
 * DESCRIPTION  See config.h.  config_table[] is the only place a key, its
 *              type or its default is written down; the parsers below turn
 *              the text of a value into the field the table points at.
 *              Defaults are parsed by the same code as file values, so a
 *              bad default fails every test at once.
 * LIMITS       Lines longer than CONFIG_MAX_LINE bytes are an error.  No
 *              includes and no environment variables in values.
 * DIAGNOSTICS  "file:line:col: cause" in struct lm_err; the column is the
 *              key's for key errors and the value's for value errors.
 * SEE ALSO     leadmilter.conf(5), opendkim/config.c (the model)
 */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "config.h"
#include "log.h"

#define CONFIG_MAX_LINE	8192	/* a config line, bytes */
#define CONFIG_MAX_ADDR	512	/* an address we try to match, bytes */
#define CONFIG_MAX_SIZE	(256LL << 20)	/* a size value, bytes */
#define CONFIG_OFF(f)	offsetof(struct config, f)

/* Sorted by name; leadmilter.conf(5) and the sample follow this order. */
const struct config_key config_table[] = {
	{ "ArchiveMailbox", CONFIG_TYPE_MAILBOX, "", CONFIG_OFF(archive_mailbox), NULL,
	  "Mode route: mailbox for archived inquiries whose disqualifier names no mailbox; unset keeps their recipients" },
	{ "BodySummary", CONFIG_TYPE_BOOLEAN, "no", CONFIG_OFF(body_summary), NULL,
	  "prepend a short summary block to the body of single-part text/plain inquiries" },
	{ "DryRun", CONFIG_TYPE_BOOLEAN, "no", CONFIG_OFF(dry_run), NULL,
	  "qualify and log, but change nothing except one X-Lead-DryRun header" },
	{ "FeedbackAction", CONFIG_TYPE_CHOICE, "accept", CONFIG_OFF(feedback_action), "accept|discard",
	  "after recording a feedback message: deliver it (accept) or drop it (discard)" },
	{ "FeedbackAddress", CONFIG_TYPE_MAILBOX, "", CONFIG_OFF(feedback_address), NULL,
	  "address that receives verdict corrections for the store; unset: none" },
	{ "HistoryMaxAge", CONFIG_TYPE_DURATION, "90d", CONFIG_OFF(history_max_age), NULL,
	  "remembered facts that go stale (a stated timeframe) count as history for this long; 0: always" },
	{ "InquiryAddresses", CONFIG_TYPE_ADDRLIST, "sales@, info@, webform@", CONFIG_OFF(inquiry), NULL,
	  "recipients that make a message an inquiry: local@ (any domain), local@domain, @domain or /regex/, comma-separated" },
	{ "MaxScanSize", CONFIG_TYPE_SIZE, "1M", CONFIG_OFF(max_scan_size), NULL,
	  "larger inquiries are not scanned and pass with X-Lead-Skipped: size" },
	{ "Mode", CONFIG_TYPE_CHOICE, "annotate", CONFIG_OFF(mode), "annotate|route",
	  "annotate adds X-Lead-* headers; route also replaces the inquiry recipients with the decision's mailbox" },
	{ "NurtureMailbox", CONFIG_TYPE_MAILBOX, "", CONFIG_OFF(nurture_mailbox), NULL,
	  "Mode route: mailbox for nurture decisions; unset keeps the recipients" },
	{ "OnError", CONFIG_TYPE_CHOICE, "accept", CONFIG_OFF(on_error), "accept|tempfail",
	  "on an internal error, timeout or resource problem: pass the message unchanged (accept) or tempfail it" },
	{ "PidFile", CONFIG_TYPE_PATH, "", CONFIG_OFF(pid_file), NULL,
	  "write the process id to this file; unset: none" },
	{ "Retention", CONFIG_TYPE_DURATION, "730d", CONFIG_OFF(retention), NULL,
	  "the store forgets inquiries older than this; 0 keeps them forever" },
	{ "Rules", CONFIG_TYPE_PATH, "", CONFIG_OFF(rules), NULL,
	  "rule file, or directory of *.rules files; unset: the rules compiled into leadmilter" },
	{ "SalesMailbox", CONFIG_TYPE_MAILBOX, "", CONFIG_OFF(sales_mailbox), NULL,
	  "Mode route: mailbox for sales decisions; unset keeps the recipients" },
	{ "Socket", CONFIG_TYPE_SOCKET, "local:/run/leadmilter/leadmilter.sock", CONFIG_OFF(socket), NULL,
	  "where to listen: local:/path, unix:/path, inet:port@host or inet6:port@host" },
	{ "StoreBusyTimeout", CONFIG_TYPE_INTEGER, "2000", CONFIG_OFF(store_busy_timeout), NULL,
	  "milliseconds to wait for a locked store before qualifying without history" },
	{ "StoreFile", CONFIG_TYPE_PATH, "", CONFIG_OFF(store_file), NULL,
	  "SQLite prospect store; unset: no history is read or recorded" },
	{ "StoreLinkDomain", CONFIG_TYPE_BOOLEAN, "no", CONFIG_OFF(store_link_domain), NULL,
	  "also count earlier inquiries from the same company domain (never a free-mail domain) as history" },
	{ "SubjectTag", CONFIG_TYPE_SUBJECTTAG, "no", CONFIG_OFF(subject_tag), NULL,
	  "no, yes (" CONFIG_SUBJECT_TAG_DEFAULT ") or a format: %d decision, %t total, %m maximum, %g tags, %% percent" },
	{ "Syslog", CONFIG_TYPE_BOOLEAN, "yes", CONFIG_OFF(syslog), NULL,
	  "log to syslog" },
	{ "SyslogFacility", CONFIG_TYPE_FACILITY, "mail", CONFIG_OFF(syslog_facility), NULL,
	  "syslog facility: mail, daemon, user or local0 to local7" },
	{ "TestFailure", CONFIG_TYPE_BOOLEAN, "no", CONFIG_OFF(test_failure), NULL,
	  "for testing only: every inquiry hits a forced internal error, handled as OnError says" },
	{ "UMask", CONFIG_TYPE_OCTAL, "007", CONFIG_OFF(umask), NULL,
	  "permission bits masked off a local socket when it is created" },
	{ "UserID", CONFIG_TYPE_STRING, "", CONFIG_OFF(user_id), NULL,
	  "user[:group] to run as once the socket is open; unset: keep the starting user" },
	{ "Workers", CONFIG_TYPE_INTEGER, "0", CONFIG_OFF(workers), NULL,
	  "inquiries qualified at once, the others wait their turn; 0: two per CPU" },
};

const size_t config_nkeys = sizeof(config_table) / sizeof(config_table[0]);

enum config_addr_kind {
	CONFIG_ADDR_LOCAL,	/* "sales@": this local part, any domain */
	CONFIG_ADDR_DOMAIN,	/* "@example.com": any local part there */
	CONFIG_ADDR_FULL,	/* "sales@example.com" */
	CONFIG_ADDR_REGEX	/* "/re/": PCRE2, caseless, on the bare address */
};

struct config_addr {
	int kind;
	char *text;		/* lower-cased entry, or the pattern */
	pcre2_code *re;
};

struct config_addrlist {
	struct config_addr *a;
	size_t n;
};

/* Where a value came from, for error messages. */
struct config_where {
	const char *file;
	unsigned line;
	unsigned col;
	const char *base;	/* directory for relative paths, or NULL */
};

/* config_addrlist_free - release a compiled address list; NULL is a no-op */
static void
config_addrlist_free(struct config_addrlist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->a[i].text);
		pcre2_code_free(l->a[i].re);
	}
	free(l->a);
	free(l);
}

/* config_field_free - release whatever a key's field owns */
static void
config_field_free(struct config *cfg, const struct config_key *k)
{
	char *base = (char *)cfg + k->offset;

	switch (k->type) {
	case CONFIG_TYPE_STRING:
	case CONFIG_TYPE_PATH:
	case CONFIG_TYPE_MAILBOX:
	case CONFIG_TYPE_SOCKET:
	case CONFIG_TYPE_SUBJECTTAG:
		free(*(char **)base);
		*(char **)base = NULL;
		break;
	case CONFIG_TYPE_ADDRLIST:
		config_addrlist_free(*(struct config_addrlist **)base);
		*(struct config_addrlist **)base = NULL;
		break;
	default:
		break;
	}
}

/* config_free - release a configuration; NULL is a no-op */
void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < config_nkeys; i++) {
		config_field_free(cfg, &config_table[i]);
		if (cfg->raw)
			free(cfg->raw[i]);
	}
	free(cfg->raw);
	free(cfg->line);
	free(cfg->path);
	free(cfg);
}

/* config_key_find - a key by name, case-insensitively; NULL if unknown */
const struct config_key *
config_key_find(const char *name)
{
	for (size_t i = 0; i < config_nkeys; i++)
		if (strcasecmp(config_table[i].name, name) == 0)
			return &config_table[i];
	return NULL;
}

/* config_distance - edit distance of two short key names, capped at 9 */
static int
config_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[64], prev;

	if (la >= 63 || lb >= 63)
		return 9;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cur = row[j];
			int sub = prev + (tolower((unsigned char)a[i - 1]) !=
					  tolower((unsigned char)b[j - 1]));
			int best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;

			row[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return row[lb] > 9 ? 9 : row[lb];
}

/* config_suggest - the known key closest to a misspelt one, or NULL */
static const char *
config_suggest(const char *name)
{
	const char *best = NULL;
	int bestd = 3;		/* more than two edits is not a typo */

	for (size_t i = 0; i < config_nkeys; i++) {
		int d = config_distance(name, config_table[i].name);

		if (d < bestd) {
			bestd = d;
			best = config_table[i].name;
		}
	}
	return best;
}

/* config_value_err - record a bad value at its position */
static int
config_value_err(const struct config_where *w, struct lm_err *err,
		 const char *key, const char *why, const char *value)
{
	lm_err_set(err, w->file, w->line, w->col, "%s: %s: \"%.100s\"",
		   key, why, value);
	return LM_ESYNTAX;
}

/* config_parse_bool - yes/no and friends to 1/0; -1 if neither */
static int
config_parse_bool(const char *v)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* config_parse_number - digits and an optional unit suffix to a count;
 * units[i] multiplies by mult[i]; bytes allows "1MB" for "1M" */
static int
config_parse_number(const char *v, const char *units, const long long *mult,
		    int bytes, long long *out)
{
	const char *u;
	char *end;
	long long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno == ERANGE)
		return -1;
	if (*end == '\0') {
		*out = n;
		return 0;
	}
	if (units == NULL || (u = strchr(units, *end)) == NULL)
		return -1;
	if (end[1] != '\0' && !(bytes && end[1] == 'B' && end[2] == '\0'))
		return -1;
	if (n > LLONG_MAX / mult[u - units])
		return -1;
	*out = n * mult[u - units];
	return 0;
}

/* config_parse_path - store a path, relative ones against the base dir */
static char *
config_parse_path(const char *v, const char *base)
{
	struct buf b = BUF_INIT;

	if (*v == '/' || base == NULL || *base == '\0')
		return lm_xstrdup(v);
	buf_printf(&b, "%s/%s", base, v);
	return buf_steal(&b);
}

/* config_parse_mailbox - check local@domain (angle brackets dropped) */
static char *
config_parse_mailbox(const char *v)
{
	size_t n = strlen(v);
	const char *at;

	if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
		v++;
		n -= 2;
	}
	at = memchr(v, '@', n);
	if (at == NULL || at == v || at == v + n - 1 || n > 254)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)v[i]) || iscntrl((unsigned char)v[i]) ||
		    strchr("<>,;\"()", v[i]) != NULL)
			return NULL;
	if (memchr(at + 1, '@', (size_t)(v + n - at - 1)) != NULL)
		return NULL;
	return lm_xstrndup(v, n);
}

/* config_parse_socket - check a libmilter socket specification */
static const char *
config_parse_socket(const char *v)
{
	const char *p;
	char *end;
	long port;

	if (*v == '/')
		return NULL;
	if (strncasecmp(v, "local:", 6) == 0 || strncasecmp(v, "unix:", 5) == 0) {
		p = strchr(v, ':') + 1;
		return *p == '/' ? NULL : "local and unix sockets need an absolute path";
	}
	if (strncasecmp(v, "inet:", 5) == 0)
		p = v + 5;
	else if (strncasecmp(v, "inet6:", 6) == 0)
		p = v + 6;
	else
		return "expected local:/path, unix:/path, inet:port@host or inet6:port@host";
	errno = 0;
	port = strtol(p, &end, 10);
	if (end == p || errno != 0 || port < 1 || port > 65535 ||
	    (*end != '\0' && *end != '@') || (*end == '@' && end[1] == '\0'))
		return "expected a port 1..65535, optionally followed by @host";
	return NULL;
}

/* config_addrlist_parse - compile "sales@, info@example.com, /re/" */
static int
config_addrlist_parse(const char *v, struct config_addrlist **out,
		      const struct config_where *w, const char *key,
		      struct lm_err *err)
{
	struct config_addrlist *l = lm_xcalloc(1, sizeof(*l));
	const char *p = v;
	int rc = 0;

	for (;;) {
		struct config_addr a = { 0, NULL, NULL };
		const char *s;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		s = p;
		if (*p == '/') {
			struct buf re = BUF_INIT;
			int ec;
			PCRE2_SIZE eo;

			for (p++; *p && *p != '/'; p++) {
				if (*p == '\\' && p[1] == '/')
					p++;
				else if (*p == '\\' && p[1] != '\0')
					buf_putc(&re, *p++);
				buf_putc(&re, *p);
			}
			if (*p != '/' || re.len == 0) {
				buf_free(&re);
				rc = config_value_err(w, err, key, "unterminated or empty /regex/", s);
				goto out;
			}
			p++;
			a.kind = CONFIG_ADDR_REGEX;
			a.re = pcre2_compile((PCRE2_SPTR)buf_str(&re), re.len,
					     PCRE2_CASELESS, &ec, &eo, NULL);
			if (a.re == NULL) {
				PCRE2_UCHAR msg[256];

				pcre2_get_error_message(ec, msg, sizeof(msg));
				lm_err_set(err, w->file, w->line, w->col + (unsigned)(s - v) + 1 + (unsigned)eo,
					   "%s: bad regex /%.100s/: %s", key, buf_str(&re), (char *)msg);
				buf_free(&re);
				rc = LM_ESYNTAX;
				goto out;
			}
			a.text = buf_steal(&re);
		} else {
			const char *at;
			size_t n;

			while (*p && *p != ',' && !isspace((unsigned char)*p))
				p++;
			n = (size_t)(p - s);
			a.text = lm_xstrndup(s, n);
			for (char *c = a.text; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			at = strchr(a.text, '@');
			if (at == NULL || strchr(at + 1, '@') != NULL || n == 1) {
				free(a.text);
				lm_err_set(err, w->file, w->line, w->col + (unsigned)(s - v),
					   "%s: expected local@, local@domain, @domain or /regex/: \"%.*s\"",
					   key, (int)(n > 100 ? 100 : n), s);
				rc = LM_ESYNTAX;
				goto out;
			}
			if (at == a.text)
				a.kind = CONFIG_ADDR_DOMAIN;
			else if (at[1] == '\0')
				a.kind = CONFIG_ADDR_LOCAL;
			else
				a.kind = CONFIG_ADDR_FULL;
		}
		l->a = lm_xrealloc(l->a, (l->n + 1) * sizeof(l->a[0]));
		l->a[l->n++] = a;
	}
out:
	if (rc != 0) {
		config_addrlist_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* config_parse - turn one value into the field of its key */
static int
config_parse(struct config *cfg, const struct config_key *k, const char *v,
	     const struct config_where *w, struct lm_err *err)
{
	static const long long size_mult[] = { 1024, 1024, 1048576, 1048576, 1073741824, 1073741824 };
	static const long long dur_mult[] = { 1, 60, 3600, 86400, 604800 };
	char *base = (char *)cfg + k->offset;
	const char *why;
	long long n;
	int b;

	switch (k->type) {
	case CONFIG_TYPE_STRING:
		config_field_free(cfg, k);
		*(char **)base = lm_xstrdup(v);
		return 0;
	case CONFIG_TYPE_PATH:
		config_field_free(cfg, k);
		*(char **)base = config_parse_path(v, w->base);
		return 0;
	case CONFIG_TYPE_BOOLEAN:
		if ((b = config_parse_bool(v)) < 0)
			return config_value_err(w, err, k->name, "expected yes or no", v);
		*(int *)base = b;
		return 0;
	case CONFIG_TYPE_INTEGER:
		if (config_parse_number(v, NULL, NULL, 0, &n) != 0)
			return config_value_err(w, err, k->name, "expected a number", v);
		*(long long *)base = n;
		return 0;
	case CONFIG_TYPE_SIZE:
		if (config_parse_number(v, "kKmMgG", size_mult, 1, &n) != 0 || n == 0)
			return config_value_err(w, err, k->name, "expected a size such as 1M, 512k or 65536", v);
		/* a message is held in memory whole: keep that bounded */
		if (n > CONFIG_MAX_SIZE)
			return config_value_err(w, err, k->name, "larger than the limit of 256M", v);
		*(size_t *)base = (size_t)n;
		return 0;
	case CONFIG_TYPE_DURATION:
		if (config_parse_number(v, "smhdw", dur_mult, 0, &n) != 0)
			return config_value_err(w, err, k->name, "expected a duration such as 30d, 12h or 3600", v);
		*(long long *)base = n;
		return 0;
	case CONFIG_TYPE_OCTAL: {
		char *end;
		long m;

		errno = 0;
		m = strtol(v, &end, 8);
		if (*v == '\0' || *end != '\0' || errno != 0 || m < 0 || m > 0777)
			return config_value_err(w, err, k->name, "expected octal permission bits such as 007", v);
		*(int *)base = (int)m;
		return 0;
	}
	case CONFIG_TYPE_CHOICE: {
		const char *c = k->choices;
		size_t vl = strlen(v);

		for (int i = 0; c && *c; i++) {
			size_t cl = strcspn(c, "|");

			if (cl == vl && strncasecmp(c, v, vl) == 0) {
				*(int *)base = i;
				return 0;
			}
			c += cl + (c[cl] == '|');
		}
		lm_err_set(err, w->file, w->line, w->col, "%s: expected %s: \"%.100s\"",
			   k->name, k->choices, v);
		return LM_ESYNTAX;
	}
	case CONFIG_TYPE_FACILITY:
		if ((b = log_facility_parse(v)) < 0)
			return config_value_err(w, err, k->name,
						"unknown syslog facility (mail, daemon, user, local0..local7)", v);
		*(int *)base = b;
		return 0;
	case CONFIG_TYPE_MAILBOX: {
		char *m;

		if (*v == '\0') {
			config_field_free(cfg, k);
			*(char **)base = lm_xstrdup("");
			return 0;
		}
		if ((m = config_parse_mailbox(v)) == NULL)
			return config_value_err(w, err, k->name, "expected an address local@domain", v);
		config_field_free(cfg, k);
		*(char **)base = m;
		return 0;
	}
	case CONFIG_TYPE_SOCKET:
		if ((why = config_parse_socket(v)) != NULL)
			return config_value_err(w, err, k->name, why, v);
		config_field_free(cfg, k);
		/* libmilter takes a bare absolute path as a local socket */
		*(char **)base = *v == '/' ? config_parse_path(v, NULL) : lm_xstrdup(v);
		return 0;
	case CONFIG_TYPE_SUBJECTTAG:
		b = config_parse_bool(v);
		if (b < 0) {
			for (const char *p = v; *p; p++)
				if (*p == '%' && (p[1] == '\0' || strchr("dtmg%", p[1]) == NULL))
					return config_value_err(w, err, k->name,
								"unknown %-sequence (use %d, %t, %m, %g or %%)", v);
				else if (*p == '%')
					p++;
		}
		config_field_free(cfg, k);
		*(char **)base = b == 0 ? NULL : lm_xstrdup(b == 1 ? CONFIG_SUBJECT_TAG_DEFAULT : v);
		return 0;
	case CONFIG_TYPE_ADDRLIST: {
		struct config_addrlist *l;
		int rc;

		if ((rc = config_addrlist_parse(v, &l, w, k->name, err)) != 0)
			return rc;
		config_field_free(cfg, k);
		*(struct config_addrlist **)base = l;
		return 0;
	}
	default:
		lm_err_set(err, w->file, w->line, w->col, "%s: key of unknown type %d", k->name, k->type);
		return LM_EINTERNAL;
	}
}

/* config_set_one - parse a value for one key and remember its text */
static int
config_set_one(struct config *cfg, const struct config_key *k, const char *v,
	       const struct config_where *w, struct lm_err *err)
{
	size_t i = (size_t)(k - config_table);
	int rc;

	if ((rc = config_parse(cfg, k, v, w, err)) != 0)
		return rc;
	free(cfg->raw[i]);
	cfg->raw[i] = lm_xstrdup(v);
	cfg->line[i] = w->line;
	return 0;
}

/* config_defaults - a configuration holding every default */
static struct config *
config_defaults(struct lm_err *err)
{
	struct config *cfg = lm_xcalloc(1, sizeof(*cfg));
	struct config_where w = { "(defaults)", 0, 0, NULL };

	cfg->path = lm_xstrdup("");
	cfg->raw = lm_xcalloc(config_nkeys, sizeof(cfg->raw[0]));
	cfg->line = lm_xcalloc(config_nkeys, sizeof(cfg->line[0]));
	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_table[i];

		/* "" is "unset": a string key reads as "" (never NULL) */
		if (k->def[0] == '\0') {
			if (k->type == CONFIG_TYPE_STRING || k->type == CONFIG_TYPE_PATH ||
			    k->type == CONFIG_TYPE_MAILBOX || k->type == CONFIG_TYPE_SOCKET)
				*(char **)((char *)cfg + k->offset) = lm_xstrdup("");
			continue;
		}
		if (config_parse(cfg, k, k->def, &w, err) != 0) {
			config_free(cfg);
			return NULL;
		}
	}
	return cfg;
}

/* config_cwd - the working directory, "." if unknown */
static char *
config_cwd(void)
{
	char cwd[4096];

	return lm_xstrdup(getcwd(cwd, sizeof(cwd)) ? cwd : ".");
}

/* config_dirname - the absolute directory of a path, so that a later
 * chdir("/") (daemon start) does not change what a relative name means */
static char *
config_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct buf b = BUF_INIT;
	char *cwd;

	if (slash == path)
		return lm_xstrdup("/");
	if (path[0] == '/')
		return lm_xstrndup(path, (size_t)(slash - path));
	cwd = config_cwd();
	if (slash == NULL)
		return cwd;
	buf_printf(&b, "%s/%.*s", cwd, (int)(slash - path), path);
	free(cwd);
	return buf_steal(&b);
}

/* config_parse_line - one "Key value" line; 0 also for blank and comment */
static int
config_parse_line(struct config *cfg, char *line, struct config_where *w,
		  struct lm_err *err)
{
	char *p = line, *key, *val, *end;
	const struct config_key *k;
	size_t i;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	key = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	val = p;
	/* "#" after white space starts a comment */
	for (end = val; *end; end++)
		if (*end == '#' && (end == val || isspace((unsigned char)end[-1]))) {
			*end = '\0';
			break;
		}
	end = val + strlen(val);
	while (end > val && isspace((unsigned char)end[-1]))
		*--end = '\0';

	w->col = (unsigned)(key - line) + 1;
	if ((k = config_key_find(key)) == NULL) {
		const char *s = config_suggest(key);

		if (s)
			lm_err_set(err, w->file, w->line, w->col,
				   "unknown key \"%.100s\" (did you mean %s?)", key, s);
		else
			lm_err_set(err, w->file, w->line, w->col, "unknown key \"%.100s\"", key);
		return LM_ESYNTAX;
	}
	i = (size_t)(k - config_table);
	if (cfg->line[i] != 0) {
		lm_err_set(err, w->file, w->line, w->col,
			   "duplicate key %s (first set at line %u)", k->name, cfg->line[i]);
		return LM_ESYNTAX;
	}
	if (*val == '\0') {
		lm_err_set(err, w->file, w->line, w->col, "%s: missing value", k->name);
		return LM_ESYNTAX;
	}
	w->col = (unsigned)(val - line) + 1;
	return config_set_one(cfg, k, val, w, err);
}

/* config_load - read path (NULL: defaults only) into a new configuration */
int
config_load(const char *path, struct config **out, struct lm_err *err)
{
	struct config *cfg;
	struct config_where w = { path, 0, 0, NULL };
	char *line = NULL, *dir = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp = NULL;
	int rc = 0;

	lm_err_clear(err);
	if ((cfg = config_defaults(err)) == NULL)
		return LM_EINTERNAL;
	if (path == NULL)
		goto out;
	free(cfg->path);
	cfg->path = lm_xstrdup(path);
	if ((fp = fopen(path, "r")) == NULL) {
		lm_err_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
		rc = LM_EIO;
		goto out;
	}
	dir = config_dirname(path);
	w.base = dir;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		w.line++;
		if ((size_t)n > CONFIG_MAX_LINE) {
			lm_err_set(err, path, w.line, 0, "line too long: %zd > %d bytes",
				   n, CONFIG_MAX_LINE);
			rc = LM_ESYNTAX;
			goto out;
		}
		if (memchr(line, '\0', (size_t)n) != NULL) {
			lm_err_set(err, path, w.line, 0, "NUL byte in line");
			rc = LM_ESYNTAX;
			goto out;
		}
		if ((rc = config_parse_line(cfg, line, &w, err)) != 0)
			goto out;
	}
	if (ferror(fp)) {
		lm_err_set(err, path, w.line, 0, "read error: %s", strerror(errno));
		rc = LM_EIO;
	}
out:
	if (fp)
		fclose(fp);
	free(line);
	free(dir);
	if (rc != 0) {
		config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

/* config_set - override one key (command line flags); all or nothing */
int
config_set(struct config *cfg, const char *key, const char *value,
	   const char *origin, struct lm_err *err)
{
	const struct config_key *k = config_key_find(key);
	struct config_where w = { origin, 0, 0, NULL };
	char *dir = NULL;
	int rc;

	if (k == NULL) {
		lm_err_set(err, origin, 0, 0, "unknown key \"%.100s\"", key);
		return LM_ESYNTAX;
	}
	if (k->type == CONFIG_TYPE_PATH && value[0] != '/')
		w.base = dir = config_cwd();
	rc = config_set_one(cfg, k, value, &w, err);
	free(dir);
	return rc;
}

/* config_get - the text of a key as written, its default if unset;
 * NULL for an unknown key.  Lent: valid as long as cfg. */
const char *
config_get(const struct config *cfg, const char *key)
{
	const struct config_key *k = config_key_find(key);

	if (k == NULL)
		return NULL;
	if (cfg->raw[k - config_table] != NULL)
		return cfg->raw[k - config_table];
	return k->def;
}

/* config_write - "Key value" lines: every key (all), or those set */
void
config_write(const struct config *cfg, int all, struct buf *out)
{
	for (size_t i = 0; i < config_nkeys; i++) {
		const char *v = config_get(cfg, config_table[i].name);

		if (!all && cfg->raw[i] == NULL)
			continue;
		if (*v == '\0')
			buf_printf(out, "# %s (unset)\n", config_table[i].name);
		else
			buf_printf(out, "%s %s\n", config_table[i].name, v);
	}
}

/* config_addr_match - does one InquiryAddresses entry match local@domain? */
static int
config_addr_match(const struct config_addr *a, const char *addr,
		  size_t loclen, const char *domain)
{
	size_t elen;
	const char *plus;

	switch (a->kind) {
	case CONFIG_ADDR_REGEX: {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(a->re, NULL);
		int rc;

		if (md == NULL)
			return 0;
		rc = pcre2_match(a->re, (PCRE2_SPTR)addr, PCRE2_ZERO_TERMINATED, 0, 0, md, NULL);
		pcre2_match_data_free(md);
		return rc >= 0;
	}
	case CONFIG_ADDR_DOMAIN:
		return domain != NULL && strcmp(a->text + 1, domain) == 0;
	case CONFIG_ADDR_LOCAL:
	case CONFIG_ADDR_FULL:
		elen = (size_t)(strchr(a->text, '@') - a->text);
		if (a->kind == CONFIG_ADDR_FULL &&
		    (domain == NULL || strcmp(a->text + elen + 1, domain) != 0))
			return 0;
		if (loclen == elen && strncmp(addr, a->text, elen) == 0)
			return 1;
		/* sales+web@ is sales@ with an address extension */
		plus = memchr(addr, '+', loclen);
		return plus != NULL && (size_t)(plus - addr) == elen &&
		    memchr(a->text, '+', elen) == NULL && strncmp(addr, a->text, elen) == 0;
	default:
		return 0;
	}
}

/* config_workers - how many inquiries may be qualified at once: Workers,
 * or with 0 two per CPU online (2 if that cannot be told).  A message in
 * the engine also waits at times, for the store: with one per CPU, 2
 * CPUs qualified 12% fewer messages a second under milter_load -c 8 than
 * with no limit; with two per CPU, as many. */
unsigned
config_workers(const struct config *cfg)
{
	long n;

	if (cfg->workers > 0)
		return cfg->workers > UINT_MAX ? UINT_MAX : (unsigned)cfg->workers;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 && n < UINT_MAX / 2 ? 2 * (unsigned)n : 2;
}

/* config_inquiry_match - is this envelope recipient an inquiry address? */
int
config_inquiry_match(const struct config *cfg, const char *rcpt)
{
	char addr[CONFIG_MAX_ADDR];
	const char *at, *domain;
	size_t n = 0, loclen;

	if (cfg->inquiry == NULL || rcpt == NULL)
		return 0;
	/* "<Sales@Example.COM>" -> "sales@example.com" */
	while (isspace((unsigned char)*rcpt) || *rcpt == '<')
		rcpt++;
	for (; *rcpt && *rcpt != '>' && n < sizeof(addr) - 1; rcpt++)
		addr[n++] = (char)tolower((unsigned char)*rcpt);
	if (*rcpt && *rcpt != '>')
		return 0;	/* longer than any real address */
	while (n > 0 && isspace((unsigned char)addr[n - 1]))
		n--;
	addr[n] = '\0';
	if (n == 0)
		return 0;
	at = strrchr(addr, '@');
	domain = at ? at + 1 : NULL;
	loclen = at ? (size_t)(at - addr) : n;
	for (size_t i = 0; i < cfg->inquiry->n; i++)
		if (config_addr_match(&cfg->inquiry->a[i], addr, loclen, domain))
			return 1;
	return 0;
}
