/*
 * prefilter - the literals a PCRE2 pattern cannot match without
 *
 * DESCRIPTION  prefilter_literals() reads a pattern (PCRE2 syntax, as
 *              rules.c compiles it) and finds a set of ASCII strings, lower
 *              case, such that every match of the pattern contains at least
 *              one of them, case-insensitively.  The engine scans each zone
 *              once for all literals of all rules (Hyperscan literal mode)
 *              and runs a rule's PCRE2 pattern only where one was seen, so
 *              the cost of a message grows with the text, not with the
 *              number of rules times the text.
 *              The analysis is conservative: anything it does not
 *              understand (classes, \d, non-ASCII letters, back-references,
 *              optional parts) contributes no literal, and where no
 *              literal of at least PREFILTER_MIN_LEN bytes (or a rare pair
 *              of consonants such as "vp" or "cv") is required the
 *              rule is reported as unfilterable and always runs.  It never
 *              claims a literal that a match could lack.  Accented Latin
 *              letters are kept, with both cases spelled out (the scan
 *              folds only ASCII case); letters of other scripts end a
 *              literal.
 * LIMITS       PCRE2's caseless UTF matching also equates k with the
 *              Kelvin sign and s with the long s; a text that spells a
 *              required word with those would skip the rule.
 *              With each literal comes, in pre (when not NULL), a bound on
 *              what a match can hold before the literal begins: at most
 *              `fixed` bytes, plus any number of the bytes in `free` (what
 *              an unbounded repetition such as \s+ or [\p{L}-]+ may take;
 *              every byte when nothing bounds it).  prefilter_start()
 *              turns that and an occurrence into the lowest offset a match
 *              containing it can start at; the engine runs PCRE2 from
 *              there up to the occurrence (PCRE2_USE_OFFSET_LIMIT).
 *              Lookarounds contribute no literal, so a literal always lies
 *              inside the match.  A literal is lower case and scanned
 *              caselessly, but for one written where the pattern is
 *              case-sensitive ("(?-i:PA)"), which keeps its case and has
 *              exact_case set.
 * DIAGNOSTICS  0 and malloc'd arrays of n malloc'd strings and n bounds
 *              (free with prefilter_free()), or -1: no usable literal set.
 *              prefilter_start() walks back at most PREFILTER_WALK_MAX
 *              bytes; past that it answers 0 (the zone's start).
 */
#ifndef PREFILTER_H
#define PREFILTER_H

#include <stddef.h>

#define PREFILTER_MIN_LEN	3	/* shorter literals match almost anywhere, but
					 * for pairs of consonants such as "vp" */
#define PREFILTER_MAX_SET	4096	/* literals per rule, at most */
#define PREFILTER_WALK_MAX	4096	/* bytes prefilter_start() walks back */

enum prefilter_kind {
	PREFILTER_FIXED,		/* at most `fixed` bytes, nothing free */
	PREFILTER_WALK,			/* fixed bytes and free ones: walk back */
	PREFILTER_ANYWHERE		/* every byte is free: the zone's start */
};

struct prefilter_bound {
	unsigned long fixed;		/* bytes outside free[], at most */
	unsigned char free[32];		/* a bit per byte value: any number of them */
	int kind;			/* enum prefilter_kind, from the two above */
	int exact_case;			/* the literal is scanned with its case */
};

int prefilter_literals(const char *pattern, char ***lits, struct prefilter_bound **pre,
		       size_t *n);
/* the same literals, with bounds for text that is all ASCII (one byte a
 * character): tighter, and right only there */
int prefilter_literals_ascii(const char *pattern, char ***lits, struct prefilter_bound **pre,
			     size_t *n);
void prefilter_free(char **lits, struct prefilter_bound *pre, size_t n);
int prefilter_anywhere(const struct prefilter_bound *b);
size_t prefilter_start(const struct prefilter_bound *b, const char *text, size_t at);
/* the same walk, stopped at floor (then it returns floor or less) */
size_t prefilter_start_floor(const struct prefilter_bound *b, const char *text, size_t at,
			     size_t floor);
/* does b allow everything a allows before a literal? */
int prefilter_within(const struct prefilter_bound *a, const struct prefilter_bound *b);
/* the walk of a PREFILTER_WALK bound, with its free set as a 256-byte
 * table (non-zero: free) and its fixed budget; at most one byte short of
 * prefilter_start_floor()'s answer, which is as correct a start */
size_t prefilter_walk(const unsigned char *freetab, unsigned long budget, const char *text,
		      size_t at, size_t floor);

#endif
