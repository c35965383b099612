#!/bin/sh
# store.sh - the leadctl store commands on a real SQLite file: feedback (by
# words and by a rep's mail), report (text, CSV, HTML), export (CSV, JSON),
# prospect, forget and purge, with their exit codes.
#
# The fixture is written with the sqlite3 shell as a schema-version-1 file
# (the layout v1 shipped with, frozen here like in check_store.c), so the
# first leadctl command also migrates it; rule hits go in afterwards.
# Values come from mail, so the fixture carries hostile ones: a CSV formula,
# HTML markup, a quote and a comma.  Needs sqlite3(1); python3 (if there)
# checks that the CSV and JSON parse.  Exit: 0 pass, 1 fail, 77 skip.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"

lm_need_leadctl
command -v sqlite3 >/dev/null 2>&1 || lm_skip "no sqlite3 shell (apt-get install sqlite3)"
lm_tmpdir
db=$LM_TMP/leads.db
out=$LM_TMP/out
err=$LM_TMP/err
now=$(date +%s)
recent=$((now - 86400))

# run RC NAME ARGS... - run leadctl, expect exit code RC
run() {
	want=$1 name=$2
	shift 2
	timeout "$LM_TIMEOUT" "$LEADCTL" "$@" >"$out" 2>"$err"
	got=$?
	if [ "$got" = "$want" ]; then
		lm_pass "$name"
	else
		lm_fail "$name: exit $got, want $want; stderr: $(head -c 300 "$err")"
	fi
}

# has NAME TEXT - stdout of the last run contains TEXT
has() {
	if grep -qF -- "$2" "$out"; then
		lm_pass "$1"
	else
		lm_fail "$1: output lacks '$2': $(head -c 400 "$out")"
	fi
}

# hasnt NAME TEXT - stdout of the last run does not contain TEXT
hasnt() {
	if grep -qF -- "$2" "$out"; then
		lm_fail "$1: output has '$2'"
	else
		lm_pass "$1"
	fi
}

run 66 "missing store" report -d "$LM_TMP/none.db"
[ -e "$LM_TMP/none.db" ] && lm_fail "leadctl created a store" || lm_pass "no store created"

sqlite3 "$db" >/dev/null <<EOF || lm_die "cannot write the fixture"
PRAGMA application_id = 1279607108;
CREATE TABLE prospect (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,
 domain TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
CREATE INDEX prospect_domain ON prospect(domain);
CREATE TABLE inquiry (id INTEGER PRIMARY KEY,
 lead_id TEXT NOT NULL UNIQUE COLLATE NOCASE,
 prospect_id INTEGER REFERENCES prospect(id) ON DELETE SET NULL,
 message_id TEXT NOT NULL, received INTEGER NOT NULL, rcpt TEXT NOT NULL,
 source TEXT NOT NULL, decision TEXT NOT NULL, disqualifier TEXT,
 total INTEGER NOT NULL, scores TEXT NOT NULL, subject TEXT);
CREATE INDEX inquiry_prospect ON inquiry(prospect_id, received);
CREATE INDEX inquiry_received ON inquiry(received);
CREATE TABLE tag (inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,
 tag TEXT NOT NULL, PRIMARY KEY (inquiry_id, tag)) WITHOUT ROWID;
CREATE TABLE fact (inquiry_id INTEGER NOT NULL REFERENCES inquiry(id) ON DELETE CASCADE,
 seq INTEGER NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, origin TEXT NOT NULL,
 rule TEXT NOT NULL, PRIMARY KEY (inquiry_id, seq)) WITHOUT ROWID;
PRAGMA journal_mode = WAL;
PRAGMA user_version = 1;
INSERT INTO prospect VALUES (1, 'ann@acme.example', 'acme.example', 1698796800, $recent);
INSERT INTO prospect VALUES (2, 'bob@beta.example', 'beta.example', $recent, $recent);
INSERT INTO prospect VALUES (3, 'carol@gmail.com', 'gmail.com', 1698796800, 1698796800);
INSERT INTO inquiry VALUES (1, 'L00000000000000a1', 1, 'a1@mx', 1698796800,
 'sales-inquiry@example.org', 'web-form', 'nurture', NULL, 7,
 'need=2 timeframe=1 authority=3 profile=1', 'Questions');
INSERT INTO inquiry VALUES (2, 'L00000000000000a2', 1, 'a2@mx', $recent,
 'sales-inquiry@example.org', 'web-form', 'sales', NULL, 11,
 'need=3 timeframe=3 authority=3 profile=2', 'Proposal please');
INSERT INTO inquiry VALUES (3, 'L00000000000000b1', 2, 'b1@mx', $recent,
 'sales-inquiry@example.org', 'webinar <script>alert(1)</script>', 'sales', NULL, 9,
 'need=3', 'Quote');
INSERT INTO inquiry VALUES (4, 'L00000000000000c1', 3, 'c1@mx', 1698796800,
 'sales-inquiry@example.org', 'web-form', 'archive', 'student', 5, 'need=1', 'Thesis');
INSERT INTO tag VALUES (2, 'hand-raiser'), (2, 'repeat'), (3, 'rfp');
INSERT INTO fact VALUES (1, 0, 'name', 'Ann Example', 'signature', 'sig-name');
INSERT INTO fact VALUES (1, 1, 'company', 'Acme GmbH', 'signature', 'sig-company');
INSERT INTO fact VALUES (1, 2, 'title', 'IT manager', 'signature', 'sig-title');
INSERT INTO fact VALUES (2, 0, 'title', 'CIO', 'signature', 'sig-title');
INSERT INTO fact VALUES (2, 1, 'phone', '+49 30 1234', 'signature', 'sig-phone');
INSERT INTO fact VALUES (2, 2, 'country', 'DE', 'header', 'country-tld');
INSERT INTO fact VALUES (2, 3, 'employees', '51-200', 'body', 'size');
INSERT INTO fact VALUES (2, 4, 'industry', 'manufacturing', 'body', 'industry');
INSERT INTO fact VALUES (3, 0, 'name', 'O''Neil, Bob "B"', 'from', 'from-name');
INSERT INTO fact VALUES (3, 1, 'company', '=HYPERLINK("http://evil.example","x")', 'signature', 'sig-company');
EOF

# The first command migrates the file to the current schema.
run 0 "prospect (migrates v1)" prospect -d "$db" ann@acme.example
has "prospect shows the lead id" "L00000000000000a2"
has "prospect shows where a fact was seen" "Acme GmbH  (signature, rule sig-company)"
lm_assert_eq "$(sqlite3 "$db" 'PRAGMA user_version')" 2 "schema version after migration"
sqlite3 "$db" "INSERT INTO rule VALUES (1, 'need-proposal'), (2, 'title-dm');
INSERT INTO hit VALUES (2, 1), (2, 2), (3, 1), (1, 2);" || lm_die "cannot add hits"

run 0 "prospect json" prospect -d "$db" --format json ann@acme.example
has "prospect json has facts" '"where": "signature"'
run 65 "prospect unknown" prospect -d "$db" nobody@example.org
run 64 "prospect usage" prospect -d "$db"

# Feedback by words.
run 0 "feedback accepted" feedback -d "$db" L00000000000000a2 accepted great fit
has "feedback echoes" "L00000000000000a2: accepted: great fit"
run 0 "feedback case-insensitive id" feedback -d "$db" l00000000000000A2 accepted great fit
run 65 "feedback unknown lead" feedback -d "$db" L0000000000000fff rejected
run 64 "feedback bad word" feedback -d "$db" L00000000000000a2 maybe
lm_assert_eq "$(sqlite3 "$db" 'SELECT accepted || reason FROM feedback')" "1great fit" "feedback stored"

# Feedback by a rep's mail on stdin.
cat >"$LM_TMP/reply.eml" <<'EOF'
From: rep@example.org
To: feedback@example.org
Subject: Re: Quote

Rejected - Student project, no budget

On Tue, 14 Nov 2023, Bob wrote:
> X-Lead-Id: L00000000000000b1
> we need a quote
EOF
run 0 "feedback -m" feedback -d "$db" -m <"$LM_TMP/reply.eml"
has "feedback -m echoes" "L00000000000000b1: rejected: Student project, no budget"
printf 'From: rep@example.org\nSubject: hi\n\nthanks\n' >"$LM_TMP/bad.eml"
run 65 "feedback -m without lead id" feedback -d "$db" -m "$LM_TMP/bad.eml"

# Reports.
run 0 "report text" report -d "$db"
has "report: inquiries" "inquiries 4: sales 2, nurture 1, archive 1"
has "report: feedback" "sales feedback: 1 accepted, 1 rejected (acceptance 50%)"
has "report: hand-raisers" "nurtured prospects 1, came back as hand-raisers 1 (100%)"
has "report: rule row" "need-proposal"
has "report: reason" "student project, no budget"
hasnt "report: no raw escape" "$(printf '\033')"
run 0 "report since" report -d "$db" --since "$(date -u -d "@$((now - 30 * 86400))" +%Y-%m-%d)"
has "report since: recent only" "inquiries 2: sales 2"
run 64 "report bad date" report -d "$db" --since yesterday
run 64 "report bad format" report -d "$db" --format pdf

run 0 "report csv" report -d "$db" --format csv
lm_assert_eq "$(head -n 1 "$out")" "$(printf 'section,name,inquiries,sales,nurture,archive,accepted,rejected,acceptance_rate\r')" "report csv header"
has "report csv: source row" "$(printf 'source,web-form,3,1,1,1,1,0,1.00\r')"
has "report csv: rule row" "$(printf 'rule,need-proposal,2,2,0,0,1,1,0.50\r')"
has "report csv: hand-raisers" "hand-raisers,came back to sales,1"

run 0 "report html" report -d "$db" --format html
has "html: a document" "<!DOCTYPE html>"
has "html: a chart" "<svg viewBox="
has "html: escaped markup" "webinar &lt;script&gt;"
hasnt "html: no markup from mail" "<script"
for pat in ' src=' ' href=' 'url(' '@import' '<link' '<img' '<iframe'; do
	hasnt "html: self-contained ($pat)" "$pat"
done

# Export.
run 0 "export csv" export -d "$db"
lm_assert_eq "$(head -n 1 "$out")" "$(printf 'First Name,Last Name,Email,Company,Title,Phone,Country,No. of Employees,Lead Source,Lead Status,Rating,Score,Description\r')" "export csv header"
has "export: ann" "Ann,Example,ann@acme.example,Acme GmbH,CIO,+49 30 1234,DE,125,web-form,Working - Contacted,Hot,11,"
has "export: formula defused" "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""
has "export: last, first" "\"Bob \"\"B\"\"\",O'Neil"
has "export: missing company" "carol@gmail.com,[not provided]"
has "export: rejected status" "Closed - Not Converted,Hot,9"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$out" <<'EOF' && lm_pass "export csv parses" || lm_fail "export csv does not parse as RFC 4180"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 3, rows
ann = [r for r in rows if r["Email"] == "ann@acme.example"][0]
assert ann["No. of Employees"] == "125" and ann["Score"] == "11", ann
assert "industry: manufacturing" in ann["Description"], ann
EOF
fi
run 0 "export json" export -d "$db" --format json
if command -v python3 >/dev/null 2>&1; then
	python3 - "$out" <<'EOF' && lm_pass "export json parses" || lm_fail "export json is wrong"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
assert len(rows) == 3, rows
bob = [r for r in rows if r["Email"] == "bob@beta.example"][0]
assert bob["Company"] == '=HYPERLINK("http://evil.example","x")', bob
assert bob["Score"] == 9 and bob["No. of Employees"] is None, bob
assert list(rows[0].keys())[:3] == ["First Name", "Last Name", "Email"], rows[0]
EOF
fi
run 0 "export since" export -d "$db" --since "$(date -u -d "@$((now - 30 * 86400))" +%Y-%m-%d)" --decision sales
lm_assert_eq "$(wc -l <"$out" | tr -d ' ')" 3 "export since: header and two leads"
hasnt "export since: no carol" "carol@gmail.com"

# Forget and purge.
run 0 "forget" forget -d "$db" ANN@acme.example
has "forget says so" "forgot ANN@acme.example"
run 65 "forgotten prospect" prospect -d "$db" ann@acme.example
run 0 "forget again" forget -d "$db" ann@acme.example
has "forget again: nothing" "nothing stored about"
lm_assert_eq "$(sqlite3 "$db" "SELECT count(*) FROM fact WHERE value LIKE '%Ann%' OR value = 'CIO'")" 0 "ann's facts gone"
lm_assert_eq "$(sqlite3 "$db" "SELECT count(*) FROM inquiry")" 4 "inquiries kept for the counts"
run 0 "report after forget" report -d "$db"
has "report after forget: same counts" "inquiries 4: sales 2, nurture 1, archive 1"

run 64 "purge without retention" purge -d "$db"
run 0 "purge 30 days" purge -d "$db" -r 30
has "purge counts" "purged: 1 inquiries"
run 65 "purged prospect" prospect -d "$db" carol@gmail.com
run 0 "bob is recent" prospect -d "$db" bob@beta.example

lm_finish
