#!/bin/sh
# run.sh - set up a fresh Debian 12 machine (as root) and run the whole suite
#
# Installs the build and test dependencies (Debian 12 packages only), builds
# with warnings as errors, and runs `make check`.  Set LM_SANITIZE=1 for an
# ASan/UBSan build, LM_VALGRIND=1 to run the engine unit tests under
# valgrind as well.  Exits with make check's status.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential autoconf automake pkg-config libmilter-dev libgmime-3.0-dev \
libpcre2-dev libsqlite3-dev sqlite3 check libxml2-dev libjansson-dev iso-codes \
miltertest postfix valgrind python3 procps swaks libhyperscan-dev \
spamassassin spamc iproute2"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "run.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Postfix asks questions on install; answer them up front.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	apt-get update -q
	apt-get install -y -q $missing
fi

jobs=$(nproc 2>/dev/null || echo 2)
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi
fi
conf="--enable-warnings=fatal"
[ "${LM_SANITIZE:-0}" = 1 ] && conf="$conf --enable-sanitizers"
if [ ! -f Makefile ] || [ "$(sed -n 's/^ac_cs_config=.\(.*\).$/\1/p' config.status 2>/dev/null)" != "'$conf'" ]; then
	./configure $conf >/dev/null
fi
make -j"$jobs"
status=0
make -j"$jobs" check || status=$?
if [ $status -ne 0 ]; then
	for f in $(find tests -name '*.log' ! -name 'test-suite.log'); do
		if grep -q '^FAIL\|^ERROR' "${f%.log}.trs" 2>/dev/null; then
			echo "==== $f"; tail -60 "$f"
		fi
	done
fi
# The engine must build and pass without Hyperscan too (configure
# --without-hyperscan): in a copy of the tracked sources, as one tree
# cannot be configured twice, with ../shared beside it as here.
# LM_NOHS=0 skips it.
if [ "${LM_NOHS:-1}" = 1 ] && [ $status -eq 0 ] && command -v git >/dev/null &&
    git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	nohs=$(mktemp -d "${TMPDIR:-/tmp}/leadmilter-nohs.XXXXXX")
	echo "run.sh: a build without Hyperscan in $nohs"
	mkdir "$nohs/main"
	[ -d ../shared ] && ln -s "$(cd ../shared && pwd)" "$nohs/shared"
	if git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$nohs/main" &&
	    (cd "$nohs/main" && autoreconf -fi >/dev/null 2>&1 &&
	     ./configure --enable-warnings=fatal --without-hyperscan >/dev/null &&
	     make -j"$jobs" milter/leadmilter milter/leadctl tests/check_engine >/dev/null &&
	     ! nm milter/leadmilter | grep -q ' hs_' &&
	     ./tests/check_engine); then
		echo "PASS: without Hyperscan: build, check_engine"
		rm -rf "$nohs"
	else
		echo "FAIL: without Hyperscan (kept in $nohs)"
		status=1
	fi
fi
if [ "${LM_VALGRIND:-0}" = 1 ] && [ $status -eq 0 ]; then
	CK_FORK=no G_SLICE=always-malloc G_DEBUG=gc-friendly \
	    valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	    --suppressions=tests/valgrind.supp -q tests/check_engine || status=$?
fi
exit $status
