#!/usr/bin/env python3
"""gen_rules - write a reproducible rule set of N extraction rules

Usage: gen_rules.py [--seed N] --count N OUTDIR

Writes OUTDIR/bench.rules and OUTDIR/lists/*.list: the declarations a set
needs (criteria, fields, tags, disqualifiers, decisions, a short policy) and
N rules shaped like the ones marketing writes (rules/README.md): keyword
alternations that raise a criterion, phrases with a bounded gap, labelled
form fields and signature titles captured into fields, sizes and budgets
with numbers, subject tags, %{list} lookups and disqualifier cues.  Words
come from a business/IT vocabulary that the generated messages
(tests/bench/gen_msgs.py) use, and from made-up product names that they do
not.  The first 100 rules draw a common word 70% of the time; after that
the chance falls as 100/i, because a set grows by adding rarer, more
specific terms (products, competitors, places, titles), so that most of a
big set's rules match no given message, as in real sets.  (On the 2,000
generated messages: 100 rules -> about 14 matches per message, 400 -> 30,
1,600 -> 45; bench_engine -P prints the figure for each run.)  The same
seed gives the same files, and the first 100 rules of a 400-rule set are
those of the 100-rule set.
"""
import argparse
import os
import random
import sys

WORDS = """
accounting acquisition active directory adoption advisory agent alerting
analytics antivirus appliance application approval architecture archive
assessment asset audit authentication automation availability azure backup
bandwidth baseline billing breach browser budget bundle cabling calendar
capacity certificate change channel checklist cisco citrix classification
clinic cloud cluster colocation compliance compromise configuration connector
consolidation consultant continuity contract controller copier crm cyber
database datacenter decommission deployment desktop device dialer directory
disaster discovery domain downtime dropbox edr email encryption endpoint
enrollment erp escalation exchange exposure extranet failover fax fiber
filter firewall firmware forensics fortinet framework gateway gdpr governance
gpo hardening hardware helpdesk hipaa hosting hybrid identity imaging
incident infrastructure insider insurance intranet intrusion inventory ipsec
iso kiosk laptop latency lease licensing lifecycle logging macbook malware
managed mdm meraki microsoft migration mobile monitoring mfa nas netflix
network notebook office onboarding onedrive onsite outage outsourcing
password patching payroll pbx penetration perimeter phishing phone planner
platform policy portal printer privacy procurement provisioning proxy
quickbooks ransomware recovery redundancy refresh remediation remote renewal
replication reporting resilience retention risk roadmap router saas sandbox
scanner server sharepoint siem sla snapshot soc sonicwall spam storage
subscription support switch teams telephony tenant threat ticketing token
training tunnel ubiquiti upgrade uptime usb vendor veeam virtualization
visibility vlan voip vpn vulnerability wan warranty webex wifi windows
wireless workstation zero-trust zoom
""".split()
STEMS = ["nex", "vor", "tal", "zen", "qua", "lum", "bri", "cor", "dex", "fal",
         "gri", "hol", "kin", "mar", "nov", "pra", "rel", "sol", "tri", "vex"]
ENDS = ["tron", "ware", "sys", "link", "guard", "cloud", "desk", "point", "net", "soft"]
LABELS = ["Company", "Company name", "Organisation", "Organization", "Firma",
          "Business name", "Employer", "Practice", "School", "Account"]
SIZE_WORDS = ["staff", "employees", "people", "users", "seats", "workstations",
              "Mitarbeiter", "salaries", "endpoints", "team members"]
TITLE_HEADS = ["Director", "Manager", "Head", "Officer", "Lead", "Coordinator",
               "Administrator", "Partner", "President", "Owner"]
TITLE_AREAS = ["IT", "Operations", "Technology", "Finance", "Security", "Facilities",
               "Compliance", "Infrastructure", "Procurement", "Administration"]
CRITS = ["need", "timeframe", "authority", "profile"]
TAGS = ["rfp", "price-shopper", "outsourcing-now", "urgent-incident", "compliance-driven"]
DISQS = ["job-applicant", "vendor-solicitation", "student", "home-user", "not-offered"]
CATALOGS = 8     # lists of product names for the rare list rules
FIELDS = [("company", "text"), ("title", "text"), ("employees", "employees"),
          ("country", "country"), ("phone", "phone"), ("budget", "money"),
          ("industry", "map:industries"), ("product", "lower"), ("email", "email"),
          ("name", "name")]


def pseudo(r):
    """pseudo - a made-up product name, so large sets are not all real words"""
    return r.choice(STEMS) + r.choice(ENDS) + (str(r.randint(2, 99)) if r.random() < 0.3 else "")


def alt(words):
    return "(?:" + "|".join(words) + ")"


def common(i):
    """common - how likely rule i draws a word the messages contain: 0.7
    for the first 100 rules, then falling as 1/i: a set grows by adding
    rarer, more specific terms (products, competitors, places), so most of
    a big set's rules match no given message, as in real sets"""
    return 0.7 if i < 100 else 0.7 * 100 / (i + 1)


def rule(r, i):
    """rule - the i-th rule; its shape cycles so every size has the same mix"""
    name = "r%04d" % i
    shape = i % 10
    p = common(i)

    def w(k):
        return [r.choice(WORDS) if r.random() < p else pseudo(r) for _ in range(k)]

    def pick(pool, k):
        return [x if r.random() < p else pseudo(r).title() for x in r.sample(pool, k)]

    crit = r.choice(CRITS)
    lvl = r.randint(2, 3)
    if shape in (0, 1, 2):
        return "rule %s-kw body,signature /\\b%s\\b/ raise %s %d" % (
            name, alt(sorted(set(w(r.randint(2, 6))))), crit, lvl)
    if shape == 3:
        return ("rule %s-phrase body /\\b(?:need|want|looking for|interested in|require)\\b"
                "[^.\\n]{0,40}\\b%s\\b/ raise %s %d" % (name, alt(w(3)), crit, lvl))
    if shape == 4:
        lab = alt(sorted(set(pick(LABELS, 3))))
        return ("rule %s-field form,body /^%s\\s*:\\s*(?<company>[^\\n]{2,80})$/ set company"
                % (name, lab))
    if shape == 5:
        return ("rule %s-title signature /^(?<title>(?:Senior |Chief |Deputy )?(?:%s) (?:of )?"
                "%s)$/ set title raise authority %d" % (
                    name, "|".join(pick(TITLE_HEADS, 3)), alt(pick(TITLE_AREAS, 3)), lvl))
    if shape == 6:
        return ("rule %s-size body,form /(?<employees>\\d[\\d,]*(?:\\s*-\\s*\\d[\\d,]*)?)\\s+"
                "(?:%s)\\b/ set employees raise profile 2" % (name, "|".join(pick(SIZE_WORDS, 3))))
    if shape == 7:
        return "rule %s-subj subject /\\b%s\\b/ tag %s" % (
            name, alt(sorted(set(w(3)))), r.choice(TAGS))
    if shape == 8:
        lists = ["services", "industries", "timeframes"]
        if r.random() >= p:
            lists = ["catalog-%d" % k for k in range(CATALOGS)]
        return ("rule %s-list all /\\b%%{%s}\\b/ raise %s %d" % (name, r.choice(lists), crit, lvl))
    return "rule %s-disq body /\\b%s\\b[^\\n]{0,60}\\b%s\\b/ disqualify %s" % (
        name, alt(w(2)), alt(w(2)), r.choice(DISQS))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("outdir")
    a = ap.parse_args()
    os.makedirs(os.path.join(a.outdir, "lists"), exist_ok=True)
    lists = {
        "services": ["managed IT", "IT support", "helpdesk", "penetration test", "pen test",
                     "SOC 2", "HIPAA", "ISO 27001", "Microsoft 365", "Azure", "AWS",
                     "backup", "disaster recovery", "firewall", "endpoint protection"],
        "industries": ["healthcare => healthcare", "clinic => healthcare",
                       "law firm => legal", "solicitors => legal", "insurance => finance",
                       "accounting => finance", "CPA => finance", "manufacturing => manufacturing",
                       "logistics => logistics", "freight => logistics",
                       "school district => education"],
        "timeframes": ["ASAP", "urgent", "this month", "this quarter", "within 30 days",
                       "within 60 days", "within 90 days", "next year", "next budget cycle"],
    }
    cat = random.Random(a.seed + 1000)
    for k in range(CATALOGS):
        lists["catalog-%d" % k] = sorted(set(pseudo(cat).title() for _ in range(40)))
    for name, entries in lists.items():
        with open(os.path.join(a.outdir, "lists", name + ".list"), "w") as f:
            f.write("# generated by gen_rules.py\n" + "\n".join(entries) + "\n")
    r = random.Random(a.seed)
    out = ["# generated by gen_rules.py --seed %d --count %d: benchmark rules, not a policy"
           % (a.seed, a.count)]
    out += ["list %s lists/%s.list" % (n, n) for n in lists]
    out += ["criterion %s" % c for c in CRITS]
    out += ["field %s %s" % f for f in FIELDS]
    out += ["tag %s" % t for t in TAGS]
    out += ["disqualifier %s" % d for d in DISQS]
    out += ["decision sales", "decision nurture", "decision archive"]
    for i in range(a.count):
        out.append(rule(r, i))
    out += ["when disqualified => decide archive",
            "when total >= 8 => decide sales",
            "when always => decide nurture"]
    with open(os.path.join(a.outdir, "bench.rules"), "w") as f:
        f.write("\n".join(out) + "\n")
    print("gen_rules.py seed=%d: %d rules in %s" % (a.seed, a.count, a.outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
