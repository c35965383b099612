/*
 * html - convert an HTML document to plain UTF-8 text (libxml2)
 *
 * DESCRIPTION  html_to_text() parses with libxml2's HTML parser (recover
 *              mode, no network, no entities expansion from outside) and
 *              appends readable text to out: block elements (p, div, br,
 *              li, h1-h6, tr, hr, blockquote) start new lines; script,
 *              style, head and title are dropped; entities decoded; runs of
 *              white space folded.  Table rows become one line each with
 *              cells separated by a TAB ("\t") so zone.c can find form
 *              fields laid out as two-column tables; a cell that is only
 *              white space/&nbsp; is dropped.  <blockquote> content and
 *              Outlook's divRplyFwdMsg header block are prefixed with "> "
 *              so quoted text stays recognisable.
 * DIAGNOSTICS  0, or LM_ESYNTAX when libxml2 produced no document.
 */
#ifndef HTML_H
#define HTML_H

#include <stddef.h>
#include "buf.h"

/* Once per process before threads (xmlInitParser()); msg_global_init()
 * calls it.  html_global_shutdown() runs xmlCleanupParser() at exit. */
void html_global_init(void);
void html_global_shutdown(void);

int html_to_text(const char *html, size_t len, struct buf *out);

#endif
