-- dryrun - everything is computed and logged, and the only change is one
-- X-Lead-DryRun header (a forged one is replaced)
dofile(srcdir .. "/common.lua")

local headers = { { "X-Lead-Decision", "archive" }, { "X-Lead-DryRun", "forged" } }
for _, h in ipairs(LEAD_HEADERS) do
	table.insert(headers, h)
end

local conn = connect()
envelope(conn, "4DryRu1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, headers, LEAD_BODY)
want_header(conn, "X-Lead-DryRun", "decision=sales score=12/12 " ..
	    "dest=<sales-team@example.org> would=hdr-2,hdr+11,subject,rcpt-1,rcpt+1,body")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Lead-DryRun", 1), "forged X-Lead-DryRun kept")
check(not mt.eom_check(conn, MT_HDRDELETE, "X-Lead-Decision"), "X-Lead-Decision deleted")
for _, name in ipairs({ "X-Lead-Decision", "X-Lead-Score", "X-Lead-Summary", "Subject" }) do
	want_no_header(conn, name)
end
check(not mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject changed")
check(not mt.eom_check(conn, MT_RCPTDELETE, "<sales@example.com>"), "recipient deleted")
check(not mt.eom_check(conn, MT_RCPTADD, "<sales-team@example.org>"), "recipient added")
check(not mt.eom_check(conn, MT_BODYCHANGE), "body changed")
want_log("4DryRu1: msgid=<t1@mueller-steuer.de> from=<karin@mueller-steuer.de> to=<sales@example.com> decision=sales")
want_log(" dest=<sales-team@example.org> ")
want_log(" mode=route dryrun=yes changes=hdr-2,hdr+11,subject,rcpt-1,rcpt+1,body us=")
mt.disconnect(conn)
