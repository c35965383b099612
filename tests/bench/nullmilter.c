/*
 * nullmilter - a libmilter milter that does nothing, as a baseline
 *
 * SYNOPSIS     nullmilter [-D] [-N] -p socket
 * DESCRIPTION  Registers every callback leadmilter registers (connect,
 *              helo, envelope sender and recipient, data, header, end of
 *              header, body, end of message, abort, close) and answers
 *              each with SMFIS_CONTINUE, and SMFIS_ACCEPT at end of
 *              message, so the MTA sends it the same events as leadmilter
 *              and the difference between the two is leadmilter's own
 *              work.  Per-connection private data is allocated and freed
 *              as a real milter's is.  It runs in the foreground until
 *              SIGTERM or SIGINT.
 *              -N negotiates "no reply" for every step up to end of message
 *              (SMFIP_NR_CONN ... SMFIP_NR_BODY, as offered) and answers
 *              SMFIS_NOREPLY: what a milter saves by not making the MTA
 *              wait at every header.
 *              -D sets TCP_NODELAY on the listening socket (Linux hands it
 *              down to every accepted socket), to measure what Nagle's
 *              algorithm costs on an inet socket.  libmilter keeps its
 *              listening socket to itself, so the option is set in a
 *              listen() wrapper: libmilter calls listen() once, on that
 *              socket, right after bind().
 * DIAGNOSTICS  Exit 0 after a clean stop, 1 when libmilter fails, 2 for
 *              bad usage.
 * SEE ALSO     tests/bench/milter_load.c, tests/bench/bench.sh
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

static int nullmilter_nodelay;
static sfsistat nullmilter_go = SMFIS_CONTINUE;	/* SMFIS_NOREPLY with -N */

#define NULLMILTER_NR	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | \
			 SMFIP_NR_DATA | SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)

/*
 * listen - set TCP_NODELAY on libmilter's listening socket when -D asked,
 * then listen.  XXX libmilter has no call to reach its socket; this goes
 * when it gets one.  The system call is made directly: the libc symbol is
 * the one this definition shadows.
 */
int
listen(int fd, int backlog)
{
	int one = 1;

	if (nullmilter_nodelay &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0 &&
	    errno != EOPNOTSUPP && errno != ENOPROTOOPT)
		fprintf(stderr, "nullmilter: TCP_NODELAY: %s\n", strerror(errno));
	return (int)syscall(SYS_listen, fd, backlog);
}

/* Per-connection state, as a real milter keeps. */
struct nullmilter_conn {
	unsigned long headers;
	unsigned long body_bytes;
};

/* nullmilter_connect - allocate the connection's private data */
static sfsistat
nullmilter_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct nullmilter_conn *c = calloc(1, sizeof(*c));

	(void)host;
	(void)addr;
	if (c == NULL)
		return SMFIS_TEMPFAIL;
	smfi_setpriv(ctx, c);
	return nullmilter_go;
}

/* nullmilter_helo - nothing to do */
static sfsistat
nullmilter_helo(SMFICTX *ctx, char *helo)
{
	(void)ctx;
	(void)helo;
	return nullmilter_go;
}

/* nullmilter_envfrom - a new message starts */
static sfsistat
nullmilter_envfrom(SMFICTX *ctx, char **argv)
{
	struct nullmilter_conn *c = smfi_getpriv(ctx);

	(void)argv;
	if (c) {
		c->headers = 0;
		c->body_bytes = 0;
	}
	return nullmilter_go;
}

/* nullmilter_envrcpt - nothing to do */
static sfsistat
nullmilter_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return nullmilter_go;
}

/* nullmilter_data - nothing to do */
static sfsistat
nullmilter_data(SMFICTX *ctx)
{
	(void)ctx;
	return nullmilter_go;
}

/* nullmilter_header - count it */
static sfsistat
nullmilter_header(SMFICTX *ctx, char *name, char *value)
{
	struct nullmilter_conn *c = smfi_getpriv(ctx);

	(void)name;
	(void)value;
	if (c)
		c->headers++;
	return nullmilter_go;
}

/* nullmilter_eoh - nothing to do */
static sfsistat
nullmilter_eoh(SMFICTX *ctx)
{
	(void)ctx;
	return nullmilter_go;
}

/* nullmilter_body - count it */
static sfsistat
nullmilter_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct nullmilter_conn *c = smfi_getpriv(ctx);

	(void)chunk;
	if (c)
		c->body_bytes += len;
	return nullmilter_go;
}

/* nullmilter_eom - accept, unchanged */
static sfsistat
nullmilter_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_ACCEPT;
}

/* nullmilter_abort - nothing to undo */
static sfsistat
nullmilter_abort(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* nullmilter_close - free the connection's private data */
static sfsistat
nullmilter_close(SMFICTX *ctx)
{
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

/* nullmilter_negotiate - with -N: no replies before end of message */
static sfsistat
nullmilter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
		     unsigned long f3, unsigned long *pf0, unsigned long *pf1,
		     unsigned long *pf2, unsigned long *pf3)
{
	(void)ctx;
	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT);
	*pf1 = f1 & NULLMILTER_NR;
	*pf2 = *pf3 = 0;
	/* every step must then answer SMFIS_NOREPLY: ask for all or none */
	if (*pf1 != NULLMILTER_NR) {
		*pf1 = 0;
		nullmilter_go = SMFIS_CONTINUE;
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc nullmilter_desc = {
	"nullmilter",
	SMFI_VERSION,
	SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | SMFIF_DELRCPT,
	nullmilter_connect,
	nullmilter_helo,
	nullmilter_envfrom,
	nullmilter_envrcpt,
	nullmilter_header,
	nullmilter_eoh,
	nullmilter_body,
	nullmilter_eom,
	nullmilter_abort,
	nullmilter_close,
	NULL,			/* unknown */
	nullmilter_data,
	NULL			/* negotiate: libmilter's defaults */
};

int
main(int argc, char **argv)
{
	char *sock = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "DNp:")) != -1) {
		switch (ch) {
		case 'D': nullmilter_nodelay = 1; break;
		case 'N':
			nullmilter_go = SMFIS_NOREPLY;
			nullmilter_desc.xxfi_negotiate = nullmilter_negotiate;
			break;
		case 'p': sock = optarg; break;
		default: sock = NULL; optind = argc + 1; break;
		}
	}
	if (sock == NULL || optind != argc) {
		fprintf(stderr, "usage: nullmilter [-D] [-N] -p socket\n");
		return 2;
	}
	/* a unix socket the MTA's unprivileged processes can connect to, as
	 * leadmilter's with "UMask 000" */
	umask(000);
	if (smfi_setconn(sock) != MI_SUCCESS || smfi_register(nullmilter_desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot open %s\n", sock);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
