/*
 * rules - rule and list files -> an immutable, refcounted ruleset
 *
 * DESCRIPTION  rules_load() reads the line-oriented rule language of
 *              rules/README.md from a file, a directory (its *.rules files
 *              in name order) or the rules compiled into the binary, and
 *              builds a struct ruleset (rules_int.h): lists, fields,
 *              criteria, tags, disqualifiers, decisions, zone markers,
 *              rules with JIT-compiled PCRE2 patterns, and the `when`
 *              policy statements as condition trees.
 * LIMITS       No matching here: engine.c runs the set.
 * DIAGNOSTICS  Every error fills struct lm_err with file, line, column and
 *              cause; loading is all or nothing (the half-built set is
 *              freed and *out is untouched).
 * SEE ALSO     engine(3), rules/README.md
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

#include "buf.h"
#include "hsbuild.h"
#include "log.h"
#include "prefilter.h"
#include "rules_int.h"
#include "rules_embed.h"

#define RULES_MAX_INCLUDE	16	/* include nesting */
#define RULES_MAX_TOKENS	256	/* tokens in one statement */
#define RULES_MAX_FILE		(4 * 1024 * 1024)

/* One token of a logical line. */
struct rules_tok {
	char *s;		/* NUL-terminated copy; regex body for patterns */
	char *flags;		/* pattern flags, "" if none; NULL: not a pattern */
	unsigned line, col;	/* physical position of its first byte */
};

/* A logical line: one statement with its continuation lines. */
struct rules_stmt {
	struct rules_tok tok[RULES_MAX_TOKENS];
	int ntok;
	unsigned line;
};

struct rules_loader {
	struct ruleset *rs;
	struct lm_err *err;
	const char *root;	/* directory, or NULL for embedded */
	int depth;
	int dup_rule_names;
};

static int rules_load_file(struct rules_loader *ld, const char *path);

/* rules_strdup_printf - malloc'd formatted string */
static char *
rules_strdup_printf(const char *fmt, ...) LM_PRINTF(1, 2);

static char *
rules_strdup_printf(const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	char tmp[1024];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_puts(&b, tmp);
	return buf_steal(&b);
}

/* rules_grow - make room for one more element in a dynamic array */
static void *
rules_grow(void *arr, size_t n, size_t sz)
{
	/* grow in powers of two: n is the current count */
	if (n == 0 || (n & (n - 1)) == 0)
		arr = lm_xrealloc(arr, (n ? n * 2 : 1) * sz);
	return arr;
}

/* rules_read - read a file from disk or from the embedded set */
static int
rules_read(struct rules_loader *ld, const char *path, char **data, size_t *len)
{
	if (ld->root == NULL) {
		for (const struct rules_embed_file *f = rules_embedded; f->name; f++)
			if (strcmp(f->name, path) == 0) {
				*data = lm_xstrndup(f->data, f->len);
				*len = f->len;
				return 0;
			}
		return LM_ENOTFOUND;
	}

	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;

	if (fp == NULL)
		return LM_EIO;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > RULES_MAX_FILE) {
			fclose(fp);
			buf_free(&b);
			return LM_ELIMIT;
		}
		buf_append(&b, chunk, n);
	}
	if (ferror(fp)) {
		fclose(fp);
		buf_free(&b);
		return LM_EIO;
	}
	fclose(fp);
	*len = b.len;
	*data = buf_steal(&b);
	return 0;
}

/* rules_relpath - resolve name relative to the directory of file */
static char *
rules_relpath(const char *file, const char *name)
{
	const char *slash;

	if (name[0] == '/')
		return lm_xstrdup(name);
	slash = strrchr(file, '/');
	if (slash == NULL)
		return lm_xstrdup(name);
	return rules_strdup_printf("%.*s/%s", (int)(slash - file), file, name);
}

/* rules_valid_name - lower case [a-z0-9-_] names */
static int
rules_valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		      *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* rules_fail - record an error at a token */
static int
rules_fail(struct rules_loader *ld, const char *file, const struct rules_tok *t,
	   unsigned line, const char *fmt, ...) LM_PRINTF(5, 6);

static int
rules_fail(struct rules_loader *ld, const char *file, const struct rules_tok *t,
	   unsigned line, const char *fmt, ...)
{
	char msg[LM_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lm_err_set(ld->err, file, t ? t->line : line, t ? t->col : 0, "%s", msg);
	return LM_ESYNTAX;
}

/* rules_stmt_free - free a statement's tokens */
static void
rules_stmt_free(struct rules_stmt *st)
{
	for (int i = 0; i < st->ntok; i++) {
		free(st->tok[i].s);
		free(st->tok[i].flags);
	}
	st->ntok = 0;
}

/*
 * rules_tokenize - split the text from *pos into one statement
 *
 * A statement is a line plus following lines that start with white space.
 * Returns 1 when a statement was read, 0 at end of text, <0 on error.
 */
static int
rules_tokenize(struct rules_loader *ld, const char *file, const char *text,
	       size_t len, size_t *pos, unsigned *lineno, struct rules_stmt *st)
{
	size_t p = *pos;
	unsigned line = *lineno;
	size_t bol = p;		/* beginning of the current physical line */
	int started = 0;

	st->ntok = 0;
	st->line = 0;
	while (p < len) {
		char c = text[p];

		if (c == '\n') {
			/* does the next line continue this statement? */
			size_t q = p + 1;

			if (started && q < len && (text[q] == ' ' || text[q] == '\t')) {
				size_t r = q;

				while (r < len && (text[r] == ' ' || text[r] == '\t'))
					r++;
				if (r < len && text[r] != '\n' && text[r] != '#') {
					p = q;
					bol = q;
					line++;
					continue;
				}
			}
			p++;
			line++;
			bol = p;
			if (started)
				break;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
			continue;
		}
		if (c == '#') {
			while (p < len && text[p] != '\n')
				p++;
			continue;
		}
		if (!started) {
			if (p != bol) {
				struct rules_tok t = { NULL, NULL, line, (unsigned)(p - bol + 1) };

				return rules_fail(ld, file, &t, 0,
				    "statement must start at the beginning of a line");
			}
			started = 1;
			st->line = line;
		}
		if (st->ntok == RULES_MAX_TOKENS) {
			struct rules_tok t = { NULL, NULL, line, (unsigned)(p - bol + 1) };

			return rules_fail(ld, file, &t, 0, "too many words in one statement (max %d)",
			    RULES_MAX_TOKENS);
		}
		struct rules_tok *t = &st->tok[st->ntok];

		t->line = line;
		t->col = (unsigned)(p - bol + 1);
		t->flags = NULL;
		if (c == '/') {
			struct buf b = BUF_INIT;
			size_t q = p + 1;

			while (q < len && text[q] != '/' && text[q] != '\n') {
				if (text[q] == '\\' && q + 1 < len && text[q + 1] == '/') {
					buf_putc(&b, '/');
					q += 2;
					continue;
				}
				if (text[q] == '\\' && q + 1 < len && text[q + 1] != '\n') {
					buf_append(&b, text + q, 2);
					q += 2;
					continue;
				}
				buf_putc(&b, text[q]);
				q++;
			}
			if (q >= len || text[q] != '/') {
				buf_free(&b);
				return rules_fail(ld, file, t, 0, "pattern has no closing /");
			}
			q++;
			size_t f = q;

			while (q < len && isalpha((unsigned char)text[q]))
				q++;
			t->s = buf_steal(&b);
			t->flags = lm_xstrndup(text + f, q - f);
			st->ntok++;
			p = q;
			continue;
		}
		if (c == '(' || c == ')') {
			t->s = lm_xstrndup(text + p, 1);
			st->ntok++;
			p++;
			continue;
		}
		size_t q = p;

		while (q < len && !isspace((unsigned char)text[q]) && text[q] != ')' &&
		    !(text[q] == '(' && q == p))
			q++;
		t->s = lm_xstrndup(text + p, q - p);
		st->ntok++;
		p = q;
	}
	*pos = p;
	*lineno = line;
	return started ? 1 : 0;
}

/* rules_find_named - index of name in a named array, or -1 */
static int
rules_find_named(const struct rules_named *a, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* rules_field_index - index of a field by name, or -1 */
int
rules_field_index(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nfields; i++)
		if (strcmp(rs->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* rules_list_index - index of a list by name, or -1 */
static int
rules_list_index(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nlists; i++)
		if (strcmp(rs->lists[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* rules_name_taken - is name already declared as anything? */
static const char *
rules_name_taken(const struct ruleset *rs, const char *name)
{
	if (rules_find_named(rs->crits, rs->ncrits, name) >= 0)
		return "criterion";
	if (rules_find_named(rs->tags, rs->ntags, name) >= 0)
		return "tag";
	if (rules_find_named(rs->disqs, rs->ndisqs, name) >= 0)
		return "disqualifier";
	if (rules_find_named(rs->decisions, rs->ndecisions, name) >= 0)
		return "decision";
	if (rules_field_index(rs, name) >= 0)
		return "field";
	return NULL;
}

/* rules_regex_escape - a literal list entry as a regex: white space runs
 * match any white space run */
static void
rules_regex_escape(const char *s, struct buf *out)
{
	int inspace = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			if (!inspace)
				buf_puts(out, "\\s+");
			inspace = 1;
			continue;
		}
		inspace = 0;
		if (strchr("\\^$.|?*+()[]{}/#-", *s))
			buf_putc(out, '\\');
		buf_putc(out, *s);
	}
}

/* rules_trim - trim white space in place */
static char *
rules_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* rules_cmp_entry_len - sort entries longest first for alternations */
static int
rules_cmp_entry_len(const void *a, const void *b)
{
	const struct rules_entry *x = a, *y = b;
	size_t lx = strlen(x->re_src), ly = strlen(y->re_src);

	return lx < ly ? 1 : lx > ly ? -1 : strcmp(x->re_src, y->re_src);
}

/* rules_compile - compile one pattern with the project's options and extra */
static pcre2_code *
rules_compile(const char *src, const char *flags, uint32_t extra, int *errcode,
	      PCRE2_SIZE *erroff)
{
	uint32_t opt = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS | PCRE2_MULTILINE |
	    extra;

	for (const char *f = flags ? flags : ""; *f; f++) {
		switch (*f) {
		case 'c': opt &= ~PCRE2_CASELESS; break;
		case 'i': opt |= PCRE2_CASELESS; break;
		case 's': opt |= PCRE2_DOTALL; break;
		case 'x': opt |= PCRE2_EXTENDED; break;
		case 'm': opt |= PCRE2_MULTILINE; break;
		default:
			*errcode = -1;
			*erroff = (PCRE2_SIZE)(f - flags);
			return NULL;
		}
	}
	return pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opt, errcode,
	    erroff, NULL);
}

/*
 * rules_entry_lead - the first character every match of an entry starts
 * with: 1 and *c (lower case) for an ASCII letter, 2 and *c for another
 * ASCII character, 3 for a multi-byte one; 0 when it cannot be told (a
 * re: entry that starts with a group, a class, an optional character or
 * has a top-level |).  The Kelvin sign and the long s match k and s
 * caselessly, so they cannot be told apart from them either.
 */
static int
rules_entry_lead(const struct rules_entry *e, char *c)
{
	const unsigned char *s = (const unsigned char *)e->re_src;

	if (strncmp(e->text, "re:", 3) == 0) {
		int depth = 0;

		if (!isalnum(s[0]) || (s[1] && strchr("?*{", s[1])))
			return 0;
		for (const unsigned char *p = s; *p; p++) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '[')
				return 0;	/* classes may hold '|' or ')': keep it simple */
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			else if (*p == '|' && depth == 0)
				return 0;
		}
	} else if (s[0] == '\\' && s[1]) {
		*c = (char)s[1];
		return s[1] < 0x80 && !isalnum(s[1]) ? 2 : 0;
	}
	if (s[0] >= 0x80) {
		/* U+212A is e2 84 aa, U+017F is c5 bf */
		if ((s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa) || (s[0] == 0xc5 && s[1] == 0xbf))
			return 0;
		return 3;
	}
	if (isalpha(s[0])) {
		*c = (char)tolower(s[0]);
		return 1;
	}
	*c = (char)s[0];
	return s[0] ? 2 : 0;
}

/*
 * rules_list_alt - the alternation of a list's entries, in the order given
 * (longest first).  PCRE2 tries every branch at every position; branches
 * that start with different characters can never match at the same
 * position, so grouping them by first character behind a one-character
 * lookahead ("(?=[mM])(?:manager|marketing|...)") changes no match and
 * fails most positions in one test per group instead of one per entry.
 * An entry whose first character cannot be told stays where it is, and
 * the groups on either side of it do not mix.
 */
static void
rules_list_alt(const struct rules_entry *e, size_t n, int grouped, struct buf *alt)
{
	unsigned char *done = lm_xcalloc(n + 1, 1);
	int *kind = lm_xcalloc(n + 1, sizeof(*kind));
	char *lead = lm_xcalloc(n + 1, 1);
	int first = 1;

	for (size_t i = 0; i < n; i++)
		kind[i] = grouped ? rules_entry_lead(&e[i], &lead[i]) : 0;
	buf_puts(alt, "(?:");
	for (size_t i = 0; i < n; i++) {
		size_t end, members = 0;

		if (done[i])
			continue;
		if (!first)
			buf_putc(alt, '|');
		first = 0;
		if (kind[i] == 0) {
			buf_puts(alt, e[i].re_src);
			done[i] = 1;
			continue;
		}
		/* the group of entry i: same lead, up to the next barrier */
		for (end = i; end < n && kind[end] != 0; end++)
			if (!done[end] && kind[end] == kind[i] && lead[end] == lead[i])
				members++;
		if (members > 1) {
			if (kind[i] == 1)
				buf_printf(alt, "(?=[%c%c])(?:", lead[i], toupper((unsigned char)lead[i]));
			else if (kind[i] == 2)
				buf_printf(alt, "(?=\\%c)(?:", lead[i]);
			else
				buf_puts(alt, "(?=[^\\x00-\\x7f])(?:");
		}
		members = 0;
		for (size_t k = i; k < end; k++) {
			if (done[k] || kind[k] != kind[i] || lead[k] != lead[i])
				continue;
			if (members++)
				buf_putc(alt, '|');
			buf_puts(alt, e[k].re_src);
			done[k] = 1;
		}
		if (members > 1)
			buf_putc(alt, ')');
	}
	buf_putc(alt, ')');
	free(done);
	free(kind);
	free(lead);
}

/*
 * Branch grouping for whole patterns (rules_group_branches): the same
 * idea as rules_list_alt() for the alternations a rule writes itself.
 * A branch's leads are the ASCII letters a match of it may start with,
 * after any \b and lookbehinds (rg_lead).  A lookahead [xX] placed where
 * a branch starting with x starts accepts whatever x accepts there
 * (caseless or not, Kelvin sign and long s included), and no character
 * matches two different letters, so branches whose leads do not meet
 * never match at the same position and may trade places.  Each branch
 * with one lead gathers the later ones with the same lead, behind one
 * lookahead, in their order, up to a branch that may start with that
 * letter and another or that cannot be told: no match and no capture
 * changes.  A branch that holds a capturing group (its number would
 * change) or any group other than (?: (?> and assertions (option
 * settings reach the branches after them) cannot be told.  Assertions
 * are copied as they are: a lookbehind must keep its fixed-length
 * branches.
 */

/* rg_class_end - p at '[': just past the class */
static const char *
rg_class_end(const char *p, const char *end)
{
	p++;
	if (p < end && *p == '^')
		p++;
	if (p < end && *p == ']')
		p++;
	while (p < end && *p != ']') {
		if (*p == '\\' && p + 1 < end) {
			p += 2;
		} else if (*p == '[' && p + 1 < end && p[1] == ':') {
			const char *q = p + 2;

			while (q + 1 < end && !(q[0] == ':' && q[1] == ']'))
				q++;
			p = q + 1 < end ? q + 2 : q + 1;
		} else {
			p++;
		}
	}
	return p < end ? p + 1 : end;
}

/* rg_group_end - p at '(': just past its ')' */
static const char *
rg_group_end(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		if (*p == '\\' && p + 1 < end) {
			p += 2;
			continue;
		}
		if (*p == '[') {
			p = rg_class_end(p, end);
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
		p++;
	}
	return end;
}

/* rg_next - past one element of a branch: an escape, a class, a group or
 * a character */
static const char *
rg_next(const char *p, const char *end)
{
	if (*p == '\\' && p + 1 < end)
		return p + 2;
	if (*p == '[')
		return rg_class_end(p, end);
	if (*p == '(')
		return rg_group_end(p, end);
	return p + 1;
}

/* rg_is_assert - p at '(': a lookahead or lookbehind */
static int
rg_is_assert(const char *p, const char *end)
{
	return end - p > 2 && p[1] == '?' && (p[2] == '=' || p[2] == '!' ||
	    (end - p > 3 && p[2] == '<' && (p[3] == '=' || p[3] == '!')));
}

/* rg_movable - a branch holds only groups that may move: (?: (?> and
 * assertions */
static int
rg_movable(const char *b, const char *e)
{
	for (const char *p = b; p < e; p++) {
		if (*p == '\\' && p + 1 < e) {
			p++;
			continue;
		}
		if (*p == '[') {
			p = rg_class_end(p, e) - 1;
			continue;
		}
		if (*p == '(' && !(e - p > 2 && p[1] == '?' && (p[2] == ':' || p[2] == '>')) &&
		    !rg_is_assert(p, e))
			return 0;
	}
	return 1;
}

static uint32_t rg_lead_alt(const char *b, const char *e);

/*
 * rg_lead - the letters every match of branch [b, e) may start with, one
 * bit per letter a..z, or 0 when that cannot be told: a letter not made
 * optional, a (?:...) whose branches all can be told (their union), or
 * a lookahead [xX] as rules_list_alt() and rg_alt() write them.
 */
static uint32_t
rg_lead(const char *b, const char *e)
{
	const char *p = b, *next;
	uint32_t lead;

	/* zero-width things that look back */
	for (;;) {
		if (e - p > 1 && p[0] == '\\' && p[1] == 'b')
			p += 2;
		else if (p < e && *p == '(' && rg_is_assert(p, e) && p[2] == '<')
			p = rg_group_end(p, e);
		else
			break;
	}
	if (p >= e)
		return 0;
	if (e - p > 7 && strncmp(p, "(?=[", 4) == 0 && isalpha((unsigned char)p[4]) &&
	    (unsigned char)p[4] < 0x80 && p[5] == toupper((unsigned char)p[4]) &&
	    p[6] == ']' && p[7] == ')' && islower((unsigned char)p[4]))
		return 1u << (p[4] - 'a');
	if (isalpha((unsigned char)*p) && (unsigned char)*p < 0x80) {
		lead = 1u << (tolower((unsigned char)*p) - 'a');
		next = p + 1;
	} else if (e - p > 2 && p[0] == '(' && p[1] == '?' && p[2] == ':') {
		next = rg_group_end(p, e);
		if (next[-1] != ')' || (lead = rg_lead_alt(p + 3, next - 1)) == 0)
			return 0;
	} else {
		return 0;
	}
	/* a quantifier that may take none of it (any {} to keep it simple) */
	if (next < e && (*next == '?' || *next == '*' || *next == '{'))
		return 0;
	return lead;
}

/* rg_lead_alt - the letters the branches of [b, e) may start with, or 0
 * when one of them cannot be told */
static uint32_t
rg_lead_alt(const char *b, const char *e)
{
	uint32_t lead = 0;
	const char *p = b, *start = b;

	for (;;) {
		if (p >= e || *p == '|') {
			uint32_t l = rg_lead(start, p);

			if (l == 0)
				return 0;
			lead |= l;
			if (p >= e)
				return lead;
			start = ++p;
			continue;
		}
		p = rg_next(p, e);
	}
}

static void rg_alt(const char *b, const char *e, uint32_t known, struct buf *out);

/* rg_branch - copy a branch, grouping inside its (?: (?> and capturing
 * groups */
static void
rg_branch(const char *b, const char *e, struct buf *out)
{
	uint32_t known = 0;	/* the letter a lookahead just before asserts */

	for (const char *p = b; p < e; known = 0) {
		const char *q = rg_next(p, e), *body;

		/* (?=[xX]) as rules_list_alt() writes it: x is known next */
		if (q - p == 8 && strncmp(p, "(?=[", 4) == 0 && rg_lead(p, e) != 0) {
			buf_append(out, p, 8);
			known = rg_lead(p, e);
			p = q;
			if (p >= e || *p != '(')
				continue;
			q = rg_next(p, e);
		}

		if (*p != '(' || q[-1] != ')' || rg_is_assert(p, e) ||
		    (p + 1 < e && p[1] == '*')) {
			buf_append(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (p[1] != '?')
			body = p + 1;				/* ( */
		else if (p[2] == ':' || p[2] == '>')
			body = p + 3;				/* (?: (?> */
		else if (p[2] == '<' || p[2] == '\'' || (p[2] == 'P' && p[3] == '<')) {
			/* (?<name> (?'name' (?P<name> */
			body = p + 3;
			while (body < q && *body != '>' && *body != '\'')
				body++;
			body++;
		} else {
			body = NULL;				/* options and the rest */
		}
		if (body == NULL || body > q - 1) {
			buf_append(out, p, (size_t)(q - p));
		} else {
			buf_append(out, p, (size_t)(body - p));
			rg_alt(body, q - 1, known, out);
			buf_putc(out, ')');
		}
		p = q;
	}
}

/* rg_alt - copy an alternation, branches grouped by lead; a lookahead
 * before it already asserts the letter known (or 0) */
static void
rg_alt(const char *b, const char *e, uint32_t known, struct buf *out)
{
	const char **bs, **be;
	uint32_t *lead;
	unsigned char *done;
	size_t n = 1;
	const char *p = b, *start = b;

	for (p = b; p < e; p = *p == '|' ? p + 1 : rg_next(p, e))
		n += *p == '|';
	bs = lm_xcalloc(n, sizeof(*bs));
	be = lm_xcalloc(n, sizeof(*be));
	lead = lm_xcalloc(n, sizeof(*lead));
	done = lm_xcalloc(n, 1);
	n = 0;
	for (p = b;;) {
		if (p >= e || *p == '|') {
			bs[n] = start;
			be[n] = p;
			lead[n] = rg_movable(start, p) ? rg_lead(start, p) : 0;
			done[n++] = 0;
			if (p >= e)
				break;
			start = ++p;
			continue;
		}
		p = rg_next(p, e);
	}
	for (size_t i = 0; i < n; i++) {
		size_t end, members = 0;
		int c, wrap;

		if (done[i])
			continue;
		if (i > 0)
			buf_putc(out, '|');
		/* one letter: its group; none or several: the branch alone */
		if (lead[i] == 0 || (lead[i] & (lead[i] - 1)) != 0) {
			rg_branch(bs[i], be[i], out);
			done[i] = 1;
			continue;
		}
		/* the group reaches up to a branch that may start with the same
		 * letter and another, or that cannot be told */
		for (end = i; end < n; end++) {
			if (done[end])
				continue;
			if (lead[end] == lead[i])
				members++;
			else if (lead[end] == 0 || (lead[end] & lead[i]) != 0)
				break;
		}
		for (c = 0; !(lead[i] & (1u << c)); c++)
			;
		/* a lookahead for the letter already asserted: gathered, no second */
		wrap = members > 1 && lead[i] != known;
		if (wrap)
			buf_printf(out, "(?=[%c%c])(?:", 'a' + c, 'A' + c);
		members = 0;
		for (size_t k = i; k < end; k++) {
			if (done[k] || lead[k] != lead[i])
				continue;
			if (members++)
				buf_putc(out, '|');
			rg_branch(bs[k], be[k], out);
			done[k] = 1;
		}
		if (wrap)
			buf_putc(out, ')');
	}
	free(bs);
	free(be);
	free(lead);
	free(done);
}

/*
 * rules_group_branches - src with the branches of its alternations
 * grouped by lead (above), or NULL to compile src as it is: extended
 * mode (white space and comments), \Q...\E and LEADMILTER_PLAIN_LISTS=1
 * (the tests that show grouping changes nothing) are left alone.
 */
char *
rules_group_branches(const char *src, const char *flags)
{
	struct buf out = BUF_INIT;
	const char *p = src, *end = src + strlen(src);

	if ((flags && strchr(flags, 'x')) || strstr(src, "\\Q") || strstr(src, "(?x") ||
	    strstr(src, "(?^") || getenv("LEADMILTER_PLAIN_LISTS") != NULL)
		return NULL;
	/* start-of-pattern verbs: (*UCP) and the like */
	while (end - p > 1 && p[0] == '(' && p[1] == '*') {
		const char *q = strchr(p, ')');

		if (q == NULL)
			return NULL;
		p = q + 1;
	}
	buf_append(&out, src, (size_t)(p - src));
	rg_alt(p, end, 0, &out);
	if (strcmp(buf_str(&out), src) == 0) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}

/* rules_map_norm - see rules_int.h: ASCII text lower-cased with white space
 * runs as one space, as map: lookups compare it; NULL if not all ASCII */
char *
rules_map_norm(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	int inspace = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || c == 0) {
			buf_free(&b);
			return NULL;
		}
		/* what \s matches without (*UCP) */
		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			if (!inspace)
				buf_putc(&b, ' ');
			inspace = 1;
			continue;
		}
		inspace = 0;
		buf_putc(&b, tolower(c));
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_steal(&b);
}

/* rules_load_list - read one list file */
static int
rules_load_list(struct rules_loader *ld, const char *decl_file,
		const struct rules_stmt *st, struct rules_list *l)
{
	char *data = NULL;
	size_t len = 0;
	int rc;
	unsigned lineno = 0;
	struct buf alt = BUF_INIT;

	rc = rules_read(ld, l->file, &data, &len);
	if (rc != 0)
		return rules_fail(ld, decl_file, &st->tok[2], 0, "cannot read list %s: %s",
		    l->file, rc == LM_ENOTFOUND ? "no such file" : lm_strerror(rc));
	for (char *line = data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strstr(line, " #");

		if (line[0] == '#')
			continue;
		if (hash)
			*hash = '\0';
		char *s = rules_trim(line);

		if (!*s)
			continue;
		char *val = strstr(s, "=>");
		struct rules_entry e = { 0 };

		if (val) {
			*val = '\0';
			e.value = lm_xstrdup(rules_trim(val + 2));
			s = rules_trim(s);
			if (!*e.value || !*s) {
				free(e.value);
				lm_err_set(ld->err, l->file, lineno, 1, "empty entry or value around =>");
				rc = LM_ESYNTAX;
				goto out;
			}
		}
		e.text = lm_xstrdup(s);
		if (strncmp(s, "re:", 3) == 0) {
			int ec;
			PCRE2_SIZE off;
			pcre2_code *re;

			e.re_src = lm_xstrdup(rules_trim(s + 3));
			re = rules_compile(e.re_src, "", 0, &ec, &off);
			if (re == NULL) {
				PCRE2_UCHAR msg[256];

				pcre2_get_error_message(ec, msg, sizeof(msg));
				lm_err_set(ld->err, l->file, lineno, (unsigned)off + 4,
				    "bad pattern: %s", (char *)msg);
				free(e.text);
				free(e.value);
				free(e.re_src);
				rc = LM_ESYNTAX;
				goto out;
			}
			pcre2_code_free(re);
		} else {
			struct buf b = BUF_INIT;

			rules_regex_escape(s, &b);
			e.re_src = buf_steal(&b);
			e.norm = rules_map_norm(s, strlen(s));
		}
		l->e = rules_grow(l->e, l->n, sizeof(*l->e));
		l->e[l->n++] = e;
	}
	if (l->n == 0) {
		lm_err_set(ld->err, l->file, 0, 0, "list %s is empty", l->name);
		rc = LM_ESYNTAX;
		goto out;
	}
	{
		/* the alternation is sorted; keep entry order for lookups */
		struct rules_entry *sorted = lm_xmalloc(l->n * sizeof(*sorted));

		memcpy(sorted, l->e, l->n * sizeof(*sorted));
		qsort(sorted, l->n, sizeof(*sorted), rules_cmp_entry_len);
		/* LEADMILTER_PLAIN_LISTS=1: one flat alternation, for the tests
		 * that show grouping changes nothing */
		rules_list_alt(sorted, l->n, getenv("LEADMILTER_PLAIN_LISTS") == NULL, &alt);
		free(sorted);
		l->alt = buf_steal(&alt);
	}
	rc = 0;
out:
	buf_free(&alt);
	free(data);
	return rc;
}

/* rules_expand - replace %{list} in a pattern */
static int
rules_expand(struct rules_loader *ld, const char *file, const struct rules_tok *t,
	     struct buf *out)
{
	const char *s = t->s;

	buf_reset(out);
	while (*s) {
		if (s[0] == '%' && s[1] == '{') {
			const char *e = strchr(s, '}');

			if (e == NULL) {
				struct rules_tok at = *t;

				at.col += (unsigned)(s - t->s) + 1;
				return rules_fail(ld, file, &at, 0, "%%{ without closing }");
			}
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)(e - s - 2), s + 2);
			int li = rules_list_index(ld->rs, name);

			if (li < 0) {
				struct rules_tok at = *t;

				at.col += (unsigned)(s - t->s) + 1;
				return rules_fail(ld, file, &at, 0, "unknown list \"%s\"", name);
			}
			ld->rs->lists[li].used = 1;
			buf_puts(out, ld->rs->lists[li].alt);
			s = e + 1;
			continue;
		}
		if (s[0] == '\\' && s[1]) {
			buf_append(out, s, 2);
			s += 2;
			continue;
		}
		buf_putc(out, *s++);
	}
	return 0;
}

/*
 * rules_compact - the pattern for PCRE2, where a big list used more than
 * once in it is written once: each use becomes a subroutine call
 * "(?&_lmN)" and the list a group "(?<_lmN>...)" in a "(?(DEFINE)...)"
 * at the end.  The JIT writes a list's code once instead of at each use:
 * the title rules use three lists three times each, and their code was
 * most of the 4 MB of JIT code of the default rules.  Matches are the
 * same: since PCRE2 10.30 a subroutine call backtracks as the group
 * would, and the lists hold no capture.  The definitions come after
 * every group of the rule, so its group numbers stay as written; *ndef
 * says how many were added.  Options are those at the end of the
 * pattern, so a pattern that sets options inline ("(?i)", "(?-i:...)")
 * is left alone; and the prefilter reads the expanded source (xsrc),
 * which it understands.  0 and *ndef = 0: nothing to compact.
 */
#define RULES_COMPACT_MIN	256	/* bytes of a list worth a call */

static int
rules_compact(struct rules_loader *ld, const struct rules_tok *t, struct buf *out,
	      uint32_t *ndef)
{
	const char *s;
	int *uses, li, want = 0;
	size_t nl = ld->rs->nlists;

	*ndef = 0;
	buf_reset(out);
	if (nl == 0 || getenv("LEADMILTER_NO_COMPACT") != NULL)
		return 0;
	/* inline options would not reach the definitions */
	for (s = t->s; (s = strstr(s, "(?")) != NULL; s += 2)
		if (s[2] != '\0' && strchr("imnsxJU^-", s[2]) != NULL)
			return 0;
	uses = lm_xcalloc(nl, sizeof(*uses));
	for (s = t->s; *s; s++) {
		const char *e;
		char name[128];

		if (s[0] == '\\' && s[1]) {
			s++;
			continue;
		}
		if (s[0] != '%' || s[1] != '{' || (e = strchr(s, '}')) == NULL)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(e - s - 2), s + 2);
		if ((li = rules_list_index(ld->rs, name)) >= 0
		    && strlen(ld->rs->lists[li].alt) >= RULES_COMPACT_MIN
		    && ++uses[li] == 2)
			want++;
		s = e;
	}
	if (want == 0) {
		free(uses);
		return 0;
	}
	for (s = t->s; *s; ) {
		const char *e;
		char name[128];

		if (s[0] == '\\' && s[1]) {
			buf_append(out, s, 2);
			s += 2;
			continue;
		}
		if (s[0] == '%' && s[1] == '{' && (e = strchr(s, '}')) != NULL) {
			snprintf(name, sizeof(name), "%.*s", (int)(e - s - 2), s + 2);
			li = rules_list_index(ld->rs, name);
			if (li >= 0 && uses[li] >= 2)
				buf_printf(out, "(?&_lm%d)", li);
			else if (li >= 0)
				buf_puts(out, ld->rs->lists[li].alt);
			s = e + 1;
			continue;
		}
		buf_putc(out, *s++);
	}
	buf_puts(out, "(?(DEFINE)");
	for (size_t i = 0; i < nl; i++)
		if (uses[i] >= 2) {
			buf_printf(out, "(?<_lm%zu>%s)", i, ld->rs->lists[i].alt);
			(*ndef)++;
		}
	buf_putc(out, ')');
	free(uses);
	return 0;
}

/* rules_pattern - expand, compile, JIT and check one pattern token */
static int
rules_pattern(struct rules_loader *ld, const char *file, const struct rules_tok *t,
	      pcre2_code **out, char **xsrc, uint32_t *ndef)
{
	struct buf src = BUF_INIT, csrc = BUF_INIT;
	int ec, rc;
	PCRE2_SIZE off;
	pcre2_code *re;
	uint32_t minlen = 0;
	char *grouped;

	if ((rc = rules_expand(ld, file, t, &src)) != 0)
		goto out;
	/* the engine bounds where a prefiltered rule may start (prefilter.h);
	 * big lists written once (rules_compact) and branches grouped by lead
	 * when that compiles, else as written (whose errors name the place
	 * the author wrote) */
	re = NULL;
	if (rules_compact(ld, t, &csrc, ndef) != 0)
		*ndef = 0;
	for (int pass = *ndef > 0 ? 0 : 1; pass < 2 && re == NULL; pass++) {
		const char *base = pass == 0 ? buf_str(&csrc) : buf_str(&src);

		grouped = rules_group_branches(base, t->flags);
		if (grouped != NULL)
			re = rules_compile(grouped, t->flags, PCRE2_USE_OFFSET_LIMIT, &ec, &off);
		free(grouped);
		if (re == NULL)
			re = rules_compile(base, t->flags, PCRE2_USE_OFFSET_LIMIT, &ec, &off);
		if (re == NULL)
			*ndef = 0;
	}
	if (re == NULL) {
		struct rules_tok at = *t;

		if (ec == -1) {
			at.col += (unsigned)strlen(t->s) + 2 + (unsigned)off;
			rc = rules_fail(ld, file, &at, 0, "unknown pattern flag '%c' (flags: c s x)",
			    t->flags[off]);
		} else {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			/* the offset is exact when no list was expanded */
			if (strcmp(buf_str(&src), t->s) == 0)
				at.col += (unsigned)off + 1;
			rc = rules_fail(ld, file, &at, 0, "bad pattern: %s", (char *)msg);
		}
		goto out;
	}
	pcre2_pattern_info(re, PCRE2_INFO_MINLENGTH, &minlen);
	if (minlen == 0 && *ndef > 0) {
		/* PCRE2 does not follow the calls: ask the expanded form */
		pcre2_code *x = rules_compile(buf_str(&src), t->flags, 0, &ec, &off);

		if (x != NULL)
			pcre2_pattern_info(x, PCRE2_INFO_MINLENGTH, &minlen);
		pcre2_code_free(x);
	}
	if (minlen == 0) {
		pcre2_code_free(re);
		rc = rules_fail(ld, file, t, 0, "pattern can match the empty string");
		goto out;
	}
	/* JIT failure is not fatal: the interpreter gives the same results */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	*out = re;
	if (xsrc)
		*xsrc = buf_steal(&src);
	rc = 0;
out:
	buf_free(&src);
	buf_free(&csrc);
	return rc;
}

/* rules_parse_level - a criterion level 1..3 */
static int
rules_parse_level(const char *s, int *level)
{
	if (s[0] >= '1' && s[0] <= '3' && s[1] == '\0') {
		*level = s[0] - '0';
		return 0;
	}
	return -1;
}

/*
 * rules_parse_actions - actions from token i to the end
 *
 * in_when allows "decide".
 */
static int
rules_parse_actions(struct rules_loader *ld, const char *file, struct rules_stmt *st,
		    int i, int in_when, struct rules_act **acts, int *nacts)
{
	struct ruleset *rs = ld->rs;

	*acts = NULL;
	*nacts = 0;
	if (i >= st->ntok)
		return rules_fail(ld, file, NULL, st->line, "no action (set, raise, cap, "
		    "disqualify, tag, veto%s)", in_when ? ", decide" : "");
	while (i < st->ntok) {
		struct rules_tok *t = &st->tok[i];
		struct rules_act a = { 0 };
		const char *verb = t->s;

		if (i + 1 >= st->ntok)
			return rules_fail(ld, file, t, 0, "\"%s\" needs an argument", verb);
		struct rules_tok *arg = &st->tok[i + 1];

		if (strcmp(verb, "set") == 0) {
			char *eq = strchr(arg->s, '=');
			char fname[128];

			snprintf(fname, sizeof(fname), "%.*s",
			    (int)(eq ? (size_t)(eq - arg->s) : strlen(arg->s)), arg->s);
			a.idx = rules_field_index(rs, fname);
			if (a.idx < 0)
				return rules_fail(ld, file, arg, 0, "unknown field \"%s\"", fname);
			rs->fields[a.idx].used = 1;
			if (eq) {
				if (!eq[1])
					return rules_fail(ld, file, arg, 0, "empty value after =");
				a.kind = ACT_SETCONST;
				a.value = lm_xstrdup(eq + 1);
			} else {
				a.kind = ACT_SET;
			}
			i += 2;
		} else if (strcmp(verb, "raise") == 0 || strcmp(verb, "cap") == 0) {
			a.kind = verb[0] == 'r' ? ACT_RAISE : ACT_CAP;
			a.idx = rules_find_named(rs->crits, rs->ncrits, arg->s);
			if (a.idx < 0)
				return rules_fail(ld, file, arg, 0, "unknown criterion \"%s\"", arg->s);
			if (i + 2 >= st->ntok || rules_parse_level(st->tok[i + 2].s, &a.level) != 0)
				return rules_fail(ld, file, i + 2 < st->ntok ? &st->tok[i + 2] : arg, 0,
				    "%s needs a level 1, 2 or 3", verb);
			rs->crits[a.idx].used = 1;
			i += 3;
		} else if (strcmp(verb, "disqualify") == 0) {
			a.kind = ACT_DISQ;
			a.idx = rules_find_named(rs->disqs, rs->ndisqs, arg->s);
			if (a.idx < 0)
				return rules_fail(ld, file, arg, 0, "unknown disqualifier \"%s\"", arg->s);
			rs->disqs[a.idx].used = 1;
			i += 2;
		} else if (strcmp(verb, "tag") == 0) {
			a.kind = ACT_TAG;
			a.idx = rules_find_named(rs->tags, rs->ntags, arg->s);
			if (a.idx < 0)
				return rules_fail(ld, file, arg, 0, "unknown tag \"%s\"", arg->s);
			rs->tags[a.idx].used = 1;
			i += 2;
		} else if (strcmp(verb, "veto") == 0) {
			if ((a.idx = rules_find_named(rs->tags, rs->ntags, arg->s)) >= 0)
				a.kind = ACT_VETO_TAG;
			else if ((a.idx = rules_find_named(rs->disqs, rs->ndisqs, arg->s)) >= 0)
				a.kind = ACT_VETO_DISQ;
			else
				return rules_fail(ld, file, arg, 0, "unknown tag or disqualifier \"%s\"",
				    arg->s);
			i += 2;
		} else if (strcmp(verb, "decide") == 0 && in_when) {
			a.kind = ACT_DECIDE;
			a.idx = rules_find_named(rs->decisions, rs->ndecisions, arg->s);
			if (a.idx < 0)
				return rules_fail(ld, file, arg, 0, "unknown decision \"%s\"", arg->s);
			rs->decisions[a.idx].used = 1;
			i += 2;
		} else {
			for (int k = 0; k < *nacts; k++)
				free((*acts)[k].value);
			free(*acts);
			*acts = NULL;
			*nacts = 0;
			return rules_fail(ld, file, t, 0, "unknown action \"%s\"", verb);
		}
		*acts = rules_grow(*acts, (size_t)*nacts, sizeof(**acts));
		(*acts)[(*nacts)++] = a;
	}
	return 0;
}

/* rules_acts_free - free an action array */
static void
rules_acts_free(struct rules_act *acts, int n)
{
	for (int i = 0; i < n; i++)
		free(acts[i].value);
	free(acts);
}

/* condition parser state */
struct rules_cparse {
	struct rules_loader *ld;
	const char *file;
	struct rules_stmt *st;
	int i;			/* next token */
	int end;		/* index of "=>" */
};

static struct rules_cond *rules_cond_or(struct rules_cparse *cp);

/* rules_cond_free - free a condition tree */
static void
rules_cond_free(struct rules_cond *c)
{
	if (c == NULL)
		return;
	rules_cond_free(c->a);
	rules_cond_free(c->b);
	free(c);
}

/* rules_cond_new - a node */
static struct rules_cond *
rules_cond_new(int kind)
{
	struct rules_cond *c = lm_xcalloc(1, sizeof(*c));

	c->kind = kind;
	return c;
}

/* rules_cond_peek - the next token, or NULL at "=>" */
static struct rules_tok *
rules_cond_peek(struct rules_cparse *cp)
{
	return cp->i < cp->end ? &cp->st->tok[cp->i] : NULL;
}

/* rules_cond_op - parse a comparison operator */
static int
rules_cond_op(const char *s)
{
	static const char *ops[] = { ">=", "<=", ">", "<", "==", "!=" };

	for (int i = 0; i < 6; i++)
		if (strcmp(s, ops[i]) == 0)
			return i;
	return -1;
}

/* rules_cond_num - parse "OP N" after a criterion or total */
static int
rules_cond_num(struct rules_cparse *cp, struct rules_cond *c)
{
	struct rules_tok *op = rules_cond_peek(cp), *num;
	char *end;

	if (op == NULL || (c->op = rules_cond_op(op->s)) < 0) {
		rules_fail(cp->ld, cp->file, op ? op : NULL, cp->st->line,
		    "expected a comparison (>= <= > < == !=)");
		return -1;
	}
	cp->i++;
	num = rules_cond_peek(cp);
	if (num == NULL) {
		rules_fail(cp->ld, cp->file, op, 0, "expected a number after %s", op->s);
		return -1;
	}
	errno = 0;
	c->n = strtol(num->s, &end, 10);
	if (*end || errno) {
		rules_fail(cp->ld, cp->file, num, 0, "expected a number, got \"%s\"", num->s);
		return -1;
	}
	cp->i++;
	return 0;
}

/* rules_cond_atom - one atom, or a parenthesised condition, or not X */
static struct rules_cond *
rules_cond_atom(struct rules_cparse *cp)
{
	struct ruleset *rs = cp->ld->rs;
	struct rules_tok *t = rules_cond_peek(cp);
	struct rules_cond *c = NULL;
	int idx;

	if (t == NULL) {
		rules_fail(cp->ld, cp->file, cp->i > 0 ? &cp->st->tok[cp->i - 1] : NULL,
		    cp->st->line, "condition ends too early");
		return NULL;
	}
	cp->i++;
	if (strcmp(t->s, "not") == 0) {
		struct rules_cond *x = rules_cond_atom(cp);

		if (x == NULL)
			return NULL;
		c = rules_cond_new(C_NOT);
		c->a = x;
		return c;
	}
	if (strcmp(t->s, "(") == 0) {
		c = rules_cond_or(cp);
		if (c == NULL)
			return NULL;
		t = rules_cond_peek(cp);
		if (t == NULL || strcmp(t->s, ")") != 0) {
			rules_fail(cp->ld, cp->file, t ? t : &cp->st->tok[cp->end], 0, "missing )");
			rules_cond_free(c);
			return NULL;
		}
		cp->i++;
		return c;
	}
	if (strcmp(t->s, "always") == 0)
		return rules_cond_new(C_ALWAYS);
	if (strcmp(t->s, "total") == 0) {
		c = rules_cond_new(C_TOTAL);
		goto num;
	}
	if (strcmp(t->s, "tag") == 0 || strcmp(t->s, "decision") == 0) {
		struct rules_tok *n = rules_cond_peek(cp);
		int is_tag = t->s[0] == 't';

		if (n == NULL) {
			rules_fail(cp->ld, cp->file, t, 0, "%s needs a name", t->s);
			return NULL;
		}
		idx = is_tag ? rules_find_named(rs->tags, rs->ntags, n->s)
			     : rules_find_named(rs->decisions, rs->ndecisions, n->s);
		if (idx < 0) {
			rules_fail(cp->ld, cp->file, n, 0, "unknown %s \"%s\"", t->s, n->s);
			return NULL;
		}
		if (is_tag)
			rs->tags[idx].used = 1;
		cp->i++;
		c = rules_cond_new(is_tag ? C_TAG : C_DECISION);
		c->idx = idx;
		return c;
	}
	if (strcmp(t->s, "disqualified") == 0) {
		struct rules_tok *n = rules_cond_peek(cp);

		if (n && (idx = rules_find_named(rs->disqs, rs->ndisqs, n->s)) >= 0) {
			rs->disqs[idx].used = 1;
			cp->i++;
			c = rules_cond_new(C_DISQ);
			c->idx = idx;
			return c;
		}
		return rules_cond_new(C_DISQ_ANY);
	}
	if (strcmp(t->s, "history") == 0) {
		struct rules_tok *n = rules_cond_peek(cp);

		if (n && strcmp(n->s, "seen") == 0)
			c = rules_cond_new(C_HIST_SEEN);
		else if (n && strcmp(n->s, "nurtured") == 0)
			c = rules_cond_new(C_HIST_NURTURED);
		else {
			rules_fail(cp->ld, cp->file, n ? n : t, 0,
			    "history needs \"seen\" or \"nurtured\"");
			return NULL;
		}
		cp->i++;
		return c;
	}
	if ((idx = rules_find_named(rs->crits, rs->ncrits, t->s)) >= 0) {
		rs->crits[idx].used = 1;
		c = rules_cond_new(C_CRIT);
		c->idx = idx;
		goto num;
	}
	if ((idx = rules_field_index(rs, t->s)) >= 0) {
		struct rules_tok *in = rules_cond_peek(cp), *what;

		rs->fields[idx].used = 1;
		if (in == NULL || strcmp(in->s, "in") != 0) {
			c = rules_cond_new(C_FIELD);
			c->idx = idx;
			return c;
		}
		cp->i++;
		what = rules_cond_peek(cp);
		if (what == NULL) {
			rules_fail(cp->ld, cp->file, in, 0, "in needs LO..HI or @LIST");
			return NULL;
		}
		cp->i++;
		if (what->s[0] == '@') {
			int li = rules_list_index(rs, what->s + 1);

			if (li < 0) {
				rules_fail(cp->ld, cp->file, what, 0, "unknown list \"%s\"", what->s + 1);
				return NULL;
			}
			rs->lists[li].used = 1;
			c = rules_cond_new(C_FIELD_LIST);
			c->idx = idx;
			c->list = li;
			return c;
		}
		char *dots = strstr(what->s, ".."), *e1, *e2;

		if (dots && dots > what->s && (size_t)(dots - what->s) < 64) {
			/* "20..2000": strtod alone would read "20." as the low end */
			char lobuf[64];
			double lo, hi;

			snprintf(lobuf, sizeof(lobuf), "%.*s", (int)(dots - what->s), what->s);
			lo = strtod(lobuf, &e1);
			hi = strtod(dots + 2, &e2);
			if (*e1 == '\0' && e1 != lobuf && e2 != dots + 2 && *e2 == '\0' && lo <= hi) {
				c = rules_cond_new(C_FIELD_RANGE);
				c->idx = idx;
				c->lo = lo;
				c->hi = hi;
				return c;
			}
		}
		rules_fail(cp->ld, cp->file, what, 0, "expected LO..HI or @LIST, got \"%s\"", what->s);
		return NULL;
	}
	rules_fail(cp->ld, cp->file, t, 0, "unknown condition \"%s\" (not a field, criterion "
	    "or keyword)", t->s);
	return NULL;
num:
	if (rules_cond_num(cp, c) != 0) {
		free(c);
		return NULL;
	}
	return c;
}

/* rules_cond_and - atom { and atom } */
static struct rules_cond *
rules_cond_and(struct rules_cparse *cp)
{
	struct rules_cond *l = rules_cond_atom(cp);
	struct rules_tok *t;

	while (l && (t = rules_cond_peek(cp)) && strcmp(t->s, "and") == 0) {
		cp->i++;
		struct rules_cond *r = rules_cond_atom(cp), *n;

		if (r == NULL) {
			rules_cond_free(l);
			return NULL;
		}
		n = rules_cond_new(C_AND);
		n->a = l;
		n->b = r;
		l = n;
	}
	return l;
}

/* rules_cond_or - and-expr { or and-expr } */
static struct rules_cond *
rules_cond_or(struct rules_cparse *cp)
{
	struct rules_cond *l = rules_cond_and(cp);
	struct rules_tok *t;

	while (l && (t = rules_cond_peek(cp)) && strcmp(t->s, "or") == 0) {
		cp->i++;
		struct rules_cond *r = rules_cond_and(cp), *n;

		if (r == NULL) {
			rules_cond_free(l);
			return NULL;
		}
		n = rules_cond_new(C_OR);
		n->a = l;
		n->b = r;
		l = n;
	}
	return l;
}

/* rules_stmt_when - when COND => ACTIONS */
static int
rules_stmt_when(struct rules_loader *ld, const char *file, struct rules_stmt *st)
{
	struct ruleset *rs = ld->rs;
	struct rules_cparse cp = { ld, file, st, 1, -1 };
	struct rules_when w = { 0 };
	int rc;

	for (int i = 1; i < st->ntok; i++)
		if (strcmp(st->tok[i].s, "=>") == 0) {
			cp.end = i;
			break;
		}
	if (cp.end < 0)
		return rules_fail(ld, file, &st->tok[0], 0, "when needs \"=>\" before its actions");
	w.cond = rules_cond_or(&cp);
	if (w.cond == NULL)
		return LM_ESYNTAX;
	if (cp.i != cp.end) {
		rules_cond_free(w.cond);
		return rules_fail(ld, file, &st->tok[cp.i], 0, "unexpected \"%s\" in condition",
		    st->tok[cp.i].s);
	}
	rc = rules_parse_actions(ld, file, st, cp.end + 1, 1, &w.acts, &w.nacts);
	if (rc != 0) {
		rules_cond_free(w.cond);
		return rc;
	}
	w.file = lm_xstrdup(file);
	w.line = st->line;
	w.label = rules_strdup_printf("when@%s:%u", file, st->line);
	rs->whens = rules_grow(rs->whens, rs->nwhens, sizeof(*rs->whens));
	rs->whens[rs->nwhens++] = w;
	return 0;
}

/* rules_stmt_rule - rule NAME ZONES /RE/FLAGS ACTIONS */
static int
rules_stmt_rule(struct rules_loader *ld, const char *file, struct rules_stmt *st)
{
	struct ruleset *rs = ld->rs;
	struct rules_rule r = { 0 };
	uint32_t ndef = 0;
	int rc;

	if (st->ntok < 5 || st->tok[3].flags == NULL)
		return rules_fail(ld, file, &st->tok[0], 0,
		    "expected: rule NAME ZONES /PATTERN/ ACTION...");
	if (!rules_valid_name(st->tok[1].s))
		return rules_fail(ld, file, &st->tok[1], 0,
		    "bad rule name \"%s\" (lower case letters, digits, -)", st->tok[1].s);
	for (size_t i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i].name, st->tok[1].s) == 0)
			ld->dup_rule_names++;
	/* zones: comma-separated */
	{
		char *z = lm_xstrdup(st->tok[2].s), *save = NULL;
		unsigned col = st->tok[2].col;

		for (char *p = strtok_r(z, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			int id = zone_lookup(p);

			if (id < 0) {
				struct rules_tok at = st->tok[2];

				at.col = col + (unsigned)(p - z);
				rc = rules_fail(ld, file, &at, 0, "unknown zone \"%s\"", p);
				free(z);
				return rc;
			}
			if (r.nzones < ZONE_COUNT)
				r.zones[r.nzones++] = (unsigned char)id;
		}
		free(z);
		if (r.nzones == 0)
			return rules_fail(ld, file, &st->tok[2], 0, "no zone");
	}
	rc = rules_parse_actions(ld, file, st, 4, 0, &r.acts, &r.nacts);
	if (rc != 0)
		return rc;
	rc = rules_pattern(ld, file, &st->tok[3], &r.re, &r.xsrc, &ndef);
	if (rc != 0) {
		rules_acts_free(r.acts, r.nacts);
		return rc;
	}
	{
		size_t jitsize = 0;

		r.jit = pcre2_pattern_info(r.re, PCRE2_INFO_JITSIZE, &jitsize) == 0 && jitsize > 0;
	}
	r.only_sets = 1;
	for (int i = 0; i < r.nacts; i++) {
		struct rules_act *a = &r.acts[i];

		if (a->kind != ACT_SET)
			r.only_sets = 0;
		if (a->kind == ACT_SET) {
			/* the named group, else group 1, else the whole match */
			char gname[128];
			int n;
			uint32_t ncap = 0;

			snprintf(gname, sizeof(gname), "%s", rs->fields[a->idx].name);
			for (char *p = gname; *p; p++)
				if (*p == '-')
					*p = '_';
			n = pcre2_substring_number_from_name(r.re, (PCRE2_SPTR)gname);
			pcre2_pattern_info(r.re, PCRE2_INFO_CAPTURECOUNT, &ncap);
			/* not counting the groups rules_compact() added */
			a->group = n > 0 ? n : ncap - ndef >= 1 ? 1 : 0;
		}
	}
	{
		uint32_t ncap = 0;

		pcre2_pattern_info(r.re, PCRE2_INFO_CAPTURECOUNT, &ncap);
		if (ncap + 1 > rs->max_groups)
			rs->max_groups = ncap + 1;
	}
	r.name = lm_xstrdup(st->tok[1].s);
	r.file = lm_xstrdup(file);
	r.line = st->line;
	r.col = st->tok[0].col;
	r.src = lm_xstrdup(st->tok[3].s);
	r.flags = lm_xstrdup(st->tok[3].flags);
	rs->rules = rules_grow(rs->rules, rs->nrules, sizeof(*rs->rules));
	rs->rules[rs->nrules++] = r;
	return 0;
}

/* rules_stmt_named - tag/disqualifier/decision/criterion NAME [...] */
static int
rules_stmt_named(struct rules_loader *ld, const char *file, struct rules_stmt *st)
{
	struct ruleset *rs = ld->rs;
	const char *kw = st->tok[0].s;
	struct rules_named n = { 0 };
	struct rules_named **arr;
	size_t *cnt;
	const char *taken;

	if (st->ntok < 2)
		return rules_fail(ld, file, &st->tok[0], 0, "%s needs a name", kw);
	if (!rules_valid_name(st->tok[1].s))
		return rules_fail(ld, file, &st->tok[1], 0,
		    "bad name \"%s\" (lower case letters, digits, -)", st->tok[1].s);
	if ((taken = rules_name_taken(rs, st->tok[1].s)) != NULL)
		return rules_fail(ld, file, &st->tok[1], 0, "\"%s\" is already declared as a %s",
		    st->tok[1].s, taken);
	if (strcmp(kw, "tag") == 0) {
		arr = &rs->tags;
		cnt = &rs->ntags;
		if (st->ntok != 2)
			return rules_fail(ld, file, &st->tok[2], 0, "tag takes only a name");
	} else if (strcmp(kw, "criterion") == 0) {
		arr = &rs->crits;
		cnt = &rs->ncrits;
		n.def = 1;
		if (rs->ncrits == VERDICT_MAX_CRIT)
			return rules_fail(ld, file, &st->tok[1], 0, "too many criteria (max %d)",
			    VERDICT_MAX_CRIT);
		if (st->ntok == 4 && strcmp(st->tok[2].s, "default") == 0) {
			if (rules_parse_level(st->tok[3].s, &n.def) != 0)
				return rules_fail(ld, file, &st->tok[3], 0,
				    "default needs a level 1, 2 or 3");
		} else if (st->ntok != 2) {
			return rules_fail(ld, file, &st->tok[2], 0,
			    "expected: criterion NAME [default N]");
		}
	} else {
		arr = kw[0] == 'd' && kw[2] == 's' ? &rs->disqs : &rs->decisions;
		cnt = arr == &rs->disqs ? &rs->ndisqs : &rs->ndecisions;
		if (st->ntok == 4 && strcmp(st->tok[2].s, "dest") == 0) {
			if (strchr(st->tok[3].s, '@') == NULL)
				return rules_fail(ld, file, &st->tok[3], 0,
				    "dest needs a mail address, got \"%s\"", st->tok[3].s);
			n.dest = lm_xstrdup(st->tok[3].s);
		} else if (st->ntok != 2) {
			return rules_fail(ld, file, &st->tok[2], 0, "expected: %s NAME [dest ADDRESS]",
			    kw);
		}
	}
	n.name = lm_xstrdup(st->tok[1].s);
	n.file = lm_xstrdup(file);
	n.line = st->line;
	*arr = rules_grow(*arr, *cnt, sizeof(**arr));
	(*arr)[(*cnt)++] = n;
	return 0;
}

/* rules_stmt_field - field NAME TYPE */
static int
rules_stmt_field(struct rules_loader *ld, const char *file, struct rules_stmt *st)
{
	static const struct { const char *name; int type; } types[] = {
		{ "text", FT_TEXT }, { "name", FT_NAME }, { "email", FT_EMAIL },
		{ "phone", FT_PHONE }, { "lower", FT_LOWER }, { "country", FT_COUNTRY },
		{ "subdivision", FT_SUBDIVISION }, { "employees", FT_EMPLOYEES },
		{ "money", FT_MONEY },
	};
	struct ruleset *rs = ld->rs;
	struct rules_field f = { 0 };
	const char *taken;

	if (st->ntok != 3)
		return rules_fail(ld, file, &st->tok[0], 0, "expected: field NAME TYPE");
	if (!rules_valid_name(st->tok[1].s))
		return rules_fail(ld, file, &st->tok[1], 0, "bad field name \"%s\"", st->tok[1].s);
	if ((taken = rules_name_taken(rs, st->tok[1].s)) != NULL)
		return rules_fail(ld, file, &st->tok[1], 0, "\"%s\" is already declared as a %s",
		    st->tok[1].s, taken);
	f.type = -1;
	f.list = -1;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(st->tok[2].s, types[i].name) == 0)
			f.type = types[i].type;
	if (f.type < 0 && strncmp(st->tok[2].s, "map:", 4) == 0) {
		f.list = rules_list_index(rs, st->tok[2].s + 4);
		if (f.list < 0)
			return rules_fail(ld, file, &st->tok[2], 0, "unknown list \"%s\"",
			    st->tok[2].s + 4);
		rs->lists[f.list].used = 1;
		f.type = FT_MAP;
	}
	if (f.type < 0)
		return rules_fail(ld, file, &st->tok[2], 0, "unknown field type \"%s\" (text name "
		    "email phone lower country subdivision employees money map:LIST)", st->tok[2].s);
	f.name = lm_xstrdup(st->tok[1].s);
	f.file = lm_xstrdup(file);
	f.line = st->line;
	rs->fields = rules_grow(rs->fields, rs->nfields, sizeof(*rs->fields));
	rs->fields[rs->nfields++] = f;
	return 0;
}

/* rules_stmt_list - list NAME FILE */
static int
rules_stmt_list(struct rules_loader *ld, const char *file, struct rules_stmt *st)
{
	struct ruleset *rs = ld->rs;
	struct rules_list l = { 0 };
	int rc;

	if (st->ntok != 3)
		return rules_fail(ld, file, &st->tok[0], 0, "expected: list NAME FILE");
	if (!rules_valid_name(st->tok[1].s))
		return rules_fail(ld, file, &st->tok[1], 0, "bad list name \"%s\"", st->tok[1].s);
	if (rules_list_index(rs, st->tok[1].s) >= 0)
		return rules_fail(ld, file, &st->tok[1], 0, "list \"%s\" is already declared",
		    st->tok[1].s);
	l.name = lm_xstrdup(st->tok[1].s);
	l.file = rules_relpath(file, st->tok[2].s);
	l.line = st->line;
	rc = rules_load_list(ld, file, st, &l);
	if (rc != 0) {
		for (size_t i = 0; i < l.n; i++) {
			free(l.e[i].text);
			free(l.e[i].value);
			free(l.e[i].re_src);
		}
		free(l.e);
		free(l.name);
		free(l.file);
		free(l.alt);
		return rc;
	}
	rs->lists = rules_grow(rs->lists, rs->nlists, sizeof(*rs->lists));
	rs->lists[rs->nlists++] = l;
	return 0;
}

/* rules_stmt_marker - marker signoff|quote /RE/ */
static int
rules_stmt_marker(struct rules_loader *ld, const char *file, struct rules_stmt *st)
{
	struct ruleset *rs = ld->rs;
	pcre2_code *re;
	uint32_t ndef;
	int rc;

	if (st->ntok != 3 || st->tok[2].flags == NULL)
		return rules_fail(ld, file, &st->tok[0], 0, "expected: marker signoff|quote /PATTERN/");
	if (strcmp(st->tok[1].s, "signoff") != 0 && strcmp(st->tok[1].s, "quote") != 0)
		return rules_fail(ld, file, &st->tok[1], 0,
		    "unknown marker \"%s\" (signoff or quote)", st->tok[1].s);
	if ((rc = rules_pattern(ld, file, &st->tok[2], &re, NULL, &ndef)) != 0)
		return rc;
	if (st->tok[1].s[0] == 's') {
		rs->signoff = rules_grow(rs->signoff, rs->nsignoff, sizeof(*rs->signoff));
		rs->signoff[rs->nsignoff++] = re;
	} else {
		rs->quote = rules_grow(rs->quote, rs->nquote, sizeof(*rs->quote));
		rs->quote[rs->nquote++] = re;
	}
	return 0;
}

/* rules_load_text - parse one file's text */
static int
rules_load_text(struct rules_loader *ld, const char *file, const char *text, size_t len)
{
	struct rules_stmt *st = lm_xcalloc(1, sizeof(*st));
	size_t pos = 0;
	unsigned line = 1;
	int rc;

	if (memchr(text, '\0', len) != NULL) {
		lm_err_set(ld->err, file, 0, 0, "contains a NUL byte: not a rule file");
		free(st);
		return LM_ESYNTAX;
	}
	while ((rc = rules_tokenize(ld, file, text, len, &pos, &line, st)) == 1) {
		const char *kw = st->tok[0].s;

		if (strcmp(kw, "rule") == 0)
			rc = rules_stmt_rule(ld, file, st);
		else if (strcmp(kw, "when") == 0)
			rc = rules_stmt_when(ld, file, st);
		else if (strcmp(kw, "list") == 0)
			rc = rules_stmt_list(ld, file, st);
		else if (strcmp(kw, "field") == 0)
			rc = rules_stmt_field(ld, file, st);
		else if (strcmp(kw, "tag") == 0 || strcmp(kw, "criterion") == 0 ||
		    strcmp(kw, "disqualifier") == 0 || strcmp(kw, "decision") == 0)
			rc = rules_stmt_named(ld, file, st);
		else if (strcmp(kw, "marker") == 0)
			rc = rules_stmt_marker(ld, file, st);
		else if (strcmp(kw, "include") == 0) {
			if (st->ntok != 2) {
				rc = rules_fail(ld, file, &st->tok[0], 0, "expected: include FILE");
			} else {
				char *p = rules_relpath(file, st->tok[1].s);

				rc = rules_load_file(ld, p);
				if (rc == LM_ENOTFOUND || rc == LM_EIO)
					rc = rules_fail(ld, file, &st->tok[1], 0, "cannot read %s", p);
				free(p);
			}
		} else
			rc = rules_fail(ld, file, &st->tok[0], 0, "unknown statement \"%s\"", kw);
		rules_stmt_free(st);
		if (rc != 0)
			break;
	}
	rules_stmt_free(st);
	free(st);
	return rc < 0 ? rc : 0;
}

/* rules_load_file - read and parse one file (include depth checked) */
static int
rules_load_file(struct rules_loader *ld, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (ld->depth >= RULES_MAX_INCLUDE) {
		lm_err_set(ld->err, path, 0, 0, "includes nested deeper than %d (a loop?)",
		    RULES_MAX_INCLUDE);
		return LM_ELIMIT;
	}
	rc = rules_read(ld, path, &data, &len);
	if (rc != 0)
		return rc;
	ld->depth++;
	rc = rules_load_text(ld, path, data, len);
	ld->depth--;
	free(data);
	return rc;
}

/* rules_cmp_str - qsort strings */
static int
rules_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rules_load_dir - every *.rules file of a directory, in name order */
static int
rules_load_dir(struct rules_loader *ld, const char *dir, int *nfiles)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (d == NULL) {
		lm_err_set(ld->err, dir, 0, 0, "cannot open directory: %s", strerror(errno));
		return LM_EIO;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 6 && strcmp(de->d_name + l - 6, ".rules") == 0 && de->d_name[0] != '.') {
			names = rules_grow(names, n, sizeof(*names));
			names[n++] = rules_strdup_printf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), rules_cmp_str);
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = rules_load_file(ld, names[i]);
		if (rc == LM_EIO || rc == LM_ENOTFOUND)
			lm_err_set(ld->err, names[i], 0, 0, "cannot read file");
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	*nfiles = (int)n;
	return rc;
}

/* rules_compile_maps - compile list entries used for map: lookups */
static void
rules_compile_maps(struct ruleset *rs)
{
	for (size_t f = 0; f < rs->nfields; f++) {
		struct rules_list *l;

		if (rs->fields[f].type != FT_MAP)
			continue;
		l = &rs->lists[rs->fields[f].list];
		for (size_t i = 0; i < l->n; i++) {
			int ec;
			PCRE2_SIZE off;

			if (l->e[i].re == NULL)
				l->e[i].re = rules_compile(l->e[i].re_src, "", 0, &ec, &off);
		}
	}
}

/* rules_free - free a ruleset (refcount already zero) */
static void
rules_free(struct ruleset *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->nlists; i++) {
		struct rules_list *l = &rs->lists[i];

		for (size_t k = 0; k < l->n; k++) {
			free(l->e[k].text);
			free(l->e[k].value);
			free(l->e[k].re_src);
			free(l->e[k].norm);
			pcre2_code_free(l->e[k].re);
		}
		free(l->e);
		free(l->name);
		free(l->file);
		free(l->alt);
	}
	free(rs->lists);
	for (size_t i = 0; i < rs->nfields; i++) {
		free(rs->fields[i].name);
		free(rs->fields[i].file);
	}
	free(rs->fields);
	struct rules_named *named[] = { rs->crits, rs->tags, rs->disqs, rs->decisions };
	size_t counts[] = { rs->ncrits, rs->ntags, rs->ndisqs, rs->ndecisions };

	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; i < counts[k]; i++) {
			free(named[k][i].name);
			free(named[k][i].dest);
			free(named[k][i].file);
		}
		free(named[k]);
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rules_rule *r = &rs->rules[i];

		free(r->name);
		free(r->file);
		free(r->src);
		free(r->xsrc);
		free(r->flags);
		pcre2_code_free(r->re);
		rules_acts_free(r->acts, r->nacts);
	}
	free(rs->rules);
	for (size_t i = 0; i < rs->nwhens; i++) {
		rules_cond_free(rs->whens[i].cond);
		rules_acts_free(rs->whens[i].acts, rs->whens[i].nacts);
		free(rs->whens[i].file);
		free(rs->whens[i].label);
	}
	free(rs->whens);
	for (size_t i = 0; i < rs->nsignoff; i++)
		pcre2_code_free(rs->signoff[i]);
	free(rs->signoff);
	for (size_t i = 0; i < rs->nquote; i++)
		pcre2_code_free(rs->quote[i]);
	free(rs->quote);
	pcre2_match_context_free(rs->mctx);
#ifdef HAVE_HYPERSCAN
	hs_free_database(rs->hs_db);
#endif
	free(rs->lits);
	free(rs->freetabs);
	free(rs);
}

#ifdef HAVE_HYPERSCAN
/*
 * rules_prefilter - one Hyperscan literal database for every rule whose
 * pattern requires a literal (prefilter.c): a zone is scanned once for all
 * of them, and a rule's PCRE2 pattern runs only near where one of its
 * literals was seen (rs->lits says which rule a literal belongs to and how
 * far before it a match may start).  A rule without a usable literal
 * always runs over the whole zone; so does every rule when Hyperscan
 * fails, which only costs speed.
 */
static void
rules_prefilter(struct ruleset *rs)
{
	const char **expr = NULL;
	size_t *lens = NULL;
	unsigned *flags = NULL, *ids = NULL;
	size_t n = 0;
	char ***lits = lm_xcalloc(rs->nrules + 1, sizeof(*lits));
	struct prefilter_bound **pre = lm_xcalloc(rs->nrules + 1, sizeof(*pre));
	size_t *nlits = lm_xcalloc(rs->nrules + 1, sizeof(*nlits));
	struct rules_lit *tab = NULL;
	hs_database_t *db = NULL;
	struct lm_err cerr;

	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rules_rule *r = &rs->rules[i];
		struct buf src = BUF_INIT;
		int caseless = 1, rc;

		for (const char *f = r->flags; *f; f++)
			caseless = *f == 'c' ? 0 : *f == 'i' ? 1 : caseless;
		/* the analysis assumes caseless, as rules_compile() does */
		buf_printf(&src, "%s%s", caseless ? "" : "(?-i)", r->xsrc);
		rc = strchr(r->flags, 'x') ? -1 :
		    prefilter_literals(buf_str(&src), &lits[i], &pre[i], &nlits[i]);
		buf_free(&src);
		if (rc != 0)
			continue;
		expr = lm_xrealloc(expr, (n + nlits[i]) * sizeof(*expr));
		lens = lm_xrealloc(lens, (n + nlits[i]) * sizeof(*lens));
		flags = lm_xrealloc(flags, (n + nlits[i]) * sizeof(*flags));
		ids = lm_xrealloc(ids, (n + nlits[i]) * sizeof(*ids));
		tab = lm_xrealloc(tab, (n + nlits[i]) * sizeof(*tab));
		for (size_t k = 0; k < nlits[i]; k++, n++) {
			expr[n] = lits[i][k];
			lens[n] = strlen(lits[i][k]);
			/* every occurrence: each one bounds where a match starts */
			flags[n] = pre[i][k].exact_case ? 0 : HS_FLAG_CASELESS;
			ids[n] = (unsigned)n;
			tab[n].rule = (uint32_t)i;
			tab[n].len = (uint32_t)lens[n];
			tab[n].pre = pre[i][k];
			/* the engine's walk-floor test is quick for equal bounds */
			tab[n].bound = (uint32_t)n;
			for (size_t j = n - k; j < n; j++)
				if (tab[j].pre.fixed == tab[n].pre.fixed &&
				    memcmp(tab[j].pre.free, tab[n].pre.free, sizeof(tab[n].pre.free)) == 0) {
					tab[n].bound = tab[j].bound;
					break;
				}
		}
	}
	/* in a child: the daemon never holds the compiler's memory peak */
	if (n > 0 && hsbuild_literals(expr, flags, ids, lens, (unsigned)n,
	    getenv("LEADMILTER_HS_INPROCESS") ? HSBUILD_INPROCESS : HSBUILD_CHILD,
	    &db, &cerr) != 0)
		log_warn("rules: Hyperscan prefilter unavailable, every rule runs: %s", cerr.msg);
	if (db) {
		rs->hs_db = db;
		rs->lits = tab;
		rs->nlits = n;
		tab = NULL;
		/* the walks' free sets as tables, one per distinct set */
		for (size_t k = 0; k < n; k++) {
			const unsigned char *fr = rs->lits[k].pre.free;
			size_t t;

			if (rs->lits[k].pre.kind != PREFILTER_WALK)
				continue;
			for (t = 0; t < rs->nfreetabs; t++) {
				const unsigned char *have = rs->freetabs + 256 * t;
				int same = 1;

				for (unsigned c = 0; c < 256 && same; c++)
					same = !!have[c] == ((fr[c >> 3] >> (c & 7)) & 1);
				if (same)
					break;
			}
			if (t == rs->nfreetabs) {
				rs->freetabs = lm_xrealloc(rs->freetabs, 256 * (t + 1));
				for (unsigned c = 0; c < 256; c++)
					rs->freetabs[256 * t + c] = (fr[c >> 3] >> (c & 7)) & 1;
				rs->nfreetabs++;
			}
			rs->lits[k].freetab = (uint32_t)t;
		}
		for (size_t i = 0; i < rs->nrules; i++) {
			if (lits[i] == NULL)
				continue;
			rs->rules[i].prefiltered = 1;
			rs->nprefiltered++;
			for (int z = 0; z < rs->rules[i].nzones; z++)
				rs->hs_zones |= 1u << rs->rules[i].zones[z];
		}
	}
	for (size_t i = 0; i < rs->nrules; i++)
		prefilter_free(lits[i], pre[i], nlits[i]);
	free(tab);
	free(lits);
	free(pre);
	free(nlits);
	free(expr);
	free(lens);
	free(flags);
	free(ids);
}
#endif

#ifdef HAVE_HYPERSCAN
/*
 * rules_prefilter_ascii - each literal's bound for text that is all
 * ASCII (prefilter_literals_ascii), where a character is one byte, not
 * up to four: a window in such a zone is a quarter as long behind a
 * bounded gap such as [^.]{0,40}.  The literals must come out as
 * rules_prefilter() got them, in the same order, with the same free
 * bytes; else a literal keeps its bound there too.
 */
static void
rules_prefilter_ascii(struct ruleset *rs)
{
	size_t k = 0;

	for (size_t i = 0; i < rs->nrules && k < rs->nlits; i++) {
		const struct rules_rule *r = &rs->rules[i];
		struct buf src = BUF_INIT;
		char **lu = NULL, **la = NULL;
		struct prefilter_bound *pu = NULL, *pa = NULL;
		size_t nu = 0, na = 0, first = k, n;
		int caseless = 1, same;

		for (n = 0; k < rs->nlits && rs->lits[k].rule == i; k++)
			n++;
		if (n == 0)
			continue;
		/* as rules_prefilter() reads it */
		for (const char *f = r->flags; *f; f++)
			caseless = *f == 'c' ? 0 : *f == 'i' ? 1 : caseless;
		buf_printf(&src, "%s%s", caseless ? "" : "(?-i)", r->xsrc);
		same = prefilter_literals(buf_str(&src), &lu, &pu, &nu) == 0 &&
		    prefilter_literals_ascii(buf_str(&src), &la, &pa, &na) == 0 &&
		    nu == n && na == n;
		for (size_t j = 0; same && j < n; j++)
			same = strcmp(lu[j], la[j]) == 0 && strlen(lu[j]) == rs->lits[first + j].len &&
			    memcmp(pu[j].free, pa[j].free, sizeof(pa[j].free)) == 0 &&
			    memcmp(pu[j].free, rs->lits[first + j].pre.free, sizeof(pa[j].free)) == 0 &&
			    pu[j].fixed == rs->lits[first + j].pre.fixed &&
			    pa[j].kind == pu[j].kind && pa[j].exact_case == pu[j].exact_case &&
			    pa[j].fixed <= pu[j].fixed;
		for (size_t j = 0; j < n; j++) {
			struct rules_lit *l = &rs->lits[first + j];

			l->pre_ascii = same ? pa[j] : l->pre;
			/* equal bounds, one id: the engine's quick test */
			l->bound_ascii = (uint32_t)(first + j);
			for (size_t m = first; m < first + j; m++)
				if (rs->lits[m].pre_ascii.fixed == l->pre_ascii.fixed &&
				    memcmp(rs->lits[m].pre_ascii.free, l->pre_ascii.free,
				    sizeof(l->pre_ascii.free)) == 0) {
					l->bound_ascii = rs->lits[m].bound_ascii;
					break;
				}
		}
		prefilter_free(lu, pu, nu);
		prefilter_free(la, pa, na);
		buf_free(&src);
	}
}
#endif

/* rules_check_complete - a set must be usable: criteria and a decision */
static int
rules_check_complete(struct rules_loader *ld, const char *where)
{
	struct ruleset *rs = ld->rs;

	if (rs->ncrits == 0) {
		lm_err_set(ld->err, where, 0, 0, "no criterion declared");
		return LM_ESYNTAX;
	}
	if (rs->ndecisions == 0) {
		lm_err_set(ld->err, where, 0, 0, "no decision declared");
		return LM_ESYNTAX;
	}
	for (size_t i = 0; i < rs->nwhens; i++)
		for (int k = 0; k < rs->whens[i].nacts; k++)
			if (rs->whens[i].acts[k].kind == ACT_DECIDE)
				return 0;
	lm_err_set(ld->err, where, 0, 0, "no \"when ... => decide\" statement: "
	    "no message could get a decision");
	return LM_ESYNTAX;
}

/* rules_load - load a rule file, a directory, or the embedded set */
int
rules_load(const char *path, struct ruleset **out, struct lm_err *err)
{
	struct rules_loader ld = { 0 };
	struct stat sb;
	int rc, nfiles = 0;

	lm_err_clear(err);
	ld.rs = lm_xcalloc(1, sizeof(*ld.rs));
	ld.err = err;
	if (path == NULL) {
		ld.root = NULL;
		for (const struct rules_embed_file *f = rules_embedded; f->name; f++) {
			size_t l = strlen(f->name);

			if (strchr(f->name, '/') || l < 6 || strcmp(f->name + l - 6, ".rules") != 0)
				continue;
			nfiles++;
			if ((rc = rules_load_file(&ld, f->name)) != 0)
				goto out;
		}
		path = "(built-in rules)";
	} else if (stat(path, &sb) != 0) {
		lm_err_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
		rc = LM_EIO;
		goto out;
	} else if (S_ISDIR(sb.st_mode)) {
		ld.root = path;
		if ((rc = rules_load_dir(&ld, path, &nfiles)) != 0)
			goto out;
	} else {
		ld.root = path;
		nfiles = 1;
		if ((rc = rules_load_file(&ld, path)) != 0) {
			if (rc == LM_EIO || rc == LM_ENOTFOUND)
				lm_err_set(err, path, 0, 0, "cannot read file");
			goto out;
		}
	}
	if (nfiles == 0) {
		lm_err_set(err, path, 0, 0, "no *.rules files");
		rc = LM_ESYNTAX;
		goto out;
	}
	if ((rc = rules_check_complete(&ld, path)) != 0)
		goto out;
	rules_compile_maps(ld.rs);
#ifdef HAVE_HYPERSCAN
	if (getenv("LEADMILTER_NO_PREFILTER") == NULL) {
		rules_prefilter(ld.rs);
		rules_prefilter_ascii(ld.rs);
	}
#endif
	ld.rs->markers.signoff = (void *const *)ld.rs->signoff;
	ld.rs->markers.nsignoff = ld.rs->nsignoff;
	ld.rs->markers.quote = (void *const *)ld.rs->quote;
	ld.rs->markers.nquote = ld.rs->nquote;
	ld.rs->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(ld.rs->mctx, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(ld.rs->mctx, RULES_DEPTH_LIMIT);
	if (ld.rs->max_groups < 1)
		ld.rs->max_groups = 1;
	ld.rs->max_acts = 1;
	for (size_t i = 0; i < ld.rs->nrules; i++)
		if (ld.rs->rules[i].nacts > ld.rs->max_acts)
			ld.rs->max_acts = ld.rs->rules[i].nacts;
	ld.rs->refs = 1;
	{
		static unsigned long rules_serial;

		ld.rs->serial = __atomic_add_fetch(&rules_serial, 1, __ATOMIC_RELAXED);
	}
	snprintf(ld.rs->describe, sizeof(ld.rs->describe),
	    "%zu rules (%zu prefiltered), %zu policy statements, %zu lists from %s",
	    ld.rs->nrules, ld.rs->nprefiltered, ld.rs->nwhens, ld.rs->nlists, path);
	*out = ld.rs;
	return 0;
out:
	rules_free(ld.rs);
	return rc < 0 ? rc : LM_ESYNTAX;
}

/* rules_ref - take a reference */
struct ruleset *
rules_ref(struct ruleset *rs)
{
	if (rs)
		__atomic_add_fetch(&rs->refs, 1, __ATOMIC_ACQ_REL);
	return rs;
}

/* rules_unref - drop a reference; the last one frees the set */
void
rules_unref(struct ruleset *rs)
{
	if (rs && __atomic_sub_fetch(&rs->refs, 1, __ATOMIC_ACQ_REL) == 0)
		rules_free(rs);
}

/* rules_destination - mailbox for a disqualifier or decision, or NULL */
const char *
rules_destination(const struct ruleset *rs, const char *name)
{
	int i;

	if (name == NULL)
		return NULL;
	if ((i = rules_find_named(rs->disqs, rs->ndisqs, name)) >= 0)
		return rs->disqs[i].dest;
	if ((i = rules_find_named(rs->decisions, rs->ndecisions, name)) >= 0)
		return rs->decisions[i].dest;
	return NULL;
}

/* rules_describe - one line about the set; lent, lives with the set */
const char *
rules_describe(const struct ruleset *rs)
{
	return rs->describe;
}

/* rules_count - number of rules */
unsigned
rules_count(const struct ruleset *rs)
{
	return (unsigned)rs->nrules;
}

/* rules_index - rule number by name, or -1 */
int
rules_index(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (strcmp(rs->rules[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* rules_lint - warnings about a loaded set; returns their number */
int
rules_lint(const struct ruleset *rs, const unsigned char *fired, struct buf *out)
{
	int n = 0;

	for (size_t i = 0; i < rs->nrules; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(rs->rules[i].name, rs->rules[k].name) == 0) {
				buf_printf(out, "%s:%u:%u: warning: duplicate rule name \"%s\" "
				    "(first at %s:%u)\n", rs->rules[i].file, rs->rules[i].line,
				    rs->rules[i].col, rs->rules[i].name, rs->rules[k].file,
				    rs->rules[k].line);
				n++;
				break;
			}
	for (size_t i = 0; i < rs->nlists; i++)
		if (!rs->lists[i].used) {
			buf_printf(out, "%s:%u: warning: list \"%s\" is never used\n",
			    rs->lists[i].file, rs->lists[i].line, rs->lists[i].name);
			n++;
		}
	for (size_t i = 0; i < rs->nfields; i++)
		if (!rs->fields[i].used) {
			buf_printf(out, "%s:%u: warning: field \"%s\" is never set or tested\n",
			    rs->fields[i].file, rs->fields[i].line, rs->fields[i].name);
			n++;
		}
	const struct { const struct rules_named *a; size_t n; const char *what; } kinds[] = {
		{ rs->tags, rs->ntags, "tag" }, { rs->disqs, rs->ndisqs, "disqualifier" },
		{ rs->crits, rs->ncrits, "criterion" }, { rs->decisions, rs->ndecisions, "decision" },
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (size_t i = 0; i < kinds[k].n; i++)
			if (!kinds[k].a[i].used) {
				buf_printf(out, "%s:%u: warning: %s \"%s\" is never used\n",
				    kinds[k].a[i].file, kinds[k].a[i].line, kinds[k].what,
				    kinds[k].a[i].name);
				n++;
			}
	if (fired)
		for (size_t i = 0; i < rs->nrules; i++)
			if (!fired[i]) {
				buf_printf(out, "%s:%u:%u: warning: rule \"%s\" never fires on the "
				    "regression cases\n", rs->rules[i].file, rs->rules[i].line,
				    rs->rules[i].col, rs->rules[i].name);
				n++;
			}
	/* not warnings: a pattern with no word to find first is correct,
	 * only slower (rules/README.md, "Rules that stay fast") */
	if (rs->hs_db)
		for (size_t i = 0; i < rs->nrules; i++)
			if (!rs->rules[i].prefiltered)
				buf_printf(out, "%s:%u:%u: note: rule \"%s\" has no word every "
				    "match contains, so it scans its zones whole on every message\n",
				    rs->rules[i].file, rs->rules[i].line, rs->rules[i].col,
				    rs->rules[i].name);
	return n;
}
