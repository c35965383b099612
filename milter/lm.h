/*
 * lm - project-wide definitions: error codes, error locations, checks
 *
 * DESCRIPTION  Every fallible function returns 0 or a negative LM_E* code;
 *              lm_strerror() gives the text.  Functions that parse files
 *              fill a struct lm_err with file, line, column and cause, which
 *              lm_err_format() prints as "file:line:col: cause".
 * SEE ALSO     buf(3), log(3)
 */
#ifndef LM_H
#define LM_H

#include <assert.h>
#include <stddef.h>
#include <stdarg.h>

#if defined(__GNUC__)
#define LM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LM_UNUSED __attribute__((unused))
#else
#define LM_PRINTF(f, a)
#define LM_UNUSED
#endif

/* "Cannot happen" conditions that are still handled in a release build. */
#ifdef NDEBUG
#define ALWAYS(x) (x)
#define NEVER(x) (x)
#else
#define ALWAYS(x) ((x) ? 1 : (assert(0), 0))
#define NEVER(x) ((x) ? (assert(0), 1) : 0)
#endif

enum {
	LM_OK = 0,
	LM_ESYNTAX = -1,	/* bad rule, list, config or message syntax */
	LM_EIO = -2,		/* a file could not be read or written */
	LM_ELIMIT = -3,		/* a configured or built-in limit was hit */
	LM_ENOMEM = -4,		/* out of memory */
	LM_ESTORE = -5,		/* the prospect store failed */
	LM_ENOTFOUND = -6,	/* no such item (lookups, normalisers) */
	LM_EINTERNAL = -7,	/* our own bug, or a forced failure */
	LM_EMATCH = -8		/* a pattern hit its match or depth limit */
};

#define LM_ERR_MAX 512

/* Where and why something failed. */
struct lm_err {
	char file[256];
	unsigned line;		/* 0: not about a line */
	unsigned col;		/* 0: not about a column */
	char msg[LM_ERR_MAX];
};

const char *lm_strerror(int code);
void lm_err_clear(struct lm_err *e);
void lm_err_set(struct lm_err *e, const char *file, unsigned line,
		unsigned col, const char *fmt, ...) LM_PRINTF(5, 6);
const char *lm_err_format(const struct lm_err *e, char *out, size_t outsz);

#endif
