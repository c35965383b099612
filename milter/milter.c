/*
 * milter - the libmilter callbacks: collect, qualify, apply the plan
 *
 * DESCRIPTION  See milter.h.  Connection state (struct milter_conn) lives
 *              from option negotiation (or connect) to close; message
 *              state (struct milter_msg) from MAIL to end of message,
 *              abort or close, and is reset in exactly one function.
 *              Per message: envelope recipients and whether each is an
 *              inquiry address; the raw header block and body, as one
 *              buffer the engine parses, up to MaxScanSize; the incoming
 *              X-Lead-* headers with their per-name index; Subject,
 *              Content-Type, Content-Transfer-Encoding and Message-ID.
 *              Mail to FeedbackAddress (with a store) is collected the
 *              same way and handed to feedback_parse()/store_feedback().
 * LIMITS       No decisions about scores here: the engine decides and
 *              annotate.c plans.  A message over MaxScanSize is not
 *              buffered further (SMFIS_SKIP where the MTA allows it).
 * DIAGNOSTICS  milter_fail() is the one place an internal error becomes a
 *              reply, as OnError says; its log line names the cause.
 * SEE ALSO     store(3), feedback(3), postfix/src/milter/milter8.c,
 *              milter-regex.c, opendkim/opendkim.c (queue id read again
 *              at EOM)
 */

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "annotate.h"
#include "buf.h"
#include "config.h"
#include "engine.h"
#include "feedback.h"
#include "log.h"
#include "milter.h"
#include "rules.h"
#include "store.h"
#include "verdict.h"

#define MILTER_NAME		"leadmilter"
#define MILTER_MAX_RCPT		10000	/* envelope recipients we remember */
#define MILTER_MAX_SEEN		1000	/* incoming X-Lead-* headers we delete */
#define MILTER_MAX_LOG		200	/* bytes of an untrusted value in a log line */
#define MILTER_ACTIONS	(SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_ADDRCPT | \
			 SMFIF_DELRCPT | SMFIF_CHGBODY)

/* A configuration, ruleset and store, shared by the messages that started
 * under them; freed by the last one out. */
struct milter_conf {
	unsigned refs;			/* under milter_lock */
	struct config *cfg;
	struct ruleset *rs;
	struct store *store;		/* NULL: no StoreFile */
	struct annotate_opts aopt;	/* points into cfg */
	int test_fail;			/* TestFailure or LEADMILTER_TEST_FAIL=1 */
};

struct milter_msg {
	struct milter_conf *conf;	/* held from MAIL to the end */
	char qid[32];			/* macro i, "" until known */
	char *sender;
	char **rcpt;			/* as received, "<a@b>" */
	unsigned char *inquiry;		/* per rcpt */
	size_t nrcpt;
	size_t ninquiry;
	size_t nfeedback;		/* recipients that are FeedbackAddress */
	struct buf raw;			/* header block and body, CRLF */
	size_t size;			/* bytes seen, also past the cap */
	size_t hdrlen;			/* header block length, blank line included */
	int skipped;			/* over MaxScanSize */
	struct annotate_seen *seen;	/* incoming X-Lead-*, names in seen_name */
	char **seen_name;		/* owned */
	size_t nseen;
	char *subject;
	char *content_type;
	char *cte;
	char *message_id;
	char fail[256];			/* first collection failure, "" if none */
};

struct milter_conn {
	int can_skip;			/* the MTA understands SMFIS_SKIP */
	int nr_hdr;			/* no reply to headers (SMFIP_NR_HDR) */
	int nr_eoh;			/* none to end of headers (SMFIP_NR_EOH) */
	int nr_env;			/* none to connect, MAIL, RCPT (SMFIP_NR_*) */
	char deferred[200];		/* a failure met where no reply goes: DATA's */
	struct milter_msg m;
};

#define MILTER_NR_ENV	(SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_RCPT)

static pthread_mutex_t milter_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t milter_idle = PTHREAD_COND_INITIALIZER;
static struct milter_conf *milter_current;	/* under milter_lock */
static unsigned milter_inflight;		/* under milter_lock */

/*
 * The engine is mostly CPU work: with many more messages in it than CPUs
 * they only share the CPUs, each holding its parse, zones and matching
 * state (and a store connection for history) meanwhile.  At most Workers
 * messages are qualified at once; the others wait their turn here.  Each
 * waiter compares with the limit of its own configuration: after a
 * reload that changes Workers, a leave may wake one that must wait on,
 * and the next leave wakes another.
 */
static pthread_mutex_t milter_gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t milter_gate_free = PTHREAD_COND_INITIALIZER;
static unsigned milter_gate_busy;		/* under milter_gate_lock */

/* milter_conf_free - release a set nobody uses any more */
static void
milter_conf_free(struct milter_conf *mc)
{
	store_close(mc->store);
	rules_unref(mc->rs);
	config_free(mc->cfg);
	free(mc);
}

/* milter_conf_unref - drop one reference, free with the last */
static void
milter_conf_unref(struct milter_conf *mc)
{
	int last;

	if (mc == NULL)
		return;
	pthread_mutex_lock(&milter_lock);
	last = --mc->refs == 0;
	pthread_mutex_unlock(&milter_lock);
	if (last)
		milter_conf_free(mc);
}

/* milter_swap - install a configuration, ruleset and store (or NULL),
 * taking ownership of all three; messages in flight keep the set they
 * started with, and the last of them frees it */
void
milter_swap(struct config *cfg, struct ruleset *rs, struct store *store)
{
	struct milter_conf *mc = NULL, *old;
	const char *env = getenv("LEADMILTER_TEST_FAIL");

	if (cfg != NULL) {
		mc = lm_xcalloc(1, sizeof(*mc));
		mc->refs = 1;
		mc->cfg = cfg;
		mc->rs = rs;
		mc->store = store;
		mc->aopt.route = cfg->mode == CONFIG_MODE_ROUTE;
		mc->aopt.dry_run = cfg->dry_run;
		mc->aopt.subject_tag = cfg->subject_tag;
		mc->aopt.body_summary = cfg->body_summary;
		mc->aopt.sales_mailbox = cfg->sales_mailbox;
		mc->aopt.nurture_mailbox = cfg->nurture_mailbox;
		mc->aopt.archive_mailbox = cfg->archive_mailbox;
		mc->test_fail = cfg->test_failure || (env != NULL && strcmp(env, "1") == 0);
	}
	pthread_mutex_lock(&milter_lock);
	old = milter_current;
	milter_current = mc;
	pthread_mutex_unlock(&milter_lock);
	milter_conf_unref(old);
}

/* milter_conf_get - a reference to the current configuration, or NULL */
static struct milter_conf *
milter_conf_get(void)
{
	struct milter_conf *mc;

	pthread_mutex_lock(&milter_lock);
	if ((mc = milter_current) != NULL)
		mc->refs++;
	pthread_mutex_unlock(&milter_lock);
	return mc;
}

/* milter_begin - a message starts: a reference to the current set, and
 * one more message in flight; NULL when nothing is loaded */
static struct milter_conf *
milter_begin(void)
{
	struct milter_conf *mc;

	pthread_mutex_lock(&milter_lock);
	if ((mc = milter_current) != NULL) {
		mc->refs++;
		milter_inflight++;
	}
	pthread_mutex_unlock(&milter_lock);
	return mc;
}

/* milter_end - a message ends: one less in flight, drop its reference */
static void
milter_end(struct milter_conf *mc)
{
	int last;

	pthread_mutex_lock(&milter_lock);
	last = --mc->refs == 0;
	if (--milter_inflight == 0)
		pthread_cond_broadcast(&milter_idle);
	pthread_mutex_unlock(&milter_lock);
	if (last)
		milter_conf_free(mc);
}

/* milter_drain - wait up to seconds for messages in flight to end;
 * returns how many are still going */
unsigned
milter_drain(int seconds)
{
	struct timespec until;
	unsigned n;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += seconds;
	pthread_mutex_lock(&milter_lock);
	while (milter_inflight > 0 &&
	       pthread_cond_timedwait(&milter_idle, &milter_lock, &until) == 0)
		;
	n = milter_inflight;
	pthread_mutex_unlock(&milter_lock);
	return n;
}

/* milter_qid - the queue id for log lines, "NOQUEUE" until known */
static const char *
milter_qid(const struct milter_msg *m)
{
	return m->qid[0] ? m->qid : "NOQUEUE";
}

/* milter_read_qid - read macro i if we do not have it yet (Postfix sends
 * it at MAIL, RCPT, DATA, EOH or EOM depending on version and settings) */
static void
milter_read_qid(SMFICTX *ctx, struct milter_msg *m)
{
	const char *s;
	size_t n = 0;

	if (m->qid[0] != '\0' || (s = smfi_getsymval(ctx, "i")) == NULL)
		return;
	for (; *s && n < sizeof(m->qid) - 1; s++)
		if (isalnum((unsigned char)*s))
			m->qid[n++] = *s;
	m->qid[n] = '\0';
}

/* milter_fail - the one place an internal failure becomes a reply: log the
 * cause and pass the message unchanged, or tempfail it (OnError) */
static sfsistat
milter_fail(SMFICTX *ctx, const struct milter_msg *m, const char *fmt, ...)
	LM_PRINTF(3, 4);

static sfsistat
milter_fail(SMFICTX *ctx, const struct milter_msg *m, const char *fmt, ...)
{
	struct milter_conf *mc = m && m->conf ? NULL : milter_conf_get();
	const struct milter_conf *use = m && m->conf ? m->conf : mc;
	int tempfail = use != NULL && use->cfg->on_error == CONFIG_ONERROR_TEMPFAIL;
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	milter_conf_unref(mc);
	log_error("%s: %s; action=%s", m ? milter_qid(m) : "NOQUEUE", why,
		  tempfail ? "tempfail" : "accept");
	if (!tempfail)
		return SMFIS_ACCEPT;
	(void)smfi_setreply(ctx, "451", "4.3.0", "Lead filter temporarily unavailable, try again later");
	return SMFIS_TEMPFAIL;
}

/* milter_msg_reset - end a message: free its state, release its
 * configuration and leave the in-flight count */
static void
milter_msg_reset(struct milter_msg *m)
{
	for (size_t i = 0; i < m->nrcpt; i++)
		free(m->rcpt[i]);
	for (size_t i = 0; i < m->nseen; i++)
		free(m->seen_name[i]);
	free(m->rcpt);
	free(m->inquiry);
	free(m->seen);
	free(m->seen_name);
	free(m->sender);
	free(m->subject);
	free(m->content_type);
	free(m->cte);
	free(m->message_id);
	buf_free(&m->raw);
	if (m->conf != NULL)
		milter_end(m->conf);
	memset(m, 0, sizeof(*m));
}

/* milter_conn_get - the connection state, created on first use */
static struct milter_conn *
milter_conn_get(SMFICTX *ctx)
{
	struct milter_conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		return c;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		free(c);
		return NULL;
	}
	return c;
}

/* milter_negotiate - ask for the edits we make and for SMFIS_SKIP; the
 * connection state is made here, as SMFIS_SKIP needs to know the answer */
static sfsistat
milter_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
		 unsigned long f2, unsigned long f3, unsigned long *pf0,
		 unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct milter_conn *c = milter_conn_get(ctx);

	(void)f2;
	(void)f3;
	/* no state: connect tries again and fails as OnError says */
	if (c != NULL) {
		c->can_skip = (f1 & SMFIP_SKIP) != 0;
		c->nr_hdr = (f1 & SMFIP_NR_HDR) != 0;
		c->nr_eoh = (f1 & SMFIP_NR_EOH) != 0;
		c->nr_env = (f1 & MILTER_NR_ENV) == MILTER_NR_ENV;
	}
	if ((f0 & MILTER_ACTIONS) != MILTER_ACTIONS)
		log_warn("NOQUEUE: MTA offers actions 0x%lx, we use 0x%lx: some edits will fail",
			 f0, (unsigned long)MILTER_ACTIONS);
	*pf0 = f0 & MILTER_ACTIONS;
	/* Replies cost a round trip each: none to HELO (we have no callback)
	 * and none to each header or the end of headers, where we only copy;
	 * EOM acts on anything that went wrong while reading headers.  None
	 * to connect, MAIL and RCPT either, which only take notes: a failure
	 * there waits for DATA's reply (c->deferred), before any of the
	 * message is sent.  DATA has its reply: it accepts a message with no
	 * inquiry recipient before its headers and body are sent.  Body
	 * chunks have theirs: SMFIS_SKIP ends one over MaxScanSize. */
	*pf1 = f1 & (SMFIP_SKIP | SMFIP_NOHELO |
	    (c != NULL ? SMFIP_NR_HDR | SMFIP_NR_EOH : 0) |
	    (c != NULL && c->nr_env ? MILTER_NR_ENV : 0));
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

/* milter_connect - create the connection state (if negotiate did not) */
static sfsistat
milter_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct milter_conn *c = milter_conn_get(ctx);

	(void)host;
	(void)addr;
	/* no state, no SMFIP_NR_CONN: negotiate made none */
	if (c == NULL)
		return milter_fail(ctx, NULL, "connect: out of memory for connection state");
	return c->nr_env ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* milter_defer - a failure where SMFIP_NR_* lets us send no reply: keep
 * the first for DATA to answer */
static sfsistat
milter_defer(struct milter_conn *c, const char *why)
{
	if (c->deferred[0] == '\0')
		snprintf(c->deferred, sizeof(c->deferred), "%s", why);
	return SMFIS_NOREPLY;
}

/* milter_envfrom - start a message under the current configuration */
static sfsistat
milter_envfrom(SMFICTX *ctx, char **argv)
{
	struct milter_conn *c = milter_conn_get(ctx);
	struct milter_msg *m;

	if (c == NULL)
		return milter_fail(ctx, NULL, "mail: no connection state");
	m = &c->m;
	milter_msg_reset(m);
	c->deferred[0] = '\0';
	if ((m->conf = milter_begin()) == NULL)
		return c->nr_env ? milter_defer(c, "mail: no configuration loaded") :
		    milter_fail(ctx, m, "mail: no configuration loaded");
	milter_read_qid(ctx, m);
	m->sender = lm_xstrdup(argv[0] ? argv[0] : "<>");
	return c->nr_env ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* milter_envrcpt - remember a recipient and whether it is an inquiry;
 * never SMFIS_ACCEPT here: that would accept the whole message */
static sfsistat
milter_envrcpt(SMFICTX *ctx, char **argv)
{
	struct milter_conn *c = smfi_getpriv(ctx);
	struct milter_msg *m;
	sfsistat next;

	if (c != NULL && c->m.conf == NULL && c->nr_env)
		return milter_defer(c, "rcpt: no message state");
	if (c == NULL || c->m.conf == NULL)
		return milter_fail(ctx, c ? &c->m : NULL, "rcpt: no message state");
	next = c->nr_env ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	m = &c->m;
	milter_read_qid(ctx, m);
	if (argv[0] == NULL)
		return next;
	if (m->nrcpt >= MILTER_MAX_RCPT) {
		if (m->fail[0] == '\0')
			snprintf(m->fail, sizeof(m->fail), "more than %d recipients", MILTER_MAX_RCPT);
		return next;
	}
	m->rcpt = lm_xrealloc(m->rcpt, (m->nrcpt + 1) * sizeof(m->rcpt[0]));
	m->inquiry = lm_xrealloc(m->inquiry, m->nrcpt + 1);
	m->rcpt[m->nrcpt] = lm_xstrdup(argv[0]);
	m->inquiry[m->nrcpt] = 0;
	/* feedback is recorded, not qualified: it quotes the inquiry */
	if (m->conf->store != NULL && m->conf->cfg->feedback_address[0] &&
	    annotate_addr_equal(argv[0], m->conf->cfg->feedback_address))
		m->nfeedback++;
	else if (config_inquiry_match(m->conf->cfg, argv[0]))
		m->inquiry[m->nrcpt] = 1;
	m->ninquiry += m->inquiry[m->nrcpt];
	m->nrcpt++;
	return next;
}

/* milter_ours - is this message for us: an inquiry, or feedback? */
static int
milter_ours(const struct milter_msg *m)
{
	return m->ninquiry > 0 || m->nfeedback > 0;
}

/* milter_not_inquiry - accept a message with no inquiry recipient as it
 * is, before any of it is buffered */
static sfsistat
milter_not_inquiry(SMFICTX *ctx, struct milter_msg *m, const char *stage)
{
	milter_read_qid(ctx, m);
	log_debug("%s: no inquiry recipient: accepted at %s untouched", milter_qid(m), stage);
	milter_msg_reset(m);
	return SMFIS_ACCEPT;
}

/* milter_data - the earliest point where all recipients are known */
static sfsistat
milter_data(SMFICTX *ctx)
{
	struct milter_conn *c = smfi_getpriv(ctx);

	if (c != NULL && c->deferred[0] != '\0') {
		sfsistat r = milter_fail(ctx, &c->m, "%s", c->deferred);

		c->deferred[0] = '\0';
		return r;
	}
	if (c == NULL || c->m.conf == NULL)
		return milter_fail(ctx, c ? &c->m : NULL, "data: no message state");
	if (!milter_ours(&c->m))
		return milter_not_inquiry(ctx, &c->m, "DATA");
	milter_read_qid(ctx, &c->m);
	return SMFIS_CONTINUE;
}

/* milter_keep - replace *slot with a copy of the first value seen */
static void
milter_keep(char **slot, const char *value)
{
	if (*slot == NULL)
		*slot = lm_xstrdup(value);
}

/* milter_append - add bytes to the scan buffer, or stop buffering once
 * the message is larger than MaxScanSize */
static void
milter_append(struct milter_msg *m, const void *p, size_t n)
{
	m->size += n;
	if (m->skipped)
		return;
	if (m->size > m->conf->cfg->max_scan_size) {
		m->skipped = 1;
		buf_free(&m->raw);
		return;
	}
	buf_append(&m->raw, p, n);
}

/* milter_header_copy - copy a header; note X-Lead-* ones and those we edit */
static sfsistat
milter_header_copy(SMFICTX *ctx, char *name, char *value)
{
	struct milter_conn *c = smfi_getpriv(ctx);
	struct milter_msg *m;

	if (c == NULL || c->m.conf == NULL)
		return milter_fail(ctx, c ? &c->m : NULL, "header: no message state");
	m = &c->m;
	if (!milter_ours(m))
		return milter_not_inquiry(ctx, m, "header");
	milter_append(m, name, strlen(name));
	milter_append(m, ": ", 2);
	milter_append(m, value, strlen(value));
	milter_append(m, "\r\n", 2);
	if (annotate_is_lead_header(name)) {
		int index = 1;

		if (m->nseen >= MILTER_MAX_SEEN) {
			if (m->fail[0] == '\0')
				snprintf(m->fail, sizeof(m->fail), "more than %d X-Lead-* headers",
					 MILTER_MAX_SEEN);
			return SMFIS_CONTINUE;
		}
		for (size_t i = 0; i < m->nseen; i++)
			index += strcasecmp(m->seen[i].name, name) == 0;
		m->seen = lm_xrealloc(m->seen, (m->nseen + 1) * sizeof(m->seen[0]));
		m->seen_name = lm_xrealloc(m->seen_name, (m->nseen + 1) * sizeof(m->seen_name[0]));
		m->seen_name[m->nseen] = lm_xstrdup(name);
		m->seen[m->nseen].name = m->seen_name[m->nseen];
		m->seen[m->nseen].index = index;
		m->nseen++;
	} else if (strcasecmp(name, "Subject") == 0) {
		milter_keep(&m->subject, value);
	} else if (strcasecmp(name, "Content-Type") == 0) {
		milter_keep(&m->content_type, value);
	} else if (strcasecmp(name, "Content-Transfer-Encoding") == 0) {
		milter_keep(&m->cte, value);
	} else if (strcasecmp(name, "Message-ID") == 0) {
		milter_keep(&m->message_id, value);
	}
	return SMFIS_CONTINUE;
}

/* milter_header - one header; with SMFIP_NR_HDR the MTA waits for no
 * reply, so a message that is not ours or has no state is left to EOH,
 * and a failure while copying is in m->fail for EOM */
static sfsistat
milter_header(SMFICTX *ctx, char *name, char *value)
{
	struct milter_conn *c = smfi_getpriv(ctx);

	if (c == NULL || !c->nr_hdr)
		return milter_header_copy(ctx, name, value);
	if (c->m.conf != NULL && milter_ours(&c->m))
		(void)milter_header_copy(ctx, name, value);
	return SMFIS_NOREPLY;
}

/* milter_eoh - end the header block; with SMFIP_NR_EOH the MTA waits
 * for no reply, and what is wrong here is EOM's to answer (no state, or
 * a message not ours, which DATA accepted already unless the MTA has no
 * DATA step) */
static sfsistat
milter_eoh(SMFICTX *ctx)
{
	struct milter_conn *c = smfi_getpriv(ctx);
	struct milter_msg *m;

	if (c == NULL || c->m.conf == NULL) {
		if (c != NULL && c->nr_eoh)
			return SMFIS_NOREPLY;
		return milter_fail(ctx, c ? &c->m : NULL, "eoh: no message state");
	}
	m = &c->m;
	if (!milter_ours(m))
		return c->nr_eoh ? SMFIS_NOREPLY : milter_not_inquiry(ctx, m, "EOH");
	milter_read_qid(ctx, m);
	milter_append(m, "\r\n", 2);
	m->hdrlen = m->raw.len;
	return c->nr_eoh ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* milter_body - buffer a body chunk up to MaxScanSize */
static sfsistat
milter_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct milter_conn *c = smfi_getpriv(ctx);

	if (c == NULL || c->m.conf == NULL)
		return milter_fail(ctx, c ? &c->m : NULL, "body: no message state");
	milter_append(&c->m, chunk, len);
	if (c->m.skipped && c->can_skip)
		return SMFIS_SKIP;
	return SMFIS_CONTINUE;
}

/* milter_put_addr - an address for a log line, in <>, cleaned and capped */
static void
milter_put_addr(struct buf *out, const char *a)
{
	size_t n = 0;

	buf_putc(out, '<');
	while (*a == '<' || *a == ' ')
		a++;
	for (; *a && *a != '>' && n < MILTER_MAX_LOG; a++, n++)
		buf_putc(out, isgraph((unsigned char)*a) ? *a : '?');
	buf_putc(out, '>');
}

/* milter_log - the one info line about a message we handled */
static void
milter_log(const struct milter_msg *m, const struct verdict *v,
	   const struct annotate_plan *p, long us)
{
	const struct config *cfg = m->conf->cfg;
	struct buf l = BUF_INIT;

	buf_printf(&l, "%s: msgid=", milter_qid(m));
	milter_put_addr(&l, m->message_id ? m->message_id : "");
	buf_puts(&l, " from=");
	milter_put_addr(&l, m->sender ? m->sender : "");
	for (size_t i = 0; i < m->nrcpt; i++)
		if (m->inquiry[i]) {
			buf_puts(&l, " to=");
			milter_put_addr(&l, m->rcpt[i]);
		}
	if (v == NULL) {
		buf_printf(&l, " skipped=size size=%zu limit=%zu", m->size, cfg->max_scan_size);
	} else {
		buf_printf(&l, " decision=%s total=%d", v->decision ? v->decision : "unknown", v->total);
		for (int i = 0; i < v->ncrit; i++)
			buf_printf(&l, " %s=%d", v->crit[i].name, v->crit[i].level);
		buf_puts(&l, " tags=");
		if (v->ntags > 0)
			verdict_tags_join(v, ",", &l);
		else
			buf_putc(&l, '-');
		buf_printf(&l, " reason=%s dest=", v->disqualifier ? v->disqualifier : "-");
		if (p->dest && cfg->mode == CONFIG_MODE_ROUTE)
			milter_put_addr(&l, p->dest);
		else
			buf_putc(&l, '-');
		buf_puts(&l, " company=");
		annotate_quote(verdict_field(v, "company"), MILTER_MAX_LOG, &l);
		buf_printf(&l, " lead=%s", v->lead_id && *v->lead_id ? v->lead_id : "-");
	}
	buf_printf(&l, " mode=%s dryrun=%s changes=%s us=%ld",
		   cfg->mode == CONFIG_MODE_ROUTE ? "route" : "annotate",
		   cfg->dry_run ? "yes" : "no", p->changes ? p->changes : "none", us);
	log_info("%s", buf_str(&l));
	buf_free(&l);
}

/* milter_apply - make the plan's edits; the name of a failed call, or NULL */
static const char *
milter_apply(SMFICTX *ctx, const struct milter_msg *m,
	     const struct annotate_plan *p, char *body, size_t bodylen)
{
	for (size_t i = 0; i < p->nhdr; i++) {
		const struct annotate_hdr *h = &p->hdr[i];

		if (log_verbose()) {
			struct buf d = BUF_INIT;

			annotate_quote(h->value, MILTER_MAX_LOG, &d);
			log_debug("%s: header %s %s[%d] %s", milter_qid(m),
				  h->kind == ANNOTATE_HDR_DELETE ? "delete" :
				  h->kind == ANNOTATE_HDR_CHANGE ? "change" : "add",
				  h->name, h->index, buf_str(&d));
			buf_free(&d);
		}
		if (h->kind == ANNOTATE_HDR_ADD) {
			if (smfi_addheader(ctx, h->name, h->value) != MI_SUCCESS)
				return "smfi_addheader";
		} else if (smfi_chgheader(ctx, h->name, h->index, h->value) != MI_SUCCESS) {
			return "smfi_chgheader";
		}
	}
	for (size_t i = 0; i < p->nrcpt; i++) {
		log_debug("%s: recipient %s %.200s", milter_qid(m),
			  p->rcpt[i].add ? "add" : "delete", p->rcpt[i].addr);
		if (p->rcpt[i].add ? smfi_addrcpt(ctx, p->rcpt[i].addr) != MI_SUCCESS :
		    smfi_delrcpt(ctx, p->rcpt[i].addr) != MI_SUCCESS)
			return p->rcpt[i].add ? "smfi_addrcpt" : "smfi_delrcpt";
	}
	if (p->body_prefix != NULL) {
		log_debug("%s: body summary prepended", milter_qid(m));
		if (smfi_replacebody(ctx, (unsigned char *)p->body_prefix,
				     (int)strlen(p->body_prefix)) != MI_SUCCESS ||
		    (bodylen > 0 && smfi_replacebody(ctx, (unsigned char *)body,
						     (int)bodylen) != MI_SUCCESS))
			return "smfi_replacebody";
	}
	return NULL;
}

/* milter_bare - an address without <> and blanks; caller free()s */
static char *
milter_bare(const char *a)
{
	a += strspn(a, "< ");
	return lm_xstrndup(a, strcspn(a, ">"));
}

/* milter_rcpt_bare - the first inquiry address without <>, for the engine;
 * caller free()s */
static char *
milter_rcpt_bare(const struct milter_msg *m)
{
	for (size_t i = 0; i < m->nrcpt; i++)
		if (m->inquiry[i])
			return milter_bare(m->rcpt[i]);
	return NULL;
}

/* milter_feedback - a sales rep's verdict on a lead: record it in the
 * store, then deliver the mail (FeedbackAction accept) or drop it for the
 * feedback address (discard; the whole message if it has no other
 * recipient).  Not qualified: it quotes the inquiry it is about. */
static sfsistat
milter_feedback(SMFICTX *ctx, struct milter_msg *m)
{
	const struct config *cfg = m->conf->cfg;
	char lead[FEEDBACK_ID_MAX] = "";
	char *reason = NULL, *by = milter_bare(m->sender);
	const char *outcome = "recorded";
	struct buf l = BUF_INIT;
	int accepted = -1, rc;

	if (m->skipped)
		rc = LM_ELIMIT, outcome = "larger than MaxScanSize: not recorded";
	else if ((rc = feedback_parse(m->raw.data ? m->raw.data : "", m->raw.len, lead,
				      &accepted, &reason)) != 0)
		accepted = -1, outcome = lead[0] ? "no accepted/rejected word: not recorded"
						 : "no lead id: not recorded";
	else if ((rc = store_feedback(m->conf->store, lead, accepted, reason, by, 0)) != 0)
		outcome = rc == LM_ENOTFOUND ? "unknown lead id: not recorded"
					     : "store failed: not recorded";
	buf_printf(&l, "%s: feedback from=", milter_qid(m));
	milter_put_addr(&l, m->sender);
	buf_printf(&l, " lead=%s verdict=%s reason=", lead[0] ? lead : "-",
		   accepted < 0 ? "-" : accepted ? "accepted" : "rejected");
	annotate_quote(reason, MILTER_MAX_LOG, &l);
	buf_printf(&l, " action=%s: %s",
		   cfg->feedback_action == CONFIG_FEEDBACK_DISCARD ? "discard" : "accept", outcome);
	if (rc == 0)
		log_info("%s", buf_str(&l));
	else
		log_warn("%s", buf_str(&l));
	buf_free(&l);
	free(reason);
	free(by);
	if (cfg->feedback_action != CONFIG_FEEDBACK_DISCARD)
		return SMFIS_CONTINUE;
	if (m->nfeedback == m->nrcpt)
		return SMFIS_DISCARD;
	for (size_t i = 0; i < m->nrcpt; i++)
		if (annotate_addr_equal(m->rcpt[i], cfg->feedback_address) &&
		    smfi_delrcpt(ctx, m->rcpt[i]) != MI_SUCCESS)
			return milter_fail(ctx, m, "smfi_delrcpt failed for the feedback address");
	return SMFIS_CONTINUE;
}

/* milter_gate_enter - wait until fewer than limit messages are in the
 * engine, then count this one in */
static void
milter_gate_enter(unsigned limit)
{
	pthread_mutex_lock(&milter_gate_lock);
	while (milter_gate_busy >= limit)
		pthread_cond_wait(&milter_gate_free, &milter_gate_lock);
	milter_gate_busy++;
	pthread_mutex_unlock(&milter_gate_lock);
}

/* milter_gate_leave - count a message out, let a waiting one in */
static void
milter_gate_leave(void)
{
	pthread_mutex_lock(&milter_gate_lock);
	milter_gate_busy--;
	pthread_cond_signal(&milter_gate_free);
	pthread_mutex_unlock(&milter_gate_lock);
}

/* milter_qualify - run the engine on the message, at most Workers at once;
 * engine contexts come from the engine's pool, so there are about as
 * many as Workers, not one per connection */
static int
milter_qualify(const struct milter_conf *mc, const struct engine_input *in,
	       struct verdict *v, struct lm_err *err)
{
	struct engine_ctx *ectx;
	int rc;

	milter_gate_enter(config_workers(mc->cfg));
	ectx = engine_ctx_new();
	rc = engine_qualify(mc->rs, ectx, in, v, err);
	engine_ctx_free(ectx);
	milter_gate_leave();
	return rc;
}

/* milter_eom - qualify, plan, apply, log */
static sfsistat
milter_eom(SMFICTX *ctx)
{
	struct milter_conn *c = smfi_getpriv(ctx);
	struct milter_msg *m;
	struct milter_conf *mc;
	struct annotate_input ain;
	struct annotate_plan plan;
	struct verdict v;
	struct lm_err err;
	struct timespec t0, t1;
	const char *failed_call;
	char *rcpt = NULL, ebuf[LM_ERR_MAX + 300];
	const char *const *rcpts;
	int rc, qualified = 0;
	sfsistat ret = SMFIS_CONTINUE;

	if (c == NULL || c->m.conf == NULL)
		return milter_fail(ctx, c ? &c->m : NULL, "eom: no message state");
	m = &c->m;
	mc = m->conf;
	milter_read_qid(ctx, m);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	verdict_init(&v);
	annotate_init(&plan);
	lm_err_clear(&err);
	if (!milter_ours(m)) {
		ret = milter_not_inquiry(ctx, m, "EOM");
		goto out;
	}
	if (m->nfeedback > 0) {
		ret = milter_feedback(ctx, m);
		goto out;
	}
	if (m->fail[0] != '\0') {
		ret = milter_fail(ctx, m, "%s", m->fail);
		goto out;
	}
	if (mc->test_fail) {
		ret = milter_fail(ctx, m, "TestFailure: forced internal error");
		goto out;
	}
	if (!m->skipped) {
		struct engine_input in = { m->raw.data, m->raw.len, NULL, 0, NULL, NULL };
		struct store_query q;

		in.rcpt = rcpt = milter_rcpt_bare(m);
		/* history: a store failure (logged by the store, at most once a
		 * minute) means qualifying without it, never losing the mail */
		if (mc->store != NULL) {
			store_query_init(&q, mc->store, 0);
			in.history = store_history;
			in.history_ctx = &q;
		}
		rc = milter_qualify(mc, &in, &v, &err);
		if (mc->store != NULL)
			store_query_free(&q);
		if (rc == LM_EMATCH) {
			log_warn("%s: engine: %s (verdict from what matched)", milter_qid(m),
				 lm_err_format(&err, ebuf, sizeof(ebuf)));
		} else if (rc != 0) {
			ret = milter_fail(ctx, m, "engine: %s: %s", lm_strerror(rc),
					  lm_err_format(&err, ebuf, sizeof(ebuf)));
			goto out;
		}
		qualified = 1;
	}
	rcpts = (const char *const *)m->rcpt;
	ain = (struct annotate_input){
		.v = qualified ? &v : NULL,
		.skipped = qualified ? NULL : "size",
		.disq_dest = qualified && v.disqualifier ? rules_destination(mc->rs, v.disqualifier) : NULL,
		.decision_dest = qualified && v.decision ? rules_destination(mc->rs, v.decision) : NULL,
		.rcpt = rcpts, .inquiry = m->inquiry, .nrcpt = m->nrcpt,
		.seen = m->seen, .nseen = m->nseen,
		.subject = m->subject, .content_type = m->content_type, .cte = m->cte,
	};
	if ((rc = annotate_build(&mc->aopt, &ain, &plan)) != 0) {
		ret = milter_fail(ctx, m, "annotate: %s", lm_strerror(rc));
		goto out;
	}
	if (plan.note)
		log_debug("%s: %s", milter_qid(m), plan.note);
	failed_call = milter_apply(ctx, m, &plan, m->raw.data ? m->raw.data + m->hdrlen : NULL,
				   m->raw.len > m->hdrlen ? m->raw.len - m->hdrlen : 0);
	if (failed_call != NULL) {
		ret = milter_fail(ctx, m, "%s failed (MTA gone, or the action was not negotiated)",
				  failed_call);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	milter_log(m, qualified ? &v : NULL, &plan,
		   (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000);
	/* DryRun changes nothing, the store included; a retry of the same
	 * message is recorded once (store_record is idempotent on lead id).
	 * The store's writer thread records it, after our reply: v is its. */
	if (qualified && mc->store != NULL && !mc->cfg->dry_run)
		(void)store_record_async(mc->store, &v, rcpt, 0);
out:
	free(rcpt);
	annotate_free(&plan);
	verdict_free(&v);
	milter_msg_reset(m);
	return ret;
}

/* milter_abort - the MTA dropped the message */
static sfsistat
milter_abort(SMFICTX *ctx)
{
	struct milter_conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		milter_msg_reset(&c->m);
	return SMFIS_CONTINUE;
}

/* milter_close - free the connection state */
static sfsistat
milter_close(SMFICTX *ctx)
{
	struct milter_conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	milter_msg_reset(&c->m);
	free(c);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc milter_desc = {
	.xxfi_name = MILTER_NAME,
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = MILTER_ACTIONS,
	.xxfi_connect = milter_connect,
	.xxfi_envfrom = milter_envfrom,
	.xxfi_envrcpt = milter_envrcpt,
	.xxfi_header = milter_header,
	.xxfi_eoh = milter_eoh,
	.xxfi_body = milter_body,
	.xxfi_eom = milter_eom,
	.xxfi_abort = milter_abort,
	.xxfi_close = milter_close,
	.xxfi_data = milter_data,
	.xxfi_negotiate = milter_negotiate,
};

/* milter_register - hand our callbacks to libmilter */
int
milter_register(void)
{
	return smfi_register(milter_desc) == MI_SUCCESS ? 0 : LM_EINTERNAL;
}
