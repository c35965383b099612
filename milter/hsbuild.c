/*
 * hsbuild - compile a Hyperscan literal database in a short-lived child
 *
 * DESCRIPTION  See hsbuild.h.  The child's reply is hsproto.c's: the same
 *              bytes leadmilter-hsc sends.
 * SEE ALSO     hs_serialize_database(3), hsproto.c, rspamd src/hs_helper.c
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

#include "buf.h"
#include "hsbuild.h"
#include "log.h"

#ifdef HAVE_HYPERSCAN

/* hsbuild_compile - hs_compile_lit_multi(); on error the message in err */
static int
hsbuild_compile(const char *const *expr, const unsigned *flags,
		const unsigned *ids, const size_t *lens, unsigned n,
		hs_database_t **db, struct lm_err *err)
{
	hs_compile_error_t *cerr = NULL;

	*db = NULL;
	if (hs_compile_lit_multi(expr, flags, ids, lens, n, HS_MODE_BLOCK, NULL,
	    db, &cerr) == HS_SUCCESS)
		return 0;
	lm_err_set(err, "", 0, 0, "%s", cerr && cerr->message ? cerr->message : "unknown error");
	hs_free_compile_error(cerr);
	*db = NULL;
	return LM_ESYNTAX;
}

/* hsbuild_reply - compile and send the reply to fd: the database, or the
 * compiler's message; -1 if it cannot be sent */
static int
hsbuild_reply(int fd, const char *const *expr, const unsigned *flags,
	      const unsigned *ids, const size_t *lens, unsigned n)
{
	struct lm_err err;
	hs_database_t *db = NULL;
	char *bytes = NULL;
	size_t len = 0;
	int rc;

	lm_err_clear(&err);
	if (hsbuild_compile(expr, flags, ids, lens, n, &db, &err) != 0)
		return hsbuild_send(fd, 'E', err.msg, strlen(err.msg));
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) {
		hs_free_database(db);
		return -1;
	}
	rc = hsbuild_send(fd, 'D', bytes, len);
	free(bytes);
	hs_free_database(db);
	return rc;
}

/* hsbuild_serve - leadmilter-hsc: a request from in, the reply to out */
int
hsbuild_serve(int in, int out)
{
	struct hsbuild_request rq;
	struct lm_err err;
	char msg[LM_ERR_MAX + 64];
	int rc;

	lm_err_clear(&err);
	if (hsbuild_request_read(in, &rq, &err) != 0) {
		snprintf(msg, sizeof(msg), "%s: bad request: %s", HSBUILD_HELPER_NAME, err.msg);
		(void)hsbuild_send(out, 'X', msg, strlen(msg));
		return 1;
	}
	rc = hsbuild_reply(out, (const char *const *)rq.expr, rq.flags, rq.ids, rq.lens, rq.n);
	hsbuild_request_free(&rq);
	return rc == 0 ? 0 : 1;
}

/* hsbuild_child - compile, send the result to fd, never return */
static void __attribute__((noreturn))
hsbuild_child(int fd, const char *const *expr, const unsigned *flags,
	      const unsigned *ids, const size_t *lens, unsigned n)
{
	sigset_t alrm;

	/* a compile that hangs (a lock another thread held at fork) dies */
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	alarm(HSBUILD_TIMEOUT);

	if (hsbuild_reply(fd, expr, flags, ids, lens, n) != 0)
		_exit(1);
	/* the child's memory goes with it: nothing to free */
	_exit(0);
}

/* hsbuild_literals - compile the literals, in a child if one can be made */
int
hsbuild_literals(const char *const *expr, const unsigned *flags,
		 const unsigned *ids, const size_t *lens, unsigned n,
		 enum hsbuild_how how, struct hs_database **db,
		 struct lm_err *err)
{
	int fds[2], rc;
	pid_t pid;

	lm_err_clear(err);
	*db = NULL;
	if (how == HSBUILD_INPROCESS)
		return hsbuild_compile(expr, flags, ids, lens, n, db, err);
	/* close-on-exec: a program another thread starts must not hold the
	 * write end open, or the read below would never see its end */
	if (pipe2(fds, O_CLOEXEC) != 0) {
		log_debug("rules: no pipe for the Hyperscan compile (%s): compiling here",
		    strerror(errno));
		return hsbuild_compile(expr, flags, ids, lens, n, db, err);
	}
	if ((pid = fork()) < 0) {
		log_debug("rules: no process for the Hyperscan compile (%s): compiling here",
		    strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return hsbuild_compile(expr, flags, ids, lens, n, db, err);
	}
	if (pid == 0) {
		close(fds[0]);
		hsbuild_child(fds[1], expr, flags, ids, lens, n);
	}
	close(fds[1]);
	rc = hsbuild_receive(fds[0], pid, db, err);
	close(fds[0]);
	return rc;
}

#endif
