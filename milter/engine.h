/*
 * engine - qualify one inquiry: message -> zones -> fields -> scores -> verdict
 *
 * DESCRIPTION  engine_qualify() is the one code path that leadmilter,
 *              leadctl and the tests drive.  It parses the raw message
 *              (msg.c), splits it into zones (zone.c), runs every rule of
 *              the ruleset over the zones it names, normalises captured
 *              fields (norm.c), merges history from the caller, evaluates
 *              the policy statements in order and fills the verdict.
 *              The engine knows neither libmilter nor the store: history
 *              enters through a plain callback that the caller supplies.
 * THREADS      One struct engine_ctx per thread (or message in the engine): it
 *              holds the PCRE2 match data, the Hyperscan scratch and the
 *              match windows.  engine_ctx_free() returns a context to a
 *              pool that engine_ctx_new() takes from, so a connection does
 *              not pay for making one; engine_global_shutdown() empties
 *              it.  The ruleset is shared.
 * DIAGNOSTICS  0: the verdict is filled.  LM_ESYNTAX: the message could
 *              not be parsed at all (empty input); LM_EMATCH: a pattern hit
 *              its limit (the verdict is still filled, from what matched);
 *              LM_EINTERNAL: forced failure or bug.  err says why.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <stddef.h>
#include "lm.h"
#include "rules.h"
#include "verdict.h"

/* One remembered fact about the prospect, newest first. */
struct engine_fact {
	const char *name;	/* field name */
	const char *value;	/* canonical value */
	long long when;		/* unix time it was seen */
};

/* What the store knows; filled by the caller's callback, lent to the
 * engine until engine_qualify() returns. */
struct engine_history {
	int seen;		/* earlier inquiries from this prospect */
	int nurtured;		/* one of them was decided "nurture" */
	const struct engine_fact *facts;
	size_t nfacts;
};

/* Called once, after extraction, with the prospect's address and the
 * fields found so far in v.  Fill *out and return 0, or return a negative
 * LM_E* code (the message is then qualified without history). */
typedef int (*engine_history_fn)(void *ctx, const struct verdict *v,
				 struct engine_history *out);

struct engine_input {
	const char *data;	/* the raw message, headers and body */
	size_t len;
	const char *rcpt;	/* inquiry address it was sent to, or NULL */
	long long now;		/* unix time, 0 = time(NULL) */
	engine_history_fn history;	/* NULL: no history */
	void *history_ctx;
};

struct engine_ctx;

/* Once per process before threads: GMime, iso-codes. */
int engine_global_init(struct lm_err *err);
void engine_global_shutdown(void);

struct engine_ctx *engine_ctx_new(void);
void engine_ctx_free(struct engine_ctx *ctx);

/*
 * Where the time goes, for benchmarks and rule authors: with ns and runs
 * set (nrules entries each, indexed like the ruleset's rules), every
 * engine_qualify() on this context adds each rule's time (monotonic
 * clock: on an idle thread, its CPU time) and counts the messages it ran
 * on; the Hyperscan scan goes to scan_ns.  NULL turns
 * it off (the default; the check is one branch per rule).
 */
struct engine_profile {
	unsigned long long *ns;
	unsigned long *runs;
	size_t nrules;
	unsigned long long scan_ns;
};
void engine_ctx_profile(struct engine_ctx *ctx, struct engine_profile *prof);

int engine_qualify(const struct ruleset *rs, struct engine_ctx *ctx,
		   const struct engine_input *in, struct verdict *v,
		   struct lm_err *err);

#endif
