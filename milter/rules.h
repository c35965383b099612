/*
 * rules - rule and list files -> an immutable, refcounted ruleset
 *
 * DESCRIPTION  rules_load() reads the rule language described in
 *              rules/README.md (and leadmilter.rules(5)): list, field,
 *              criterion, tag, disqualifier, decision, marker, rule and
 *              when statements, with include.  Patterns are PCRE2 (UTF,
 *              caseless and multiline by default), JIT-compiled, with
 *              match and depth limits.  path is a rule file or a directory
 *              whose *.rules files are read in name order; NULL means the
 *              rules compiled into the binary (rules_embedded.c).
 *              Loading is all or nothing: on error *out is untouched and
 *              err says file:line:col: cause.
 * THREADS      A loaded ruleset is read-only and may be shared by any
 *              number of threads; rules_ref()/rules_unref() are atomic, so
 *              a reload can swap in a new set while messages still use
 *              the old one.
 */
#ifndef RULES_H
#define RULES_H

#include "lm.h"
#include "buf.h"

struct ruleset;

int rules_load(const char *path, struct ruleset **out, struct lm_err *err);
struct ruleset *rules_ref(struct ruleset *rs);
void rules_unref(struct ruleset *rs);

/* Where a disqualifier or decision routes, as the rules say; NULL if none. */
const char *rules_destination(const struct ruleset *rs, const char *name);
/* A one-line description: "N rules, M lists from PATH". */
const char *rules_describe(const struct ruleset *rs);
unsigned rules_count(const struct ruleset *rs);

/* leadctl lint: warnings (not errors) about a loaded set, one per line
 * "file:line:col: warning: ..." appended to out; returns the count.
 * fired[] (indexed by rule number, may be NULL) marks rules that fired on
 * the regression cases. */
int rules_lint(const struct ruleset *rs, const unsigned char *fired,
	       struct buf *out);
/* Rule number by name, for the fired[] array; -1 if none. */
int rules_index(const struct ruleset *rs, const char *name);

#endif
