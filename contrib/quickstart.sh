#!/bin/sh
# quickstart.sh - see leadmilter qualify and route mail, on a fresh Debian 12
#
# Run as root from a leadmilter source tree:
#
#     sh contrib/quickstart.sh
#
# It does four things and then cleans up after itself:
#
#   1. installs the Debian packages leadmilter needs to build and run
#      (apt-get; Postfix is installed with "No configuration", so the
#      system's own mail setup is neither changed nor started);
#   2. builds leadmilter and leadctl in this tree (autoreconf, configure,
#      make);
#   3. asks leadctl what it thinks of every example in rules/examples:
#      decision, the four criteria and the total, tags, the reason for an
#      archive decision, and the company, title and country it found;
#   4. starts a throwaway Postfix listening on 127.0.0.1 only, with its own
#      configuration and queue under a temporary directory, puts leadmilter
#      in front of it (Mode route, the built-in rules), sends every example
#      to it by SMTP and shows which mailbox each one landed in, with the
#      X-Lead-* headers leadmilter added.
#
# Then Postfix and leadmilter are stopped and the temporary directory is
# removed, whatever happened.  Nothing is sent off this machine.
#
# Options:
#   --no-install   do not run apt-get (the packages are already there)
#   --no-build     use the leadmilter and leadctl already built here
#   --mail DIR     qualify and send DIR/*.eml instead of rules/examples
#   --keep         keep the temporary Postfix directory to look around
#   -h, --help     this text
#
# To put leadmilter in front of your real Postfix afterwards, see
# contrib/postfix/main.cf.snippet, leadmilter.conf(5) and leadmilter(8).
set -u

cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
install=1
build=1
maildir=$top/rules/examples
E2E_KEEP=0

while [ $# -gt 0 ]; do
	case $1 in
	--no-install) install=0 ;;
	--no-build) build=0 ;;
	--keep) E2E_KEEP=1 ;;
	--mail)
		[ $# -ge 2 ] || { echo "quickstart: --mail needs a directory" >&2; exit 64; }
		maildir=$(cd "$2" && pwd) || exit 66
		shift
		;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "quickstart: unknown option $1 (try --help)" >&2; exit 64 ;;
	esac
	shift
done

# say - a step heading
say() {
	printf '\n==> %s\n' "$*"
}
# note - an indented line
note() {
	printf '    %s\n' "$*"
}
# die - stop with a message
die() {
	printf '\nquickstart: %s\n' "$*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "please run me as root: I install packages and start a Postfix"

#
# 1. packages
#
PKGS="build-essential autoconf automake pkg-config libmilter-dev libgmime-3.0-dev \
libpcre2-dev libsqlite3-dev check libxml2-dev libjansson-dev iso-codes postfix \
swaks python3 iproute2"
if [ $install = 1 ]; then
	say "1/4  Debian packages"
	missing=
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		    missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		note "all there already"
	else
		note "installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		# Postfix asks how to set itself up; "No configuration" leaves
		# this machine's mail alone (we run our own instance below).
		echo "postfix postfix/main_mailer_type select No configuration" |
		    debconf-set-selections
		apt-get update -q >/tmp/leadmilter-quickstart-apt.log 2>&1 &&
		    apt-get install -y -q $missing >>/tmp/leadmilter-quickstart-apt.log 2>&1 ||
		    { tail -20 /tmp/leadmilter-quickstart-apt.log >&2
		      die "apt-get failed (full log: /tmp/leadmilter-quickstart-apt.log)"; }
		note "done"
	fi
else
	say "1/4  Debian packages: skipped (--no-install)"
fi

#
# 2. build
#
LEADMILTER=$top/milter/leadmilter
LEADCTL=$top/milter/leadctl
if [ $build = 1 ]; then
	say "2/4  Building leadmilter (log: /tmp/leadmilter-quickstart-build.log)"
	log=/tmp/leadmilter-quickstart-build.log
	: >"$log"
	if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
		note "autoreconf -fi"
		autoreconf -fi >>"$log" 2>&1 || { tail -20 "$log" >&2; die "autoreconf failed"; }
	fi
	if [ ! -f Makefile ] || [ configure -nt config.status ]; then
		note "./configure"
		./configure >>"$log" 2>&1 || { tail -20 "$log" >&2; die "configure failed"; }
	fi
	note "make -j$(nproc 2>/dev/null || echo 2)"
	make -j"$(nproc 2>/dev/null || echo 2)" >>"$log" 2>&1 || { tail -30 "$log" >&2; die "make failed"; }
	note "built $LEADMILTER and $LEADCTL"
else
	say "2/4  Build: skipped (--no-build)"
fi
[ -x "$LEADMILTER" ] && [ -x "$LEADCTL" ] || die "no $LEADMILTER or $LEADCTL: build first"

set -- "$maildir"/*.eml
[ -f "$1" ] || die "no .eml files in $maildir"
count=$#

#
# 3. leadctl
#
say "3/4  What leadctl says about the $count messages in ${maildir#"$top"/}"
note "(one line each: file, decision, need/timeframe/authority/profile=total,"
note " tags, reason, company, title, country; leadctl explain FILE says why)"
echo
(cd "$maildir" && "$LEADCTL" qualify *.eml) | sed 's/^/    /' ||
    die "leadctl qualify failed"

#
# 4. a real Postfix with leadmilter in front
#
E2E_LIBDIR=$top/tests/e2e
. "$E2E_LIBDIR/lib.sh"
why=$(e2e_can_run) || die "cannot start a test Postfix: $why"
e2e_have_python || die "no python3 (apt-get install python3)"
DOMAIN=example-msp.com
e2e_add_dests "$top/rules"
e2e_init
say "4/4  The same messages through Postfix on 127.0.0.1:$E2E_PORT"
note "throwaway Postfix in $E2E_DIR (removed at the end)"
e2e_postfix_configure
e2e_postfix_start
note "Postfix is up: smtpd_milters = unix:$E2E_SOCK, milter_default_action = accept"
e2e_milter_config "$E2E_DIR/leadmilter.conf" \
	Mode route \
	InquiryAddresses "sales@, info@, webform@" \
	SalesMailbox "sales@$DOMAIN" \
	NurtureMailbox "nurture@$DOMAIN" \
	ArchiveMailbox "archive@$DOMAIN" \
	StoreFile "$E2E_DIR/leadmilter.db"
note "leadmilter config ($E2E_DIR/leadmilter.conf):"
grep -v '^#' "$E2E_DIR/leadmilter.conf" | sed 's/^/        /'
e2e_milter_start "$E2E_DIR/leadmilter.conf"
note "leadmilter is up (pid $E2E_MILTER_PID); sending $count messages by SMTP..."
e2e_send "$@" >"$E2E_DIR/sent.txt" || die "sending failed (see above)"
e2e_wait_queue 120 || die "Postfix did not deliver everything within 120 s"
echo
while read -r _ file msgid; do
	printf '    %s\n' "${file##*/}"
	e2e_show "$msgid" | sed 's/^/    /'
done <"$E2E_DIR/sent.txt"

echo
note "Mailboxes:"
e2e_index | awk -F'\t' '{ print $1 }' | sort | uniq -c |
    awk '{ printf "        %-32s %d message%s\n", $2, $1, $1 == 1 ? "" : "s" }'
echo
note "What leadmilter logged, one line per message (to syslog in production;"
note "here the first three):"
grep ' msgid=' "$E2E_MILTER_LOG" | head -3 | while IFS= read -r line; do
	printf '%s\n' "$line" | fold -s -w 92 | sed '1s/^/      * /; 2,$s/^/          /'
done

say "Done"
note "Next: add contrib/postfix/main.cf.snippet to your Postfix main.cf, copy"
note "contrib/leadmilter.conf.sample to /etc/leadmilter/leadmilter.conf, and"
note "start with DryRun yes: leadmilter then only adds one X-Lead-DryRun header."
note "Tune the rules in rules/ (rules/README.md); check them with"
note "leadctl lint and leadctl test rules/tests, reload with kill -USR1."
echo
# the EXIT trap set by e2e_init stops leadmilter and Postfix and cleans up
exit 0
