/*
 * msg - parse one RFC 5322/MIME message into decoded UTF-8 text
 *
 * DESCRIPTION  msg_parse() takes the raw bytes of a message (headers and
 *              body, CRLF or LF) and fills a struct msg: the decoded
 *              headers a rule can name, and the body text chosen for
 *              qualification, all in UTF-8 with "\n" line ends.
 *              Text choice: every text/plain part and text/plain attachment;
 *              a text/html part only when its multipart/alternative has no
 *              text/plain sibling (HTML converted by html.c).  Parts are
 *              joined with a blank line.  RFC 2047 encoded-words are decoded;
 *              declared charsets are converted, invalid bytes replaced by
 *              U+FFFD; never a crash on any input.
 * LIMITS       Caps: MSG_MAX_PARTS MIME parts, MSG_MAX_DEPTH nesting,
 *              MSG_MAX_TEXT bytes of text (the rest is dropped and
 *              m->truncated set).  No zones, no scoring: see zone.c.
 * DIAGNOSTICS  0 on success (also for odd but parseable input), LM_ESYNTAX
 *              when nothing usable could be parsed, with err->msg set.
 *              GMime is not shown the top-level header fields that
 *              neither GMime nor this module reads (Received, DKIM-
 *              Signature, X-...): each costs a GObject made and freed, and
 *              dropping whole well-formed fields changes nothing else
 *              GMime sees (LEADMILTER_ALL_HEADERS=1 keeps them, for the
 *              tests that show it).
 * OWNERSHIP    Every string in struct msg is owned by it; msg_free() frees
 *              them.  Nothing points into GMime objects after return.
 * SEE ALSO     html(3), zone(3)
 */
#ifndef MSG_H
#define MSG_H

#include <stddef.h>
#include "lm.h"
#include "buf.h"

#define MSG_MAX_PARTS	1000
#define MSG_MAX_DEPTH	32
#define MSG_MAX_TEXT	(2 * 1024 * 1024)

/* One text block and where it came from (for form detection in zone.c). */
enum msg_origin {
	MSG_ORIGIN_PLAIN = 0,	/* text/plain part */
	MSG_ORIGIN_HTML = 1	/* converted from text/html */
};

struct msg {
	char *subject;		/* decoded, "" if none */
	char *from_name;	/* display name of From, "" if none */
	char *from_addr;	/* addr-spec of From, lower-cased domain, "" */
	char *reply_name;	/* Reply-To display name, "" */
	char *reply_addr;	/* Reply-To addr-spec, "" */
	char *to;		/* all To/Cc addr-specs, ", "-separated, "" */
	char *message_id;	/* without <>, "" if none */
	char *date;		/* raw Date header, "" */
	struct buf text;	/* chosen body text, UTF-8, "\n" line ends */
	int origin;		/* enum msg_origin of the first text block */
	int nparts;		/* MIME parts seen */
	int truncated;		/* a limit cut something off */
};

/* Call once per process before any msg_parse() (g_mime_init()). */
void msg_global_init(void);
void msg_global_shutdown(void);

int msg_parse(const char *data, size_t len, struct msg *m, struct lm_err *err);
/* the same; MSG_ALL_HEADERS hands GMime every header (see msg_headers_trim) */
#define MSG_ALL_HEADERS	1
int msg_parse_flags(const char *data, size_t len, struct msg *m, int flags,
		    struct lm_err *err);
/* the message without the top-level header fields no reader of it needs;
 * 0 and out untouched when it must go to GMime as it is */
int msg_headers_trim(const char *data, size_t len, struct buf *out);
void msg_free(struct msg *m);

#endif
