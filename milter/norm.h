/*
 * norm - field normalisers: country, employees, money, names
 *
 * DESCRIPTION  Turn a captured piece of text into the canonical value the
 *              verdict stores.  Country data comes from Debian's iso-codes
 *              (JSON under ISO_CODES_DIR, translations from its .mo files
 *              for German and French names), loaded once by norm_init().
 *   norm_country      country name (English, German, French, official or
 *                     common name, case-insensitive, accents tolerated) or
 *                     alpha-3 code -> ISO 3166-1 alpha-2 ("GB").  "UK",
 *                     "USA", "U.S.", "England", "Scotland", "Wales" handled.
 *                     Codes count only in capitals ("DEU", "DE"): "de",
 *                     "and", "can" are words.  The whole text must match.
 *   norm_subdivision  a US state or Canadian province/territory, by name or
 *                     code ("CA", "California", "ON", "Ontario") -> "US"/"CA".
 *   norm_employees    "120", "1,500", "1.500", "50-200", "50 to 200",
 *                     "51–200", "about 1,500", "12" -> lo/hi (equal for a
 *                     single number); "10k" -> 10000.  "2,000+" and "over
 *                     500" give lo = hi; "under 50" gives 1..50.  Words
 *                     after the value are allowed, other numbers are not.
 *                     0, more than 10,000,000 and lo > hi are refused.
 *   norm_money        "$4,800", "£2,000", "40 000 €", "EUR 40k", "40.000 EUR",
 *                     "USD 25,000" -> amount and ISO 4217 code.  A range
 *                     gives its lower end; a period ("a month") is not
 *                     converted.  A bare amount ("1.5m", "40000") gives an
 *                     empty cur: the currency is unknown, not refused.
 *   norm_text         trim, fold inner white space, strip trailing
 *                     punctuation (",;:|-"), cap length -> malloc'd copy.
 *                     maxlen counts bytes and never splits a UTF-8
 *                     sequence; 0 means no cap.  Never NULL.
 *   norm_init_dirs    norm_init() from other directories (tests, and
 *                     installs with iso-codes elsewhere).
 * DIAGNOSTICS  0 on success, LM_ENOTFOUND when the text is not recognised,
 *              LM_EIO/LM_ESYNTAX from norm_init() with err set.
 * THREADS      norm_init() once before threads; lookups are read-only.
 */
#ifndef NORM_H
#define NORM_H

#include <stddef.h>
#include "lm.h"

#ifndef ISO_CODES_DIR
#define ISO_CODES_DIR "/usr/share/iso-codes/json"
#endif
#ifndef ISO_CODES_LOCALEDIR
#define ISO_CODES_LOCALEDIR "/usr/share/locale"
#endif

int norm_init(struct lm_err *err);
int norm_init_dirs(const char *jsondir, const char *localedir,
		   struct lm_err *err);
void norm_shutdown(void);

int norm_country(const char *s, size_t n, char cc[3]);
int norm_subdivision(const char *s, size_t n, char cc[3]);
int norm_employees(const char *s, size_t n, long *lo, long *hi);
int norm_money(const char *s, size_t n, double *amount, char cur[4]);
char *norm_text(const char *s, size_t n, size_t maxlen);	/* free() */

#endif
