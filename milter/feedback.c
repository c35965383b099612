/*
 * feedback - read a sales rep's accepted/rejected mail about a lead
 *
 * DESCRIPTION  See feedback.h.  The message is decoded by msg_parse()
 *              (charsets, HTML, forwarded messages quoted with "> "), so
 *              this file only reads lines of UTF-8 text.  The raw bytes
 *              are searched for X-Lead-Id header lines because msg.c keeps
 *              no headers of attached messages.
 * LIMITS       No store access (store.c), no sqlite3: this is engine code.
 *              A reply whose new text starts with an unrelated "no"
 *              ("No idea who this is") counts as a rejection: reps are
 *              told to start with the word, and that reading is the
 *              useful one.
 * DIAGNOSTICS  Return codes only; nothing is logged here.
 * SEE ALSO     msg(3), store(3)
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "feedback.h"
#include "msg.h"

/* Longer phrases first, so "accepted" is not read as "accept" + "ed". */
static const struct feedback_word {
	const char *word;
	int accepted;
} feedback_words[] = {
	{ "good lead", 1 }, { "accepted", 1 }, { "accept", 1 }, { "yes", 1 },
	{ "bad lead", 0 }, { "rejected", 0 }, { "reject", 0 }, { "no", 0 },
};

/* Reply and forward prefixes of subjects (English, German, Nordic, French). */
static const char *const feedback_prefixes[] = {
	"re", "fw", "fwd", "aw", "wg", "sv", "vs", "tr", "antw",
};

/* feedback_lower - ASCII lower case of one byte */
static int
feedback_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* feedback_alnum - ASCII letter or digit, or any non-ASCII byte (a letter
 * of another script: "accepté" is no "accept") */
static int
feedback_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c >= 0x80;
}

/* feedback_hex - a hexadecimal digit */
static int
feedback_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
	    || (c >= 'A' && c <= 'F');
}

/* feedback_prefix - does s[0..n) start with word, case-insensitively? */
static int
feedback_prefix(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);

	if (n < wl)
		return 0;
	for (size_t i = 0; i < wl; i++)
		if (feedback_lower((unsigned char)s[i]) != word[i])
			return 0;
	return 1;
}

/* feedback_find_id - the first "L" + 16 hex digits token in s[0..n) */
int
feedback_find_id(const char *s, size_t n, char lead_id[FEEDBACK_ID_MAX])
{
	for (size_t i = 0; i + 17 <= n; i++) {
		size_t j;

		if (s[i] != 'L' || (i > 0 && feedback_alnum((unsigned char)s[i - 1])))
			continue;
		for (j = 1; j <= 16 && feedback_hex((unsigned char)s[i + j]); j++)
			;
		if (j != 17 || (i + 17 < n && feedback_alnum((unsigned char)s[i + 17])))
			continue;
		memcpy(lead_id, s + i, 17);
		lead_id[17] = '\0';
		return 1;
	}
	return 0;
}

/* feedback_header_id - an X-Lead-Id line anywhere in the raw message */
static int
feedback_header_id(const char *data, size_t len, char lead_id[FEEDBACK_ID_MAX])
{
	static const char tag[] = "x-lead-id:";
	const char *p = data, *end = data + len, *nl;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		/* In the text, quoted forwards keep the header behind "> ". */
		while (p < nl && (*p == '>' || *p == ' ' || *p == '\t'))
			p++;
		if (feedback_prefix(p, (size_t)(nl - p), tag)
		    && feedback_find_id(p + sizeof(tag) - 1,
					(size_t)(nl - p) - (sizeof(tag) - 1), lead_id))
			return 1;
		if (nl == end)
			break;
	}
	return 0;
}

/* feedback_quote_start - does this line start the quoted or forwarded part? */
static int
feedback_quote_start(const char *p, size_t n)
{
	size_t k;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n > 0 && p[0] == '>')
		return 1;
	if (n == 3 && memcmp(p, "-- ", 3) == 0)
		return 1;
	if (n == 2 && memcmp(p, "--", 2) == 0)
		return 1;
	for (k = 0; k < n && (p[k] == '_' || p[k] == '-'); k++)
		;
	if (k >= 8)		/* "-----Original Message-----", "______" */
		return 1;
	if (feedback_prefix(p, n, "begin forwarded message")
	    || feedback_prefix(p, n, "from:") || feedback_prefix(p, n, "von:")
	    || feedback_prefix(p, n, "de :") || feedback_prefix(p, n, "de:"))
		return 1;
	/* "On Mon, ... wrote:", "Am ... schrieb ...:", "Le ... a écrit :" */
	if (n > 0 && p[n - 1] == ':'
	    && (feedback_prefix(p, n, "on ") || feedback_prefix(p, n, "am ")
		|| feedback_prefix(p, n, "le ")))
		return 1;
	return 0;
}

/* feedback_reason - copy the rest of a line after its keyword */
static char *
feedback_reason(const char *p, size_t n)
{
	for (;;) {
		if (n > 0 && strchr(" \t:;,.!-()*", *p) != NULL) {
			p++;
			n--;
		} else if (n >= 3 && (unsigned char)p[0] == 0xe2
			   && (unsigned char)p[1] == 0x80
			   && ((unsigned char)p[2] == 0x93 || (unsigned char)p[2] == 0x94)) {
			p += 3;		/* en dash, em dash */
			n -= 3;
		} else {
			break;
		}
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n > FEEDBACK_REASON_MAX) {
		n = FEEDBACK_REASON_MAX;
		while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
	}
	return n > 0 ? lm_xstrndup(p, n) : NULL;
}

/* feedback_words_match - does the line start with a keyword?  -1 if not,
 * else 0/1 (rejected/accepted) and *rest points behind the keyword */
static int
feedback_words_match(const char *p, size_t n, const char **rest)
{
	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '*' || *p == '_')) {
		p++;
		n--;
	}
	for (size_t i = 0; i < sizeof(feedback_words) / sizeof(feedback_words[0]); i++) {
		size_t wl = strlen(feedback_words[i].word);

		if (feedback_prefix(p, n, feedback_words[i].word)
		    && (wl == n || !feedback_alnum((unsigned char)p[wl]))) {
			*rest = p + wl;
			return feedback_words[i].accepted;
		}
	}
	return -1;
}

/* feedback_subject_strip - skip "Re: ", "Fwd: ", "[tag] " prefixes */
static const char *
feedback_subject_strip(const char *s)
{
	int again = 1;

	while (again) {
		again = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '[') {
			const char *e = strchr(s, ']');

			if (e != NULL) {
				s = e + 1;
				again = 1;
				continue;
			}
		}
		for (size_t i = 0; i < sizeof(feedback_prefixes) / sizeof(feedback_prefixes[0]); i++) {
			size_t pl = strlen(feedback_prefixes[i]);
			const char *q = s + pl;

			if (!feedback_prefix(s, strlen(s), feedback_prefixes[i]))
				continue;
			if (*q == '[') {	/* "Re[2]:" */
				const char *e = strchr(q, ']');

				if (e != NULL)
					q = e + 1;
			}
			while (*q == ' ')
				q++;
			if (*q == ':') {
				s = q + 1;
				again = 1;
				break;
			}
		}
	}
	return s;
}

/* feedback_subject_reason - the rest of the subject, without the
 * original subject that a reply or forward prefix starts */
static char *
feedback_subject_reason(const char *rest)
{
	size_t n = strlen(rest);
	size_t e;

	for (size_t i = 0; i < n; i++) {
		if (i > 0 && feedback_alnum((unsigned char)rest[i - 1]))
			continue;
		for (size_t k = 0; k < sizeof(feedback_prefixes) / sizeof(feedback_prefixes[0]); k++) {
			size_t pl = strlen(feedback_prefixes[k]);

			if (feedback_prefix(rest + i, n - i, feedback_prefixes[k])
			    && rest[i + pl] == ':') {
				n = i;
				break;
			}
		}
	}
	/* "reject: out of territory - Re: Inquiry": drop the " -" too */
	for (e = n; e > 0 && strchr(" \t-:;,|", rest[e - 1]) != NULL; e--)
		;
	return feedback_reason(rest, e);
}

/* feedback_parse - lead id, accepted or rejected, and reason of one mail */
int
feedback_parse(const char *data, size_t len, char lead_id[FEEDBACK_ID_MAX],
	       int *accepted, char **reason)
{
	struct msg m;
	struct lm_err err;
	const char *text, *end, *p, *nl, *rest, *subj;
	const char *first = NULL;
	size_t firstlen = 0;
	int lines = 0, dec = -1, rc;

	lead_id[0] = '\0';
	*accepted = 0;
	*reason = NULL;
	lm_err_clear(&err);
	if ((rc = msg_parse(data, len, &m, &err)) != 0)
		goto out;
	text = buf_str(&m.text);
	end = text + m.text.len;

	if (!feedback_header_id(data, len, lead_id)
	    && !feedback_header_id(text, m.text.len, lead_id)
	    && !feedback_find_id(m.subject, strlen(m.subject), lead_id))
		(void)feedback_find_id(text, m.text.len, lead_id);

	for (p = text; p < end && lines < FEEDBACK_MAX_LINES; p = nl + 1) {
		size_t n;

		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (feedback_quote_start(p, n))
			break;
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n > 0) {
			lines++;
			if (first == NULL) {
				first = p;
				firstlen = n;
			}
			if ((dec = feedback_words_match(p, n, &rest)) >= 0) {
				*reason = feedback_reason(rest, (size_t)(p + n - rest));
				break;
			}
		}
		if (nl == end)
			break;
	}
	if (dec < 0) {
		subj = feedback_subject_strip(m.subject);
		if ((dec = feedback_words_match(subj, strlen(subj), &rest)) >= 0) {
			*reason = feedback_subject_reason(rest);
			if (*reason == NULL && first != NULL)
				*reason = feedback_reason(first, firstlen);
		}
	}
	if (dec < 0 || lead_id[0] == '\0') {
		free(*reason);
		*reason = NULL;
		rc = LM_ENOTFOUND;
		goto out;
	}
	*accepted = dec;
	rc = 0;
out:
	msg_free(&m);
	return rc;
}
