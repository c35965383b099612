# lib.sh - a throwaway Postfix on 127.0.0.1 with leadmilter in front of it
#
# Sourced by tests/e2e.sh and contrib/quickstart.sh (POSIX sh plus
# "local", which dash, bash and busybox have).  Needs root, Debian's
# postfix package and python3.  Nothing here touches the system
# Postfix: the instance has its own config_directory, queue_directory and
# data_directory under one mktemp directory, listens only on
# 127.0.0.1:E2E_PORT, delivers every address of example-msp.com (and of any
# other domain in E2E_DOMAINS) to a Maildir E2E_MAIL/DOMAIN/NAME (NAME from
# E2E_MAILBOXES, else "catchall"), sends nothing out (default_transport is
# error:), and logs to E2E_DIR/maillog.  The EXIT trap set by e2e_init
# stops leadmilter and Postfix and removes the directory (E2E_KEEP=1 keeps
# it for a post-mortem).
#
# Set before sourcing: E2E_LIBDIR (this directory), LEADMILTER; optionally
# PYTHON, E2E_DOMAINS, E2E_MAILBOXES, E2E_MILTER_SOCKET (the smtpd_milters
# value, default unix:E2E_SOCK).  Functions:
#
#   e2e_can_run                   0 if root and Postfix is installed; else
#                                 prints why not and returns 1
#   e2e_have_python               0 if python3 (mailtool.py) is here
#   e2e_init                      temp dir, free port, EXIT trap
#   e2e_rule_dests DIR            disqualifier mailboxes named by DIR/*.rules
#   e2e_add_dests DIR             ... added to the mailboxes and domains
#   e2e_postfix_configure         write main.cf, master.cf, the mailbox map
#   e2e_postfix_start / _stop     postfix -c DIR check + start / stop
#   e2e_milter_config FILE K V... write a leadmilter config for this instance
#   e2e_milter_start CONF / _stop / _reload
#   e2e_send [mailtool send options] FILE...
#   e2e_wait_queue [SECONDS]      until the queue is empty (default 60 s)
#   e2e_index [MSGID]             mailtool index of E2E_MAIL
#   e2e_show MSGID                where MSGID landed, with its X-Lead-*
#   e2e_cleanup                   what the trap runs
#
# SEE ALSO  tests/e2e.sh, contrib/quickstart.sh, contrib/postfix/ for the
#           production settings this instance mirrors (smtpd_milters,
#           milter_default_action = accept, milter_protocol = 6)

: "${E2E_LIBDIR:=$(pwd)/tests/e2e}"
PATH=$PATH:/usr/sbin:/sbin	# postfix, postqueue for a non-login root shell
# Debian's python3 if there is one: a python3 shim early in PATH (pyenv)
# can cost a second per call.
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
: "${E2E_DOMAINS:=example-msp.com}"
: "${E2E_MAILBOXES:=sales nurture archive hr purchasing support info webform other postmaster}"
E2E_TOOL=$E2E_LIBDIR/mailtool.py
E2E_DIR=
E2E_MILTER_PID=

# e2e_log - a progress line
e2e_log() {
	echo "e2e: $*"
}

# e2e_die - report a fatal problem and exit 1 (the trap cleans up)
e2e_die() {
	echo "e2e: error: $*" >&2
	exit 1
}

# e2e_can_run - can this machine run a throwaway Postfix?
e2e_can_run() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "not root (Postfix needs root to start)"
		return 1
	fi
	local c
	for c in postfix postconf postqueue; do
		if ! command -v "$c" >/dev/null 2>&1; then
			echo "no $c (apt-get install postfix)"
			return 1
		fi
	done
	if ! getent passwd postfix >/dev/null || ! getent group postdrop >/dev/null; then
		echo "no postfix user or postdrop group (postfix package incomplete)"
		return 1
	fi
	return 0
}

# e2e_have_python - is python3 (for mailtool.py) here?
e2e_have_python() {
	command -v "$PYTHON" >/dev/null 2>&1
}

# e2e_until - start a wait of at most $1 seconds (wall clock: a loaded
# machine makes "sleep 0.1" much longer); e2e_waiting is true until then
e2e_until() {
	E2E_UNTIL=$(($(date +%s) + $1))
}
e2e_waiting() {
	[ "$(date +%s)" -lt "$E2E_UNTIL" ]
}

# e2e_port_free - is TCP port $1 on 127.0.0.1 unused?
e2e_port_free() {
	if command -v ss >/dev/null 2>&1; then
		[ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
	else
		"$PYTHON" -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' \
			"$1" 2>/dev/null
	fi
}

# e2e_pick_port - a free port in 24500..24899, starting at a point picked
# from our pid so parallel runs rarely collide
e2e_pick_port() {
	local i p
	i=0
	p=$((24500 + $$ % 400))
	while [ $i -lt 400 ]; do
		if e2e_port_free $p; then
			echo $p
			return 0
		fi
		p=$((p + 1))
		[ $p -ge 24900 ] && p=24500
		i=$((i + 1))
	done
	return 1
}

# e2e_init - temp dir, port and the trap that always cleans up
e2e_init() {
	E2E_DIR=$(mktemp -d /tmp/leadmilter-e2e.XXXXXX) || e2e_die "mktemp failed"
	# Postfix daemons run as postfix and virtual(8) as the mailbox owner:
	# both must be able to walk into the directory.
	chmod 755 "$E2E_DIR"
	trap 'e2e_trap_exit' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	E2E_PF=$E2E_DIR/postfix		# config_directory
	E2E_QUEUE=$E2E_DIR/queue	# queue_directory
	E2E_DATA=$E2E_DIR/data		# data_directory
	E2E_MAIL=$E2E_DIR/mail		# virtual_mailbox_base
	E2E_RUN=$E2E_DIR/run		# leadmilter socket and pid
	E2E_SOCK=$E2E_RUN/leadmilter.sock
	E2E_MAILLOG=$E2E_DIR/maillog
	E2E_MILTER_LOG=$E2E_DIR/leadmilter.log
	mkdir -p "$E2E_PF" "$E2E_QUEUE" "$E2E_DATA" "$E2E_MAIL" "$E2E_RUN" || e2e_die "mkdir failed"
	E2E_PORT=$(e2e_pick_port) || e2e_die "no free port in 24500..24899"
	E2E_UID=$(id -u postfix) && E2E_GID=$(id -g postfix) || e2e_die "no postfix user"
	chown "$E2E_UID:$E2E_GID" "$E2E_MAIL" "$E2E_DATA"
	export E2E_DIR E2E_PORT
}

# e2e_trap_exit - the EXIT trap: clean up, keep the exit status
e2e_trap_exit() {
	local rc=$?
	trap - EXIT
	e2e_cleanup
	exit $rc
}

# e2e_vmailbox - the mailbox map: one Maildir per name in E2E_MAILBOXES,
# and one per domain ("catchall") for every other name.  virtual(8) takes
# no regexp substitutions, so the names are listed; the Delivered-To
# header tells which address a catch-all message was for.
e2e_vmailbox() {
	local d m
	for d in $E2E_DOMAINS; do
		for m in $E2E_MAILBOXES; do
			case $m in
			*@"$d") printf '%s\t%s/%s/\n' "$m" "$d" "${m%@*}" ;;
			*@*) ;;
			*) printf '%s@%s\t%s/%s/\n' "$m" "$d" "$d" "$m" ;;
			esac
		done
		printf '@%s\t%s/catchall/\n' "$d" "$d"
	done | awk '!seen[$1]++'
}

# e2e_rule_dests - "NAME<TAB>ADDRESS" for every disqualifier of the rule
# files in directory $1 that names its own mailbox ("disqualifier NAME
# dest ADDRESS"); e2e_add_dests then adds those mailboxes and their
# domains to E2E_MAILBOXES and E2E_DOMAINS (call it before
# e2e_postfix_configure).
e2e_rule_dests() {
	cat "$1"/*.rules 2>/dev/null |
	    awk '$1 == "disqualifier" && $3 == "dest" { print $2 "\t" tolower($4) }'
}
e2e_add_dests() {
	local a
	for a in $(e2e_rule_dests "$1" | awk '{ print $2 }'); do
		E2E_MAILBOXES="$E2E_MAILBOXES $a"
		case " $E2E_DOMAINS " in
		*" ${a#*@} "*) ;;
		*) E2E_DOMAINS="$E2E_DOMAINS ${a#*@}" ;;
		esac
	done
}

# e2e_postfix_configure - main.cf, master.cf and the mailbox map
e2e_postfix_configure() {
	local domains
	domains=$(echo "$E2E_DOMAINS" | tr ' ' ',' | sed 's/,,*/, /g')
	cat >"$E2E_PF/main.cf" <<EOF
# A throwaway Postfix for leadmilter's end-to-end tests (tests/e2e/lib.sh).
compatibility_level = 3.6
queue_directory = $E2E_QUEUE
data_directory = $E2E_DATA
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.leadmilter-e2e.test
mydomain = leadmilter-e2e.test
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
readme_directory = no
append_dot_mydomain = no
local_header_rewrite_clients =
smtpd_banner = \$myhostname ESMTP leadmilter-e2e
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_error_sleep_time = 0
in_flow_delay = 0
delay_warning_time = 0
# Everything of these domains is delivered, whatever the mailbox name.
virtual_mailbox_domains = $domains
virtual_mailbox_base = $E2E_MAIL
virtual_mailbox_maps = texthash:$E2E_PF/vmailbox
virtual_uid_maps = static:$E2E_UID
virtual_gid_maps = static:$E2E_GID
virtual_minimum_uid = 1
virtual_mailbox_limit = 0
# Nothing leaves this machine.
default_transport = error:5.7.1 the leadmilter test instance sends no mail out
relay_transport = \$default_transport
notify_classes =
# leadmilter, as contrib/postfix/ recommends: a lead filter that is down
# must not stop mail.
smtpd_milters = ${E2E_MILTER_SOCKET:-unix:$E2E_SOCK}
non_smtpd_milters =
milter_protocol = 6
milter_default_action = accept
maillog_file = $E2E_MAILLOG
maillog_file_prefixes = $E2E_DIR
EOF
	e2e_vmailbox >"$E2E_PF/vmailbox"
	cat >"$E2E_PF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command
127.0.0.1:$E2E_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
}

# e2e_postfix - run the postfix command on this instance, quietly
e2e_postfix() {
	postfix -c "$E2E_PF" "$@" >>"$E2E_DIR/postfix.out" 2>&1
}

# e2e_postfix_start - check (creates the queue directories) and start
e2e_postfix_start() {
	e2e_postfix check || e2e_postfix_fail "postfix check failed"
	e2e_postfix start || e2e_postfix_fail "postfix start failed"
	e2e_until 30
	while ! e2e_smtp_ready; do
		e2e_waiting || e2e_postfix_fail "smtpd not answering on 127.0.0.1:$E2E_PORT"
		sleep 0.1
	done
}

# e2e_postfix_fail - show what Postfix said and die
e2e_postfix_fail() {
	cat "$E2E_DIR/postfix.out" >&2
	[ -f "$E2E_MAILLOG" ] && tail -20 "$E2E_MAILLOG" >&2
	e2e_die "$1"
}

# e2e_smtp_ready - does the instance answer on its port?
e2e_smtp_ready() {
	"$PYTHON" - "$E2E_PORT" <<'EOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
ok = s.recv(512).startswith(b"220")
s.sendall(b"QUIT\r\n")
s.close()
sys.exit(0 if ok else 1)
EOF
}

# e2e_postfix_master_pid - the master's pid, or nothing
e2e_postfix_master_pid() {
	local f=$E2E_QUEUE/pid/master.pid
	[ -f "$f" ] && tr -dc '0-9' <"$f"
}

# e2e_postfix_stop - stop the instance; abort, then kill its master if needed
e2e_postfix_stop() {
	local pid
	pid=$(e2e_postfix_master_pid)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	e2e_postfix stop
	e2e_until 20
	while kill -0 "$pid" 2>/dev/null && e2e_waiting; do
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		e2e_postfix abort
		sleep 1
		kill -KILL "$pid" 2>/dev/null
	fi
	return 0
}

# e2e_milter_config - write leadmilter config $1 for this instance:
# socket, pid file and no syslog; then the "Key Value" pairs that follow
e2e_milter_config() {
	local f=$1
	shift
	{
		echo "# leadmilter for the throwaway Postfix of tests/e2e/lib.sh"
		echo "Socket local:$E2E_SOCK"
		echo "UMask 000"
		echo "Syslog no"
		while [ $# -ge 2 ]; do
			echo "$1 $2"
			shift 2
		done
	} >"$f"
}

# e2e_milter_start - start leadmilter -f in the background with config $1
# (more arguments are passed on) and wait for its socket
e2e_milter_start() {
	local conf=$1
	shift
	rm -f "$E2E_SOCK"
	"$LEADMILTER" -f -c "$conf" "$@" >>"$E2E_MILTER_LOG" 2>&1 &
	E2E_MILTER_PID=$!
	e2e_until 120
	while [ ! -S "$E2E_SOCK" ]; do
		if ! kill -0 "$E2E_MILTER_PID" 2>/dev/null; then
			tail -20 "$E2E_MILTER_LOG" >&2
			E2E_MILTER_PID=
			e2e_die "leadmilter exited at start-up"
		fi
		e2e_waiting || { tail -20 "$E2E_MILTER_LOG" >&2; e2e_die "leadmilter made no socket $E2E_SOCK"; }
		sleep 0.1
	done
}

# e2e_milter_alive - is the leadmilter we started still running?
e2e_milter_alive() {
	[ -n "$E2E_MILTER_PID" ] && kill -0 "$E2E_MILTER_PID" 2>/dev/null
}

# e2e_milter_stop - SIGTERM the leadmilter we started and reap it (it may
# take a few seconds: libmilter notices smfi_stop() at its next poll);
# returns 1 if it had to be killed after 40 s
e2e_milter_stop() {
	local rc=0
	[ -n "$E2E_MILTER_PID" ] || return 0
	if kill -TERM "$E2E_MILTER_PID" 2>/dev/null; then
		e2e_until 40
		while kill -0 "$E2E_MILTER_PID" 2>/dev/null && e2e_waiting; do
			sleep 0.1
		done
		if kill -KILL "$E2E_MILTER_PID" 2>/dev/null; then
			echo "e2e: leadmilter did not stop on SIGTERM within 40 s: killed" >&2
			rc=1
		fi
	fi
	wait "$E2E_MILTER_PID" 2>/dev/null
	E2E_MILTER_PID=
	return $rc
}

# e2e_milter_reload - SIGUSR1 to the leadmilter we started
e2e_milter_reload() {
	[ -n "$E2E_MILTER_PID" ] && kill -USR1 "$E2E_MILTER_PID"
}

# e2e_send - mailtool send to this instance
e2e_send() {
	"$PYTHON" "$E2E_TOOL" send --port "$E2E_PORT" "$@"
}

# e2e_queue_empty - is the instance's queue empty?
e2e_queue_empty() {
	postqueue -c "$E2E_PF" -p 2>/dev/null | grep -q '^Mail queue is empty'
}

# e2e_wait_queue - wait until the queue is empty, at most $1 seconds
e2e_wait_queue() {
	e2e_until "${1:-60}"
	while ! e2e_queue_empty; do
		if ! e2e_waiting; then
			echo "e2e: queue not empty after ${1:-60} s:" >&2
			postqueue -c "$E2E_PF" -p 2>&1 | head -20 >&2
			tail -20 "$E2E_MAILLOG" >&2
			return 1
		fi
		sleep 0.2
	done
	return 0
}

# e2e_index - every delivered message (or only those with Message-ID $1):
# mailbox, Message-ID, X-Lead-* summary
e2e_index() {
	"$PYTHON" "$E2E_TOOL" index ${1:+--msgid "$1"} "$E2E_MAIL"
}

# e2e_show - where message $1 landed, with its X-Lead-* headers
e2e_show() {
	"$PYTHON" "$E2E_TOOL" show "$E2E_MAIL" "$1"
}

# e2e_cleanup - stop leadmilter and Postfix, remove the temp dir
e2e_cleanup() {
	e2e_milter_stop
	if [ -n "$E2E_DIR" ] && [ -d "$E2E_DIR" ]; then
		e2e_postfix_stop
		if [ "${E2E_KEEP:-0}" = 1 ]; then
			echo "e2e: kept $E2E_DIR (port $E2E_PORT)" >&2
		else
			rm -rf "$E2E_DIR"
		fi
	fi
	E2E_DIR=
}
