/*
 * check_html - html_to_text(): layout, tables, quotes, entities
 *
 * DESCRIPTION  One table of HTML inputs and the exact text wanted, with
 *              inputs that must not be read as forms or quotes next to
 *              those that must.
 */
#include <string.h>

#include "check_suites.h"
#include "html.h"

/* One conversion and the text it must give. */
struct html_case {
	const char *what;
	const char *html;
	const char *want;
};

static const struct html_case html_cases[] = {
	{ "paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo\n" },
	{ "br ends a line", "a<br>b", "a\nb\n" },
	{ "two br make a blank line", "a<br><br>b", "a\n\nb\n" },
	{ "div is a line", "<div>a</div><div>b</div>", "a\nb\n" },
	{ "gmail blank line", "<div>a</div><div><br></div><div>b</div>",
	  "a\n\nb\n" },
	{ "white space folded", "<p>  a \n\t b  </p>", "a b\n" },
	{ "script and style dropped",
	  "<html><head><title>T</title><style>p{}</style></head>"
	  "<body><script>x()</script>text</body></html>", "text\n" },
	{ "entities decoded", "<p>A &amp; B &lt;C&gt; caf&eacute; &#8211; x</p>",
	  "A & B <C> caf\xC3\xA9 \xE2\x80\x93 x\n" },
	{ "nbsp is a space", "<p>Microsoft&nbsp;365</p>", "Microsoft 365\n" },
	{ "zero-width chars dropped", "<p>a\xE2\x80\x8B" "b&shy;c</p>", "abc\n" },
	{ "list items are lines", "<ul><li>one</li><li>two</li></ul>",
	  "one\ntwo\n" },
	{ "MsoNormal is a line, &nbsp; paragraph a blank line",
	  "<p class=MsoNormal>Hello,</p><p class=MsoNormal>&nbsp;</p>"
	  "<p class=MsoNormal>Text</p><p class=MsoNormal>Line</p>",
	  "Hello,\n\nText\nLine\n" },
	{ "pre keeps lines", "<pre>a  b\nc</pre>", "a  b\nc\n" },
	{ "two cells: TAB", "<table><tr><td><b>Name</b></td><td>Bob</td></tr>"
	  "</table>", "Name\tBob\n" },
	{ "empty and nbsp cells dropped",
	  "<table><tr><td>&nbsp;</td><td></td><td>x</td></tr></table>", "x\n" },
	{ "form table joins cell lines with \", \"",
	  "<table><tr><td>Name</td><td>Ann</td></tr>"
	  "<tr><td>Phone</td><td>555</td></tr>"
	  "<tr><td>Address</td><td>1 Main St<br>Springfield<br>USA</td></tr>"
	  "</table>",
	  "Name\tAnn\nPhone\t555\nAddress\t1 Main St, Springfield, USA\n" },
	{ "small table keeps cell lines (signature)",
	  "<table><tr><td><img src=x></td><td>Ann Lee<br>CEO</td></tr></table>",
	  "Ann Lee\nCEO\n" },
	{ "nested table rows are lines",
	  "<table><tr><td><table><tr><td>A</td><td>1</td></tr>"
	  "<tr><td>B</td><td>2</td></tr></table></td></tr></table>",
	  "A\t1\nB\t2\n" },
	{ "blockquote quoted", "<p>new</p><blockquote><p>old</p>x</blockquote>"
	  "<p>after</p>", "new\n\n> old\n\n> x\n\nafter\n" },
	{ "nested blockquote", "<blockquote>a<blockquote>b</blockquote></blockquote>",
	  "> a\n> > b\n" },
	{ "Outlook divRplyFwdMsg quotes the rest",
	  "<div>Hi</div><hr><div id=\"divRplyFwdMsg\"><b>From:</b> S<br>"
	  "<b>Sent:</b> today</div><div><p>old text</p></div>",
	  "Hi\n> From: S\n> Sent: today\n\n> old text\n" },
	{ "hr then From:/Sent: quotes the rest",
	  "<p>Hi</p><hr><p><b>From:</b> S<br><b>Sent:</b> Monday<br>"
	  "<b>To:</b> P</p><p>old</p>",
	  "Hi\n\n> From: S\n> Sent: Monday\n> To: P\n\n> old\n" },
	{ "hr without a header block is only a line",
	  "<p>Hi</p><hr><p>From: the team</p><p>more</p>",
	  "Hi\n\nFrom: the team\n\nmore\n" },
	{ "meta charset ignored: input is UTF-8",
	  "<html><head><meta http-equiv=Content-Type "
	  "content=\"text/html; charset=iso-8859-1\"></head>"
	  "<body>M\xC3\xBCnchen</body></html>", "M\xC3\xBCnchen\n" },
	{ "broken markup recovered", "<p>a<b>b<i>c</p><td>d", "abc\n\nd\n" },
	{ "text only, no tags", "plain words", "plain words\n" },
	{ "white space only gives nothing", "  \n ", "" },
};

/* test_html - convert one case and compare */
static void
test_html(const struct html_case *c)
{
	struct buf out = BUF_INIT;
	int rc;

	rc = html_to_text(c->html, strlen(c->html), &out);
	ck_assert_msg(rc == 0, "%s: got rc %d, want 0", c->what, rc);
	ck_assert_msg(strcmp(buf_str(&out), c->want) == 0,
		      "%s: got \"%s\", want \"%s\"", c->what, buf_str(&out),
		      c->want);
	buf_free(&out);
}

/* Each conversion case of the table. */
START_TEST(test_html_table)
{
	test_html(&html_cases[_i]);
}
END_TEST

/* Text is appended: what the caller had stays. */
START_TEST(test_html_appends)
{
	struct buf out = BUF_INIT;

	buf_puts(&out, "before\n");
	ck_assert_int_eq(html_to_text("<p>x</p>", 8, &out), 0);
	ck_assert_msg(strcmp(buf_str(&out), "before\nx\n") == 0,
		      "got \"%s\", want \"before\\nx\\n\"", buf_str(&out));
	buf_free(&out);
}
END_TEST

/* No document: LM_ESYNTAX, out untouched. */
START_TEST(test_html_empty)
{
	struct buf out = BUF_INIT;
	int rc;

	rc = html_to_text("", 0, &out);
	ck_assert_msg(rc == LM_ESYNTAX, "empty: got rc %d, want %d", rc,
		      LM_ESYNTAX);
	ck_assert_msg(out.len == 0, "empty: got %zu bytes, want 0", out.len);
	rc = html_to_text(NULL, 0, &out);
	ck_assert_msg(rc == LM_ESYNTAX, "NULL: got rc %d, want %d", rc,
		      LM_ESYNTAX);
	buf_free(&out);
}
END_TEST

/* Deep nesting must neither crash nor recurse without bound. */
START_TEST(test_html_deep)
{
	struct buf in = BUF_INIT, out = BUF_INIT;
	int i, rc;

	for (i = 0; i < 20000; i++)
		buf_puts(&in, "<div><blockquote>");
	buf_puts(&in, "deep");
	rc = html_to_text(in.data, in.len, &out);
	ck_assert_msg(rc == 0, "got rc %d, want 0", rc);
	buf_free(&in);
	buf_free(&out);
}
END_TEST

/* suite_html - the html(3) tests */
Suite *
suite_html(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_html_table, 0,
			    (int)(sizeof(html_cases) / sizeof(html_cases[0])));
	tcase_add_test(tc, test_html_appends);
	tcase_add_test(tc, test_html_empty);
	tcase_add_test(tc, test_html_deep);
	suite_add_tcase(s, tc);
	return s;
}
