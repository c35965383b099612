-- store - with a StoreFile: the second inquiry from a prospect has history
-- (the "repeat" tag, the company remembered); feedback mail to
-- FeedbackAddress is recorded against the lead id, not qualified, and
-- discarded (FeedbackAction discard)
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4StoR1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
want_header(conn, "X-Lead-Tags", "sweet-spot")
local id = mt.getheader(conn, "X-Lead-Id", 0)

-- a week later, a short follow-up that names no company
envelope(conn, "4StoR2", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, { { "From", "Karin Mueller <karin@mueller-steuer.de>" },
		{ "Subject", "Re: Need a quote" },
		{ "Message-ID", "<t2@mueller-steuer.de>" } },
	"Any news on the quote?\r\n")
want_header(conn, "X-Lead-Tags", "sweet-spot, repeat")
want_header(conn, "X-Lead-Company", "=?UTF-8?B?TcO8bGxlcg==?= Steuerberatung GmbH")

-- a rep's verdict on the first lead
envelope(conn, "4StoR3", "<rep@example.com>", { "<lead-feedback@example.com>" })
local r = content(conn, { { "From", "rep@example.com" }, { "Subject", "Fwd: Need a quote" } },
		  "Accepted: good fit, call booked\r\n\r\nX-Lead-Id: " .. id .. "\r\n")
check(r == SMFIR_DISCARD, "feedback: want SMFIR_DISCARD, got " .. tostring(r))
check(not mt.eom_check(conn, MT_HDRADD), "feedback mail annotated")
want_log("4StoR3: feedback from=<rep@example.com> lead=" .. id ..
	 " verdict=accepted reason=\"good fit, call booked\" action=discard: recorded")

-- feedback about a lead the store does not know
envelope(conn, "4StoR4", "<rep@example.com>", { "<lead-feedback@example.com>", "<boss@example.com>" })
r = content(conn, { { "From", "rep@example.com" }, { "Subject", "rejected" } },
	    "Rejected: spam\r\n\r\nX-Lead-Id: L00000000000000ff\r\n")
check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "feedback: unexpected reply " .. tostring(r))
check(mt.eom_check(conn, MT_RCPTDELETE, "<lead-feedback@example.com>"), "feedback address kept")
want_log("4StoR4: feedback from=<rep@example.com> lead=L00000000000000ff verdict=rejected")
want_log("action=discard: unknown lead id: not recorded")
mt.disconnect(conn)
