-- tempfail - with OnError tempfail an internal error asks the sender to
-- retry (451 4.3.0) and changes nothing
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4TmpF1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
local r = content(conn, LEAD_HEADERS, LEAD_BODY)
check(r == SMFIR_REPLYCODE or r == SMFIR_TEMPFAIL, "eom: want a temporary failure, got " .. tostring(r))
check(mt.eom_check(conn, MT_SMTPREPLY, "451", "4.3.0",
		   "Lead filter temporarily unavailable, try again later"), "no 451 4.3.0 reply")
check(not mt.eom_check(conn, MT_HDRADD), "a header was added")
want_log("error: 4TmpF1: TestFailure: forced internal error; action=tempfail")
mt.disconnect(conn)
