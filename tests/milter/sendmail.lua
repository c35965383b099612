-- sendmail - the conversation Sendmail has with leadmilter under
-- contrib/sendmail/leadmilter.mc: its default macros at each stage, the
-- queue id at MAIL, header values without the leading space and folded
-- with "\n\t" (config.sh checks the .mc's socket is one leadmilter takes)
dofile(srcdir .. "/common.lua")

local f = assert(io.open(srcdir .. "/../../contrib/sendmail/leadmilter.mc", "r"))
local mc = f:read("*a")
f:close()
local filter = string.match(mc, "\nINPUT_MAIL_FILTER%(`leadmilter', `([^']*)'%)")
check(filter ~= nil, "leadmilter.mc: no INPUT_MAIL_FILTER(`leadmilter', ...)")
check(string.match(filter, "^S=[^,]+") ~= nil, "leadmilter.mc: no S= equate")
-- fail open: no F=T (tempfail) or F=R (reject) when the filter is down
check(string.find(filter, "F=", 1, true) == nil, "leadmilter.mc: F= makes mail wait or bounce")

local conn = mt.connect(sock, 50, 0.1)
check(conn ~= nil, "mt.connect failed")
mt.macro(conn, SMFIC_CONNECT, "j", "mx.example.com", "_", "client.example.net [192.0.2.1]",
	 "{daemon_name}", "MTA", "{if_name}", "mx.example.com", "{if_addr}", "192.0.2.25")
check(mt.conninfo(conn, "client.example.net", "192.0.2.1") == nil, "mt.conninfo failed")
if not mt.test_option(conn, SMFIP_NR_CONN) then
	check(mt.getreply(conn) == SMFIR_CONTINUE, "connect: unexpected reply")
end
mt.macro(conn, SMFIC_HELO, "{tls_version}", "TLSv1.3", "{cipher}", "TLS_AES_256_GCM_SHA384")
if not mt.test_option(conn, SMFIP_NOHELO) then
	check(mt.helo(conn, "client.example.net") == nil, "mt.helo failed")
end
mt.macro(conn, SMFIC_MAIL, "i", "5BKL8x3Q012345", "{auth_type}", "", "{mail_mailer}", "esmtp",
	 "{mail_host}", "mueller-steuer.de", "{mail_addr}", "karin@mueller-steuer.de")
check(mt.mailfrom(conn, "<karin@mueller-steuer.de>", "SIZE=900", "BODY=8BITMIME") == nil,
      "mt.mailfrom failed")
if not mt.test_option(conn, SMFIP_NR_MAIL) then
	check(mt.getreply(conn) == SMFIR_CONTINUE, "mail: unexpected reply")
end
mt.macro(conn, SMFIC_RCPT, "{rcpt_mailer}", "local", "{rcpt_host}", "", "{rcpt_addr}", "sales")
check(mt.rcptto(conn, "<sales@example.com>") == nil, "mt.rcptto failed")
if not mt.test_option(conn, SMFIP_NR_RCPT) then
	check(mt.getreply(conn) == SMFIR_CONTINUE, "rcpt: unexpected reply")
end

local headers = {
	{ "Received", "from client.example.net (client.example.net [192.0.2.1])\n\tby mx.example.com (8.17.1.9/8.17.1.9) with ESMTP id 5BKL8x3Q012345" },
	{ "From", "Karin Mueller <karin@mueller-steuer.de>" },
	{ "To", "sales@example.com" },
	{ "Subject", "Need a\n\tquote" },
	{ "Message-ID", "<t1@mueller-steuer.de>" },
}
content(conn, headers, LEAD_BODY)
want_header(conn, "X-Lead-Decision", "sales")
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject", "[lead 12/12 sweet-spot] Need a\n\tquote"),
      "Subject not tagged as folded")
want_log("5BKL8x3Q012345: msgid=<t1@mueller-steuer.de> from=<karin@mueller-steuer.de> to=<sales@example.com> decision=sales")
mt.disconnect(conn)
