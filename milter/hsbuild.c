/*
 * hsbuild - compile a Hyperscan literal database in a short-lived child
 *
 * DESCRIPTION  See hsbuild.h.  What the child sends through the pipe is a
 *              header (a tag and a payload length) and the payload: 'D'
 *              and the serialised database, or 'E' and the compiler's
 *              error message.  The parent believes a complete message and
 *              nothing else: a short one means the child died, whatever
 *              its exit status says.
 * SEE ALSO     hs_serialize_database(3), rspamd src/hs_helper.c
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

/* What precedes the payload in the pipe. */
struct hsbuild_hdr {
	char tag;		/* 'D': database, 'E': error message */
	uint64_t len;		/* payload bytes */
};

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

/* hsbuild_write - write all of p to fd; -1 on error */
static int
hsbuild_write(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* hsbuild_child - compile, send the result to fd, never return */
static void __attribute__((noreturn))
hsbuild_child(int fd, const char *const *expr, const unsigned *flags,
	      const unsigned *ids, const size_t *lens, unsigned n)
{
	struct hsbuild_hdr hdr;
	struct lm_err err;
	hs_database_t *db = NULL;
	char *bytes = NULL;
	const char *payload;
	size_t len = 0;
	sigset_t alrm;

	/* a compile that hangs (a lock another thread held at fork) dies */
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	alarm(HSBUILD_TIMEOUT);

	memset(&hdr, 0, sizeof(hdr));	/* its padding goes down the pipe too */
	lm_err_clear(&err);
	if (hsbuild_compile(expr, flags, ids, lens, n, &db, &err) == 0) {
		if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
			_exit(1);
		hdr.tag = 'D';
		payload = bytes;
	} else {
		hdr.tag = 'E';
		payload = err.msg;
		len = strlen(err.msg);
	}
	hdr.len = len;
	if (hsbuild_write(fd, &hdr, sizeof(hdr)) != 0 || hsbuild_write(fd, payload, len) != 0)
		_exit(1);
	/* the child's memory goes with it: nothing to free */
	_exit(0);
}

/* hsbuild_read - read fd to its end into b; -1 on a read error */
static int
hsbuild_read(int fd, struct buf *b)
{
	ssize_t r;

	for (;;) {
		buf_reserve(b, 65536);
		if ((r = read(fd, b->data + b->len, b->cap - b->len - 1)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return 0;
		b->len += (size_t)r;
	}
}

/* hsbuild_reap - wait for the child; a description of its end in why */
static void
hsbuild_reap(pid_t pid, char *why, size_t whysz)
{
	int status;
	pid_t r;

	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		continue;
	if (r < 0)
		snprintf(why, whysz, "waitpid: %s", strerror(errno));
	else if (WIFSIGNALED(status))
		snprintf(why, whysz, "killed by signal %d%s", WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? " (timed out)" : "");
	else
		snprintf(why, whysz, "exit status %d", WEXITSTATUS(status));
}

/* hsbuild_literals - compile the literals, in a child if one can be made */
int
hsbuild_literals(const char *const *expr, const unsigned *flags,
		 const unsigned *ids, const size_t *lens, unsigned n,
		 enum hsbuild_how how, struct hs_database **db,
		 struct lm_err *err)
{
	struct buf b = BUF_INIT;
	struct hsbuild_hdr hdr;
	char why[128];
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
	rc = hsbuild_read(fds[0], &b);
	close(fds[0]);
	hsbuild_reap(pid, why, sizeof(why));
	if (rc != 0 || b.len < sizeof(hdr)) {
		lm_err_set(err, "", 0, 0, "Hyperscan compiler process: %s, %zu bytes read",
		    why, b.len);
		rc = LM_EINTERNAL;
		goto out;
	}
	memcpy(&hdr, b.data, sizeof(hdr));
	if ((hdr.tag != 'D' && hdr.tag != 'E') || hdr.len != b.len - sizeof(hdr)) {
		lm_err_set(err, "", 0, 0, "Hyperscan compiler process: %s, "
		    "%zu bytes read, bad message", why, b.len);
		rc = LM_EINTERNAL;
	} else if (hdr.tag == 'E') {
		lm_err_set(err, "", 0, 0, "%.*s", (int)hdr.len, b.data + sizeof(hdr));
		rc = LM_ESYNTAX;
	} else if (hs_deserialize_database(b.data + sizeof(hdr), hdr.len, db) != HS_SUCCESS) {
		lm_err_set(err, "", 0, 0, "Hyperscan compiler process: database "
		    "of %zu bytes does not deserialise", (size_t)hdr.len);
		*db = NULL;
		rc = LM_EINTERNAL;
	} else {
		rc = 0;
	}
out:
	buf_free(&b);
	return rc;
}

#endif
