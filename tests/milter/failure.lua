-- failure - an internal error (forced by TestFailure) passes the message
-- unchanged under the default OnError accept, and the log says why
dofile(srcdir .. "/common.lua")

local headers = { { "X-Lead-Decision", "sales" } }
for _, h in ipairs(LEAD_HEADERS) do
	table.insert(headers, h)
end

local conn = connect()
envelope(conn, "4FaiL1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
local r = content(conn, headers, LEAD_BODY)
check(r == SMFIR_ACCEPT, "eom: want SMFIR_ACCEPT, got " .. tostring(r))
check(not mt.eom_check(conn, MT_HDRADD), "a header was added")
check(not mt.eom_check(conn, MT_HDRDELETE), "a header was deleted")
check(not mt.eom_check(conn, MT_RCPTDELETE, "<sales@example.com>"), "recipient deleted")
want_log("error: 4FaiL1: TestFailure: forced internal error; action=accept")
mt.disconnect(conn)
