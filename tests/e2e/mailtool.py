#!/usr/bin/env python3
"""mailtool - send test mail by SMTP and inspect what a Postfix delivered

The end-to-end tests (tests/e2e.sh) and contrib/quickstart.sh drive a
throwaway Postfix on 127.0.0.1 with this tool.  Python 3 standard library
only; every loop is bounded in count and in time.

    send   --port P [--rcpt A]... [--from A] [--timeout S] FILE...
        Send each file as one message, in the order given, on one SMTP
        connection.  The envelope sender is --from, else the From: address;
        the recipients are --rcpt, else the To: addresses (not Cc:, so that
        each test message has one recipient).  Prints one line per message,
        "sent FILE MSGID", and exits 1 on any SMTP error.

    copy   FILE OUT --msgid ID [--prepend H]...
        Write FILE to OUT with its Message-ID replaced by ID and the header
        lines H (e.g. a forged X-Lead-Decision) put on top.

    flood  --port P --threads N --count M [--deadline S] [--rcpt A]
           --tag T --out FILE FILE...
        Send M messages from N concurrent SMTP clients, cycling through the
        files, each with a fresh Message-ID <T-NNNNN@leadmilter-e2e.test>.
        Every client keeps its connection and reconnects after an error;
        each message is tried at most 3 times and the whole run stops at
        the deadline.  Writes the IDs the server accepted to FILE, prints a
        summary line, exits 1 unless all M were accepted.

    index  [--msgid ID] BASE
        One tab-separated line per delivered message under the Maildir
        tree BASE/DOMAIN/NAME/{new,cur}: the mailbox (Delivered-To, else
        NAME@DOMAIN), Message-ID, the X-Lead-Decision, X-Lead-Score,
        X-Lead-Reason, X-Lead-Routed and X-Lead-Tags values ("-" if absent,
        several joined by " | "), the number of X-Lead-* headers, the file.
        --msgid: only the copies of that message.

    show   BASE MSGID
        Where each copy of MSGID landed, its Subject and its X-Lead-*
        headers, RFC 2047 encoded-words decoded for reading.

    same   ORIGINAL DELIVERED [--extra NAME]...
        Exit 0 if DELIVERED is ORIGINAL byte for byte (line ends aside)
        once the trace headers Postfix puts on top (Return-Path,
        X-Original-To, Delivered-To, Received) and the headers named by
        --extra (each must then be present exactly once) are taken out;
        else print the first difference and exit 1.
"""
import argparse
import email.errors
import email.header
import email.parser
import email.policy
import email.utils
import os
import re
import smtplib
import sys
import threading
import time

TRACE = ("return-path", "x-original-to", "delivered-to", "received")


def addr_list(values):
    """addr_list - bare addresses from header values"""
    return [a for _, a in email.utils.getaddresses([str(v) for v in values]) if a]


def read_headers(raw):
    """read_headers - header section of raw bytes as a Message"""
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)


def replace_msgid(raw, msgid):
    """replace_msgid - raw with its Message-ID header value replaced"""
    head, sep, body = raw.partition(b"\n\n")
    if not sep:
        head, sep, body = raw.partition(b"\r\n\r\n")
    lines = re.split(rb"(?<=\n)", head)
    out, skip, done = [], False, False
    for line in lines:
        if skip and line[:1] in (b" ", b"\t"):
            continue
        skip = False
        if line.lower().startswith(b"message-id:"):
            skip = True
            if not done:
                eol = b"\r\n" if line.endswith(b"\r\n") else b"\n"
                out.append(b"Message-ID: " + msgid.encode() + eol)
                done = True
            continue
        out.append(line)
    if not done:
        out.insert(0, b"Message-ID: " + msgid.encode() + b"\n")
    return b"".join(out) + sep + body


def envelope(raw, args):
    """envelope - (sender, recipients) for one message"""
    msg = read_headers(raw)
    sender = args.sender
    if sender is None:
        froms = addr_list(msg.get_all("From", []))
        sender = froms[0] if froms else ""
    rcpts = args.rcpt or addr_list(msg.get_all("To", []))
    return sender, rcpts


def to_crlf(raw):
    """to_crlf - raw with CRLF line ends, as SMTP wants (smtplib leaves bytes alone)"""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def msgid_of(raw):
    """msgid_of - the Message-ID of raw bytes, or '-'"""
    v = read_headers(raw).get("Message-ID")
    return str(v).strip() if v else "-"


def cmd_copy(args):
    """cmd_copy - a copy of a message with a new Message-ID and extra headers"""
    with open(args.file, "rb") as f:
        raw = replace_msgid(f.read(), args.msgid)
    raw = b"".join(h.encode() + b"\n" for h in args.prepend) + raw
    with open(args.out, "wb") as f:
        f.write(raw)
    return 0


def cmd_send(args):
    """cmd_send - send files one after the other on one connection"""
    smtp = smtplib.SMTP(args.host, args.port, timeout=args.timeout)
    smtp.ehlo("client.leadmilter-e2e.test")
    rc = 0
    try:
        for path in args.files:
            with open(path, "rb") as f:
                raw = f.read()
            sender, rcpts = envelope(raw, args)
            if not rcpts:
                print("error %s: no recipients" % path, file=sys.stderr)
                rc = 1
                continue
            try:
                refused = smtp.sendmail(sender, rcpts, to_crlf(raw))
            except smtplib.SMTPException as e:
                print("error %s: %s" % (path, e), file=sys.stderr)
                rc = 1
                smtp.rset()
                continue
            if refused:
                print("error %s: refused %r" % (path, refused), file=sys.stderr)
                rc = 1
            print("sent %s %s" % (path, msgid_of(raw)))
    finally:
        try:
            smtp.quit()
        except smtplib.SMTPException:
            pass
    return rc


def cmd_flood(args):
    """cmd_flood - many messages from concurrent clients, bounded"""
    sources = []
    for path in args.files:
        with open(path, "rb") as f:
            sources.append(f.read())
    lock = threading.Lock()
    state = {"next": 0, "accepted": [], "errors": 0, "last_error": ""}
    deadline = time.monotonic() + args.deadline

    def take():
        with lock:
            i = state["next"]
            if i >= args.count:
                return None
            state["next"] = i + 1
            return i

    def client(n):
        smtp = None
        while time.monotonic() < deadline:
            i = take()
            if i is None:
                break
            msgid = "<%s-%05d@leadmilter-e2e.test>" % (args.tag, i)
            raw = to_crlf(replace_msgid(sources[i % len(sources)], msgid))
            sender, rcpts = envelope(raw, args)
            for _ in range(3):
                if time.monotonic() >= deadline:
                    break
                try:
                    if smtp is None:
                        smtp = smtplib.SMTP(args.host, args.port, timeout=args.timeout)
                        smtp.ehlo("client%d.leadmilter-e2e.test" % n)
                    smtp.sendmail(sender, rcpts, raw)
                    with lock:
                        state["accepted"].append(msgid)
                    break
                except (smtplib.SMTPException, OSError) as e:
                    with lock:
                        state["errors"] += 1
                        state["last_error"] = "%s: %s" % (msgid, e)
                    try:
                        if smtp is not None:
                            smtp.close()
                    except OSError:
                        pass
                    smtp = None
                    time.sleep(0.2)
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,), daemon=True)
               for n in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()) + args.timeout + 5)
    secs = time.monotonic() - t0
    with lock:
        accepted = list(state["accepted"])
    with open(args.out, "w") as f:
        for m in accepted:
            f.write(m + "\n")
    print("flood: %d/%d accepted from %d clients in %.1f s (%.1f msg/s), %d retried errors%s"
          % (len(accepted), args.count, args.threads, secs, len(accepted) / secs if secs else 0,
             state["errors"], (", last: " + state["last_error"]) if state["errors"] else ""))
    return 0 if len(accepted) == args.count and len(set(accepted)) == len(accepted) else 1


def maildir_files(base):
    """maildir_files - (mailbox, path) of every delivered message, sorted"""
    out = []
    if not os.path.isdir(base):
        return out
    for domain in sorted(os.listdir(base)):
        ddir = os.path.join(base, domain)
        if not os.path.isdir(ddir):
            continue
        for local in sorted(os.listdir(ddir)):
            for sub in ("new", "cur"):
                sdir = os.path.join(ddir, local, sub)
                if not os.path.isdir(sdir):
                    continue
                for name in sorted(os.listdir(sdir)):
                    out.append(("%s@%s" % (local, domain), os.path.join(sdir, name)))
    return out


def mailbox_of(box, msg):
    """mailbox_of - the address a copy was delivered to: its (topmost)
    Delivered-To, else the Maildir it sits in"""
    v = msg.get("Delivered-To")
    return str(v).strip().lower() if v else box


def lead_headers(msg):
    """lead_headers - [(name, value)] of the X-Lead-* headers, unfolded"""
    return [(k, re.sub(r"\s*\r?\n\s+", " ", str(v)).strip())
            for k, v in msg.items() if k.lower().startswith("x-lead-")]


def readable(value):
    """readable - a header value with RFC 2047 encoded-words decoded"""
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, email.errors.HeaderParseError):
        return value


def one(msg, name):
    """one - a header value unfolded, several joined by ' | ', or '-'"""
    vals = [re.sub(r"\s*\r?\n\s+", " ", str(v)).strip() for v in msg.get_all(name, [])]
    return " | ".join(vals) if vals else "-"


def cmd_index(args):
    """cmd_index - one line per delivered message"""
    needle = args.msgid.encode() if args.msgid else None
    for box, path in maildir_files(args.base):
        with open(path, "rb") as f:
            raw = f.read()
        if needle is not None and needle not in raw:
            continue
        msg = read_headers(raw)
        if args.msgid and one(msg, "Message-ID") != args.msgid:
            continue
        print("\t".join([mailbox_of(box, msg), one(msg, "Message-ID"), one(msg, "X-Lead-Decision"),
                         one(msg, "X-Lead-Score"), one(msg, "X-Lead-Reason"),
                         one(msg, "X-Lead-Routed"),
                         one(msg, "X-Lead-Tags"), str(len(lead_headers(msg))), path]))
    return 0


def cmd_show(args):
    """cmd_show - where MSGID landed, with its X-Lead-* headers"""
    found = 0
    for box, path in maildir_files(args.base):
        with open(path, "rb") as f:
            msg = read_headers(f.read())
        if one(msg, "Message-ID") != args.msgid:
            continue
        found += 1
        print("  -> %s" % mailbox_of(box, msg))
        print("     Subject: %s" % readable(one(msg, "Subject")))
        for k, v in lead_headers(msg):
            print("     %s: %s" % (k, readable(v)))
    if not found:
        print("  -> (not delivered)")
    return 0 if found else 1


def split_headers(raw):
    """split_headers - ([header lines with continuations], body) of raw bytes"""
    raw = raw.replace(b"\r\n", b"\n")
    head, sep, body = raw.partition(b"\n\n")
    fields = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b"\n" + line
        else:
            fields.append(line)
    return fields, body if sep else b""


def field_name(f):
    """field_name - lower-case name of one header field"""
    return f.split(b":", 1)[0].strip().lower().decode("latin-1")


def cmd_same(args):
    """cmd_same - is the delivered copy the original, trace headers aside?"""
    if not os.path.isfile(args.delivered):
        print("same: no delivered copy %r" % args.delivered)
        return 1
    with open(args.original, "rb") as f:
        ofields, obody = split_headers(f.read())
    with open(args.delivered, "rb") as f:
        dfields, dbody = split_headers(f.read())
    i = 0
    while i < len(dfields) and field_name(dfields[i]) in TRACE:
        i += 1
    dfields = dfields[i:]
    extra = {e.lower() for e in args.extra}
    kept = []
    seen = {e: 0 for e in extra}
    for f in dfields:
        n = field_name(f)
        if n in extra:
            seen[n] += 1
        else:
            kept.append(f)
    bad = [n for n, c in seen.items() if c != 1]
    if bad:
        print("same: %s: want exactly one %s" % (args.delivered, ", ".join(sorted(bad))))
        return 1
    if kept != ofields:
        for k, (a, b) in enumerate(zip(ofields, kept)):
            if a != b:
                print("same: header %d: got %r, want %r" % (k + 1, b, a))
                return 1
        print("same: %d headers delivered, want %d (first extra: %r)"
              % (len(kept), len(ofields),
                 (kept[len(ofields):] or ofields[len(kept):] or [b""])[0]))
        return 1
    if dbody != obody:
        for k, (a, b) in enumerate(zip(obody.split(b"\n"), dbody.split(b"\n"))):
            if a != b:
                print("same: body line %d: got %r, want %r" % (k + 1, b, a))
                return 1
        print("same: body is %d bytes, want %d" % (len(dbody), len(obody)))
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(prog="mailtool", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("send")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--rcpt", action="append", default=[])
    s.add_argument("--from", dest="sender")
    s.add_argument("--timeout", type=float, default=60)
    s.add_argument("files", nargs="+")
    s.set_defaults(fn=cmd_send)

    s = sub.add_parser("copy")
    s.add_argument("file")
    s.add_argument("out")
    s.add_argument("--msgid", required=True)
    s.add_argument("--prepend", action="append", default=[])
    s.set_defaults(fn=cmd_copy)

    s = sub.add_parser("flood")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--rcpt", action="append", default=[])
    s.add_argument("--from", dest="sender")
    s.add_argument("--threads", type=int, default=16)
    s.add_argument("--count", type=int, default=500)
    s.add_argument("--deadline", type=float, default=180)
    s.add_argument("--timeout", type=float, default=60)
    s.add_argument("--tag", default="e2e-flood")
    s.add_argument("--out", required=True)
    s.add_argument("files", nargs="+")
    s.set_defaults(fn=cmd_flood)

    s = sub.add_parser("index")
    s.add_argument("--msgid")
    s.add_argument("base")
    s.set_defaults(fn=cmd_index)

    s = sub.add_parser("show")
    s.add_argument("base")
    s.add_argument("msgid")
    s.set_defaults(fn=cmd_show)

    s = sub.add_parser("same")
    s.add_argument("original")
    s.add_argument("delivered")
    s.add_argument("--extra", action="append", default=[])
    s.set_defaults(fn=cmd_same)

    args = p.parse_args()
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
