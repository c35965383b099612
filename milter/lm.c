/*
 * lm - error codes and error locations
 *
 * DESCRIPTION  lm_strerror() maps LM_E* codes to text; struct lm_err
 *              carries file:line:col: cause for file parsers.
 */
#include <stdio.h>
#include <string.h>

#include "lm.h"

/* lm_strerror - text for an LM_E* code */
const char *
lm_strerror(int code)
{
	switch (code) {
	case LM_OK: return "success";
	case LM_ESYNTAX: return "syntax error";
	case LM_EIO: return "input/output error";
	case LM_ELIMIT: return "limit exceeded";
	case LM_ENOMEM: return "out of memory";
	case LM_ESTORE: return "prospect store error";
	case LM_ENOTFOUND: return "not found";
	case LM_EINTERNAL: return "internal error";
	case LM_EMATCH: return "pattern match limit";
	default: return "unknown error";
	}
}

/* lm_err_clear - forget any error */
void
lm_err_clear(struct lm_err *e)
{
	if (e == NULL)
		return;
	e->file[0] = '\0';
	e->line = e->col = 0;
	e->msg[0] = '\0';
}

/* lm_err_set - record where and why; a NULL e is ignored */
void
lm_err_set(struct lm_err *e, const char *file, unsigned line, unsigned col,
	   const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/* lm_err_format - "file:line:col: cause" into out; returns out */
const char *
lm_err_format(const struct lm_err *e, char *out, size_t outsz)
{
	if (e->file[0] && e->line && e->col)
		snprintf(out, outsz, "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
	else if (e->file[0] && e->line)
		snprintf(out, outsz, "%s:%u: %s", e->file, e->line, e->msg);
	else if (e->file[0])
		snprintf(out, outsz, "%s: %s", e->file, e->msg);
	else
		snprintf(out, outsz, "%s", e->msg);
	return out;
}
