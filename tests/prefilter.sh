#!/bin/sh
# prefilter.sh - the Hyperscan prefilter, its match windows, the grouping
# of list and pattern alternations, lists written once per pattern, map:
# lookups by comparison and the header fields GMime is not shown only skip
# work: every verdict, field, hit and capture is the same without them
#
# The messages: 400 generated inquiries (tests/bench/gen_msgs.py, fixed
# seed: plain, alternative, quoted-printable, base64, forms, replies,
# signatures), the rule regression cases and examples, the shared corpus
# and the external MIME corpus ($SHARED/mime, read in place).  Each set is
# qualified twice by leadctl, with and without LEADMILTER_NO_PREFILTER=1,
# and the two outputs (elapsed times left out) must be identical; so must
# a third run with LEADMILTER_PLAIN_LISTS=1 (flat list and pattern
# alternations), LEADMILTER_NO_COMPACT=1 (each use of a list written out,
# no subroutine calls), LEADMILTER_MAP_REGEX=1 (map: lookups by pattern,
# not by comparison) and LEADMILTER_ALL_HEADERS=1 (GMime sees every
# header field, msg.c).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"
: "${SHARED:=$top_srcdir/../shared}"
: "${PYTHON:=python3}"

lm_need_leadctl
lm_tmpdir
command -v "$PYTHON" >/dev/null 2>&1 || lm_skip "no $PYTHON for the message generator"

gen=$LM_TMP/gen
"$PYTHON" "$top_srcdir/tests/bench/gen_msgs.py" --seed 11 --count 400 "$gen" >/dev/null ||
	lm_die "gen_msgs.py failed"

# prefilter_run OUT [ENV=VALUE] - qualify the files listed in $LM_TMP/list
prefilter_run() {
	_out=$1
	shift
	# shellcheck disable=SC2016 # $@ is for the inner shell
	xargs -d '\n' sh -c 'exec "$@"' sh env "$@" timeout 600 "$LEADCTL" qualify --json \
		< "$LM_TMP/list" 2> "$_out.err" | sed 's/"elapsed_us":[0-9]*//' > "$_out"
}

# prefilter_compare LABEL - same output with and without, for $LM_TMP/list
prefilter_compare() {
	_label=$1
	_files=$(wc -l < "$LM_TMP/list" | tr -d ' ')
	[ "$_files" -gt 0 ] || { lm_fail "$_label: no messages"; return; }
	prefilter_run "$LM_TMP/with"
	prefilter_run "$LM_TMP/without" LEADMILTER_NO_PREFILTER=1
	prefilter_run "$LM_TMP/plain" LEADMILTER_PLAIN_LISTS=1 LEADMILTER_NO_COMPACT=1 \
		LEADMILTER_MAP_REGEX=1 LEADMILTER_ALL_HEADERS=1
	_n=$(grep -c '"decision"' "$LM_TMP/with")
	if cmp -s "$LM_TMP/with" "$LM_TMP/without" &&
	    cmp -s "$LM_TMP/with.err" "$LM_TMP/without.err"; then
		lm_pass "$_label: $_files messages, $_n verdicts, identical"
		echo "$_label: $_files messages, $_n verdicts: identical"
	else
		lm_fail "$_label: output differs with the prefilter (first difference below)"
		diff "$LM_TMP/with" "$LM_TMP/without" | head -4 | cut -c1-600
		diff "$LM_TMP/with.err" "$LM_TMP/without.err" | head -4 | cut -c1-300
	fi
	# lists grouped by first character (rules.c) match as the flat ones
	# do, and map: lookups by comparison find what the patterns find
	if cmp -s "$LM_TMP/with" "$LM_TMP/plain" &&
	    cmp -s "$LM_TMP/with.err" "$LM_TMP/plain.err"; then
		lm_pass "$_label: grouped lists, map comparisons, trimmed headers, ASCII patterns, identical"
	else
		lm_fail "$_label: output differs with flat lists, map patterns, all headers and (*UCP) (first difference below)"
		diff "$LM_TMP/with" "$LM_TMP/plain" | head -4 | cut -c1-600
	fi
	[ "$_n" -gt 0 ] || lm_fail "$_label: no verdict at all"
}

ls "$gen"/*.eml > "$LM_TMP/list"
prefilter_compare generated
ls "$top_srcdir"/rules/tests/*.eml "$top_srcdir"/rules/examples/*.eml > "$LM_TMP/list"
prefilter_compare rules
if [ -d "$SHARED/corpus" ]; then
	ls "$SHARED"/corpus/*.eml > "$LM_TMP/list"
	prefilter_compare corpus
fi
if [ -d "$SHARED/mime" ]; then
	find "$SHARED/mime" -path '*/LICENSES' -prune -o -type f -size -2048k -print |
		sort > "$LM_TMP/list"
	prefilter_compare mime
fi
lm_finish
