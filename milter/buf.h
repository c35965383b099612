/*
 * buf - growable NUL-terminated byte buffer
 *
 * DESCRIPTION  A struct buf owns its memory; buf_free() releases it and
 *              leaves an empty buffer.  data is always NUL-terminated (also
 *              when empty, once anything was appended) so it can be handed
 *              to string functions; len excludes the NUL.
 *              Allocation failure aborts (as GLib does): we cap input sizes
 *              before parsing instead of pretending to survive OOM.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include "lm.h"

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, int c);
void buf_printf(struct buf *b, const char *fmt, ...) LM_PRINTF(2, 3);
const char *buf_str(const struct buf *b);	/* never NULL: "" if empty */
char *buf_steal(struct buf *b);			/* caller free()s */

void *lm_xmalloc(size_t n);
void *lm_xcalloc(size_t n, size_t sz);
void *lm_xrealloc(void *p, size_t n);
char *lm_xstrdup(const char *s);
char *lm_xstrndup(const char *s, size_t n);

#endif
