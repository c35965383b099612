#!/bin/sh
# milter.sh - protocol tests: every tests/milter/*.lua scenario against a
# fresh leadmilter on a unix socket in a temporary directory.
#
# Each scenario NAME.lua gets its own work directory with a configuration
# made of two common keys (Syslog no, Rules pointing at a copy of
# tests/milter/lead.rules) plus tests/milter/NAME.conf if there is one;
# tests/milter/NAME.env, if there is one, holds VAR=value words for the
# filter's environment.
# leadmilter runs in the foreground with -v, logging to the directory;
# miltertest runs the script with -D sock=, pid=, log=, dir=, srcdir=.
# The filter must stop cleanly on SIGTERM (exit 0) after every scenario.
#
# Usage: tests/milter.sh [NAME...]     (default: every scenario)
# Exit: 0 all passed, 1 a scenario failed, 77 skipped (no miltertest).
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
LEADMILTER=${LEADMILTER:-$top_builddir/milter/leadmilter}
MILTERTEST=${MILTERTEST:-$(command -v miltertest || true)}
src=$top_srcdir/tests/milter

if [ -z "$MILTERTEST" ] || [ ! -x "$MILTERTEST" ]; then
	echo "SKIP: miltertest not found (Debian: apt-get install -y miltertest)"
	exit 77
fi
if [ ! -x "$LEADMILTER" ]; then
	echo "FAIL: $LEADMILTER not built"
	exit 1
fi
# the daemon only scans: the Hyperscan compiler runs in leadmilter-hsc
if nm -D --undefined-only "$LEADMILTER" | grep -q ' hs_compile'; then
	echo "FAIL: $LEADMILTER calls the Hyperscan compiler itself"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/leadmilter-milter.XXXXXX") || exit 1
cleanup() {
	for f in "$tmp"/*/filter.pid; do
		[ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# start_filter DIR [VAR=value...] - run leadmilter for one scenario, wait
# for its socket; its pid in $filter and DIR/filter.pid
start_filter() {
	d=$1
	shift
	env "$@" "$LEADMILTER" -f -v -c "$d/leadmilter.conf" -p "unix:$d/sock" \
	    -P "$d/pid" 2>>"$d/log" &
	filter=$!
	echo "$filter" >"$d/filter.pid"
	i=0
	while [ ! -S "$d/sock" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$filter" 2>/dev/null; then
			echo "leadmilter did not start"
			return 1
		fi
		sleep 0.1
	done
}

# stop_filter DIR - SIGTERM and wait; its exit status
stop_filter() {
	kill -TERM "$filter" 2>/dev/null
	wait "$filter"
	rc=$?
	rm -f "$1/filter.pid"
	return $rc
}

# run_one NAME - one scenario in its own directory; prints PASS or FAIL
# with the details, and leaves DIR/ok when it passed
run_one() {
	name=$1
	w=$tmp/$name
	mkdir -p "$w/rules"
	cp "$src/lead.rules" "$w/rules/"
	{
		echo "Syslog no"
		echo "Rules $w/rules"
		if [ -f "$src/$name.conf" ]; then
			cat "$src/$name.conf"
		fi
	} >"$w/leadmilter.conf"
	: >"$w/log"
	ok=1
	# shellcheck disable=SC2046
	if start_filter "$w" $(cat "$src/$name.env" 2>/dev/null) >"$w/out"; then
		"$MILTERTEST" -s "$src/$name.lua" -D "sock=unix:$w/sock" \
		    -D "pid=$filter" -D "log=$w/log" -D "dir=$w" -D "srcdir=$src" \
		    >>"$w/out" 2>&1 || ok=0
		stop_filter "$w" || { ok=0; echo "leadmilter exited $rc on SIGTERM" >>"$w/out"; }
		grep -q ': stopped$' "$w/log" || { ok=0; echo "no clean stop in the log" >>"$w/out"; }
		! grep -q 'prefilter unavailable' "$w/log" ||
			{ ok=0; echo "the rules ran without their prefilter" >>"$w/out"; }
	else
		ok=0
	fi
	if [ $ok = 1 ]; then
		echo "PASS: $name"
		: >"$w/ok"
	else
		echo "FAIL: $name"
		sed 's/^/    /' "$w/out"
		echo "    --- leadmilter log:"
		sed 's/^/    /' "$w/log"
	fi
}

if [ $# -gt 0 ]; then
	names=$*
else
	names=
	for f in "$src"/*.lua; do
		f=${f##*/}
		[ "$f" = common.lua ] || names="$names ${f%.lua}"
	done
fi

# every scenario has its own filter, socket and directory: run them all
# at once (libmilter takes up to five seconds to notice a stop)
for name in $names; do
	run_one "$name" >"$tmp/$name.result" 2>&1 &
done
wait

pass=0
fail=0
for name in $names; do
	cat "$tmp/$name.result"
	if [ -f "$tmp/$name/ok" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "milter: $pass passed, $fail failed"
[ $fail -eq 0 ]
