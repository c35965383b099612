/*
 * zone - split a parsed message into zones that rules can name
 *
 * DESCRIPTION  zone_split() classifies each line of the message text as
 *              new text (body), signature or quoted, then derives the form
 *              zone from the body.  Order of work:
 *              1. Quoted text.  A line starting with ">" is quoted.  An
 *                 attribution with a date in it ("On ... wrote:", also
 *                 wrapped over two lines; "Am ... schrieb ...:"; "Le ...
 *                 a écrit :") is
 *                 quoted; when no ">" lines follow it, everything after
 *                 it is quoted too.  "-----Original Message-----",
 *                 "---------- Forwarded message ---------", "Begin
 *                 forwarded message:", an Outlook header block ("From:"
 *                 followed within 4 lines by "Sent:"/"Date:" and
 *                 "To:"/"Subject:", also in German and French, with the
 *                 "_____" rule above it) and ruleset quote markers quote
 *                 everything from there to the end.
 *              2. Signature.  The sign-off line (built-in list or a
 *                 ruleset marker) and everything after it up to the next
 *                 quoted line.  With several sign-offs the first one not
 *                 followed by prose wins ("Thanks!" in mid-text is not a
 *                 sign-off).  Without one, a trailing block of short lines
 *                 after a blank line that starts with the first word of
 *                 the sender's name is the signature.
 *              3. Form.  Over the body: blocks of 3 or more "Label: value"
 *                 lines (single blank lines allowed; a label with no value
 *                 takes the following lines, as CF7's "Message Body:"
 *                 does), "Label<TAB>Value" lines, and in HTML mail runs of
 *                 3 or more label/value line pairs (Gravity Forms).  Values
 *                 spread over short lines are joined with ", ", over
 *                 sentences with " ".
 * LIMITS       Works on lines: no HTML (html.c), no MIME (msg.c), no
 *              extraction (extract.c).
 * DIAGNOSTICS  zone_split() returns 0.  A ruleset marker that hits a PCRE2
 *              limit counts as not matching and sets z->limit_hit.
 * SEE ALSO     msg(3), html(3), rules(3)
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pcre2.h>

#include "zone.h"
#include "buf.h"

#define ZONE_LABEL_MAX	40	/* longest form label, bytes */
#define ZONE_LABEL_WORDS 6	/* most words in a form label */
#define ZONE_FORM_MIN	3	/* fields that make a "Label: value" block */
#define ZONE_PAIRS_MIN	3	/* label/value line pairs that make a form */
#define ZONE_QUESTION_MAX 100	/* longest "label?" line of a question form */
#define ZONE_SHORT_LINE	80	/* longest signature line, bytes */
#define ZONE_SIG_LINES	12	/* most lines of a name-only signature */
#define ZONE_SIG_AFTER	20	/* most lines after a fallback sign-off */
#define ZONE_HDR_SPAN	4	/* Outlook header block: lines after From: */

enum zone_class {
	ZONE_C_BODY = 0,
	ZONE_C_SIG,
	ZONE_C_QUOTE
};

/* One line of the message text, without its "\n". */
struct zone_line {
	const char *p;		/* start of the line */
	size_t len;
	const char *t;		/* trimmed content */
	size_t tlen;
	int cls;		/* enum zone_class */
	int prose_after;	/* prose from here to the next quote or "-- " */
	size_t lines_after;	/* non-blank lines in the same stretch */
};

/* State of one split. */
struct zone_ctx {
	const struct msg *m;
	const struct zone_markers *mk;
	pcre2_match_data *md;
	int match_err;		/* a marker hit a PCRE2 limit */
	struct zone_line *l;
	size_t n;
};

static const char *const zone_names[ZONE_COUNT] = {
	"subject", "from", "replyto", "to", "body", "signature", "quoted",
	"form", "all"
};

/* Sign-off phrases, compared case-insensitively with the whole line. */
static const char *const zone_signoffs[] = {
	"thanks", "thank you", "thanks again", "thank you again",
	"thanks in advance", "thank you in advance", "thanks so much",
	"thank you so much", "thank you very much", "thanks a lot",
	"many thanks", "much appreciated", "with thanks", "thx",
	"thanks & regards", "thanks and regards", "thanks & best regards",
	"thanks and best regards", "many thanks and best regards",
	"thanks for your help", "thank you for your help",
	"thanks for your time", "thank you for your time",
	"regards", "kind regards", "best regards", "warm regards",
	"warmest regards", "kindest regards", "best wishes", "warm wishes",
	"with kind regards", "with best regards", "with regards",
	"all the best", "best", "cheers", "sincerely", "yours sincerely",
	"sincerely yours", "yours truly", "yours faithfully", "respectfully",
	"mit freundlichen gr\xC3\xBC\xC3\x9F" "en", "mit freundlichen gr\xC3\xBC" "ssen",
	"mit freundlichem gru\xC3\x9F", "freundliche gr\xC3\xBC\xC3\x9F" "e",
	"freundliche gr\xC3\xBC" "sse", "viele gr\xC3\xBC\xC3\x9F" "e",
	"viele gr\xC3\xBC" "sse", "beste gr\xC3\xBC\xC3\x9F" "e", "beste gr\xC3\xBC" "sse",
	"liebe gr\xC3\xBC\xC3\x9F" "e", "herzliche gr\xC3\xBC\xC3\x9F" "e",
	"sch\xC3\xB6ne gr\xC3\xBC\xC3\x9F" "e", "gru\xC3\x9F", "gr\xC3\xBC\xC3\x9F" "e",
	"mfg", "lg", "vielen dank", "danke",
	"cordialement", "bien cordialement", "tr\xC3\xA8s cordialement",
	"bien \xC3\xA0 vous", "merci", "merci beaucoup", "merci d'avance",
	"merci par avance", "salutations", "sinc\xC3\xA8res salutations",
	"meilleures salutations", "bonne journ\xC3\xA9" "e",
	"met vriendelijke groet", "met vriendelijke groeten", "groeten",
	"saludos", "un saludo", "atentamente", "cordiali saluti",
	"distinti saluti", NULL
};

/* A short line ending in one of these is a sign-off too ("Vielen Dank und
 * freundliche Grüße", "Met vriendelijke groet / Kind regards"). */
static const char *const zone_signoff_ends[] = {
	"regards", "gr\xC3\xBC\xC3\x9F" "e", "gr\xC3\xBC\xC3\x9F" "en", "gr\xC3\xBC" "sse",
	"gr\xC3\xBC" "ssen", "gru\xC3\x9F", "cordialement", "salutations", "groet",
	"groeten", "saludos", "saluti", "wishes", "sincerely", NULL
};

/* Lines that start a signature whatever follows them. */
static const char *const zone_signoff_prefixes[] = {
	"sent from my ", "get outlook for ", "von meinem iphone gesendet",
	"envoy\xC3\xA9 de mon ", NULL
};

/* Attribution lines: a start, a verb, and a final ':'. */
static const char *const zone_attr_starts[] = {
	"On ", "Am ", "Le ", "El ", "Il ", "Op ", NULL
};
static const char *const zone_attr_verbs[] = {
	"wrote", "writes", "schrieb", "a \xC3\xA9" "crit", "escribi\xC3\xB3",
	"ha scritto", "schreef", NULL
};

/* Separator lines of forwarded and replied mail (after leading dashes). */
static const char *const zone_sep_words[] = {
	"original message", "forwarded message", "ursp\xC3\xBCngliche nachricht",
	"urspr\xC3\xBC" "ngliche nachricht", "weitergeleitete nachricht",
	"message d'origine", "message transf\xC3\xA9r\xC3\xA9", "mensaje original",
	"messaggio originale", "oorspronkelijk bericht", NULL
};

/* Outlook header block field names, English, German, French, Dutch. */
static const char *const zone_hdr_from[] = {
	"From:", "Von:", "De :", "De:", "Van:", "Da:", NULL
};
static const char *const zone_hdr_sent[] = {
	"Sent:", "Date:", "Gesendet:", "Datum:", "Envoy\xC3\xA9 :",
	"Envoy\xC3\xA9:", "Date :", "Verzonden:", "Inviato:", NULL
};
static const char *const zone_hdr_to[] = {
	"To:", "Subject:", "An:", "Betreff:", "\xC3\x80 :", "\xC3\x80:",
	"Objet :", "Objet:", "Aan:", "Onderwerp:", "Cc:", "A:", "Oggetto:", NULL
};

/* Titles skipped when taking the first word of the sender's name. */
static const char *const zone_titles[] = {
	"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof.",
	"herr", "frau", "m.", "mme", "ing.", "dipl.-ing.", NULL
};

/* zone_name - name of a zone id; NULL if out of range */
const char *
zone_name(int id)
{
	return id >= 0 && id < ZONE_COUNT ? zone_names[id] : NULL;
}

/* zone_lookup - zone id of a name; -1 if unknown */
int
zone_lookup(const char *name)
{
	int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ZONE_COUNT; i++)
		if (strcmp(zone_names[i], name) == 0)
			return i;
	return -1;
}

/* zone_space - ASCII white space (UTF-8 bytes are never white) */
static int
zone_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* zone_alpha - a letter: ASCII letter or the lead byte of a UTF-8 char */
static int
zone_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xC0;
}

/* zone_lower - ASCII lower case of a byte (no locale: this runs per line
 * per word) */
static int
zone_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* zone_prefix - s (n bytes) starts with word, ASCII case-insensitively;
 * returns the word's length, or 0 */
static size_t
zone_prefix(const char *s, size_t n, const char *word)
{
	size_t k;

	for (k = 0; word[k]; k++)
		if (k >= n || zone_lower((unsigned char)s[k]) != zone_lower((unsigned char)word[k]))
			return 0;
	return k;
}

/* zone_prefix_in - s starts with one of words; returns its length or 0 */
static size_t
zone_prefix_in(const char *s, size_t n, const char *const *words)
{
	size_t k;

	for (; *words; words++)
		if ((k = zone_prefix(s, n, *words)) != 0)
			return k;
	return 0;
}

/* zone_contains - s (n bytes) contains word, ASCII case-insensitively */
static int
zone_contains(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (strncasecmp(s + i, word, k) == 0)
			return 1;
	return 0;
}

/* zone_words - number of space-separated words */
static int
zone_words(const char *s, size_t n)
{
	int w = 0, in = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (zone_space((unsigned char)s[i]))
			in = 0;
		else if (!in)
			in = 1, w++;
	}
	return w;
}

/* zone_marker_match - one of the ruleset patterns matches the line */
static int
zone_marker_match(struct zone_ctx *c, void *const *codes, size_t ncodes,
		  const struct zone_line *l)
{
	size_t i;
	int rc;

	if (codes == NULL || ncodes == 0 || c->md == NULL)
		return 0;
	for (i = 0; i < ncodes; i++) {
		if (codes[i] == NULL)
			continue;
		rc = pcre2_match((const pcre2_code *)codes[i],
				 (PCRE2_SPTR)l->p, l->len, 0, 0, c->md, NULL);
		if (rc >= 0)
			return 1;
		if (rc != PCRE2_ERROR_NOMATCH)
			c->match_err = 1;
	}
	return 0;
}

/* zone_name_like - 1..4 capitalised words, as in "Thanks, Bob Smith" */
static int
zone_name_like(const char *s, size_t n)
{
	size_t i;
	int words = zone_words(s, n), start = 1;

	if (words == 0 || words > 4 || n > 40)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (zone_space(ch)) {
			start = 1;
			continue;
		}
		if (start && !(isupper(ch) || ch >= 0xC0))
			return 0;
		start = 0;
		if (!(isalpha(ch) || ch >= 0x80 || ch == '.' || ch == '-'
		      || ch == '\''))
			return 0;
	}
	return 1;
}

/* zone_signoff_end - a short line that ends in a sign-off word (the
 * ending first: most lines have none, and need no count of their words) */
static int
zone_signoff_end(const char *s, size_t n)
{
	const char *const *w;
	size_t i, k;
	int ends = 0;

	while (n > 0 && strchr(",.!: ", s[n - 1]))
		n--;
	for (w = zone_signoff_ends; *w && !ends && n > 0; w++) {
		/* the last letters first: most lines end in none of them */
		k = strlen(*w);
		ends = n > k && zone_lower((unsigned char)s[n - 1]) == (unsigned char)(*w)[k - 1]
		    && strncasecmp(s + n - k, *w, k) == 0
		    && (s[n - k - 1] == ' ' || s[n - k - 1] == '/');
	}
	if (!ends || zone_words(s, n) > 8)
		return 0;
	for (i = 0; i < n; i++)
		if (isdigit((unsigned char)s[i]) || strchr("?;@", s[i]))
			return 0;
	return 1;
}

/*
 * The sign-offs by first letter, in list order: zone_signoff_order holds
 * the indexes of the entries starting with byte c from
 * zone_signoff_start[c] up to zone_signoff_start[c + 1].  A line is
 * compared with those only; entries with another first letter never
 * match it, so the first match is the one the whole list gives.
 */
#define ZONE_NSIGNOFFS	(sizeof(zone_signoffs) / sizeof(zone_signoffs[0]) - 1)
static unsigned char zone_signoff_order[ZONE_NSIGNOFFS];
static unsigned char zone_signoff_start[257];
static pthread_once_t zone_signoff_once = PTHREAD_ONCE_INIT;

/* zone_signoff_index - sort the sign-offs by first letter, once */
static void
zone_signoff_index(void)
{
	size_t k = 0;

	for (int c = 0; c < 256; c++) {
		zone_signoff_start[c] = (unsigned char)k;
		for (size_t i = 0; zone_signoffs[i]; i++)
			if ((unsigned char)zone_signoffs[i][0] == c)
				zone_signoff_order[k++] = (unsigned char)i;
	}
	zone_signoff_start[256] = (unsigned char)k;
}

/* zone_is_signoff - the line is a built-in sign-off; *strong when bare */
static int
zone_is_signoff(const char *s, size_t n, int *strong)
{
	const char *r;
	size_t k, rn;
	int c;

	*strong = 1;
	if (n == 2 && memcmp(s, "--", 2) == 0)
		return 1;
	if (zone_prefix_in(s, n, zone_signoff_prefixes))
		return 1;
	pthread_once(&zone_signoff_once, zone_signoff_index);
	/* the list is lower case: only entries with the line's first letter */
	c = n > 0 ? zone_lower((unsigned char)s[0]) : 0;
	for (int j = zone_signoff_start[c]; j < zone_signoff_start[c + 1]; j++) {
		if ((k = zone_prefix(s, n, zone_signoffs[zone_signoff_order[j]])) == 0)
			continue;
		r = s + k;
		rn = n - k;
		if (rn > 0 && !zone_space((unsigned char)*r) && !strchr(",.!:;", *r))
			continue;	/* "Bestellung", "Thanksgiving" */
		while (rn > 0 && (zone_space((unsigned char)*r)
				  || strchr(",.!:;-", *r)))
			r++, rn--;
		if (rn == 0)
			return 1;
		if (zone_name_like(r, rn)) {
			*strong = 0;
			return 1;
		}
	}
	return zone_signoff_end(s, n);
}

/* zone_is_prose - a line of running text, not a signature line */
static int
zone_is_prose(const struct zone_line *l)
{
	int w = zone_words(l->t, l->tlen);
	char last = l->tlen ? l->t[l->tlen - 1] : 0;

	return w >= 12 || (w >= 6 && strchr(".!?", last) && last != 0);
}

/* zone_is_sigsep - the "-- " signature separator */
static int
zone_is_sigsep(const struct zone_line *l)
{
	return l->tlen == 2 && memcmp(l->t, "--", 2) == 0;
}

/* zone_attr_verb - the line holds an attribution verb ("wrote") */
static int
zone_attr_verb(const struct zone_line *l)
{
	const char *const *v;

	for (v = zone_attr_verbs; *v; v++)
		if (zone_contains(l->t, l->tlen, *v))
			return 1;
	return 0;
}

/* zone_has_digit - the line holds a digit (an attribution holds a date) */
static int
zone_has_digit(const struct zone_line *l)
{
	size_t i;

	for (i = 0; i < l->tlen; i++)
		if (isdigit((unsigned char)l->t[i]))
			return 1;
	return 0;
}

/* zone_attribution - lines (1 or 2) of an "On ... wrote:" at i; 0 if none */
static int
zone_attribution(const struct zone_ctx *c, size_t i)
{
	const struct zone_line *a = &c->l[i], *b;

	if (!zone_prefix_in(a->t, a->tlen, zone_attr_starts) || a->tlen > 300)
		return 0;
	if (a->t[a->tlen - 1] == ':' && zone_attr_verb(a) && zone_has_digit(a))
		return 1;
	if (i + 1 >= c->n)
		return 0;
	b = &c->l[i + 1];
	if (b->tlen == 0 || b->tlen > 200 || b->t[b->tlen - 1] != ':'
	    || !(zone_has_digit(a) || zone_has_digit(b)))
		return 0;
	return zone_attr_verb(a) || zone_attr_verb(b) ? 2 : 0;
}

/* zone_hdr_field - trimmed line starts with one of names, '*' allowed */
static int
zone_hdr_field(const struct zone_line *l, const char *const *names)
{
	const char *s = l->t;
	size_t n = l->tlen;

	while (n > 0 && *s == '*')
		s++, n--;
	return zone_prefix_in(s, n, names) != 0;
}

/* zone_outlook_block - Outlook From:/Sent:/To: header block at line i */
static int
zone_outlook_block(const struct zone_ctx *c, size_t i)
{
	size_t j;
	int sent = 0, to = 0;

	if (!zone_hdr_field(&c->l[i], zone_hdr_from))
		return 0;
	for (j = i + 1; j < c->n && j <= i + ZONE_HDR_SPAN; j++) {
		if (zone_hdr_field(&c->l[j], zone_hdr_sent))
			sent = 1;
		else if (zone_hdr_field(&c->l[j], zone_hdr_to))
			to = 1;
	}
	return sent && to;
}

/* zone_separator - "-----Original Message-----" and friends */
static int
zone_separator(const struct zone_line *l)
{
	const char *s = l->t;
	size_t n = l->tlen;

	if (zone_prefix(s, n, "Begin forwarded message"))
		return 1;
	if (n < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	while (n > 0 && (*s == '-' || *s == ' '))
		s++, n--;
	return zone_prefix_in(s, n, zone_sep_words) != 0;
}

/* zone_is_rule - a line of only '_', '-' or '=' (Outlook's rule) */
static int
zone_is_rule(const struct zone_line *l)
{
	size_t i;

	if (l->tlen < 8)
		return 0;
	for (i = 0; i < l->tlen; i++)
		if (l->t[i] != l->t[0] || !strchr("_-=", l->t[i]))
			return 0;
	return 1;
}

/* zone_quote_rest - lines from..n-1 are quoted */
static void
zone_quote_rest(struct zone_ctx *c, size_t from)
{
	size_t i;

	for (i = from; i < c->n; i++)
		c->l[i].cls = ZONE_C_QUOTE;
}

/* zone_find_quoted - step 1: mark quoted lines */
static void
zone_find_quoted(struct zone_ctx *c)
{
	size_t i, j, k;
	int span;

	for (i = 0; i < c->n; i++) {
		struct zone_line *l = &c->l[i];

		if (l->tlen > 0 && l->t[0] == '>') {
			l->cls = ZONE_C_QUOTE;
			continue;
		}
		if (l->tlen == 0)
			continue;
		if ((span = zone_attribution(c, i)) > 0) {
			for (j = i + (size_t)span; j < c->n && c->l[j].tlen == 0; j++)
				;
			if (j < c->n && c->l[j].t[0] == '>') {
				for (k = i; k < i + (size_t)span; k++)
					c->l[k].cls = ZONE_C_QUOTE;
				i += (size_t)span - 1;
				continue;
			}
			zone_quote_rest(c, i);
			return;
		}
		if (zone_separator(l) || zone_outlook_block(c, i)
		    || zone_marker_match(c, c->mk ? c->mk->quote : NULL,
					 c->mk ? c->mk->nquote : 0, l)) {
			/* Outlook puts a rule of underscores above the block. */
			for (j = i; j > 0 && c->l[j - 1].tlen == 0; j--)
				;
			if (j > 0 && zone_is_rule(&c->l[j - 1]))
				i = j - 1;
			zone_quote_rest(c, i);
			return;
		}
	}
}

/* zone_is_title - "Dr.", "Mr", "Frau": not the first name */
static int
zone_is_title(const char *p, size_t n)
{
	const char *const *t;

	for (t = zone_titles; *t; t++)
		if (strlen(*t) == n && strncasecmp(p, *t, n) == 0)
			return 1;
	return 0;
}

/* zone_first_word - first word of the sender's name, titles skipped */
static size_t
zone_first_word(const char *name, const char **word)
{
	const char *p = name, *e;
	size_t n;

	for (;;) {
		while (*p && (zone_space((unsigned char)*p) || *p == '"'
			      || *p == '\''))
			p++;
		for (e = p; *e && !zone_space((unsigned char)*e) && *e != ','
		     && *e != '"'; e++)
			;
		if ((n = (size_t)(e - p)) == 0)
			return 0;
		if (!zone_is_title(p, n))
			break;
		p = e;
	}
	*word = p;
	return n;
}

/* zone_sig_by_name - start of a trailing name block in [0,end); end if none */
static size_t
zone_sig_by_name(const struct zone_ctx *c, size_t end)
{
	const char *w;
	size_t wn, i, j;
	int lines, ok;

	if ((wn = zone_first_word(c->m->from_name, &w)) < 2)
		return end;
	for (i = 1; i < end; i++) {
		const struct zone_line *l = &c->l[i];

		if (l->cls != ZONE_C_BODY || c->l[i - 1].tlen != 0)
			continue;
		if (l->tlen < wn || memcmp(l->t, w, wn) != 0
		    || (l->tlen > wn && (zone_alpha((unsigned char)l->t[wn])
					 || isdigit((unsigned char)l->t[wn]))))
			continue;
		lines = 0;
		ok = 1;
		for (j = i; j < end && ok; j++) {
			if (c->l[j].tlen == 0)
				continue;
			lines++;
			if (c->l[j].cls != ZONE_C_BODY || c->l[j].len > ZONE_SHORT_LINE
			    || zone_is_prose(&c->l[j]) || lines > ZONE_SIG_LINES)
				ok = 0;
		}
		/* Some new text must come before the signature. */
		for (j = 0; ok && j < i; j++)
			if (c->l[j].tlen > 0 && c->l[j].cls == ZONE_C_BODY)
				return i;
	}
	return end;
}

/* zone_quote_after - first quoted line at or after i, or n */
static size_t
zone_quote_after(const struct zone_ctx *c, size_t i)
{
	while (i < c->n && c->l[i].cls != ZONE_C_QUOTE)
		i++;
	return i;
}

/* zone_find_signature - step 2: mark the signature lines */
static void
zone_find_signature(struct zone_ctx *c)
{
	size_t i, end, nonblank, start = c->n, fallback = c->n, first = c->n;
	int strong, prose, is;

	/* What follows each line, computed backwards: one pass, not one per
	 * sign-off candidate.  Line n is the sentinel. */
	for (i = c->n; i-- > 0;) {
		struct zone_line *l = &c->l[i];

		if (l->cls == ZONE_C_QUOTE || zone_is_sigsep(l))
			continue;
		/* zone_is_prose() only when no later line is prose */
		l->prose_after = c->l[i + 1].prose_after || zone_is_prose(l);
		l->lines_after = (l->tlen > 0) + c->l[i + 1].lines_after;
	}
	for (i = 0; i < c->n; i++) {
		const struct zone_line *l = &c->l[i];

		if (l->cls != ZONE_C_BODY || l->tlen == 0)
			continue;
		if (first == c->n)
			first = i;
		is = zone_is_signoff(l->t, l->tlen, &strong);
		if (!is && zone_marker_match(c, c->mk ? c->mk->signoff : NULL,
					     c->mk ? c->mk->nsignoff : 0, l))
			is = 1, strong = 1;
		if (!is)
			continue;
		/* A sign-off is not the first line ("Thanks Bob," greets). */
		if (i == first && !zone_is_sigsep(l))
			continue;
		prose = c->l[i + 1].prose_after;
		nonblank = c->l[i + 1].lines_after;
		if (!prose) {
			start = i;
			break;
		}
		if (strong && nonblank <= ZONE_SIG_AFTER)
			fallback = i;
	}
	if (start == c->n)
		start = fallback;
	if (start == c->n)
		start = zone_sig_by_name(c, zone_quote_after(c, 0));
	if (start == c->n)
		return;
	end = zone_quote_after(c, start);
	for (i = start; i < end; i++)
		c->l[i].cls = ZONE_C_SIG;
}

/* zone_alnum - ASCII letter or digit: isalnum() without its call (a
 * byte over 0x7f is the caller's business) */
static int
zone_alnum(unsigned char ch)
{
	return (unsigned)((ch | 0x20) - 'a') < 26 || (unsigned)(ch - '0') < 10;
}

/* zone_label_punct - punctuation a form label may hold: what
 * strchr(" -/'()&#*?_+", ch) says, NUL included, without a call per byte */
static int
zone_label_punct(unsigned char ch)
{
	switch (ch) {
	case ' ': case '-': case '/': case '\'': case '(': case ')': case '&':
	case '#': case '*': case '?': case '_': case '+': case '\0':
		return 1;
	}
	return 0;
}

/* zone_label - the line starts with a form label; returns its length */
static size_t
zone_label(const char *s, size_t n, int need_colon, const char **value,
	   size_t *vlen)
{
	size_t i, end;
	int words;

	if (n == 0 || !zone_alpha((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n && i <= ZONE_LABEL_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ':')
			break;
		if (ch == '\t')
			return 0;
		if (!(zone_alnum(ch) || ch >= 0x80 || zone_label_punct(ch)))
			return 0;
	}
	if (i > ZONE_LABEL_MAX)
		return 0;
	if (i == n) {
		if (need_colon)
			return 0;
		end = n;
		*value = s + n;
		*vlen = 0;
	} else {
		/* "Label: value" or "Label:" - not "https://" nor "10:30" */
		if (i + 1 < n && !zone_space((unsigned char)s[i + 1]))
			return 0;
		end = i;
		*value = s + i + 1;
		*vlen = n - i - 1;
		while (*vlen > 0 && zone_space((unsigned char)**value))
			(*value)++, (*vlen)--;
	}
	while (end > 0 && (zone_space((unsigned char)s[end - 1]) || s[end - 1] == '*'))
		end--;
	words = zone_words(s, end);
	if (end == 0 || words > ZONE_LABEL_WORDS)
		return 0;
	return end;
}

/* zone_value_short - a value line that reads as an address line */
static int
zone_value_short(const char *s, size_t n)
{
	return n <= ZONE_LABEL_MAX && (n == 0 || !strchr(".!?", s[n - 1]));
}

/* zone_form_put - emit "Label: value" with tabs and ends cleaned */
static void
zone_form_put(struct buf *form, const char *label, size_t ln,
	      const char *value, size_t vn)
{
	size_t i;

	while (vn > 0 && zone_space((unsigned char)value[vn - 1]))
		vn--;
	if (ln == 0 || vn == 0)
		return;
	buf_append(form, label, ln);
	buf_puts(form, ": ");
	i = form->len;
	buf_append(form, value, vn);
	for (; i < form->len; i++)
		if (form->data[i] == '\t')
			form->data[i] = ' ';
	buf_putc(form, '\n');
}

/* zone_form_join - emit a field whose value lines are split by '\x01':
 * joined with ", " when they read as address lines, else with " " */
static void
zone_form_join(struct buf *form, const char *label, size_t ln,
	       const struct buf *val, int shortv)
{
	struct buf joined = BUF_INIT;
	const char *p = buf_str(val), *end = p + val->len, *sep;

	/* runs between the '\x01's, whole */
	for (;; p = sep + 1) {
		if ((sep = memchr(p, '\x01', (size_t)(end - p))) == NULL)
			sep = end;
		buf_append(&joined, p, (size_t)(sep - p));
		if (sep == end)
			break;
		if (joined.len > 0)
			buf_puts(&joined, shortv ? ", " : " ");
	}
	zone_form_put(form, label, ln, buf_str(&joined), joined.len);
	buf_free(&joined);
}

/* zone_body_text - line i is a non-blank body line without a TAB */
static int
zone_body_text(const struct zone_ctx *c, size_t i)
{
	return i < c->n && c->l[i].cls == ZONE_C_BODY && c->l[i].tlen > 0
	    && memchr(c->l[i].t, '\t', c->l[i].tlen) == NULL;
}

/* zone_next_is_label - the next non-blank body line (one blank allowed) is
 * a "Label:" line: a list of fields goes on, not a sentence with a colon */
static int
zone_next_is_label(const struct zone_ctx *c, size_t i)
{
	const char *v;
	size_t vn;

	if (i < c->n && c->l[i].cls == ZONE_C_BODY && c->l[i].tlen == 0)
		i++;
	return zone_body_text(c, i)
	    && zone_label(c->l[i].t, c->l[i].tlen, 1, &v, &vn) != 0;
}

/* zone_form_block - "Label: value" block at i; returns lines used or 0 */
static size_t
zone_form_block(struct zone_ctx *c, size_t i, struct buf *form)
{
	struct buf out = BUF_INIT, val = BUF_INIT;
	const char *label, *v, *dummy;
	size_t j = i, k, ln, vn, dn;
	int fields = 0, blanks, shortv;

	while (j < c->n && c->l[j].cls == ZONE_C_BODY) {
		if (c->l[j].tlen == 0) {
			/* One blank line may separate fields. */
			if (j + 1 < c->n && zone_body_text(c, j + 1)
			    && zone_label(c->l[j + 1].t, c->l[j + 1].tlen, 1,
					  &dummy, &dn)) {
				j++;
				continue;
			}
			break;
		}
		label = c->l[j].t;
		if ((ln = zone_label(label, c->l[j].tlen, 1, &v, &vn)) == 0)
			break;
		buf_reset(&val);
		buf_append(&val, v, vn);
		shortv = zone_value_short(v, vn);
		/* Following lines that are no label belong to this value. */
		blanks = 0;
		for (k = j + 1; k < c->n && c->l[k].cls == ZONE_C_BODY; k++) {
			if (c->l[k].tlen == 0) {
				/* Only an empty label takes a multi-paragraph value. */
				if (vn > 0 || ++blanks > 1)
					break;
				continue;
			}
			if (zone_label(c->l[k].t, c->l[k].tlen, 1, &dummy, &dn)
			    && (vn > 0 || val.len == 0
				|| zone_next_is_label(c, k + 1)))
				break;
			blanks = 0;
			shortv = shortv && zone_value_short(c->l[k].t, c->l[k].tlen);
			buf_putc(&val, '\x01');
			buf_append(&val, c->l[k].t, c->l[k].tlen);
		}
		while (k > j + 1 && c->l[k - 1].tlen == 0)
			k--;
		zone_form_join(&out, label, ln, &val, shortv);
		fields++;
		j = k;
	}
	if (fields >= ZONE_FORM_MIN)
		buf_append(form, buf_str(&out), out.len);
	else
		j = i;
	buf_free(&out);
	buf_free(&val);
	return j - i;
}

/* zone_form_tab - "Label<TAB>Value" line (two table cells) at i */
static int
zone_form_tab(const struct zone_ctx *c, size_t i, struct buf *form)
{
	const struct zone_line *l = &c->l[i];
	const char *tab, *v, *val;
	size_t ln, vn;

	if (l->cls != ZONE_C_BODY
	    || (tab = memchr(l->t, '\t', l->tlen)) == NULL
	    || memchr(tab + 1, '\t', l->tlen - (size_t)(tab + 1 - l->t)) != NULL)
		return 0;
	if ((ln = zone_label(l->t, (size_t)(tab - l->t), 0, &v, &vn)) == 0
	    || vn > 0)
		return 0;
	val = tab + 1;
	vn = l->tlen - (size_t)(val - l->t);
	while (vn > 0 && zone_space((unsigned char)*val))
		val++, vn--;
	zone_form_put(form, l->t, ln, val, vn);
	return 1;
}

/* zone_pair_label - a label alone on its line; questions may be long */
static size_t
zone_pair_label(const struct zone_line *l)
{
	const char *v;
	size_t ln, vn, i;

	if (l->t[l->tlen - 1] == '?' && l->tlen <= ZONE_QUESTION_MAX
	    && zone_alpha((unsigned char)l->t[0])) {
		for (i = 0; i < l->tlen; i++)
			if (strchr(".;!<>@[]{}=\"", l->t[i]))
				return 0;
		return l->tlen;
	}
	if ((ln = zone_label(l->t, l->tlen, 0, &v, &vn)) == 0 || vn > 0)
		return 0;
	return ln;
}

/* zone_form_pairs - label line / value line pairs at i; lines used or 0 */
static size_t
zone_form_pairs(const struct zone_ctx *c, size_t i, struct buf *form)
{
	struct buf out = BUF_INIT, val = BUF_INIT;
	size_t j = i, k, ln, last = i;
	int pairs = 0, blank_mode, shortv;

	/* Gravity Forms: label, value, label, value.  Typeform and headed
	 * paragraphs: label and value lines, then a blank line. */
	blank_mode = !zone_body_text(c, i + 2);
	if (!blank_mode && c->m->origin != MSG_ORIGIN_HTML)
		return 0;
	while (zone_body_text(c, j) && zone_body_text(c, j + 1)) {
		if ((ln = zone_pair_label(&c->l[j])) == 0)
			break;
		buf_reset(&val);
		shortv = 1;
		for (k = j + 1; zone_body_text(c, k); k++) {
			if (k > j + 1) {
				if (!blank_mode)
					break;
				buf_putc(&val, '\x01');
			}
			buf_append(&val, c->l[k].t, c->l[k].tlen);
			shortv = shortv && zone_value_short(c->l[k].t, c->l[k].tlen);
		}
		zone_form_join(&out, c->l[j].t, ln, &val, shortv);
		pairs++;
		last = k;
		j = k;
		if (blank_mode) {
			if (j >= c->n || c->l[j].cls != ZONE_C_BODY || c->l[j].tlen)
				break;
			j++;
		}
	}
	if (pairs >= ZONE_PAIRS_MIN)
		buf_append(form, buf_str(&out), out.len);
	else
		last = i;
	buf_free(&out);
	buf_free(&val);
	return last - i;
}

/* zone_find_form - step 3: web-form fields of the body */
static void
zone_find_form(struct zone_ctx *c, struct buf *form)
{
	size_t i = 0, used;

	while (i < c->n) {
		if (c->l[i].cls != ZONE_C_BODY || c->l[i].tlen == 0) {
			i++;
			continue;
		}
		if (zone_form_tab(c, i, form)) {
			i++;
			continue;
		}
		if ((used = zone_form_block(c, i, form)) > 0) {
			i += used;
			continue;
		}
		if ((i == 0 || !zone_body_text(c, i - 1))
		    && (used = zone_form_pairs(c, i, form)) > 0) {
			i += used;
			continue;
		}
		i++;
	}
}

/* zone_put_lines - append the lines of one class, blank lines kept single */
static void
zone_put_lines(const struct zone_ctx *c, int cls, struct buf *b)
{
	size_t i;
	int gap = 0;

	for (i = 0; i < c->n; i++) {
		const struct zone_line *l = &c->l[i];

		if (l->tlen == 0 || l->cls != cls) {
			gap = 1;
			continue;
		}
		if (gap && b->len > 0)
			buf_putc(b, '\n');
		gap = 0;
		/* Keep indentation, drop trailing white space. */
		buf_append(b, l->p, (size_t)(l->t - l->p) + l->tlen);
		buf_putc(b, '\n');
	}
}

/* zone_lines - split text into lines with trimmed views */
static void
zone_lines(struct zone_ctx *c, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	struct zone_line *l;
	size_t cap = 64;

	c->l = lm_xcalloc(cap, sizeof(*c->l));
	c->n = 0;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		/* Keep one zeroed line past the end as a sentinel. */
		if (c->n + 1 == cap) {
			cap *= 2;
			c->l = lm_xrealloc(c->l, cap * sizeof(*c->l));
			memset(c->l + c->n, 0, (cap - c->n) * sizeof(*c->l));
		}
		l = &c->l[c->n++];
		l->p = p;
		l->len = (size_t)(nl - p);
		l->t = p;
		l->tlen = l->len;
		while (l->tlen > 0 && zone_space((unsigned char)l->t[0]))
			l->t++, l->tlen--;
		while (l->tlen > 0 && zone_space((unsigned char)l->t[l->tlen - 1]))
			l->tlen--;
		l->cls = ZONE_C_BODY;
		p = nl + 1;
	}
}

/* zone_put_addr - "Name <addr>", "<addr>" or "Name" plus "\n" */
static void
zone_put_addr(struct buf *b, const char *name, const char *addr)
{
	if (*name && *addr)
		buf_printf(b, "%s <%s>\n", name, addr);
	else if (*addr)
		buf_printf(b, "<%s>\n", addr);
	else if (*name)
		buf_printf(b, "%s\n", name);
}

/* zone_put_str - s plus "\n" unless empty */
static void
zone_put_str(struct buf *b, const char *s)
{
	if (s != NULL && *s) {
		buf_puts(b, s);
		buf_putc(b, '\n');
	}
}

/* zone_split - split message m into zones z */
int
zone_split(const struct msg *m, const struct zone_markers *mk,
	   struct zones *z)
{
	struct buf b[ZONE_COUNT];
	struct zone_ctx c;
	int i;

	memset(&c, 0, sizeof(c));
	memset(z, 0, sizeof(*z));
	for (i = 0; i < ZONE_COUNT; i++)
		buf_init(&b[i]);
	c.m = m;
	c.mk = mk;
	if (mk != NULL && (mk->nsignoff > 0 || mk->nquote > 0))
		c.md = pcre2_match_data_create(1, NULL);
	zone_lines(&c, buf_str(&m->text), m->text.len);

	zone_find_quoted(&c);
	zone_find_signature(&c);
	zone_find_form(&c, &b[ZONE_FORM]);

	zone_put_str(&b[ZONE_SUBJECT], m->subject);
	zone_put_addr(&b[ZONE_FROM], m->from_name ? m->from_name : "",
		      m->from_addr ? m->from_addr : "");
	zone_put_addr(&b[ZONE_REPLYTO], m->reply_name ? m->reply_name : "",
		      m->reply_addr ? m->reply_addr : "");
	zone_put_str(&b[ZONE_TO], m->to);
	zone_put_lines(&c, ZONE_C_BODY, &b[ZONE_BODY]);
	zone_put_lines(&c, ZONE_C_SIG, &b[ZONE_SIGNATURE]);
	zone_put_lines(&c, ZONE_C_QUOTE, &b[ZONE_QUOTED]);
	buf_append(&b[ZONE_ALL], buf_str(&b[ZONE_SUBJECT]), b[ZONE_SUBJECT].len);
	buf_append(&b[ZONE_ALL], buf_str(&b[ZONE_BODY]), b[ZONE_BODY].len);
	buf_append(&b[ZONE_ALL], buf_str(&b[ZONE_SIGNATURE]),
		   b[ZONE_SIGNATURE].len);
	buf_append(&b[ZONE_ALL], buf_str(&b[ZONE_FORM]), b[ZONE_FORM].len);

	for (i = 0; i < ZONE_COUNT; i++) {
		z->len[i] = b[i].len;
		z->text[i] = buf_steal(&b[i]);
	}
	z->limit_hit = c.match_err;
	free(c.l);
	if (c.md != NULL)
		pcre2_match_data_free(c.md);
	return 0;
}

/* zones_free - free every zone text; z may be NULL */
void
zones_free(struct zones *z)
{
	int i;

	if (z == NULL)
		return;
	for (i = 0; i < ZONE_COUNT; i++) {
		free(z->text[i]);
		z->text[i] = NULL;
		z->len[i] = 0;
	}
	z->limit_hit = 0;
}
