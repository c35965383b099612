/* check_suites - one Check suite per engine module (libsigrok style) */
#ifndef CHECK_SUITES_H
#define CHECK_SUITES_H

#include <check.h>

Suite *suite_buf(void);
Suite *suite_msg(void);
Suite *suite_html(void);
Suite *suite_zone(void);
Suite *suite_norm(void);
Suite *suite_rules(void);
Suite *suite_engine(void);
Suite *suite_annotate(void);

#ifndef SRCDIR
#define SRCDIR "."
#endif

#endif
