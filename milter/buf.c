/*
 * buf - growable NUL-terminated byte buffer
 *
 * DESCRIPTION  See buf.h.  Growth doubles the capacity so appends are
 *              amortised O(1).
 * LIMITS       Allocation failure is fatal (abort), like GLib's g_malloc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* lm_xmalloc - malloc or abort */
void *
lm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

/* lm_xcalloc - calloc or abort */
void *
lm_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		abort();
	return p;
}

/* lm_xrealloc - realloc or abort */
void *
lm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		abort();
	return q;
}

/* lm_xstrdup - strdup or abort; NULL stays NULL */
char *
lm_xstrdup(const char *s)
{
	return s ? lm_xstrndup(s, strlen(s)) : NULL;
}

/* lm_xstrndup - copy n bytes and terminate */
char *
lm_xstrndup(const char *s, size_t n)
{
	char *p = lm_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* buf_init - make an empty buffer */
void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

/* buf_free - release memory, leave an empty buffer */
void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

/* buf_reset - empty the buffer, keep its memory */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* buf_reserve - make room for extra bytes plus the NUL */
void
buf_reserve(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > (size_t)-1 / 2 - b->len)
		abort();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->data = lm_xrealloc(b->data, cap);
	b->cap = cap;
}

/* buf_append - append n bytes */
void
buf_append(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* buf_puts - append a C string */
void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* buf_putc - append one byte */
void
buf_putc(struct buf *b, int c)
{
	char ch = (char)c;

	buf_append(b, &ch, 1);
}

/* buf_printf - append formatted text */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* buf_str - the contents as a C string, lent; "" when empty */
const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

/* buf_steal - hand the contents to the caller, who free()s them */
char *
buf_steal(struct buf *b)
{
	char *p = b->data ? b->data : lm_xstrdup("");

	buf_init(b);
	return p;
}
