-- annotate - an inquiry gets the X-Lead-* headers and nothing else changes
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4AnnoT1", "<karin@mueller-steuer.de>",
	 { "<sales@example.com>", "<bob@example.com>" })
local r = content(conn, LEAD_HEADERS, LEAD_BODY)
check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "eom: unexpected reply " .. tostring(r))

want_header(conn, "X-Lead-Decision", "sales")
want_header(conn, "X-Lead-Score", "12 (need=3 timeframe=3 authority=3 profile=3)")
want_header(conn, "X-Lead-Tags", "sweet-spot")
-- "Müller" as an RFC 2047 encoded-word, the ASCII words as they are
want_header(conn, "X-Lead-Company", "=?UTF-8?B?TcO8bGxlcg==?= Steuerberatung GmbH")
want_header(conn, "X-Lead-Title", "Owner")
want_header(conn, "X-Lead-Country", "DE")
want_header(conn, "X-Lead-Employees", "35")
want_header(conn, "X-Lead-Source", "sales@example.com")
want_no_header(conn, "X-Lead-Reason")
local id = mt.getheader(conn, "X-Lead-Id", 0)
check(id ~= nil and string.match(id, "^L%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x$"),
      "X-Lead-Id: got " .. tostring(id))
local sum = mt.getheader(conn, "X-Lead-Summary", 0)
want_header(conn, "X-Lead-Summary", "sales 12/12 [sweet-spot]: Owner, " ..
	    "=?UTF-8?B?TcO8bGxlcg==?= Steuerberatung GmbH, DE, 35 employees")

-- annotate mode: no routing, no subject tag, no body change
check(not mt.eom_check(conn, MT_RCPTDELETE, "<sales@example.com>"), "recipient deleted")
want_no_header(conn, "X-Lead-Routed")
check(not mt.eom_check(conn, MT_HDRCHANGE, "Subject"), "Subject changed")
check(not mt.eom_check(conn, MT_BODYCHANGE), "body changed")

want_log("4AnnoT1: msgid=<t1@mueller-steuer.de> from=<karin@mueller-steuer.de> " ..
	 "to=<sales@example.com> decision=sales total=12 need=3 timeframe=3 authority=3 " ..
	 "profile=3 tags=sweet-spot reason=- dest=- company=\"M\195\188ller Steuerberatung GmbH\" lead=" .. id)
mt.disconnect(conn)
