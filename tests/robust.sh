#!/bin/sh
# robust.sh - hostile and oversized input: leadctl answers, never crashes
#
# Generates each input in a temporary directory (removed on exit) and runs
# "leadctl qualify FILE" on it under timeout: a verdict line (exit 0) or a
# clean "FILE: cause" error (exit 65) passes; a signal, exit >= 128, any
# other status, a timeout or a sanitizer report fails.  Inputs: a 1 MB
# message, 500 MIME parts, an empty file, 64 KB of random bytes (fixed
# seed), 40 levels of nested multipart, a 100 KB header line, invalid UTF-8
# in a body declared UTF-8, NUL bytes in headers and body, and a few more
# (1 MB line without a newline, 5,000 header lines, unterminated multipart,
# broken base64 and quoted-printable, bare CR line ends, a header block with
# no body).  The generators use awk with LC_ALL=C, so every run sees the
# same bytes on mawk or gawk.
# shellcheck disable=SC2317 # the generators are called as "gen_$name"
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# shellcheck source=tests/lib.sh
. "$top_srcdir/tests/lib.sh"

lm_need_leadctl
lm_tmpdir
LC_ALL=C
export LC_ALL

# hdr - the headers every generated message starts with (no blank line)
hdr() {
	printf 'From: Robust Test <robust@example.com>\n'
	printf 'To: sales@example.org\n'
	printf 'Subject: %s\n' "$1"
	printf 'Date: Mon, 24 Nov 2025 10:00:00 +0000\n'
	printf 'Message-ID: <%s@robust.example.com>\n' "$1"
	printf 'MIME-Version: 1.0\n'
}

# gen_big - a plain message of a little over 1 MB
gen_big() {
	hdr big
	printf 'Content-Type: text/plain; charset=utf-8\n\n'
	awk 'BEGIN { for (i = 0; i < 15000; i++)
		printf "Line %05d: we are a law firm with 45 staff and need managed IT support.\n", i }'
}

# gen_parts - multipart/mixed with 500 parts
gen_parts() {
	hdr parts500
	printf 'Content-Type: multipart/mixed; boundary="p500"\n\n'
	awk 'BEGIN { for (i = 1; i <= 500; i++) {
		printf "--p500\nContent-Type: text/plain; charset=us-ascii\n\n"
		printf "Part %d: budget $%d,000, 120 staff, Germany.\n", i, i
	} printf "--p500--\n" }'
}

# gen_random - 64 KB of bytes from a fixed-seed Park-Miller generator
gen_random() {
	awk 'BEGIN { x = 20251124
		for (i = 0; i < 65536; i++) {
			x = (x * 16807) % 2147483647	# exact in a double
			printf "%c", x % 256
		} }'
}

# gen_nested - 40 levels of multipart/mixed, text/plain at the bottom
gen_nested() {
	hdr nested40
	printf 'Content-Type: multipart/mixed; boundary="n1"\n\n'
	awk 'BEGIN { d = 40
		for (i = 1; i < d; i++)
			printf "--n%d\nContent-Type: multipart/mixed; boundary=\"n%d\"\n\n", i, i + 1
		printf "--n%d\nContent-Type: text/plain\n\nWe need a quote for 50 laptops.\n", d
		for (i = d; i >= 1; i--)
			printf "--n%d--\n", i
	}'
}

# gen_longheader - one unfolded header line of 100 KB
gen_longheader() {
	hdr longheader
	awk 'BEGIN { printf "X-Long: "; for (i = 0; i < 102400; i++) printf "a"; printf "\n" }'
	printf 'Content-Type: text/plain\n\nShort body.\n'
}

# gen_badutf8 - a body declared UTF-8 that is not
gen_badutf8() {
	hdr badutf8
	printf 'Content-Type: text/plain; charset=utf-8\n'
	printf 'Content-Transfer-Encoding: 8bit\n\n'
	# truncated, overlong, surrogate, out of range, lone continuation
	printf 'Company: Acme \303\n'
	printf 'Country: Germ\300\257any \355\240\200\n'
	printf 'Employees: 1\342\202 500 \364\220\200\200\n'
	printf 'Budget: \200\201\376\377 40 000 \342\202\254\n'
	printf 'Name: \360\237\230\n'
}

# gen_nul - NUL bytes in a header and in the body
gen_nul() {
	printf 'From: Nul\000Test <nul@example.com>\n'
	printf 'To: sales@example.org\nSubject: nul\000bytes\n'
	printf 'Content-Type: text/plain\n\n'
	printf 'Company: Acme\000GmbH\nEmployees: 1\0000\n\000\000\000\n'
}

# gen_oneline - 1 MB body on one line, no newline at the end
gen_oneline() {
	hdr oneline
	printf 'Content-Type: text/plain\n\n'
	awk 'BEGIN { for (i = 0; i < 18725; i++)
		printf "need a quote for managed IT support for 120 staff asap. " }'
}

# gen_manyheaders - 5,000 header lines
gen_manyheaders() {
	hdr manyheaders
	awk 'BEGIN { for (i = 0; i < 5000; i++) printf "X-H%d: value %d\n", i, i }'
	printf 'Content-Type: text/plain\n\nBody.\n'
}

# gen_unterminated - a multipart that never closes, a boundary never used
gen_unterminated() {
	hdr unterminated
	printf 'Content-Type: multipart/alternative; boundary="open"\n\n'
	printf -- '--open\nContent-Type: text/plain\n\nFirst part.\n'
	printf -- '--open\nContent-Type: multipart/mixed; boundary="never"\n\n'
	printf 'No part here.\n'
}

# gen_badencoding - broken base64 and quoted-printable, unknown charset
gen_badencoding() {
	hdr badencoding
	printf 'Content-Type: multipart/mixed; boundary="b"\n\n'
	printf -- '--b\nContent-Type: text/plain; charset=x-no-such-charset\n'
	printf 'Content-Transfer-Encoding: base64\n\n!!!not*base64===\n\n'
	printf -- '--b\nContent-Type: text/html; charset=utf-8\n'
	printf 'Content-Transfer-Encoding: quoted-printable\n\n<p>=ZZ=\n=E2=8=\n'
	printf -- '--b\nContent-Type: text/plain\nContent-Transfer-Encoding: x-bogus\n\nHi\n'
	printf -- '--b--\n'
}

# gen_cr - bare CR line ends
gen_cr() {
	printf 'From: cr@example.com\rSubject: cr\rContent-Type: text/plain\r\rBody\r'
}

# gen_headersonly - headers and no body, not even the blank line
gen_headersonly() {
	hdr headersonly
}

# case_run - generate NAME with gen_NAME, check its size if given, qualify it
case_run() {
	name=$1
	f=$LM_TMP/$name.eml
	"gen_$name" > "$f" || lm_die "generator gen_$name failed"
	if [ $# -ge 2 ]; then
		size=$(wc -c < "$f" | tr -d ' ')
		[ "$size" -ge "$2" ] ||
			lm_die "gen_$name made $size bytes, want at least $2"
	fi
	lm_check_qualify "$f" "$name"
	report "$name"
}

# report - say what leadctl did with a passing input (lm_fail said the rest)
report() {
	case $LM_CLASS in
	verdict) echo "$1: verdict: $(head -c 120 "$LM_OUTF")" ;;
	error) echo "$1: error: $(head -n 1 "$LM_ERRF" | head -c 120)" ;;
	esac
}

: > "$LM_TMP/empty.eml"
lm_check_qualify "$LM_TMP/empty.eml" empty
report empty

case_run big 1048576
case_run parts 20000
case_run random 65536
lm_assert_file_size "$LM_TMP/random.eml" 65536
case_run nested
case_run longheader 102400
case_run badutf8
case_run nul
case_run oneline 1048576
case_run manyheaders
case_run unterminated
case_run badencoding
case_run cr
case_run headersonly

lm_finish
