/*
 * check_config - the key table, the Key value loader, inquiry addresses
 *
 * DESCRIPTION  Its own runner: config.c belongs to the daemon and leadctl,
 *              not to the engine library that tests/check_main.c links.
 *              Also checks that leadmilter.conf(5) and the sample
 *              configuration name every key of the table, and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include <check.h>

/* by path: a plain "config.h" is autoconf's, found first through -I. */
#include "../milter/config.h"

#ifndef SRCDIR
#define SRCDIR "."
#endif

static char check_dir[] = "/tmp/check_config.XXXXXX";
static const char *const check_files[] = { "t.conf", "nul.conf" };

/* check_file - write text to name in the scratch directory; its path */
static const char *
check_file(const char *name, const char *text)
{
	static char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", check_dir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* check_load - load text as a configuration file */
static int
check_load(const char *text, struct config **cfg, struct lm_err *err)
{
	return config_load(check_file("t.conf", text), cfg, err);
}

/* check_read - a whole file from the source tree */
static char *
check_read(const char *rel)
{
	char path[1024];
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", SRCDIR, rel);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot read %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, n);
	fclose(fp);
	return buf_steal(&b);
}

/* test_table - sorted, unique, documented; every default loads */
START_TEST(test_table)
{
	struct config *cfg = NULL;
	struct lm_err err;

	for (size_t i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_table[i];

		ck_assert_msg(k->doc && strlen(k->doc) > 10, "%s: no description", k->name);
		ck_assert_msg(k->def != NULL, "%s: no default", k->name);
		if (i > 0)
			ck_assert_msg(strcasecmp(config_table[i - 1].name, k->name) < 0,
				      "table not sorted at %s", k->name);
		ck_assert_ptr_eq(config_key_find(k->name), k);
		ck_assert_msg(k->type != CONFIG_TYPE_CHOICE || k->choices != NULL,
			      "%s: a choice without choices", k->name);
	}
	ck_assert_ptr_null(config_key_find("NoSuchKey"));
	ck_assert_int_eq(config_load(NULL, &cfg, &err), 0);
	config_free(cfg);
	config_free(NULL);
}
END_TEST

/* test_defaults - what a missing key means */
START_TEST(test_defaults)
{
	struct config *cfg;
	struct lm_err err;

	ck_assert_int_eq(config_load(NULL, &cfg, &err), 0);
	ck_assert_str_eq(cfg->path, "");
	ck_assert_str_eq(cfg->socket, "local:/run/leadmilter/leadmilter.sock");
	ck_assert_str_eq(cfg->pid_file, "");
	ck_assert_str_eq(cfg->user_id, "");
	ck_assert_int_eq(cfg->umask, 007);
	ck_assert_int_eq(cfg->syslog, 1);
	ck_assert_int_eq(cfg->syslog_facility, LOG_MAIL);
	ck_assert_str_eq(cfg->rules, "");
	ck_assert_int_eq(cfg->mode, CONFIG_MODE_ANNOTATE);
	ck_assert_int_eq(cfg->dry_run, 0);
	ck_assert_int_eq(cfg->on_error, CONFIG_ONERROR_ACCEPT);
	ck_assert_uint_eq(cfg->max_scan_size, 1048576);
	ck_assert_str_eq(cfg->sales_mailbox, "");
	ck_assert_ptr_null(cfg->subject_tag);
	ck_assert_int_eq(cfg->body_summary, 0);
	ck_assert_str_eq(cfg->store_file, "");
	ck_assert_int_eq(cfg->store_busy_timeout, 2000);
	ck_assert_int_eq(cfg->history_max_age, 90LL * 86400);
	ck_assert_int_eq(cfg->retention, 730LL * 86400);
	ck_assert_int_eq(cfg->feedback_action, CONFIG_FEEDBACK_ACCEPT);
	ck_assert_int_eq(cfg->test_failure, 0);
	ck_assert_int_eq(cfg->workers, 0);
	ck_assert_uint_eq(config_workers(cfg), 2 * (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert(config_inquiry_match(cfg, "<sales@example.com>"));
	ck_assert(config_inquiry_match(cfg, "webform@example.com"));
	ck_assert(!config_inquiry_match(cfg, "<bob@example.com>"));
	ck_assert_str_eq(config_get(cfg, "mode"), "annotate");
	ck_assert_ptr_null(config_get(cfg, "Nope"));
	config_free(cfg);
}
END_TEST

/* test_values - every type, as written in a file */
START_TEST(test_values)
{
	struct config *cfg;
	struct lm_err err;

	ck_assert_int_eq(check_load(
		"# leading comment\n"
		"\n"
		"   mode   ROUTE   # case and comments do not matter\n"
		"DryRun on\n"
		"OnError tempfail\n"
		"MaxScanSize 512k\n"
		"StoreBusyTimeout 250\n"
		"HistoryMaxAge 2w\n"
		"Retention 0\n"
		"UMask 0027\n"
		"SyslogFacility local3\n"
		"Syslog false\n"
		"SalesMailbox <Team@Example.org>\n"
		"SubjectTag yes\n"
		"FeedbackAction discard\n"
		"Socket inet:8894@127.0.0.1\n"
		"UserID leadmilter:postfix\n"
		"Workers 3\n"
		"Rules rules.d\n"
		"StoreFile /var/lib/leadmilter/leads.db\n"
		"InquiryAddresses /^web(form)?@/ , info@example.com,@leads.example\n",
		&cfg, &err), 0);
	ck_assert_int_eq(cfg->mode, CONFIG_MODE_ROUTE);
	ck_assert_int_eq(cfg->dry_run, 1);
	ck_assert_int_eq(cfg->on_error, CONFIG_ONERROR_TEMPFAIL);
	ck_assert_uint_eq(cfg->max_scan_size, 512 * 1024);
	ck_assert_int_eq(cfg->store_busy_timeout, 250);
	ck_assert_uint_eq(config_workers(cfg), 3);
	ck_assert_int_eq(cfg->history_max_age, 14LL * 86400);
	ck_assert_int_eq(cfg->retention, 0);
	ck_assert_int_eq(cfg->umask, 027);
	ck_assert_int_eq(cfg->syslog_facility, LOG_LOCAL3);
	ck_assert_int_eq(cfg->syslog, 0);
	ck_assert_str_eq(cfg->sales_mailbox, "Team@Example.org");
	ck_assert_str_eq(cfg->subject_tag, CONFIG_SUBJECT_TAG_DEFAULT);
	ck_assert_int_eq(cfg->feedback_action, CONFIG_FEEDBACK_DISCARD);
	ck_assert_str_eq(cfg->socket, "inet:8894@127.0.0.1");
	ck_assert_str_eq(cfg->user_id, "leadmilter:postfix");
	/* relative to the directory of the file */
	ck_assert_msg(strncmp(cfg->rules, check_dir, strlen(check_dir)) == 0 &&
		      strcmp(cfg->rules + strlen(check_dir), "/rules.d") == 0,
		      "got Rules %s", cfg->rules);
	ck_assert_str_eq(cfg->store_file, "/var/lib/leadmilter/leads.db");
	ck_assert_str_eq(config_get(cfg, "Mode"), "ROUTE");
	ck_assert_int_eq(cfg->line[config_key_find("DryRun") - config_table], 4);
	ck_assert(!config_inquiry_match(cfg, "<sales@example.com>"));
	ck_assert(config_inquiry_match(cfg, "<webform@x.example>"));
	ck_assert(config_inquiry_match(cfg, "<Info@EXAMPLE.com>"));
	ck_assert(config_inquiry_match(cfg, "<anyone@leads.example>"));
	ck_assert(!config_inquiry_match(cfg, "<anyone@sub.leads.example>"));
	config_free(cfg);
}
END_TEST

static const struct {
	const char *text;
	const char *want;	/* the formatted error, after "<dir>/t.conf:" */
} bad_cases[] = {
	{ "Mdoe route\n", "1:1: unknown key \"Mdoe\" (did you mean Mode?)" },
	{ "Frobnicate yes\n", "1:1: unknown key \"Frobnicate\"" },
	{ "Mode route\nmode annotate\n", "2:1: duplicate key Mode (first set at line 1)" },
	{ "Mode\n", "1:1: Mode: missing value" },
	{ "Mode   # nothing\n", "1:1: Mode: missing value" },
	{ "Mode both\n", "1:6: Mode: expected annotate|route: \"both\"" },
	{ "DryRun perhaps\n", "1:8: DryRun: expected yes or no: \"perhaps\"" },
	{ "MaxScanSize 10 MB\n", "1:13: MaxScanSize: expected a size such as 1M, 512k or 65536: \"10 MB\"" },
	{ "MaxScanSize 0\n", "1:13: MaxScanSize: expected a size such as 1M, 512k or 65536: \"0\"" },
	{ "MaxScanSize 99999999999999999999\n", "1:13: MaxScanSize: expected a size" },
	{ "MaxScanSize -1\n", "1:13: MaxScanSize: expected a size" },
	{ "MaxScanSize 1G\n", "1:13: MaxScanSize: larger than the limit of 256M: \"1G\"" },
	{ "HistoryMaxAge 3 days\n", "1:15: HistoryMaxAge: expected a duration" },
	{ "StoreBusyTimeout 2s\n", "1:18: StoreBusyTimeout: expected a number: \"2s\"" },
	{ "UMask 0800\n", "1:7: UMask: expected octal permission bits such as 007: \"0800\"" },
	{ "SyslogFacility kern\n", "1:16: SyslogFacility: unknown syslog facility" },
	{ "SalesMailbox sales\n", "1:14: SalesMailbox: expected an address local@domain: \"sales\"" },
	{ "SalesMailbox a@b@c\n", "1:14: SalesMailbox: expected an address" },
	{ "SalesMailbox sales team@x.org\n", "1:14: SalesMailbox: expected an address" },
	{ "Socket tcp:25\n", "1:8: Socket: expected local:/path, unix:/path, inet:port@host or inet6:port@host" },
	{ "Socket inet:99999@localhost\n", "1:8: Socket: expected a port 1..65535" },
	{ "Socket local:relative/sock\n", "1:8: Socket: local and unix sockets need an absolute path" },
	{ "SubjectTag [lead %x]\n", "1:12: SubjectTag: unknown %-sequence" },
	{ "InquiryAddresses sales@, sales\n", "1:26: InquiryAddresses: expected local@, local@domain, @domain or /regex/: \"sales\"" },
	{ "InquiryAddresses /web(/\n", "1:23: InquiryAddresses: bad regex /web(/: missing closing parenthesis" },
	{ "InquiryAddresses /unterminated\n", "1:18: InquiryAddresses: unterminated or empty /regex/" },
	{ "InquiryAddresses @\n", "1:18: InquiryAddresses: expected local@" },
};

/* test_bad - every error names file, line, column and cause */
START_TEST(test_bad)
{
	struct config sentinel, *cfg = &sentinel;	/* must stay untouched */
	struct lm_err err;
	char got[1024], want[1024];

	ck_assert_int_eq(check_load(bad_cases[_i].text, &cfg, &err), LM_ESYNTAX);
	ck_assert_ptr_eq(cfg, &sentinel);
	lm_err_format(&err, got, sizeof(got));
	snprintf(want, sizeof(want), "%s/t.conf:%s", check_dir, bad_cases[_i].want);
	ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "case %d: got \"%s\", want \"%s\"",
		      _i, got, want);
}
END_TEST

/* test_file_errors - unreadable files, NUL bytes, monster lines */
START_TEST(test_file_errors)
{
	struct config *cfg;
	struct lm_err err;
	char got[1024];
	struct buf b = BUF_INIT;
	FILE *fp;

	ck_assert_int_eq(config_load("/nonexistent/leadmilter.conf", &cfg, &err), LM_EIO);
	lm_err_format(&err, got, sizeof(got));
	ck_assert_str_eq(got, "/nonexistent/leadmilter.conf: cannot open: No such file or directory");

	snprintf(got, sizeof(got), "%s/nul.conf", check_dir);
	fp = fopen(got, "w");
	ck_assert_ptr_nonnull(fp);
	fwrite("Mode route\nDryRun \0yes\n", 1, 23, fp);
	fclose(fp);
	ck_assert_int_eq(config_load(got, &cfg, &err), LM_ESYNTAX);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_str_eq(err.msg, "NUL byte in line");

	buf_puts(&b, "Rules ");
	for (int i = 0; i < 9000; i++)
		buf_putc(&b, 'x');
	buf_putc(&b, '\n');
	ck_assert_int_eq(check_load(buf_str(&b), &cfg, &err), LM_ESYNTAX);
	ck_assert_msg(strstr(err.msg, "line too long") != NULL, "got \"%s\"", err.msg);
	buf_free(&b);
}
END_TEST

/* test_set - command-line overrides: validated, all or nothing */
START_TEST(test_set)
{
	struct config *cfg;
	struct lm_err err;
	char cwd[1024], want[1100];

	ck_assert_int_eq(config_load(NULL, &cfg, &err), 0);
	ck_assert_int_eq(config_set(cfg, "Socket", "unix:/tmp/x.sock", "command line", &err), 0);
	ck_assert_str_eq(cfg->socket, "unix:/tmp/x.sock");
	ck_assert_int_eq(config_set(cfg, "Socket", "bogus", "command line", &err), LM_ESYNTAX);
	ck_assert_str_eq(cfg->socket, "unix:/tmp/x.sock");
	ck_assert_str_eq(err.file, "command line");
	ck_assert_int_eq(config_set(cfg, "Rules", "r.rules", "command line", &err), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	snprintf(want, sizeof(want), "%s/r.rules", cwd);
	ck_assert_str_eq(cfg->rules, want);
	ck_assert_int_eq(config_set(cfg, "NoKey", "x", "command line", &err), LM_ESYNTAX);
	/* SubjectTag no turns a tag off again */
	ck_assert_int_eq(config_set(cfg, "SubjectTag", "[%d]", "t", &err), 0);
	ck_assert_str_eq(cfg->subject_tag, "[%d]");
	ck_assert_int_eq(config_set(cfg, "SubjectTag", "no", "t", &err), 0);
	ck_assert_ptr_null(cfg->subject_tag);
	config_free(cfg);
}
END_TEST

static const struct {
	const char *list, *rcpt;
	int want;
} match_cases[] = {
	{ "sales@", "<sales@example.com>", 1 },
	{ "sales@", "<SALES@Example.Com>", 1 },
	{ "sales@", " < sales@example.com > ", 1 },
	{ "sales@", "sales@example.com", 1 },
	{ "sales@", "<sales+web@example.com>", 1 },		/* address extension */
	{ "sales@", "<presales@example.com>", 0 },
	{ "sales@", "<sales.team@example.com>", 0 },
	{ "sales@", "<sales>", 1 },	/* a bare local name: Sendmail's local users */
	{ "info@example.com", "<info>", 0 },
	{ "sales@", "<>", 0 },
	{ "sales@", "", 0 },
	{ "sales+web@", "<sales+web@example.com>", 1 },
	{ "sales+web@", "<sales@example.com>", 0 },
	{ "info@example.com", "<info@example.com>", 1 },
	{ "info@example.com", "<info@example.org>", 0 },
	{ "info@example.com", "<info@sub.example.com>", 0 },
	{ "@leads.example", "<x@LEADS.example>", 1 },
	{ "@leads.example", "<x@leads.example.com>", 0 },
	{ "/^(web)?form@/", "<webform@example.com>", 1 },
	{ "/^(web)?form@/", "<form@example.com>", 1 },
	{ "/^(web)?form@/", "<myform@example.com>", 0 },
	{ "/@example\\.(com|org)$/", "<a@example.org>", 1 },
	{ "/a\\/b@/", "<a/b@example.com>", 1 },
	{ "nobody@, /^x@/, sales@", "<sales@example.com>", 1 },
};

/* test_match - which envelope recipients are inquiry addresses */
START_TEST(test_match)
{
	struct config *cfg;
	struct lm_err err;
	char text[300];
	char big[1200];

	snprintf(text, sizeof(text), "InquiryAddresses %s\n", match_cases[_i].list);
	ck_assert_int_eq(check_load(text, &cfg, &err), 0);
	ck_assert_msg(config_inquiry_match(cfg, match_cases[_i].rcpt) == match_cases[_i].want,
		      "case %d: %s against %s: got %d, want %d", _i, match_cases[_i].rcpt,
		      match_cases[_i].list, !match_cases[_i].want, match_cases[_i].want);
	/* an absurdly long address never matches (and is never copied whole) */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "sales@", 6);
	ck_assert(!config_inquiry_match(cfg, big));
	config_free(cfg);
}
END_TEST

/* test_write - config_write lists what was set, or everything */
START_TEST(test_write)
{
	struct config *cfg;
	struct lm_err err;
	struct buf b = BUF_INIT;

	ck_assert_int_eq(check_load("Mode route\nDryRun yes\n", &cfg, &err), 0);
	config_write(cfg, 0, &b);
	ck_assert_str_eq(buf_str(&b), "DryRun yes\nMode route\n");
	buf_reset(&b);
	config_write(cfg, 1, &b);
	ck_assert_msg(strstr(buf_str(&b), "MaxScanSize 1M\n") != NULL &&
		      strstr(buf_str(&b), "# SalesMailbox (unset)\n") != NULL, "got \"%s\"", buf_str(&b));
	buf_free(&b);
	config_free(cfg);
}
END_TEST

/* check_documented - every key starts a line of the document after one of
 * the prefixes, and every such line names a key (a word from A-Z) */
static void
check_documented(const char *rel, const char *const *prefixes, size_t nprefixes)
{
	char *doc = check_read(rel);

	for (size_t i = 0; i < config_nkeys; i++) {
		int found = 0;

		for (size_t j = 0; j < nprefixes && !found; j++) {
			char line[128];
			const char *at;

			snprintf(line, sizeof(line), "\n%s%s", prefixes[j], config_table[i].name);
			at = strstr(doc, line);
			found = at != NULL && strchr(" \t\n", at[strlen(line)]) != NULL;
		}
		ck_assert_msg(found, "%s does not document %s", rel, config_table[i].name);
	}
	for (const char *p = doc; (p = strchr(p, '\n')) != NULL; p++) {
		for (size_t j = 0; j < nprefixes; j++) {
			size_t pl = strlen(prefixes[j]), n;
			const char *w = p + 1 + pl;
			char name[64];

			if (strncmp(p + 1, prefixes[j], pl) != 0 || *w < 'A' || *w > 'Z')
				continue;
			n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
			if (n >= sizeof(name) || strchr(" \t\n", w[n]) == NULL)
				continue;
			memcpy(name, w, n);
			name[n] = '\0';
			ck_assert_msg(config_key_find(name) != NULL, "%s documents unknown key %s",
				      rel, name);
		}
	}
	free(doc);
}

/* test_docs - leadmilter.conf(5) and the sample follow the table */
START_TEST(test_docs)
{
	static const char *const man[] = { ".B " };
	static const char *const sample[] = { "", "#" };
	struct config *cfg;
	struct lm_err err;
	char path[1024], msg[1024];

	check_documented("contrib/man/leadmilter.conf.5", man, 1);
	check_documented("contrib/leadmilter.conf.sample", sample, 2);
	/* and the sample is a valid configuration */
	snprintf(path, sizeof(path), "%s/contrib/leadmilter.conf.sample", SRCDIR);
	ck_assert_msg(config_load(path, &cfg, &err) == 0, "%s", lm_err_format(&err, msg, sizeof(msg)));
	config_free(cfg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	if (mkdtemp(check_dir) == NULL)
		return 99;
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values);
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_set);
	tcase_add_loop_test(tc, test_match, 0, (int)(sizeof(match_cases) / sizeof(match_cases[0])));
	tcase_add_test(tc, test_write);
	tcase_add_test(tc, test_docs);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* the scratch files, then the directory */
	for (size_t i = 0; i < sizeof(check_files) / sizeof(check_files[0]); i++) {
		char p[512];

		snprintf(p, sizeof(p), "%s/%s", check_dir, check_files[i]);
		unlink(p);
	}
	rmdir(check_dir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
