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

#include "buf.h"
#include "prefilter.h"

#define PF_CROSS_MAX	256	/* exact strings kept through a concatenation */
#define PF_DEPTH_MAX	200	/* group nesting */
#define PF_CHAR_MAX	4	/* bytes of one character, at most */
#define PF_LIT_MAX	3	/* bytes an ASCII letter may match caselessly */

struct pf_set {
	char **s;
	long *pre;		/* most bytes before s[i] in a match, or -1 */
	size_t n;
};

struct pf_info {
	int exact;		/* matches exactly the strings in set */
	int has;		/* set is meaningful (exact or required) */
	long max;		/* most bytes a match takes, or -1: no bound */
	struct pf_set set;
};

struct pf_parser {
	const char *p;
	int depth;
	int fail;		/* syntax we do not analyse */
};

static struct pf_info pf_alt(struct pf_parser *ps);

/* pf_add - a + b for byte bounds, -1 meaning none */
static long
pf_add(long a, long b)
{
	return a < 0 || b < 0 ? -1 : a + b;
}

/* pf_mul - a bound repeated n times (n = -1: without limit) */
static long
pf_mul(long a, long n)
{
	if (a == 0 || n == 0)
		return 0;
	if (a < 0 || n < 0 || a > (1L << 20) || n > (1L << 20))
		return -1;
	return a * n;
}

/* pf_lmax - the larger bound */
static long
pf_lmax(long a, long b)
{
	return a < 0 || b < 0 ? -1 : a > b ? a : b;
}

/* pf_set_free - free a set's strings */
static void
pf_set_free(struct pf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	free(s->pre);
	s->s = NULL;
	s->pre = NULL;
	s->n = 0;
}

/* pf_set_add - add a copy of a string (a duplicate keeps the larger bound) */
static void
pf_set_add(struct pf_set *s, const char *str, size_t len, long pre)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->s[i]) == len && memcmp(s->s[i], str, len) == 0) {
			s->pre[i] = pf_lmax(s->pre[i], pre);
			return;
		}
	s->s = lm_xrealloc(s->s, (s->n + 1) * sizeof(*s->s));
	s->pre = lm_xrealloc(s->pre, (s->n + 1) * sizeof(*s->pre));
	s->pre[s->n] = pre;
	s->s[s->n++] = lm_xstrndup(str, len);
}

/* pf_set_shift - the strings of s follow at most off bytes of the match */
static void
pf_set_shift(struct pf_set *s, long off)
{
	for (size_t i = 0; i < s->n; i++)
		s->pre[i] = pf_add(s->pre[i], off);
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

/* pf_weight - how selective a literal is: its length; 1 if a common word;
 * 0 if too short to use at all */
static size_t
pf_weight(const char *s)
{
	if (strlen(s) < PREFILTER_MIN_LEN)
		return 0;
	for (size_t i = 0; i < sizeof(pf_common) / sizeof(pf_common[0]); i++)
		if (strcmp(s, pf_common[i]) == 0)
			return 1;
	return strlen(s);
}

/* pf_set_minweight - the weight of the least selective string */
static size_t
pf_set_minweight(const struct pf_set *s)
{
	size_t m = (size_t)-1;

	for (size_t i = 0; i < s->n; i++)
		if (pf_weight(s->s[i]) < m)
			m = pf_weight(s->s[i]);
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

/* pf_none - an info with no literal, matching at most max bytes */
static struct pf_info
pf_none(long max)
{
	struct pf_info i = { 0, 0, max, { NULL, NULL, 0 } };

	return i;
}

/* pf_str - an exact info of one string (ASCII, or one character) */
static struct pf_info
pf_str(const char *s, size_t len)
{
	struct pf_info i = { 1, 1, (long)len * PF_LIT_MAX, { NULL, NULL, 0 } };

	pf_set_add(&i.set, s, len, 0);
	return i;
}

/* pf_info_free - release an info (its bound stays) */
static void
pf_info_free(struct pf_info *i)
{
	pf_set_free(&i->set);
	i->has = i->exact = 0;
}

/* pf_set_bounded - does every string have a bound on what precedes it? */
static int
pf_set_bounded(const struct pf_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pre[i] < 0)
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
	out->n = 0;
	for (size_t i = 0; i < a->n; i++)
		for (size_t k = 0; k < b->n; k++) {
			buf_reset(&t);
			buf_puts(&t, a->s[i]);
			buf_puts(&t, b->s[k]);
			pf_set_add(out, buf_str(&t), t.len, a->pre[i]);
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

/* pf_class - skip a [...] character class */
static void
pf_class(struct pf_parser *ps)
{
	const char *p = ps->p + 1;

	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && p[1]) {
			if (p[1] == 'Q') {
				const char *e = strstr(p, "\\E");

				p = e ? e + 2 : p + strlen(p);
				continue;
			}
			p += 2;
			if (*p == '{' && strchr("xpPo", p[-1])) {
				const char *e = strchr(p, '}');

				p = e ? e + 1 : p + strlen(p);
			}
			continue;
		}
		if (*p == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");

			p = e ? e + 2 : p + 1;
			continue;
		}
		p++;
	}
	if (*p != ']')
		ps->fail = 1;
	ps->p = *p ? p + 1 : p;
}

/* pf_escape - an escape sequence after the backslash at ps->p */
static struct pf_info
pf_escape(struct pf_parser *ps)
{
	char c = ps->p[1];

	if (c == '\0') {
		ps->fail = 1;
		ps->p++;
		return pf_none(-1);
	}
	ps->p += 2;
	switch (c) {
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
		return pf_str("", 0);
	case 'd': case 'D': case 's': case 'S': case 'w': case 'W': case 'h': case 'H':
	case 'v': case 'V': case 'R': case 'N': case 'C':
		return pf_none(PF_CHAR_MAX);
	case 'X':
		return pf_none(-1);	/* a grapheme cluster has no length bound */
	case 'p': case 'P':
		if (*ps->p == '{')
			pf_skip_braces(ps);
		else if (*ps->p)
			ps->p++;
		return pf_none(PF_CHAR_MAX);
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
		if (v >= 0x20 && v < 0x7f) {
			char ch = (char)tolower((int)v);

			return pf_str(&ch, 1);
		}
		return pf_none(PF_CHAR_MAX);
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
				return pf_none(pf_mul((long)len, PF_CHAR_MAX));
			}
			buf_putc(&t, tolower((unsigned char)ps->p[k]));
		}
		i = pf_str(buf_str(&t), t.len);
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
		return pf_none(PF_CHAR_MAX);
	case 'o':
		pf_skip_braces(ps);
		return pf_none(PF_CHAR_MAX);
	case 'k': case 'g':
		if (*ps->p == '{' || *ps->p == '<' || *ps->p == '\'') {
			char close = *ps->p == '{' ? '}' : *ps->p == '<' ? '>' : '\'';
			const char *e = strchr(ps->p + 1, close);

			ps->p = e ? e + 1 : ps->p + strlen(ps->p);
		} else {
			while (*ps->p == '-' || isdigit((unsigned char)*ps->p))
				ps->p++;
		}
		return pf_none(-1);	/* a back-reference */
	default:
		break;
	}
	if (isdigit((unsigned char)c)) {
		while (isdigit((unsigned char)*ps->p))
			ps->p++;
		return pf_none(-1);
	}
	if (isalnum((unsigned char)c)) {
		ps->fail = 1;	/* an escape we do not know */
		return pf_none(-1);
	}
	if ((unsigned char)c >= 0x80) {
		while (((unsigned char)*ps->p & 0xC0) == 0x80)
			ps->p++;
		return pf_none(PF_CHAR_MAX);
	}
	{
		char ch = (char)tolower((unsigned char)c);

		return pf_str(&ch, 1);
	}
}

/* pf_group - a parenthesised construct at ps->p */
static struct pf_info
pf_group(struct pf_parser *ps)
{
	const char *p = ps->p + 1;
	int look = 0;
	struct pf_info in;

	if (++ps->depth > PF_DEPTH_MAX) {
		ps->fail = 1;
		return pf_none(-1);
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
				return pf_none(-1);
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
					return pf_none(-1);
				}
				q++;
			}
			if (*q == ')') {
				ps->p = q + 1;
				ps->depth--;
				return pf_str("", 0);
			}
			if (*q != ':') {
				ps->fail = 1;	/* recursion, conditionals, callouts */
				return pf_none(-1);
			}
			p = q + 1;
		}
	}
	ps->p = p;
	in = pf_alt(ps);
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

/* pf_utf8_atom - a non-ASCII character at ps->p: its case variants */
static struct pf_info
pf_utf8_atom(struct pf_parser *ps)
{
	const unsigned char *u = (const unsigned char *)ps->p;
	unsigned long cp;
	size_t len;
	long other;
	char enc[4];
	struct pf_info i;

	if ((u[0] & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
		cp = ((unsigned long)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
		len = 2;
	} else if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
		cp = ((unsigned long)(u[0] & 0x0F) << 12) | ((unsigned long)(u[1] & 0x3F) << 6) |
		     (u[2] & 0x3F);
		len = 3;
	} else {
		ps->p++;
		while (((unsigned char)*ps->p & 0xC0) == 0x80)
			ps->p++;
		return pf_none(PF_CHAR_MAX);
	}
	ps->p += len;
	if ((other = pf_other_case(cp)) < 0)
		return pf_none(PF_CHAR_MAX);
	i = pf_str((const char *)u, len);
	i.max = PF_CHAR_MAX;
	if (other > 0)
		pf_set_add(&i.set, enc, pf_utf8_put((unsigned long)other, enc), 0);
	return i;
}

/* pf_atom - one atom, without its quantifier */
static struct pf_info
pf_atom(struct pf_parser *ps)
{
	unsigned char c = (unsigned char)*ps->p;

	switch (c) {
	case '\\':
		return pf_escape(ps);
	case '[':
		pf_class(ps);
		return pf_none(PF_CHAR_MAX);
	case '(':
		return pf_group(ps);
	case '.':
		ps->p++;
		return pf_none(PF_CHAR_MAX);
	case '^': case '$':
		ps->p++;
		return pf_str("", 0);
	default:
		break;
	}
	if (c >= 0x80)
		return pf_utf8_atom(ps);
	ps->p++;
	{
		char ch = (char)tolower(c);

		return pf_str(&ch, 1);
	}
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
 * pf_concat - atoms up to | or ) or the end.  off is the most bytes the
 * atoms so far can take; the exact strings being built in cur start at
 * most cur_off bytes into the concatenation.
 */
static struct pf_info
pf_concat(struct pf_parser *ps)
{
	struct pf_set cur = { NULL, NULL, 0 }, best = { NULL, NULL, 0 };
	int have_best = 0, exact = 1;
	long off = 0, cur_off = 0;
	struct pf_info out;

	pf_set_add(&cur, "", 0, 0);
	while (*ps->p && *ps->p != '|' && *ps->p != ')' && !ps->fail) {
		struct pf_info a = pf_atom(ps);
		long min = 1, max = 1;

		if (pf_quant(ps, &min, &max) && !(min == 1 && max == 1)) {
			long one = a.max, all = pf_mul(a.max, max);

			if (min == 0) {
				pf_info_free(&a);
				a = pf_none(all);
			} else if (a.exact) {
				/* "de" "f+" "g": "def" and "fg" are both required */
				struct pf_set x;

				exact = 0;
				if (pf_cross(&cur, &a.set, &x) == 0) {
					pf_set_shift(&x, cur_off);
					pf_consider(&best, &have_best, &x);
				} else {
					pf_set_shift(&cur, cur_off);
					pf_consider(&best, &have_best, &cur);
				}
				pf_set_free(&cur);
				cur = a.set;
				/* cur now starts at the last repetition */
				off = pf_add(off, all);
				cur_off = off < 0 || one < 0 ? -1 : off - one;
				continue;
			} else {
				/* the first repetition holds a required string where
				 * one repetition would: its bound stands */
				a.exact = 0;
				a.max = all;
			}
		}
		if (a.exact) {
			struct pf_set x;

			if (pf_cross(&cur, &a.set, &x) == 0) {
				pf_set_free(&cur);
				cur = x;
				off = pf_add(off, a.max);
				pf_info_free(&a);
				continue;
			}
			/* too many combinations: keep what we have, start over */
			exact = 0;
			pf_set_shift(&cur, cur_off);
			pf_consider(&best, &have_best, &cur);
			cur = a.set;
			cur_off = off;
			off = pf_add(off, a.max);
			a.set.s = NULL;
			a.set.pre = NULL;
			a.set.n = 0;
			continue;
		}
		exact = 0;
		pf_set_shift(&cur, cur_off);
		pf_consider(&best, &have_best, &cur);
		if (a.has) {
			pf_set_shift(&a.set, off);
			pf_consider(&best, &have_best, &a.set);
		}
		off = pf_add(off, a.max);
		cur_off = off;
		pf_set_add(&cur, "", 0, 0);
		pf_info_free(&a);
	}
	if (exact) {
		out.exact = out.has = 1;
		out.max = off;
		out.set = cur;
		pf_set_free(&best);
		return out;
	}
	pf_set_shift(&cur, cur_off);
	pf_consider(&best, &have_best, &cur);
	out.exact = 0;
	out.max = off;
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
		acc.max = pf_lmax(acc.max, b.max);
		if (!acc.has || !b.has) {
			pf_info_free(&acc);
			pf_info_free(&b);
			/* keep reading to find the end of the group */
			continue;
		}
		for (size_t i = 0; i < b.set.n; i++)
			pf_set_add(&acc.set, b.set.s[i], strlen(b.set.s[i]), b.set.pre[i]);
		acc.exact = acc.exact && b.exact;
		pf_info_free(&b);
		if (acc.set.n > PREFILTER_MAX_SET)
			pf_info_free(&acc);
	}
	return acc;
}

/* prefilter_literals - see prefilter.h */
int
prefilter_literals(const char *pattern, char ***lits, long **pre, size_t *n)
{
	struct pf_parser ps = { pattern, 0, 0 };
	struct pf_info top = pf_alt(&ps);

	*lits = NULL;
	if (pre)
		*pre = NULL;
	*n = 0;
	if (ps.fail || *ps.p != '\0' || !top.has || top.set.n == 0 ||
	    top.set.n > PREFILTER_MAX_SET || pf_set_minlen(&top.set) < PREFILTER_MIN_LEN) {
		pf_info_free(&top);
		return -1;
	}
	*lits = top.set.s;
	if (pre)
		*pre = top.set.pre;
	else
		free(top.set.pre);
	*n = top.set.n;
	return 0;
}

/* prefilter_free - free what prefilter_literals() returned */
void
prefilter_free(char **lits, long *pre, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lits[i]);
	free(lits);
	free(pre);
}
