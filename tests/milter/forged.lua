-- forged - X-Lead-* headers a sender wrote are deleted, whatever their case
dofile(srcdir .. "/common.lua")

local headers = {
	{ "X-Lead-Decision", "sales" },
	{ "x-lead-score", "12 (need=3 timeframe=3 authority=3 profile=3)" },
}
for _, h in ipairs(LEAD_HEADERS) do
	table.insert(headers, h)
end
table.insert(headers, { "X-Lead-Decision", "sales" })
table.insert(headers, { "X-LEAD-Id", "L0000000000000000" })

local conn = connect()
envelope(conn, "4ForgeD1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, headers, LEAD_BODY)

-- by name as received and by index among headers of that name
check(mt.eom_check(conn, MT_HDRDELETE, "X-Lead-Decision", 1), "X-Lead-Decision[1] kept")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Lead-Decision", 2), "X-Lead-Decision[2] kept")
check(mt.eom_check(conn, MT_HDRDELETE, "x-lead-score", 1), "x-lead-score[1] kept")
check(mt.eom_check(conn, MT_HDRDELETE, "X-LEAD-Id", 1), "X-LEAD-Id[1] kept")
check(not mt.eom_check(conn, MT_HDRDELETE, "Subject"), "Subject deleted")
-- and the verdict is ours
want_header(conn, "X-Lead-Decision", "sales")
want_log("4ForgeD1: ")
want_log(" changes=hdr-4,hdr+10 ")
mt.disconnect(conn)
