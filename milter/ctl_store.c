/*
 * ctl_store - leadctl feedback, report, export, prospect, forget, purge
 *
 * DESCRIPTION  The store's command-line face (see ctl.h for usage).  All
 *              data comes from store.c; this file only formats it:
 *              text for people, CSV (RFC 4180: CRLF, quoted when needed)
 *              and JSON (jansson, never hand-escaped) for programs, and one
 *              self-contained HTML page with inline SVG charts for
 *              marketing (no script, no font, no image, no link: it can be
 *              mailed around as an attachment).
 *              Export columns are Salesforce's lead import names, which
 *              HubSpot's importer also maps: First Name, Last Name, Email,
 *              Company, Title, Phone, Country, No. of Employees, Lead
 *              Source, Lead Status, Rating, Score, Description.  Rating is
 *              Hot/Warm/Cold (sales/nurture/other), Lead Status uses
 *              Salesforce's default picklist values, and a missing Last
 *              Name or Company is "[not provided]", as Salesforce's
 *              Web-to-Lead does, since both are required there.
 * SECURITY     Every value comes from mail.  Text output replaces control
 *              characters (no terminal escapes); HTML escapes & < > " ';
 *              CSV cells that a spreadsheet would run as a formula (=, +,
 *              -, @ first, with anything but a number after) get a leading
 *              apostrophe, so "+49 30 1234" stays a phone number.
 * LIMITS       No configuration file yet (leadctl adds -c later); no SQL
 *              here: store.c owns the schema.
 * DIAGNOSTICS  sysexits codes, as listed in ctl.h.
 * SEE ALSO     store(3), feedback(3), leadctl(1)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "ctl.h"
#include "feedback.h"
#include "log.h"
#include "msg.h"
#include "store.h"

#define CTL_BUSY_MS		5000	/* leadctl may wait longer than the milter */
#define CTL_MAIL_MAX		(10 * 1024 * 1024)
#define CTL_CHART_ROWS		15	/* bars per chart */
#define CTL_LABEL_MAX		34	/* bytes of a chart label */
#define CTL_NOT_PROVIDED	"[not provided]"

/* Options every subcommand shares. */
struct ctl_opts {
	const char *db;
	const char *format;
	const char *decision;
	long long since;
	long long retention_days;
	int mail;			/* feedback -m */
};

/* A report row: one key (source, rule, tag) with counts per decision. */
struct ctl_row {
	const char *key;		/* lent from the struct store_report */
	long n;
	long *dec;			/* per decision, ctl_table.decs order */
	long accepted;
	long rejected;
};

struct ctl_table {
	struct ctl_row *rows;
	size_t nrows;
};

/* Decision columns in a fixed, friendly order, then the rest by name. */
struct ctl_decs {
	const char **name;
	size_t n;
};

static const char *const ctl_dec_order[] = { "sales", "nurture", "archive" };
static const char *const ctl_colours[] = {
	"#2e7d32", "#f2a900", "#9e9e9e", "#1565c0", "#8e24aa", "#00838f",
	"#c2185b", "#6d4c41",
};

/* ---- small helpers ------------------------------------------------------ */

/* ctl_usage - print a usage line to stderr and return EX_USAGE */
static int
ctl_usage(const char *usage)
{
	fprintf(stderr, "usage: leadctl %s\n", usage);
	return EX_USAGE;
}

/* ctl_days_from_civil - days since 1970-01-01 of a proleptic Gregorian date */
static long long
ctl_days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* ctl_date_parse - YYYY-MM-DD[THH:MM[:SS]][Z], @EPOCH or Nd into unix time */
int
ctl_date_parse(const char *s, long long now, long long *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return LM_ESYNTAX;
	if (*s == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno || end == s + 1 || *end)
			return LM_ESYNTAX;
		*out = v;
		return 0;
	}
	n = (int)strlen(s);
	if (n >= 2 && s[n - 1] == 'd') {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && end == s + n - 1 && v >= 0 && v < 100000) {
			*out = now - v * 86400;
			return 0;
		}
	}
	n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return LM_ESYNTAX;
	s += n;
	if (*s == 'T' || *s == ' ') {
		n = 0;
		if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5)
			return LM_ESYNTAX;
		s += 1 + n;
		if (*s == ':') {
			n = 0;
			if (sscanf(s + 1, "%2d%n", &sec, &n) != 1 || n != 2)
				return LM_ESYNTAX;
			s += 1 + n;
		}
		if (*s == 'Z')
			s++;
	}
	if (*s || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23
	    || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0)
		return LM_ESYNTAX;
	*out = ctl_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400
	    + h * 3600 + mi * 60 + sec;
	return 0;
}

/* ctl_time - "YYYY-MM-DD HH:MM" UTC into buf */
static const char *
ctl_time(long long t, char *buf, size_t bufsz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, bufsz, "-");
	else
		strftime(buf, bufsz, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* ctl_day - "YYYY-MM-DD" UTC into buf */
static const char *
ctl_day(long long t, char *buf, size_t bufsz)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, bufsz, "-");
	else
		strftime(buf, bufsz, "%Y-%m-%d", &tm);
	return buf;
}

/* ctl_safe - copy for a terminal: control characters become '?' */
static const char *
ctl_safe(const char *s, struct buf *b)
{
	buf_reset(b);
	buf_puts(b, "");
	for (; s && *s; s++)
		buf_putc(b, ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s);
	return buf_str(b);
}

/* ctl_open - open an existing store for a subcommand; a sysexits code */
static int
ctl_open(const char *cmd, const struct ctl_opts *co, struct store **s)
{
	struct store_opts o;
	struct lm_err err;

	*s = NULL;
	if (access(co->db, F_OK) != 0) {
		fprintf(stderr, "leadctl %s: %s: %s\n", cmd, co->db, strerror(errno));
		return EX_NOINPUT;
	}
	memset(&o, 0, sizeof(o));
	o.path = co->db;
	o.busy_timeout_ms = CTL_BUSY_MS;
	o.no_create = 1;
	o.retention_s = co->retention_days * 86400;
	lm_err_clear(&err);
	if (store_open(&o, s, &err) != 0) {
		char line[LM_ERR_MAX + 300];

		fprintf(stderr, "leadctl %s: %s\n", cmd, lm_err_format(&err, line, sizeof(line)));
		return EX_TEMPFAIL;
	}
	return EX_OK;
}

/* ctl_parse - the shared options; returns -1 or the first operand index */
static int
ctl_parse(int argc, char **argv, const char *shortopts, struct ctl_opts *co)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "since", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "decision", required_argument, NULL, 'D' },
		{ "retention-days", required_argument, NULL, 'r' },
		{ "mail", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(co, 0, sizeof(*co));
	co->db = CTL_DEFAULT_DB;
	optind = 0;		/* glibc: rescan from argv[1] */
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			co->db = optarg;
			break;
		case 's':
			if (ctl_date_parse(optarg, (long long)time(NULL), &co->since) != 0) {
				fprintf(stderr, "leadctl %s: bad date \"%s\": want YYYY-MM-DD,"
					" YYYY-MM-DDTHH:MM, @EPOCH or Nd\n", argv[0], optarg);
				return -1;
			}
			break;
		case 'f':
			co->format = optarg;
			break;
		case 'D':
			co->decision = optarg;
			break;
		case 'r':
			errno = 0;
			co->retention_days = strtoll(optarg, &end, 10);
			if (errno || *end || co->retention_days <= 0
			    || co->retention_days > 100000) {
				fprintf(stderr, "leadctl %s: bad number of days \"%s\"\n",
					argv[0], optarg);
				return -1;
			}
			break;
		case 'm':
			co->mail = 1;
			break;
		default:
			return -1;
		}
	}
	return optind;
}

/* ctl_flush - check stdout made it out; a sysexits code */
static int
ctl_flush(const char *cmd, int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "leadctl %s: cannot write output: %s\n", cmd, strerror(errno));
		return EX_IOERR;
	}
	return rc;
}

/* ---- feedback ------------------------------------------------------------ */

/* ctl_read_mail - a whole message from a file or stdin into b */
static int
ctl_read_mail(const char *path, struct buf *b)
{
	FILE *fp = path ? fopen(path, "rb") : stdin;
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (fp == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->len + n > CTL_MAIL_MAX) {
			errno = EFBIG;
			rc = -1;
			break;
		}
		buf_append(b, chunk, n);
	}
	if (ferror(fp))
		rc = -1;
	if (path)
		fclose(fp);
	return rc;
}

/* ctl_word - accepted (1), rejected (0) or -1 for a command-line word */
static int
ctl_word(const char *w)
{
	static const char *const yes[] = { "accepted", "accept", "yes", "good" };
	static const char *const no[] = { "rejected", "reject", "no", "bad" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(w, yes[i]) == 0)
			return 1;
		if (strcasecmp(w, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* ctl_feedback - leadctl feedback: record a rep's accepted/rejected */
int
ctl_feedback(int argc, char **argv)
{
	static const char usage[] = "feedback [-d DB] LEAD-ID accepted|rejected [REASON...]\n"
		"       leadctl feedback [-d DB] -m [MAIL-FILE]";
	struct ctl_opts co;
	struct store *s = NULL;
	struct buf mail = BUF_INIT, reasonb = BUF_INIT, safe = BUF_INIT;
	struct passwd *pw;
	char lead[FEEDBACK_ID_MAX], by[128];
	char *mreason = NULL;
	const char *reason = NULL;
	int i, accepted = -1, rc;

	if ((i = ctl_parse(argc, argv, "d:mh", &co)) < 0)
		return ctl_usage(usage);
	if (co.mail) {
		if (argc - i > 1)
			return ctl_usage(usage);
		if (ctl_read_mail(i < argc ? argv[i] : NULL, &mail) != 0) {
			fprintf(stderr, "leadctl feedback: %s: %s\n",
				i < argc ? argv[i] : "stdin", strerror(errno));
			rc = EX_NOINPUT;
			goto out;
		}
		msg_global_init();
		rc = feedback_parse(mail.data ? mail.data : "", mail.len, lead,
				    &accepted, &mreason);
		msg_global_shutdown();
		if (rc != 0) {
			fprintf(stderr, "leadctl feedback: %s\n", lead[0]
				? "no accepted/rejected word in the mail"
				: "no lead id (X-Lead-Id or L + 16 hex digits) in the mail");
			rc = EX_DATAERR;
			goto out;
		}
		reason = mreason;
	} else {
		if (argc - i < 2 || (accepted = ctl_word(argv[i + 1])) < 0)
			return ctl_usage(usage);
		snprintf(lead, sizeof(lead), "%s", argv[i]);
		for (int k = i + 2; k < argc; k++) {
			if (k > i + 2)
				buf_putc(&reasonb, ' ');
			buf_puts(&reasonb, argv[k]);
		}
		reason = reasonb.len ? buf_str(&reasonb) : NULL;
	}
	pw = getpwuid(getuid());
	snprintf(by, sizeof(by), "leadctl:%s", pw ? pw->pw_name : "?");
	if ((rc = ctl_open(argv[0], &co, &s)) != EX_OK)
		goto out;
	switch (store_feedback(s, lead, accepted, reason, by, 0)) {
	case 0:
		printf("%s: %s%s%s\n", ctl_safe(lead, &safe), accepted ? "accepted" : "rejected",
		       reason ? ": " : "", reason ? reason : "");
		rc = EX_OK;
		break;
	case LM_ENOTFOUND:
		fprintf(stderr, "leadctl feedback: no inquiry with lead id %s\n",
			ctl_safe(lead, &safe));
		rc = EX_DATAERR;
		break;
	default:
		fprintf(stderr, "leadctl feedback: the store failed (see above)\n");
		rc = EX_TEMPFAIL;
		break;
	}
out:
	store_close(s);
	buf_free(&mail);
	buf_free(&reasonb);
	buf_free(&safe);
	free(mreason);
	return ctl_flush("feedback", rc);
}

/* ---- report -------------------------------------------------------------- */

/* ctl_decs_add - add a decision name once */
static void
ctl_decs_add(struct ctl_decs *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->name[i], name) == 0)
			return;
	d->name = lm_xrealloc(d->name, (d->n + 1) * sizeof(*d->name));
	d->name[d->n++] = name;
}

/* ctl_decs_rank - sales, nurture, archive first, then the rest */
static int
ctl_decs_rank(const char *a)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(a, ctl_dec_order[i]) == 0)
			return i;
	return 3;
}

/* ctl_decs_cmp - qsort order of decision names */
static int
ctl_decs_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = ctl_decs_rank(x), ry = ctl_decs_rank(y);

	return rx != ry ? rx - ry : strcmp(x, y);
}

/* ctl_decs_build - every decision that occurs in the report */
static void
ctl_decs_build(const struct store_report *r, struct ctl_decs *d)
{
	memset(d, 0, sizeof(*d));
	for (size_t i = 0; i < r->nsource; i++)
		ctl_decs_add(d, r->by_source[i].decision);
	for (size_t i = 0; i < r->nrule; i++)
		ctl_decs_add(d, r->by_rule[i].decision);
	for (size_t i = 0; i < r->ntag; i++)
		ctl_decs_add(d, r->by_tag[i].decision);
	if (d->n > 1)
		qsort(d->name, d->n, sizeof(*d->name), ctl_decs_cmp);
}

/* ctl_decs_index - column of a decision name */
static size_t
ctl_decs_index(const struct ctl_decs *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->name[i], name) == 0)
			return i;
	return 0;
}

/* ctl_row_cmp - most inquiries first, then by key */
static int
ctl_row_cmp(const void *a, const void *b)
{
	const struct ctl_row *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* ctl_table_build - pivot (key, decision) counts into one row per key */
static void
ctl_table_build(const struct store_count *k, size_t n, const struct ctl_decs *d,
		struct ctl_table *t)
{
	struct ctl_row *row = NULL;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		/* The input is sorted by key: a new key starts a new row. */
		if (row == NULL || strcmp(row->key, k[i].key) != 0) {
			t->rows = lm_xrealloc(t->rows, (t->nrows + 1) * sizeof(*t->rows));
			row = &t->rows[t->nrows++];
			memset(row, 0, sizeof(*row));
			row->key = k[i].key;
			row->dec = lm_xcalloc(d->n ? d->n : 1, sizeof(long));
		}
		row->n += k[i].n;
		row->dec[ctl_decs_index(d, k[i].decision)] += k[i].n;
		row->accepted += k[i].accepted;
		row->rejected += k[i].rejected;
	}
	if (t->nrows > 1)
		qsort(t->rows, t->nrows, sizeof(*t->rows), ctl_row_cmp);
}

/* ctl_table_total - one row that sums a table */
static void
ctl_table_total(const struct ctl_table *t, const struct ctl_decs *d, struct ctl_row *tot)
{
	memset(tot, 0, sizeof(*tot));
	tot->key = "all";
	tot->dec = lm_xcalloc(d->n ? d->n : 1, sizeof(long));
	for (size_t i = 0; i < t->nrows; i++) {
		tot->n += t->rows[i].n;
		tot->accepted += t->rows[i].accepted;
		tot->rejected += t->rows[i].rejected;
		for (size_t j = 0; j < d->n; j++)
			tot->dec[j] += t->rows[i].dec[j];
	}
}

/* ctl_table_free - free the rows (keys are lent) */
static void
ctl_table_free(struct ctl_table *t)
{
	for (size_t i = 0; i < t->nrows; i++)
		free(t->rows[i].dec);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* ctl_rate - accepted share of the leads sales judged, or -1 */
static double
ctl_rate(long acc, long rej)
{
	return acc + rej > 0 ? (double)acc / (double)(acc + rej) : -1.0;
}

/* Aggregated reason: one per (accepted, reason), with its sources. */
struct ctl_reason {
	int accepted;
	const char *reason;
	long n;
	struct buf sources;
};

/* ctl_reason_cmp - most frequent first */
static int
ctl_reason_cmp(const void *a, const void *b)
{
	const struct ctl_reason *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (x->accepted != y->accepted)
		return x->accepted - y->accepted;
	return strcmp(x->reason, y->reason);
}

/* ctl_reasons_build - merge the per-source reasons */
static struct ctl_reason *
ctl_reasons_build(const struct store_report *r, size_t *nout)
{
	struct ctl_reason *v = NULL;
	size_t n = 0, j;

	for (size_t i = 0; i < r->nreasons; i++) {
		const struct store_reason *x = &r->reasons[i];

		for (j = 0; j < n; j++)
			if (v[j].accepted == x->accepted && strcmp(v[j].reason, x->reason) == 0)
				break;
		if (j == n) {
			v = lm_xrealloc(v, (n + 1) * sizeof(*v));
			memset(&v[n], 0, sizeof(v[n]));
			v[n].accepted = x->accepted;
			v[n].reason = x->reason;
			buf_init(&v[n].sources);
			n++;
		}
		v[j].n += x->n;
		if (v[j].sources.len)
			buf_puts(&v[j].sources, ", ");
		buf_puts(&v[j].sources, x->source);
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), ctl_reason_cmp);
	*nout = n;
	return v;
}

/* ctl_reasons_free - free merged reasons */
static void
ctl_reasons_free(struct ctl_reason *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_free(&v[i].sources);
	free(v);
}

/* Everything a report format needs. */
struct ctl_report {
	const struct store_report *r;
	struct ctl_decs d;
	struct ctl_table src, rule, tag;
	struct ctl_row total;
	struct ctl_reason *reasons;
	size_t nreasons;
	long long now;
};

/* ctl_pct - "NN%" or "-" */
static const char *
ctl_pct(double rate, char *buf, size_t bufsz)
{
	if (rate < 0)
		snprintf(buf, bufsz, "-");
	else
		snprintf(buf, bufsz, "%.0f%%", rate * 100.0);
	return buf;
}

/* ctl_text_table - one aligned text table */
static void
ctl_text_table(const char *title, const char *keyname, const struct ctl_table *t,
	       const struct ctl_decs *d)
{
	struct buf safe = BUF_INIT;
	char pct[16];
	int w = (int)strlen(keyname);

	printf("\n%s\n", title);
	if (t->nrows == 0) {
		printf("  (none)\n");
		return;
	}
	for (size_t i = 0; i < t->nrows; i++)
		if ((int)strlen(t->rows[i].key) > w)
			w = (int)strlen(t->rows[i].key);
	if (w > 40)
		w = 40;
	printf("  %-*s %8s", w, keyname, "total");
	for (size_t j = 0; j < d->n; j++)
		printf(" %8.8s", d->name[j]);
	printf(" %8s %8s %7s\n", "accepted", "rejected", "accept%");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct ctl_row *row = &t->rows[i];

		printf("  %-*s %8ld", w, ctl_safe(row->key, &safe), row->n);
		for (size_t j = 0; j < d->n; j++)
			printf(" %8ld", row->dec[j]);
		printf(" %8ld %8ld %7s\n", row->accepted, row->rejected,
		       ctl_pct(ctl_rate(row->accepted, row->rejected), pct, sizeof(pct)));
	}
	buf_free(&safe);
}

/* ctl_report_text - the report for a terminal or a mail body */
static void
ctl_report_text(const struct ctl_report *x)
{
	const struct store_report *r = x->r;
	struct buf safe = BUF_INIT;
	char since[32], now[32], pct[16];

	printf("leadmilter report: inquiries since %s (generated %s UTC)\n",
	       r->since > 0 ? ctl_time(r->since, since, sizeof(since)) : "the beginning",
	       ctl_time(x->now, now, sizeof(now)));
	printf("inquiries %ld:", r->inquiries);
	for (size_t j = 0; j < x->d.n; j++)
		printf(" %s %ld%s", x->d.name[j], x->total.dec[j], j + 1 < x->d.n ? "," : "");
	printf("\nsales feedback: %ld accepted, %ld rejected (acceptance %s)\n",
	       x->total.accepted, x->total.rejected,
	       ctl_pct(ctl_rate(x->total.accepted, x->total.rejected), pct, sizeof(pct)));
	printf("nurtured prospects %ld, came back as hand-raisers %ld (%s)\n",
	       r->nurtured, r->hand_raisers,
	       ctl_pct(r->nurtured ? (double)r->hand_raisers / (double)r->nurtured : -1,
		       pct, sizeof(pct)));
	ctl_text_table("By source", "source", &x->src, &x->d);
	ctl_text_table("By rule (inquiries the rule fired on)", "rule", &x->rule, &x->d);
	ctl_text_table("By tag", "tag", &x->tag, &x->d);
	printf("\nReasons given by sales\n");
	if (x->nreasons == 0)
		printf("  (none)\n");
	for (size_t i = 0; i < x->nreasons; i++) {
		printf("  %-8s %5ld  %s", x->reasons[i].accepted ? "accepted" : "rejected",
		       x->reasons[i].n, ctl_safe(x->reasons[i].reason, &safe));
		printf("  (%s)\n", ctl_safe(buf_str(&x->reasons[i].sources), &safe));
	}
	buf_free(&safe);
}

/* ctl_csv_cell - one RFC 4180 field; formula-looking text is defused */
static void
ctl_csv_cell(const char *s, int first)
{
	int quote = 0, defuse = 0;
	const char *p;

	if (!first)
		putchar(',');
	if (s == NULL)
		return;
	if (strchr("=+-@\t\r", *s) != NULL && *s != '\0') {
		/* A number or a phone number is harmless; anything else is not. */
		for (p = s + 1; *p; p++)
			if (strchr("0123456789 +-().,/", *p) == NULL)
				defuse = 1;
		if (*s == '=' || *s == '@' || *s == '\t' || *s == '\r')
			defuse = 1;
	}
	for (p = s; *p; p++)
		if (*p == '"' || *p == ',' || *p == '\n' || *p == '\r')
			quote = 1;
	if (quote)
		putchar('"');
	if (defuse)
		putchar('\'');
	for (p = s; *p; p++) {
		if (*p == '"')
			putchar('"');
		putchar(*p);
	}
	if (quote)
		putchar('"');
}

/* ctl_csv_num - a number cell */
static void
ctl_csv_num(long n)
{
	printf(",%ld", n);
}

/* ctl_csv_rows - rows of one section */
static void
ctl_csv_rows(const char *section, const struct ctl_row *rows, size_t n,
	     const struct ctl_decs *d)
{
	for (size_t i = 0; i < n; i++) {
		double rate = ctl_rate(rows[i].accepted, rows[i].rejected);

		ctl_csv_cell(section, 1);
		ctl_csv_cell(rows[i].key, 0);
		ctl_csv_num(rows[i].n);
		for (size_t j = 0; j < d->n; j++)
			ctl_csv_num(rows[i].dec[j]);
		ctl_csv_num(rows[i].accepted);
		ctl_csv_num(rows[i].rejected);
		if (rate >= 0)
			printf(",%.2f", rate);
		else
			putchar(',');
		fputs("\r\n", stdout);
	}
}

/* ctl_csv_extra - a section row with only a count */
static void
ctl_csv_extra(const char *section, const char *name, long n, const struct ctl_decs *d)
{
	ctl_csv_cell(section, 1);
	ctl_csv_cell(name, 0);
	ctl_csv_num(n);
	for (size_t j = 0; j < d->n + 3; j++)
		putchar(',');
	fputs("\r\n", stdout);
}

/* ctl_report_csv - one rectangular table: a section column tells rows apart */
static void
ctl_report_csv(const struct ctl_report *x)
{
	ctl_csv_cell("section", 1);
	ctl_csv_cell("name", 0);
	ctl_csv_cell("inquiries", 0);
	for (size_t j = 0; j < x->d.n; j++)
		ctl_csv_cell(x->d.name[j], 0);
	ctl_csv_cell("accepted", 0);
	ctl_csv_cell("rejected", 0);
	ctl_csv_cell("acceptance_rate", 0);
	fputs("\r\n", stdout);
	ctl_csv_rows("total", &x->total, 1, &x->d);
	ctl_csv_rows("source", x->src.rows, x->src.nrows, &x->d);
	ctl_csv_rows("rule", x->rule.rows, x->rule.nrows, &x->d);
	ctl_csv_rows("tag", x->tag.rows, x->tag.nrows, &x->d);
	for (size_t i = 0; i < x->nreasons; i++)
		ctl_csv_extra(x->reasons[i].accepted ? "acceptance reason" : "rejection reason",
			      x->reasons[i].reason, x->reasons[i].n, &x->d);
	ctl_csv_extra("hand-raisers", "nurtured prospects", x->r->nurtured, &x->d);
	ctl_csv_extra("hand-raisers", "came back to sales", x->r->hand_raisers, &x->d);
}

/* ctl_html_esc - HTML-escaped text to stdout */
static void
ctl_html_esc(const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", stdout); break;
		case '<': fputs("&lt;", stdout); break;
		case '>': fputs("&gt;", stdout); break;
		case '"': fputs("&quot;", stdout); break;
		case '\'': fputs("&#39;", stdout); break;
		default:
			putchar((unsigned char)*s < 0x20 ? ' ' : *s);
		}
	}
}

/* ctl_html_label - a chart label: escaped, cut at a character boundary */
static void
ctl_html_label(const char *s)
{
	size_t n = strlen(s);
	char *cut;

	if (n <= CTL_LABEL_MAX) {
		ctl_html_esc(s);
		return;
	}
	n = CTL_LABEL_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	cut = lm_xstrndup(s, n);
	ctl_html_esc(cut);
	fputs("\xe2\x80\xa6", stdout);	/* ellipsis */
	free(cut);
}

/* ctl_colour - the colour of decision column j */
static const char *
ctl_colour(const struct ctl_decs *d, size_t j)
{
	int r = ctl_decs_rank(d->name[j]);

	if (r < 3)
		return ctl_colours[r];
	return ctl_colours[3 + j % (sizeof(ctl_colours) / sizeof(ctl_colours[0]) - 3)];
}

/* ctl_svg_stacked - horizontal bars per row, one segment per decision */
static void
ctl_svg_stacked(const struct ctl_table *t, const struct ctl_decs *d)
{
	size_t rows = t->nrows < CTL_CHART_ROWS ? t->nrows : CTL_CHART_ROWS;
	long max = 1;
	const int lw = 230, bw = 420, rh = 28, top = 34;
	int h = top + (int)rows * rh + 10;

	for (size_t i = 0; i < rows; i++)
		if (t->rows[i].n > max)
			max = t->rows[i].n;
	printf("<svg viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
	       "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\" font-family=\"system-ui,sans-serif\">\n", lw + bw + 70, h);
	/* legend */
	for (size_t j = 0, x = 0; j < d->n; j++) {
		printf("<rect x=\"%zu\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>"
		       "<text x=\"%zu\" y=\"17\">", lw + x, ctl_colour(d, j), lw + x + 16);
		ctl_html_esc(d->name[j]);
		printf("</text>\n");
		x += 30 + 8 * strlen(d->name[j]);
	}
	for (size_t i = 0; i < rows; i++) {
		const struct ctl_row *row = &t->rows[i];
		int y = top + (int)i * rh;
		double x = lw;

		printf("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 17);
		ctl_html_label(row->key);
		printf("</text>\n");
		for (size_t j = 0; j < d->n; j++) {
			double w = (double)bw * (double)row->dec[j] / (double)max;

			if (row->dec[j] == 0)
				continue;
			printf("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\">"
			       "<title>", x, y + 3, w, ctl_colour(d, j));
			ctl_html_esc(row->key);
			printf(": %ld ", row->dec[j]);
			ctl_html_esc(d->name[j]);
			printf("</title></rect>\n");
			x += w;
		}
		printf("<text x=\"%.1f\" y=\"%d\" fill=\"#333\">%ld</text>\n", x + 6, y + 17, row->n);
	}
	printf("</svg>\n");
}

/* ctl_svg_accept - per row, the accepted (green) and rejected (red) share */
static void
ctl_svg_accept(const struct ctl_table *t)
{
	const int lw = 230, bw = 420, rh = 28, top = 8;
	size_t rows = 0;
	int h;

	for (size_t i = 0; i < t->nrows && rows < CTL_CHART_ROWS; i++)
		if (t->rows[i].accepted + t->rows[i].rejected > 0)
			rows++;
	if (rows == 0) {
		printf("<p class=\"none\">No feedback from sales yet.</p>\n");
		return;
	}
	h = top + (int)rows * rh + 8;
	printf("<svg viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
	       "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\" font-family=\"system-ui,sans-serif\">\n", lw + bw + 70, h);
	for (size_t i = 0, k = 0; i < t->nrows && k < rows; i++) {
		const struct ctl_row *row = &t->rows[i];
		long fb = row->accepted + row->rejected;
		double wa;
		int y = top + (int)k * rh;

		if (fb == 0)
			continue;
		k++;
		wa = (double)bw * (double)row->accepted / (double)fb;
		printf("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 17);
		ctl_html_label(row->key);
		printf("</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#2e7d32\">"
		       "<title>%ld accepted</title></rect>\n", lw, y + 3, wa, row->accepted);
		printf("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#c62828\">"
		       "<title>%ld rejected</title></rect>\n", lw + wa, y + 3, bw - wa, row->rejected);
		printf("<text x=\"%d\" y=\"%d\" fill=\"#333\">%.0f%%</text>\n", lw + bw + 6, y + 17,
		       100.0 * (double)row->accepted / (double)fb);
	}
	printf("</svg>\n");
}

/* ctl_svg_reasons - the most frequent rejection reasons */
static void
ctl_svg_reasons(const struct ctl_report *x)
{
	const int lw = 230, bw = 420, rh = 28, top = 8;
	size_t rows = 0;
	long max = 1;

	for (size_t i = 0; i < x->nreasons && rows < CTL_CHART_ROWS; i++)
		if (!x->reasons[i].accepted) {
			rows++;
			if (x->reasons[i].n > max)
				max = x->reasons[i].n;
		}
	if (rows == 0) {
		printf("<p class=\"none\">Sales gave no reasons for rejecting leads.</p>\n");
		return;
	}
	printf("<svg viewBox=\"0 0 %d %d\" width=\"100%%\" role=\"img\" "
	       "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"13\" font-family=\"system-ui,sans-serif\">\n",
	       lw + bw + 70, top + (int)rows * rh + 8);
	for (size_t i = 0, k = 0; i < x->nreasons && k < rows; i++) {
		const struct ctl_reason *r = &x->reasons[i];
		int y = top + (int)k * rh;
		double w;

		if (r->accepted)
			continue;
		k++;
		w = (double)bw * (double)r->n / (double)max;
		printf("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 8, y + 17);
		ctl_html_label(r->reason);
		printf("</text>\n<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"#c62828\">"
		       "<title>", lw, y + 3, w);
		ctl_html_esc(buf_str(&r->sources));
		printf("</title></rect>\n<text x=\"%.1f\" y=\"%d\" fill=\"#333\">%ld</text>\n",
		       lw + w + 6, y + 17, r->n);
	}
	printf("</svg>\n");
}

/* ctl_html_table - a plain table of one pivot */
static void
ctl_html_table(const char *keyname, const struct ctl_table *t, const struct ctl_decs *d)
{
	char pct[16];

	if (t->nrows == 0) {
		printf("<p class=\"none\">None.</p>\n");
		return;
	}
	printf("<table>\n<thead><tr><th>");
	ctl_html_esc(keyname);
	printf("</th><th>inquiries</th>");
	for (size_t j = 0; j < d->n; j++) {
		printf("<th><span class=\"dot\" style=\"background:%s\"></span>", ctl_colour(d, j));
		ctl_html_esc(d->name[j]);
		printf("</th>");
	}
	printf("<th>accepted</th><th>rejected</th><th>acceptance</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct ctl_row *row = &t->rows[i];

		printf("<tr><td>");
		ctl_html_esc(row->key);
		printf("</td><td>%ld</td>", row->n);
		for (size_t j = 0; j < d->n; j++)
			printf("<td>%ld</td>", row->dec[j]);
		printf("<td>%ld</td><td>%ld</td><td>%s</td></tr>\n", row->accepted, row->rejected,
		       ctl_pct(ctl_rate(row->accepted, row->rejected), pct, sizeof(pct)));
	}
	printf("</tbody></table>\n");
}

/* ctl_report_html - one self-contained page: figures, charts, tables */
static void
ctl_report_html(const struct ctl_report *x)
{
	const struct store_report *r = x->r;
	char since[32], now[32], pct[16];
	long sales = 0;

	for (size_t j = 0; j < x->d.n; j++)
		if (strcmp(x->d.name[j], "sales") == 0)
			sales = x->total.dec[j];
	printf("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<title>Lead report since %s</title>\n<style>\n"
	       "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
	       "margin:0 auto;max-width:980px;padding:24px;color:#222;background:#fafafa}\n"
	       "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 6px}\n"
	       ".sub{color:#666;margin:0 0 20px}.note{color:#666;font-size:14px;margin:0 0 10px}\n"
	       ".kpis{display:flex;flex-wrap:wrap;gap:14px}\n"
	       ".kpi{flex:1 1 180px;background:#fff;border-radius:10px;padding:16px 18px;"
	       "box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
	       ".kpi b{display:block;font-size:32px}.kpi span{color:#555}\n"
	       ".card{background:#fff;border-radius:10px;padding:14px 18px;"
	       "box-shadow:0 1px 3px rgba(0,0,0,.12)}\n"
	       "table{border-collapse:collapse;width:100%%;background:#fff;font-size:14px}\n"
	       "th,td{padding:6px 8px;border-bottom:1px solid #eee;text-align:right}\n"
	       "th:first-child,td:first-child{text-align:left;word-break:break-all}\n"
	       "th{background:#f0f0f0}.dot{display:inline-block;width:10px;height:10px;"
	       "border-radius:2px;margin-right:4px}\n.none{color:#777}\n"
	       "footer{color:#888;font-size:12px;margin-top:40px}\n</style>\n</head>\n<body>\n",
	       r->since > 0 ? ctl_day(r->since, since, sizeof(since)) : "the beginning");
	printf("<h1>Where our leads come from, and what sales made of them</h1>\n"
	       "<p class=\"sub\">Inquiries since %s, as of %s UTC.</p>\n",
	       r->since > 0 ? ctl_time(r->since, since, sizeof(since)) : "the beginning",
	       ctl_time(x->now, now, sizeof(now)));
	printf("<div class=\"kpis\">\n"
	       "<div class=\"kpi\"><b>%ld</b><span>inquiries</span></div>\n"
	       "<div class=\"kpi\"><b>%ld</b><span>sent to sales (%s)</span></div>\n",
	       r->inquiries, sales,
	       ctl_pct(r->inquiries ? (double)sales / (double)r->inquiries : -1, pct, sizeof(pct)));
	printf("<div class=\"kpi\"><b>%s</b><span>accepted by sales (%ld of %ld judged)</span></div>\n",
	       ctl_pct(ctl_rate(x->total.accepted, x->total.rejected), pct, sizeof(pct)),
	       x->total.accepted, x->total.accepted + x->total.rejected);
	printf("<div class=\"kpi\"><b>%ld</b><span>hand-raisers: nurtured leads who came back"
	       " ready (of %ld nurtured)</span></div>\n</div>\n", r->hand_raisers, r->nurtured);

	printf("<h2>Sources</h2>\n<p class=\"note\">Inquiries per source and what was decided"
	       " (top %d).</p>\n<div class=\"card\">\n", CTL_CHART_ROWS);
	if (x->src.nrows)
		ctl_svg_stacked(&x->src, &x->d);
	else
		printf("<p class=\"none\">No inquiries in this period.</p>\n");
	printf("</div>\n<h2>What sales said</h2>\n<p class=\"note\">Share of judged leads that"
	       " sales accepted (green) or rejected (red), per source.</p>\n<div class=\"card\">\n");
	ctl_svg_accept(&x->src);
	printf("</div>\n<h2>Why sales rejected leads</h2>\n<div class=\"card\">\n");
	ctl_svg_reasons(x);
	printf("</div>\n<h2>Sources in numbers</h2>\n");
	ctl_html_table("source", &x->src, &x->d);
	printf("<h2>Rules</h2>\n<p class=\"note\">Inquiries each rule fired on: a rule whose"
	       " leads sales keeps rejecting needs a look.</p>\n");
	ctl_html_table("rule", &x->rule, &x->d);
	printf("<h2>Tags</h2>\n");
	ctl_html_table("tag", &x->tag, &x->d);
	printf("<footer>Made by leadctl report. Every figure counts inquiries received in the"
	       " period; acceptance counts only leads sales gave feedback on.</footer>\n"
	       "</body>\n</html>\n");
}

/* ctl_report - leadctl report: per source and rule, decisions, feedback */
int
ctl_report(int argc, char **argv)
{
	static const char usage[] = "report [-d DB] [--since DATE] [--format text|csv|html]";
	struct ctl_opts co;
	struct store *s = NULL;
	struct store_report r;
	struct ctl_report x;
	int i, rc;

	memset(&r, 0, sizeof(r));
	memset(&x, 0, sizeof(x));
	if ((i = ctl_parse(argc, argv, "d:s:f:h", &co)) < 0 || i != argc)
		return ctl_usage(usage);
	if (co.format == NULL)
		co.format = "text";
	if (strcmp(co.format, "text") != 0 && strcmp(co.format, "csv") != 0
	    && strcmp(co.format, "html") != 0)
		return ctl_usage(usage);
	if ((rc = ctl_open(argv[0], &co, &s)) != EX_OK)
		goto out;
	if (store_report(s, co.since, &r) != 0) {
		fprintf(stderr, "leadctl report: the store failed (see above)\n");
		rc = EX_TEMPFAIL;
		goto out;
	}
	x.r = &r;
	x.now = (long long)time(NULL);
	ctl_decs_build(&r, &x.d);
	ctl_table_build(r.by_source, r.nsource, &x.d, &x.src);
	ctl_table_build(r.by_rule, r.nrule, &x.d, &x.rule);
	ctl_table_build(r.by_tag, r.ntag, &x.d, &x.tag);
	ctl_table_total(&x.src, &x.d, &x.total);
	x.reasons = ctl_reasons_build(&r, &x.nreasons);
	if (strcmp(co.format, "csv") == 0)
		ctl_report_csv(&x);
	else if (strcmp(co.format, "html") == 0)
		ctl_report_html(&x);
	else
		ctl_report_text(&x);
	rc = EX_OK;
out:
	ctl_table_free(&x.src);
	ctl_table_free(&x.rule);
	ctl_table_free(&x.tag);
	free(x.total.dec);
	free(x.d.name);
	ctl_reasons_free(x.reasons, x.nreasons);
	store_report_free(&r);
	store_close(s);
	return ctl_flush("report", rc);
}

/* ---- export ----------------------------------------------------------------- */

/* Export columns, in order; the JSON keys are the same names. */
enum ctl_col {
	COL_FIRST, COL_LAST, COL_EMAIL, COL_COMPANY, COL_TITLE, COL_PHONE,
	COL_COUNTRY, COL_EMPLOYEES, COL_SOURCE, COL_STATUS, COL_RATING,
	COL_SCORE, COL_DESCRIPTION, COL_COUNT
};

static const char *const ctl_cols[COL_COUNT] = {
	"First Name", "Last Name", "Email", "Company", "Title", "Phone",
	"Country", "No. of Employees", "Lead Source", "Lead Status", "Rating",
	"Score", "Description",
};

/* Fields that have a column of their own (the rest go to Description). */
static const char *const ctl_mapped[] = {
	"name", "email", "company", "title", "phone", "country", "employees",
	"source",
};

struct ctl_export {
	int json;
	int first;			/* no record written yet */
};

/* ctl_latest - the newest value of a field over a prospect's inquiries */
static const char *
ctl_latest(const struct store_prospect *p, const char *name)
{
	for (size_t i = 0; i < p->ninq; i++)
		for (size_t j = 0; j < p->inq[i].nfacts; j++)
			if (strcmp(p->inq[i].facts[j].name, name) == 0)
				return p->inq[i].facts[j].value;
	return NULL;
}

/* ctl_employees - a number for "120", or the middle of "51-200"; -1 */
static long
ctl_employees(const char *s)
{
	long lo, hi;
	char *end;

	if (s == NULL)
		return -1;
	lo = strtol(s, &end, 10);
	if (end == s || lo < 0)
		return -1;
	if (*end == '\0')
		return lo;
	if (*end != '-')
		return -1;
	hi = strtol(end + 1, &end, 10);
	if (*end != '\0' || hi < lo)
		return -1;
	return lo + (hi - lo) / 2;
}

/* ctl_name_split - "First Middle Last" or "Last, First" */
static void
ctl_name_split(const char *name, char **first, char **last)
{
	const char *c, *sp;
	size_t n;

	*first = *last = NULL;
	if (name == NULL || *name == '\0')
		return;
	if ((c = strchr(name, ',')) != NULL) {
		*last = lm_xstrndup(name, (size_t)(c - name));
		for (c++; *c == ' '; c++)
			;
		*first = lm_xstrdup(c);
		return;
	}
	n = strlen(name);
	while (n > 0 && name[n - 1] == ' ')
		n--;
	for (sp = name + n; sp > name && sp[-1] != ' '; sp--)
		;
	*last = lm_xstrndup(sp, (size_t)(name + n - sp));
	while (sp > name && sp[-1] == ' ')
		sp--;
	*first = lm_xstrndup(name, (size_t)(sp - name));
}

/* ctl_is_mapped - does this field have its own column? */
static int
ctl_is_mapped(const char *name)
{
	for (size_t i = 0; i < sizeof(ctl_mapped) / sizeof(ctl_mapped[0]); i++)
		if (strcmp(name, ctl_mapped[i]) == 0)
			return 1;
	return 0;
}

/* ctl_description - a summary for the CRM's Description field */
static void
ctl_description(const struct store_prospect *p, struct buf *b)
{
	const struct store_inquiry *q = &p->inq[0];
	const char *seen[64];
	size_t nseen = 0;
	char t[32];

	buf_printf(b, "leadmilter %s: %s, score %d", q->lead_id, q->decision, q->total);
	if (*q->scores)
		buf_printf(b, " (%s)", q->scores);
	if (*q->disqualifier)
		buf_printf(b, ", disqualifier %s", q->disqualifier);
	if (*q->tags)
		buf_printf(b, "; tags %s", q->tags);
	/* Other fields, newest value of each. */
	for (size_t i = 0; i < p->ninq; i++)
		for (size_t j = 0; j < p->inq[i].nfacts; j++) {
			const struct store_fact *f = &p->inq[i].facts[j];
			size_t k;

			if (ctl_is_mapped(f->name) && strcmp(f->name, "employees") != 0)
				continue;
			for (k = 0; k < nseen && strcmp(seen[k], f->name) != 0; k++)
				;
			if (k < nseen || nseen == sizeof(seen) / sizeof(seen[0]))
				continue;
			seen[nseen++] = f->name;
			buf_printf(b, "; %s: %s", f->name, f->value);
		}
	if (q->feedback >= 0)
		buf_printf(b, "; %s by sales%s%s", q->feedback ? "accepted" : "rejected",
			   *q->reason ? ": " : "", q->reason);
	buf_printf(b, "; %zu inquir%s, first %s", p->ninq, p->ninq == 1 ? "y" : "ies",
		   ctl_day(p->first_seen, t, sizeof(t)));
	buf_printf(b, ", last %s", ctl_day(p->last_seen, t, sizeof(t)));
}

/* ctl_export_one - one prospect as a CSV row or a JSON object */
static int
ctl_export_one(void *ctx, const struct store_prospect *p)
{
	struct ctl_export *e = ctx;
	const struct store_inquiry *q = &p->inq[0];
	const char *v[COL_COUNT];
	char *first = NULL, *last = NULL, num[32];
	struct buf desc = BUF_INIT;
	const char *company;
	long emp;
	json_t *o;

	if (p->ninq == 0)
		return 0;
	ctl_name_split(ctl_latest(p, "name"), &first, &last);
	company = ctl_latest(p, "company");
	emp = ctl_employees(ctl_latest(p, "employees"));
	ctl_description(p, &desc);
	v[COL_FIRST] = first ? first : "";
	v[COL_LAST] = last && *last ? last : CTL_NOT_PROVIDED;
	v[COL_EMAIL] = p->email;
	v[COL_COMPANY] = company && *company ? company : CTL_NOT_PROVIDED;
	v[COL_TITLE] = ctl_latest(p, "title");
	v[COL_PHONE] = ctl_latest(p, "phone");
	v[COL_COUNTRY] = ctl_latest(p, "country");
	v[COL_EMPLOYEES] = NULL;
	v[COL_SOURCE] = q->source;
	if (q->feedback == 1)
		v[COL_STATUS] = "Working - Contacted";
	else if (q->feedback == 0 || strcmp(q->decision, "archive") == 0)
		v[COL_STATUS] = "Closed - Not Converted";
	else
		v[COL_STATUS] = "Open - Not Contacted";
	v[COL_RATING] = strcmp(q->decision, "sales") == 0 ? "Hot"
		: strcmp(q->decision, "nurture") == 0 ? "Warm" : "Cold";
	v[COL_SCORE] = NULL;
	v[COL_DESCRIPTION] = buf_str(&desc);
	if (e->json) {
		o = json_object();
		for (int c = 0; c < COL_COUNT; c++) {
			if (c == COL_EMPLOYEES)
				json_object_set_new(o, ctl_cols[c], emp >= 0 ? json_integer(emp) : json_null());
			else if (c == COL_SCORE)
				json_object_set_new(o, ctl_cols[c], json_integer(q->total));
			else
				json_object_set_new(o, ctl_cols[c], json_string(v[c] ? v[c] : ""));
		}
		fputs(e->first ? "[\n  " : ",\n  ", stdout);
		json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
	} else {
		for (int c = 0; c < COL_COUNT; c++) {
			if (c == COL_EMPLOYEES) {
				putchar(',');
				if (emp >= 0)
					printf("%ld", emp);
			} else if (c == COL_SCORE) {
				snprintf(num, sizeof(num), "%d", q->total);
				ctl_csv_cell(num, 0);
			} else {
				ctl_csv_cell(v[c] ? v[c] : "", c == 0);
			}
		}
		fputs("\r\n", stdout);
	}
	e->first = 0;
	free(first);
	free(last);
	buf_free(&desc);
	return ferror(stdout) ? -1 : 0;
}

/* ctl_export - leadctl export: prospects for a CRM import */
int
ctl_export(int argc, char **argv)
{
	static const char usage[] = "export [-d DB] [--since DATE] [--format csv|json]"
		" [--decision NAME]";
	struct ctl_opts co;
	struct ctl_export e;
	struct store *s = NULL;
	int i, rc;

	if ((i = ctl_parse(argc, argv, "d:s:f:D:h", &co)) < 0 || i != argc)
		return ctl_usage(usage);
	if (co.format == NULL)
		co.format = "csv";
	if (strcmp(co.format, "csv") != 0 && strcmp(co.format, "json") != 0)
		return ctl_usage(usage);
	e.json = strcmp(co.format, "json") == 0;
	e.first = 1;
	if ((rc = ctl_open(argv[0], &co, &s)) != EX_OK)
		goto out;
	if (!e.json) {
		for (int c = 0; c < COL_COUNT; c++)
			ctl_csv_cell(ctl_cols[c], c == 0);
		fputs("\r\n", stdout);
	}
	if (store_export(s, co.since, co.decision, ctl_export_one, &e) != 0) {
		fprintf(stderr, "leadctl export: the store failed (see above)\n");
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (e.json)
		fputs(e.first ? "[]\n" : "\n]\n", stdout);
	rc = EX_OK;
out:
	store_close(s);
	return ctl_flush("export", rc);
}

/* ---- prospect, forget, purge --------------------------------------------------- */

/* ctl_prospect_json - everything known, as one JSON object */
static json_t *
ctl_prospect_json(const struct store_prospect *p)
{
	json_t *o = json_object(), *arr = json_array();

	json_object_set_new(o, "email", json_string(p->email));
	json_object_set_new(o, "domain", json_string(p->domain));
	json_object_set_new(o, "first_seen", json_integer(p->first_seen));
	json_object_set_new(o, "last_seen", json_integer(p->last_seen));
	for (size_t i = 0; i < p->ninq; i++) {
		const struct store_inquiry *q = &p->inq[i];
		json_t *x = json_object(), *facts = json_array();

		json_object_set_new(x, "lead_id", json_string(q->lead_id));
		json_object_set_new(x, "message_id", json_string(q->message_id));
		json_object_set_new(x, "received", json_integer(q->received));
		json_object_set_new(x, "rcpt", json_string(q->rcpt));
		json_object_set_new(x, "source", json_string(q->source));
		json_object_set_new(x, "subject", json_string(q->subject));
		json_object_set_new(x, "decision", json_string(q->decision));
		json_object_set_new(x, "disqualifier", *q->disqualifier
				    ? json_string(q->disqualifier) : json_null());
		json_object_set_new(x, "total", json_integer(q->total));
		json_object_set_new(x, "scores", json_string(q->scores));
		json_object_set_new(x, "tags", json_string(q->tags));
		json_object_set_new(x, "rules", json_string(q->rules));
		if (q->feedback >= 0) {
			json_t *f = json_object();

			json_object_set_new(f, "accepted", json_boolean(q->feedback));
			json_object_set_new(f, "reason", json_string(q->reason));
			json_object_set_new(f, "by", json_string(q->feedback_by));
			json_object_set_new(f, "at", json_integer(q->feedback_at));
			json_object_set_new(x, "feedback", f);
		} else {
			json_object_set_new(x, "feedback", json_null());
		}
		for (size_t j = 0; j < q->nfacts; j++) {
			json_t *f = json_object();

			json_object_set_new(f, "name", json_string(q->facts[j].name));
			json_object_set_new(f, "value", json_string(q->facts[j].value));
			json_object_set_new(f, "where", json_string(q->facts[j].origin));
			json_object_set_new(f, "rule", json_string(q->facts[j].rule));
			json_object_set_new(f, "seen", json_integer(q->facts[j].seen));
			json_array_append_new(facts, f);
		}
		json_object_set_new(x, "facts", facts);
		json_array_append_new(arr, x);
	}
	json_object_set_new(o, "inquiries", arr);
	return o;
}

/* ctl_prospect_text - everything known, for a person to read */
static void
ctl_prospect_text(const struct store_prospect *p)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	char t1[32], t2[32];

	printf("prospect %s (domain %s)\n", ctl_safe(p->email, &a), ctl_safe(p->domain, &b));
	printf("first seen %s UTC, last seen %s UTC, %zu inquir%s\n",
	       ctl_time(p->first_seen, t1, sizeof(t1)), ctl_time(p->last_seen, t2, sizeof(t2)),
	       p->ninq, p->ninq == 1 ? "y" : "ies");
	for (size_t i = 0; i < p->ninq; i++) {
		const struct store_inquiry *q = &p->inq[i];

		printf("\ninquiry %s received %s UTC\n", ctl_safe(q->lead_id, &a),
		       ctl_time(q->received, t1, sizeof(t1)));
		printf("  message-id <%s>\n", ctl_safe(q->message_id, &a));
		printf("  subject    %s\n", ctl_safe(q->subject, &a));
		printf("  to         %s, source %s\n", ctl_safe(q->rcpt, &a), ctl_safe(q->source, &b));
		printf("  decision   %s, total %d (%s)", ctl_safe(q->decision, &a), q->total,
		       ctl_safe(q->scores, &b));
		if (*q->disqualifier)
			printf(", disqualifier %s", ctl_safe(q->disqualifier, &a));
		printf("\n  tags       %s\n", *q->tags ? ctl_safe(q->tags, &a) : "-");
		printf("  rules      %s\n", *q->rules ? ctl_safe(q->rules, &a) : "-");
		if (q->feedback >= 0) {
			printf("  feedback   %s by %s at %s UTC", q->feedback ? "accepted" : "rejected",
			       ctl_safe(q->feedback_by, &a), ctl_time(q->feedback_at, t1, sizeof(t1)));
			if (*q->reason)
				printf(": %s", ctl_safe(q->reason, &a));
			printf("\n");
		}
		for (size_t j = 0; j < q->nfacts; j++) {
			printf("  fact       %-12s %s", ctl_safe(q->facts[j].name, &a),
			       ctl_safe(q->facts[j].value, &b));
			printf("  (%s", ctl_safe(q->facts[j].origin, &a));
			if (*q->facts[j].rule)
				printf(", rule %s", ctl_safe(q->facts[j].rule, &a));
			printf(")\n");
		}
	}
	buf_free(&a);
	buf_free(&b);
}

/* ctl_prospect - leadctl prospect: all that is known about an address */
int
ctl_prospect(int argc, char **argv)
{
	static const char usage[] = "prospect [-d DB] [--format text|json] EMAIL";
	struct ctl_opts co;
	struct store *s = NULL;
	struct store_prospect p;
	struct buf safe = BUF_INIT;
	json_t *o;
	int i, rc;

	memset(&p, 0, sizeof(p));
	if ((i = ctl_parse(argc, argv, "d:f:h", &co)) < 0 || argc - i != 1)
		return ctl_usage(usage);
	if (co.format == NULL)
		co.format = "text";
	if (strcmp(co.format, "text") != 0 && strcmp(co.format, "json") != 0)
		return ctl_usage(usage);
	if ((rc = ctl_open(argv[0], &co, &s)) != EX_OK)
		goto out;
	switch (store_prospect_get(s, argv[i], &p)) {
	case 0:
		if (strcmp(co.format, "json") == 0) {
			o = ctl_prospect_json(&p);
			json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(o);
		} else {
			ctl_prospect_text(&p);
		}
		rc = EX_OK;
		break;
	case LM_ENOTFOUND:
		fprintf(stderr, "leadctl prospect: nothing stored about %s\n",
			ctl_safe(argv[i], &safe));
		rc = EX_DATAERR;
		break;
	default:
		fprintf(stderr, "leadctl prospect: the store failed (see above)\n");
		rc = EX_TEMPFAIL;
		break;
	}
out:
	store_prospect_free(&p);
	store_close(s);
	buf_free(&safe);
	return ctl_flush("prospect", rc);
}

/* ctl_forget - leadctl forget: erase a person (GDPR Art. 17) */
int
ctl_forget(int argc, char **argv)
{
	static const char usage[] = "forget [-d DB] EMAIL";
	struct ctl_opts co;
	struct store *s = NULL;
	struct buf safe = BUF_INIT;
	int i, rc;

	if ((i = ctl_parse(argc, argv, "d:h", &co)) < 0 || argc - i != 1)
		return ctl_usage(usage);
	if ((rc = ctl_open(argv[0], &co, &s)) != EX_OK)
		goto out;
	switch (store_forget(s, argv[i])) {
	case 0:
		printf("forgot %s: facts, addresses, message ids and reasons erased;"
		       " counts kept for reports\n", ctl_safe(argv[i], &safe));
		rc = EX_OK;
		break;
	case LM_ENOTFOUND:
		/* Erasure is idempotent: nothing stored is success. */
		printf("nothing stored about %s\n", ctl_safe(argv[i], &safe));
		rc = EX_OK;
		break;
	default:
		fprintf(stderr, "leadctl forget: the store failed (see above)\n");
		rc = EX_TEMPFAIL;
		break;
	}
out:
	store_close(s);
	buf_free(&safe);
	return ctl_flush("forget", rc);
}

/* ctl_purge - leadctl purge: apply the retention period now */
int
ctl_purge(int argc, char **argv)
{
	static const char usage[] = "purge [-d DB] -r DAYS";
	struct ctl_opts co;
	struct store *s = NULL;
	char t[32];
	int i, rc, n;

	if ((i = ctl_parse(argc, argv, "d:r:h", &co)) < 0 || i != argc)
		return ctl_usage(usage);
	if (co.retention_days <= 0) {
		fprintf(stderr, "leadctl purge: no retention period: give -r DAYS\n");
		return ctl_usage(usage);
	}
	if ((rc = ctl_open(argv[0], &co, &s)) != EX_OK)
		goto out;
	if ((n = store_purge(s, 0)) < 0) {
		fprintf(stderr, "leadctl purge: the store failed (see above)\n");
		rc = EX_TEMPFAIL;
		goto out;
	}
	printf("purged: %d inquiries received before %s UTC unlinked from their senders\n",
	       n, ctl_time((long long)time(NULL) - co.retention_days * 86400, t, sizeof(t)));
	rc = EX_OK;
out:
	store_close(s);
	return ctl_flush("purge", rc);
}
