# lib.sh - small assertions for the shell tests, and the leadctl contract
#
# Sourced (POSIX sh) by tests/robust.sh and tests/mime.sh.  Exit codes are
# the ones automake's test driver reads: 0 pass, 1 fail, 77 skip, 99 hard
# error.  Each check prints "FAIL: ..." when it fails and counts; lm_finish
# prints "N passed, N failed" and exits 0 only if nothing failed.
#
#   lm_skip MSG...                 print "SKIP: MSG" and exit 77
#   lm_die MSG...                  print "ERROR: MSG" and exit 99
#   lm_pass MSG... / lm_fail MSG...  count one check either way
#   lm_assert_eq GOT WANT MSG      pass if GOT = WANT ("got X, want Y")
#   lm_assert_file_size FILE N     pass if FILE has exactly N bytes
#   lm_tmpdir                      LM_TMP = a new mktemp dir, removed on exit
#   lm_need_leadctl                LEADCTL set and executable, else skip/die
#   lm_qualify FILE                run "$LEADCTL qualify FILE" under
#                                  timeout; sets LM_RC, LM_OUTF and LM_ERRF
#                                  (files holding stdout and stderr) and
#                                  LM_CLASS (verdict, error, or a failure:
#                                  timeout, signal, exit, contract, sanitizer)
#                                  and LM_WHY (one line saying what was wrong)
#   lm_check_qualify FILE [LABEL]  lm_qualify, then pass on a verdict or a
#                                  clean error, fail on anything else
#   lm_finish                      "N passed, N failed"; exit 0 or 1
#
# The leadctl contract (docs: leadctl(1)): "leadctl qualify FILE" exits 0
# with exactly one verdict line on stdout, or exits 65 (EX_DATAERR) with
# "FILE: cause" on stderr (a "leadctl: " prefix allowed) when the message
# is unusable.  Death by a signal,
# an exit status of 128 or more, a timeout, or a sanitizer report on stderr
# is a failure whatever the exit status says.

: "${LM_TIMEOUT:=20}"
LM_NPASS=0
LM_NFAIL=0
LM_TMP=

# lm_skip - the test cannot run here
lm_skip() {
	echo "SKIP: $*"
	exit 77
}

# lm_die - the test itself is broken (not the code under test)
lm_die() {
	echo "ERROR: $*" >&2
	exit 99
}

# lm_pass - count a passed check; print it when LM_VERBOSE=1
lm_pass() {
	LM_NPASS=$((LM_NPASS + 1))
	[ "${LM_VERBOSE:-0}" = 1 ] && echo "PASS: $*"
	return 0
}

# lm_fail - count a failed check and say why
lm_fail() {
	LM_NFAIL=$((LM_NFAIL + 1))
	echo "FAIL: $*"
	return 0
}

# lm_assert_eq - GOT = WANT
lm_assert_eq() {
	if [ "$1" = "$2" ]; then
		lm_pass "$3"
	else
		lm_fail "$3: got '$1', want '$2'"
	fi
}

# lm_assert_file_size - FILE has exactly N bytes (checks the generators)
lm_assert_file_size() {
	lm_assert_eq "$(wc -c < "$1" | tr -d ' ')" "$2" "size of $(basename "$1")"
}

# lm_tmpdir - a private temporary directory, removed however we exit
lm_tmpdir() {
	LM_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lm-test.XXXXXX") ||
		lm_die "mktemp -d failed"
	trap 'rm -rf "$LM_TMP"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# lm_need_leadctl - find the CLI: skip if nobody said where, die if wrong
lm_need_leadctl() {
	if [ -z "${LEADCTL:-}" ]; then
		for c in "${top_builddir:-.}/milter/leadctl" milter/leadctl; do
			[ -x "$c" ] && LEADCTL=$c && break
		done
		[ -n "${LEADCTL:-}" ] || lm_skip "no leadctl (set LEADCTL or build milter/leadctl)"
	fi
	[ -x "$LEADCTL" ] || lm_die "LEADCTL=$LEADCTL is not an executable"
	command -v timeout >/dev/null 2>&1 || lm_skip "no timeout(1) (coreutils)"
}

# lm_snippet - the start of a file on one line, for a message
lm_snippet() {
	head -c 200 "$1" | tr '\t\n\r' '   '
}

# lm_qualify - run the CLI on one file and classify what it did
lm_qualify() {
	_f=$1
	# $$ keeps parallel workers (mime.sh) apart
	_o=$LM_TMP/qualify.$$.out
	_e=$LM_TMP/qualify.$$.err
	# shellcheck disable=SC2034 # read by the sourcing scripts
	LM_OUTF=$_o LM_ERRF=$_e
	# -k: a CLI that ignores SIGTERM is still stopped, and still fails
	timeout -k 5 "$LM_TIMEOUT" "$LEADCTL" qualify "$_f" > "$_o" 2> "$_e" < /dev/null
	LM_RC=$?
	# as few processes as possible: mime.sh runs this 400 times
	if [ -s "$_e" ] && grep -q -e 'runtime error:' -e 'AddressSanitizer' \
	    -e 'LeakSanitizer' -e 'UndefinedBehaviorSanitizer' "$_e"; then
		LM_CLASS=sanitizer
		LM_WHY="sanitizer report: $(grep -m 1 -e 'runtime error:' -e 'Sanitizer' "$_e" | head -c 200)"
	elif [ "$LM_RC" -eq 124 ] || [ "$LM_RC" -eq 137 ]; then
		# 137: timeout -k's SIGKILL, or the kernel's out-of-memory killer
		LM_CLASS=timeout
		LM_WHY="no answer within ${LM_TIMEOUT}s, or SIGKILL (exit $LM_RC)"
	elif [ "$LM_RC" -ge 128 ]; then
		LM_CLASS=signal
		LM_WHY="killed by signal $((LM_RC - 128)) (exit $LM_RC)"
	elif [ "$LM_RC" -eq 0 ]; then
		# awk counts a last line without a newline too
		_lines=$(awk 'NF { n++ } END { print NR "/" n + 0 }' "$_o")
		if [ "$_lines" = 1/1 ]; then
			LM_CLASS=verdict
			LM_WHY=
		else
			LM_CLASS=contract
			LM_WHY="exit 0 with ${_lines%/*} lines (${_lines#*/} not blank) on stdout, want one verdict line"
		fi
	elif [ "$LM_RC" -eq 65 ]; then
		# a line "FILE: cause" with a cause, perhaps after "leadctl: "
		# as log_fatal() writes it; ENVIRON keeps backslashes as they are
		if LM_PREFIX="$_f: " awk 'BEGIN { p = ENVIRON["LM_PREFIX"] }
		    { sub(/^leadctl: /, "") }
		    index($0, p) == 1 && length($0) > length(p) { ok = 1 }
		    END { exit !ok }' "$_e"; then
			LM_CLASS=error
			LM_WHY=
		else
			LM_CLASS=contract
			LM_WHY="exit 65 without '$_f: cause' on stderr (stderr: $(lm_snippet "$_e"))"
		fi
	else
		LM_CLASS="exit"
		LM_WHY="exit $LM_RC, want 0 or 65 (stderr: $(lm_snippet "$_e"))"
	fi
}

# lm_check_qualify - a verdict or a clean error passes, anything else fails
lm_check_qualify() {
	lm_qualify "$1"
	case $LM_CLASS in
	verdict|error)
		lm_pass "${2:-$1}: $LM_CLASS" ;;
	*)
		lm_fail "${2:-$1}: $LM_WHY" ;;
	esac
}

# lm_finish - the closing line and the exit status
lm_finish() {
	echo "$LM_NPASS passed, $LM_NFAIL failed"
	[ "$LM_NFAIL" -eq 0 ]
	exit $?
}
