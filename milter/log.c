/*
 * log - five severities with fixed meanings, to syslog and/or stderr
 *
 * DESCRIPTION  See log.h.  Thread-safe: syslog(3) and a single fprintf per
 *              line to stderr are both atomic enough for line output.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "log.h"

static int log_syslog;
static int log_stderr = 1;
static int log_debug_on;
static char log_ident[64] = "leadmilter";

/* log_open - choose where log lines go */
void
log_open(const char *ident, int facility, int use_syslog, int use_stderr)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_syslog = use_syslog;
	log_stderr = use_stderr;
	if (use_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, facility);
}

/* log_set_verbose - turn debug lines on or off */
void
log_set_verbose(int on)
{
	log_debug_on = on;
}

/* log_verbose - are debug lines on? */
int
log_verbose(void)
{
	return log_debug_on;
}

/* log_vemit - one line at one priority */
static void
log_vemit(int prio, const char *tag, const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_syslog)
		syslog(prio, "%s%s", tag, line);
	if (log_stderr)
		fprintf(stderr, "%s: %s%s\n", log_ident, tag, line);
}

#define LOG_FN(name, prio, tag) \
void name(const char *fmt, ...) \
{ \
	va_list ap; \
	va_start(ap, fmt); \
	log_vemit(prio, tag, fmt, ap); \
	va_end(ap); \
}

LOG_FN(log_info, LOG_INFO, "")
LOG_FN(log_warn, LOG_WARNING, "warning: ")
LOG_FN(log_error, LOG_ERR, "error: ")

/* log_debug - only under -v */
void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_vemit(LOG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}

/* log_fatal - cannot continue: log and exit with a sysexits code */
void
log_fatal(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, "fatal: ", fmt, ap);
	va_end(ap);
	exit(status);
}

/* log_panic - our own bug: log and abort */
void
log_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, "panic: ", fmt, ap);
	va_end(ap);
	abort();
}

/* log_facility_parse - "mail", "local0".. to a syslog facility */
int
log_facility_parse(const char *name)
{
	static const struct { const char *n; int f; } tab[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcasecmp(name, tab[i].n) == 0)
			return tab[i].f;
	return -1;
}
