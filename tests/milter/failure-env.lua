-- failure-env - LEADMILTER_TEST_FAIL=1 in the environment forces the same
-- internal error as TestFailure, without touching the configuration
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4FaiLE1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
local r = content(conn, LEAD_HEADERS, LEAD_BODY)
check(r == SMFIR_ACCEPT, "eom: want SMFIR_ACCEPT, got " .. tostring(r))
check(not mt.eom_check(conn, MT_HDRADD), "a header was added")
want_log("error: 4FaiLE1: TestFailure: forced internal error; action=accept")
mt.disconnect(conn)
