/*
 * prefilter - the literals a PCRE2 pattern cannot match without
 *
 * DESCRIPTION  See prefilter.h.  A small recursive-descent reader of
 *              PCRE2 syntax computes, for every node, either the finite set
 *              of strings it matches exactly ("exact": literals, and
 *              alternations and concatenations of them), or a set of
 *              strings one of which each of its matches contains
 *              ("required").  A concatenation keeps the best required set
 *              of its parts (longest shortest string); an alternation
 *              unites its branches' sets, and has none if one branch has
 *              none.  Case is folded to ASCII lower case: the engine scans
 *              case-insensitively, which is a superset for case-sensitive
 *              rules too.
 *              Alongside, every node knows the most bytes it can match
 *              (or that it has no bound), and every string how many bytes
 *              at most precede it in a match of its node; at the top this
 *              is how far before a literal's occurrence a match can start.
 *              Bounds count every character as the longest UTF-8 form
 *              caseless matching may meet (an ASCII 'k' matches the
 *              three-byte Kelvin sign).
 * LIMITS       Patterns in extended mode, with recursion or conditionals
 *              are not analysed (the rule then always runs).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "prefilter.h"

#define PF_CROSS_MAX	256	/* exact strings kept through a concatenation */
#define PF_DEPTH_MAX	200	/* group nesting */
#define PF_CHAR_MAX_UTF	4	/* bytes of one character, at most */
#define PF_LIT_MAX_UTF	3	/* bytes k or s may match caselessly (Kelvin sign, long s) */

/*
 * prefilter_literals_ascii() reads a pattern for text that is all ASCII:
 * there every character is one byte, but for \R, which may take CR LF.
 * The reader runs in one thread at a time per call; the mode is the
 * calling thread's.
 */
static _Thread_local int pf_ascii;

#define PF_CHAR_MAX	(pf_ascii ? 1 : PF_CHAR_MAX_UTF)
#define PF_LIT_MAX	(pf_ascii ? 1 : PF_LIT_MAX_UTF)
#define PF_FIXED_MAX	(1UL << 24)	/* past this a bound is no bound */
#define PF_CLASS_EXACT	10	/* a class of at most this many characters is exact */

/*
 * What a match may hold before a point: at most fix[c] bytes of fixed
 * parts whose characters all fall in category c (PF_L letters and
 * multi-byte characters, PF_W ASCII spaces, PF_O anything), plus any
 * number of the bytes in free.  A category that free covers costs no
 * budget: "en tant que\s+" before [\p{L}\s]+ is free, not 11 bytes.
 */
enum { PF_L, PF_W, PF_O, PF_NCAT };

typedef struct {
	unsigned long fix[PF_NCAT];
	unsigned char free[32];
} pf_bound;

struct pf_set {
	char **s;
	pf_bound *pre;		/* what may precede s[i] in a match of the node */
	unsigned char *cs;	/* s[i] must match with its case (else lower case) */
	size_t n;
};

struct pf_info {
	int exact;		/* matches exactly the strings in set */
	int has;		/* set is meaningful (exact or required) */
	pf_bound max;		/* what a whole match of the node may take */
	unsigned char all[32];	/* every byte a match may contain */
	struct pf_set set;
};

struct pf_parser {
	const char *p;
	int depth;
	int fail;		/* syntax we do not analyse */
	int cs;			/* case-sensitive here: (?-i) */
};

static struct pf_info pf_alt(struct pf_parser *ps);

/* ---- byte sets (32 bytes, one bit per byte value) */

static int
pf_has(const unsigned char *set, unsigned c)
{
	return (set[c >> 3] >> (c & 7)) & 1;
}

static void
pf_put(unsigned char *set, unsigned c)
{
	set[c >> 3] |= (unsigned char)(1u << (c & 7));
}

static void
pf_range(unsigned char *set, unsigned lo, unsigned hi)
{
	for (unsigned c = lo; c <= hi && c < 256; c++)
		pf_put(set, c);
}

static void
pf_or(unsigned char *dst, const unsigned char *src)
{
	for (int i = 0; i < 32; i++)
		dst[i] |= src[i];
}

static int
pf_full(const unsigned char *set)
{
	for (int i = 0; i < 32; i++)
		if (set[i] != 0xff)
			return 0;
	return 1;
}

/* pf_high - every byte of a multi-byte UTF-8 character */
static void
pf_high(unsigned char *set)
{
	pf_range(set, 0x80, 0xff);
}

/* pf_letter - an ASCII character and whatever caseless matching equates
 * with it (k and s also match non-ASCII letters) */
static void
pf_letter(unsigned char *set, unsigned c)
{
	pf_put(set, c);
	if (isalpha((int)c)) {
		pf_put(set, (unsigned)tolower((int)c));
		pf_put(set, (unsigned)toupper((int)c));
		if (strchr("kKsS", (int)c))
			pf_high(set);
	}
}

/* ---- bounds: fixed bytes plus any number of the free ones */

/* pf_cat - the category of a fixed part that matches the bytes in all */
static int
pf_cat(const unsigned char *all)
{
	int letters = 1, spaces = 1;

	for (unsigned c = 0; c < 0x80; c++) {
		if (!pf_has(all, c))
			continue;
		if (!isalpha((int)c))
			letters = 0;
		if (!(c == ' ' || (c >= '\t' && c <= '\r')))
			spaces = 0;
	}
	return letters ? PF_L : spaces ? PF_W : PF_O;
}

/* pf_b_fixed - a bound of n bytes of a part matching the bytes in all */
static pf_bound
pf_b_fixed(unsigned long n, const unsigned char *all)
{
	pf_bound b;

	memset(&b, 0, sizeof(b));
	b.fix[pf_cat(all)] = n;
	return b;
}

/* pf_b_add - a followed by b */
static pf_bound
pf_b_add(pf_bound a, const pf_bound *b)
{
	pf_or(a.free, b->free);
	for (int c = 0; c < PF_NCAT; c++) {
		a.fix[c] += b->fix[c];
		if (a.fix[c] > PF_FIXED_MAX)
			memset(a.free, 0xff, sizeof(a.free));
	}
	return a;
}

/* pf_b_max - a or b */
static pf_bound
pf_b_max(pf_bound a, const pf_bound *b)
{
	for (int c = 0; c < PF_NCAT; c++)
		if (b->fix[c] > a.fix[c])
			a.fix[c] = b->fix[c];
	pf_or(a.free, b->free);
	return a;
}

/* pf_b_rep - a node n times (n = -1: any number): its bytes go free */
static pf_bound
pf_b_rep(pf_bound a, const unsigned char *all, long n)
{
	if (n < 0) {
		memset(a.fix, 0, sizeof(a.fix));
		pf_or(a.free, all);
	} else if (n == 0) {
		memset(&a, 0, sizeof(a));
	} else {
		for (int c = 0; c < PF_NCAT; c++) {
			if (a.fix[c] > PF_FIXED_MAX / (unsigned long)n)
				memset(a.free, 0xff, sizeof(a.free));
			a.fix[c] *= (unsigned long)n;
		}
	}
	return a;
}

/* pf_b_budget - the most bytes outside free the fixed parts can hold */
static unsigned long
pf_b_budget(const pf_bound *b)
{
	static const char *const sample[PF_NCAT] = { "az", " \t", NULL };
	unsigned long n = 0;

	for (int c = 0; c < PF_NCAT; c++) {
		int covered = sample[c] != NULL;

		if (c == PF_L) {
			for (unsigned x = 0; x < 256 && covered; x++)
				if ((isalpha((int)x) || x >= 0x80) && !pf_has(b->free, x))
					covered = 0;
		} else if (c == PF_W) {
			for (unsigned x = 0; x < 0x80 && covered; x++)
				if ((x == ' ' || (x >= '\t' && x <= '\r')) && !pf_has(b->free, x))
					covered = 0;
		}
		if (!covered)
			n += b->fix[c];
	}
	return n;
}

/* pf_b_zero - nothing before */
static pf_bound
pf_b_zero(void)
{
	pf_bound b;

	memset(&b, 0, sizeof(b));
	return b;
}

/* ---- string sets */

/* pf_set_free - free a set's strings */
static void
pf_set_free(struct pf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	free(s->pre);
	free(s->cs);
	s->s = NULL;
	s->pre = NULL;
	s->cs = NULL;
	s->n = 0;
}

/*
 * pf_set_add - add a copy of a string, case-sensitive when cs (a duplicate
 * widens its bound, and is caseless if either is)
 */
static void
pf_set_add(struct pf_set *s, const char *str, size_t len, const pf_bound *pre, int cs)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->s[i]) == len && memcmp(s->s[i], str, len) == 0) {
			s->pre[i] = pf_b_max(s->pre[i], pre);
			s->cs[i] = (unsigned char)(s->cs[i] && cs);
			return;
		}
	s->s = lm_xrealloc(s->s, (s->n + 1) * sizeof(*s->s));
	s->pre = lm_xrealloc(s->pre, (s->n + 1) * sizeof(*s->pre));
	s->cs = lm_xrealloc(s->cs, (s->n + 1) * sizeof(*s->cs));
	s->pre[s->n] = *pre;
	s->cs[s->n] = (unsigned char)(cs != 0);
	s->s[s->n++] = lm_xstrndup(str, len);
}

/* pf_set_shift - the strings of s come after off in the match */
static void
pf_set_shift(struct pf_set *s, const pf_bound *off)
{
	for (size_t i = 0; i < s->n; i++) {
		pf_bound b = *off;

		s->pre[i] = pf_b_add(b, &s->pre[i]);
	}
}

/*
 * Words so common in inquiries (English, German, French) that a rule
 * filtered on them would run on nearly every message.  Only speed depends
 * on this list: a literal here is still a correct requirement, it is just
 * the last choice when a pattern offers a better one.
 */
static const char *const pf_common[] = {
	"about", "all", "and", "any", "are", "but", "call", "can", "company", "could",
	"das", "der", "des", "die", "ein", "eine", "est", "for", "from", "für", "has",
	"have", "help", "ich", "ist", "les", "mit", "mon", "nicht", "not", "notre",
	"nous", "our", "pas", "plan", "plans", "pour", "sans", "service", "services",
	"sie", "support", "that", "the", "this", "time", "und", "une", "use", "vous",
	"was", "what", "will", "with", "wir", "work", "would", "you", "your",
};

/*
 * Pairs of consonants that are common inside words (English, German,
 * French).  Any other pair of consonants ("vp", "cv", "md") is rare enough
 * to filter on: abbreviations in word lists are often two letters.
 */
static const char *const pf_common_pairs[] = {
	"bb", "bl", "br", "ch", "ck", "cl", "cr", "ct", "dd", "dr", "ds", "ff", "fl", "fr",
	"ft", "gg", "gh", "gl", "gr", "gs", "hl", "hm", "hn", "hr", "ht", "ks", "lc", "ld",
	"lf", "lk", "ll", "lm", "lp", "ls", "lt", "lv", "mb", "mm", "mp", "ms", "nc", "nd",
	"nf", "ng", "nk", "nn", "ns", "nt", "nv", "nz", "ph", "pl", "pp", "pr", "ps", "pt",
	"rc", "rd", "rf", "rg", "rk", "rl", "rm", "rn", "rp", "rr", "rs", "rt", "rv", "sc",
	"sh", "sk", "sl", "sm", "sn", "sp", "ss", "st", "sw", "th", "tr", "ts", "tt", "tw",
	"tz", "wh", "wn", "ws", "xt",
};

/* pf_short_ok - may a two-character literal be used?  Two consonants, or
 * a consonant and a digit ("q3"), but for the common pairs */
static int
pf_short_ok(const char *s)
{
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]))
		return 0;
	for (int i = 0; i < 2; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i])) ||
		    strchr("aeiouy", s[i]))
			return 0;
	for (size_t i = 0; i < sizeof(pf_common_pairs) / sizeof(pf_common_pairs[0]); i++)
		if (strcmp(s, pf_common_pairs[i]) == 0)
			return 0;
	return 1;
}

/*
 * pf_weight - how selective a literal is: its length; 1 if a common word,
 * a rare pair of consonants or a case-sensitive pair of capitals ("PA",
 * "AG"); 0 if too short to use at all
 */
static size_t
pf_weight(const char *s, int cs)
{
	size_t len = strlen(s);

	if (len == 2 && cs && (isupper((unsigned char)s[0]) || isdigit((unsigned char)s[0])) &&
	    (isupper((unsigned char)s[1]) || isdigit((unsigned char)s[1])) &&
	    !(isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1])))
		return 1;
	if (len < PREFILTER_MIN_LEN) {
		char low[3] = { (char)tolower((unsigned char)s[0]), 0, 0 };

		if (len == 2)
			low[1] = (char)tolower((unsigned char)s[1]);
		return len == 2 && pf_short_ok(low) ? 1 : 0;
	}
	for (size_t i = 0; i < sizeof(pf_common) / sizeof(pf_common[0]); i++)
		if (strcasecmp(s, pf_common[i]) == 0)
			return 1;
	return len;
}

/* pf_set_minweight - the weight of the least selective string */
static size_t
pf_set_minweight(const struct pf_set *s)
{
	size_t m = (size_t)-1;

	for (size_t i = 0; i < s->n; i++)
		if (pf_weight(s->s[i], s->cs[i]) < m)
			m = pf_weight(s->s[i], s->cs[i]);
	return s->n ? m : 0;
}

/* pf_set_minlen - the length of the shortest string */
static size_t
pf_set_minlen(const struct pf_set *s)
{
	size_t m = (size_t)-1;

	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->s[i]) < m)
			m = strlen(s->s[i]);
	return s->n ? m : 0;
}

/* pf_none - an info with no literal: one character of the byte set all */
static struct pf_info
pf_none(const unsigned char *all)
{
	struct pf_info i;

	memset(&i, 0, sizeof(i));
	i.max = pf_b_fixed(PF_CHAR_MAX, all);
	memcpy(i.all, all, sizeof(i.all));
	return i;
}

/* pf_any - an info with no literal and no bound at all */
static struct pf_info
pf_any(void)
{
	struct pf_info i;

	memset(&i, 0, sizeof(i));
	memset(i.max.free, 0xff, sizeof(i.max.free));
	memset(i.all, 0xff, sizeof(i.all));
	return i;
}

/* pf_str - an exact info of one string (ASCII, or one character) */
static struct pf_info
pf_str(const char *s, size_t len)
{
	struct pf_info i;
	pf_bound zero = pf_b_zero();

	memset(&i, 0, sizeof(i));
	i.exact = i.has = 1;
	for (size_t k = 0; k < len; k++) {
		unsigned char one[32];
		pf_bound b;

		memset(one, 0, sizeof(one));
		if ((unsigned char)s[k] >= 0x80) {
			pf_high(one);
			b = pf_b_fixed(1, one);
		} else {
			pf_letter(one, (unsigned char)s[k]);
			b = pf_b_fixed(strchr("kKsS", s[k]) ? PF_LIT_MAX : 1, one);
		}
		pf_or(i.all, one);
		i.max = pf_b_add(i.max, &b);
	}
	pf_set_add(&i.set, s, len, &zero, 0);
	return i;
}

/* pf_char - an exact info of one ASCII character: lower case, or as
 * written where the pattern is case-sensitive */
static struct pf_info
pf_char(const struct pf_parser *ps, int c)
{
	char ch = (char)(ps->cs ? c : tolower(c));
	struct pf_info i = pf_str(&ch, 1);

	i.set.cs[0] = (unsigned char)(ps->cs != 0);
	return i;
}

/* pf_info_free - release an info (its bound and bytes stay) */
static void
pf_info_free(struct pf_info *i)
{
	pf_set_free(&i->set);
	i->has = i->exact = 0;
}

/* pf_set_bounded - is every string's start bounded? */
static int
pf_set_bounded(const struct pf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (pf_full(s->pre[i].free))
			return 0;
	return 1;
}

/*
 * pf_tier - how cheap a set makes a rule.  Each occurrence of a bounded
 * literal costs one short PCRE2 call near it; an unbounded one costs a
 * scan from the zone's start up to it.  So: usable and bounded; usable
 * (rare, then no scan at all); a common word, bounded (a few short calls);
 * a common word, unbounded; too short to use.
 */
static int
pf_tier(const struct pf_set *s)
{
	size_t w = pf_set_minweight(s);
	int bounded = pf_set_bounded(s);

	if (w == 0)
		return 0;
	if (w == 1)
		return bounded ? 2 : 1;
	return bounded ? 4 : 3;
}

/* pf_better - is candidate a better required set than best? */
static int
pf_better(const struct pf_set *cand, const struct pf_set *best, int have_best)
{
	size_t a, b;
	int ta, tb;

	if (cand->n == 0)
		return 0;
	if (!have_best)
		return 1;
	ta = pf_tier(cand);
	tb = pf_tier(best);
	if (ta != tb)
		return ta > tb;
	/* a set is as selective as its weakest literal */
	a = pf_set_minweight(cand);
	b = pf_set_minweight(best);
	return a > b || (a == b && cand->n < best->n);
}

/* pf_consider - keep cand as the best required set if it is better */
static void
pf_consider(struct pf_set *best, int *have, struct pf_set *cand)
{
	if (pf_better(cand, best, *have)) {
		pf_set_free(best);
		*best = *cand;
		cand->s = NULL;
		cand->pre = NULL;
		cand->cs = NULL;
		cand->n = 0;
		*have = 1;
	} else {
		pf_set_free(cand);
	}
}

/* pf_cross - every string of a followed by every string of b; -1 if too big */
static int
pf_cross(const struct pf_set *a, const struct pf_set *b, struct pf_set *out)
{
	struct buf t = BUF_INIT;

	if (a->n * b->n > PF_CROSS_MAX)
		return -1;
	out->s = NULL;
	out->pre = NULL;
	out->cs = NULL;
	out->n = 0;
	for (size_t i = 0; i < a->n; i++)
		for (size_t k = 0; k < b->n; k++) {
			/* "" takes the other's case; otherwise both must keep it */
			int cs = !*a->s[i] ? b->cs[k] : !*b->s[k] ? a->cs[i] : a->cs[i] && b->cs[k];

			buf_reset(&t);
			buf_puts(&t, a->s[i]);
			buf_puts(&t, b->s[k]);
			if (!cs)
				for (size_t j = 0; j < t.len; j++)
					t.data[j] = (char)tolower((unsigned char)t.data[j]);
			pf_set_add(out, buf_str(&t), t.len, &a->pre[i], cs);
		}
	buf_free(&t);
	return 0;
}

/* pf_skip_braces - skip "{...}" at p if present */
static void
pf_skip_braces(struct pf_parser *ps)
{
	if (*ps->p == '{') {
		const char *e = strchr(ps->p, '}');

		ps->p = e ? e + 1 : ps->p + strlen(ps->p);
	}
}

/* pf_utf8_put - encode a code point as UTF-8 into out; returns length */
static size_t
pf_utf8_put(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/*
 * pf_other_case - the other case of a Latin letter (Latin-1 Supplement and
 * Latin Extended-A, where the pairs are regular), 0 when the letter has no
 * other case, or -1 when we do not know: then no literal is claimed,
 * because PCRE2's caseless match would find the other case and the
 * Hyperscan scan (caseless for ASCII only) would not.
 */
static long
pf_other_case(unsigned long cp)
{
	if (cp == 0xD7 || cp == 0xF7)
		return 0;			/* multiplication and division signs */
	if (cp == 0xDF)
		return 0x1E9E;			/* sharp s, capital sharp s */
	if (cp == 0xFF)
		return 0x178;			/* y with diaeresis */
	if (cp >= 0xC0 && cp <= 0xDE)
		return (long)cp + 0x20;
	if (cp >= 0xE0 && cp <= 0xFE)
		return (long)cp - 0x20;
	if (cp >= 0x100 && cp <= 0x137 && cp != 0x130 && cp != 0x131)
		return (long)(cp ^ 1);
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return (long)(cp & 1 ? cp + 1 : cp - 1);
	if (cp >= 0x14A && cp <= 0x177)
		return (long)(cp ^ 1);
	if (cp >= 0xA0 && cp <= 0xBF && cp != 0xB5)
		return 0;			/* Latin-1 signs; not micro (Greek mu) */
	if (cp >= 0x2000 && cp <= 0x20CF)
		return 0;			/* punctuation, currency signs */
	return -1;
}

/* pf_utf8_char - an exact info of one non-ASCII character and its other case */
static struct pf_info
pf_utf8_char(const char *enc, size_t len, unsigned long cp)
{
	long other = pf_other_case(cp);
	unsigned char set[32];
	char oth[4];
	struct pf_info i;
	pf_bound zero = pf_b_zero();

	if (other < 0) {
		memset(set, 0, sizeof(set));
		pf_high(set);
		return pf_none(set);
	}
	i = pf_str(enc, len);
	i.max = pf_b_fixed(PF_CHAR_MAX, i.all);
	if (other > 0)
		pf_set_add(&i.set, oth, pf_utf8_put((unsigned long)other, oth), &zero, 0);
	return i;
}

/* pf_utf8_atom - a non-ASCII character at ps->p: its case variants */
static struct pf_info
pf_utf8_atom(struct pf_parser *ps)
{
	const unsigned char *u = (const unsigned char *)ps->p;
	unsigned long cp;
	size_t len;

	if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
		cp = ((unsigned long)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
		len = 2;
	} else if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
		cp = ((unsigned long)(u[0] & 0x0F) << 12) | ((unsigned long)(u[1] & 0x3F) << 6) |
		     (u[2] & 0x3F);
		len = 3;
	} else {
		unsigned char set[32];

		ps->p++;
		while (((unsigned char)*ps->p & 0xC0) == 0x80)
			ps->p++;
		memset(set, 0, sizeof(set));
		pf_high(set);
		return pf_none(set);
	}
	ps->p += len;
	return pf_utf8_char((const char *)u, len, cp);
}

/*
 * pf_escape_bytes - the bytes an escape like \d or \p{L} may match
 * (over, a superset) and the ASCII bytes it surely matches (under, for
 * negated classes).  Returns 0, or -1 if c is no such escape.
 */
static int
pf_escape_bytes(char c, const char *prop, unsigned char *over, unsigned char *under)
{
	unsigned char o[32], u[32];

	memset(o, 0, sizeof(o));
	memset(u, 0, sizeof(u));
	switch (tolower((unsigned char)c)) {
	case 'd':
		pf_range(u, '0', '9');
		break;
	case 's':
		pf_range(u, '\t', '\r');
		pf_put(u, ' ');
		break;
	case 'w':
		pf_range(u, '0', '9');
		pf_range(u, 'a', 'z');
		pf_range(u, 'A', 'Z');
		pf_put(u, '_');
		break;
	case 'h':
		pf_put(u, '\t');
		pf_put(u, ' ');
		break;
	case 'v':
		pf_range(u, '\n', '\r');
		break;
	case 'p':
		/* letters and numbers: ASCII ones and anything multi-byte */
		if (prop && (strncmp(prop, "{L", 2) == 0 || *prop == 'L')) {
			pf_range(u, 'a', 'z');
			pf_range(u, 'A', 'Z');
		} else if (prop && (strncmp(prop, "{N", 2) == 0 || *prop == 'N')) {
			pf_range(u, '0', '9');
		} else {
			memset(o, 0xff, sizeof(o));
			memset(u, 0, sizeof(u));
			if (c == 'P')
				break;
			goto done;
		}
		break;
	default:
		return -1;
	}
	if (isupper((unsigned char)c)) {
		/* the complement: every ASCII byte not in u, and multi-byte ones */
		for (int i = 0; i < 32; i++)
			u[i] = (unsigned char)~u[i];
		memset(u + 16, 0, 16);
		memset(o, 0xff, sizeof(o));
	} else if (!pf_full(o)) {
		memcpy(o, u, sizeof(o));
		pf_high(o);
	}
done:
	if (over)
		pf_or(over, o);
	if (under)
		pf_or(under, u);
	return 0;
}

/* pf_class_char - one character inside a class, or -1 (non-ASCII, or an
 * escape that stands for a set: then over and under are updated) */
static int
pf_class_char(const char **pp, unsigned char *over, unsigned char *under)
{
	const char *p = *pp;
	int c;

	if ((unsigned char)*p >= 0x80) {
		p++;
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
		pf_high(over);
		*pp = p;
		return -1;
	}
	if (*p != '\\') {
		*pp = p + 1;
		return (unsigned char)*p;
	}
	p++;
	c = (unsigned char)*p++;
	switch (c) {
	case 'n': c = '\n'; break;
	case 't': c = '\t'; break;
	case 'r': c = '\r'; break;
	case 'f': c = '\f'; break;
	case 'e': c = 27; break;
	case 'a': c = 7; break;
	case 'b': c = 8; break;
	case 'x': {
		unsigned long v;
		char *end;

		if (*p == '{') {
			v = strtoul(p + 1, &end, 16);
			p = strchr(p, '}') ? strchr(p, '}') + 1 : p + strlen(p);
		} else {
			char hex[3] = { 0 };

			for (int i = 0; i < 2 && isxdigit((unsigned char)*p); i++)
				hex[i] = *p++;
			v = strtoul(hex, &end, 16);
		}
		if (v >= 0x80) {
			pf_high(over);
			*pp = p;
			return -1;
		}
		c = (int)v;
		break;
	}
	case 'p': case 'P': {
		const char *prop = p;

		if (*p == '{')
			p = strchr(p, '}') ? strchr(p, '}') + 1 : p + strlen(p);
		else if (*p)
			p++;
		pf_escape_bytes((char)c, prop, over, under);
		*pp = p;
		return -1;
	}
	default:
		if (pf_escape_bytes((char)c, NULL, over, under) == 0) {
			*pp = p;
			return -1;
		}
		if (isalnum(c) || c == 0) {
			/* \o{}, \c, \N and the like: anything */
			memset(over, 0xff, 32);
			if (*p == '{')
				p = strchr(p, '}') ? strchr(p, '}') + 1 : p + strlen(p);
			*pp = p;
			return -1;
		}
		break;
	}
	*pp = p;
	return c;
}

/* pf_posix - a [:name:] item: the bytes it may match, and surely matches */
static void
pf_posix(const char *name, size_t len, unsigned char *over, unsigned char *under)
{
	unsigned char u[32];

	memset(u, 0, sizeof(u));
	for (unsigned c = 0; c < 128; c++) {
		int in;

		if (len == 5 && strncmp(name, "alpha", 5) == 0) in = isalpha((int)c);
		else if (len == 5 && strncmp(name, "alnum", 5) == 0) in = isalnum((int)c);
		else if (len == 5 && strncmp(name, "digit", 5) == 0) in = isdigit((int)c);
		else if (len == 5 && strncmp(name, "space", 5) == 0) in = isspace((int)c);
		else if (len == 5 && strncmp(name, "upper", 5) == 0) in = isalpha((int)c);
		else if (len == 5 && strncmp(name, "lower", 5) == 0) in = isalpha((int)c);
		else if (len == 5 && strncmp(name, "punct", 5) == 0) in = ispunct((int)c);
		else if (len == 4 && strncmp(name, "word", 4) == 0) in = isalnum((int)c) || c == '_';
		else {
			memset(over, 0xff, 32);
			return;
		}
		if (in)
			pf_put(u, c);
	}
	pf_or(over, u);
	pf_high(over);
	/* [:upper:] and [:lower:] only surely match their own case */
	if (len == 5 && (strncmp(name, "upper", 5) == 0 || strncmp(name, "lower", 5) == 0))
		return;
	pf_or(under, u);
}

/*
 * pf_class - a [...] character class: the bytes its character may take.
 * Letters count in both cases.  A negated class may take every byte that
 * its items do not surely match, and every multi-byte character.
 */
static void
pf_class(struct pf_parser *ps, unsigned char *all)
{
	const char *p = ps->p + 1;
	unsigned char over[32], under[32];
	int neg = 0;

	memset(over, 0, sizeof(over));
	memset(under, 0, sizeof(under));
	if (*p == '^') {
		neg = 1;
		p++;
	}
	if (*p == ']') {
		pf_letter(over, ']');
		pf_put(under, ']');
		p++;
	}
	while (*p && *p != ']') {
		int lo, hi;

		if (p[0] == '\\' && p[1] == 'Q') {
			const char *e = strstr(p, "\\E");
			const char *q;

			for (q = p + 2; *q && q != e; q++) {
				if ((unsigned char)*q >= 0x80) {
					pf_high(over);
				} else {
					pf_letter(over, (unsigned char)*q);
					pf_put(under, (unsigned char)*q);
				}
			}
			p = e ? e + 2 : q;
			continue;
		}
		if (p[0] == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");

			if (e) {
				pf_posix(p + 2, (size_t)(e - (p + 2)), over, under);
				p = e + 2;
				continue;
			}
		}
		lo = pf_class_char(&p, over, under);
		if (lo < 0)
			continue;
		if (p[0] == '-' && p[1] && p[1] != ']') {
			const char *q = p + 1;

			hi = pf_class_char(&q, over, under);
			p = q;
			if (hi < 0 || hi < lo) {
				/* a range we do not follow: it may take anything */
				memset(over, 0xff, sizeof(over));
				continue;
			}
			for (int c = lo; c <= hi; c++) {
				pf_letter(over, (unsigned)c);
				pf_put(under, (unsigned)c);
			}
			continue;
		}
		pf_letter(over, (unsigned)lo);
		pf_put(under, (unsigned)lo);
	}
	if (*p != ']')
		ps->fail = 1;
	ps->p = *p ? p + 1 : p;
	if (neg) {
		for (int i = 0; i < 32; i++)
			over[i] = (unsigned char)~under[i];
		pf_high(over);
	}
	memcpy(all, over, sizeof(over));
}

/*
 * pf_class_info - a class of a few ASCII characters ([1-4], [.,]) is an
 * exact set of one-character strings (lower case: the scan folds case);
 * any other class is one character of its bytes.
 */
static struct pf_info
pf_class_info(const unsigned char *set)
{
	char one[PF_CLASS_EXACT];
	size_t n = 0;
	struct pf_info i;
	pf_bound zero = pf_b_zero();

	for (unsigned c = 0x80; c < 256; c++)
		if (pf_has(set, c))
			return pf_none(set);
	for (unsigned c = 1; c < 0x80; c++) {
		if (!pf_has(set, c) || (isupper((int)c) && pf_has(set, (unsigned)tolower((int)c))))
			continue;
		if (n == sizeof(one))
			return pf_none(set);
		one[n++] = (char)tolower((int)c);
	}
	if (n == 0)
		return pf_none(set);
	memset(&i, 0, sizeof(i));
	i.exact = i.has = 1;
	i.max = pf_b_fixed(1, set);
	memcpy(i.all, set, sizeof(i.all));
	for (size_t k = 0; k < n; k++)
		pf_set_add(&i.set, &one[k], 1, &zero, 0);
	return i;
}

/* pf_escape - an escape sequence after the backslash at ps->p */
static struct pf_info
pf_escape(struct pf_parser *ps)
{
	char c = ps->p[1];
	unsigned char set[32];

	memset(set, 0, sizeof(set));
	if (c == '\0') {
		ps->fail = 1;
		ps->p++;
		return pf_any();
	}
	ps->p += 2;
	switch (c) {
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return pf_str("", 0);
	case 'd': case 'D': case 's': case 'S': case 'w': case 'W': case 'h': case 'H':
	case 'v': case 'V':
		pf_escape_bytes(c, NULL, set, NULL);
		return pf_none(set);
	case 'R': {
		struct pf_info i;

		pf_escape_bytes('v', NULL, set, NULL);
		i = pf_none(set);
		if (pf_ascii)
			i.max = pf_b_fixed(2, set);	/* CR LF */
		return i;
	}
	case 'N': case 'C':
		memset(set, 0xff, sizeof(set));
		return pf_none(set);
	case 'X':
		return pf_any();	/* a grapheme cluster has no length bound */
	case 'p': case 'P': {
		const char *prop = ps->p;

		if (*ps->p == '{')
			pf_skip_braces(ps);
		else if (*ps->p)
			ps->p++;
		pf_escape_bytes(c, prop, set, NULL);
		return pf_none(set);
	}
	case 'x': {
		unsigned long v;
		char *end;

		if (*ps->p == '{') {
			v = strtoul(ps->p + 1, &end, 16);
			pf_skip_braces(ps);
		} else {
			char hex[3] = { 0 };

			for (int i = 0; i < 2 && isxdigit((unsigned char)*ps->p); i++)
				hex[i] = *ps->p++;
			v = strtoul(hex, &end, 16);
		}
		if (v >= 0x20 && v < 0x7f)
			return pf_char(ps, (int)v);
		if (v >= 0x80 && v < 0x10000) {
			char enc[4];
			size_t n = pf_utf8_put(v, enc);

			return pf_utf8_char(enc, n, v);
		}
		if (v < 0x80)
			pf_put(set, (unsigned)v);
		else
			pf_high(set);
		return pf_none(set);
	}
	case 'Q': {
		const char *e = strstr(ps->p, "\\E");
		size_t len = e ? (size_t)(e - ps->p) : strlen(ps->p);
		struct buf t = BUF_INIT;
		struct pf_info i;

		for (size_t k = 0; k < len; k++) {
			if ((unsigned char)ps->p[k] >= 0x80) {
				/* non-ASCII: case folding is beyond us, stop here */
				buf_free(&t);
				ps->p = e ? e + 2 : ps->p + len;
				i = pf_any();
				/* ... but the length is known */
				memset(i.max.free, 0, sizeof(i.max.free));
				i.max.fix[PF_O] = (unsigned long)len * PF_CHAR_MAX;
				return i;
			}
			buf_putc(&t, ps->cs ? ps->p[k] : tolower((unsigned char)ps->p[k]));
		}
		i = pf_str(buf_str(&t), t.len);
		if (ps->cs && i.set.n == 1)
			i.set.cs[0] = 1;
		buf_free(&t);
		ps->p = e ? e + 2 : ps->p + len;
		return i;
	}
	case 't': return pf_str("\t", 1);
	case 'n': return pf_str("\n", 1);
	case 'r': return pf_str("\r", 1);
	case 'f': return pf_str("\f", 1);
	case 'e': return pf_str("\033", 1);
	case 'a': return pf_str("\a", 1);
	case 'c':
		if (*ps->p)
			ps->p++;
		pf_range(set, 0, 31);
		return pf_none(set);
	case 'o':
		pf_skip_braces(ps);
		memset(set, 0xff, sizeof(set));
		return pf_none(set);
	case 'k': case 'g':
		if (*ps->p == '{' || *ps->p == '<' || *ps->p == '\'') {
			char close = *ps->p == '{' ? '}' : *ps->p == '<' ? '>' : '\'';
			const char *e = strchr(ps->p + 1, close);

			ps->p = e ? e + 1 : ps->p + strlen(ps->p);
		} else {
			while (*ps->p == '-' || isdigit((unsigned char)*ps->p))
				ps->p++;
		}
		return pf_any();	/* a back-reference */
	default:
		break;
	}
	if (isdigit((unsigned char)c)) {
		while (isdigit((unsigned char)*ps->p))
			ps->p++;
		return pf_any();
	}
	if (isalnum((unsigned char)c)) {
		ps->fail = 1;	/* an escape we do not know */
		return pf_any();
	}
	if ((unsigned char)c >= 0x80) {
		while (((unsigned char)*ps->p & 0xC0) == 0x80)
			ps->p++;
		pf_high(set);
		return pf_none(set);
	}
	return pf_char(ps, (unsigned char)c);
}

/* pf_group - a parenthesised construct at ps->p */
static struct pf_info
pf_group(struct pf_parser *ps)
{
	const char *p = ps->p + 1;
	int look = 0, saved = ps->cs, cs = ps->cs;
	struct pf_info in;

	if (++ps->depth > PF_DEPTH_MAX) {
		ps->fail = 1;
		return pf_any();
	}
	if (*p == '*') {
		/* (*VERB) or (*UCP): no characters; lookaround names are rare */
		const char *e = strchr(p, ')');

		if (e == NULL || memchr(p, ':', (size_t)(e - p)) != NULL)
			ps->fail = 1;
		ps->p = e ? e + 1 : p + strlen(p);
		ps->depth--;
		return pf_str("", 0);
	}
	if (*p == '?') {
		p++;
		if (*p == '#') {
			const char *e = strchr(p, ')');

			ps->p = e ? e + 1 : p + strlen(p);
			ps->depth--;
			return pf_str("", 0);
		}
		if (*p == ':' || *p == '>' || *p == '|') {
			p++;
		} else if (*p == '=' || *p == '!') {
			look = 1;
			p++;
		} else if (p[0] == '<' && (p[1] == '=' || p[1] == '!')) {
			look = 1;
			p += 2;
		} else if (*p == '<' || *p == '\'' || (p[0] == 'P' && p[1] == '<')) {
			char close = *p == '\'' ? '\'' : '>';
			const char *e = strchr(p + 1, close);

			if (e == NULL) {
				ps->fail = 1;
				return pf_any();
			}
			p = e + 1;
		} else {
			/* option settings: (?i) (?-i) (?i:...) */
			const char *q = p;
			int neg = 0;

			while (*q && strchr("imnsxJU-^", *q)) {
				if (*q == '-')
					neg = 1;
				if (*q == 'x' && !neg) {
					ps->fail = 1;	/* extended syntax changes parsing */
					return pf_any();
				}
				if (*q == '^')
					cs = 1;		/* unsets i */
				if (*q == 'i')
					cs = neg;
				q++;
			}
			if (*q == ')') {
				/* to the end of the enclosing group */
				ps->cs = cs;
				ps->p = q + 1;
				ps->depth--;
				return pf_str("", 0);
			}
			if (*q != ':') {
				ps->fail = 1;	/* recursion, conditionals, callouts */
				return pf_any();
			}
			p = q + 1;
		}
	}
	ps->p = p;
	ps->cs = cs;
	in = pf_alt(ps);
	ps->cs = saved;
	if (*ps->p != ')')
		ps->fail = 1;
	else
		ps->p++;
	ps->depth--;
	if (look) {
		pf_info_free(&in);
		return pf_str("", 0);
	}
	return in;
}

/* pf_atom - one atom, without its quantifier */
static struct pf_info
pf_atom(struct pf_parser *ps)
{
	unsigned char c = (unsigned char)*ps->p;

	switch (c) {
	case '\\':
		return pf_escape(ps);
	case '[': {
		unsigned char set[32];

		pf_class(ps, set);
		return pf_class_info(set);
	}
	case '(':
		return pf_group(ps);
	case '.': {
		unsigned char set[32];

		ps->p++;
		memset(set, 0xff, sizeof(set));
		return pf_none(set);
	}
	case '^': case '$':
		ps->p++;
		return pf_str("", 0);
	default:
		break;
	}
	if (c >= 0x80)
		return pf_utf8_atom(ps);
	ps->p++;
	return pf_char(ps, c);
}

/* pf_quant - read a quantifier at ps->p: min and max (-1 = none); 0 if none */
static int
pf_quant(struct pf_parser *ps, long *min, long *max)
{
	const char *p = ps->p;

	if (*p == '*' || *p == '+' || *p == '?') {
		*min = *p == '+' ? 1 : 0;
		*max = *p == '?' ? 1 : -1;
		p++;
	} else if (*p == '{') {
		char *end;
		const char *q = p + 1;

		if (!isdigit((unsigned char)*q))
			return 0;	/* a literal '{' */
		*min = strtol(q, &end, 10);
		*max = *min;
		if (*end == ',') {
			if (isdigit((unsigned char)end[1]))
				*max = strtol(end + 1, &end, 10);
			else {
				*max = -1;
				end++;
			}
		}
		if (*end != '}')
			return 0;
		p = end + 1;
	} else {
		return 0;
	}
	if (*p == '?' || *p == '+')
		p++;
	ps->p = p;
	return 1;
}

/*
 * pf_concat - atoms up to | or ) or the end.  off bounds what the atoms so
 * far can take; the exact strings being built in cur start after at most
 * cur_off.
 */
static struct pf_info
pf_concat(struct pf_parser *ps)
{
	struct pf_set cur = { NULL, NULL, NULL, 0 }, best = { NULL, NULL, NULL, 0 };
	int have_best = 0, exact = 1;
	pf_bound off = pf_b_zero(), cur_off = pf_b_zero(), zero = pf_b_zero();
	unsigned char all[32];
	struct pf_info out;

	memset(all, 0, sizeof(all));
	pf_set_add(&cur, "", 0, &zero, 0);
	while (*ps->p && *ps->p != '|' && *ps->p != ')' && !ps->fail) {
		struct pf_info a = pf_atom(ps);
		long min = 1, max = 1;

		pf_or(all, a.all);
		if (pf_quant(ps, &min, &max) && !(min == 1 && max == 1)) {
			pf_bound one = a.max, every = pf_b_rep(a.max, a.all, max);

			if (min == 0) {
				pf_info_free(&a);
				a.max = every;
			} else if (a.exact) {
				/* "de" "f+" "g": "def" and "fg" are both required */
				struct pf_set x;

				exact = 0;
				if (pf_cross(&cur, &a.set, &x) == 0) {
					pf_set_shift(&x, &cur_off);
					pf_consider(&best, &have_best, &x);
				} else {
					pf_set_shift(&cur, &cur_off);
					pf_consider(&best, &have_best, &cur);
				}
				pf_set_free(&cur);
				cur = a.set;
				/* cur now starts at the last repetition */
				if (max < 0) {
					cur_off = pf_b_add(off, &every);
				} else {
					pf_bound before = pf_b_rep(one, a.all, max - 1);

					cur_off = pf_b_add(off, &before);
				}
				off = pf_b_add(off, &every);
				continue;
			} else {
				/* the first repetition holds a required string where
				 * one repetition would: its bound stands */
				a.exact = 0;
				a.max = every;
			}
		}
		if (a.exact) {
			struct pf_set x;

			if (pf_cross(&cur, &a.set, &x) == 0) {
				pf_set_free(&cur);
				cur = x;
				off = pf_b_add(off, &a.max);
				pf_info_free(&a);
				continue;
			}
			/* too many combinations: keep what we have, start over */
			exact = 0;
			pf_set_shift(&cur, &cur_off);
			pf_consider(&best, &have_best, &cur);
			cur = a.set;
			cur_off = off;
			off = pf_b_add(off, &a.max);
			a.set.s = NULL;
			a.set.pre = NULL;
			a.set.cs = NULL;
			a.set.n = 0;
			continue;
		}
		exact = 0;
		pf_set_shift(&cur, &cur_off);
		pf_consider(&best, &have_best, &cur);
		if (a.has) {
			pf_set_shift(&a.set, &off);
			pf_consider(&best, &have_best, &a.set);
		}
		off = pf_b_add(off, &a.max);
		cur_off = off;
		pf_set_add(&cur, "", 0, &zero, 0);
		pf_info_free(&a);
	}
	memset(&out, 0, sizeof(out));
	out.max = off;
	memcpy(out.all, all, sizeof(all));
	if (exact) {
		out.exact = out.has = 1;
		out.set = cur;
		pf_set_free(&best);
		return out;
	}
	pf_set_shift(&cur, &cur_off);
	pf_consider(&best, &have_best, &cur);
	out.has = have_best && pf_set_minlen(&best) > 0;
	out.set = best;
	if (!out.has)
		pf_set_free(&out.set);
	return out;
}

/* pf_alt - branches separated by | */
static struct pf_info
pf_alt(struct pf_parser *ps)
{
	struct pf_info acc = pf_concat(ps);

	while (*ps->p == '|' && !ps->fail) {
		struct pf_info b;

		ps->p++;
		b = pf_concat(ps);
		acc.max = pf_b_max(acc.max, &b.max);
		pf_or(acc.all, b.all);
		if (!acc.has || !b.has) {
			pf_info_free(&acc);
			pf_info_free(&b);
			/* keep reading to find the end of the group */
			continue;
		}
		for (size_t i = 0; i < b.set.n; i++)
			pf_set_add(&acc.set, b.set.s[i], strlen(b.set.s[i]), &b.set.pre[i],
			    b.set.cs[i]);
		acc.exact = acc.exact && b.exact;
		pf_info_free(&b);
		if (acc.set.n > PREFILTER_MAX_SET)
			pf_info_free(&acc);
	}
	return acc;
}

/* prefilter_literals - see prefilter.h */
int
prefilter_literals(const char *pattern, char ***lits, struct prefilter_bound **pre, size_t *n)
{
	struct pf_parser ps = { pattern, 0, 0, 0 };
	struct pf_info top = pf_alt(&ps);

	*lits = NULL;
	if (pre)
		*pre = NULL;
	*n = 0;
	if (ps.fail || *ps.p != '\0' || !top.has || top.set.n == 0 ||
	    top.set.n > PREFILTER_MAX_SET || pf_set_minweight(&top.set) == 0) {
		pf_info_free(&top);
		return -1;
	}
	*lits = top.set.s;
	if (pre) {
		*pre = lm_xcalloc(top.set.n, sizeof(**pre));
		for (size_t i = 0; i < top.set.n; i++) {
			int any = 0;

			(*pre)[i].fixed = pf_b_budget(&top.set.pre[i]);
			memcpy((*pre)[i].free, top.set.pre[i].free, sizeof((*pre)[i].free));
			for (int k = 0; k < 32; k++)
				any |= (*pre)[i].free[k];
			(*pre)[i].kind = pf_full((*pre)[i].free) ? PREFILTER_ANYWHERE :
			    any ? PREFILTER_WALK : PREFILTER_FIXED;
			(*pre)[i].exact_case = top.set.cs[i];
		}
	}
	free(top.set.cs);
	free(top.set.pre);
	*n = top.set.n;
	return 0;
}

/* prefilter_free - free what prefilter_literals() returned */
void
prefilter_free(char **lits, struct prefilter_bound *pre, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lits[i]);
	free(lits);
	free(pre);
}

/* prefilter_anywhere - may a match start anywhere before the literal? */
int
prefilter_anywhere(const struct prefilter_bound *b)
{
	return b->kind == PREFILTER_ANYWHERE;
}

/* prefilter_start_floor - see prefilter.h */
size_t
prefilter_start_floor(const struct prefilter_bound *b, const char *text, size_t at,
		      size_t floor)
{
	size_t p = at, budget = b->fixed;

	if (b->kind == PREFILTER_FIXED)
		return at > budget ? at - budget : 0;
	if (b->kind == PREFILTER_ANYWHERE)
		return 0;
	/* bytes outside free can only come from the fixed part */
	while (p > floor) {
		unsigned char c = (unsigned char)text[p - 1];

		if (!pf_has(b->free, c)) {
			if (budget == 0)
				break;
			budget--;
		}
		p--;
		if (at - p > PREFILTER_WALK_MAX)
			return 0;
	}
	return p;
}

/* prefilter_walk - see prefilter.h */
size_t
prefilter_walk(const unsigned char *freetab, unsigned long budget, const char *text, size_t at,
	       size_t floor)
{
	size_t p = at, lim = at > PREFILTER_WALK_MAX ? at - PREFILTER_WALK_MAX : 0;

	if (lim < floor)
		lim = floor;
	for (;;) {
		/* free bytes first, one table load each */
		while (p > lim && freetab[(unsigned char)text[p - 1]])
			p--;
		/* at the floor; or as far as a walk goes: anywhere before */
		if (p == lim)
			return lim > floor ? 0 : p;
		if (budget == 0)
			return p;
		budget--;
		p--;
	}
}

/* prefilter_literals_ascii - see prefilter.h */
int
prefilter_literals_ascii(const char *pattern, char ***lits, struct prefilter_bound **pre,
			 size_t *n)
{
	int rc;

	pf_ascii = 1;
	rc = prefilter_literals(pattern, lits, pre, n);
	pf_ascii = 0;
	return rc;
}

/* prefilter_start - see prefilter.h */
size_t
prefilter_start(const struct prefilter_bound *b, const char *text, size_t at)
{
	return prefilter_start_floor(b, text, at, 0);
}

/* prefilter_within - see prefilter.h */
int
prefilter_within(const struct prefilter_bound *a, const struct prefilter_bound *b)
{
	if (a->fixed > b->fixed)
		return 0;
	for (int i = 0; i < 32; i++)
		if (a->free[i] & ~b->free[i])
			return 0;
	return 1;
}
