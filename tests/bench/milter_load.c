/*
 * milter_load - drive a milter with the MTA side of milter protocol v6
 *
 * SYNOPSIS     milter_load [-c conns] [-n count] [-s seconds] [-R repeats]
 *                          [-r rcpt] [-l label] [-D] socket msgdir
 * DESCRIPTION  Plays Postfix's part of the Sendmail 8 milter protocol,
 *              version 6, against the milter at socket ("unix:/path",
 *              "local:/path", "inet:port@127.0.0.1" or "inet:127.0.0.1:port";
 *              loopback addresses only), with the *.eml files of msgdir as
 *              the messages, cycled in name order.  Like Postfix's smtpd,
 *              it opens one connection per message (one SMTP session per
 *              message) and keeps -c of them going at once (default 8).
 *              Each message: OPTNEG offering every action and protocol step
 *              (what Postfix 3.7 offers), CONNECT, HELO, MAIL, RCPT, DATA,
 *              one HEADER per header (a Received: header first, as Postfix
 *              adds its own), EOH, BODY in 64 KB chunks with CRLF line
 *              ends, end of body, QUIT; the macros Postfix sends by default
 *              (queue id "i" at MAIL, RCPT, DATA, EOH and end of body) go
 *              in the same write as their command, as Postfix's VSTREAM
 *              does.  It honours what the milter negotiates: steps it
 *              declines (SMFIP_NO*) are not sent, steps it does not answer
 *              (SMFIP_NR_*) are not waited for, SMFIR_SKIP ends the body.
 *              At end of body it reads the modification requests
 *              (add/insert/change header, add/delete recipient, ...) up to
 *              the final reply.  A message counts from connect() to that
 *              final reply.
 *              Per repeat (-R, default 3) it runs -n messages (default
 *              2000), or stops after -s seconds (default 30); a warm-up of
 *              100 messages comes first.  -D sets TCP_NODELAY on our side
 *              (Postfix does not).
 * OUTPUT       Tab-separated figures for tests/bench/report.py:
 *                  LABEL.msgs_s, .p50_us, .p99_us, .max_us, .errors
 *              and a "#" line with the replies seen at end of body.
 * DIAGNOSTICS  Exit 0 when every message got a final reply; 1 with the
 *              first error on stderr otherwise (the figures still print).
 *              Every socket has a 10 s send and receive timeout.
 * SEE ALSO     tests/bench/nullmilter.c, tests/bench/bench.sh,
 *              Postfix milter8.c (the MTA side this imitates)
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#define LOAD_CHUNK	65535	/* MILTER_CHUNK_SIZE: largest body packet */
#define LOAD_MAXPKT	(1024 * 1024)	/* a reply larger than this is an error */
#define LOAD_TIMEOUT	10	/* seconds, each send and receive */
#define LOAD_MAXCONN	256

/* One message, split the way the MTA sends it. */
struct load_msg {
	char *name;
	char *hdr;		/* packed "name\0value\0" pairs */
	size_t hdrlen;
	char *body;		/* CRLF line ends */
	size_t bodylen;
	char from[256];		/* envelope sender: the From: address */
};

/* The target: a unix path or a loopback TCP address. */
struct load_target {
	int family;
	struct sockaddr_un un;
	struct sockaddr_in in;
};

/* Replies seen at end of body, summed over a run. */
enum { R_ACCEPT, R_CONTINUE, R_DISCARD, R_REJECT, R_TEMPFAIL, R_REPLYCODE,
       R_ADDHDR, R_INSHDR, R_CHGHDR, R_ADDRCPT, R_DELRCPT, R_QUARANTINE, R_OTHER,
       R_EARLY, R_N };
static const char *load_reply_names[R_N] = { "accept", "continue", "discard", "reject",
	"tempfail", "replycode", "addheader", "insheader", "chgheader", "addrcpt",
	"delrcpt", "quarantine", "other", "final-before-eom" };

struct load_run {
	const struct load_target *tgt;
	const struct load_msg *msgs;
	size_t nmsgs;
	const char *rcpt;
	int nodelay;
	size_t count;
	double deadline;
	atomic_size_t next;
	atomic_size_t done;
	atomic_size_t errors;
	atomic_size_t replies[R_N];
	double *lat_us;
	pthread_mutex_t lock;
	char first_error[256];
	atomic_uint qid;
};

/* One connection's buffers. */
struct load_conn {
	int fd;
	unsigned char *out;
	size_t outlen, outcap;
	unsigned char *in;
	size_t incap;
	uint32_t proto;		/* what the milter negotiated */
};

/* load_now - monotonic seconds */
static double
load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* load_xrealloc - realloc or die */
static void *
load_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		perror("milter_load: realloc");
		exit(1);
	}
	return q;
}

/* load_put - append bytes to the pending output */
static void
load_put(struct load_conn *c, const void *p, size_t n)
{
	if (c->outlen + n > c->outcap) {
		c->outcap = (c->outlen + n) * 2;
		c->out = load_xrealloc(c->out, c->outcap);
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

/* load_cmd - queue one packet: length, command, data parts */
static void
load_cmd(struct load_conn *c, int cmd, const void *d1, size_t n1, const void *d2, size_t n2)
{
	uint32_t len = htonl((uint32_t)(1 + n1 + n2));
	unsigned char ch = (unsigned char)cmd;

	load_put(c, &len, 4);
	load_put(c, &ch, 1);
	if (n1)
		load_put(c, d1, n1);
	if (n2)
		load_put(c, d2, n2);
}

/* load_macros - queue an SMFIC_MACRO packet for stage cmd: "k\0v\0..." */
static void
load_macros(struct load_conn *c, int cmd, const char *const *kv)
{
	unsigned char buf[1024];
	size_t n = 0;

	buf[n++] = (unsigned char)cmd;
	for (; kv[0] && kv[1]; kv += 2) {
		size_t a = strlen(kv[0]) + 1, b = strlen(kv[1]) + 1;

		if (n + a + b > sizeof(buf))
			break;
		memcpy(buf + n, kv[0], a);
		n += a;
		memcpy(buf + n, kv[1], b);
		n += b;
	}
	load_cmd(c, SMFIC_MACRO, buf, n, NULL, 0);
}

/* load_flush - write all pending output; -1 on error */
static int
load_flush(struct load_conn *c)
{
	size_t off = 0;

	while (off < c->outlen) {
		ssize_t w = write(c->fd, c->out + off, c->outlen - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	c->outlen = 0;
	return 0;
}

/* load_readn - read exactly n bytes; -1 on error or EOF */
static int
load_readn(int fd, void *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = read(fd, (char *)p + off, n - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	return 0;
}

/* load_reply - flush, then read one reply; its command, or -1 */
static int
load_reply(struct load_conn *c, size_t *datalen)
{
	uint32_t len;

	if (load_flush(c) != 0 || load_readn(c->fd, &len, 4) != 0)
		return -1;
	len = ntohl(len);
	if (len < 1 || len > LOAD_MAXPKT)
		return -1;
	if (len > c->incap) {
		c->incap = len;
		c->in = load_xrealloc(c->in, c->incap);
	}
	if (load_readn(c->fd, c->in, len) != 0)
		return -1;
	*datalen = len - 1;
	return c->in[0];
}

/* load_error - count an error and keep the first message */
static void
load_error(struct load_run *run, const char *what, const char *name)
{
	atomic_fetch_add(&run->errors, 1);
	pthread_mutex_lock(&run->lock);
	if (!run->first_error[0])
		snprintf(run->first_error, sizeof(run->first_error), "%s: %s (%s)", name, what,
		    errno ? strerror(errno) : "protocol");
	pthread_mutex_unlock(&run->lock);
}

/*
 * load_step - send one stage (macros, command) and, unless the milter said
 * it does not reply to it, read its reply.  Returns 0 to go on, 1 when the
 * milter ended the message (accept/reject/... before end of body), 2 for
 * SMFIR_SKIP, -1 on error.
 */
static int
load_step(struct load_conn *c, int cmd, const char *const *macros, uint32_t no,
	  uint32_t nr, const void *d, size_t n)
{
	size_t dl;
	int r;

	if (macros)
		load_macros(c, cmd, macros);
	if (c->proto & no)
		return 0;
	load_cmd(c, cmd, d, n, NULL, 0);
	if (c->proto & nr)
		return 0;
	do
		r = load_reply(c, &dl);
	while (r == SMFIR_PROGRESS);
	switch (r) {
	case SMFIR_CONTINUE:
		return 0;
	case SMFIR_SKIP:
		return 2;
	case SMFIR_ACCEPT: case SMFIR_DISCARD: case SMFIR_REJECT: case SMFIR_TEMPFAIL:
	case SMFIR_REPLYCODE: case SMFIR_SHUTDOWN:
		return 1;
	default:
		return -1;
	}
}

/* load_connect - a socket connected to the target, with timeouts */
static int
load_connect(const struct load_run *run)
{
	struct timeval tv = { LOAD_TIMEOUT, 0 };
	int one = 1, fd;

	fd = socket(run->tgt->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (run->tgt->family == AF_INET && run->nodelay)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((run->tgt->family == AF_UNIX &&
	    connect(fd, (const struct sockaddr *)&run->tgt->un, sizeof(run->tgt->un)) != 0) ||
	    (run->tgt->family == AF_INET &&
	    connect(fd, (const struct sockaddr *)&run->tgt->in, sizeof(run->tgt->in)) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* load_session - one connection, one message; 0 or -1 */
static int
load_session(struct load_run *run, struct load_conn *c, const struct load_msg *m)
{
	unsigned char opt[12];
	uint32_t v;
	char qid[16], conn[64], from[300], rcpt[300];
	const char *h;
	size_t dl, off;
	int r, cmd;

	snprintf(qid, sizeof(qid), "4B%08X", atomic_fetch_add(&run->qid, 1));
	snprintf(from, sizeof(from), "<%s>", m->from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", run->rcpt);
	const char *const mac_conn[] = { "j", "mx.bench.test", "{daemon_name}", "mx",
		"{daemon_addr}", "127.0.0.1", "v", "Postfix 3.7.11", NULL, NULL };
	const char *const mac_mail[] = { "i", qid, "{mail_addr}", m->from,
		"{mail_mailer}", "smtp", NULL, NULL };
	const char *const mac_rcpt[] = { "i", qid, "{rcpt_addr}", run->rcpt,
		"{rcpt_mailer}", "virtual", NULL, NULL };
	const char *const mac_i[] = { "i", qid, NULL, NULL };

	c->outlen = 0;
	if ((c->fd = load_connect(run)) < 0) {
		load_error(run, "connect", m->name);
		return -1;
	}
	/* option negotiation: everything Postfix 3.7 offers */
	v = htonl(SMFI_PROT_VERSION);
	memcpy(opt, &v, 4);
	v = htonl(SMFI_CURR_ACTS);
	memcpy(opt + 4, &v, 4);
	v = htonl(SMFI_CURR_PROT);
	memcpy(opt + 8, &v, 4);
	load_cmd(c, SMFIC_OPTNEG, opt, sizeof(opt), NULL, 0);
	if (load_reply(c, &dl) != SMFIC_OPTNEG || dl < 12) {
		load_error(run, "option negotiation", m->name);
		goto fail;
	}
	memcpy(&v, c->in + 9, 4);
	c->proto = ntohl(v);

	/* CONNECT: hostname, family, port, address */
	{
		uint16_t port = htons(40000);
		size_t n = 0;

		memcpy(conn + n, "localhost", 10);
		n += 10;
		conn[n++] = SMFIA_INET;
		memcpy(conn + n, &port, 2);
		n += 2;
		memcpy(conn + n, "127.0.0.1", 10);
		n += 10;
		if ((r = load_step(c, SMFIC_CONNECT, mac_conn, SMFIP_NOCONNECT, SMFIP_NR_CONN,
		    conn, n)) != 0)
			goto early;
	}
	if ((r = load_step(c, SMFIC_HELO, NULL, SMFIP_NOHELO, SMFIP_NR_HELO, "client.bench.test",
	    18)) != 0)
		goto early;
	if ((r = load_step(c, SMFIC_MAIL, mac_mail, SMFIP_NOMAIL, SMFIP_NR_MAIL, from,
	    strlen(from) + 1)) != 0)
		goto early;
	if ((r = load_step(c, SMFIC_RCPT, mac_rcpt, SMFIP_NORCPT, SMFIP_NR_RCPT, rcpt,
	    strlen(rcpt) + 1)) != 0)
		goto early;
	if ((r = load_step(c, SMFIC_DATA, mac_i, SMFIP_NODATA, SMFIP_NR_DATA, NULL, 0)) != 0)
		goto early;
	/* headers: Postfix's own Received: first, then the message's */
	{
		char rcvd[512];
		int n = snprintf(rcvd, sizeof(rcvd), "Received%cfrom client.bench.test (localhost "
		    "[127.0.0.1])\n\tby mx.bench.test (Postfix) with ESMTP id %s\n\tfor %s",
		    0, qid, rcpt);

		if ((r = load_step(c, SMFIC_HEADER, NULL, SMFIP_NOHDRS, SMFIP_NR_HDR, rcvd,
		    (size_t)n + 1)) != 0)
			goto early;
	}
	for (h = m->hdr; h < m->hdr + m->hdrlen;) {
		size_t a = strlen(h) + 1, b = strlen(h + a) + 1;

		if ((r = load_step(c, SMFIC_HEADER, NULL, SMFIP_NOHDRS, SMFIP_NR_HDR, h,
		    a + b)) != 0)
			goto early;
		h += a + b;
	}
	if ((r = load_step(c, SMFIC_EOH, mac_i, SMFIP_NOEOH, SMFIP_NR_EOH, NULL, 0)) != 0)
		goto early;
	for (off = 0; off < m->bodylen; off += LOAD_CHUNK) {
		size_t n = m->bodylen - off < LOAD_CHUNK ? m->bodylen - off : LOAD_CHUNK;

		r = load_step(c, SMFIC_BODY, NULL, SMFIP_NOBODY, SMFIP_NR_BODY, m->body + off, n);
		if (r == 2)
			break;
		if (r != 0)
			goto early;
	}
	/* end of body: modification requests, then the final reply */
	load_macros(c, SMFIC_BODYEOB, mac_i);
	load_cmd(c, SMFIC_BODYEOB, NULL, 0, NULL, 0);
	for (int k = 0; k < 10000; k++) {
		int slot;

		cmd = load_reply(c, &dl);
		switch (cmd) {
		case SMFIR_PROGRESS: continue;
		case SMFIR_ACCEPT: slot = R_ACCEPT; break;
		case SMFIR_CONTINUE: slot = R_CONTINUE; break;
		case SMFIR_DISCARD: slot = R_DISCARD; break;
		case SMFIR_REJECT: slot = R_REJECT; break;
		case SMFIR_TEMPFAIL: slot = R_TEMPFAIL; break;
		case SMFIR_REPLYCODE: slot = R_REPLYCODE; break;
		case SMFIR_ADDHEADER: slot = R_ADDHDR; break;
		case SMFIR_INSHEADER: slot = R_INSHDR; break;
		case SMFIR_CHGHEADER: slot = R_CHGHDR; break;
		case SMFIR_ADDRCPT: case SMFIR_ADDRCPT_PAR: slot = R_ADDRCPT; break;
		case SMFIR_DELRCPT: slot = R_DELRCPT; break;
		case SMFIR_QUARANTINE: slot = R_QUARANTINE; break;
		case -1:
			load_error(run, "end of body reply", m->name);
			goto fail;
		default: slot = R_OTHER; break;
		}
		atomic_fetch_add(&run->replies[slot], 1);
		if (slot <= R_REPLYCODE)
			goto quit;
	}
	load_error(run, "no final reply", m->name);
	goto fail;
early:
	if (r < 0) {
		load_error(run, "reply", m->name);
		goto fail;
	}
	atomic_fetch_add(&run->replies[R_EARLY], 1);
quit:
	load_cmd(c, SMFIC_QUIT, NULL, 0, NULL, 0);
	(void)load_flush(c);
	close(c->fd);
	return 0;
fail:
	close(c->fd);
	return -1;
}

/* load_worker - one concurrent client */
static void *
load_worker(void *arg)
{
	struct load_run *run = arg;
	struct load_conn c;
	size_t i;

	memset(&c, 0, sizeof(c));
	while ((i = atomic_fetch_add(&run->next, 1)) < run->count) {
		double t0 = load_now();

		if (run->deadline > 0 && t0 > run->deadline)
			break;
		errno = 0;
		if (load_session(run, &c, &run->msgs[i % run->nmsgs]) == 0) {
			run->lat_us[i] = (load_now() - t0) * 1e6;
			atomic_fetch_add(&run->done, 1);
		}
	}
	free(c.out);
	free(c.in);
	return NULL;
}

/* load_cmp_double - qsort helper */
static int
load_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* load_pct - nearest-rank quantile of sorted values */
static double
load_pct(const double *v, size_t n, double q)
{
	size_t k = (size_t)(q * (double)n + 0.999999);

	if (n == 0)
		return 0;
	return v[(k < 1 ? 1 : k > n ? n : k) - 1];
}

/* load_parse_msg - split a message file into header pairs and a CRLF body */
static int
load_parse_msg(const char *name, const char *data, size_t len, struct load_msg *m)
{
	const char *p = data, *end = data + len, *body;
	size_t cap = len * 2 + 16;

	memset(m, 0, sizeof(m[0]));
	m->name = strdup(name);
	m->hdr = malloc(len + 16);
	m->body = malloc(cap);
	if (m->name == NULL || m->hdr == NULL || m->body == NULL)
		return -1;
	strcpy(m->from, "sender@example.com");
	/* headers: "Name: value" with continuation lines, up to a blank line */
	while (p < end && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
		const char *colon = memchr(p, ':', (size_t)(end - p)), *v, *e = p;
		size_t nl;

		/* the header ends at a newline not followed by white space */
		for (;;) {
			e = memchr(e, '\n', (size_t)(end - e));
			if (e == NULL) {
				e = end;
				break;
			}
			if (e + 1 < end && (e[1] == ' ' || e[1] == '\t')) {
				e++;
				continue;
			}
			break;
		}
		if (colon == NULL || colon > e)
			return -1;
		nl = (size_t)(colon - p);
		memcpy(m->hdr + m->hdrlen, p, nl);
		m->hdrlen += nl;
		m->hdr[m->hdrlen++] = 0;
		v = colon + 1;
		if (v < e && *v == ' ')	/* Postfix drops one leading space (no HDR_LEADSPC) */
			v++;
		for (const char *q = v; q < e; q++)
			if (*q != '\r')
				m->hdr[m->hdrlen++] = *q;
		m->hdr[m->hdrlen++] = 0;
		if (nl == 4 && strncasecmp(p, "From", 4) == 0) {
			const char *lt = memchr(v, '<', (size_t)(e - v)), *gt;

			if (lt && (gt = memchr(lt, '>', (size_t)(e - lt))) && gt - lt - 1 < 255) {
				memcpy(m->from, lt + 1, (size_t)(gt - lt - 1));
				m->from[gt - lt - 1] = 0;
			}
		}
		p = e < end ? e + 1 : end;
	}
	body = p < end ? p + (*p == '\r' ? 2 : 1) : end;
	for (const char *q = body; q < end; q++) {
		if (*q == '\n' && (q == body || q[-1] != '\r'))
			m->body[m->bodylen++] = '\r';
		m->body[m->bodylen++] = *q;
	}
	return 0;
}

/* load_cmp_name - sort by file name */
static int
load_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_messages - every *.eml of dir, in name order */
static size_t
load_messages(const char *dir, struct load_msg **out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, ok = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".eml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = load_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n == 0)
		return 0;
	qsort(names, n, sizeof(*names), load_cmp_name);
	*out = calloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		FILE *fp;
		char *data;
		long sz;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		if (fseek(fp, 0, SEEK_END) == 0 && (sz = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0 &&
		    (data = malloc((size_t)sz)) != NULL) {
			if (fread(data, 1, (size_t)sz, fp) == (size_t)sz &&
			    load_parse_msg(names[i], data, (size_t)sz, &(*out)[ok]) == 0)
				ok++;
			free(data);
		}
		fclose(fp);
		free(names[i]);
	}
	free(names);
	return ok;
}

/* load_target_parse - unix:/path, local:/path, inet:port@host, inet:host:port */
static int
load_target_parse(const char *s, struct load_target *t)
{
	char host[64];
	int port = 0;

	memset(t, 0, sizeof(*t));
	if (strncmp(s, "unix:", 5) == 0 || strncmp(s, "local:", 6) == 0 || s[0] == '/') {
		const char *path = s[0] == '/' ? s : strchr(s, ':') + 1;

		if (strlen(path) >= sizeof(t->un.sun_path))
			return -1;
		t->family = AF_UNIX;
		t->un.sun_family = AF_UNIX;
		strcpy(t->un.sun_path, path);
		return 0;
	}
	if (strncmp(s, "inet:", 5) != 0)
		return -1;
	s += 5;
	if (strchr(s, '@')) {
		if (sscanf(s, "%d@%63s", &port, host) != 2)
			return -1;
	} else {
		const char *colon = strrchr(s, ':');

		if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
			return -1;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = 0;
		port = atoi(colon + 1);
	}
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	t->family = AF_INET;
	t->in.sin_family = AF_INET;
	t->in.sin_port = htons((uint16_t)port);
	/* loopback only: this is a load generator */
	if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &t->in.sin_addr) != 1 ||
	    (ntohl(t->in.sin_addr.s_addr) >> 24) != 127)
		return -1;
	return 0;
}

/* load_usage - say how to call us */
static void
load_usage(void)
{
	fprintf(stderr, "usage: milter_load [-c conns] [-n count] [-s seconds] [-R repeats] "
	    "[-r rcpt] [-l label] [-D] socket msgdir\n(socket on 127.0.0.0/8 or a unix path)\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct load_target tgt;
	struct load_msg *msgs = NULL;
	struct load_run run;
	const char *label = "milter", *rcpt = "sales@example-msp.com";
	int conns = 8, repeats = 3, nodelay = 0, ch, status = 0;
	size_t count = 2000, nmsgs;
	double seconds = 30;
	pthread_t tid[LOAD_MAXCONN];
	double *sorted;

	while ((ch = getopt(argc, argv, "c:n:s:R:r:l:D")) != -1) {
		switch (ch) {
		case 'c': conns = atoi(optarg); break;
		case 'n': count = (size_t)strtoul(optarg, NULL, 10); break;
		case 's': seconds = atof(optarg); break;
		case 'R': repeats = atoi(optarg); break;
		case 'r': rcpt = optarg; break;
		case 'l': label = optarg; break;
		case 'D': nodelay = 1; break;
		default: load_usage();
		}
	}
	if (optind != argc - 2 || conns < 1 || conns > LOAD_MAXCONN || count < 1 || repeats < 1 ||
	    seconds <= 0)
		load_usage();
	if (load_target_parse(argv[optind], &tgt) != 0) {
		fprintf(stderr, "milter_load: %s: not a unix socket or a 127.0.0.0/8 address\n",
		    argv[optind]);
		return 2;
	}
	if ((nmsgs = load_messages(argv[optind + 1], &msgs)) == 0) {
		fprintf(stderr, "milter_load: %s: no readable *.eml files\n", argv[optind + 1]);
		return 1;
	}
	memset(&run, 0, sizeof(run));
	pthread_mutex_init(&run.lock, NULL);
	run.tgt = &tgt;
	run.msgs = msgs;
	run.nmsgs = nmsgs;
	run.rcpt = rcpt;
	run.nodelay = nodelay;
	run.lat_us = calloc(count, sizeof(double));
	sorted = calloc(count, sizeof(double));
	if (run.lat_us == NULL || sorted == NULL)
		return 1;
	printf("# %s: %s, %d connections, one per message, %zu messages from %s%s\n", label,
	    argv[optind], conns, nmsgs, argv[optind + 1], nodelay ? ", TCP_NODELAY" : "");

	for (int r = 0; r <= repeats; r++) {
		double t0, t1;
		size_t n = 0, done, errs;

		run.count = r == 0 ? (count < 100 ? count : 100) : count;	/* r 0: warm-up */
		atomic_store(&run.next, 0);
		atomic_store(&run.done, 0);
		atomic_store(&run.errors, 0);
		for (int k = 0; k < R_N; k++)
			atomic_store(&run.replies[k], 0);
		for (size_t i = 0; i < run.count; i++)
			run.lat_us[i] = -1;
		t0 = load_now();
		run.deadline = t0 + seconds;
		for (int i = 0; i < conns; i++)
			if (pthread_create(&tid[i], NULL, load_worker, &run) != 0)
				return 1;
		for (int i = 0; i < conns; i++)
			pthread_join(tid[i], NULL);
		t1 = load_now();
		done = atomic_load(&run.done);
		errs = atomic_load(&run.errors);
		if (errs)
			status = 1;
		if (r == 0)
			continue;
		for (size_t i = 0; i < run.count; i++)
			if (run.lat_us[i] >= 0)
				sorted[n++] = run.lat_us[i];
		qsort(sorted, n, sizeof(*sorted), load_cmp_double);
		printf("%s.msgs_s\t%d\t%.1f\tmsgs/s\n", label, r, (double)done / (t1 - t0));
		printf("%s.p50_us\t%d\t%.1f\tus\n", label, r, load_pct(sorted, n, 0.5));
		printf("%s.p99_us\t%d\t%.1f\tus\n", label, r, load_pct(sorted, n, 0.99));
		printf("%s.max_us\t%d\t%.1f\tus\n", label, r, n ? sorted[n - 1] : 0);
		printf("%s.msgs\t%d\t%zu\tmsgs\n", label, r, done);
		printf("%s.errors\t%d\t%zu\tmsgs\n", label, r, errs);
		if (r == 1) {
			printf("# %s: end-of-body replies:", label);
			for (int k = 0; k < R_N; k++)
				if (atomic_load(&run.replies[k]))
					printf(" %s=%zu", load_reply_names[k], atomic_load(&run.replies[k]));
			printf("\n");
		}
		fflush(stdout);
	}
	if (run.first_error[0])
		fprintf(stderr, "milter_load: %s: first error: %s\n", label, run.first_error);
	return status;
}
