#!/usr/bin/env python3
"""gen_msgs - write a reproducible set of realistic sales inquiries

Usage: gen_msgs.py [--seed N] [--count N] [--size BYTES] [--describe] OUTDIR

Writes OUTDIR/00000.eml ... and OUTDIR/SET.txt (one line naming the set:
seed, count, size range, mix of kinds).  The same seed gives byte-identical
files on any machine, so every figure of `make bench` is measured on the same
messages.  Without --size each message is 2-6 KB; with --size every message
is about BYTES long (the body grows with more text and quoted history, the way
long threads grow, not with attachments the engine would skip).

The mix, as seen at a B2B inbox: direct inquiries (plain text or
multipart/alternative, 7bit, quoted-printable or base64, English, German or
French), replies with quoted history (Gmail "On ... wrote:" and Outlook
"-----Original Message-----"), web-form notifications (label/value lines and
an HTML table), signatures with title, company, address and phone, legal
footers, and now and then a PDF attachment.  Some are leads, some are job
applicants, vendor pitches, students or home users, as the default rules
expect.
"""
import argparse
import base64
import os
import quopri
import random
import sys

FIRST = ["Karen", "Ben", "Denise", "Ryan", "Helene", "Markus", "Sophie", "James",
         "Priya", "Tom", "Aoife", "Lukas", "Claire", "Daniel", "Fatima", "Jan",
         "Olivia", "Mateo", "Grace", "Henrik", "Nadia", "Paul", "Emma", "Victor"]
LAST = ["Whitfield", "Ostrowski", "Porter", "Castillo", "Marchand", "Huber",
        "Lambert", "Carter", "Raman", "Brennan", "O'Neill", "Becker", "Dubois",
        "Fischer", "Haddad", "de Vries", "Thompson", "Alvarez", "Kim", "Larsen",
        "Novak", "Schmidt", "Walsh", "Moreau"]
INDUSTRY_CO = [
    ("healthcare", ["Lakeshore Orthopedic Associates", "Northfield Pediatrics",
                    "Clinique Saint-Roch", "Pinewood Dental Group",
                    "Harbor View Physiotherapy"]),
    ("legal", ["Fairmont Legal LLP", "Halliday Crane Lawyers", "Ashworth & Lyle LLP",
               "O Briain & Co. Solicitors", "Kessler Rechtsanwaelte PartG"]),
    ("finance", ["Dunmore & Reyes CPAs", "Keane Bookkeeping & Tax",
                 "Huber & Kollegen Steuerberater", "Pinecrest Insurance Group",
                 "Harlow & Finch Insurance Brokers"]),
    ("manufacturing", ["Ridgeway Precision Machining", "Holloway Industrial Components",
                       "Brenner Maschinenbau GmbH", "Atlas Plastics Inc."]),
    ("logistics", ["Brightwater Freight Ltd", "Maas Transport & Opslag B.V.",
                   "Sagar Logistics Pvt. Ltd.", "Northern Cold Chain Ltd"]),
    ("education", ["Cedar Valley Unified School District", "St. Brendan's College",
                   "Lindenhof Gymnasium"]),
    ("retail", ["Kiln & Cloth", "Corner Books", "Urban Cycle Shop"]),
]
TITLES_DM = ["Director of Operations", "Managing Director", "CEO", "CFO", "CIO",
             "Owner", "Founder", "Managing Partner", "VP Finance", "Head of IT",
             "Director of Technology", "President", "Geschaeftsfuehrer"]
TITLES_INF = ["IT Manager", "Office Manager", "Practice Manager", "Systems Administrator",
              "Team Lead", "Operations Manager", "Network Engineer"]
TITLES_LOW = ["Executive Assistant", "Account Executive", "Intern", "Analyst",
              "Sachbearbeiterin Einkauf", "Assistante de direction"]
PLACES = [("US", "2400 N Clark St, Suite 310", "Chicago, IL 60614", "(312) 555-0187"),
          ("US", "3150 Valley Pike", "Dayton, OH 45404", "(937) 555-0176"),
          ("US", "4100 W. Shaw Avenue", "Fresno, CA 93722", "(559) 555-0121"),
          ("GB", "14 King Street", "Manchester M2 4LQ", "+44 161 555 0192"),
          ("GB", "Unit 7, Riverside Park", "Bristol BS1 6QJ", "0117 555 0143"),
          ("IE", "22 Merrion Square", "Dublin 2", "+353 1 555 0110"),
          ("DE", "Leopoldstrasse 88", "80802 Muenchen", "+49 89 5550 1234"),
          ("FR", "560 avenue du Colonel Andre Pavelet", "34000 Montpellier", "+33 4 67 55 01 92"),
          ("NL", "Havenweg 12", "3011 AB Rotterdam", "+31 10 555 0199"),
          ("CA", "200 Bay Street", "Toronto, ON M5J 2J2", "(416) 555-0166"),
          ("AU", "Level 9, 60 Martin Place", "Sydney NSW 2000", "+61 2 5550 1234"),
          ("IN", "Andheri East", "Mumbai 400069", "+91 22 5555 0123")]
COUNTRY_NAME = {"US": "United States", "GB": "United Kingdom", "IE": "Ireland",
                "DE": "Germany", "FR": "France", "NL": "Netherlands", "CA": "Canada",
                "AU": "Australia", "IN": "India"}
SERVICES = ["managed IT support for our office", "a HIPAA security risk assessment",
            "a penetration test of our external network", "24x7 SOC monitoring",
            "SOC 2 readiness help", "a Microsoft 365 migration", "moving our file server to Azure",
            "backup and disaster recovery", "endpoint protection for about 140 laptops",
            "a firewall replacement and network redesign", "outsourced helpdesk",
            "an ISO 27001 gap analysis", "an AWS cost and security review"]
ASKS = ["Could you send us a proposal?", "Can we get a quote?",
        "Please send pricing for this.", "We would like to schedule a demo.",
        "What would an assessment cost?", "Do you have a standard price list?",
        "I have a few questions before we decide anything.",
        "Just gathering information at this point."]
TIMES = ["We need this in place ASAP.", "This is urgent: we had a phishing incident last week.",
         "We would like to start this month.", "Ideally within the next 60 days.",
         "Our current contract ends on March 31.", "We are planning this for next year.",
         "This is for our next budget cycle.", "No rush on our side.",
         "Probably later this year.", "We are not sure about timing yet."]
SIZES = ["We have 120 staff across three locations.", "We are about 45 employees.",
         "Our team is 1,450 people across 14 sites.", "We're in the 50-200 employees bracket.",
         "We are a small team of 12.", "Roughly 300 employees, one head office.",
         "About 2,500 staff worldwide.", "Around 75 people."]
OUTSOURCE = ["Our current IT provider is closing down.",
             "We pay our current MSP too much and want something cheaper.",
             "Our vendor will not renew our support contract.", ""]
FILLER = [
    "We have had a few outages over the last months and the team spends too much "
    "time on password resets and printer problems instead of their actual work.",
    "Our cyber insurance renewal questionnaire asks about MFA, EDR and offline "
    "backups, and we cannot answer all of those questions with a yes today.",
    "Most of our staff work in the office three days a week and from home the "
    "rest of the time, so remote access has to keep working reliably.",
    "The partners asked me to collect two or three offers and summarise them "
    "before the next management meeting so that we can compare like with like.",
    "We use Microsoft 365 Business Premium, a line-of-business application on a "
    "Windows server in the back office and a mix of Dell and Lenovo laptops.",
    "Last year an auditor flagged that we had no documented incident response "
    "plan and no regular review of who has access to the shared drives.",
    "Our previous provider did the basics but never came back with any advice "
    "on how to improve things, which is what we are really looking for now.",
    "We also have a small warehouse with scanners and label printers that "
    "connect over Wi-Fi, and those drop out several times a day.",
]
DE_TEXT = ("Sehr geehrte Damen und Herren,\n\nwir sind eine Steuerberatungskanzlei "
           "mit rund 35 Mitarbeitern in Muenchen und suchen einen neuen IT-Dienstleister. "
           "Unser bisheriger Anbieter stellt den Betrieb zum 31. Maerz ein. Bitte senden "
           "Sie uns ein Angebot fuer den laufenden Support und die Datensicherung.\n")
FR_TEXT = ("Madame, Monsieur,\n\nDans le cadre d'un appel d'offres, notre clinique "
           "(environ 300 salaries) souhaite recevoir une proposition pour un audit de "
           "securite et la mise en place d'un SOC 24h/24. Le budget previsionnel est de "
           "40 000 EUR HT et le demarrage est prevu fin avril.\n")
NOISE = [  # disqualifier-flavoured messages, as a real inbox has them
    "I am applying for the helpdesk technician position advertised on your website. "
    "Please find my CV attached; I have three years of experience in first-line support.",
    "We are a lead generation and SEO agency and would love to discuss a white-label "
    "partnership. We can double your inbound leads within 90 days.",
    "I am a student at the University of Leeds writing my master's dissertation on "
    "managed services. Would you answer a short questionnaire?",
    "My home Wi-Fi keeps dropping and my kids' laptops are slow. Can someone come "
    "to the house and fix the family computers?",
    "Do you repair printers and sell phone handsets? Our office printer is broken.",
]
DISCLAIMER = ("CONFIDENTIALITY NOTICE: This e-mail and any attachments are confidential "
              "and may be legally privileged. If you are not the intended recipient, please "
              "notify the sender immediately and delete it from your system. Any "
              "unauthorised use, disclosure or copying is strictly prohibited.")


def wrap(text, width=76):
    """wrap - fold each paragraph at word boundaries; blank lines stay"""
    if "\n\n" in text:
        return "\n\n".join(wrap(p, width) for p in text.split("\n\n"))
    out, line = [], ""
    for w in text.split():
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = line + " " + w if line else w
    if line:
        out.append(line)
    return "\n".join(out)


class Gen:
    """one deterministic stream of messages"""

    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0

    def person(self):
        r = self.r
        first, last = r.choice(FIRST), r.choice(LAST)
        industry, cos = r.choice(INDUSTRY_CO)
        company = r.choice(cos)
        domain = "".join(c for c in company.lower().split()[0] if c.isalnum()) + \
            r.choice([".com", ".co.uk", ".de", ".fr", ".ie", ".org", ".nl"])
        email = (first[0] + "".join(c for c in last if c.isalpha())).lower() + "@" + domain
        title = r.choice(r.choice([TITLES_DM, TITLES_DM, TITLES_INF, TITLES_LOW]))
        place = r.choice(PLACES)
        return dict(first=first, last=last, name=first + " " + last, company=company,
                    industry=industry, email=email, title=title, place=place,
                    domain=domain)

    def signature(self, p):
        lines = ["", p["name"], p["title"], p["company"], p["place"][1], p["place"][2],
                 p["place"][3]]
        if self.r.random() < 0.5:
            lines.insert(0, "--")
        if self.r.random() < 0.3:
            lines += ["", wrap(DISCLAIMER)]
        return "\n".join(lines) + "\n"

    def paragraph(self):
        r = self.r
        return wrap(" ".join(r.sample(FILLER, r.randint(1, 3))))

    def inquiry_text(self, p, lang):
        r = self.r
        if lang == "de":
            body = wrap(DE_TEXT)
        elif lang == "fr":
            body = wrap(FR_TEXT)
        elif r.random() < 0.12:
            body = "Hello,\n\n" + wrap(r.choice(NOISE))
        else:
            parts = ["I'm reaching out on behalf of %s." % p["company"], r.choice(SIZES),
                     r.choice(OUTSOURCE), "We are looking for %s." % r.choice(SERVICES),
                     r.choice(TIMES), r.choice(ASKS)]
            body = r.choice(["Hello,", "Hi there,", "Good morning,", "Dear Sales Team,"]) + \
                "\n\n" + wrap(" ".join(x for x in parts if x))
        return body + "\n"

    def quoted(self, p, depth):
        """quoted history: earlier messages of the thread, '>' prefixed"""
        r = self.r
        rep = "James Carter"
        if r.random() < 0.5:
            head = "On Tue, 14 Jan 2025 at 10:02, %s <jcarter@example-msp.com> wrote:" % rep
            text = "Hi %s,\n\n%s\n\n%s\n\nBest regards,\n%s\nCEO\nExample MSP | 1 Harbour " \
                   "Square, Boston, MA 02110\n+1 617 555 0100\n" % (
                       p["first"], self.paragraph(), self.paragraph(), rep)
            return head + "\n" + "\n".join("> " + l if l else ">" for l in
                                          (text * depth).splitlines()) + "\n"
        head = ("-----Original Message-----\nFrom: %s <jcarter@example-msp.com>\n"
                "Sent: Tuesday, January 14, 2025 10:02 AM\nTo: %s <%s>\n"
                "Subject: RE: Managed IT proposal\n" % (rep, p["name"], p["email"]))
        return "\n" + head + "\n" + ("%s\n\n" % self.paragraph()) * depth

    def form_text(self, p):
        r = self.r
        size = r.choice(["1-10", "11-50", "51-200", "201-500", "501-1000", "1000+",
                         "120", "35"])
        fields = [("First name", p["first"]), ("Last name", p["last"]),
                  ("Email", p["email"]), ("Phone number", p["place"][3]),
                  ("Company name", p["company"]), ("Job title", p["title"]),
                  ("Number of employees", size), ("Industry", p["industry"].title()),
                  ("Country/Region", COUNTRY_NAME[p["place"][0]]),
                  ("Message", "%s %s %s" % ("We are looking for " + r.choice(SERVICES) + ".",
                                            r.choice(TIMES), r.choice(ASKS)))]
        return fields

    def html_of(self, text):
        paras = text.split("\n\n")
        h = ['<html><head><style>p{margin:0 0 8px 0}</style></head><body '
             'style="font-family:Calibri,Arial,sans-serif;font-size:11pt">']
        for para in paras:
            esc = para.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            h.append('<p class="MsoNormal">' + esc.replace("\n", "<br>\n") + "</p>")
        h.append("</body></html>")
        return "\n".join(h) + "\n"

    def html_form(self, fields):
        rows = "\n".join('<tr><td><b>%s</b></td><td>%s</td></tr>' % (k, v.replace("&", "&amp;"))
                         for k, v in fields)
        return ('<html><body><div style="font-family:Helvetica,Arial,sans-serif">'
                '<h2>Contact Us - Example MSP has a new submission</h2>\n'
                '<table cellpadding="4">\n%s\n</table>\n<p style="font-size:11px;color:#999">'
                "You're receiving this because you're subscribed to form submission "
                "notifications.</p></div></body></html>\n" % rows)

    def encode(self, text, cte):
        raw = text.encode("utf-8")
        if cte == "base64":
            b = base64.encodebytes(raw).decode("ascii")
            return b
        if cte == "quoted-printable":
            return quopri.encodestring(raw).decode("ascii")
        return text

    def part(self, ctype, text, cte):
        return ("Content-Type: %s; charset=\"utf-8\"\nContent-Transfer-Encoding: %s\n\n%s"
                % (ctype, cte, self.encode(text, cte)))

    def message(self, size=None):
        r = self.r
        self.n += 1
        idx = self.n
        p = self.person()
        kind = r.choices(["inquiry", "reply", "form"], weights=[45, 25, 30])[0]
        structure = r.choices(["plain", "alternative", "mixed"], weights=[40, 50, 10])[0]
        cte = r.choices(["7bit", "quoted-printable", "base64"], weights=[40, 40, 20])[0]
        lang = r.choices(["en", "de", "fr"], weights=[86, 7, 7])[0]
        if size is None:
            target = r.randint(2100, 6144)
        else:
            target = size
        hdr_to = "webform@example-msp.com" if kind == "form" else "sales@example-msp.com"
        date = "%s, %02d Jan 2025 %02d:%02d:%02d -0500" % (
            r.choice(["Mon", "Tue", "Wed", "Thu", "Fri"]), r.randint(1, 28),
            r.randint(7, 18), r.randint(0, 59), r.randint(0, 59))
        if kind == "form":
            frm = "HubSpot <noreply@notifications.hubspot.com>"
            subject = "New form submission on Contact Us - Example MSP"
        else:
            frm = "%s <%s>" % (p["name"], p["email"])
            subject = (r.choice(["Re: ", "RE: ", "AW: "]) if kind == "reply" else "") + \
                r.choice(["Managed IT proposal", "Quote request - %s" % p["company"],
                          "Question about SOC 2", "Penetration test", "Azure migration - next steps",
                          "IT support for our office", "RFP #2025-%02d Managed Services" % r.randint(1, 40),
                          "Backup and DR"])
        headers = [
            ("Return-Path", "<%s>" % p["email"]),
            ("Received", "from mail.%s (mail.%s [198.51.100.%d])\n\tby mx.example-msp.com "
             "(Postfix) with ESMTPS id 4Zx1K%05d\n\tfor <%s>; %s" % (
                 p["domain"], p["domain"], r.randint(2, 250), idx, hdr_to, date)),
            ("Message-ID", "<%d.%08x@%s>" % (idx, r.getrandbits(32), p["domain"])),
            ("Date", date), ("From", frm), ("To", hdr_to), ("Subject", subject),
            ("MIME-Version", "1.0"),
        ]
        if kind == "reply":
            headers.append(("In-Reply-To", "<20250114150201.GA%d@example-msp.com>" % idx))
        if r.random() < 0.4:
            headers.append(("X-Mailer", r.choice(["Microsoft Outlook 16.0", "Apple Mail (2.3731)",
                                                  "Thunderbird 115.6.0"])))

        # text grows until the encoded message reaches the target size
        fields = self.form_text(p) if kind == "form" else None

        def build(extra_paras, quote_depth):
            if kind == "form":
                text = "Contact Us - Example MSP has a new submission\n\n" + \
                    "\n".join("%s: %s" % kv for kv in fields) + "\n"
                if extra_paras:
                    text += "\n" + "\n\n".join(paras[:extra_paras]) + "\n"
                text += "\nPage: https://www.example-msp.com/contact?utm_source=google\n"
                html = self.html_form(fields)
            else:
                text = self.inquiry_text(p, lang)
                if extra_paras:
                    text += "\n" + "\n\n".join(paras[:extra_paras]) + "\n"
                text += self.signature(p)
                if kind == "reply" or quote_depth:
                    text += "\n" + quotes[max(quote_depth, 1) - 1]
                html = self.html_of(text)
            return text, html

        paras = [self.paragraph() for _ in range(6)]
        quotes = [self.quoted(p, d) for d in range(1, 4)]
        extra, depth = 0, 0
        prev = None
        for _ in range(200):
            text, html = build(extra, depth)
            body = None
            if structure != "plain":
                body = "--alt-%d\n%s\n--alt-%d\n%s\n--alt-%d--\n" % (
                    idx, self.part("text/plain", text, cte), idx,
                    self.part("text/html", html, cte), idx)
            total = self.assemble(headers, structure, text, cte, body, idx, measure=True)
            if total >= target:
                if size is None and total > 6144 and prev is not None and prev[2] >= 2048:
                    text, body = prev[:2]     # one step too far: keep it within 2-6 KB
                break
            prev = (text, body, total)
            if size is not None and size > 8192:
                # a long thread: more paragraphs, and quoting one level deeper
                # for every six; add in batches so 1 MB takes a few rounds
                need = max(1, (target - total) // (600 if structure == "plain" else 1400))
                for _ in range(need):
                    paras.append(self.paragraph())
                    extra += 1
                    if extra % 6 == 0 and len(quotes) < 40:
                        quotes.append(self.quoted(p, len(quotes) + 1))
                        depth = len(quotes)
            elif extra < len(paras):
                extra += 1
            elif depth < 3 and kind != "form":
                depth += 1
            else:
                paras.append(self.paragraph())      # forms have no quoted text
                extra += 1
        return self.assemble(headers, structure, text, cte, body, idx, measure=False), \
            "%s/%s/%s/%s" % (kind, structure, cte, lang)

    def assemble(self, headers, structure, text, cte, alt, idx, measure):
        h = list(headers)
        if structure == "plain":
            h += [("Content-Type", 'text/plain; charset="utf-8"'),
                  ("Content-Transfer-Encoding", cte)]
            body = self.encode(text, cte)
        elif structure == "alternative":
            h.append(("Content-Type", 'multipart/alternative;\n boundary="alt-%d"' % idx))
            body = "\n" + alt
        else:
            h.append(("Content-Type", 'multipart/mixed;\n boundary="mix-%d"' % idx))
            pdf = base64.encodebytes(b"%PDF-1.4\n" + bytes(range(256)) * 3).decode("ascii")
            body = ("\n--mix-%d\nContent-Type: multipart/alternative; boundary=\"alt-%d\"\n\n%s"
                    "\n--mix-%d\nContent-Type: application/pdf; name=\"brief.pdf\"\n"
                    "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; "
                    "filename=\"brief.pdf\"\n\n%s\n--mix-%d--\n" % (idx, idx, alt, idx, pdf, idx))
        msg = "".join("%s: %s\n" % kv for kv in h) + "\n" + body
        return len(msg.encode("utf-8")) if measure else msg



def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--size", type=int, default=None)
    ap.add_argument("outdir")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    g = Gen(a.seed)
    kinds, sizes = {}, []
    for i in range(a.count):
        msg, kind = g.message(a.size)
        data = msg.encode("utf-8")
        with open(os.path.join(a.outdir, "%05d.eml" % i), "wb") as f:
            f.write(data)
        sizes.append(len(data))
        k = kind.split("/")
        for part in (k[0], k[1], k[2]):
            kinds[part] = kinds.get(part, 0) + 1
    sizes.sort()
    desc = ("gen_msgs.py seed=%d: %d messages, %d-%d bytes (median %d); %s" % (
        a.seed, a.count, sizes[0], sizes[-1], sizes[len(sizes) // 2],
        " ".join("%s=%d" % kv for kv in sorted(kinds.items()))))
    with open(os.path.join(a.outdir, "SET.txt"), "w") as f:
        f.write(desc + "\n")
    print(desc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
