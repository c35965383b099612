-- common.lua - helpers shared by the leadmilter miltertest scenarios
--
-- tests/milter.sh runs each scenario with these globals (miltertest -D):
--   sock    the filter's socket ("unix:/tmp/.../sock")
--   pid     the filter's process id (for reload scenarios)
--   log     the file the filter logs to (-f -v)
--   dir     the scenario's work directory (its config and rules live there)
--   srcdir  tests/milter in the source tree

-- check - fail the scenario with a message unless cond holds
-- (this miltertest prints nothing for a failed script: say it here)
function check(cond, what)
	if not cond then
		io.stderr:write("FAILED: " .. what .. "\n")
		error(what, 2)
	end
end

-- connect - a connection that has sent connect and HELO
function connect()
	local conn = mt.connect(sock, 50, 0.1)
	check(conn ~= nil, "mt.connect(" .. sock .. ") failed")
	check(mt.conninfo(conn, "client.example.net", "192.0.2.1") == nil, "mt.conninfo failed")
	-- leadmilter negotiates no reply to connect, MAIL and RCPT (SMFIP_NR_*):
	-- round trips Postfix would wait for
	check(mt.test_option(conn, SMFIP_NR_CONN) and mt.test_option(conn, SMFIP_NR_MAIL) and
	      mt.test_option(conn, SMFIP_NR_RCPT), "leadmilter asks for replies to connect/MAIL/RCPT")
	if not mt.test_option(conn, SMFIP_NR_CONN) then
		check(mt.getreply(conn) == SMFIR_CONTINUE, "connect: unexpected reply")
	end
	-- HELO before the MAIL macros: libmilter clears later macros at HELO
	-- (a milter that negotiated SMFIP_NOHELO gets no HELO, as from Postfix)
	if not mt.test_option(conn, SMFIP_NOHELO) then
		check(mt.helo(conn, "client.example.net") == nil, "mt.helo failed")
		check(mt.getreply(conn) == SMFIR_CONTINUE, "helo: unexpected reply")
	end
	return conn
end

-- envelope - MAIL (with queue id macro i) and each RCPT, all continued
function envelope(conn, qid, from, rcpts)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	check(mt.mailfrom(conn, from) == nil, "mt.mailfrom failed")
	if not mt.test_option(conn, SMFIP_NR_MAIL) then
		check(mt.getreply(conn) == SMFIR_CONTINUE, "mail: unexpected reply")
	end
	for _, r in ipairs(rcpts) do
		check(mt.rcptto(conn, r) == nil, "mt.rcptto failed")
		if not mt.test_option(conn, SMFIP_NR_RCPT) then
			check(mt.getreply(conn) == SMFIR_CONTINUE, "rcpt " .. r .. ": unexpected reply")
		end
	end
end

-- content - DATA, headers ({name, value} pairs), body; returns the
-- reply to end of message
function content(conn, headers, body)
	check(mt.data(conn) == nil, "mt.data failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "data: unexpected reply")
	for _, h in ipairs(headers) do
		check(mt.header(conn, h[1], h[2]) == nil, "mt.header failed")
		-- with SMFIP_NR_HDR the milter sends no reply to a header
		if not mt.test_option(conn, SMFIP_NR_HDR) then
			check(mt.getreply(conn) == SMFIR_CONTINUE, "header " .. h[1] .. ": unexpected reply")
		end
	end
	check(mt.eoh(conn) == nil, "mt.eoh failed")
	-- none to the end of headers either (SMFIP_NR_EOH)
	check(mt.test_option(conn, SMFIP_NR_EOH), "leadmilter asks for a reply to EOH")
	check(mt.bodystring(conn, body) == nil, "mt.bodystring failed")
	check(mt.getreply(conn) == SMFIR_CONTINUE, "body: unexpected reply")
	check(mt.eom(conn) == nil, "mt.eom failed")
	return mt.getreply(conn)
end

-- unfold - a header value as one line (where it folds is for check_annotate)
function unfold(v)
	if v == nil then
		return nil
	end
	return (string.gsub(v, "\r?\n[ \t]", " "))
end

-- want_header - the filter added header name with this value (unfolded)
function want_header(conn, name, want)
	local got = unfold(mt.getheader(conn, name, 0))
	check(got == want, name .. ": got " .. tostring(got) .. ", want " .. tostring(want))
end

-- want_no_header - the filter added no header of that name
function want_no_header(conn, name)
	check(not mt.eom_check(conn, MT_HDRADD, name),
	      name .. " was added: " .. tostring(mt.getheader(conn, name, 0)))
end

-- log_text - what the filter has logged so far
function log_text()
	local f = assert(io.open(log, "r"))
	local s = f:read("*a")
	f:close()
	return s
end

-- want_log - the log has a line containing text (plain, not a pattern)
function want_log(text)
	check(string.find(log_text(), text, 1, true) ~= nil,
	      "log lacks \"" .. text .. "\"; log:\n" .. log_text())
end

-- The inquiry most scenarios send: every criterion at 3, a German
-- company with an umlaut (RFC 2047 on the way out).
LEAD_HEADERS = {
	{ "From", "Karin Mueller <karin@mueller-steuer.de>" },
	{ "To", "sales@example.com" },
	{ "Subject", "Need a quote" },
	{ "Message-ID", "<t1@mueller-steuer.de>" },
	{ "Date", "Mon, 06 Jan 2025 08:47:13 +0100" },
}
LEAD_BODY = "Hello,\r\n\r\n" ..
	"we need a quote for managed IT, asap please.\r\n\r\n" ..
	"Company: M\195\188ller Steuerberatung GmbH\r\n" ..
	"Title: Owner\r\n" ..
	"Country: Germany\r\n" ..
	"Employees: 35\r\n"
