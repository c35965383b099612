-- route - Mode route replaces the inquiry recipients, and only those, with
-- the mailbox of the decision
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4RouTe1", "<karin@mueller-steuer.de>",
	 { "<sales@example.com>", "<Info@Example.com>", "<bob@example.com>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
want_header(conn, "X-Lead-Decision", "sales")
check(mt.eom_check(conn, MT_RCPTDELETE, "<sales@example.com>"), "<sales@example.com> kept")
check(mt.eom_check(conn, MT_RCPTDELETE, "<Info@Example.com>"), "<Info@Example.com> kept")
check(not mt.eom_check(conn, MT_RCPTDELETE, "<bob@example.com>"), "<bob@example.com> deleted")
check(mt.eom_check(conn, MT_RCPTADD, "<sales-team@example.org>"), "sales mailbox not added")
want_header(conn, "X-Lead-Routed", "<sales-team@example.org>")
want_log("4RouTe1: msgid=<t1@mueller-steuer.de> from=<karin@mueller-steuer.de> " ..
	 "to=<sales@example.com> to=<Info@Example.com> decision=sales")
want_log(" dest=<sales-team@example.org> ")

-- not ready yet: nurture
envelope(conn, "4RouTe2", "<tom@small.example>", { "<sales@example.com>" })
content(conn, { { "From", "tom@small.example" }, { "Subject", "question" } },
	"Hi, what do you offer for IT support?\r\n")
want_header(conn, "X-Lead-Decision", "nurture")
check(mt.eom_check(conn, MT_RCPTDELETE, "<sales@example.com>"), "<sales@example.com> kept")
check(mt.eom_check(conn, MT_RCPTADD, "<nurture@example.org>"), "nurture mailbox not added")
mt.disconnect(conn)
