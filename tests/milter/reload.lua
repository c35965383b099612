-- reload - SIGUSR1 with a broken rule file keeps the running rules and logs
-- file:line; with the file fixed, the next SIGUSR1 loads the new rules
dofile(srcdir .. "/common.lua")

-- wait_log - poll the log until it has text (the reload is asynchronous)
local function wait_log(text)
	for _ = 1, 50 do
		if string.find(log_text(), text, 1, true) then
			return
		end
		mt.sleep(0.1)
	end
	want_log(text)
end

local function write(path, text)
	local f = assert(io.open(path, "w"))
	f:write(text)
	f:close()
end

local conn = connect()
envelope(conn, "4ReLo1", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
want_header(conn, "X-Lead-Tags", "sweet-spot")
mt.disconnect(conn)

-- an unknown zone on line 2
write(dir .. "/rules/zz-extra.rules", "tag reloaded\nrule r1 sigature /quote/ tag reloaded\n")
os.execute("kill -USR1 " .. pid)
wait_log("reload: " .. dir .. "/rules/zz-extra.rules:2:")
want_log("; keeping the running configuration and rules")

conn = connect()
envelope(conn, "4ReLo2", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
want_header(conn, "X-Lead-Tags", "sweet-spot")
mt.disconnect(conn)

write(dir .. "/rules/zz-extra.rules", "tag reloaded\nrule r1 signature,body /quote/ tag reloaded\n")
os.execute("kill -USR1 " .. pid)
wait_log("reload: loaded " .. dir .. "/leadmilter.conf, 11 rules")

conn = connect()
envelope(conn, "4ReLo3", "<karin@mueller-steuer.de>", { "<sales@example.com>" })
content(conn, LEAD_HEADERS, LEAD_BODY)
want_header(conn, "X-Lead-Tags", "sweet-spot, reloaded")
mt.disconnect(conn)
