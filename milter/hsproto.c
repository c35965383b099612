/*
 * hsproto - the pipes between a Hyperscan compile and its caller
 *
 * DESCRIPTION  See hsbuild.h.  Both directions are length-prefixed and in
 *              the machine's own byte order: caller and compiler are
 *              always the same build on the same machine.
 *              The request (caller to leadmilter-hsc, on its standard
 *              input): "LMHS", the literal count, then per literal its
 *              flags, id and length, and its bytes.
 *              The reply (compiler to caller): a header (a tag and a
 *              payload length) and the payload: 'D' and the serialised
 *              database, 'E' and the compiler's error message, or 'X' and
 *              why the helper could not run.  The caller believes a
 *              complete reply and nothing else: a short one means the
 *              compiler died, whatever its exit status says.
 *              This file needs only Hyperscan's runtime (deserialising),
 *              never its compiler: leadmilter links it with
 *              libhs_runtime, and hsexec.c instead of hsbuild.c.
 * SEE ALSO     hsbuild.c, hsexec.c, hsc.c, rspamd src/hs_helper.c
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_HYPERSCAN
#include <hs.h>
#endif

#include "buf.h"
#include "hsbuild.h"

#ifdef HAVE_HYPERSCAN

#define HSBUILD_MAGIC	"LMHS"
#define HSBUILD_MAX_LITS	(1u << 20)	/* literals in one request */
#define HSBUILD_MAX_BYTES	(64u << 20)	/* bytes of one request's literals */

/* What precedes the payload of a reply. */
struct hsbuild_hdr {
	char tag;		/* 'D' database, 'E' compile error, 'X' no helper */
	uint64_t len;		/* payload bytes */
};

/* Per literal in a request. */
struct hsbuild_lit {
	uint32_t flags, id, len;
};

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

/* hsbuild_read_all - read fd to its end into b; -1 on a read error */
static int
hsbuild_read_all(int fd, struct buf *b)
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

/* hsbuild_read_n - exactly n bytes of fd into p; -1 on error or early end */
static int
hsbuild_read_n(int fd, void *p, size_t n)
{
	char *d = p;
	ssize_t r;

	while (n > 0) {
		if ((r = read(fd, d, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return -1;
		d += r;
		n -= (size_t)r;
	}
	return 0;
}

/* hsbuild_send - one reply: tag and payload; -1 if it cannot be written */
int
hsbuild_send(int fd, char tag, const void *payload, size_t len)
{
	struct hsbuild_hdr hdr;

	memset(&hdr, 0, sizeof(hdr));	/* its padding goes down the pipe too */
	hdr.tag = tag;
	hdr.len = len;
	if (hsbuild_write(fd, &hdr, sizeof(hdr)) != 0 || hsbuild_write(fd, payload, len) != 0)
		return -1;
	return 0;
}

/* hsbuild_reap - wait for pid; a description of its end in why */
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

/* hsbuild_receive - read the reply of process pid from fd, reap it, and
 * make the database of it; see hsbuild.h for what comes back */
int
hsbuild_receive(int fd, pid_t pid, struct hs_database **db, struct lm_err *err)
{
	struct buf b = BUF_INIT;
	struct hsbuild_hdr hdr;
	char why[128];
	int rc;

	*db = NULL;
	rc = hsbuild_read_all(fd, &b);
	hsbuild_reap(pid, why, sizeof(why));
	if (rc != 0 || b.len < sizeof(hdr)) {
		lm_err_set(err, "", 0, 0, "Hyperscan compiler process: %s, %zu bytes read",
		    why, b.len);
		rc = LM_EINTERNAL;
		goto out;
	}
	memcpy(&hdr, b.data, sizeof(hdr));
	if ((hdr.tag != 'D' && hdr.tag != 'E' && hdr.tag != 'X') ||
	    hdr.len != b.len - sizeof(hdr)) {
		lm_err_set(err, "", 0, 0, "Hyperscan compiler process: %s, "
		    "%zu bytes read, bad message", why, b.len);
		rc = LM_EINTERNAL;
	} else if (hdr.tag == 'E') {
		lm_err_set(err, "", 0, 0, "%.*s", (int)hdr.len, b.data + sizeof(hdr));
		rc = LM_ESYNTAX;
	} else if (hdr.tag == 'X') {
		lm_err_set(err, "", 0, 0, "%.*s", (int)hdr.len, b.data + sizeof(hdr));
		rc = LM_EINTERNAL;
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

/* hsbuild_request_write - the literals as a request, to fd */
static int
hsbuild_request_write(int fd, const char *const *expr, const unsigned *flags,
		      const unsigned *ids, const size_t *lens, unsigned n)
{
	struct buf b = BUF_INIT;
	uint32_t n32 = n;
	int rc;

	buf_append(&b, HSBUILD_MAGIC, 4);
	buf_append(&b, &n32, sizeof(n32));
	for (unsigned i = 0; i < n; i++) {
		struct hsbuild_lit l = { flags[i], ids[i], (uint32_t)lens[i] };

		buf_append(&b, &l, sizeof(l));
		buf_append(&b, expr[i], lens[i]);
	}
	rc = hsbuild_write(fd, b.data, b.len);
	buf_free(&b);
	return rc;
}

/* hsbuild_request_free - release what hsbuild_request_read() made */
void
hsbuild_request_free(struct hsbuild_request *rq)
{
	for (unsigned i = 0; i < rq->n; i++)
		free(rq->expr[i]);
	free(rq->expr);
	free(rq->flags);
	free(rq->ids);
	free(rq->lens);
	memset(rq, 0, sizeof(*rq));
}

/* hsbuild_request_read - a request from fd; 0, or -1 with why in err */
int
hsbuild_request_read(int fd, struct hsbuild_request *rq, struct lm_err *err)
{
	char magic[4];
	uint32_t n;
	size_t total = 0;

	memset(rq, 0, sizeof(*rq));
	if (hsbuild_read_n(fd, magic, 4) != 0 || memcmp(magic, HSBUILD_MAGIC, 4) != 0 ||
	    hsbuild_read_n(fd, &n, sizeof(n)) != 0) {
		lm_err_set(err, "", 0, 0, "not a literal request");
		return -1;
	}
	if (n == 0 || n > HSBUILD_MAX_LITS) {
		lm_err_set(err, "", 0, 0, "%u literals: want 1 to %u", n, HSBUILD_MAX_LITS);
		return -1;
	}
	rq->expr = lm_xcalloc(n, sizeof(*rq->expr));
	rq->flags = lm_xcalloc(n, sizeof(*rq->flags));
	rq->ids = lm_xcalloc(n, sizeof(*rq->ids));
	rq->lens = lm_xcalloc(n, sizeof(*rq->lens));
	for (uint32_t i = 0; i < n; i++) {
		struct hsbuild_lit l;

		if (hsbuild_read_n(fd, &l, sizeof(l)) != 0 ||
		    (total += l.len) > HSBUILD_MAX_BYTES) {
			lm_err_set(err, "", 0, 0, "literal %u: %s", i,
			    total > HSBUILD_MAX_BYTES ? "request too large" : "cut short");
			hsbuild_request_free(rq);
			return -1;
		}
		rq->n = i + 1;
		rq->expr[i] = lm_xmalloc((size_t)l.len + 1);
		if (hsbuild_read_n(fd, rq->expr[i], l.len) != 0) {
			lm_err_set(err, "", 0, 0, "literal %u: cut short", i);
			hsbuild_request_free(rq);
			return -1;
		}
		rq->expr[i][l.len] = '\0';
		rq->flags[i] = l.flags;
		rq->ids[i] = l.id;
		rq->lens[i] = l.len;
	}
	return 0;
}

/* hsbuild_helper - the leadmilter-hsc to run: $LEADMILTER_HS_HELPER, else
 * the one beside the running program (a build tree), else the installed
 * one; into buf, which is returned */
const char *
hsbuild_helper(char *buf, size_t bufsz)
{
	const char *env = getenv("LEADMILTER_HS_HELPER");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env != NULL && *env != '\0') {
		snprintf(buf, bufsz, "%s", env);
		return buf;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(buf, bufsz, "%s/%s", self, HSBUILD_HELPER_NAME);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, bufsz, "%s/%s", PKGLIBEXECDIR, HSBUILD_HELPER_NAME);
	return buf;
}

/* hsbuild_exec_child - become the helper, reading in and writing out; if
 * exec fails, say so in a reply.  Only async-signal-safe calls: another
 * thread may have held any lock at fork. */
static void __attribute__((noreturn))
hsbuild_exec_child(const char *helper, int in, int out, char *msg, size_t len)
{
	char *const argv[] = { (char *)HSBUILD_HELPER_NAME, NULL };
	char digits[16];
	sigset_t none;
	int e, i = (int)sizeof(digits);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	/* the timer survives exec: a helper that hangs, whatever it is,
	 * dies, and the caller's read sees the end */
	alarm(HSBUILD_TIMEOUT);
	if (dup2(in, 0) >= 0 && dup2(out, 1) >= 0)
		execv(helper, argv);
	e = errno;
	do {
		digits[--i] = (char)('0' + e % 10);
		e /= 10;
	} while (e > 0 && i > 0);
	/* msg has room: the caller left it PATH_MAX + 64 bytes */
	for (; i < (int)sizeof(digits) && len < PATH_MAX + 63; i++)
		msg[len++] = digits[i];
	(void)hsbuild_send(out, 'X', msg, len);
	_exit(127);
}

/* hsbuild_exec - compile the literals by running helper: see hsbuild.h */
int
hsbuild_exec(const char *helper, const char *const *expr, const unsigned *flags,
	     const unsigned *ids, const size_t *lens, unsigned n,
	     struct hs_database **db, struct lm_err *err)
{
	int in[2], out[2], rc;
	char prefix[PATH_MAX + 64];
	size_t plen;
	pid_t pid;

	lm_err_clear(err);
	*db = NULL;
	/* the usual failure, told plainly; the child reports others */
	if (access(helper, X_OK) != 0) {
		lm_err_set(err, "", 0, 0, "cannot run %s: %s", helper, strerror(errno));
		return LM_EINTERNAL;
	}
	plen = (size_t)snprintf(prefix, sizeof(prefix), "cannot run %s: exec failed, errno ", helper);
	if (plen >= sizeof(prefix))
		plen = sizeof(prefix) - 1;
	/* close-on-exec: a program another thread starts must not hold an
	 * end open, or a read would never see its end */
	if (pipe2(in, O_CLOEXEC) != 0) {
		lm_err_set(err, "", 0, 0, "pipe: %s", strerror(errno));
		return LM_EINTERNAL;
	}
	if (pipe2(out, O_CLOEXEC) != 0) {
		lm_err_set(err, "", 0, 0, "pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return LM_EINTERNAL;
	}
	if ((pid = fork()) < 0) {
		lm_err_set(err, "", 0, 0, "fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return LM_EINTERNAL;
	}
	if (pid == 0)
		hsbuild_exec_child(helper, in[0], out[1], prefix, plen);
	close(in[0]);
	close(out[1]);
	/* a helper that died early makes this fail (EPIPE): its reply, or its
	 * absence, says why */
	(void)hsbuild_request_write(in[1], expr, flags, ids, lens, n);
	close(in[1]);
	rc = hsbuild_receive(out[0], pid, db, err);
	close(out[0]);
	return rc;
}

#endif
