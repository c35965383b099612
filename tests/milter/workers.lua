-- workers - with Workers 1 one inquiry at a time is in the engine: each
-- end of message must let the next in, on the same connection, on
-- another one, and on connections whose messages interleave
dofile(srcdir .. "/common.lua")

-- a message that never got its turn would wait here, not hang the script
mt.set_timeout(20)
want_log(" workers=1")

local a = connect()
local b = connect()
for i = 1, 3 do
	envelope(a, "4WrkA" .. i, "<karin@mueller-steuer.de>", { "<sales@example.com>" })
	check(content(a, LEAD_HEADERS, LEAD_BODY) == SMFIR_CONTINUE, "a" .. i .. ": want continue")
	want_header(a, "X-Lead-Decision", "sales")
	envelope(b, "4WrkB" .. i, "<karin@mueller-steuer.de>", { "<sales@example.com>" })
	check(content(b, LEAD_HEADERS, LEAD_BODY) == SMFIR_CONTINUE, "b" .. i .. ": want continue")
	want_header(b, "X-Lead-Decision", "sales")
end
mt.disconnect(a)
mt.disconnect(b)

local a2 = connect()
local b2 = connect()

-- a message waiting for its end of message does not hold the engine:
-- another connection's whole message passes meanwhile
envelope(a2, "4WrkA9", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
check(mt.data(a2) == nil, "mt.data failed")
check(mt.getreply(a2) == SMFIR_CONTINUE, "data: unexpected reply")
for _, h in ipairs(LEAD_HEADERS) do
	check(mt.header(a2, h[1], h[2]) == nil, "mt.header failed")
end
check(mt.eoh(a2) == nil, "mt.eoh failed")
check(mt.bodystring(a2, LEAD_BODY) == nil, "mt.bodystring failed")
check(mt.getreply(a2) == SMFIR_CONTINUE, "a9 body: want continue")
envelope(b2, "4WrkB9", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
check(content(b2, LEAD_HEADERS, LEAD_BODY) == SMFIR_CONTINUE, "b9: want continue")
want_header(b2, "X-Lead-Decision", "sales")
check(mt.eom(a2) == nil, "mt.eom failed")
check(mt.getreply(a2) == SMFIR_CONTINUE, "a9: want continue")
want_header(a2, "X-Lead-Decision", "sales")
mt.disconnect(a2)
mt.disconnect(b2)

-- a new connection after the others closed
local c = connect()
envelope(c, "4WrkC1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
check(content(c, LEAD_HEADERS, LEAD_BODY) == SMFIR_CONTINUE, "c1: want continue")
want_header(c, "X-Lead-Decision", "sales")
want_log("4WrkC1: msgid=")
mt.disconnect(c)
