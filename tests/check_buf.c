/* check_buf - buf and lm error helpers */
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "buf.h"

START_TEST(test_buf_append)
{
	struct buf b = BUF_INIT;

	ck_assert_str_eq(buf_str(&b), "");
	buf_puts(&b, "abc");
	buf_putc(&b, 'd');
	buf_printf(&b, "%d-%s", 42, "x");
	ck_assert_str_eq(buf_str(&b), "abcd42-x");
	ck_assert_uint_eq(b.len, 8);
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "0123456789");
	ck_assert_uint_eq(b.len, 10008);
	buf_reset(&b);
	ck_assert_str_eq(buf_str(&b), "");
	buf_free(&b);
	buf_free(&b);	/* idempotent */
}
END_TEST

START_TEST(test_buf_steal)
{
	struct buf b = BUF_INIT;
	char *s;

	s = buf_steal(&b);
	ck_assert_str_eq(s, "");
	free(s);
	buf_append(&b, "a\0b", 3);
	ck_assert_uint_eq(b.len, 3);
	s = buf_steal(&b);
	ck_assert_int_eq(memcmp(s, "a\0b", 4), 0);
	ck_assert_ptr_null(b.data);
	free(s);
}
END_TEST

START_TEST(test_lm_err_format)
{
	static const struct { const char *file; unsigned line, col; const char *want; } t[] = {
		{ "r.rules", 14, 9, "r.rules:14:9: boom" },
		{ "r.rules", 14, 0, "r.rules:14: boom" },
		{ "r.rules", 0, 0, "r.rules: boom" },
		{ "", 0, 0, "boom" },
	};
	struct lm_err e;
	char out[600];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		lm_err_set(&e, t[i].file, t[i].line, t[i].col, "%s", "boom");
		lm_err_format(&e, out, sizeof(out));
		ck_assert_msg(strcmp(out, t[i].want) == 0, "got \"%s\", want \"%s\"", out, t[i].want);
	}
	ck_assert_str_eq(lm_strerror(LM_ESYNTAX), "syntax error");
	ck_assert_str_eq(lm_strerror(12345), "unknown error");
}
END_TEST

Suite *
suite_buf(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_buf_append);
	tcase_add_test(tc, test_buf_steal);
	tcase_add_test(tc, test_lm_err_format);
	suite_add_tcase(s, tc);
	return s;
}
