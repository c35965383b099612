#!/bin/sh
# mime.sh - every message of the external MIME corpus through leadctl
#
# Runs "leadctl qualify FILE" under timeout on each file of each source
# directory of $SHARED/mime (messages other projects wrote to test their
# MIME parsers: see $SHARED/mime/SOURCES.md; LICENSES/ and the top-level
# notes are not messages).  The files are read where they are, never copied
# into this repository.  A verdict or a clean "FILE: cause" error passes;
# a crash, a timeout, any other exit status or a sanitizer report fails.
# Prints the count of each outcome.  Skips (77) when $SHARED/mime is absent.
# One leadctl per file, LM_JOBS (default: the number of CPUs) at a time:
# leadctl's start-up, not the message, is most of the time.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
: "${SHARED:=$top_srcdir/../shared}"

dir=$SHARED/mime
[ -d "$dir" ] || lm_skip "no MIME corpus at $dir"
lm_need_leadctl
lm_tmpdir
export LEADCTL LM_TIMEOUT

list=$LM_TMP/files
: > "$list"
for src in "$dir"/*/; do
	[ "$(basename "$src")" = LICENSES ] && continue
	find "$src" -type f >> "$list"
done
LC_ALL=C sort -o "$list" "$list"
total=$(awk 'END { print NR }' "$list")
[ "$total" -gt 0 ] || lm_die "no files under $dir"
jobs=${LM_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}

# Each worker appends "class TAB file TAB why" lines; one short write each,
# so lines from parallel workers do not mix.
results=$LM_TMP/results
: > "$results"
# shellcheck disable=SC2016 # the worker expands its own arguments
tr '\n' '\0' < "$list" | xargs -0 -n 8 -P "$jobs" sh -c '
	. "$0/tests/lib.sh"
	LM_TMP=$1
	shift
	for f; do
		lm_qualify "$f"
		printf "%s\t%s\t%s\n" "$LM_CLASS" "$f" "$LM_WHY" >> "$LM_TMP/results"
	done' "$top_srcdir" "$LM_TMP"

LC_ALL=C sort -t "$(printf '\t')" -k 2 -o "$results" "$results"
LM_PREFIX="$dir/" awk -F '\t' '
	BEGIN { p = ENVIRON["LM_PREFIX"] }
	$1 != "verdict" && $1 != "error" {
		f = $2
		if (index(f, p) == 1)
			f = substr(f, length(p) + 1)
		print "FAIL: " f ": " $3
	}' "$results"
[ "${LM_VERBOSE:-0}" = 1 ] && cat "$results"

count() {
	awk -F '\t' -v c="$1" '$1 == c { n++ } END { print n + 0 }' "$results"
}
verdicts=$(count verdict)
errors=$(count error)
timeouts=$(count timeout)
signals=$(count signal)
done_n=$(awk 'END { print NR }' "$results")
others=$((done_n - verdicts - errors - timeouts - signals))

echo "mime: $total files: $verdicts verdicts, $errors errors (exit 65);" \
	"$signals crashes, $timeouts timeouts, $others other failures"
# shellcheck disable=SC2034 # lm_finish reports them
LM_NPASS=$((verdicts + errors)) LM_NFAIL=$((done_n - verdicts - errors))
[ "$done_n" -eq "$total" ] ||
	lm_fail "only $done_n of $total files have a result (a worker died)"
lm_finish
