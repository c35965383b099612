#!/bin/sh
# corpus.sh - the shared labelled corpus must match: every decision and tag,
# criteria and fields each at least 90% (leadctl test prints the table).
set -u
: "${LEADCTL:=milter/leadctl}" "${SHARED:=../shared}"
dir=$SHARED/corpus
[ -f "$dir/expected.tsv" ] || { echo "SKIP: no $dir"; exit 77; }
out=$("$LEADCTL" test "$dir"); rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: leadctl test $dir exited $rc"; exit 1; }
# every column at least 90%
echo "$out" | awk '/^[a-z]+ +[0-9]+\/[0-9]+ +[0-9.]+%$/ {
	sub(/%/, "", $3); if ($3 + 0 < 90) { print "FAIL: " $1 " below 90%: " $3 "%"; bad = 1 } }
	END { exit bad }' || exit 1
# the Hyperscan prefilter only skips work: verdicts are the same without it
a=$("$LEADCTL" qualify --json "$dir"/*.eml | sed 's/"elapsed_us":[0-9]*//')
b=$(LEADMILTER_NO_PREFILTER=1 "$LEADCTL" qualify --json "$dir"/*.eml | sed 's/"elapsed_us":[0-9]*//')
[ "$a" = "$b" ] || { echo "FAIL: verdicts differ without the prefilter"; exit 1; }
echo "PASS: corpus (same verdicts with and without the prefilter)"
