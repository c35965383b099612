/*
 * verdict - the result of qualifying one inquiry, and its output forms
 *
 * DESCRIPTION  See verdict.h.  The verdict owns copies of every string;
 *              JSON goes through jansson (never hand-escaped).
 * LIMITS       No scoring here (engine.c), no header formatting for mail
 *              (annotate.c).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "verdict.h"

#define VERDICT_CAPTURE_MAX 160	/* bytes of a capture kept in the trail */

/* verdict_init - an empty verdict */
void
verdict_init(struct verdict *v)
{
	memset(v, 0, sizeof(*v));
}

/* verdict_free - free everything; the verdict is empty afterwards */
void
verdict_free(struct verdict *v)
{
	if (v == NULL)
		return;
	free(v->decision);
	free(v->disqualifier);
	free(v->destination);
	for (int i = 0; i < v->ncrit; i++)
		free(v->crit[i].name);
	for (size_t i = 0; i < v->ntags; i++)
		free(v->tags[i]);
	free(v->tags);
	for (size_t i = 0; i < v->nfields; i++) {
		free(v->fields[i].name);
		free(v->fields[i].value);
		free(v->fields[i].origin);
		free(v->fields[i].rule);
	}
	free(v->fields);
	for (size_t i = 0; i < v->nhits; i++) {
		free(v->hits[i].rule);
		free(v->hits[i].where);
		free(v->hits[i].capture);
		free(v->hits[i].effect);
	}
	free(v->hits);
	free(v->email);
	free(v->name);
	free(v->message_id);
	free(v->subject);
	free(v->lead_id);
	verdict_init(v);
}

/* verdict_field_info - the field record, or NULL; lent */
const struct verdict_field *
verdict_field_info(const struct verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nfields; i++)
		if (strcmp(v->fields[i].name, name) == 0)
			return &v->fields[i];
	return NULL;
}

/* verdict_field - a field's value, or NULL; lent */
const char *
verdict_field(const struct verdict *v, const char *name)
{
	const struct verdict_field *f = verdict_field_info(v, name);

	return f ? f->value : NULL;
}

/* verdict_crit - a criterion's level, 0 if unknown */
int
verdict_crit(const struct verdict *v, const char *name)
{
	for (int i = 0; i < v->ncrit; i++)
		if (strcmp(v->crit[i].name, name) == 0)
			return v->crit[i].level;
	return 0;
}

/* verdict_has_tag - is the tag set? */
int
verdict_has_tag(const struct verdict *v, const char *tag)
{
	for (size_t i = 0; i < v->ntags; i++)
		if (strcmp(v->tags[i], tag) == 0)
			return 1;
	return 0;
}

/* verdict_tags_join - tags separated by sep, "-" when none */
void
verdict_tags_join(const struct verdict *v, const char *sep, struct buf *out)
{
	if (v->ntags == 0) {
		buf_puts(out, "-");
		return;
	}
	for (size_t i = 0; i < v->ntags; i++) {
		if (i)
			buf_puts(out, sep);
		buf_puts(out, v->tags[i]);
	}
}

/* verdict_set_field - set or replace a field */
void
verdict_set_field(struct verdict *v, const char *name, const char *value,
		  const char *origin, const char *rule)
{
	struct verdict_field *f = NULL;

	for (size_t i = 0; i < v->nfields; i++)
		if (strcmp(v->fields[i].name, name) == 0)
			f = &v->fields[i];
	if (f == NULL) {
		v->fields = lm_xrealloc(v->fields, (v->nfields + 1) * sizeof(*v->fields));
		f = &v->fields[v->nfields++];
		f->name = lm_xstrdup(name);
	} else {
		free(f->value);
		free(f->origin);
		free(f->rule);
	}
	f->value = lm_xstrdup(value);
	f->origin = lm_xstrdup(origin ? origin : "");
	f->rule = lm_xstrdup(rule ? rule : "");
}

/* verdict_add_tag - add a tag once */
void
verdict_add_tag(struct verdict *v, const char *tag)
{
	if (verdict_has_tag(v, tag))
		return;
	v->tags = lm_xrealloc(v->tags, (v->ntags + 1) * sizeof(*v->tags));
	v->tags[v->ntags++] = lm_xstrdup(tag);
}

/* verdict_remove_tag - remove a tag if present */
void
verdict_remove_tag(struct verdict *v, const char *tag)
{
	for (size_t i = 0; i < v->ntags; i++)
		if (strcmp(v->tags[i], tag) == 0) {
			free(v->tags[i]);
			memmove(&v->tags[i], &v->tags[i + 1], (v->ntags - i - 1) * sizeof(*v->tags));
			v->ntags--;
			return;
		}
}

/* verdict_oneline - copy text with control characters as spaces, capped */
static char *
verdict_oneline(const char *s, size_t n, size_t cap)
{
	struct buf b = BUF_INIT;

	if (n > cap) {
		n = cap;
		/* do not cut a UTF-8 sequence */
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	buf_append(&b, s, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b.data[i];

		if (c < 0x20 || c == 0x7f)
			b.data[i] = ' ';
	}
	/* more text after the cut (s goes on to the end of its zone: no
	 * strlen() of all of it) */
	if (n == cap && memchr(s, '\0', n + 1) == NULL)
		buf_puts(&b, "...");
	return buf_steal(&b);
}

/* verdict_add_hit - record one rule firing */
void
verdict_add_hit(struct verdict *v, const char *rule, const char *where,
		const char *capture, size_t caplen, const char *effect)
{
	struct verdict_hit *h;

	/* room for 8, 16, 32...: grown when nhits reaches a power of two
	 * from 8 on (nothing else adds or removes hits) */
	if (v->nhits == 0 || (v->nhits >= 8 && (v->nhits & (v->nhits - 1)) == 0))
		v->hits = lm_xrealloc(v->hits, (v->nhits ? 2 * v->nhits : 8) * sizeof(*v->hits));
	h = &v->hits[v->nhits++];
	h->rule = lm_xstrdup(rule);
	h->where = lm_xstrdup(where);
	h->capture = capture ? verdict_oneline(capture, caplen, VERDICT_CAPTURE_MAX)
			     : lm_xstrdup("");
	h->effect = lm_xstrdup(effect);
}

/* verdict_quote - "value" with quotes and backslashes escaped, or - */
static void
verdict_quote(struct buf *out, const char *s)
{
	if (s == NULL || !*s) {
		buf_putc(out, '-');
		return;
	}
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(out, '\\');
		buf_putc(out, (unsigned char)*s < 0x20 ? ' ' : *s);
	}
	buf_putc(out, '"');
}

/* verdict_line - one human line: label decision scores tags reason fields */
void
verdict_line(const struct verdict *v, const char *label, struct buf *out)
{
	if (label)
		buf_printf(out, "%s ", label);
	buf_printf(out, "%-7s ", v->decision ? v->decision : "-");
	for (int i = 0; i < v->ncrit; i++)
		buf_printf(out, "%s%d", i ? "/" : "", v->crit[i].level);
	buf_printf(out, "=%d tags=", v->total);
	verdict_tags_join(v, ",", out);
	buf_printf(out, " reason=%s company=", v->disqualifier ? v->disqualifier : "-");
	verdict_quote(out, verdict_field(v, "company"));
	buf_puts(out, " title=");
	verdict_quote(out, verdict_field(v, "title"));
	buf_printf(out, " country=%s", verdict_field(v, "country") ? verdict_field(v, "country") : "-");
	buf_putc(out, '\n');
}

/* verdict_explain - the trail and the arithmetic, for leadctl explain */
void
verdict_explain(const struct verdict *v, struct buf *out)
{
	buf_printf(out, "lead %s  message-id <%s>\n", v->lead_id ? v->lead_id : "-",
	    v->message_id ? v->message_id : "");
	buf_printf(out, "prospect %s%s%s\n\n", v->name && *v->name ? v->name : "",
	    v->name && *v->name ? " " : "", v->email && *v->email ? v->email : "(unknown)");
	buf_puts(out, "rules that fired (in order):\n");
	if (v->nhits == 0)
		buf_puts(out, "  (none)\n");
	for (size_t i = 0; i < v->nhits; i++) {
		const struct verdict_hit *h = &v->hits[i];

		buf_printf(out, "  %-28s %-10s %-28s", h->rule, h->where, h->effect);
		if (*h->capture)
			buf_printf(out, " \"%s\"", h->capture);
		buf_putc(out, '\n');
	}
	buf_puts(out, "\nfields:\n");
	if (v->nfields == 0)
		buf_puts(out, "  (none)\n");
	for (size_t i = 0; i < v->nfields; i++) {
		const struct verdict_field *f = &v->fields[i];

		buf_printf(out, "  %-10s %-40s from %s%s%s\n", f->name, f->value, f->origin,
		    *f->rule ? " by " : "", f->rule);
	}
	buf_puts(out, "\nscore: ");
	for (int i = 0; i < v->ncrit; i++)
		buf_printf(out, "%s%s %d", i ? " + " : "", v->crit[i].name, v->crit[i].level);
	buf_printf(out, " = %d\n", v->total);
	buf_printf(out, "disqualifier: %s\n", v->disqualifier ? v->disqualifier : "none");
	buf_puts(out, "tags: ");
	verdict_tags_join(v, ", ", out);
	buf_printf(out, "\ndecision: %s", v->decision ? v->decision : "-");
	if (v->destination)
		buf_printf(out, " -> %s", v->destination);
	buf_putc(out, '\n');
	if (v->history_used)
		buf_puts(out, "history: facts or tags came from earlier inquiries (origin \"history\")\n");
	if (v->truncated)
		buf_puts(out, "note: the message hit a size or part limit; only part was read\n");
}

/* verdict_json - the verdict as a jansson object; caller json_decref()s */
void *
verdict_json(const struct verdict *v)
{
	json_t *o = json_object(), *crit = json_object(), *tags = json_array();
	json_t *fields = json_object(), *hits = json_array();

	json_object_set_new(o, "lead_id", json_string(v->lead_id ? v->lead_id : ""));
	json_object_set_new(o, "message_id", json_string(v->message_id ? v->message_id : ""));
	json_object_set_new(o, "decision", json_string(v->decision ? v->decision : ""));
	json_object_set_new(o, "disqualifier", v->disqualifier ? json_string(v->disqualifier)
							       : json_null());
	json_object_set_new(o, "destination", v->destination ? json_string(v->destination)
							     : json_null());
	for (int i = 0; i < v->ncrit; i++)
		json_object_set_new(crit, v->crit[i].name, json_integer(v->crit[i].level));
	json_object_set_new(o, "criteria", crit);
	json_object_set_new(o, "total", json_integer(v->total));
	for (size_t i = 0; i < v->ntags; i++)
		json_array_append_new(tags, json_string(v->tags[i]));
	json_object_set_new(o, "tags", tags);
	for (size_t i = 0; i < v->nfields; i++)
		json_object_set_new(fields, v->fields[i].name, json_string(v->fields[i].value));
	json_object_set_new(o, "fields", fields);
	for (size_t i = 0; i < v->nhits; i++) {
		json_t *h = json_object();

		json_object_set_new(h, "rule", json_string(v->hits[i].rule));
		json_object_set_new(h, "zone", json_string(v->hits[i].where));
		json_object_set_new(h, "capture", json_string(v->hits[i].capture));
		json_object_set_new(h, "effect", json_string(v->hits[i].effect));
		json_array_append_new(hits, h);
	}
	json_object_set_new(o, "hits", hits);
	json_object_set_new(o, "history_used", json_boolean(v->history_used));
	json_object_set_new(o, "truncated", json_boolean(v->truncated));
	json_object_set_new(o, "elapsed_us", json_integer(v->elapsed_us));
	return o;
}
