/*
 * check_main - run every engine suite in one runner
 *
 * DESCRIPTION  Links the engine library alone (no libmilter, no sqlite3),
 *              which proves the engine does not call either.  CK_FORK=no
 *              runs everything in one process for valgrind.
 */
#include <stdlib.h>

#include "check_suites.h"
#include "engine.h"

int
main(void)
{
	struct lm_err err;
	SRunner *sr;
	int failed;

	lm_err_clear(&err);
	if (engine_global_init(&err) != 0)
		return 99;
	sr = srunner_create(suite_buf());
	srunner_add_suite(sr, suite_msg());
	srunner_add_suite(sr, suite_html());
	srunner_add_suite(sr, suite_zone());
	srunner_add_suite(sr, suite_norm());
	srunner_add_suite(sr, suite_rules());
	srunner_add_suite(sr, suite_engine());
	srunner_add_suite(sr, suite_annotate());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	engine_global_shutdown();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
