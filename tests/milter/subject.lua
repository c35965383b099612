-- subject - SubjectTag puts "[lead 12/12 sweet-spot]" before the Subject;
-- BodySummary prepends a block to a plain text body, and leaves a
-- multipart body alone
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4SubJ1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject", "[lead 12/12 sweet-spot] Need a quote"),
      "Subject not tagged")
local block = "----- leadmilter -----\r\n" ..
	"Decision: sales\r\n" ..
	"Score:    12 (need=3 timeframe=3 authority=3 profile=3) of 12\r\n" ..
	"Tags:     sweet-spot\r\n" ..
	"Who:      Owner, M?ller Steuerberatung GmbH, DE, 35 employees\r\n"
-- two replacebody chunks: the block (with the lead id) and the original
local id = mt.getheader(conn, "X-Lead-Id", 0)
check(mt.eom_check(conn, MT_BODYCHANGE, block .. "Lead:     " .. id .. "\r\n" ..
		   "----------------------\r\n\r\n"), "body summary block differs")
check(mt.eom_check(conn, MT_BODYCHANGE, LEAD_BODY), "original body not kept")

envelope(conn, "4SubJ2", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
local headers = {}
for _, h in ipairs(LEAD_HEADERS) do
	table.insert(headers, h)
end
table.insert(headers, { "MIME-Version", "1.0" })
table.insert(headers, { "Content-Type", "multipart/mixed; boundary=\"b1\"" })
content(conn, headers, "--b1\r\nContent-Type: text/plain\r\n\r\n" .. LEAD_BODY .. "--b1--\r\n")
want_header(conn, "X-Lead-Decision", "sales")
check(mt.eom_check(conn, MT_HDRCHANGE, "Subject", "[lead 12/12 sweet-spot] Need a quote"),
      "Subject not tagged")
check(not mt.eom_check(conn, MT_BODYCHANGE), "multipart body changed")
want_log("4SubJ2: not a single-part 7bit/8bit text/plain message: body summary skipped")
mt.disconnect(conn)
