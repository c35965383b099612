-- noinquiry - no inquiry recipient: accepted at DATA, nothing buffered or
-- changed; the next message on the connection is handled normally
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4NoInQ1", "<karin@mueller-steuer.de>",
	 { "<bob@example.com>", "<presales@example.com>" })
check(mt.data(conn) == nil, "mt.data failed")
check(mt.getreply(conn) == SMFIR_ACCEPT, "data: want SMFIR_ACCEPT, got " .. tostring(mt.getreply(conn)))
want_log("4NoInQ1: no inquiry recipient: accepted at DATA untouched")

-- the same connection, an inquiry this time
envelope(conn, "4NoInQ2", "<karin@mueller-steuer.de>", { "<Sales+web@Example.COM>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
want_header(conn, "X-Lead-Decision", "sales")
want_log("4NoInQ2: msgid=<t1@mueller-steuer.de> from=<karin@mueller-steuer.de> to=<Sales+web@Example.COM> decision=sales")
mt.disconnect(conn)
