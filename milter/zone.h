/*
 * zone - split a parsed message into zones that rules can name
 *
 * DESCRIPTION  zone_split() turns a struct msg into ZONE_COUNT texts:
 *   subject    the decoded Subject
 *   from       "Display Name <addr>" of From
 *   replyto    "Display Name <addr>" of Reply-To
 *   to         To/Cc addresses
 *   body       the new text: everything not in signature or quoted
 *              (form lines included, as they appear)
 *   signature  the block after the sign-off ("-- " line, "Regards,",
 *              "Thanks,", "Mit freundlichen Grüßen", "Cordialement", ...,
 *              or a trailing name/title/company/address block) up to the
 *              first quoted line
 *   quoted     quoted and forwarded text: "> " lines, everything from
 *              "On ... wrote:" / "Am ... schrieb" / "Le ... a écrit",
 *              an Outlook "From:/Sent:" header block, "-----Original
 *              Message-----", "-------- Forwarded message"
 *   form       web-form fields normalised to "Label: value" lines, one per
 *              field: plain "Label: value" lines (3 or more in a block),
 *              two-column HTML tables ("Label\tValue"), and label rows
 *              followed by value rows (Gravity Forms).  A multi-line value
 *              (e.g. an address in a table cell) is joined with ", ".
 *   all        subject, body, signature and form together
 * Each zone text ends with "\n" when not empty; lines end with "\n".
 * Markers (sign-offs, quote headers) are built in and may be extended by
 * the ruleset (struct zone_markers, PCRE2 patterns that match one line).
 * LIMITS       No HTML (html.c), no MIME (msg.c), no extraction (extract.c).
 * DIAGNOSTICS  zone_split() returns 0.  When a ruleset marker hits a PCRE2
 *              match limit it counts as not matching and z->limit_hit is
 *              set (the engine may report LM_EMATCH); the zones are filled.
 * OWNERSHIP    zones_free() frees the texts; the struct msg is not kept.
 */
#ifndef ZONE_H
#define ZONE_H

#include <stddef.h>
#include "lm.h"
#include "msg.h"

enum zone_id {
	ZONE_SUBJECT = 0,
	ZONE_FROM,
	ZONE_REPLYTO,
	ZONE_TO,
	ZONE_BODY,
	ZONE_SIGNATURE,
	ZONE_QUOTED,
	ZONE_FORM,
	ZONE_ALL,
	ZONE_COUNT
};

/* Extra line markers from the ruleset: compiled pcre2_code pointers
 * (void * so this header needs no PCRE2), each tried against one line
 * without its "\n".  NULL arrays are fine. */
struct zone_markers {
	void *const *signoff;	/* a line that starts the signature */
	size_t nsignoff;
	void *const *quote;	/* a line that starts quoted text */
	size_t nquote;
};

struct zones {
	char *text[ZONE_COUNT];	/* NUL-terminated UTF-8, never NULL after split */
	size_t len[ZONE_COUNT];
	int limit_hit;		/* a ruleset marker hit its PCRE2 match limit */
};

const char *zone_name(int id);		/* "body", ...; NULL if out of range */
int zone_lookup(const char *name);	/* -1 if unknown */
int zone_split(const struct msg *m, const struct zone_markers *mk,
	       struct zones *z);
void zones_free(struct zones *z);

#endif
