/*
 * bench_engine - throughput, latency and memory of engine_qualify()
 *
 * SYNOPSIS     bench_engine [-r rules] [-t threads] [-n repeats] [-s seconds]
 *                           [-l label] [-P rows] msgdir [label=msgdir ...]
 * DESCRIPTION  Loads the rules once (the built-in set unless -r names a file
 *              or directory) and times how long that took (PCRE2 JIT and
 *              Hyperscan compilation).  Then, for each message set (every
 *              *.eml file of a directory, held in memory): a warm-up pass
 *              and, per repeat (-n, default 5), these passes over the
 *              whole set:
 *                1core  one thread;
 *                ncore  -t threads (default: every online CPU), each with
 *                       its own engine_ctx as the daemon has one per
 *                       connection; first set only;
 *                parse  msg_parse() + zone_split() alone, no rules;
 *                gmime  GMime alone, parsing and decoding every text part
 *                       to UTF-8 (what the reference figure measures).
 *              The rule cost, and the cost of our parsing on top of
 *              GMime's, are the differences.  Each message is timed by the
 *              wall clock and by its thread's CPU time: the CPU figures
 *              (cpu_*) leave out time spent waiting for a CPU, so they
 *              hold when other work shares the machine.  A pass stops
 *              after -s seconds (default 0: no limit), so big messages keep
 *              the run bounded.
 *              -P also prints, for the first set, where the rule time
 *              goes: each rule's PCRE2 pattern run over the zones it names
 *              on every message (no prefilter), how many rules match a
 *              message, and the most expensive rows rules (0: the summary
 *              line only).
 * OUTPUT       One line per figure and repeat, tab-separated, for
 *              tests/bench/report.py:
 *                  LABEL.METRIC <tab> repeat <tab> value <tab> unit
 *              and "#" lines naming the rules, the messages and the
 *              verdict mix.  Timings are printed, never asserted.
 * DIAGNOSTICS  Exit 0, or 1 with a message on stderr when the messages or
 *              rules cannot be loaded.  Messages the engine rejects are
 *              counted (LABEL.errors), not fatal.
 * SEE ALSO     tests/bench/bench.sh, engine(3)
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "engine.h"
#include "msg.h"
#include "rules_int.h"
#include "zone.h"

struct bench_msg {
	char *name;
	char *data;
	size_t len;
};

struct bench_set {
	struct bench_msg *m;
	size_t n;
	size_t bytes;
};

/* One pass: threads take messages in order from a shared counter. */
struct bench_pass {
	const struct ruleset *rs;
	const struct bench_set *set;
	atomic_size_t next;
	size_t limit;		/* messages to run: set->n, or fewer */
	double deadline;	/* monotonic seconds; 0 = none */
	double *lat_us;		/* per message of this pass: wall clock */
	double *cpu_us;		/* and the thread's CPU time */
	atomic_size_t done;
	atomic_size_t errors;
	atomic_size_t decided[4];	/* sales, nurture, archive, other */
	int stage;		/* BENCH_FULL, BENCH_PARSE or BENCH_GMIME */
};

enum { BENCH_FULL, BENCH_PARSE, BENCH_GMIME };

/* One pass's figures.  CPU-time figures leave out the time a thread
 * waited for a CPU, so they hold when other work shares the machine. */
struct bench_result {
	size_t n;		/* messages done */
	double rate;		/* messages per wall-clock second */
	double cpu_rate;	/* messages per CPU second of the threads */
	double p50, p99, max;	/* wall-clock latency, us */
	double cpu_p50, cpu_p99, cpu_max;	/* CPU time per message, us */
};

/* bench_cpu - this thread's CPU seconds */
static double
bench_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_now - monotonic seconds */
static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* bench_read - a whole file into memory; NULL on error */
static char *
bench_read(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long sz;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (sz = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		data = malloc((size_t)sz + 1);
		if (data && fread(data, 1, (size_t)sz, fp) != (size_t)sz) {
			free(data);
			data = NULL;
		} else if (data) {
			data[sz] = 0;
			*len = (size_t)sz;
		}
	}
	fclose(fp);
	return data;
}

/* bench_cmp_name - sort messages by file name */
static int
bench_cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct bench_msg *)a)->name, ((const struct bench_msg *)b)->name);
}

/* bench_load_set - every *.eml of dir, sorted by name */
static int
bench_load_set(const char *dir, struct bench_set *set)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	char path[4096];

	memset(set, 0, sizeof(*set));
	if (d == NULL) {
		fprintf(stderr, "bench_engine: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		struct bench_msg *bm;

		if (l < 5 || strcmp(de->d_name + l - 4, ".eml") != 0)
			continue;
		if (set->n == cap) {
			cap = cap ? 2 * cap : 256;
			set->m = realloc(set->m, cap * sizeof(*set->m));
			if (set->m == NULL)
				abort();
		}
		bm = &set->m[set->n];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((bm->data = bench_read(path, &bm->len)) == NULL) {
			fprintf(stderr, "bench_engine: %s: cannot read\n", path);
			closedir(d);
			return -1;
		}
		bm->name = strdup(de->d_name);
		set->bytes += bm->len;
		set->n++;
	}
	closedir(d);
	if (set->n == 0) {
		fprintf(stderr, "bench_engine: %s: no *.eml files\n", dir);
		return -1;
	}
	qsort(set->m, set->n, sizeof(*set->m), bench_cmp_name);
	return 0;
}

/* bench_decision_slot - verdict decision -> counter index */
static int
bench_decision_slot(const char *d)
{
	if (d == NULL)
		return 3;
	if (strcmp(d, "sales") == 0)
		return 0;
	if (strcmp(d, "nurture") == 0)
		return 1;
	if (strcmp(d, "archive") == 0)
		return 2;
	return 3;
}

/* bench_gmime_part - decode one text part, as the reference figure does */
static void
bench_gmime_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	(void)parent;
	if (GMIME_IS_TEXT_PART(part)) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(part));

		*(size_t *)data += t ? strlen(t) : 0;
		g_free(t);
	}
}

/* bench_gmime - GMime alone: parse, decode every text part to UTF-8 */
static int
bench_gmime(const struct bench_msg *bm)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(bm->data, bm->len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	size_t text = 0;

	if (msg) {
		const char *subject = g_mime_message_get_subject(msg);

		text += subject ? strlen(subject) : 0;
		g_mime_message_foreach(msg, bench_gmime_part, &text);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_object_unref(stream);
	return msg && text ? 0 : LM_ESYNTAX;
}

/* bench_worker - one thread of a pass */
static void *
bench_worker(void *arg)
{
	struct bench_pass *p = arg;
	struct engine_ctx *ctx = p->stage != BENCH_FULL ? NULL : engine_ctx_new();
	struct verdict v;
	struct lm_err err;
	size_t i;

	verdict_init(&v);
	while ((i = atomic_fetch_add(&p->next, 1)) < p->limit) {
		const struct bench_msg *bm = &p->set->m[i];
		double t0 = bench_now(), t1, c0 = bench_cpu();
		int rc;

		if (p->deadline > 0 && t0 > p->deadline)
			break;
		if (p->stage == BENCH_GMIME) {
			rc = bench_gmime(bm);
		} else if (p->stage == BENCH_PARSE) {
			struct msg m;
			struct zones z;

			memset(&m, 0, sizeof(m));
			memset(&z, 0, sizeof(z));
			rc = msg_parse(bm->data, bm->len, &m, &err);
			if (rc == 0) {
				rc = zone_split(&m, &p->rs->markers, &z);
				zones_free(&z);
			}
			msg_free(&m);
		} else {
			struct engine_input in = { .data = bm->data, .len = bm->len,
				.rcpt = "sales@example-msp.com", .now = 1736500000 };

			rc = engine_qualify(p->rs, ctx, &in, &v, &err);
			if (rc == 0 || rc == LM_EMATCH)
				atomic_fetch_add(&p->decided[bench_decision_slot(v.decision)], 1);
			verdict_free(&v);
		}
		t1 = bench_now();
		if (rc != 0 && rc != LM_EMATCH)
			atomic_fetch_add(&p->errors, 1);
		p->lat_us[i] = (t1 - t0) * 1e6;
		p->cpu_us[i] = (bench_cpu() - c0) * 1e6;
		atomic_fetch_add(&p->done, 1);
	}
	engine_ctx_free(ctx);
	return NULL;
}

/* bench_cmp_double - qsort helper */
static int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* bench_pct - the q-quantile of n sorted values (nearest rank) */
static double
bench_pct(const double *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(q * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

/* bench_run - one pass with nthreads; sorted is scratch of set size */
static void
bench_run(struct bench_pass *p, int nthreads, double seconds, double *sorted,
	  struct bench_result *res)
{
	pthread_t tid[64];
	double t0, t1, cpu = 0;
	size_t n = 0;

	atomic_store(&p->next, 0);
	atomic_store(&p->done, 0);
	atomic_store(&p->errors, 0);
	for (int i = 0; i < 4; i++)
		atomic_store(&p->decided[i], 0);
	for (size_t i = 0; i < p->limit; i++)
		p->lat_us[i] = -1;
	t0 = bench_now();
	p->deadline = seconds > 0 ? t0 + seconds : 0;
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&tid[i], NULL, bench_worker, p) != 0)
			abort();
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	t1 = bench_now();
	memset(res, 0, sizeof(*res));
	res->rate = (double)atomic_load(&p->done) / (t1 - t0);
	for (size_t i = 0; i < p->limit; i++)
		if (p->lat_us[i] >= 0) {
			sorted[n++] = p->lat_us[i];
			cpu += p->cpu_us[i];
		}
	res->n = n;
	res->cpu_rate = cpu > 0 ? (double)n / (cpu / 1e6) : 0;
	qsort(sorted, n, sizeof(*sorted), bench_cmp_double);
	res->p50 = bench_pct(sorted, n, 0.50);
	res->p99 = bench_pct(sorted, n, 0.99);
	res->max = n ? sorted[n - 1] : 0;
	n = 0;
	for (size_t i = 0; i < p->limit; i++)
		if (p->lat_us[i] >= 0)
			sorted[n++] = p->cpu_us[i];
	qsort(sorted, n, sizeof(*sorted), bench_cmp_double);
	res->cpu_p50 = bench_pct(sorted, n, 0.50);
	res->cpu_p99 = bench_pct(sorted, n, 0.99);
	res->cpu_max = n ? sorted[n - 1] : 0;
}

/* bench_peak_rss_kb - this process's peak resident set */
static long
bench_peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

struct bench_rule_cost {
	size_t idx;
	double us;		/* the engine's own time (windows, prefilter) */
	size_t runs;		/* messages it ran on */
	double whole_us;	/* its pattern over every zone, no prefilter */
	size_t hits;		/* messages where it matched (whole zones) */
};

/* bench_cmp_cost - the rule that costs the engine most first */
static int
bench_cmp_cost(const void *a, const void *b)
{
	double x = ((const struct bench_rule_cost *)a)->us, y = ((const struct bench_rule_cost *)b)->us;

	return x > y ? -1 : x < y;
}

/*
 * bench_profile_rules - where the rule time goes.  The engine's own
 * per-rule time (engine_ctx_profile(): prefilter, windows, skipped
 * rules and all), and beside it what each pattern costs run over its
 * whole zones with no prefilter (first match per zone), which is what the
 * prefilter saves.  Prints the rules that cost the engine most.
 */
static int
bench_profile_rules(const struct ruleset *rs, const struct bench_set *set, const char *label,
		    int rows)
{
	struct bench_rule_cost *cost = calloc(rs->nrules + 1, sizeof(*cost));
	pcre2_match_data *md = pcre2_match_data_create(rs->max_groups + 1, NULL);
	pcre2_match_context *mctx = pcre2_match_context_create(NULL);
	pcre2_jit_stack *jit = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	unsigned long long *ns = calloc(rs->nrules + 1, sizeof(*ns));
	unsigned long *runs = calloc(rs->nrules + 1, sizeof(*runs));
	struct engine_profile prof;
	struct engine_ctx *ctx = engine_ctx_new();
	double total = 0, whole = 0, parse = 0;
	size_t hits = 0, ever = 0;
	struct lm_err err;

	if (cost == NULL || md == NULL || mctx == NULL || ns == NULL || runs == NULL)
		abort();
	pcre2_set_match_limit(mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(mctx, RULES_DEPTH_LIMIT);
	if (jit)
		pcre2_jit_stack_assign(mctx, NULL, jit);
	memset(&prof, 0, sizeof(prof));
	prof.ns = ns;
	prof.runs = runs;
	prof.nrules = rs->nrules;
	engine_ctx_profile(ctx, &prof);
	for (size_t i = 0; i < set->n; i++) {
		struct engine_input in;
		struct verdict v;

		memset(&in, 0, sizeof(in));
		in.data = set->m[i].data;
		in.len = set->m[i].len;
		in.rcpt = "sales@example-msp.com";
		verdict_init(&v);
		(void)engine_qualify(rs, ctx, &in, &v, &err);
		verdict_free(&v);
	}
	engine_ctx_free(ctx);
	for (size_t r = 0; r < rs->nrules; r++) {
		cost[r].idx = r;
		cost[r].us = (double)ns[r] / 1e3;
		cost[r].runs = runs[r];
	}
	for (size_t i = 0; i < set->n; i++) {
		struct msg m;
		struct zones z;
		double t0 = bench_now();

		memset(&m, 0, sizeof(m));
		memset(&z, 0, sizeof(z));
		if (msg_parse(set->m[i].data, set->m[i].len, &m, &err) != 0 ||
		    zone_split(&m, &rs->markers, &z) != 0) {
			msg_free(&m);
			continue;
		}
		parse += bench_now() - t0;
		for (size_t r = 0; r < rs->nrules; r++) {
			const struct rules_rule *rr = &rs->rules[r];
			double r0 = bench_now();

			for (int k = 0; k < rr->nzones; k++) {
				int zid = rr->zones[k];

				if (z.len[zid] && pcre2_match(rr->re, (PCRE2_SPTR)z.text[zid], z.len[zid],
				    0, 0, md, mctx) >= 0) {
					cost[r].hits++;
					break;
				}
			}
			cost[r].whole_us += (bench_now() - r0) * 1e6;
		}
		zones_free(&z);
		msg_free(&m);
	}
	for (size_t r = 0; r < rs->nrules; r++) {
		total += cost[r].us;
		whole += cost[r].whole_us;
		hits += cost[r].hits;
		ever += cost[r].hits > 0;
	}
	qsort(cost, rs->nrules, sizeof(*cost), bench_cmp_cost);
	printf("# %s: rule profile over %zu messages: the engine's rules %.1f us/msg and its "
	    "Hyperscan scan %.1f us/msg; the same patterns over whole zones with no prefilter "
	    "%.1f us/msg (wall); parse+zones %.1f us/msg; %zu of %zu rules match some message, "
	    "%.1f rules match per message\n", label, set->n, total / (double)set->n,
	    (double)prof.scan_ns / 1e3 / (double)set->n, whole / (double)set->n,
	    parse * 1e6 / (double)set->n, ever, rs->nrules, (double)hits / (double)set->n);
	if (rows > 0)
		printf("# %-28s %9s %6s %6s %9s %6s  %s\n", "rule", "us/msg", "share", "runs",
		    "whole zn", "hits", "zones");
	for (size_t k = 0; k < rs->nrules && k < (size_t)rows; k++) {
		const struct rules_rule *rr = &rs->rules[cost[k].idx];
		char zones[128] = "";

		for (int j = 0; j < rr->nzones; j++)
			snprintf(zones + strlen(zones), sizeof(zones) - strlen(zones), "%s%s",
			    j ? "," : "", zone_name(rr->zones[j]));
		printf("# %-28.28s %9.2f %5.1f%% %6zu %9.2f %6zu  %s%s\n", rr->name,
		    cost[k].us / (double)set->n, total > 0 ? 100 * cost[k].us / total : 0,
		    cost[k].runs, cost[k].whole_us / (double)set->n, cost[k].hits, zones,
		    rr->prefiltered ? "" : " (not prefiltered)");
	}
	pcre2_jit_stack_free(jit);
	pcre2_match_context_free(mctx);
	pcre2_match_data_free(md);
	free(ns);
	free(runs);
	free(cost);
	return 0;
}

/* bench_usage - say how to call us */
static void
bench_usage(void)
{
	fprintf(stderr, "usage: bench_engine [-r rules] [-t threads] [-n repeats] "
	    "[-s seconds] [-l label] [-P rows] msgdir [label=msgdir ...]\n");
	exit(2);
}

/* bench_free_set - free a message set */
static void
bench_free_set(struct bench_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->m[i].name);
		free(set->m[i].data);
	}
	free(set->m);
	memset(set, 0, sizeof(*set));
}

/* bench_one_set - warm-up, then the passes of every repeat over one set */
static void
bench_one_set(const struct ruleset *rs, const struct bench_set *set, const char *label,
	      int threads, int repeats, double seconds)
{
	struct bench_pass pass;
	struct bench_result res;
	double *sorted;

	memset(&pass, 0, sizeof(pass));
	pass.rs = rs;
	pass.set = set;
	pass.lat_us = calloc(set->n, sizeof(double));
	pass.cpu_us = calloc(set->n, sizeof(double));
	sorted = calloc(set->n, sizeof(double));
	if (pass.lat_us == NULL || pass.cpu_us == NULL || sorted == NULL)
		abort();

	/* warm-up: JIT code, GMime and allocator caches, page faults */
	pass.limit = set->n < 200 ? set->n : 200;
	bench_run(&pass, 1, seconds, sorted, &res);
	pass.limit = set->n;

	for (int r = 1; r <= repeats; r++) {
		bench_run(&pass, 1, seconds, sorted, &res);
		printf("%s.1core.msgs_s\t%d\t%.1f\tmsgs/s\n", label, r, res.rate);
		printf("%s.1core.cpu_msgs_s\t%d\t%.1f\tmsgs/s\n", label, r, res.cpu_rate);
		printf("%s.1core.p50_us\t%d\t%.1f\tus\n", label, r, res.p50);
		printf("%s.1core.p99_us\t%d\t%.1f\tus\n", label, r, res.p99);
		printf("%s.1core.max_us\t%d\t%.1f\tus\n", label, r, res.max);
		printf("%s.1core.cpu_p50_us\t%d\t%.1f\tus\n", label, r, res.cpu_p50);
		printf("%s.1core.cpu_p99_us\t%d\t%.1f\tus\n", label, r, res.cpu_p99);
		printf("%s.1core.cpu_max_us\t%d\t%.1f\tus\n", label, r, res.cpu_max);
		printf("%s.1core.msgs\t%d\t%zu\tmsgs\n", label, r, res.n);
		if (r == 1) {
			printf("# %s: verdicts: sales=%zu nurture=%zu archive=%zu other=%zu errors=%zu\n",
			    label, atomic_load(&pass.decided[0]), atomic_load(&pass.decided[1]),
			    atomic_load(&pass.decided[2]), atomic_load(&pass.decided[3]),
			    atomic_load(&pass.errors));
			printf("%s.errors\t%d\t%zu\tmsgs\n", label, r, atomic_load(&pass.errors));
		}
		if (threads > 1) {
			bench_run(&pass, threads, seconds, sorted, &res);
			printf("%s.ncore.msgs_s\t%d\t%.1f\tmsgs/s\n", label, r, res.rate);
			printf("%s.ncore.cpu_msgs_s\t%d\t%.1f\tmsgs/s\n", label, r, res.cpu_rate);
			printf("%s.ncore.p99_us\t%d\t%.1f\tus\n", label, r, res.p99);
		}
		pass.stage = BENCH_PARSE;
		bench_run(&pass, 1, seconds, sorted, &res);
		printf("%s.parse.cpu_msgs_s\t%d\t%.1f\tmsgs/s\n", label, r, res.cpu_rate);
		printf("%s.parse.cpu_p50_us\t%d\t%.1f\tus\n", label, r, res.cpu_p50);
		pass.stage = BENCH_GMIME;
		bench_run(&pass, 1, seconds, sorted, &res);
		printf("%s.gmime.cpu_msgs_s\t%d\t%.1f\tmsgs/s\n", label, r, res.cpu_rate);
		pass.stage = BENCH_FULL;
		fflush(stdout);
	}
	printf("%s.peak_rss_kb\t1\t%ld\tKB\n", label, bench_peak_rss_kb());
	printf("%s.set_kb\t1\t%zu\tKB\n", label, set->bytes / 1024);
	free(sorted);
	free(pass.lat_us);
	free(pass.cpu_us);
}

int
main(int argc, char **argv)
{
	const char *rules = NULL, *label = "engine";
	int threads = (int)sysconf(_SC_NPROCESSORS_ONLN), repeats = 5, profile = -1, ch;
	double seconds = 0, t_load;
	struct bench_set set;
	struct ruleset *rs = NULL;
	struct lm_err err;
	char ebuf[1024];

	while ((ch = getopt(argc, argv, "r:t:n:s:l:P:")) != -1) {
		switch (ch) {
		case 'r': rules = optarg; break;
		case 't': threads = atoi(optarg); break;
		case 'n': repeats = atoi(optarg); break;
		case 's': seconds = atof(optarg); break;
		case 'l': label = optarg; break;
		case 'P': profile = atoi(optarg); break;
		default: bench_usage();
		}
	}
	if (optind >= argc || threads < 1 || threads > 64 || repeats < 1)
		bench_usage();
	if (engine_global_init(&err) != 0) {
		fprintf(stderr, "bench_engine: init: %s\n", lm_err_format(&err, ebuf, sizeof(ebuf)));
		return 1;
	}
	t_load = bench_now();
	if (rules_load(rules, &rs, &err) != 0) {
		fprintf(stderr, "bench_engine: rules: %s\n", lm_err_format(&err, ebuf, sizeof(ebuf)));
		return 1;
	}
	t_load = bench_now() - t_load;
	printf("# %s: rules: %s\n", label, rules_describe(rs));
	printf("%s.rules_load_ms\t1\t%.1f\tms\n", label, t_load * 1e3);
	printf("%s.threads\t1\t%d\tthreads\n", label, threads);

	for (int k = optind; k < argc; k++) {
		const char *eq = strchr(argv[k], '='), *dir = eq ? eq + 1 : argv[k];
		char lab[128];

		snprintf(lab, sizeof(lab), "%.*s", eq ? (int)(eq - argv[k]) : (int)strlen(label),
		    eq ? argv[k] : label);
		if (bench_load_set(dir, &set) != 0)
			return 1;
		printf("# %s: messages: %zu from %s, %zu bytes (mean %zu)\n", lab, set.n, dir,
		    set.bytes, set.bytes / set.n);
		/* the first set gets every pass; the others one thread */
		bench_one_set(rs, &set, lab, k == optind ? threads : 1, repeats, seconds);
		if (k == optind && profile >= 0)
			bench_profile_rules(rs, &set, lab, profile);
		bench_free_set(&set);
	}
	rules_unref(rs);
	engine_global_shutdown();
	return 0;
}
