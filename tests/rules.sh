#!/bin/sh
# rules.sh - the shipped rules: lint clean, their own regression cases pass,
# and the quickstart examples each get a verdict.
set -u
: "${LEADCTL:=milter/leadctl}" "${top_srcdir:=.}"
fail=0
# warnings (rules that are fallbacks and never fire on the cases) are shown, errors fail
"$LEADCTL" lint "$top_srcdir/rules" || { echo "FAIL: lint"; fail=1; }
"$LEADCTL" test "$top_srcdir/rules/tests" || { echo "FAIL: rules/tests"; fail=1; }
n=0
for f in "$top_srcdir"/rules/examples/*.eml; do
	"$LEADCTL" qualify "$f" >/dev/null || { echo "FAIL: no verdict for $f"; fail=1; }
	n=$((n + 1))
done
[ $n -ge 6 ] || { echo "FAIL: only $n examples in rules/examples"; fail=1; }
# the built-in rules are the files in rules/: same verdicts either way
a=$("$LEADCTL" qualify "$top_srcdir"/rules/examples/*.eml)
b=$("$LEADCTL" qualify -r "$top_srcdir/rules" "$top_srcdir"/rules/examples/*.eml)
[ "$a" = "$b" ] || { echo "FAIL: built-in rules differ from rules/"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: rules"
exit $fail
