/*
 * ctl - leadctl subcommands that read or change the prospect store
 *
 * DESCRIPTION  Each function is one subcommand: argv[0] is its name, the
 *              options follow (getopt_long).  Results go to stdout,
 *              diagnostics to stderr, never mixed; the return value is a
 *              sysexits(3) code for leadctl to exit with.
 *   ctl_feedback  feedback [-d DB] LEAD-ID accepted|rejected [REASON...]
 *                 feedback [-d DB] -m [FILE]   (a rep's mail, or stdin)
 *   ctl_report    report [-d DB] [--since DATE] [--format text|csv|html]
 *   ctl_export    export [-d DB] [--since DATE] [--format csv|json]
 *                        [--decision NAME]
 *   ctl_prospect  prospect [-d DB] [--format text|json] EMAIL
 *   ctl_forget    forget [-d DB] EMAIL
 *   ctl_purge     purge [-d DB] -r DAYS
 *              DATE is YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (UTC), @EPOCH or
 *              N followed by d (days ago).  DB defaults to CTL_DEFAULT_DB;
 *              leadctl never creates a store (EX_NOINPUT if missing).
 * DIAGNOSTICS  EX_OK; EX_USAGE bad arguments; EX_NOINPUT no store file;
 *              EX_DATAERR unknown lead id or unusable feedback mail;
 *              EX_TEMPFAIL the store failed (locked, full, read-only: the
 *              cause is on stderr); EX_IOERR output could not be written.
 * SEE ALSO     store(3), feedback(3), leadctl(1)
 */
#ifndef CTL_H
#define CTL_H

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#define CTL_DEFAULT_DB LOCALSTATEDIR "/lib/leadmilter/leads.db"

int ctl_feedback(int argc, char **argv);
int ctl_report(int argc, char **argv);
int ctl_export(int argc, char **argv);
int ctl_prospect(int argc, char **argv);
int ctl_forget(int argc, char **argv);
int ctl_purge(int argc, char **argv);

/* Parse a DATE as above into unix time; 0 or LM_ESYNTAX. */
int ctl_date_parse(const char *s, long long now, long long *out);

#endif
