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
 *              literal of at least PREFILTER_MIN_LEN bytes is required the
 *              rule is reported as unfilterable and always runs.  It never
 *              claims a literal that a match could lack.  Accented Latin
 *              letters are kept, with both cases spelled out (the scan
 *              folds only ASCII case); letters of other scripts end a
 *              literal.
 * LIMITS       PCRE2's caseless UTF matching also equates k with the
 *              Kelvin sign and s with the long s; a text that spells a
 *              required word with those would skip the rule.
 *              With each literal comes, in pre (when not NULL), the most
 *              bytes a match can take before the literal begins, or -1
 *              when that has no bound: a match that contains the literal
 *              found at offset o starts between o - pre and o, so the
 *              engine starts PCRE2 near the occurrences and stops it after
 *              the last (PCRE2_USE_OFFSET_LIMIT).  Lookarounds contribute
 *              no literal, so a literal always lies inside the match.
 * DIAGNOSTICS  0 and malloc'd arrays of n malloc'd strings and n bounds
 *              (free with prefilter_free()), or -1: no usable literal set.
 */
#ifndef PREFILTER_H
#define PREFILTER_H

#include <stddef.h>

#define PREFILTER_MIN_LEN	3	/* shorter literals match almost anywhere */
#define PREFILTER_MAX_SET	4096	/* literals per rule, at most */

int prefilter_literals(const char *pattern, char ***lits, long **pre, size_t *n);
void prefilter_free(char **lits, long *pre, size_t n);

#endif
