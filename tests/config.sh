#!/bin/sh
# config.sh - leadmilter -n: the start-up loader, run on good and broken
# configurations and rule files.  Broken input must be reported on stderr as
# file:line[:col]: cause with EX_CONFIG (78) for the configuration and
# EX_DATAERR (65) for the rules; good input prints nothing and exits 0.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
LEADMILTER=${LEADMILTER:-$top_builddir/milter/leadmilter}
rules=$top_srcdir/tests/milter/lead.rules

tmp=$(mktemp -d "${TMPDIR:-/tmp}/leadmilter-config.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# expect NAME RC STDERR-TEXT [ARGS...] - run leadmilter -n ARGS; want exit
# code RC and stderr containing STDERR-TEXT ("" = stderr and stdout empty)
expect() {
	name=$1 want=$2 text=$3
	shift 3
	n=$((n + 1))
	"$LEADMILTER" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $name: exit $got, want $want"; sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
	elif [ -z "$text" ] && [ -s "$tmp/err" ]; then
		echo "FAIL: $name: wanted no diagnostics, got:"; sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$tmp/err" "$tmp/out"; then
		echo "FAIL: $name: output lacks \"$text\":"; sed 's/^/    /' "$tmp/err" "$tmp/out"
		fail=$((fail + 1))
	else
		echo "PASS: $name"
	fi
}

conf() {
	printf '%s\n' "$@" >"$tmp/leadmilter.conf"
}

mkdir "$tmp/rules"
cp "$rules" "$tmp/rules/"

conf "# a comment" "" "Mode route   # and another" "SalesMailbox sales@example.org" \
    "InquiryAddresses sales@, info@example.com, /^web(form)?@/" "Rules rules"
expect "good config and rules" 0 "" -n -c "$tmp/leadmilter.conf"
if [ -s "$tmp/out" ]; then
	echo "FAIL: -n printed on success"; fail=$((fail + 1))
fi

conf "Mode annotate" "Mdoe route" "Rules rules"
expect "unknown key" 78 "$tmp/leadmilter.conf:2:1: unknown key \"Mdoe\" (did you mean Mode?)" \
    -n -c "$tmp/leadmilter.conf"

conf "Rules rules" "MaxScanSize lots"
expect "bad value" 78 "$tmp/leadmilter.conf:2:13: MaxScanSize: expected a size" \
    -n -c "$tmp/leadmilter.conf"

conf "Rules rules" "OnError pass"
expect "bad choice" 78 "$tmp/leadmilter.conf:2:9: OnError: expected accept|tempfail: \"pass\"" \
    -n -c "$tmp/leadmilter.conf"

conf "Rules rules" "DryRun yes" "dryrun no"
expect "duplicate key" 78 "$tmp/leadmilter.conf:3:1: duplicate key DryRun (first set at line 2)" \
    -n -c "$tmp/leadmilter.conf"

conf "Rules rules" "InquiryAddresses sales@, /web(/"
expect "bad inquiry regex" 78 "$tmp/leadmilter.conf:2:" -n -c "$tmp/leadmilter.conf"

expect "missing config file" 78 "$tmp/nonexistent.conf: cannot open" -n -c "$tmp/nonexistent.conf"

conf "Rules rules"
expect "bad -p socket" 78 "command line: Socket: expected" \
    -n -c "$tmp/leadmilter.conf" -p "tcp:25"

printf 'tag t1\nrule r1 sigature /quote/ tag t1\n' >"$tmp/rules/zz-broken.rules"
expect "broken rule file" 65 "$tmp/rules/zz-broken.rules:2:" -n -c "$tmp/leadmilter.conf"
rm "$tmp/rules/zz-broken.rules"

expect "rules from -r" 65 "$tmp/none.rules: " -n -c "$tmp/leadmilter.conf" -r "$tmp/none.rules"

# the sample configuration loads as shipped (rules from the test set)
expect "leadmilter.conf.sample" 0 "" -n -c "$top_srcdir/contrib/leadmilter.conf.sample" -r "$rules"

# the Sendmail snippet's socket is one leadmilter accepts
spec=$(sed -n "s/^INPUT_MAIL_FILTER(\`leadmilter', \`S=\([^,']*\).*/\1/p" \
    "$top_srcdir/contrib/sendmail/leadmilter.mc")
if [ -z "$spec" ]; then
	echo "FAIL: no S= in contrib/sendmail/leadmilter.mc"; fail=$((fail + 1))
else
	expect "sendmail .mc socket $spec" 0 "" -n -c "$tmp/leadmilter.conf" -p "$spec"
fi

expect "-V" 0 "leadmilter " -V
expect "bad flag" 64 "usage: leadmilter" -x

echo "config: $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
