/*
 * engine - qualify one inquiry: message -> zones -> fields -> scores -> verdict
 *
 * DESCRIPTION  See engine.h.  The steps, in order:
 *              1. msg_parse() and zone_split();
 *              2. every rule, in file order, over the zones it names (first
 *                 match that normalises counts; a rule whose only actions
 *                 set fields that are already set is skipped);
 *              3. the prospect's defaults: email from the rules, else
 *                 Reply-To, else From; name likewise; source from the rules,
 *                 else the inquiry address;
 *              4. history from the caller's callback fills fields this
 *                 message lacks (origin "history");
 *              5. the `when` statements in file order;
 *              6. criteria (default, raised, capped), total, the first
 *                 disqualifier in declaration order that fired and was not
 *                 vetoed, tags in declaration order, the decision and its
 *                 destination, the lead id.
 * LIMITS       No libmilter, no store: history is the caller's business.
 * THREADS      engine_ctx holds the per-thread PCRE2 match data, match
 *              context and JIT stack; the ruleset is read-only.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <glib.h>
#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

#include "engine.h"
#include "log.h"
#include "msg.h"
#include "norm.h"
#include "rules_int.h"
#include "zone.h"

#define ENGINE_JIT_STACK_MIN	(32 * 1024)
#define ENGINE_JIT_STACK_MAX	(512 * 1024)
#define ENGINE_FIELD_MAX	200	/* bytes of a field value */

/*
 * Where a prefiltered rule may match: one window per literal occurrence,
 * the offsets at which a match containing it can start.
 */
struct engine_win {
	uint32_t key;		/* rule * ZONE_COUNT + zone */
	uint32_t lo, hi;	/* start offsets, inclusive */
};

#define ENGINE_MAX_WINS	(1u << 22)	/* past this, rules scan whole zones */

/* The last window a rule opened in a zone, valid when gen is current. */
struct engine_last {
	uint32_t gen;
	uint32_t hi, lo;
	uint32_t lit;		/* the literal that opened it */
};

struct engine_ctx {
	pcre2_match_data *md;
	uint32_t md_groups;
	pcre2_match_data *md_map;	/* for map: list lookups */
	pcre2_match_context *mctx;
	pcre2_match_context *mctx_win;	/* the same, with an offset limit */
	pcre2_jit_stack *jit;
#ifdef HAVE_HYPERSCAN
	hs_scratch_t *scratch;	/* grown for each database it meets */
	unsigned long scratch_rs;	/* serial of the ruleset scratch was sized for */
#endif
	/* prefilter output, kept between messages to avoid allocations */
	struct engine_win *win, *sorted;
	size_t nwin, wincap, sortcap;
	uint32_t *first;	/* [key]: first window in sorted; [key + 1] ends it */
	size_t nfirst;
	struct engine_last *last;	/* [key]: the rule's last occurrence in the zone */
	size_t nlast;
	uint32_t gen;		/* this message's stamp in last[] */
	int zone;		/* the zone being scanned */
	int ascii;		/* its text is all ASCII: the literals' pre_ascii */
	struct engine_profile *prof;	/* or NULL */
	const char *scan_text;	/* its text */
	const struct ruleset *scan_rs;
};

/* Per-message working state. */
struct engine_state {
	const struct ruleset *rs;
	struct engine_ctx *ctx;
	struct verdict *v;
	struct zones z;
	unsigned char *fset;	/* per field: set? */
	unsigned char *tag_on, *tag_veto;
	unsigned char *disq_on, *disq_veto;
	int raise[VERDICT_MAX_CRIT];
	int cap[VERDICT_MAX_CRIT];
	int decision;		/* -1 until decided */
	struct engine_history hist;
	int limit_hit;
	unsigned char ascii[ZONE_COUNT];	/* per zone: 0 not known, 1 ASCII, 2 not */
	int windows;		/* ctx->first and ctx->sorted hold this message's windows */
};

/*
 * Contexts are pooled: the daemon takes one per connection, and making one
 * (JIT stack, Hyperscan scratch, window arrays) costs more than a small
 * message.  A context keeps what it grew for the next user.
 */
#define ENGINE_POOL_MAX	32
static pthread_mutex_t engine_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct engine_ctx *engine_pool[ENGINE_POOL_MAX];
static size_t engine_npool;

static void engine_pool_drain(void);

static int engine_map_regex;	/* map: lookups by pattern only */

/* engine_global_init - once per process, before threads */
int
engine_global_init(struct lm_err *err)
{
	engine_map_regex = getenv("LEADMILTER_MAP_REGEX") != NULL;
	msg_global_init();
	return norm_init(err);
}

/* engine_global_shutdown - release process-wide data */
void
engine_global_shutdown(void)
{
	engine_pool_drain();
	norm_shutdown();
	msg_global_shutdown();
}

/* engine_ctx_new - per-thread matching state: a pooled one if any */
struct engine_ctx *
engine_ctx_new(void)
{
	struct engine_ctx *ctx = NULL;

	pthread_mutex_lock(&engine_pool_lock);
	if (engine_npool > 0)
		ctx = engine_pool[--engine_npool];
	pthread_mutex_unlock(&engine_pool_lock);
	if (ctx != NULL)
		return ctx;
	ctx = lm_xcalloc(1, sizeof(*ctx));

	ctx->mctx = pcre2_match_context_create(NULL);
	ctx->jit = pcre2_jit_stack_create(ENGINE_JIT_STACK_MIN, ENGINE_JIT_STACK_MAX, NULL);
	ctx->md_map = pcre2_match_data_create(1, NULL);
	if (ctx->mctx == NULL || ctx->md_map == NULL)
		abort();
	pcre2_set_match_limit(ctx->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(ctx->mctx, RULES_DEPTH_LIMIT);
	if (ctx->jit)
		pcre2_jit_stack_assign(ctx->mctx, NULL, ctx->jit);
	if ((ctx->mctx_win = pcre2_match_context_copy(ctx->mctx)) == NULL)
		abort();
	return ctx;
}

/* engine_ctx_destroy - free per-thread state */
static void
engine_ctx_destroy(struct engine_ctx *ctx)
{
	pcre2_match_data_free(ctx->md);
	pcre2_match_data_free(ctx->md_map);
	pcre2_match_context_free(ctx->mctx);
	pcre2_match_context_free(ctx->mctx_win);
	pcre2_jit_stack_free(ctx->jit);
	free(ctx->win);
	free(ctx->sorted);
	free(ctx->first);
	free(ctx->last);
#ifdef HAVE_HYPERSCAN
	hs_free_scratch(ctx->scratch);
#endif
	free(ctx);
}

/* engine_ctx_free - done with a context: back to the pool, or freed when
 * the pool is full; NULL is fine */
void
engine_ctx_free(struct engine_ctx *ctx)
{
	if (ctx == NULL)
		return;
	ctx->prof = NULL;
	pthread_mutex_lock(&engine_pool_lock);
	if (engine_npool < ENGINE_POOL_MAX) {
		engine_pool[engine_npool++] = ctx;
		ctx = NULL;
	}
	pthread_mutex_unlock(&engine_pool_lock);
	if (ctx != NULL)
		engine_ctx_destroy(ctx);
}

/* engine_ctx_profile - see engine.h */
void
engine_ctx_profile(struct engine_ctx *ctx, struct engine_profile *prof)
{
	ctx->prof = prof;
}

/* engine_prof_ns - a clock for profiles: monotonic, not the thread's CPU
 * time, whose clock_gettime() is a system call that would cost more than
 * many a rule */
static unsigned long long
engine_prof_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* engine_pool_drain - free the pooled contexts */
static void
engine_pool_drain(void)
{
	pthread_mutex_lock(&engine_pool_lock);
	while (engine_npool > 0)
		engine_ctx_destroy(engine_pool[--engine_npool]);
	pthread_mutex_unlock(&engine_pool_lock);
}

/* engine_md - match data large enough for the ruleset */
static pcre2_match_data *
engine_md(struct engine_ctx *ctx, const struct ruleset *rs)
{
	if (ctx->md == NULL || ctx->md_groups < rs->max_groups) {
		pcre2_match_data_free(ctx->md);
		ctx->md = pcre2_match_data_create(rs->max_groups, NULL);
		if (ctx->md == NULL)
			abort();
		ctx->md_groups = rs->max_groups;
	}
	return ctx->md;
}

/*
 * engine_map - the value of the list entry that text matches: a
 * whole-text match first, then the first entry found inside.  A plain
 * entry's pattern is its text, caseless, with \s+ for white space; on
 * ASCII text, comparing lower-cased text with runs of white space as one
 * space gives the same answers without running a pattern per entry
 * (industries has 255).  Other text, and re: entries, run the pattern.
 */
static int
engine_map(const struct rules_list *l, const char *s, size_t n, pcre2_match_data *md,
	   struct buf *out)
{
	/* LEADMILTER_MAP_REGEX=1: patterns only, for the tests that show the
	 * comparison changes nothing */
	char *norm = engine_map_regex ? NULL : rules_map_norm(s, n);
	int rc = LM_ENOTFOUND;

	for (int pass = 0; pass < 2 && rc != 0; pass++)
		for (size_t i = 0; i < l->n; i++) {
			const struct rules_entry *e = &l->e[i];
			int hit;

			if (e->re == NULL)
				continue;
			if (norm && e->norm)
				hit = pass == 0 ? strcmp(norm, e->norm) == 0 : strstr(norm, e->norm) != NULL;
			else
				hit = pcre2_match(e->re, (PCRE2_SPTR)s, n, 0, pass == 0 ?
				    PCRE2_ANCHORED | PCRE2_ENDANCHORED : 0, md, NULL) >= 0;
			if (hit) {
				buf_puts(out, e->value ? e->value : e->text);
				rc = 0;
				break;
			}
		}
	free(norm);
	return rc;
}

/* engine_normalise - a captured text as the field's canonical value */
static int
engine_normalise(const struct ruleset *rs, const struct rules_field *f, const char *s,
		 size_t n, pcre2_match_data *scratch, struct buf *out)
{
	char cc[3], cur[4];
	long lo, hi;
	double amount;
	char *t;

	buf_reset(out);
	switch (f->type) {
	case FT_COUNTRY:
		if (norm_country(s, n, cc) != 0)
			return LM_ENOTFOUND;
		buf_puts(out, cc);
		return 0;
	case FT_SUBDIVISION:
		if (norm_subdivision(s, n, cc) != 0)
			return LM_ENOTFOUND;
		buf_puts(out, cc);
		return 0;
	case FT_EMPLOYEES:
		if (norm_employees(s, n, &lo, &hi) != 0)
			return LM_ENOTFOUND;
		if (lo == hi)
			buf_printf(out, "%ld", lo);
		else
			buf_printf(out, "%ld-%ld", lo, hi);
		return 0;
	case FT_MONEY:
		if (norm_money(s, n, &amount, cur) != 0)
			return LM_ENOTFOUND;
		buf_printf(out, cur[0] ? "%.0f %s" : "%.0f", amount, cur);
		return 0;
	case FT_MAP:
		return engine_map(&rs->lists[f->list], s, n, scratch, out);
	default:
		break;
	}
	t = norm_text(s, n, ENGINE_FIELD_MAX);
	if (t == NULL || !*t) {
		free(t);
		return LM_ENOTFOUND;
	}
	if (f->type == FT_LOWER || f->type == FT_EMAIL)
		for (char *p = t; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	if (f->type == FT_EMAIL) {
		char *at = strchr(t, '@');

		if (at == NULL || at == t || !at[1] || strpbrk(t, " <>,;") || strchr(at + 1, '@')) {
			free(t);
			return LM_ENOTFOUND;
		}
	}
	buf_puts(out, t);
	free(t);
	return 0;
}

/* engine_crit_now - a criterion's level as it stands */
static int
engine_crit_now(const struct engine_state *st, int i)
{
	int lvl = st->rs->crits[i].def;

	if (st->raise[i] > lvl)
		lvl = st->raise[i];
	if (st->cap[i] && st->cap[i] < lvl)
		lvl = st->cap[i];
	return lvl;
}

/* engine_set_field - record a field value */
static void
engine_set_field(struct engine_state *st, int idx, const char *value, const char *origin,
		 const char *rule)
{
	verdict_set_field(st->v, st->rs->fields[idx].name, value, origin, rule);
	st->fset[idx] = 1;
}

/* engine_eff_put - append s to the effect text at *at, cut as snprintf()
 * cuts into cap bytes (the formatting of the two commonest effects) */
static void
engine_eff_put(char *eff, size_t cap, size_t *at, const char *s)
{
	while (*s && *at + 1 < cap)
		eff[(*at)++] = *s++;
	eff[*at] = '\0';
}

/* engine_eff_int - the same for a number, as %d prints it */
static void
engine_eff_int(char *eff, size_t cap, size_t *at, int n)
{
	char digits[16], *p = digits + sizeof(digits) - 1;
	unsigned int u = n < 0 ? 0u - (unsigned int)n : (unsigned int)n;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (n < 0)
		*--p = '-';
	engine_eff_put(eff, cap, at, p);
}

/* engine_apply - apply actions; cap/sub are the capture for SET */
static void
engine_apply(struct engine_state *st, const char *label, const char *where,
	     const struct rules_act *acts, int nacts, const char *cap, size_t caplen,
	     char **setvals)
{
	const struct ruleset *rs = st->rs;
	char eff[256];
	size_t at;

	for (int i = 0; i < nacts; i++) {
		const struct rules_act *a = &acts[i];
		int before;

		switch (a->kind) {
		case ACT_SET:
		case ACT_SETCONST:
			if (st->fset[a->idx] || (a->kind == ACT_SET && setvals[i] == NULL))
				continue;
			engine_set_field(st, a->idx, a->kind == ACT_SET ? setvals[i] : a->value,
			    where, label);
			/* "set %s=%s" */
			at = 0;
			engine_eff_put(eff, sizeof(eff), &at, "set ");
			engine_eff_put(eff, sizeof(eff), &at, rs->fields[a->idx].name);
			engine_eff_put(eff, sizeof(eff), &at, "=");
			engine_eff_put(eff, sizeof(eff), &at,
			    a->kind == ACT_SET ? setvals[i] : a->value);
			break;
		case ACT_RAISE:
		case ACT_CAP:
			before = engine_crit_now(st, a->idx);
			if (a->kind == ACT_RAISE) {
				if (a->level > st->raise[a->idx])
					st->raise[a->idx] = a->level;
			} else if (st->cap[a->idx] == 0 || a->level < st->cap[a->idx]) {
				st->cap[a->idx] = a->level;
			}
			/* "%s %s %d (%d->%d)" */
			at = 0;
			engine_eff_put(eff, sizeof(eff), &at, a->kind == ACT_RAISE ? "raise " : "cap ");
			engine_eff_put(eff, sizeof(eff), &at, rs->crits[a->idx].name);
			engine_eff_put(eff, sizeof(eff), &at, " ");
			engine_eff_int(eff, sizeof(eff), &at, a->level);
			engine_eff_put(eff, sizeof(eff), &at, " (");
			engine_eff_int(eff, sizeof(eff), &at, before);
			engine_eff_put(eff, sizeof(eff), &at, "->");
			engine_eff_int(eff, sizeof(eff), &at, engine_crit_now(st, a->idx));
			engine_eff_put(eff, sizeof(eff), &at, ")");
			break;
		case ACT_DISQ:
			st->disq_on[a->idx] = 1;
			snprintf(eff, sizeof(eff), "disqualify %s%s", rs->disqs[a->idx].name,
			    st->disq_veto[a->idx] ? " (vetoed)" : "");
			break;
		case ACT_TAG:
			st->tag_on[a->idx] = 1;
			snprintf(eff, sizeof(eff), "tag %s%s", rs->tags[a->idx].name,
			    st->tag_veto[a->idx] ? " (vetoed)" : "");
			break;
		case ACT_VETO_TAG:
			st->tag_veto[a->idx] = 1;
			snprintf(eff, sizeof(eff), "veto %s", rs->tags[a->idx].name);
			break;
		case ACT_VETO_DISQ:
			st->disq_veto[a->idx] = 1;
			snprintf(eff, sizeof(eff), "veto %s", rs->disqs[a->idx].name);
			break;
		case ACT_DECIDE:
			if (st->decision >= 0)
				continue;
			st->decision = a->idx;
			snprintf(eff, sizeof(eff), "decide %s", rs->decisions[a->idx].name);
			break;
		default:
			continue;
		}
		verdict_add_hit(st->v, label, where, cap, caplen, eff);
	}
}

/* engine_rule_pending - does a set-only rule still have a field to set? */
static int
engine_rule_pending(const struct engine_state *st, const struct rules_rule *r)
{
	for (int i = 0; i < r->nacts; i++)
		if (!st->fset[r->acts[i].idx])
			return 1;
	return 0;
}

#ifdef HAVE_HYPERSCAN
/* engine_zone_ascii - is a zone's text all ASCII?  (asked once per zone) */
static int
engine_zone_ascii(struct engine_state *st, int zid)
{
	const unsigned char *p = (const unsigned char *)st->z.text[zid];
	size_t n = st->z.len[zid], i = 0;
	uint64_t any = 0;

	if (st->ascii[zid] == 0) {
		/* eight bytes at a time: a high bit anywhere survives the OR */
		for (; i + 8 <= n; i += 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			any |= w;
		}
		for (; i < n; i++)
			any |= p[i];
		st->ascii[zid] = (any & 0x8080808080808080ULL) ? 2 : 1;
	}
	return st->ascii[zid] == 1;
}

/* engine_hs_hit - Hyperscan saw literal id end at offset to: a window */
static int
engine_hs_hit(unsigned int id, unsigned long long from, unsigned long long to,
	      unsigned int flags, void *arg)
{
	struct engine_ctx *ctx = arg;
	const struct rules_lit *l = &ctx->scan_rs->lits[id], *prev;
	const struct prefilter_bound *pre = ctx->ascii ? &l->pre_ascii : &l->pre;
	struct engine_win *w;
	struct engine_last *last;
	unsigned long long at = to - l->len;

	(void)from;
	(void)flags;
	if (ctx->nwin == ctx->wincap) {
		if (ctx->wincap >= ENGINE_MAX_WINS)
			return 1;	/* stop: this message runs rules unfiltered */
		ctx->wincap = ctx->wincap ? 2 * ctx->wincap : 256;
		ctx->win = lm_xrealloc(ctx->win, ctx->wincap * sizeof(*ctx->win));
	}
	w = &ctx->win[ctx->nwin++];
	w->key = l->rule * ZONE_COUNT + (uint32_t)ctx->zone;
	w->hi = (uint32_t)at;
	last = &ctx->last[w->key];
	/* (last->lit is this message's only when gen is) */
	prev = last->gen == ctx->gen ? &ctx->scan_rs->lits[last->lit] : l;
	if (pre->kind == PREFILTER_WALK && last->gen == ctx->gen && last->hi <= at &&
	    (ctx->ascii ? prev->bound_ascii == l->bound_ascii ||
			  prefilter_within(pre, &prev->pre_ascii) :
			  prev->bound == l->bound || prefilter_within(pre, &prev->pre))) {
		/*
		 * The rule's previous occurrence came first and allows at least
		 * as much before it: a walk that reaches it would go on as that
		 * walk did, with less budget, and stop no earlier.  So stop
		 * there: the two windows merge, and the union starts at the
		 * previous one's start.
		 */
		size_t lo = prefilter_walk(ctx->scan_rs->freetabs + 256 * (size_t)l->freetab,
		    pre->fixed, ctx->scan_text, (size_t)at, last->hi);

		w->lo = lo <= last->hi ? last->lo : (uint32_t)lo;
	} else if (pre->kind == PREFILTER_WALK) {
		w->lo = (uint32_t)prefilter_walk(ctx->scan_rs->freetabs + 256 * (size_t)l->freetab,
		    pre->fixed, ctx->scan_text, (size_t)at, 0);
	} else {
		w->lo = (uint32_t)prefilter_start(pre, ctx->scan_text, (size_t)at);
	}
	last->gen = ctx->gen;
	last->hi = w->hi;
	last->lo = w->lo;
	last->lit = id;
	return 0;
}

/* engine_sort_windows - group the windows by rule and zone (a counting
 * sort), and each group by lowest start */
static void
engine_sort_windows(struct engine_ctx *ctx, size_t nkeys)
{
	uint32_t *first;
	struct engine_win *out;

	if (ctx->nfirst < nkeys + 2) {
		free(ctx->first);
		ctx->first = lm_xcalloc(nkeys + 2, sizeof(*ctx->first));
		ctx->nfirst = nkeys + 2;
	}
	if (ctx->sortcap < ctx->nwin) {
		free(ctx->sorted);
		ctx->sorted = lm_xcalloc(ctx->wincap, sizeof(*ctx->sorted));
		ctx->sortcap = ctx->wincap;
	}
	first = ctx->first;
	out = ctx->sorted;
	memset(first, 0, (nkeys + 2) * sizeof(*first));
	for (size_t i = 0; i < ctx->nwin; i++)
		first[ctx->win[i].key + 2]++;
	for (size_t k = 2; k < nkeys + 2; k++)
		first[k] += first[k - 1];
	/* first[key + 1] counts through the group; it ends at the next
	 * group's start, so afterwards the group is [first[key], first[key + 1]) */
	for (size_t i = 0; i < ctx->nwin; i++)
		out[first[ctx->win[i].key + 1]++] = ctx->win[i];
	/* by start within a group: Hyperscan reports nearly in order */
	for (size_t i = 1; i < ctx->nwin; i++) {
		struct engine_win w = out[i];
		size_t j = i;

		while (j > 0 && out[j - 1].key == w.key && out[j - 1].lo > w.lo) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = w;
	}
}
#endif

/*
 * engine_prefilter - one Hyperscan scan per zone finds where each
 * prefiltered rule can match.  Returns 0, or -1 when the prefilter is not
 * usable for this message (then every rule scans its zones whole).
 */
static int
engine_prefilter(struct engine_state *st)
{
#ifdef HAVE_HYPERSCAN
	const struct ruleset *rs = st->rs;
	struct engine_ctx *ctx = st->ctx;

	if (rs->hs_db == NULL)
		return -1;
	/* by serial, not address: a reloaded database may reuse an address */
	if (ctx->scratch_rs != rs->serial) {
		if (hs_alloc_scratch(rs->hs_db, &ctx->scratch) != HS_SUCCESS)
			return -1;
		ctx->scratch_rs = rs->serial;
	}
	ctx->nwin = 0;
	ctx->scan_rs = rs;
	if (ctx->nlast < rs->nrules * ZONE_COUNT) {
		free(ctx->last);
		ctx->nlast = rs->nrules * ZONE_COUNT;
		ctx->last = lm_xcalloc(ctx->nlast, sizeof(*ctx->last));
		ctx->gen = 0;
	}
	if (++ctx->gen == 0) {
		/* wrapped: forget every stamp */
		memset(ctx->last, 0, ctx->nlast * sizeof(*ctx->last));
		ctx->gen = 1;
	}
	for (int z = 0; z < ZONE_COUNT; z++) {
		if (!(rs->hs_zones & (1u << z)) || st->z.len[z] == 0)
			continue;
		ctx->zone = z;
		ctx->scan_text = st->z.text[z];
		ctx->ascii = engine_zone_ascii(st, z);
		if (st->z.len[z] > 0xfffffffeu ||
		    hs_scan(rs->hs_db, st->z.text[z], (unsigned)st->z.len[z], 0, ctx->scratch,
		    engine_hs_hit, ctx) != HS_SUCCESS)
			return -1;
	}
	engine_sort_windows(ctx, rs->nrules * ZONE_COUNT);
	st->windows = 1;
	return 0;
#else
	(void)st;
	return -1;
#endif
}

/*
 * engine_scan - matches of r in a zone that start in [*start, limit]
 * (limit PCRE2_UNSET: anywhere), at most RULES_MAX_MATCHES per zone in
 * all (*m counts them); 1 as soon as one fires the rule.  *start moves
 * past each match tried.
 */
static int
engine_scan(struct engine_state *st, const struct rules_rule *r, int zid, PCRE2_SIZE *start,
	    PCRE2_SIZE limit, int *m, struct buf *scratch, char **setvals)
{
	pcre2_match_data *md = st->ctx->md;
	pcre2_match_data *md2 = st->ctx->md_map;
	pcre2_match_context *mctx = st->ctx->mctx;
	const char *text = st->z.text[zid];
	size_t len = st->z.len[zid];
	const pcre2_code *re = r->re;
	int jit = r->jit;

	if (limit != PCRE2_UNSET) {
		mctx = st->ctx->mctx_win;
		pcre2_set_offset_limit(mctx, limit);
	}
	for (; *m < RULES_MAX_MATCHES && *start < len && *start <= limit; (*m)++) {
		/* the JIT entry point skips pcre2_match()'s checks; a pattern
		 * the JIT could not compile runs interpreted */
		int rc = jit ? pcre2_jit_match(re, (PCRE2_SPTR)text, len, *start, 0, md, mctx)
			     : pcre2_match(re, (PCRE2_SPTR)text, len, *start, 0, md, mctx);
		PCRE2_SIZE *ov;
		int ok = 1;

		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
			    rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_HEAPLIMIT) {
				st->limit_hit = 1;
				log_debug("rule %s: match limit in zone %s", r->name,
				    zone_name(zid));
			}
			*start = len;	/* this zone is done */
			return 0;
		}
		ov = pcre2_get_ovector_pointer(md);
		/* normalise every capture this match must set */
		for (int i = 0; i < r->nacts; i++) {
			const struct rules_act *a = &r->acts[i];
			PCRE2_SIZE s0, s1;

			setvals[i] = NULL;
			if (a->kind != ACT_SET || st->fset[a->idx])
				continue;
			s0 = ov[2 * a->group];
			s1 = ov[2 * a->group + 1];
			/* an optional group that took no part sets nothing; the
			 * rule's other actions still count */
			if (s0 == PCRE2_UNSET)
				continue;
			if (s1 <= s0) {
				ok = 0;
				break;
			}
			if (engine_normalise(st->rs, &st->rs->fields[a->idx], text + s0,
			    s1 - s0, md2, scratch) != 0) {
				ok = 0;
				break;
			}
			setvals[i] = lm_xstrdup(buf_str(scratch));
		}
		if (ok && r->only_sets) {
			/* a match that sets nothing is no match for a set-only rule */
			ok = 0;
			for (int i = 0; i < r->nacts; i++)
				if (setvals[i])
					ok = 1;
		}
		if (ok)
			engine_apply(st, r->name, zone_name(zid), r->acts, r->nacts,
			    text + ov[0], ov[1] - ov[0], setvals);
		for (int i = 0; i < r->nacts; i++) {
			free(setvals[i]);
			setvals[i] = NULL;
		}
		if (ok)
			return 1;
		/* next match: advance past this one (one character if empty) */
		*start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		while (*start < len && ((unsigned char)text[*start] & 0xC0) == 0x80)
			(*start)++;
	}
	return 0;
}

/*
 * engine_run_rule - try one rule over its zones; 1 if it fired.  A
 * prefiltered rule runs only from the windows its literals opened, merged
 * where they touch, and skips a zone where none occurred.
 */
static int
engine_run_rule(struct engine_state *st, size_t ri, const struct rules_rule *r,
		struct buf *scratch, char **setvals)
{
	const struct engine_ctx *ctx = st->ctx;

	for (int zi = 0; zi < r->nzones; zi++) {
		int zid = r->zones[zi], m = 0;
		PCRE2_SIZE start = 0;
		size_t key, k, end;

		if (st->z.len[zid] == 0)
			continue;
		if (!st->windows || !r->prefiltered) {
			if (engine_scan(st, r, zid, &start, PCRE2_UNSET, &m, scratch, setvals))
				return 1;
			continue;
		}
		key = ri * ZONE_COUNT + (size_t)zid;
		for (k = ctx->first[key], end = ctx->first[key + 1]; k < end;) {
			PCRE2_SIZE lo = ctx->sorted[k].lo, hi = ctx->sorted[k].hi;

			for (k++; k < end && ctx->sorted[k].lo <= hi + 1; k++)
				if (ctx->sorted[k].hi > hi)
					hi = ctx->sorted[k].hi;
			if (hi < start)
				continue;
			if (start < lo)
				start = lo;
			if (engine_scan(st, r, zid, &start, hi, &m, scratch, setvals))
				return 1;
			if (m >= RULES_MAX_MATCHES || start >= st->z.len[zid])
				break;
		}
	}
	return 0;
}

/* engine_field_number - a field's value as a number (range midpoint) */
static int
engine_field_number(const char *v, double *out)
{
	char *end;
	double lo = strtod(v, &end), hi = lo;

	if (end == v)
		return -1;
	if (*end == '-') {
		char *e2;

		hi = strtod(end + 1, &e2);
		if (e2 == end + 1)
			return -1;
	}
	*out = (lo + hi) / 2;
	return 0;
}

/* engine_cmp - apply a comparison operator */
static int
engine_cmp(long a, int op, long b)
{
	switch (op) {
	case OP_GE: return a >= b;
	case OP_LE: return a <= b;
	case OP_GT: return a > b;
	case OP_LT: return a < b;
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	}
	return 0;
}

/* engine_disqualified - is any disqualifier in force? -1 or its index */
static int
engine_disqualified(const struct engine_state *st)
{
	for (size_t i = 0; i < st->rs->ndisqs; i++)
		if (st->disq_on[i] && !st->disq_veto[i])
			return (int)i;
	return -1;
}

/* engine_eval - evaluate a condition against the state */
static int
engine_eval(const struct engine_state *st, const struct rules_cond *c)
{
	const struct ruleset *rs = st->rs;
	const char *val;
	double num;
	long total = 0;

	switch (c->kind) {
	case C_ALWAYS:
		return 1;
	case C_AND:
		return engine_eval(st, c->a) && engine_eval(st, c->b);
	case C_OR:
		return engine_eval(st, c->a) || engine_eval(st, c->b);
	case C_NOT:
		return !engine_eval(st, c->a);
	case C_FIELD:
		return st->fset[c->idx];
	case C_FIELD_RANGE:
		if (!st->fset[c->idx])
			return 0;
		val = verdict_field(st->v, rs->fields[c->idx].name);
		return val && engine_field_number(val, &num) == 0 && num >= c->lo && num <= c->hi;
	case C_FIELD_LIST:
		if (!st->fset[c->idx])
			return 0;
		val = verdict_field(st->v, rs->fields[c->idx].name);
		for (size_t i = 0; val && i < rs->lists[c->list].n; i++) {
			const struct rules_entry *e = &rs->lists[c->list].e[i];

			if (strcasecmp(val, e->value ? e->value : e->text) == 0)
				return 1;
		}
		return 0;
	case C_CRIT:
		return engine_cmp(engine_crit_now(st, c->idx), c->op, c->n);
	case C_TOTAL:
		for (size_t i = 0; i < rs->ncrits; i++)
			total += engine_crit_now(st, (int)i);
		return engine_cmp(total, c->op, c->n);
	case C_TAG:
		return st->tag_on[c->idx] && !st->tag_veto[c->idx];
	case C_DISQ_ANY:
		return engine_disqualified(st) >= 0;
	case C_DISQ:
		return st->disq_on[c->idx] && !st->disq_veto[c->idx];
	case C_DECISION:
		return st->decision == c->idx;
	case C_HIST_SEEN:
		return st->hist.seen > 0;
	case C_HIST_NURTURED:
		return st->hist.nurtured > 0;
	}
	return 0;
}

/* engine_lead_id - "L" + 16 hex digits of SHA-256 over the Message-ID, or
 * over the message when it has none: stable across retries */
static char *
engine_lead_id(const char *msgid, const char *data, size_t len)
{
	gchar *hex;
	char *id;

	if (msgid && *msgid)
		hex = g_compute_checksum_for_string(G_CHECKSUM_SHA256, msgid, -1);
	else
		hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	id = g_strdup_printf("L%.16s", hex);
	g_free(hex);
	{
		char *copy = lm_xstrdup(id);

		g_free(id);
		return copy;
	}
}

/* engine_defaults - prospect email, name and source when no rule set them */
static void
engine_defaults(struct engine_state *st, const struct msg *m, const char *rcpt)
{
	const struct ruleset *rs = st->rs;
	int fe = rules_field_index(rs, "email");
	int fn = rules_field_index(rs, "name");
	int fs = rules_field_index(rs, "source");
	const char *email = NULL, *name = NULL;

	if (fe >= 0 && st->fset[fe])
		email = verdict_field(st->v, "email");
	else if (m->reply_addr && *m->reply_addr)
		email = m->reply_addr;
	else if (m->from_addr && *m->from_addr)
		email = m->from_addr;
	/* the prospect key is the whole address in lower case */
	st->v->email = lm_xstrdup(email ? email : "");
	for (char *p = st->v->email; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (fe >= 0 && !st->fset[fe] && *st->v->email)
		engine_set_field(st, fe, st->v->email, "header", "");

	/* a form robot's display name is not the prospect's */
	if (fn >= 0 && st->fset[fn])
		name = verdict_field(st->v, "name");
	else if (m->reply_name && *m->reply_name)
		name = m->reply_name;
	else if (m->from_name && *m->from_name && !(m->reply_addr && *m->reply_addr) &&
	    st->z.len[ZONE_FORM] == 0)
		name = m->from_name;
	if (fn >= 0 && !st->fset[fn] && name && *name)
		engine_set_field(st, fn, name, "header", "");
	st->v->name = lm_xstrdup(name ? name : "");

	if (fs >= 0 && !st->fset[fs]) {
		const char *src = rcpt;
		char first[256];

		if ((src == NULL || !*src) && m->to && *m->to) {
			size_t n = strcspn(m->to, ", ");

			snprintf(first, sizeof(first), "%.*s", (int)n, m->to);
			src = first;
		}
		if (src && *src)
			engine_set_field(st, fs, src, "default", "");
	}
}

/* engine_history_merge - fields this message lacks, from earlier inquiries */
static void
engine_history_merge(struct engine_state *st)
{
	for (size_t i = 0; i < st->hist.nfacts; i++) {
		const struct engine_fact *f = &st->hist.facts[i];
		int idx;

		if (f->name == NULL || f->value == NULL || !*f->value)
			continue;
		idx = rules_field_index(st->rs, f->name);
		if (idx < 0 || st->fset[idx] || strcmp(f->name, "email") == 0)
			continue;
		/* facts come newest first: the first one for a field wins */
		engine_set_field(st, idx, f->value, "history", "");
		verdict_add_hit(st->v, "history", "store", f->value, strlen(f->value),
		    "set from an earlier inquiry");
		st->v->history_used = 1;
	}
}

/* engine_finish - criteria, total, disqualifier, tags, decision */
static void
engine_finish(struct engine_state *st)
{
	const struct ruleset *rs = st->rs;
	struct verdict *v = st->v;
	int d;

	v->ncrit = (int)rs->ncrits;
	v->total = 0;
	for (size_t i = 0; i < rs->ncrits; i++) {
		v->crit[i].name = lm_xstrdup(rs->crits[i].name);
		v->crit[i].level = engine_crit_now(st, (int)i);
		v->total += v->crit[i].level;
	}
	d = engine_disqualified(st);
	if (d >= 0)
		v->disqualifier = lm_xstrdup(rs->disqs[d].name);
	for (size_t i = 0; i < rs->ntags; i++)
		if (st->tag_on[i] && !st->tag_veto[i])
			verdict_add_tag(v, rs->tags[i].name);
	if (st->decision < 0)
		st->decision = (int)rs->ndecisions - 1;	/* rules_load ensures one */
	v->decision = lm_xstrdup(rs->decisions[st->decision].name);
	if (d >= 0 && rs->disqs[d].dest)
		v->destination = lm_xstrdup(rs->disqs[d].dest);
	else if (rs->decisions[st->decision].dest)
		v->destination = lm_xstrdup(rs->decisions[st->decision].dest);
}

/* engine_now_us - monotonic microseconds */
static long long
engine_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* engine_qualify - qualify one message; see engine.h */
int
engine_qualify(const struct ruleset *rs, struct engine_ctx *ctx,
	       const struct engine_input *in, struct verdict *v, struct lm_err *err)
{
	struct engine_state st;
	struct msg m;
	struct buf scratch = BUF_INIT;
	char **setvals = NULL;
	int rc;
	long long t0 = engine_now_us();

	memset(&st, 0, sizeof(st));
	memset(&m, 0, sizeof(m));
	lm_err_clear(err);
	verdict_free(v);
	if (NEVER(rs == NULL || ctx == NULL || in == NULL)) {
		lm_err_set(err, NULL, 0, 0, "engine_qualify: missing argument");
		return LM_EINTERNAL;
	}
	if ((rc = msg_parse(in->data, in->len, &m, err)) != 0)
		goto out;
	st.rs = rs;
	st.ctx = ctx;
	st.v = v;
	st.decision = -1;
	st.fset = lm_xcalloc(rs->nfields + 1, 1);
	st.tag_on = lm_xcalloc(rs->ntags + 1, 1);
	st.tag_veto = lm_xcalloc(rs->ntags + 1, 1);
	st.disq_on = lm_xcalloc(rs->ndisqs + 1, 1);
	st.disq_veto = lm_xcalloc(rs->ndisqs + 1, 1);
	if ((rc = zone_split(&m, &rs->markers, &st.z)) != 0) {
		lm_err_set(err, NULL, 0, 0, "cannot split the message into zones: %s",
		    lm_strerror(rc));
		goto out;
	}
	v->message_id = lm_xstrdup(m.message_id ? m.message_id : "");
	v->subject = lm_xstrdup(m.subject ? m.subject : "");
	v->truncated = m.truncated;
	v->lead_id = engine_lead_id(m.message_id, in->data, in->len);

	engine_md(ctx, rs);
	setvals = lm_xcalloc((size_t)rs->max_acts, sizeof(*setvals));
	if (ctx->prof) {
		unsigned long long t = engine_prof_ns();

		(void)engine_prefilter(&st);
		ctx->prof->scan_ns += engine_prof_ns() - t;
	} else {
		(void)engine_prefilter(&st);
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rules_rule *r = &rs->rules[i];

		if (r->only_sets && !engine_rule_pending(&st, r))
			continue;
		if (ctx->prof && i < ctx->prof->nrules) {
			unsigned long long t = engine_prof_ns();

			engine_run_rule(&st, i, r, &scratch, setvals);
			ctx->prof->ns[i] += engine_prof_ns() - t;
			ctx->prof->runs[i]++;
			continue;
		}
		engine_run_rule(&st, i, r, &scratch, setvals);
	}

	engine_defaults(&st, &m, in->rcpt);
	if (in->history) {
		if (in->history(in->history_ctx, v, &st.hist) != 0)
			memset(&st.hist, 0, sizeof(st.hist));
		else
			engine_history_merge(&st);
	}
	for (size_t i = 0; i < rs->nwhens; i++) {
		const struct rules_when *w = &rs->whens[i];

		if (engine_eval(&st, w->cond))
			engine_apply(&st, w->label, "policy", w->acts, w->nacts, NULL, 0, NULL);
	}
	if (st.hist.seen || st.hist.nurtured)
		v->history_used = 1;
	engine_finish(&st);
	rc = 0;
	if (st.limit_hit) {
		lm_err_set(err, NULL, 0, 0, "a pattern hit its match limit; verdict from the rest");
		rc = LM_EMATCH;
	}
out:
	v->elapsed_us = (long)(engine_now_us() - t0);
	free(setvals);
	free(st.fset);
	free(st.tag_on);
	free(st.tag_veto);
	free(st.disq_on);
	free(st.disq_veto);
	zones_free(&st.z);
	msg_free(&m);
	buf_free(&scratch);
	return rc;
}
