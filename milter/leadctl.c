/*
 * leadctl - qualify, explain, lint and test inquiries from the command line;
 *           feedback, reports and export from the prospect store
 *
 * DESCRIPTION  The same engine as the milter (engine_qualify) on files.
 *              Results go to stdout, diagnostics to stderr, never mixed.
 *              Exit codes from sysexits.h; `test` exits 1 on a mismatch.
 * SEE ALSO     leadctl(1), leadmilter(8), rules/README.md
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"
#include "engine.h"
#include "log.h"
#include "store.h"

#define CTL_MAX_INPUT	(64 * 1024 * 1024)	/* bytes read from one file */

static const char ctl_usage[] =
"usage: leadctl COMMAND [OPTIONS] [ARGS]\n"
"\n"
"Qualify sales inquiries with the leadmilter engine and manage its store.\n"
"\n"
"Commands:\n"
"  qualify [--json] [-r RULES] FILE...|-\n"
"        Qualify each message and print one line per message: file,\n"
"        decision, need/timeframe/authority/profile=total, tags, reason,\n"
"        company, title, country.  --json prints one JSON object per line.\n"
"  explain [-r RULES] [-d DB] FILE\n"
"        Show why: every rule that fired, its zone, the capture, what it\n"
"        changed, the fields with their origin, and the final arithmetic.\n"
"        With -d, history from the store is used (and shown) but nothing\n"
"        is recorded.\n"
"  lint [--strict] [RULES]\n"
"        Check a rule set (default: the built-in rules).  Errors name\n"
"        file:line:column; warnings cover duplicate rule names, unused\n"
"        lists and fields, and rules that never fire on RULES/tests/*.eml.\n"
"        --strict makes warnings fail.\n"
"  test [-r RULES] [--no-history] DIR\n"
"        Replay DIR/*.eml in filename order against DIR/expected.tsv with a\n"
"        fresh temporary store, print mismatches and per-column accuracy;\n"
"        exit 1 unless every decision and tag matches.\n"
"  feedback [-d DB] LEAD-ID accepted|rejected [REASON]\n"
"  report   [-d DB] [--since DATE] [--format text|csv|html]\n"
"  export   [-d DB] [--since DATE] --format csv|json\n"
"  prospect [-d DB] EMAIL\n"
"  forget   [-d DB] EMAIL\n"
"  purge    [-d DB]\n"
"        Store commands: see leadctl(1).\n"
"\n"
"Options:\n"
"  -r, --rules PATH   rule file or directory (default: built-in rules)\n"
"  -d, --db FILE      prospect store (SQLite file)\n"
"  -h, --help         this text\n"
"  -V, --version      print the version\n"
"\n"
"Exit status: 0 success, 1 test mismatches, 64 usage, 65 bad message or\n"
"rules, 66 missing input, 70 internal error.\n";

/* ctl_read_file - whole file (or stdin for "-") into memory */
static int
ctl_read_file(const char *path, struct buf *out)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (fp == NULL)
		return LM_EIO;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (out->len + n > CTL_MAX_INPUT) {
			if (fp != stdin)
				fclose(fp);
			return LM_ELIMIT;
		}
		buf_append(out, chunk, n);
	}
	if (ferror(fp)) {
		if (fp != stdin)
			fclose(fp);
		return LM_EIO;
	}
	if (fp != stdin)
		fclose(fp);
	return 0;
}

/* ctl_load_rules - load rules or die with file:line:col: cause */
static struct ruleset *
ctl_load_rules(const char *path)
{
	struct ruleset *rs = NULL;
	struct lm_err err;
	char msg[LM_ERR_MAX + 300];

	if (rules_load(path, &rs, &err) != 0) {
		fprintf(stderr, "leadctl: %s\n", lm_err_format(&err, msg, sizeof(msg)));
		exit(EX_DATAERR);
	}
	return rs;
}

/* ctl_init - engine set-up shared by every command */
static void
ctl_init(void)
{
	struct lm_err err;
	char msg[LM_ERR_MAX + 300];

	if (engine_global_init(&err) != 0) {
		fprintf(stderr, "leadctl: %s\n", lm_err_format(&err, msg, sizeof(msg)));
		exit(EX_SOFTWARE);
	}
}

/* A store used for history while qualifying, or none. */
struct ctl_history {
	struct store *store;
	int record;		/* record each verdict (test) */
	char tmpdir[256];	/* removed at the end, if set */
};

/* ctl_history_open - open DB (or a fresh temporary store) */
static int
ctl_history_open(struct ctl_history *h, const char *db, int record)
{
	struct store_opts o;
	struct lm_err err;
	char msg[LM_ERR_MAX + 300], path[300];

	memset(h, 0, sizeof(*h));
	h->record = record;
	if (db == NULL) {
		const char *t = getenv("TMPDIR");

		snprintf(h->tmpdir, sizeof(h->tmpdir), "%s/leadctl.XXXXXX", t && *t ? t : "/tmp");
		if (mkdtemp(h->tmpdir) == NULL) {
			fprintf(stderr, "leadctl: cannot make a temporary directory: %s\n",
			    strerror(errno));
			h->tmpdir[0] = '\0';
			return LM_EIO;
		}
		snprintf(path, sizeof(path), "%s/store.db", h->tmpdir);
		db = path;
	}
	memset(&o, 0, sizeof(o));
	o.path = db;
	if (store_open(&o, &h->store, &err) != 0) {
		fprintf(stderr, "leadctl: %s\n", lm_err_format(&err, msg, sizeof(msg)));
		return LM_ESTORE;
	}
	return 0;
}

/* ctl_history_close - close the store, remove a temporary one */
static void
ctl_history_close(struct ctl_history *h)
{
	char p[400];

	store_close(h->store);
	h->store = NULL;
	if (h->tmpdir[0]) {
		static const char *files[] = { "store.db", "store.db-wal", "store.db-shm",
					       "store.db-journal" };

		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(p, sizeof(p), "%s/%s", h->tmpdir, files[i]);
			unlink(p);
		}
		rmdir(h->tmpdir);
	}
}

/* ctl_qualify_one - qualify a buffer, with history if h has a store */
static int
ctl_qualify_one(const struct ruleset *rs, struct engine_ctx *ctx, struct ctl_history *h,
		const struct buf *data, struct verdict *v, struct lm_err *err)
{
	struct engine_input in = { data->data ? data->data : "", data->len, NULL, 0, NULL, NULL };
	struct store_query q;
	int rc;

	if (h && h->store) {
		store_query_init(&q, h->store, 0);
		in.history = store_history;
		in.history_ctx = &q;
	}
	rc = engine_qualify(rs, ctx, &in, v, err);
	if (h && h->store) {
		if ((rc == 0 || rc == LM_EMATCH) && h->record)
			(void)store_record(h->store, v, NULL, 0);
		store_query_free(&q);
	}
	return rc;
}

/* ctl_qualify - leadctl qualify [--json] [-r RULES] FILE... */
static int
ctl_qualify(int argc, char **argv, int explain)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "rules", required_argument, NULL, 'r' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *rules = NULL, *db = NULL;
	int json = 0, c, status = EX_OK;
	struct ruleset *rs;
	struct engine_ctx *ctx;
	struct ctl_history h, *hp = NULL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jr:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'r': rules = optarg; break;
		case 'd': db = optarg; break;
		case 'h': fputs(ctl_usage, stdout); return EX_OK;
		default: fputs(ctl_usage, stderr); return EX_USAGE;
		}
	}
	if (optind >= argc || (explain && argc - optind != 1)) {
		fprintf(stderr, "leadctl: %s needs %s\n", argv[0],
		    explain ? "exactly one FILE" : "FILE... or -");
		return EX_USAGE;
	}
	ctl_init();
	rs = ctl_load_rules(rules);
	ctx = engine_ctx_new();
	if (db) {
		if (ctl_history_open(&h, db, 0) != 0) {
			status = EX_UNAVAILABLE;
			goto out;
		}
		hp = &h;
	}
	for (int i = optind; i < argc; i++) {
		struct buf data = BUF_INIT, out = BUF_INIT;
		struct verdict v;
		struct lm_err err;
		char msg[LM_ERR_MAX + 300];
		int rc;

		verdict_init(&v);
		rc = ctl_read_file(argv[i], &data);
		if (rc != 0) {
			fprintf(stderr, "leadctl: %s: %s\n", argv[i],
			    rc == LM_ELIMIT ? "larger than 64 MB" : strerror(errno));
			status = EX_NOINPUT;
			buf_free(&data);
			continue;
		}
		rc = ctl_qualify_one(rs, ctx, hp, &data, &v, &err);
		if (rc == LM_EMATCH)
			fprintf(stderr, "leadctl: %s: warning: %s\n", argv[i], err.msg);
		else if (rc != 0) {
			fprintf(stderr, "leadctl: %s: %s\n", argv[i],
			    lm_err_format(&err, msg, sizeof(msg)));
			if (status == EX_OK)
				status = EX_DATAERR;
			buf_free(&data);
			verdict_free(&v);
			continue;
		}
		if (explain) {
			buf_printf(&out, "%s\n", argv[i]);
			verdict_explain(&v, &out);
		} else if (json) {
			json_t *o = verdict_json(&v);
			char *s;

			json_object_set_new(o, "file", json_string(argv[i]));
			s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			buf_printf(&out, "%s\n", s ? s : "{}");
			free(s);
			json_decref(o);
		} else {
			verdict_line(&v, argv[i], &out);
		}
		fwrite(out.data, 1, out.len, stdout);
		buf_free(&out);
		buf_free(&data);
		verdict_free(&v);
	}
out:
	if (hp)
		ctl_history_close(hp);
	engine_ctx_free(ctx);
	rules_unref(rs);
	engine_global_shutdown();
	return status;
}

/* Expected columns of expected.tsv and how they are compared. */
enum { COL_DECISION, COL_NEED, COL_TIMEFRAME, COL_AUTHORITY, COL_PROFILE, COL_TOTAL,
       COL_DISQ, COL_TAGS, COL_COMPANY, COL_TITLE, COL_EMPLOYEES, COL_COUNTRY, COL_N };
static const char *ctl_cols[COL_N] = {
	"decision", "need", "timeframe", "authority", "profile", "total",
	"disqualifier", "tags", "company", "title", "employees", "country"
};

/* ctl_split_tabs - split a line at tabs in place; returns the count */
static int
ctl_split_tabs(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		char *t = strchr(line, '\t');

		if (t == NULL)
			break;
		*t = '\0';
		line = t + 1;
	}
	return n;
}

/* ctl_tags_equal - compare comma lists as sets ("-" is empty) */
static int
ctl_tags_equal(const char *a, const char *b)
{
	char x[512], y[512], *save = NULL;
	int na = 0, nb = 0;

	snprintf(x, sizeof(x), "%s", strcmp(a, "-") ? a : "");
	snprintf(y, sizeof(y), "%s", strcmp(b, "-") ? b : "");
	for (char *t = strtok_r(x, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char pat[128];

		na++;
		snprintf(pat, sizeof(pat), ",%s,", t);
		char yy[520];

		snprintf(yy, sizeof(yy), ",%s,", y);
		if (strstr(yy, pat) == NULL)
			return 0;
	}
	for (char *p = y; *p; p++)
		if (*p == ',')
			nb++;
	if (*y)
		nb++;
	return na == nb;
}

/* ctl_actual - the verdict's value for a column */
static void
ctl_actual(const struct verdict *v, int col, struct buf *out)
{
	const char *f = NULL;

	buf_reset(out);
	switch (col) {
	case COL_DECISION: buf_puts(out, v->decision ? v->decision : "-"); return;
	case COL_NEED: buf_printf(out, "%d", verdict_crit(v, "need")); return;
	case COL_TIMEFRAME: buf_printf(out, "%d", verdict_crit(v, "timeframe")); return;
	case COL_AUTHORITY: buf_printf(out, "%d", verdict_crit(v, "authority")); return;
	case COL_PROFILE: buf_printf(out, "%d", verdict_crit(v, "profile")); return;
	case COL_TOTAL: buf_printf(out, "%d", v->total); return;
	case COL_DISQ: buf_puts(out, v->disqualifier ? v->disqualifier : "-"); return;
	case COL_TAGS: verdict_tags_join(v, ",", out); return;
	case COL_COMPANY: f = verdict_field(v, "company"); break;
	case COL_TITLE: f = verdict_field(v, "title"); break;
	case COL_EMPLOYEES: f = verdict_field(v, "employees"); break;
	case COL_COUNTRY: f = verdict_field(v, "country"); break;
	}
	buf_puts(out, f && *f ? f : "-");
}

/* ctl_cmp_str - qsort strings */
static int
ctl_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ctl_cmp_long - qsort longs */
static int
ctl_cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* ctl_test - leadctl test [-r RULES] [--no-history] DIR */
static int
ctl_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "no-history", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *rules = NULL, *dir;
	int c, nohist = 0, rows = 0, hard_fail = 0, colidx[COL_N];
	int match[COL_N] = { 0 }, seen[COL_N] = { 0 };
	char path[4096], line[8192], *hdr[32], *f[32];
	FILE *tsv;
	struct ruleset *rs;
	struct engine_ctx *ctx;
	struct ctl_history h, *hp = NULL;
	struct buf act = BUF_INIT;
	long *us = NULL;
	int nus = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rules = optarg; break;
		case 'n': nohist = 1; break;
		case 'h': fputs(ctl_usage, stdout); return EX_OK;
		default: fputs(ctl_usage, stderr); return EX_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "leadctl: test needs one DIR\n");
		return EX_USAGE;
	}
	dir = argv[optind];
	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	if ((tsv = fopen(path, "r")) == NULL) {
		fprintf(stderr, "leadctl: %s: %s\n", path, strerror(errno));
		return EX_NOINPUT;
	}
	if (fgets(line, sizeof(line), tsv) == NULL) {
		fprintf(stderr, "leadctl: %s:1: empty file\n", path);
		fclose(tsv);
		return EX_DATAERR;
	}
	int nh = ctl_split_tabs(line, hdr, 32);

	for (int k = 0; k < COL_N; k++) {
		colidx[k] = -1;
		for (int i = 0; i < nh; i++)
			if (strcmp(hdr[i], ctl_cols[k]) == 0)
				colidx[k] = i;
	}
	if (nh < 1 || strcmp(hdr[0], "file") != 0 || colidx[COL_DECISION] < 0) {
		fprintf(stderr, "leadctl: %s:1: header must start with \"file\" and have a "
		    "\"decision\" column\n", path);
		fclose(tsv);
		return EX_DATAERR;
	}
	/* rows, sorted by file name so history builds up in order */
	char **lines = NULL;
	int nlines = 0;
	unsigned lineno = 1;

	while (fgets(line, sizeof(line), tsv)) {
		lineno++;
		if (line[0] == '\n' || line[0] == '#')
			continue;
		lines = lm_xrealloc(lines, (size_t)(nlines + 1) * sizeof(*lines));
		lines[nlines++] = lm_xstrdup(line);
	}
	fclose(tsv);
	qsort(lines, (size_t)nlines, sizeof(*lines), ctl_cmp_str);

	ctl_init();
	rs = ctl_load_rules(rules);
	ctx = engine_ctx_new();
	if (!nohist) {
		if (ctl_history_open(&h, NULL, 1) != 0)
			fprintf(stderr, "leadctl: warning: no store; history-dependent tags "
			    "(repeat, hand-raiser) cannot match\n");
		else
			hp = &h;
	}
	us = lm_xcalloc((size_t)nlines + 1, sizeof(*us));
	for (int r = 0; r < nlines; r++) {
		struct buf data = BUF_INIT;
		struct verdict v;
		struct lm_err err;
		char msg[LM_ERR_MAX + 300];
		int nf = ctl_split_tabs(lines[r], f, 32), rc;

		verdict_init(&v);
		rows++;
		snprintf(path, sizeof(path), "%s/%s", dir, f[0]);
		if (ctl_read_file(path, &data) != 0) {
			printf("%s: cannot read: %s\n", f[0], strerror(errno));
			hard_fail = 1;
			buf_free(&data);
			continue;
		}
		rc = ctl_qualify_one(rs, ctx, hp, &data, &v, &err);
		buf_free(&data);
		if (rc != 0 && rc != LM_EMATCH) {
			printf("%s: no verdict: %s\n", f[0], lm_err_format(&err, msg, sizeof(msg)));
			hard_fail = 1;
			continue;
		}
		us[nus++] = v.elapsed_us;
		for (int k = 0; k < COL_N; k++) {
			const char *want;
			int ok;

			if (colidx[k] < 0 || colidx[k] >= nf)
				continue;
			want = f[colidx[k]];
			ctl_actual(&v, k, &act);
			ok = k == COL_TAGS ? ctl_tags_equal(buf_str(&act), want)
					   : strcmp(buf_str(&act), want) == 0;
			seen[k]++;
			if (ok) {
				match[k]++;
				continue;
			}
			if (k == COL_DECISION || k == COL_TAGS)
				hard_fail = 1;
			printf("%s: %s: got %s, want %s\n", f[0], ctl_cols[k], buf_str(&act), want);
		}
		verdict_free(&v);
	}
	printf("\n%-14s %9s %9s\n", "column", "matched", "accuracy");
	for (int k = 0; k < COL_N; k++) {
		if (seen[k] == 0)
			continue;
		printf("%-14s %4d/%-4d %8.1f%%\n", ctl_cols[k], match[k], seen[k],
		    100.0 * match[k] / seen[k]);
	}
	if (nus > 0) {
		qsort(us, (size_t)nus, sizeof(*us), ctl_cmp_long);
		printf("\n%d messages; engine time per message: median %ld us, max %ld us\n",
		    rows, us[nus / 2], us[nus - 1]);
	}
	printf("%s: %s\n", dir, hard_fail ? "FAIL (a decision or tag differs)" :
	    "every decision and tag matches");
	for (int r = 0; r < nlines; r++)
		free(lines[r]);
	free(lines);
	free(us);
	buf_free(&act);
	if (hp)
		ctl_history_close(hp);
	engine_ctx_free(ctx);
	rules_unref(rs);
	engine_global_shutdown();
	return hard_fail ? 1 : EX_OK;
}

/* ctl_lint - leadctl lint [--strict] [RULES] */
static int
ctl_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NULL;
	int c, strict = 0, nwarn, ncases = 0;
	struct ruleset *rs;
	struct buf out = BUF_INIT;
	unsigned char *fired = NULL;
	char tests[4096];
	DIR *d;

	optind = 1;
	while ((c = getopt_long(argc, argv, "sh", opts, NULL)) != -1) {
		switch (c) {
		case 's': strict = 1; break;
		case 'h': fputs(ctl_usage, stdout); return EX_OK;
		default: fputs(ctl_usage, stderr); return EX_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "leadctl: lint takes at most one RULES path\n");
		return EX_USAGE;
	}
	if (optind < argc)
		path = argv[optind];
	ctl_init();
	rs = ctl_load_rules(path);
	/* which rules fire on the regression cases beside the rules */
	snprintf(tests, sizeof(tests), "%s/tests", path ? path : "rules");
	if (path && (d = opendir(tests)) != NULL) {
		struct engine_ctx *ctx = engine_ctx_new();
		struct dirent *de;

		fired = lm_xcalloc(rules_count(rs) + 1, 1);
		while ((de = readdir(d)) != NULL) {
			size_t l = strlen(de->d_name);
			struct buf data = BUF_INIT;
			struct verdict v;
			struct lm_err err;
			char p[8192];

			if (l < 5 || strcmp(de->d_name + l - 4, ".eml") != 0)
				continue;
			snprintf(p, sizeof(p), "%s/%s", tests, de->d_name);
			verdict_init(&v);
			if (ctl_read_file(p, &data) == 0 &&
			    ctl_qualify_one(rs, ctx, NULL, &data, &v, &err) == 0) {
				ncases++;
				for (size_t i = 0; i < v.nhits; i++) {
					int idx = rules_index(rs, v.hits[i].rule);

					if (idx >= 0)
						fired[idx] = 1;
				}
			}
			verdict_free(&v);
			buf_free(&data);
		}
		closedir(d);
		engine_ctx_free(ctx);
	}
	nwarn = rules_lint(rs, ncases ? fired : NULL, &out);
	fwrite(out.data ? out.data : "", 1, out.len, stderr);
	printf("%s: ok, %d warning%s", rules_describe(rs), nwarn, nwarn == 1 ? "" : "s");
	if (ncases)
		printf(", %d regression cases", ncases);
	printf("\n");
	free(fired);
	buf_free(&out);
	rules_unref(rs);
	engine_global_shutdown();
	return strict && nwarn ? EX_DATAERR : EX_OK;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	log_open("leadctl", 0, 0, 1);
	if (argc < 2) {
		fputs(ctl_usage, stderr);
		return EX_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(ctl_usage, stdout);
		return EX_OK;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		printf("leadctl %s\n", PACKAGE_VERSION);
		return EX_OK;
	}
	argc--;
	argv++;
	if (strcmp(cmd, "qualify") == 0)
		return ctl_qualify(argc, argv, 0);
	if (strcmp(cmd, "explain") == 0)
		return ctl_qualify(argc, argv, 1);
	if (strcmp(cmd, "test") == 0)
		return ctl_test(argc, argv);
	if (strcmp(cmd, "lint") == 0)
		return ctl_lint(argc, argv);
	if (strcmp(cmd, "feedback") == 0)
		return ctl_feedback(argc, argv);
	if (strcmp(cmd, "report") == 0)
		return ctl_report(argc, argv);
	if (strcmp(cmd, "export") == 0)
		return ctl_export(argc, argv);
	if (strcmp(cmd, "prospect") == 0)
		return ctl_prospect(argc, argv);
	if (strcmp(cmd, "forget") == 0)
		return ctl_forget(argc, argv);
	if (strcmp(cmd, "purge") == 0)
		return ctl_purge(argc, argv);
	fprintf(stderr, "leadctl: unknown command \"%s\"\n\n%s", cmd, ctl_usage);
	return EX_USAGE;
}
