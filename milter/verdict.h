/*
 * verdict - the result of qualifying one inquiry, and its output forms
 *
 * DESCRIPTION  A struct verdict owns copies of every string it holds:
 *              nothing points into GMime objects, PCRE2 match data or the
 *              ruleset once engine_qualify() has returned, so a verdict may
 *              outlive the ruleset that produced it (reload).
 *              verdict_line()  one human line (leadctl qualify, quickstart).
 *              verdict_json()  a jansson object (caller json_decref()s).
 *              verdict_explain() the trail: every rule that fired, zone,
 *                              capture, what it changed, and the arithmetic.
 * OWNERSHIP    verdict_init() before use, verdict_free() after; free is
 *              idempotent.
 */
#ifndef VERDICT_H
#define VERDICT_H

#include <stddef.h>
#include "buf.h"

#define VERDICT_MAX_CRIT 8

struct verdict_crit {
	char *name;		/* "need", ... as the policy declares */
	int level;		/* 1..3 */
};

struct verdict_field {
	char *name;		/* "company", ... */
	char *value;		/* canonical value ("GB", "51-200", "40000 EUR") */
	char *origin;		/* zone name, "header", "default" or "history" */
	char *rule;		/* rule that set it, or "" */
};

struct verdict_hit {
	char *rule;		/* rule name, or "when@file:line" */
	char *where;		/* zone name, or "policy" */
	char *capture;		/* matched text, capped and one-lined */
	char *effect;		/* "need 1->3", "set title", "tag rfp", ... */
};

struct verdict {
	char *decision;		/* "sales", "nurture", "archive", ... */
	char *disqualifier;	/* NULL when none fired */
	char *destination;	/* mailbox the rules name for it, or NULL */
	struct verdict_crit crit[VERDICT_MAX_CRIT];
	int ncrit;
	int total;
	char **tags;
	size_t ntags;
	struct verdict_field *fields;
	size_t nfields;
	struct verdict_hit *hits;
	size_t nhits;
	char *email;		/* the prospect's address, lower-case, or "" */
	char *name;		/* the prospect's name, or "" */
	char *message_id;	/* without <>, "" if none */
	char *subject;
	char *lead_id;		/* stable id: "L" + 16 hex digits */
	int history_used;	/* a fact or tag came from the store */
	int truncated;		/* the message hit a size or part limit */
	long elapsed_us;	/* time engine_qualify() took */
};

void verdict_init(struct verdict *v);
void verdict_free(struct verdict *v);

const char *verdict_field(const struct verdict *v, const char *name);
const struct verdict_field *verdict_field_info(const struct verdict *v, const char *name);
int verdict_crit(const struct verdict *v, const char *name);	/* 0 unknown */
int verdict_has_tag(const struct verdict *v, const char *tag);
void verdict_tags_join(const struct verdict *v, const char *sep, struct buf *out);

/* mutation, for the engine */
void verdict_set_field(struct verdict *v, const char *name, const char *value,
		       const char *origin, const char *rule);
void verdict_add_tag(struct verdict *v, const char *tag);
void verdict_remove_tag(struct verdict *v, const char *tag);
void verdict_add_hit(struct verdict *v, const char *rule, const char *where,
		     const char *capture, size_t caplen, const char *effect);

void verdict_line(const struct verdict *v, const char *label, struct buf *out);
void verdict_explain(const struct verdict *v, struct buf *out);
void *verdict_json(const struct verdict *v);	/* json_t *, json_decref() */

#endif
