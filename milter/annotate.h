/*
 * annotate - turn a verdict into a plan of message edits
 *
 * DESCRIPTION  annotate_build() is pure: from a verdict, the envelope
 *              recipients, the X-Lead-* headers the message arrived with
 *              and the options copied from the configuration, it computes
 *              what milter.c must do at end of message: which headers to
 *              delete (every incoming X-Lead-*, so a sender cannot forge a
 *              verdict), which to add, the new Subject, the recipients to
 *              delete and add (Mode route) and a summary block to put in
 *              front of the body.  Every header value in the plan is
 *              sanitised: no control characters, capped in length,
 *              non-ASCII text as RFC 2047 encoded-words, folded.
 *              DryRun gives a plan whose only edit is one X-Lead-DryRun
 *              header that describes the full plan.
 *              annotate_value() and annotate_quote() are the sanitisers,
 *              for header values and log values respectively.
 * LIMITS       No libmilter here (the engine library must link without
 *              it); no configuration parsing (config.c), no I/O.
 *              The body summary is only planned for single-part
 *              text/plain messages in 7bit or 8bit encoding.
 * OWNERSHIP    Every string in a plan is owned by it; annotate_free()
 *              releases them.  The input is only read.
 * SEE ALSO     milter(3) applies the plan, verdict(3), leadmilter.conf(5)
 */
#ifndef ANNOTATE_H
#define ANNOTATE_H

#include <stddef.h>

#include "buf.h"
#include "lm.h"
#include "verdict.h"

#define ANNOTATE_MAX_VALUE	200	/* bytes of a header value before encoding */
#define ANNOTATE_PREFIX		"X-Lead-"

/* What annotate needs from the configuration. */
struct annotate_opts {
	int route;			/* Mode route: change recipients */
	int dry_run;			/* DryRun */
	const char *subject_tag;	/* SubjectTag format, NULL for none */
	int body_summary;		/* BodySummary */
	const char *sales_mailbox;	/* NULL or "": keep the recipients */
	const char *nurture_mailbox;
	const char *archive_mailbox;
};

/* An X-Lead-* header the message arrived with. */
struct annotate_seen {
	const char *name;		/* as received */
	int index;			/* 1-based among headers of this name */
};

struct annotate_input {
	const struct verdict *v;	/* NULL when the message was not scanned */
	const char *skipped;		/* why not scanned ("size"), or NULL */
	const char *disq_dest;		/* the rules' mailbox for v->disqualifier */
	const char *decision_dest;	/* the rules' mailbox for v->decision */
	const char *const *rcpt;	/* envelope recipients as received */
	const unsigned char *inquiry;	/* per recipient: 1 if an inquiry address */
	size_t nrcpt;
	const struct annotate_seen *seen;
	size_t nseen;
	const char *subject;		/* first Subject as received, NULL if none */
	const char *content_type;	/* Content-Type value, NULL if none */
	const char *cte;		/* Content-Transfer-Encoding, NULL if none */
};

enum annotate_hdr_kind {
	ANNOTATE_HDR_DELETE,		/* smfi_chgheader(name, index, NULL) */
	ANNOTATE_HDR_CHANGE,		/* smfi_chgheader(name, index, value) */
	ANNOTATE_HDR_ADD		/* smfi_addheader(name, value) */
};

struct annotate_hdr {
	int kind;			/* enum annotate_hdr_kind */
	char *name;
	int index;			/* DELETE, CHANGE */
	char *value;			/* CHANGE, ADD; NULL for DELETE */
};

struct annotate_rcpt {
	int add;			/* 1: smfi_addrcpt, 0: smfi_delrcpt */
	char *addr;			/* delete: as received; add: "<a@b>" */
};

struct annotate_plan {
	struct annotate_hdr *hdr;	/* in the order to apply */
	size_t nhdr;
	struct annotate_rcpt *rcpt;	/* deletions first */
	size_t nrcpt;
	char *body_prefix;		/* CRLF lines before the body, or NULL */
	char *dest;			/* where the verdict routes, NULL if nowhere */
	char *summary;			/* one human line (X-Lead-Summary), or NULL */
	char *changes;			/* "hdr-1,hdr+11,subject,rcpt-1,rcpt+1" */
	const char *note;		/* why routing or body was left alone, or NULL */
};

void annotate_init(struct annotate_plan *p);
void annotate_free(struct annotate_plan *p);
int annotate_build(const struct annotate_opts *opt,
		   const struct annotate_input *in, struct annotate_plan *p);

int annotate_is_lead_header(const char *name);
int annotate_addr_equal(const char *a, const char *b);
void annotate_value(const char *in, size_t cap, size_t namelen, struct buf *out);
void annotate_quote(const char *in, size_t cap, struct buf *out);

#endif
