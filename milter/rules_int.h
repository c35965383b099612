/*
 * rules_int - the ruleset's internal representation, shared by rules.c
 *             (which builds it) and engine.c (which runs it)
 *
 * DESCRIPTION  Everything here is immutable once rules_load() returns.
 *              Indices (field, criterion, tag, ...) are positions in the
 *              ruleset's arrays; names are kept for output.
 */
#ifndef RULES_INT_H
#define RULES_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdint.h>

#include "prefilter.h"
#include "rules.h"
#include "verdict.h"
#include "zone.h"

#define RULES_MATCH_LIMIT	200000	/* PCRE2 match limit per match call */
#define RULES_DEPTH_LIMIT	2000	/* PCRE2 backtracking depth limit */
#define RULES_MAX_MATCHES	32	/* matches tried per rule and zone */

enum rules_ftype {
	FT_TEXT, FT_NAME, FT_EMAIL, FT_PHONE, FT_LOWER, FT_COUNTRY,
	FT_SUBDIVISION, FT_EMPLOYEES, FT_MONEY, FT_MAP
};

enum rules_act_kind {
	ACT_SET,		/* field from a capture */
	ACT_SETCONST,		/* field from a constant */
	ACT_RAISE, ACT_CAP,	/* criterion bounds */
	ACT_DISQ, ACT_TAG, ACT_VETO_TAG, ACT_VETO_DISQ,
	ACT_DECIDE
};

struct rules_act {
	int kind;
	int idx;		/* field, criterion, tag, disqualifier, decision */
	int level;		/* RAISE/CAP */
	int group;		/* SET: capture group, 0 = whole match */
	char *value;		/* SETCONST */
};

struct rules_entry {
	char *text;		/* as written */
	char *value;		/* "=> value", or NULL */
	char *re_src;		/* regex form of the entry */
	pcre2_code *re;		/* compiled, for map: lookups; or NULL */
	char *norm;		/* a plain ASCII entry: lower case, white space runs
				 * as one space (map: lookups compare this); or NULL */
};

struct rules_list {
	char *name;
	char *file;
	unsigned line;		/* where declared */
	struct rules_entry *e;
	size_t n;
	char *alt;		/* "(?:...|...)" for %{name} */
	int used;
};

struct rules_field {
	char *name;
	int type;		/* enum rules_ftype */
	int list;		/* FT_MAP: list index */
	char *file;
	unsigned line;
	int used;
};

struct rules_named {
	char *name;
	char *dest;		/* mailbox, or NULL */
	int def;		/* criterion default level */
	char *file;
	unsigned line;
	int used;
};

struct rules_rule {
	char *name;
	char *file;
	unsigned line, col;
	unsigned char zones[ZONE_COUNT];	/* zone ids, in order */
	int nzones;
	char *src;		/* pattern as written */
	char *xsrc;		/* with lists expanded */
	char *flags;		/* pattern flags as written */
	pcre2_code *re;
	int prefiltered;	/* in hs_db: run only when Hyperscan saw it */
	int jit;		/* JIT-compiled: pcre2_jit_match() may run it */
	struct rules_act *acts;
	int nacts;
	int only_sets;		/* all actions are ACT_SET */
	uint32_t first_cu;	/* PCRE2_INFO_FIRSTCODEUNIT hint, or 0 */
};

enum rules_cond_kind {
	C_ALWAYS, C_AND, C_OR, C_NOT,
	C_FIELD, C_FIELD_RANGE, C_FIELD_LIST,
	C_CRIT, C_TOTAL, C_TAG, C_DISQ_ANY, C_DISQ, C_DECISION,
	C_HIST_SEEN, C_HIST_NURTURED
};

enum rules_op { OP_GE, OP_LE, OP_GT, OP_LT, OP_EQ, OP_NE };

struct rules_cond {
	int kind;
	struct rules_cond *a, *b;
	int idx;		/* field, crit, tag, disq, decision, list */
	int list;		/* C_FIELD_LIST */
	int op;
	long n;
	double lo, hi;
};

struct rules_when {
	struct rules_cond *cond;
	struct rules_act *acts;
	int nacts;
	char *file;
	unsigned line;
	char *label;		/* "when@file:line" */
};

/* one literal of the prefilter database: its Hyperscan id is its index */
struct rules_lit {
	uint32_t rule;		/* the rule it belongs to */
	uint32_t len;		/* bytes */
	uint32_t bound;		/* equal for literals of a rule with equal pre */
	uint32_t freetab;	/* PREFILTER_WALK: its free set in rs->freetabs */
	struct prefilter_bound pre;	/* what a match may hold before it */
	struct prefilter_bound pre_ascii;	/* the same in all-ASCII text */
	uint32_t bound_ascii;	/* like bound, for pre_ascii */
};

struct ruleset {
	int refs;		/* atomic */
	unsigned long serial;	/* unique per load in this process */
	struct rules_list *lists; size_t nlists;
	struct rules_field *fields; size_t nfields;
	struct rules_named *crits; size_t ncrits;
	struct rules_named *tags; size_t ntags;
	struct rules_named *disqs; size_t ndisqs;
	struct rules_named *decisions; size_t ndecisions;
	struct rules_rule *rules; size_t nrules;
	struct rules_when *whens; size_t nwhens;
	pcre2_code **signoff; size_t nsignoff;
	pcre2_code **quote; size_t nquote;
	struct zone_markers markers;
	pcre2_match_context *mctx;	/* limits; read-only after load */
	uint32_t max_groups;	/* largest capture count + 1 */
	int max_acts;		/* most actions of any rule (at least 1) */
	void *hs_db;		/* hs_database_t of prefiltered rules, or NULL */
	struct rules_lit *lits;	/* the database's literals, by id */
	size_t nlits;
	unsigned char *freetabs;	/* distinct free sets, 256 bytes each */
	size_t nfreetabs;
	size_t nprefiltered;
	unsigned hs_zones;	/* bit per zone some prefiltered rule names */
	char describe[256];
};

int rules_field_index(const struct ruleset *rs, const char *name);
char *rules_map_norm(const char *s, size_t n);
/* a pattern with its branches grouped by first letter, or NULL (rules.c) */
char *rules_group_branches(const char *src, const char *flags);

#endif
