/*
 * annotate - turn a verdict into a plan of message edits
 *
 * DESCRIPTION  See annotate.h.  The order of a plan is the order the MTA
 *              must see: incoming X-Lead-* headers are deleted highest
 *              index first (deleting index n never renumbers 1..n-1, in
 *              Sendmail or in Postfix), then our headers are added, the
 *              Subject changed, recipients deleted before the one
 *              destination is added, and the body prefix planned last.
 *              Routing replaces only the inquiry recipients; a recipient
 *              that already is the destination is kept, and the
 *              destination is never added twice.
 * LIMITS       Header values are capped at ANNOTATE_MAX_VALUE bytes (cut
 *              at a character boundary, "..." appended) before encoding.
 *              Invalid UTF-8 becomes "?".  Folding is at spaces only.
 * DIAGNOSTICS  annotate_build() returns 0; LM_EINTERNAL when the input
 *              has neither a verdict nor a reason for skipping.
 * SEE ALSO     RFC 2047 (encoded-words), RFC 5322 section 2.2.3 (folding)
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "annotate.h"

#define ANNOTATE_FOLD	78	/* RFC 5322 recommended line length */
#define ANNOTATE_B_CHUNK 45	/* bytes per encoded-word: 60 base64 chars, 72 in all */

/* annotate_init - an empty plan */
void
annotate_init(struct annotate_plan *p)
{
	memset(p, 0, sizeof(*p));
}

/* annotate_free - release a plan and leave it empty; idempotent */
void
annotate_free(struct annotate_plan *p)
{
	for (size_t i = 0; i < p->nhdr; i++) {
		free(p->hdr[i].name);
		free(p->hdr[i].value);
	}
	for (size_t i = 0; i < p->nrcpt; i++)
		free(p->rcpt[i].addr);
	free(p->hdr);
	free(p->rcpt);
	free(p->body_prefix);
	free(p->dest);
	free(p->summary);
	free(p->changes);
	annotate_init(p);
}

/* annotate_is_lead_header - is this one of our X-Lead-* names? */
int
annotate_is_lead_header(const char *name)
{
	return strncasecmp(name, ANNOTATE_PREFIX, sizeof(ANNOTATE_PREFIX) - 1) == 0;
}

/* annotate_addr_bare - the address inside "<...>" and blanks */
static const char *
annotate_addr_bare(const char *a, size_t *len)
{
	const char *end;

	while (isspace((unsigned char)*a) || *a == '<')
		a++;
	end = a + strcspn(a, ">");
	while (end > a && isspace((unsigned char)end[-1]))
		end--;
	*len = (size_t)(end - a);
	return a;
}

/* annotate_addr_equal - the same address, ignoring <>, blanks and case */
int
annotate_addr_equal(const char *a, const char *b)
{
	size_t la, lb;

	a = annotate_addr_bare(a, &la);
	b = annotate_addr_bare(b, &lb);
	return la == lb && la > 0 && strncasecmp(a, b, la) == 0;
}

/* annotate_utf8_len - length of the valid UTF-8 sequence at s, 0 if none */
static size_t
annotate_utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* annotate_clean - one line of valid UTF-8: controls and runs of white
 * space become one space, invalid bytes "?", at most cap bytes */
static void
annotate_clean(const char *in, size_t cap, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t n = strlen((const char *)s), start = out->len;
	int space = 0;

	while (*s && isspace(*s))
		s++, n--;
	while (*s) {
		size_t l = annotate_utf8_len(s, n);

		if (l == 1 && (iscntrl(*s) || *s == ' ')) {
			space = 1;
			s++, n--;
			continue;
		}
		if (space) {
			buf_putc(out, ' ');
			space = 0;
		}
		if (out->len - start + (l ? l : 1) > cap) {
			/* cut at a character boundary, and say so */
			while (out->len - start + 3 > cap && out->len > start) {
				out->len--;
				while (out->len > start &&
				       ((unsigned char)out->data[out->len] & 0xc0) == 0x80)
					out->len--;
			}
			out->data[out->len] = '\0';
			buf_puts(out, "...");
			return;
		}
		if (l == 0) {
			buf_putc(out, '?');
			s++, n--;
		} else {
			buf_append(out, s, l);
			s += l, n -= l;
		}
	}
}

/* annotate_fold - append words, folding with "\n\t" before 78 columns;
 * col is where the value starts on the first line */
static void
annotate_fold(const char *s, size_t col, struct buf *out)
{
	int first = 1;

	while (*s) {
		size_t wl = strcspn(s, " ");

		if (!first) {
			if (col + 1 + wl > ANNOTATE_FOLD) {
				buf_puts(out, "\n\t");
				col = 8;
			} else {
				buf_putc(out, ' ');
				col++;
			}
		}
		buf_append(out, s, wl);
		col += wl;
		first = 0;
		s += wl;
		while (*s == ' ')
			s++;
	}
}

/* annotate_b64 - base64 of n bytes, appended */
static void
annotate_b64(const unsigned char *s, size_t n, struct buf *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		buf_putc(out, tab[(v >> 18) & 63]);
		buf_putc(out, tab[(v >> 12) & 63]);
		buf_putc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* annotate_needs_encoding - must this word be an encoded-word?  Non-ASCII
 * text must; so must ASCII that a reader would take for one ("=?") */
static int
annotate_needs_encoding(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)w[i] >= 0x80 || (w[i] == '=' && i + 1 < n && w[i + 1] == '?'))
			return 1;
	return 0;
}

/* annotate_encode - RFC 2047 B-encoded words for n bytes of UTF-8, each at
 * most 75 characters and never splitting a character */
static void
annotate_encode(const unsigned char *s, size_t n, struct buf *out)
{
	while (n > 0) {
		size_t k = 0;

		while (k < n) {
			size_t l = annotate_utf8_len(s + k, n - k);

			if (NEVER(l == 0))	/* annotate_clean left only valid UTF-8 */
				l = 1;
			if (k > 0 && k + l > ANNOTATE_B_CHUNK)
				break;
			k += l;
		}
		buf_puts(out, "=?UTF-8?B?");
		annotate_b64(s, k, out);
		buf_puts(out, "?=");
		s += k;
		n -= k;
		if (n > 0)
			buf_putc(out, ' ');
	}
}

/* annotate_value - a header value ready for smfi_addheader: clean, capped,
 * words with non-ASCII text RFC 2047 B-encoded (a run of such words is one
 * encoding, so the spaces between them survive decoding), folded; namelen
 * is the length of the header name, so the first line stays short too */
void
annotate_value(const char *in, size_t cap, size_t namelen, struct buf *out)
{
	struct buf clean = BUF_INIT, words = BUF_INIT;
	const char *s;

	annotate_clean(in, cap, &clean);
	s = buf_str(&clean);
	while (*s) {
		size_t wl = strcspn(s, " ");
		const char *run = s;

		if (words.len > 0)
			buf_putc(&words, ' ');
		if (!annotate_needs_encoding(s, wl)) {
			buf_append(&words, s, wl);
		} else {
			/* extend the run over the next words that need it too */
			const char *end = s + wl;

			while (*end == ' ' && annotate_needs_encoding(end + 1, strcspn(end + 1, " ")))
				end += 1 + strcspn(end + 1, " ");
			annotate_encode((const unsigned char *)run, (size_t)(end - run), &words);
			wl = (size_t)(end - s);
		}
		s += wl;
		while (*s == ' ')
			s++;
	}
	annotate_fold(buf_str(&words), namelen + 2, out);
	buf_free(&words);
	buf_free(&clean);
}

/* annotate_quote - a log value in double quotes: controls "?", quotes and
 * backslashes escaped, at most cap bytes of text */
void
annotate_quote(const char *in, size_t cap, struct buf *out)
{
	struct buf clean = BUF_INIT;

	annotate_clean(in, cap, &clean);
	buf_putc(out, '"');
	for (const char *s = buf_str(&clean); *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
	buf_free(&clean);
}

/* annotate_hdr_add - append a header operation; value is sanitised */
static void
annotate_hdr_add(struct annotate_plan *p, int kind, const char *name,
		 int index, const char *value)
{
	struct annotate_hdr *h;
	struct buf v = BUF_INIT;

	p->hdr = lm_xrealloc(p->hdr, (p->nhdr + 1) * sizeof(p->hdr[0]));
	h = &p->hdr[p->nhdr++];
	h->kind = kind;
	h->name = lm_xstrdup(name);
	h->index = index;
	h->value = NULL;
	if (kind != ANNOTATE_HDR_DELETE) {
		annotate_value(value, ANNOTATE_MAX_VALUE, strlen(name), &v);
		h->value = buf_steal(&v);
	}
}

/* annotate_rcpt_add - append a recipient operation */
static void
annotate_rcpt_add(struct annotate_plan *p, int add, const char *addr)
{
	p->rcpt = lm_xrealloc(p->rcpt, (p->nrcpt + 1) * sizeof(p->rcpt[0]));
	p->rcpt[p->nrcpt].add = add;
	p->rcpt[p->nrcpt].addr = lm_xstrdup(addr);
	p->nrcpt++;
}

/* annotate_delete_seen - delete incoming X-Lead-* headers (all, or those
 * named only), highest index first */
static void
annotate_delete_seen(const struct annotate_input *in, const char *only,
		     struct annotate_plan *p)
{
	for (size_t i = in->nseen; i-- > 0;)
		if (only == NULL || strcasecmp(in->seen[i].name, only) == 0)
			annotate_hdr_add(p, ANNOTATE_HDR_DELETE, in->seen[i].name,
					 in->seen[i].index, NULL);
}

/* annotate_max_total - the highest total the criteria allow */
static int
annotate_max_total(const struct verdict *v)
{
	return 3 * v->ncrit;
}

/* annotate_score - "10 (need=3 timeframe=3 authority=2 profile=2)" */
static void
annotate_score(const struct verdict *v, struct buf *out)
{
	buf_printf(out, "%d", v->total);
	for (int i = 0; i < v->ncrit; i++)
		buf_printf(out, "%s%s=%d", i ? " " : " (", v->crit[i].name, v->crit[i].level);
	if (v->ncrit > 0)
		buf_putc(out, ')');
}

/* annotate_nonempty - s if it has text, else NULL */
static const char *
annotate_nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* annotate_field - a verdict field with text, or NULL */
static const char *
annotate_field(const struct verdict *v, const char *name)
{
	return annotate_nonempty(verdict_field(v, name));
}

/* annotate_source - the lead source field, else the inquiry address */
static const char *
annotate_source(const struct annotate_input *in)
{
	const char *s = annotate_field(in->v, "source");

	if (s == NULL)
		s = annotate_field(in->v, "lead-source");
	for (size_t i = 0; s == NULL && i < in->nrcpt; i++)
		if (in->inquiry[i])
			s = in->rcpt[i];
	return s;
}

/* annotate_who - "Name, Title, Company, CC, N employees", or the address */
static void
annotate_who(const struct verdict *v, struct buf *out)
{
	const char *parts[] = {
		annotate_nonempty(v->name), annotate_field(v, "title"),
		annotate_field(v, "company"), annotate_field(v, "country"),
	};
	const char *emp = annotate_field(v, "employees");
	size_t start = out->len;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i])
			buf_printf(out, "%s%s", out->len > start ? ", " : "", parts[i]);
	if (emp)
		buf_printf(out, "%s%s employees", out->len > start ? ", " : "", emp);
	if (out->len == start)
		buf_puts(out, annotate_nonempty(v->email) ? v->email : "unknown sender");
}

/* annotate_summary - "sales 10/12 [sweet-spot, rfp]: Karen Whitfield, ..." */
static void
annotate_summary(const struct verdict *v, const char *dest, struct buf *out)
{
	buf_printf(out, "%s %d/%d", v->decision ? v->decision : "unknown",
		   v->total, annotate_max_total(v));
	if (v->disqualifier)
		buf_printf(out, " (%s%s%s)", v->disqualifier, dest ? " -> " : "",
			   dest ? dest : "");
	if (v->ntags > 0) {
		buf_puts(out, " [");
		verdict_tags_join(v, ", ", out);
		buf_putc(out, ']');
	}
	buf_puts(out, ": ");
	annotate_who(v, out);
}

/* annotate_tag - expand a SubjectTag format; runs of blanks collapse and
 * a blank before a closing bracket goes, so an empty %g leaves no gap */
static void
annotate_tag(const char *fmt, const struct verdict *v, struct buf *out)
{
	struct buf raw = BUF_INIT;

	for (const char *f = fmt; *f; f++) {
		if (*f != '%' || f[1] == '\0') {
			buf_putc(&raw, *f);
			continue;
		}
		switch (*++f) {
		case 'd':
			buf_puts(&raw, v->decision ? v->decision : "unknown");
			break;
		case 't':
			buf_printf(&raw, "%d", v->total);
			break;
		case 'm':
			buf_printf(&raw, "%d", annotate_max_total(v));
			break;
		case 'g':
			if (v->ntags > 0)
				verdict_tags_join(v, ",", &raw);
			break;
		default:
			buf_putc(&raw, *f);
			break;
		}
	}
	for (const char *s = buf_str(&raw); *s; s++) {
		if (*s == ' ' && (s[1] == ' ' || s[1] == ']' || s[1] == ')' || s[1] == '\0' ||
				  out->len == 0))
			continue;
		buf_putc(out, *s);
	}
	buf_free(&raw);
}

/* annotate_subject - plan the Subject tag */
static void
annotate_subject(const char *fmt, const struct annotate_input *in,
		 struct annotate_plan *p)
{
	struct buf tag = BUF_INIT, val = BUF_INIT, subj = BUF_INIT;

	annotate_tag(fmt, in->v, &tag);
	annotate_value(buf_str(&tag), ANNOTATE_MAX_VALUE, strlen("Subject"), &val);
	if (in->subject == NULL) {
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "Subject", 0, buf_str(&tag));
	} else if (strncmp(in->subject, buf_str(&val), val.len) != 0) {
		/* the original text stays as it came: encoded-words and all */
		const char *s = in->subject;

		while (*s == ' ' || *s == '\t')
			s++;
		buf_printf(&subj, "%s %s", buf_str(&val), s);
		p->hdr = lm_xrealloc(p->hdr, (p->nhdr + 1) * sizeof(p->hdr[0]));
		p->hdr[p->nhdr].kind = ANNOTATE_HDR_CHANGE;
		p->hdr[p->nhdr].name = lm_xstrdup("Subject");
		p->hdr[p->nhdr].index = 1;
		p->hdr[p->nhdr].value = buf_steal(&subj);
		p->nhdr++;
	}
	buf_free(&tag);
	buf_free(&val);
}

/* annotate_dest - where a verdict routes: the disqualifier's own mailbox,
 * else the configured mailbox of the decision, else the rules' one */
static const char *
annotate_dest(const struct annotate_opts *opt, const struct annotate_input *in)
{
	const struct verdict *v = in->v;
	const char *d = NULL, *dec = v->decision ? v->decision : "";

	if (v->disqualifier && (d = annotate_nonempty(in->disq_dest)) != NULL)
		return d;
	if (strcmp(dec, "sales") == 0)
		d = annotate_nonempty(opt->sales_mailbox);
	else if (strcmp(dec, "nurture") == 0)
		d = annotate_nonempty(opt->nurture_mailbox);
	else if (strcmp(dec, "archive") == 0)
		d = annotate_nonempty(opt->archive_mailbox);
	if (d == NULL)
		d = annotate_nonempty(in->decision_dest);
	if (d == NULL)
		d = annotate_nonempty(v->destination);
	return d;
}

/* annotate_route - replace the inquiry recipients with dest */
static void
annotate_route(const char *dest, const struct annotate_input *in,
	       struct annotate_plan *p)
{
	struct buf add = BUF_INIT;
	size_t ndel = 0;
	int present = 0;

	for (size_t i = 0; i < in->nrcpt; i++) {
		int dup = 0;

		if (annotate_addr_equal(in->rcpt[i], dest)) {
			present = 1;
			continue;
		}
		if (!in->inquiry[i])
			continue;
		for (size_t j = 0; j < p->nrcpt; j++)
			dup |= strcmp(p->rcpt[j].addr, in->rcpt[i]) == 0;
		if (!dup) {
			annotate_rcpt_add(p, 0, in->rcpt[i]);
			ndel++;
		}
	}
	if (ndel > 0 && !present) {
		size_t n;
		const char *bare = annotate_addr_bare(dest, &n);

		buf_printf(&add, "<%.*s>", (int)n, bare);
		annotate_rcpt_add(p, 1, buf_str(&add));
		buf_free(&add);
	}
}

/* annotate_body_simple - a single text/plain part we can prepend to? */
static int
annotate_body_simple(const struct annotate_input *in, int *utf8)
{
	const char *ct = in->content_type, *cs;

	*utf8 = 0;
	if (in->cte != NULL) {
		const char *e = in->cte;

		while (isspace((unsigned char)*e))
			e++;
		if (strncasecmp(e, "7bit", 4) != 0 && strncasecmp(e, "8bit", 4) != 0)
			return 0;
	}
	if (ct == NULL)
		return 1;	/* RFC 2045: text/plain; charset=us-ascii */
	while (isspace((unsigned char)*ct))
		ct++;
	if (strncasecmp(ct, "text/plain", 10) != 0 ||
	    (ct[10] != '\0' && ct[10] != ';' && !isspace((unsigned char)ct[10])))
		return 0;
	for (cs = ct; (cs = strchr(cs, '=')) != NULL; cs++) {
		const char *k = cs;

		while (k > ct && isspace((unsigned char)k[-1]))
			k--;
		if (k - ct >= 7 && strncasecmp(k - 7, "charset", 7) == 0) {
			cs++;
			while (isspace((unsigned char)*cs) || *cs == '"')
				cs++;
			*utf8 = strncasecmp(cs, "utf-8", 5) == 0 || strncasecmp(cs, "utf8", 4) == 0;
		}
	}
	return 1;
}

/* annotate_body_line - one "Label: value" line of the body block */
static void
annotate_body_line(const char *label, const char *value, int utf8, struct buf *out)
{
	struct buf clean = BUF_INIT;

	annotate_clean(value, ANNOTATE_MAX_VALUE, &clean);
	buf_printf(out, "%-9s ", label);
	for (const unsigned char *s = (const unsigned char *)buf_str(&clean); *s;) {
		size_t l = annotate_utf8_len(s, strlen((const char *)s));

		/* a body without charset=utf-8 gets "?" for each character */
		if (l > 1 && !utf8)
			buf_putc(out, '?');
		else
			buf_append(out, s, l);
		s += l;
	}
	buf_puts(out, "\r\n");
	buf_free(&clean);
}

/* annotate_body - the summary block for the top of the body */
static char *
annotate_body(const struct annotate_input *in, const char *dest, int utf8)
{
	const struct verdict *v = in->v;
	struct buf out = BUF_INIT, t = BUF_INIT;

	buf_puts(&out, "----- leadmilter -----\r\n");
	annotate_score(v, &t);
	buf_printf(&t, " of %d", annotate_max_total(v));
	annotate_body_line("Decision:", v->decision ? v->decision : "unknown", utf8, &out);
	annotate_body_line("Score:", buf_str(&t), utf8, &out);
	buf_reset(&t);
	if (v->disqualifier) {
		buf_puts(&t, v->disqualifier);
		if (dest)
			buf_printf(&t, " (-> %s)", dest);
		annotate_body_line("Reason:", buf_str(&t), utf8, &out);
		buf_reset(&t);
	}
	if (v->ntags > 0) {
		verdict_tags_join(v, ", ", &t);
		annotate_body_line("Tags:", buf_str(&t), utf8, &out);
		buf_reset(&t);
	}
	annotate_who(v, &t);
	annotate_body_line("Who:", buf_str(&t), utf8, &out);
	if (annotate_nonempty(v->lead_id))
		annotate_body_line("Lead:", v->lead_id, utf8, &out);
	buf_puts(&out, "----------------------\r\n\r\n");
	buf_free(&t);
	return buf_steal(&out);
}

/* annotate_changes - "hdr-1,hdr+11,subject,rcpt-1,rcpt+1,body" */
static char *
annotate_changes(const struct annotate_plan *p)
{
	struct buf out = BUF_INIT;
	size_t del = 0, add = 0, rdel = 0, radd = 0;
	int subject = 0;

	for (size_t i = 0; i < p->nhdr; i++) {
		if (strcasecmp(p->hdr[i].name, "Subject") == 0)
			subject = 1;
		else if (p->hdr[i].kind == ANNOTATE_HDR_DELETE)
			del++;
		else
			add++;
	}
	for (size_t i = 0; i < p->nrcpt; i++)
		p->rcpt[i].add ? radd++ : rdel++;
	if (del)
		buf_printf(&out, ",hdr-%zu", del);
	if (add)
		buf_printf(&out, ",hdr+%zu", add);
	if (subject)
		buf_puts(&out, ",subject");
	if (rdel)
		buf_printf(&out, ",rcpt-%zu", rdel);
	if (radd)
		buf_printf(&out, ",rcpt+%zu", radd);
	if (p->body_prefix)
		buf_puts(&out, ",body");
	if (out.len == 0)
		return lm_xstrdup("none");
	memmove(out.data, out.data + 1, out.len);	/* the NUL too */
	out.len--;
	return buf_steal(&out);
}

/* annotate_full - the plan for a qualified message, DryRun aside */
static void
annotate_full(const struct annotate_opts *opt, const struct annotate_input *in,
	      struct annotate_plan *p)
{
	const struct verdict *v = in->v;
	struct buf t = BUF_INIT;
	const char *s;
	int utf8;

	annotate_delete_seen(in, NULL, p);
	annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Decision", 0,
			 v->decision ? v->decision : "unknown");
	annotate_score(v, &t);
	annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Score", 0, buf_str(&t));
	buf_reset(&t);
	if (v->ntags > 0) {
		verdict_tags_join(v, ", ", &t);
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Tags", 0, buf_str(&t));
		buf_reset(&t);
	}
	if (v->disqualifier)
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Reason", 0, v->disqualifier);
	if ((s = annotate_field(v, "company")) != NULL)
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Company", 0, s);
	if ((s = annotate_field(v, "title")) != NULL)
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Title", 0, s);
	if ((s = annotate_field(v, "country")) != NULL)
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Country", 0, s);
	if ((s = annotate_field(v, "employees")) != NULL)
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Employees", 0, s);
	if ((s = annotate_source(in)) != NULL)
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Source", 0, s);
	if (annotate_nonempty(v->lead_id))
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Id", 0, v->lead_id);
	annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Summary", 0, p->summary);
	if (opt->route && p->dest) {
		annotate_route(p->dest, in, p);
		if (p->nrcpt > 0) {
			buf_printf(&t, "<%s>", p->dest);
			annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-Routed", 0, buf_str(&t));
			buf_reset(&t);
		}
	} else if (opt->route) {
		p->note = "no mailbox for this decision: recipients kept";
	}
	if (opt->subject_tag)
		annotate_subject(opt->subject_tag, in, p);
	if (opt->body_summary) {
		if (annotate_body_simple(in, &utf8))
			p->body_prefix = annotate_body(in, p->dest, utf8);
		else if (p->note == NULL)
			p->note = "not a single-part 7bit/8bit text/plain message: body summary skipped";
	}
	buf_free(&t);
}

/* annotate_build - the plan for one message */
int
annotate_build(const struct annotate_opts *opt, const struct annotate_input *in,
	       struct annotate_plan *p)
{
	struct buf t = BUF_INIT;

	annotate_init(p);
	if (in->v == NULL && in->skipped == NULL)
		return LM_EINTERNAL;
	if (in->v == NULL) {
		if (!opt->dry_run)
			annotate_delete_seen(in, NULL, p);
		else
			annotate_delete_seen(in, "X-Lead-DryRun", p);
		p->changes = annotate_changes(p);
		if (opt->dry_run)
			buf_printf(&t, "skipped=%s", in->skipped);
		annotate_hdr_add(p, ANNOTATE_HDR_ADD,
				 opt->dry_run ? "X-Lead-DryRun" : "X-Lead-Skipped", 0,
				 opt->dry_run ? buf_str(&t) : in->skipped);
		buf_free(&t);
		return 0;
	}
	p->dest = lm_xstrdup(annotate_dest(opt, in));
	annotate_summary(in->v, p->dest, &t);
	p->summary = buf_steal(&t);
	annotate_full(opt, in, p);
	p->changes = annotate_changes(p);
	if (opt->dry_run) {
		/* keep dest, summary and changes for the log; drop the edits */
		struct annotate_plan dry;

		annotate_init(&dry);
		dry.dest = p->dest;
		dry.summary = p->summary;
		dry.changes = p->changes;
		dry.note = p->note;
		p->dest = p->summary = p->changes = NULL;
		annotate_free(p);
		*p = dry;
		annotate_delete_seen(in, "X-Lead-DryRun", p);
		buf_printf(&t, "decision=%s score=%d/%d dest=%s%s%s would=%s",
			   in->v->decision ? in->v->decision : "unknown", in->v->total,
			   annotate_max_total(in->v), p->dest && opt->route ? "<" : "",
			   p->dest && opt->route ? p->dest : "-", p->dest && opt->route ? ">" : "",
			   p->changes);
		annotate_hdr_add(p, ANNOTATE_HDR_ADD, "X-Lead-DryRun", 0, buf_str(&t));
		buf_free(&t);
	}
	return 0;
}
