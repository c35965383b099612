#!/bin/sh
# bench.sh - every leadmilter benchmark on one run, over the same messages
#
# Run by `make bench` (which builds the programs first).  Needs root for the
# Postfix and spamd parts (tests/run.sh installs the packages); a part whose
# tools are missing is skipped and says why.  All traffic stays on
# 127.0.0.1, every loop is bounded in count and time, every program runs
# under timeout(1), and the EXIT trap stops whatever was started.
#
#   1. messages  tests/bench/gen_msgs.py, fixed seed: 2,000 inquiries of
#                2-6 KB, and sets of about 2 KB, 20 KB, 200 KB and 1 MB
#   2. engine    bench_engine: default rules, one core and all cores,
#                latency, peak RSS, parse-only and GMime-only passes;
#                the same without the Hyperscan prefilter; where the rule
#                time goes (-P)
#   3. size      the same process over the four sized sets
#   4. rules     bench_engine with 100, 400 and 1,600 generated rules
#   5. milter    nullmilter and leadmilter, each on a unix socket and on
#                inet 127.0.0.1 (nullmilter also with TCP_NODELAY, and
#                with "no reply" negotiated), driven by milter_load:
#                protocol v6, one connection per message, 8 at once; each
#                daemon's CPU time per message; leadmilter's memory
#   6. postfix   a throwaway Postfix (tests/e2e/lib.sh) with one smtpd
#                port per milter setting, discard delivery, smtp-source
#                with 10 sessions (5 processes x 2, five different
#                messages of the set, one message per session)
#   7. spamd     SpamAssassin's spamd, 2 children, no stock rules, the
#                default rules' patterns (rules2sa), spamc clients
#   8. report    report.py: min/median/max per figure, targets with
#                PASS/MISS, written to stdout and tests/bench/RESULTS.md
#
# Environment:
#   BENCH_QUICK=1     fewer messages and repeats, to try the script
#                     (RESULTS.md is then left alone)
#   BENCH_SKIP=LIST   parts to leave out: engine (with size and rules),
#                     milter, postfix, spamd
#   BENCH_PROFILE=1   perf record of one engine thread; top symbols go to
#                     the notes
#   BENCH_BUDGET=S    seconds the whole run may take (840); a part that
#                     would not fit is skipped and says so
#   BENCH_KEEP=1      keep the work directory
#   BENCH_RESULTS=F   where the Markdown goes (tests/bench/RESULTS.md)
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${LEADMILTER:=$top_builddir/milter/leadmilter}"
: "${BENCH_QUICK:=0}"
: "${BENCH_SKIP:=}"
: "${BENCH_PROFILE:=0}"
: "${BENCH_RESULTS:=$top_srcdir/tests/bench/RESULTS.md}"
PATH=$PATH:/usr/sbin:/sbin
export PATH
# Debian's python3 first: a version manager's shim costs seconds per call.
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
export PYTHON
S=$top_srcdir/tests/bench
B=$top_builddir/tests/bench
T0=$(date +%s)

if [ "$BENCH_QUICK" = 1 ]; then
	NMSG=400 EREP=2 REP=2 PREP=2 MCOUNT=600 PCOUNT=300 SCOUNT=60 SIZEN="100 40 10 4"
else
	NMSG=2000 EREP=5 REP=3 PREP=5 MCOUNT=3000 PCOUNT=1000 SCOUNT=200 SIZEN="300 200 40 12"
fi

# bench_log - a progress line on stderr, with the seconds so far
bench_log() {
	echo "bench: [$(($(date +%s) - T0)) s] $*" >&2
}

# bench_note - a line for the report's notes
bench_note() {
	echo "# $*" >>"$RES"
}

# bench_time_left - are there $1 seconds left of the budget (BENCH_BUDGET,
# default 840 s: make bench must stay under 15 minutes)?
bench_time_left() {
	[ $(($(date +%s) - T0 + $1)) -le "${BENCH_BUDGET:-840}" ]
}

# bench_skip - is part $1 in BENCH_SKIP?
bench_skip() {
	case " $BENCH_SKIP " in *" $1 "*) return 0 ;; esac
	return 1
}

W=$(mktemp -d /tmp/leadmilter-bench.XXXXXX) || { echo "bench: mktemp failed" >&2; exit 1; }
chmod 755 "$W"
RES=$W/results.tsv
INFO=$W/info.txt
: >"$RES"
: >"$INFO"
PIDS=""			# timeout(1) wrappers of the daemons we started

# bench_cleanup - stop what we started (the EXIT trap)
bench_cleanup() {
	local p i
	for p in $PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	i=0
	for p in $PIDS; do
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$p" 2>/dev/null; then
			pkill -KILL -P "$p" 2>/dev/null	# the daemon under this wrapper
			kill -KILL "$p" 2>/dev/null
		fi
	done
	PIDS=""
	if [ -n "${E2E_DIR:-}" ]; then
		E2E_KEEP=${BENCH_KEEP:-0}
		e2e_cleanup
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: kept $W" >&2
	else
		rm -rf "$W"
	fi
}
trap 'rc=$?; trap - EXIT; bench_cleanup; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bench_port_free - is TCP port $1 on 127.0.0.1 free?
bench_port_free() {
	if command -v ss >/dev/null 2>&1; then
		[ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
	else
		"$PYTHON" -c 'import socket, sys; socket.socket().bind(("127.0.0.1", int(sys.argv[1])))' \
			"$1" 2>/dev/null
	fi
}

# bench_port - set variable $1 to a free port in 25100..25499 not handed
# out before (not in a subshell: the list of ports handed out must grow)
BENCH_PORTS=""
bench_port() {
	local p i
	p=$((25100 + $$ % 400))
	i=0
	while [ $i -lt 400 ]; do
		case " $BENCH_PORTS " in
		*" $p "*) ;;
		*) if bench_port_free $p; then
			BENCH_PORTS="$BENCH_PORTS $p"
			eval "$1=$p"
			return 0
		   fi ;;
		esac
		p=$((p + 1))
		[ $p -ge 25500 ] && p=25100
		i=$((i + 1))
	done
	return 1
}

# bench_wait_sock - wait up to 20 s for socket $1 (unix:/path or
# inet:port@host) to accept, while pid $2 lives
bench_wait_sock() {
	local i=0 port
	while [ $i -lt 200 ]; do
		kill -0 "$2" 2>/dev/null || return 1
		case $1 in
		unix:* | local:*) [ -S "${1#*:}" ] && return 0 ;;
		inet:*) port=${1#inet:}; port=${port%@*}
			bench_port_free "$port" || return 0 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# bench_daemon - start "$@" in the background under timeout(1); its pid
# (the wrapper's) in DPID; the wrapper passes SIGTERM on
bench_daemon() {
	timeout -k 10 1500 "$@" &
	DPID=$!
	PIDS="$PIDS $DPID"
}

# bench_stop - SIGTERM the wrapper $1 and reap it
bench_stop() {
	local i=0
	kill -TERM "$1" 2>/dev/null
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		pkill -KILL -P "$1" 2>/dev/null	# the daemon under this wrapper
		kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
}

# ---- 0. the machine -------------------------------------------------------
# bench_rev - the commit measured, "-dirty" if the sources differ from it
# (not counting RESULTS.md, which an earlier run of this script rewrote)
bench_rev() {
	local rev
	rev=$(git -C "$top_srcdir" describe --always 2>/dev/null) || {
		echo 'not a git checkout'
		return
	}
	git -C "$top_srcdir" diff --quiet HEAD -- . ':(exclude)tests/bench/RESULTS.md' 2>/dev/null ||
	    rev="$rev-dirty"
	echo "$rev"
}

bench_info() {
	local cpu mem load
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	{
		echo "machine: $(uname -srm), $cpu, $(nproc) CPUs online, $mem RAM, Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
		echo "software: $(cc --version 2>/dev/null | head -1); GMime $(pkg-config --modversion gmime-3.0 2>/dev/null); PCRE2 $(pkg-config --modversion libpcre2-8 2>/dev/null); Hyperscan $(pkg-config --modversion libhs 2>/dev/null || echo none); Postfix $(postconf -d -h mail_version 2>/dev/null || echo none); $(spamassassin --version 2>/dev/null | head -1 || echo 'no SpamAssassin')"
		echo "leadmilter: $(bench_rev), built $(date -r "$LEADMILTER" '+%Y-%m-%d %H:%M' 2>/dev/null || echo '(not built)')"
		echo "run: $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start $load (other work on the machine skews every figure)"
	} >>"$INFO"
}

# ---- 1. messages ------------------------------------------------------------
bench_messages() {
	local i n s
	bench_log "generating messages"
	"$PYTHON" "$S/gen_msgs.py" --seed 1 --count "$NMSG" "$W/msgs" >/dev/null || exit 1
	echo "message set: $(cat "$W/msgs/SET.txt")" >>"$INFO"
	i=1
	for s in 2k 20k 200k 1m; do
		n=$(echo "$SIZEN" | cut -d' ' -f$i)
		case $s in 2k) b=2048 ;; 20k) b=20480 ;; 200k) b=204800 ;; 1m) b=1048576 ;; esac
		"$PYTHON" "$S/gen_msgs.py" --seed 2 --count "$n" --size $b "$W/size-$s" >/dev/null || exit 1
		echo "size set $s: $(cat "$W/size-$s/SET.txt")" >>"$INFO"
		i=$((i + 1))
	done
}

# ---- 2-4. the engine -----------------------------------------------------------
bench_engine_part() {
	local n
	bench_log "engine: default rules, $NMSG messages and the sized sets, $EREP repeats"
	# one process, so the rules are compiled once; -P: where the rule time goes
	timeout 900 "$B/bench_engine" -n "$EREP" -s 60 -P 25 -l engine "$W/msgs" \
		size.2k="$W/size-2k" size.20k="$W/size-20k" size.200k="$W/size-200k" \
		size.1m="$W/size-1m" >>"$RES" || bench_note "engine: bench_engine failed ($?)"
	bench_log "engine: without the prefilter"
	LEADMILTER_NO_PREFILTER=1 timeout 300 "$B/bench_engine" -n "$REP" -s 60 \
		-l engine_nopf "$W/msgs" | grep -v '^#' >>"$RES"
	if [ "$BENCH_PROFILE" = 1 ] && command -v perf >/dev/null 2>&1; then
		bench_log "engine: perf record"
		bench_perf
	fi
	for n in 100 400 1600; do
		bench_time_left 120 || { bench_note "rules.$n: skipped, out of time"; continue; }
		bench_log "rules: $n generated rules"
		"$PYTHON" "$S/gen_rules.py" --seed 1 --count $n "$W/rules-$n" >/dev/null || exit 1
		timeout 300 "$B/bench_engine" -r "$W/rules-$n" -t 1 -n "$REP" -s 60 -P 0 -l "rules.$n" \
			"$W/msgs" >>"$RES" || bench_note "rules.$n: bench_engine failed or timed out"
	done
}

# bench_perf - perf record of one engine thread once the rules are loaded
# (their compilation is not what we want to see); top symbols to the notes
bench_perf() {
	local pid i
	"$B/bench_engine" -t 1 -n 100 -s 10 -l perf "$W/msgs" >"$W/perf.out" 2>&1 &
	pid=$!
	i=0
	while ! grep -q 'perf.1core' "$W/perf.out" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	if timeout 60 perf record -q -g -p $pid -o "$W/perf.data" -- sleep 10 >/dev/null 2>&1; then
		perf report -i "$W/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
		    grep -v '^#' | grep -v '^$' | head -8 | sed 's/^ */perf dso: /' >"$W/perf.txt"
		perf report -i "$W/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null |
		    grep -v '^#' | grep -v '^$' | grep -v '\[JIT\]\|0x0000' | head -15 |
		    sed 's/^ */perf sym: /' >>"$W/perf.txt"
		while IFS= read -r l; do bench_note "$l"; done <"$W/perf.txt"
	else
		bench_note "perf: perf record failed (perf_event_paranoid?)"
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
}

# ---- 5. the daemon alone ------------------------------------------------------------
# bench_lm_conf - a leadmilter configuration: $1 file, $2 socket, $3 store
bench_lm_conf() {
	cat >"$1" <<EOF
# leadmilter for tests/bench/bench.sh: built-in rules, its own store
Socket $2
Syslog no
UMask 000
StoreFile $3
EOF
}

# bench_lm_start - leadmilter with config $1, pid file $2, log $3; the
# socket is $4.  Sets LM_WRAP (the timeout wrapper) or returns 1
bench_lm_start() {
	bench_daemon "$LEADMILTER" -f -c "$1" -P "$2" 2>>"$3"
	LM_WRAP=$DPID
	if ! bench_wait_sock "$4" "$LM_WRAP"; then
		bench_note "leadmilter did not start on $4: $(tail -3 "$3" | tr '\n' ' ')"
		return 1
	fi
	# the pid file comes after the socket
	sleep 0.3
	return 0
}

# bench_status - field $1 (in KB) of /proc/PID/status, PID from pid file $2
bench_status() {
	local pid
	pid=$(cat "$2" 2>/dev/null | tr -dc '0-9')
	[ -n "$pid" ] && awk -v f="$1:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null
}

# bench_hwm - VmHWM (peak RSS) of the process in pid file $1, in KB
bench_hwm() {
	bench_status VmHWM "$1"
}

# bench_qualified - how many messages leadmilter logged a decision for
bench_qualified() {
	local n
	n=$(grep -c ' decision=' "$1" 2>/dev/null)
	echo "${n:-0}"
}

bench_milters_start() {
	bench_port NP_INET && bench_port NP_ND && bench_port LM_INET_PORT || {
		bench_note "no free ports"; return 1; }
	SOCK_NULL_UNIX=unix:$W/null.sock
	SOCK_NULL_INET=inet:$NP_INET@127.0.0.1
	SOCK_NULL_ND=inet:$NP_ND@127.0.0.1
	SOCK_NULL_NR=unix:$W/null-nr.sock
	SOCK_LM_UNIX=unix:$W/lm.sock
	SOCK_LM_INET=inet:$LM_INET_PORT@127.0.0.1
	# pid files, as leadmilter has, so that CPU time can be read
	bench_daemon "$B/nullmilter" -p "$SOCK_NULL_UNIX"
	bench_wait_sock "$SOCK_NULL_UNIX" $DPID || bench_note "nullmilter (unix) did not start"
	pgrep -P $DPID >"$W/null-unix.pid"
	bench_daemon "$B/nullmilter" -p "$SOCK_NULL_INET"
	bench_wait_sock "$SOCK_NULL_INET" $DPID || bench_note "nullmilter (inet) did not start"
	pgrep -P $DPID >"$W/null-inet.pid"
	bench_daemon "$B/nullmilter" -D -p "$SOCK_NULL_ND"
	bench_wait_sock "$SOCK_NULL_ND" $DPID || bench_note "nullmilter (inet, nodelay) did not start"
	pgrep -P $DPID >"$W/null-inet-nd.pid"
	bench_daemon "$B/nullmilter" -N -p "$SOCK_NULL_NR"
	bench_wait_sock "$SOCK_NULL_NR" $DPID || bench_note "nullmilter (no replies) did not start"
	pgrep -P $DPID >"$W/null-unix-nr.pid"
	LM_OK=0
	if [ -x "$LEADMILTER" ]; then
		bench_lm_conf "$W/lm-unix.conf" "local:$W/lm.sock" "$W/lm-unix.db"
		bench_lm_conf "$W/lm-inet.conf" "$SOCK_LM_INET" "$W/lm-inet.db"
		bench_lm_start "$W/lm-unix.conf" "$W/lm-unix.pid" "$W/lm-unix.log" "$SOCK_LM_UNIX" &&
		bench_lm_start "$W/lm-inet.conf" "$W/lm-inet.pid" "$W/lm-inet.log" "$SOCK_LM_INET" &&
			LM_OK=1
		if [ "$LM_OK" = 1 ]; then
			echo "lm.unix.start_rss_kb	1	$(bench_status VmRSS "$W/lm-unix.pid")	KB" >>"$RES"
			bench_note "leadmilter: $(head -1 "$W/lm-unix.log")"
		fi
	else
		bench_note "leadmilter not built ($LEADMILTER): its figures are missing"
	fi
}

# bench_ticks - user + system CPU clock ticks of the process in pid file $1
bench_ticks() {
	local pid
	pid=$(cat "$1" 2>/dev/null | tr -dc '0-9')
	[ -n "$pid" ] && sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 }'
}

bench_milter_part() {
	local name sock pidf t0 t1 n
	for name in null_unix null_unix_nr null_inet null_inet_nd lm_unix lm_inet; do
		case $name in
		null_unix) sock=$SOCK_NULL_UNIX pidf=$W/null-unix.pid ;;
		null_unix_nr) sock=$SOCK_NULL_NR pidf=$W/null-unix-nr.pid ;;
		null_inet) sock=$SOCK_NULL_INET pidf=$W/null-inet.pid ;;
		null_inet_nd) sock=$SOCK_NULL_ND pidf=$W/null-inet-nd.pid ;;
		lm_unix) sock=$SOCK_LM_UNIX pidf=$W/lm-unix.pid ;;
		lm_inet) sock=$SOCK_LM_INET pidf=$W/lm-inet.pid ;;
		esac
		case $name in lm_*) [ "$LM_OK" = 1 ] || continue ;; esac
		bench_log "milter: $name ($sock)"
		t0=$(bench_ticks "$pidf")
		timeout 600 "$B/milter_load" -c 8 -n "$MCOUNT" -R "$REP" -s 60 -l "milter.$name" \
			"$sock" "$W/msgs" >"$W/milter.out" 2>>"$W/milter_load.err" ||
			bench_note "milter.$name: $(tail -1 "$W/milter_load.err")"
		t1=$(bench_ticks "$pidf")
		cat "$W/milter.out" >>"$RES"
		# the daemon's CPU per message: warm-up (100) and every repeat
		n=$(awk -F'\t' '$1 ~ /\.msgs$/ { n += $3 } END { print n + 100 }' "$W/milter.out")
		[ -n "$t0" ] && [ -n "$t1" ] && echo "milter.$name.daemon_cpu_us	1	$(awk -v a="$t0" \
			-v b="$t1" -v n="$n" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%.1f", (b - a) * 1e6 / hz / n }')	us" >>"$RES"
	done
}

# ---- 6. Postfix end to end ------------------------------------------------------
# bench_machine_ticks - CPU clock ticks the whole machine spent busy
bench_machine_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat 2>/dev/null
}


# bench_pf_run - smtp-source into port $2, $3 messages, as metric $1
bench_pf_run() {
	local label=$1 port=$2 total=$3 per pids f t0 t1 bu bi rc=0 c0 c1 l0 l1 lpid m0 bad
	per=$((total / 5))
	bu=$(bench_qualified "$W/lm-unix.log")
	bi=$(bench_qualified "$W/lm-inet.log")
	case $label in
	*lm_unix) lpid=$W/lm-unix.pid ;;
	*lm_inet) lpid=$W/lm-inet.pid ;;
	*null_unix) lpid=$W/null-unix.pid ;;
	*null_unix_nr) lpid=$W/null-unix-nr.pid ;;
	*null_inet) lpid=$W/null-inet.pid ;;
	*null_inet_nd) lpid=$W/null-inet-nd.pid ;;
	*) lpid= ;;
	esac
	c0=$(bench_machine_ticks)
	[ -n "$lpid" ] && l0=$(bench_ticks "$lpid")
	m0=$(wc -l <"$E2E_MAILLOG" 2>/dev/null || echo 0)
	t0=$(date +%s.%N)
	pids=""
	for f in $PF_MSGS; do
		timeout 300 smtp-source -s 2 -m $per -f bench@client.bench.test \
			-t sales@example-msp.com -F "$f" 127.0.0.1:$port \
			>/dev/null 2>>"$W/smtp-source.err" &
		pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || rc=$?
	done
	t1=$(date +%s.%N)
	[ "$label" = warmup ] && { e2e_wait_queue 120 >/dev/null 2>&1; return 0; }
	# a milter Postfix could not reach measures Postfix without it
	bad=$(tail -n +$((m0 + 1)) "$E2E_MAILLOG" 2>/dev/null | grep -c 'warning: .*Milter')
	if [ "$bad" -gt 0 ]; then
		bench_note "$label run $REPNO: dropped, $bad milter warnings from Postfix:" \
			"$(tail -n +$((m0 + 1)) "$E2E_MAILLOG" | grep -m1 'warning: .*Milter' | sed 's/^.*warning: //')"
	else
		echo "$label.msgs_s	$REPNO	$(awk -v n=$((per * 5)) -v a="$t0" -v b="$t1" \
			'BEGIN { printf "%.1f", n / (b - a) }')	msgs/s" >>"$RES"
	fi
	echo "$label.errors	$REPNO	$rc	exit" >>"$RES"
	e2e_wait_queue 120 >/dev/null 2>&1 || bench_note "$label: queue not empty after 120 s"
	# CPU per message, once the queue is empty: every process on the
	# machine (Postfix, smtp-source, the milter; anything else running
	# skews it), and the milter's own
	c1=$(bench_machine_ticks)
	[ -n "$c0" ] && [ -n "$c1" ] && echo "$label.machine_cpu_us	$REPNO	$(awk -v a="$c0" -v b="$c1" \
		-v n=$((per * 5)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) * 1e6 / hz / n }')	us" >>"$RES"
	if [ -n "$lpid" ]; then
		l1=$(bench_ticks "$lpid")
		[ -n "$l0" ] && [ -n "$l1" ] && echo "$label.daemon_cpu_us	$REPNO	$(awk -v a="$l0" -v b="$l1" \
			-v n=$((per * 5)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) * 1e6 / hz / n }')	us" >>"$RES"
	fi
	case $label in
	*lm_unix) bench_note "$label run $REPNO: leadmilter (unix) qualified $(($(bench_qualified "$W/lm-unix.log") - bu)) of $((per * 5))" ;;
	*lm_inet) bench_note "$label run $REPNO: leadmilter (inet) qualified $(($(bench_qualified "$W/lm-inet.log") - bi)) of $((per * 5))" ;;
	esac
}

bench_postfix_part() {
	local why port name rep
	if ! command -v smtp-source >/dev/null 2>&1; then
		bench_note "postfix: skipped: no smtp-source (apt-get install postfix)"
		return 0
	fi
	if [ ! -f "$top_srcdir/tests/e2e/lib.sh" ]; then
		bench_note "postfix: skipped: no tests/e2e/lib.sh"
		return 0
	fi
	E2E_LIBDIR=$top_srcdir/tests/e2e
	. "$E2E_LIBDIR/lib.sh"
	if ! why=$(e2e_can_run); then
		bench_note "postfix: skipped: $why"
		return 0
	fi
	bench_log "postfix: configuring a throwaway instance"
	e2e_init >/dev/null
	# e2e_init set its own trap; ours also runs e2e_cleanup
	trap 'rc=$?; trap - EXIT; bench_cleanup; exit $rc' EXIT
	e2e_postfix_configure
	# discard delivery; each milter setting gets its own smtpd port
	postconf -c "$E2E_PF" -e "virtual_transport = discard" "smtpd_milters =" \
		"milter_connect_timeout = 10s" "milter_command_timeout = 30s" \
		"milter_content_timeout = 60s" >/dev/null
	PF_NONE=$E2E_PORT
	for name in null_unix null_unix_nr null_inet null_inet_nd lm_unix lm_inet; do
		bench_port port || { bench_note "postfix: no free port"; return 0; }
		case $name in
		null_unix) sock=unix:$W/null.sock ;;
		null_unix_nr) sock=unix:$W/null-nr.sock ;;
		null_inet) sock=inet:127.0.0.1:$NP_INET ;;
		null_inet_nd) sock=inet:127.0.0.1:$NP_ND ;;
		lm_unix) sock=unix:$W/lm.sock ;;
		lm_inet) sock=inet:127.0.0.1:$LM_INET_PORT ;;
		esac
		echo "127.0.0.1:$port inet n - n - - smtpd -o smtpd_milters=$sock" >>"$E2E_PF/master.cf"
		eval "PF_$name=$port"
	done
	e2e_postfix_start
	# five messages of the set, of different kinds, one per smtp-source
	PF_MSGS=""
	for f in 00001 00003 00007 00012 00020; do
		PF_MSGS="$PF_MSGS $W/msgs/$f.eml"
	done
	bench_note "postfix: smtp-source -s 2 x 5 processes, messages$(for f in $PF_MSGS; do printf ' %s (%s bytes)' "${f##*/}" "$(wc -c <"$f")"; done)"
	REPNO=0
	for name in none null_unix null_unix_nr null_inet null_inet_nd lm_unix lm_inet; do
		case $name in lm_*) [ "$LM_OK" = 1 ] || continue ;; esac
		[ "$name" = none ] && port=$PF_NONE || eval "port=\$PF_$name"
		bench_pf_run warmup "$port" 50
	done
	rep=1
	while [ $rep -le "$PREP" ]; do
		if [ $rep -gt 2 ] && ! bench_time_left 150; then
			bench_note "postfix: stopped after $((rep - 1)) rounds, out of time (BENCH_BUDGET)"
			break
		fi
		REPNO=$rep
		for name in none null_unix null_unix_nr null_inet null_inet_nd lm_unix lm_inet; do
			case $name in lm_*) [ "$LM_OK" = 1 ] || continue ;; esac
			[ "$name" = none ] && port=$PF_NONE || eval "port=\$PF_$name"
			bench_log "postfix: $name, run $rep of $PREP"
			bench_pf_run "postfix.$name" "$port" "$PCOUNT"
		done
		rep=$((rep + 1))
	done
	[ -s "$W/smtp-source.err" ] &&
		bench_note "smtp-source said: $(sort "$W/smtp-source.err" | uniq -c | sort -rn | head -3 | tr '\n' ';')"
}

# ---- 7. spamd ----------------------------------------------------------------
bench_spamd_part() {
	local port sa i
	if ! command -v spamd >/dev/null 2>&1 || ! command -v spamc >/dev/null 2>&1; then
		bench_note "spamd: skipped: no spamd/spamc (apt-get install spamd spamc)"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		bench_note "spamd: skipped: not root (spamd drops to the user nobody)"
		return 0
	fi
	sa=$W/sa
	mkdir -p "$sa/conf" "$sa/site" "$sa/home"
	# configpath: only our rules, so no stock rule runs; siteconfigpath:
	# only the Check plugin (it runs rules) and the settings
	# the patterns only: no need to compile the Hyperscan prefilter
	LEADMILTER_NO_PREFILTER=1 "$B/rules2sa" >"$sa/conf/50_leadmilter.cf" ||
		{ bench_note "spamd: rules2sa failed"; return 0; }
	echo "loadplugin Mail::SpamAssassin::Plugin::Check" >"$sa/site/init.pre"
	cat >"$sa/site/local.cf" <<EOF
use_bayes 0
bayes_auto_learn 0
required_score 5
normalize_charset 1
util_rb_tld com org net edu gov de fr uk ie nl ca au in
util_rb_2tld co.uk
EOF
	chown -R nobody "$sa/home" 2>/dev/null
	chmod -R a+rX "$sa"
	bench_note "spamd: $(sed -n 2p "$sa/conf/50_leadmilter.cf" | sed 's/^# //'); $(spamassassin -x -L --configpath="$sa/conf" --siteconfigpath="$sa/site" --lint 2>&1 | grep -c 'invalid regexp') patterns Perl rejects"
	bench_port port || { bench_note "spamd: no free port"; return 0; }
	bench_log "spamd: starting (2 children)"
	bench_daemon spamd -L -x -u nobody -H "$sa/home" -i 127.0.0.1:$port -A 127.0.0.1 \
		-m 2 --min-children=2 --min-spare=1 --max-spare=2 \
		--configpath="$sa/conf" --siteconfigpath="$sa/site" -s "$sa/spamd.log" -r "$sa/spamd.pid" \
		2>>"$sa/spamd.err"
	SPAMD=$DPID
	i=0
	while ! spamc -d 127.0.0.1 -p $port -K >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 150 ] || ! kill -0 $SPAMD 2>/dev/null; then
			bench_note "spamd: did not start: $(tail -2 "$sa/spamd.log" | tr '\n' ' ')"
			bench_stop $SPAMD
			return 0
		fi
		sleep 0.2
	done
	bench_log "spamd: $SCOUNT messages x $REP"
	timeout 600 "$PYTHON" "$S/spamc_load.py" --port $port --conns 4 --count "$SCOUNT" \
		--seconds 25 --repeats "$REP" --label spamd "$W/msgs" >>"$RES" ||
		bench_note "spamd: some spamc calls failed"
	bench_stop $SPAMD
}

# ---- run ---------------------------------------------------------------------
bench_info
bench_messages
bench_skip engine || bench_engine_part
bench_milters_start
bench_skip milter || bench_milter_part
if bench_skip postfix; then :
elif bench_time_left 240; then bench_postfix_part
else bench_note "postfix: skipped, out of time (BENCH_BUDGET)"
fi
if [ "${LM_OK:-0}" = 1 ]; then
	echo "lm.unix.vmhwm_kb	1	$(bench_hwm "$W/lm-unix.pid")	KB" >>"$RES"
	echo "lm.unix.anon_kb	1	$(bench_status RssAnon "$W/lm-unix.pid")	KB" >>"$RES"
	echo "lm.unix.file_kb	1	$(bench_status RssFile "$W/lm-unix.pid")	KB" >>"$RES"
	echo "lm.inet.vmhwm_kb	1	$(bench_hwm "$W/lm-inet.pid")	KB" >>"$RES"
	bench_note "leadmilter: $(bench_qualified "$W/lm-unix.log") messages qualified on the unix socket, $(bench_qualified "$W/lm-inet.log") on inet; $(cat "$W/lm-unix.log" "$W/lm-inet.log" | grep -c -i 'error\|warn') warning or error lines"
fi
for p in $PIDS; do bench_stop "$p"; done
if bench_skip spamd; then :
elif bench_time_left 90; then bench_spamd_part
else bench_note "spamd: skipped, out of time (BENCH_BUDGET)"
fi
echo "run: load average at end $(cut -d' ' -f1-3 /proc/loadavg); $(($(date +%s) - T0)) s in all" >>"$INFO"

bench_log "report"
# the raw figures stay in the build tree: report.py can be rerun on them
cp "$RES" "$B/last-run.tsv" 2>/dev/null
cp "$INFO" "$B/last-run-info.txt" 2>/dev/null
if [ "$BENCH_QUICK" = 1 ]; then
	"$PYTHON" "$S/report.py" "$INFO" "$RES" || exit 1
else
	"$PYTHON" "$S/report.py" "$INFO" "$RES" --markdown "$BENCH_RESULTS" || exit 1
	echo "bench: wrote $BENCH_RESULTS (raw figures: $B/last-run.tsv)" >&2
fi
