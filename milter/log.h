/*
 * log - five severities with fixed meanings, to syslog and/or stderr
 *
 * DESCRIPTION  log_info: normal events.  log_warn: bad input or config, we
 *              carry on.  log_error: an internal failure we survived.
 *              log_fatal: cannot continue (start-up and leadctl only; exits
 *              with the given sysexits code).  log_panic: our own bug
 *              (aborts).  log_debug: only when log_verbose is set.
 *              log_open() chooses syslog (ident, facility) and whether to
 *              copy to stderr; before it, everything goes to stderr.
 */
#ifndef LOG_H
#define LOG_H

#include "lm.h"

void log_open(const char *ident, int facility, int use_syslog, int use_stderr);
void log_set_verbose(int on);
int log_verbose(void);
void log_debug(const char *fmt, ...) LM_PRINTF(1, 2);
void log_info(const char *fmt, ...) LM_PRINTF(1, 2);
void log_warn(const char *fmt, ...) LM_PRINTF(1, 2);
void log_error(const char *fmt, ...) LM_PRINTF(1, 2);
void log_fatal(int status, const char *fmt, ...) LM_PRINTF(2, 3) __attribute__((noreturn));
void log_panic(const char *fmt, ...) LM_PRINTF(1, 2) __attribute__((noreturn));
int log_facility_parse(const char *name);	/* -1 if unknown */

#endif
