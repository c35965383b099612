/*
 * html - convert an HTML document to plain UTF-8 text (libxml2)
 *
 * DESCRIPTION  html_to_text() parses with htmlReadMemory() in recover mode
 *              (no network, no error output), walks the tree and renders
 *              lines the way a mail reader would lay them out, closely
 *              enough for zone.c to find paragraphs, sign-offs, quotes and
 *              forms:
 *              - p, h1-h6 end a paragraph (a blank line), other block
 *                elements and br end a line; two br make a blank line.
 *                Outlook's <p class=MsoNormal> is one line, not a paragraph.
 *              - one line per <tr>, cells separated by TAB; a cell with no
 *                text (white space, &nbsp;) is dropped.  In a table of 3
 *                rows or more (a form, not a layout or signature table) the
 *                line breaks inside a simple cell become ", ", so an
 *                address stays one value.
 *              - <blockquote> content is prefixed "> " per level;
 *                Outlook's <div id="divRplyFwdMsg"> and everything after it,
 *                and everything after an <hr> that is followed by a
 *                From:/Sent: block, are prefixed "> " too.
 *              - script, style, head, title, noscript, template dropped;
 *                white space folded; U+00A0 is a space; zero-width
 *                characters and soft hyphens dropped.
 * LIMITS       The input must already be UTF-8 (msg.c converts it); a
 *              <meta> charset is ignored.  Elements nested deeper than
 *              HTML_MAX_DEPTH are skipped.
 * DIAGNOSTICS  0, or LM_ESYNTAX when libxml2 produced no document.
 * SEE ALSO     msg(3), zone(3)
 */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "html.h"

#define HTML_MAX_DEPTH	256	/* deeper elements are not rendered */
#define HTML_MAX_HR	16	/* <hr> positions remembered */
#define HTML_FORM_ROWS	3	/* rows that make a table a form */
#define HTML_CELL_BLOCKS 3	/* more block children: a layout cell */

/* Rendering state for one document. */
struct html_out {
	struct buf text;	/* rendered text */
	int started;		/* any content written */
	int pending;		/* line breaks owed before next content: 0..2 */
	int linelen;		/* content bytes on the current line */
	int space;		/* a folded space is owed */
	int quote;		/* <blockquote> depth */
	int quote_rest;		/* divRplyFwdMsg seen: quote the rest */
	int pre;		/* inside <pre> */
	int inline_cell;	/* line breaks become ", " (form cell) */
	int cell_sep;		/* a ", " is owed inside the cell */
	int cell_len;		/* content bytes in the current cell */
	int tab;		/* a TAB is owed before the next cell */
	int row_cells;		/* non-empty cells in the current row */
	int table_rows;		/* rows of the innermost table */
	int hr_mark;		/* record the next line start as after-<hr> */
	size_t blanks;		/* white-space runs seen in text nodes */
	size_t hr[HTML_MAX_HR];	/* line starts after each <hr> */
	int nhr;
};

static void html_walk(struct html_out *h, xmlNode *node, int depth);

/* html_global_init - initialise libxml2 once, before threads */
void
html_global_init(void)
{
	xmlInitParser();
}

/* html_global_shutdown - release libxml2's global state at exit */
void
html_global_shutdown(void)
{
	xmlCleanupParser();
}

/* html_name_is - case-insensitive element name test */
static int
html_name_is(const xmlNode *node, const char *name)
{
	return node->name != NULL
	    && strcasecmp((const char *)node->name, name) == 0;
}

/* html_name_in - element name is one of a NULL-terminated list */
static int
html_name_in(const xmlNode *node, const char *const *names)
{
	for (; *names; names++)
		if (html_name_is(node, *names))
			return 1;
	return 0;
}

static const char *const html_skip[] = {
	"script", "style", "head", "title", "noscript", "template", "object",
	"applet", "iframe", "svg", "math", "select", NULL
};

static const char *const html_para[] = {
	"p", "h1", "h2", "h3", "h4", "h5", "h6", NULL
};

static const char *const html_block[] = {
	"div", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
	"tfoot", "caption", "form", "fieldset", "legend", "header", "footer",
	"section", "article", "nav", "aside", "address", "center", "figure",
	"figcaption", "main", "pre", "blockquote", "details", "summary",
	"textarea", NULL
};

/* html_attr_is - attribute value equals value (case-insensitive) */
static int
html_attr_is(xmlNode *node, const char *attr, const char *value)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)attr);
	int ret = v != NULL && strcasecmp((const char *)v, value) == 0;

	xmlFree(v);
	return ret;
}

/* html_break - owe n line breaks (1: new line, 2: blank line) */
static void
html_break(struct html_out *h, int n)
{
	if (h->inline_cell) {
		if (h->cell_len > 0)
			h->cell_sep = 1;
		return;
	}
	h->space = 0;
	if (h->started && h->pending < n)
		h->pending = n;
}

/* html_br - a <br>: end the line, or make a blank line after an empty one */
static void
html_br(struct html_out *h)
{
	if (h->inline_cell) {
		html_break(h, 1);
		return;
	}
	h->space = 0;
	if (h->started && h->pending < 2)
		h->pending++;
}

/* html_prefix - write the quote prefix of a new line */
static void
html_prefix(struct html_out *h)
{
	int i, n = h->quote + (h->quote_rest ? 1 : 0);

	for (i = 0; i < n; i++)
		buf_puts(&h->text, "> ");
}

/* html_put - write content bytes, settling owed breaks, spaces, TABs */
static void
html_put(struct html_out *h, const char *p, size_t n)
{
	char last;

	if (h->pending > 0) {
		buf_puts(&h->text, h->pending > 1 ? "\n\n" : "\n");
		h->pending = 0;
		h->linelen = 0;
		h->space = 0;
		h->tab = 0;
	}
	if (h->linelen == 0) {
		if (h->hr_mark && h->nhr < HTML_MAX_HR)
			h->hr[h->nhr++] = h->text.len;
		h->hr_mark = 0;
		html_prefix(h);
	} else if (h->tab) {
		buf_putc(&h->text, '\t');
		h->space = 0;
		h->cell_sep = 0;
	} else if (h->cell_sep && h->cell_len > 0) {
		last = h->text.data[h->text.len - 1];
		buf_puts(&h->text, strchr(",.;:!?", last) ? " " : ", ");
		h->space = 0;
	} else if (h->space) {
		buf_putc(&h->text, ' ');
	}
	h->tab = h->cell_sep = h->space = 0;
	buf_append(&h->text, p, n);
	h->linelen += (int)n;
	h->cell_len += (int)n;
	h->started = 1;
}

/* html_text - render a text node: fold white space, drop invisible chars */
static void
html_text(struct html_out *h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = NULL;
	size_t clen;

	while (*p) {
		clen = 1;
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'
		    || *p == '\f' || *p == '\v'
		    || (p[0] == 0xC2 && p[1] == 0xA0)) {
			if (run) {
				html_put(h, (const char *)run, (size_t)(p - run));
				run = NULL;
			}
			if (*p == 0xC2)
				clen = 2;
			if (h->pre && *p == '\n')
				html_br(h);
			else if (h->pre && h->linelen > 0)
				html_put(h, " ", 1);
			else if (h->linelen > 0 || h->inline_cell)
				h->space = 1;
			h->blanks++;
			p += clen;
			continue;
		}
		/* U+200B..U+200D, U+2060, U+FEFF, U+00AD: invisible */
		if ((p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x8B && p[2] <= 0x8D)
		    || (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0xA0)
		    || (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		    || (p[0] == 0xC2 && p[1] == 0xAD)) {
			if (run) {
				html_put(h, (const char *)run, (size_t)(p - run));
				run = NULL;
			}
			p += p[0] == 0xC2 ? 2 : 3;
			continue;
		}
		if (run == NULL)
			run = p;
		p++;
	}
	if (run)
		html_put(h, (const char *)run, (size_t)(p - run));
}

/* html_table_rows - rows that belong to this table (not nested ones) */
static int
html_table_rows(xmlNode *table)
{
	xmlNode *c, *r;
	int n = 0;

	for (c = table->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (html_name_is(c, "tr"))
			n++;
		else if (html_name_is(c, "tbody") || html_name_is(c, "thead")
			 || html_name_is(c, "tfoot"))
			for (r = c->children; r; r = r->next)
				if (r->type == XML_ELEMENT_NODE
				    && html_name_is(r, "tr"))
					n++;
	}
	return n;
}

/* html_cell_blocks - block elements below a cell; -1 if a table is nested */
static int
html_cell_blocks(xmlNode *node, int depth)
{
	xmlNode *c;
	int n = 0, k;

	if (depth > 16)
		return -1;
	for (c = node->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (html_name_is(c, "table") || html_name_is(c, "blockquote"))
			return -1;
		if (html_name_in(c, html_para) || html_name_in(c, html_block))
			n++;
		if ((k = html_cell_blocks(c, depth + 1)) < 0)
			return -1;
		n += k;
	}
	return n;
}

/* html_walk_cell - a <td>/<th>: TAB before it when the row has text */
static void
html_walk_cell(struct html_out *h, xmlNode *node, int depth)
{
	int save_inline = h->inline_cell, save_len = h->cell_len, blocks;
	int save_sep = h->cell_sep;

	blocks = html_cell_blocks(node, 0);
	if (h->table_rows >= HTML_FORM_ROWS && blocks >= 0
	    && blocks <= HTML_CELL_BLOCKS)
		h->inline_cell = 1;
	else if (blocks < 0)
		html_break(h, 1);
	h->cell_len = 0;
	h->cell_sep = 0;
	h->tab = h->row_cells > 0 && h->linelen > 0;
	html_walk(h, node->children, depth + 1);
	if (h->cell_len > 0)
		h->row_cells++;
	h->tab = 0;
	h->inline_cell = save_inline;
	h->cell_len = save_len + h->cell_len;
	h->cell_sep = save_sep;
	if (blocks < 0)
		html_break(h, 1);
}

/* html_walk_element - render one element and its children */
static void
html_walk_element(struct html_out *h, xmlNode *node, int depth)
{
	int save, save_rows, save_cells, para;
	size_t len, blanks;

	if (html_name_in(node, html_skip))
		return;
	if (html_name_is(node, "br")) {
		html_br(h);
		return;
	}
	if (html_name_is(node, "hr")) {
		html_break(h, 1);
		if (!h->inline_cell)
			h->hr_mark = 1;
		return;
	}
	if (html_name_is(node, "td") || html_name_is(node, "th")) {
		html_walk_cell(h, node, depth);
		return;
	}
	if (html_name_is(node, "tr")) {
		save_cells = h->row_cells;
		h->row_cells = 0;
		html_break(h, 1);
		html_walk(h, node->children, depth + 1);
		html_break(h, 1);
		h->row_cells = save_cells;
		return;
	}
	if (html_name_is(node, "table")) {
		save_rows = h->table_rows;
		save = h->inline_cell;
		h->inline_cell = 0;
		h->table_rows = html_table_rows(node);
		html_break(h, 1);
		html_walk(h, node->children, depth + 1);
		html_break(h, 1);
		h->table_rows = save_rows;
		h->inline_cell = save;
		return;
	}
	if (html_name_is(node, "blockquote")) {
		html_break(h, 1);
		h->quote++;
		html_walk(h, node->children, depth + 1);
		html_break(h, 1);
		h->quote--;
		return;
	}
	if (html_name_is(node, "div") && html_attr_is(node, "id", "divRplyFwdMsg")) {
		html_break(h, 1);
		h->quote_rest = 1;
	}
	para = html_name_in(node, html_para) ? 2 : html_name_in(node, html_block);
	if (para == 2 && html_attr_is(node, "class", "MsoNormal"))
		para = 1;
	if (para)
		html_break(h, para);
	save = h->pre;
	if (html_name_is(node, "pre"))
		h->pre = 1;
	len = h->text.len;
	blanks = h->blanks;
	html_walk(h, node->children, depth + 1);
	h->pre = save;
	/* Outlook's <p class=MsoNormal>&nbsp;</p> is its blank line. */
	if (para && h->text.len == len && h->blanks != blanks)
		html_break(h, 2);
	else if (para)
		html_break(h, para);
}

/* html_walk - render a list of sibling nodes */
static void
html_walk(struct html_out *h, xmlNode *node, int depth)
{
	if (depth > HTML_MAX_DEPTH)
		return;
	for (; node; node = node->next) {
		switch (node->type) {
		case XML_ELEMENT_NODE:
			html_walk_element(h, node, depth);
			break;
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (node->content)
				html_text(h, (const char *)node->content);
			break;
		default:
			break;
		}
	}
}

/* html_line_content - skip "> " prefixes and blanks: start of line content */
static const char *
html_line_content(const char *p, const char *end)
{
	while (p < end && (*p == '>' || *p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* html_starts - line content starts with one of the words (ASCII, nocase) */
static int
html_starts(const char *p, const char *end, const char *const *words)
{
	size_t n;

	for (; *words; words++) {
		n = strlen(*words);
		if ((size_t)(end - p) >= n && strncasecmp(p, *words, n) == 0)
			return 1;
	}
	return 0;
}

static const char *const html_from_words[] = {
	"From:", "Von:", "De:", "De :", "Van:", "Da:", NULL
};
static const char *const html_sent_words[] = {
	"Sent:", "Date:", "Gesendet:", "Datum:", "Envoy\xC3\xA9 :",
	"Envoy\xC3\xA9:", "Date :", "Verzonden:", "Inviato:", NULL
};

/* html_hr_header - an Outlook From:/Sent: block starts at text offset off */
static int
html_hr_header(const struct buf *t, size_t off)
{
	const char *p = t->data + off, *end = t->data + t->len, *nl, *c;
	int line = 0, from = 0;

	if (p < end && *p == '>')
		return 0;		/* already quoted */
	for (; p < end && line < 6; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		c = html_line_content(p, nl);
		if (c == nl)
			continue;
		if (!from) {
			if (!html_starts(c, nl, html_from_words))
				return 0;
			from = 1;
		} else if (html_starts(c, nl, html_sent_words)) {
			return 1;
		}
	}
	return 0;
}

/* html_quote_from - prefix every line from text offset off with "> " */
static void
html_quote_from(struct buf *t, size_t off)
{
	struct buf q = BUF_INIT;
	const char *p, *nl, *end = t->data + t->len;

	buf_append(&q, t->data, off);
	for (p = t->data + off; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl > p)
			buf_puts(&q, "> ");
		buf_append(&q, p, (size_t)(nl - p));
		if (nl < end)
			buf_putc(&q, '\n');
	}
	buf_free(t);
	*t = q;
}

/* html_to_text - append the text of an HTML document to out */
int
html_to_text(const char *html, size_t len, struct buf *out)
{
	struct html_out h;
	htmlDocPtr doc = NULL;
	int i, ret = LM_ESYNTAX;

	memset(&h, 0, sizeof(h));
	buf_init(&h.text);
	if (html == NULL || len == 0)
		goto out;
	if (len > INT_MAX)
		len = INT_MAX;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR
			     | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
			     | HTML_PARSE_COMPACT);
	if (doc == NULL)
		goto out;
	html_walk(&h, doc->children, 0);
	for (i = 0; i < h.nhr; i++) {
		if (html_hr_header(&h.text, h.hr[i])) {
			html_quote_from(&h.text, h.hr[i]);
			break;
		}
	}
	if (h.text.len > 0) {
		buf_append(out, h.text.data, h.text.len);
		buf_putc(out, '\n');
	}
	ret = 0;
out:
	if (doc != NULL)
		xmlFreeDoc(doc);
	buf_free(&h.text);
	return ret;
}
