/*
 * feedback - read a sales rep's accepted/rejected mail about a lead
 *
 * DESCRIPTION  feedback_parse() takes the raw bytes of a mail a rep sent
 *              to the feedback address (a reply to, or a forward of, the
 *              qualified inquiry) and finds:
 *              the lead id: an X-Lead-Id header line anywhere in the raw
 *                message (its own header, or that of a message forwarded
 *                as an attachment), else "X-Lead-Id:" quoted in the text,
 *                else "L" + 16 hex digits in the subject, else in the text;
 *              the decision: the first words of one of the first
 *                FEEDBACK_MAX_LINES lines of new text (before the quoted
 *                part), else of the subject after "Re:"/"Fwd:" prefixes:
 *                accepted for "accept", "accepted", "good lead", "yes";
 *                rejected for "reject", "rejected", "bad lead", "no"
 *                (case-insensitive, whole words);
 *              the reason: the rest of that line, without leading
 *                punctuation; when the decision came from the subject and
 *                left no reason, the first line of new text.
 *              Pure: no store, no I/O; the milter and leadctl record what
 *              it finds (store_feedback()).
 * LIMITS       English keywords only; one lead per mail.
 * DIAGNOSTICS  0: lead_id, *accepted and *reason are set.  LM_ENOTFOUND:
 *              no lead id or no decision (lead_id is "" or the id found).
 *              LM_ESYNTAX: not a parseable message.
 * OWNERSHIP    *reason is malloc'd (free()), or NULL when none was given.
 * THREADS      Needs msg_global_init() (GMime) once before threads.
 * SEE ALSO     msg(3), store(3)
 */
#ifndef FEEDBACK_H
#define FEEDBACK_H

#include <stddef.h>
#include "lm.h"

#define FEEDBACK_ID_MAX		32	/* size of the lead_id buffer */
#define FEEDBACK_MAX_LINES	5	/* lines of new text searched */
#define FEEDBACK_REASON_MAX	300	/* bytes of reason kept */

int feedback_parse(const char *data, size_t len, char lead_id[FEEDBACK_ID_MAX],
		   int *accepted, char **reason);
/* The first "L" + 16 hex digits token in s[0..n), or 0 if none. */
int feedback_find_id(const char *s, size_t n, char lead_id[FEEDBACK_ID_MAX]);

#endif
