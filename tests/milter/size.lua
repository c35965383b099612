-- size - an inquiry over MaxScanSize is not scanned: the filter stops
-- buffering (SMFIS_SKIP), deletes forged headers and adds X-Lead-Skipped
dofile(srcdir .. "/common.lua")

local chunk = string.rep("We need a quote asap. Lorem ipsum dolor sit amet.\r\n", 60)
check(#chunk == 3060, "chunk size " .. #chunk)

local conn = connect()
envelope(conn, "4SizE1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
check(mt.data(conn) == nil, "mt.data failed")
for _, h in ipairs(LEAD_HEADERS) do
	check(mt.header(conn, h[1], h[2]) == nil, "mt.header failed")
end
check(mt.header(conn, "X-Lead-Score", "12") == nil, "mt.header failed")
check(mt.eoh(conn) == nil, "mt.eoh failed")
check(mt.bodystring(conn, chunk) == nil, "mt.bodystring failed")
check(mt.getreply(conn) == SMFIR_CONTINUE, "first chunk: want continue")
check(mt.bodystring(conn, chunk) == nil, "mt.bodystring failed")
check(mt.getreply(conn) == SMFIR_SKIP, "second chunk: want SMFIR_SKIP, got " .. tostring(mt.getreply(conn)))
check(mt.eom(conn) == nil, "mt.eom failed")
want_header(conn, "X-Lead-Skipped", "size")
check(mt.eom_check(conn, MT_HDRDELETE, "X-Lead-Score", 1), "forged X-Lead-Score kept")
want_no_header(conn, "X-Lead-Decision")
want_log("4SizE1: msgid=<t1@mueller-steuer.de> from=<karin@mueller-steuer.de> to=<sales@example.com> skipped=size size=")
want_log(" limit=4096 mode=annotate dryrun=no changes=hdr-1 ")

-- at the limit is still scanned
envelope(conn, "4SizE2", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
want_header(conn, "X-Lead-Decision", "sales")
mt.disconnect(conn)
