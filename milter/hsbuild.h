/*
 * hsbuild - compile a Hyperscan literal database in a short-lived child
 *
 * DESCRIPTION  hsbuild_literals() compiles n literals (the arguments of
 *              hs_compile_lit_multi(), block mode) into *db.  With
 *              HSBUILD_CHILD a forked child compiles, serialises the
 *              database into a pipe and exits; the parent deserialises
 *              it.  The parent never runs the compiler: neither its heap
 *              peak (several MB for the built-in rules) nor the pages of
 *              its code count in the daemon's resident size.  When no
 *              child can be made (fork or pipe fails) the database is
 *              compiled in-process; HSBUILD_INPROCESS asks for that.
 *              Both give the same database.
 * THREADS      May be called in a multithreaded process: the child calls
 *              only the compiler, the serialiser (glibc keeps malloc usable
 *              after fork), write() and _exit(); no stdio, no logging.  A
 *              child that does not finish in HSBUILD_TIMEOUT seconds is
 *              killed by SIGALRM and reported as an error.
 *              hsbuild_exec() runs the program helper (leadmilter-hsc,
 *              which calls hsbuild_serve()) instead of forking: the caller
 *              need not link the compiler at all.  leadmilter links
 *              hsexec.c, whose hsbuild_literals() always does that, and
 *              Hyperscan's runtime library only: the compiler's pages stay
 *              out of the daemon.
 *              hsbuild_helper() says which helper to run:
 *              $LEADMILTER_HS_HELPER, else leadmilter-hsc beside the
 *              running program, else the installed one.
 * DIAGNOSTICS  0 and *db (free with hs_free_database()), or LM_ESYNTAX
 *              with Hyperscan's message in err->msg (the literals cannot
 *              be compiled), or LM_EINTERNAL (the child died, sent
 *              garbage or the helper cannot run; err->msg says how).  *db
 *              is NULL on error.
 * SEE ALSO     rules.c (rules_prefilter), hsproto.c (the pipes),
 *              rspamd's hs_helper
 */
#ifndef HSBUILD_H
#define HSBUILD_H

#include <stddef.h>
#include <sys/types.h>

#include "lm.h"

#define HSBUILD_TIMEOUT	600	/* seconds a compiling child may take */
#define HSBUILD_HELPER_NAME	"leadmilter-hsc"

enum hsbuild_how {
	HSBUILD_CHILD,		/* compile in a child, in-process if none */
	HSBUILD_INPROCESS	/* compile here */
};

struct hs_database;

int hsbuild_literals(const char *const *expr, const unsigned *flags,
		     const unsigned *ids, const size_t *lens, unsigned n,
		     enum hsbuild_how how, struct hs_database **db,
		     struct lm_err *err);
int hsbuild_exec(const char *helper, const char *const *expr, const unsigned *flags,
		 const unsigned *ids, const size_t *lens, unsigned n,
		 struct hs_database **db, struct lm_err *err);
const char *hsbuild_helper(char *buf, size_t bufsz);

/* leadmilter-hsc's side: read a request from in, compile, reply to out;
 * 0, or 1 if the request was bad (with why in the reply) or the reply
 * could not be written */
int hsbuild_serve(int in, int out);

/* ---- between the two sides (hsproto.c) */

/* A request as read: the arguments of hsbuild_literals(). */
struct hsbuild_request {
	char **expr;
	unsigned *flags, *ids;
	size_t *lens;
	unsigned n;
};

int hsbuild_request_read(int fd, struct hsbuild_request *rq, struct lm_err *err);
void hsbuild_request_free(struct hsbuild_request *rq);
int hsbuild_send(int fd, char tag, const void *payload, size_t len);
int hsbuild_receive(int fd, pid_t pid, struct hs_database **db, struct lm_err *err);

#endif
