-- disqualifier - a disqualified inquiry goes to the disqualifier's own
-- mailbox (rules: "disqualifier job-applicant dest hr@example.org"), or to
-- ArchiveMailbox when it names none
dofile(srcdir .. "/common.lua")

local conn = connect()
envelope(conn, "4DisQu1", "<jo@mail.example>", { "<sales@example.com>" })
content(conn, { { "From", "Jo Applicant <jo@mail.example>" }, { "Subject", "Application" } },
	"Hello, I saw your job opening for a helpdesk technician. My CV is attached.\r\n")
want_header(conn, "X-Lead-Decision", "archive")
want_header(conn, "X-Lead-Reason", "job-applicant")
check(mt.eom_check(conn, MT_RCPTDELETE, "<sales@example.com>"), "<sales@example.com> kept")
check(mt.eom_check(conn, MT_RCPTADD, "<hr@example.org>"), "hr@ not added")
check(not mt.eom_check(conn, MT_RCPTADD, "<archive@example.org>"), "archive mailbox added")
want_log("4DisQu1: ")
want_log(" decision=archive ")
want_log(" reason=job-applicant dest=<hr@example.org> ")

envelope(conn, "4DisQu2", "<sam@uni.example>", { "<info@example.com>" })
content(conn, { { "From", "sam@uni.example" }, { "Subject", "survey" } },
	"I am a student and my thesis is about managed IT. Could you answer a few questions?\r\n")
want_header(conn, "X-Lead-Reason", "student")
check(mt.eom_check(conn, MT_RCPTDELETE, "<info@example.com>"), "<info@example.com> kept")
check(mt.eom_check(conn, MT_RCPTADD, "<archive@example.org>"), "archive mailbox not added")
mt.disconnect(conn)
