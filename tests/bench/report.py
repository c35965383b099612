#!/usr/bin/env python3
"""report - turn the raw figures of bench.sh into tables and target checks

Usage: report.py INFO RESULTS [--markdown FILE]

INFO holds "key: value" lines naming the machine, the software and the
message sets.  RESULTS holds the lines the benchmark programs print:
"metric <tab> repeat <tab> value <tab> unit", and "#" notes.  Every metric
is summarised as min / median / max over its repeats; the targets of issue
6 are checked on the medians and printed with PASS or MISS and, for a miss,
by how much.  The same report goes to stdout and, with --markdown, to FILE
(tests/bench/RESULTS.md).  Targets are figures to read, not assertions: the
exit status is 0 whatever they say.
"""
import argparse
import os
import statistics
import sys

SECTIONS = [
    ("engine", "The engine alone: engine_qualify() over the generated set, default rules "
               "(1core: one thread; ncore: one thread per CPU; parse: msg_parse + zone_split "
               "only)"),
    ("engine_nopf", "The engine without the Hyperscan prefilter (LEADMILTER_NO_PREFILTER=1), "
                    "for comparison"),
    ("size", "How the cost grows with message size (one thread, default rules)"),
    ("rules", "How the cost grows with the rule count (one thread, generated rules, "
              "the generated 2-6 KB set)"),
    ("milter", "The daemon alone: milter_load (milter protocol v6, one connection per "
               "message, 8 at once)"),
    ("lm", "leadmilter memory (after the milter_load and Postfix runs; VmHWM is the peak "
           "resident set, shared library pages included)"),
    ("postfix", "Postfix end to end: smtp-source, 10 sessions, one message per session, "
                "discard delivery"),
    ("spamd", "SpamAssassin spamd, 2 children, the default rules' patterns as body/header "
              "rules, no stock rules, spamc clients"),
]

FIGURES = {
    "msgs_s": "messages/s (wall clock)", "cpu_msgs_s": "messages/s per core (CPU time)",
    "p50_us": "p50 latency", "p99_us": "p99 latency", "max_us": "max latency",
    "cpu_p50_us": "p50 CPU time per message", "cpu_p99_us": "p99 CPU time per message",
    "cpu_max_us": "max CPU time per message", "errors": "errors",
    "peak_rss_kb": "peak RSS of the process (messages included)",
    "set_kb": "message set in memory", "rules_load_ms": "rules load (PCRE2 JIT + Hyperscan)",
    "machine_cpu_us": "CPU time per message, whole machine (Postfix, clients, milter)",
    "vmhwm_kb": "peak RSS (VmHWM)", "daemon_cpu_us": "the daemon's CPU time per message", "start_rss_kb": "RSS when idle after start",
    "anon_kb": "private (anonymous) RSS at the end", "file_kb": "file-backed RSS at the end "
    "(shared libraries)",
}
PASSES = {"1core": "one thread", "ncore": "all cores", "parse": "msg_parse + zone_split only",
          "gmime": "GMime parse + decode only"}
HIDDEN = ("msgs", "threads")
LABELS = {
    "postfix.none": "no milter", "postfix.null_unix": "do-nothing milter, unix socket",
    "postfix.null_inet": "do-nothing milter, inet 127.0.0.1",
    "postfix.null_unix_nr": "do-nothing milter, unix, no replies negotiated",
    "milter.null_unix_nr": "do-nothing milter, unix, no replies negotiated",
    "postfix.null_inet_nd": "do-nothing milter, inet, TCP_NODELAY",
    "postfix.lm_unix": "leadmilter, unix socket", "postfix.lm_inet": "leadmilter, inet 127.0.0.1",
    "milter.null_unix": "do-nothing milter, unix socket",
    "milter.null_inet": "do-nothing milter, inet 127.0.0.1",
    "milter.null_inet_nd": "do-nothing milter, inet, TCP_NODELAY",
    "milter.lm_unix": "leadmilter, unix socket", "milter.lm_inet": "leadmilter, inet 127.0.0.1",
    "size.2k": "2 KB messages", "size.20k": "20 KB messages", "size.200k": "200 KB messages",
    "size.1m": "1 MB messages", "rules.100": "100 rules", "rules.400": "400 rules",
    "rules.1600": "1,600 rules", "lm.unix": "leadmilter, unix socket",
    "lm.inet": "leadmilter, inet", "engine": "default rules", "engine_nopf": "no prefilter",
    "spamd": "spamd",
}


def describe(key):
    """describe - (setting, figure) in words for a metric key"""
    parts = key.split(".")
    setting, rest = parts[0], parts[1:]
    if len(parts) > 2 and ".".join(parts[:2]) in LABELS:
        setting, rest = ".".join(parts[:2]), parts[2:]
    name = LABELS.get(setting, setting)
    if len(rest) == 2 and rest[0] in PASSES:
        return name + ", " + PASSES[rest[0]], FIGURES.get(rest[1], rest[1])
    return name, FIGURES.get(rest[-1], rest[-1]) if rest else ""


def load(path):
    """load - {metric: [values]}, {metric: unit}, [notes], in first-seen order"""
    vals, units, notes, order = {}, {}, [], []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                notes.append(line[1:].strip())
                continue
            parts = line.split("\t")
            if len(parts) != 4:
                continue
            try:
                v = float(parts[2])
            except ValueError:
                continue
            if parts[0] not in vals:
                vals[parts[0]] = []
                order.append(parts[0])
            vals[parts[0]].append(v)
            units[parts[0]] = parts[3]
    return vals, units, notes, order


def fmt(v, unit=""):
    """fmt - a figure as people read it"""
    if v is None:
        return "-"
    if unit == "KB":
        return "%.1f MB" % (v / 1024)
    if unit == "us":
        return "%s ms" % fmt(v / 1000)
    if unit == "ms":
        return "%.1f s" % (v / 1000) if v >= 1000 else "%s ms" % fmt(v)
    if abs(v) >= 100:
        return "{:,.0f}".format(v)
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.2f" % v


class Report:
    def __init__(self, vals, units):
        self.vals, self.units = vals, units
        self.lines = []

    def med(self, m):
        v = self.vals.get(m)
        return statistics.median(v) if v else None

    def out(self, s=""):
        self.lines.append(s)

    def target(self, name, got, want, cmp, unit=""):
        """target - one row of the target table"""
        if got is None or want is None:
            self.out("| %s | not measured | %s %s | - | - |" % (name, cmp, fmt(want, unit)))
            return
        ok = got >= want if cmp == ">=" else got <= want
        if ok:
            by = ""
        elif cmp == ">=":
            by = "short by %s (%.0f%% of target)" % (fmt(want - got, unit), 100 * got / want)
        else:
            by = "over by %s (%.0f%% of target)" % (fmt(got - want, unit), 100 * got / want)
        self.out("| %s | %s | %s %s | **%s** | %s |" % (name, fmt(got, unit), cmp, fmt(want, unit),
                                                        "PASS" if ok else "MISS", by or "-"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("info")
    ap.add_argument("results")
    ap.add_argument("--markdown")
    a = ap.parse_args()
    vals, units, notes, order = load(a.results)
    info = [l.rstrip("\n") for l in open(a.info) if l.strip()]
    r = Report(vals, units)
    r.out("# leadmilter benchmark results")
    r.out()
    r.out("Written by `make bench` (tests/bench/bench.sh); every figure is min / median / "
          "max over the repeats shown, on one run, over the same generated messages. "
          "Timings are figures to read, never test assertions.")
    r.out()
    r.out("## Machine and message sets")
    r.out()
    for l in info:
        r.out("- " + l)
    r.out()

    # the targets of issue 6, on medians
    m = r.med
    r.out("## Targets (medians)")
    r.out()
    busy = [l for l in info if "load average at start" in l]
    try:
        loadavg = float(busy[0].split("load average at start")[1].split()[0])
    except (IndexError, ValueError):
        loadavg = 0.0
    if loadavg > 1.0:
        r.out("**The machine was busy** (load average %.1f at start): the wall-clock, daemon, "
              "Postfix and spamd figures are depressed and noisy, and even the CPU-time figures "
              "suffer (shared caches). Run again on an idle machine before trusting them."
              % loadavg)
        r.out()
    gm = m("engine.gmime.cpu_msgs_s")
    if gm:
        r.out("Machine speed check: GMime alone parsed and decoded %s messages/s per core; the "
              "reference figure for this machine kind, on its own messages, is about 16,700 (%.0f%%)." % (
                  fmt(gm), 100 * gm / 16700))
        eng = m("engine.1core.cpu_msgs_s")
        if eng and gm < 0.9 * 16700:
            # for reading only: the targets below use the figures as measured
            r.out("This machine ran slower than the reference: scaled by GMime's speed, the engine's "
                  "%s messages/s per core would be about %s on a machine at the reference speed. "
                  "The table keeps the measured figure." % (fmt(eng), fmt(eng * 16700 / gm)))
        r.out()
    r.out("| target | measured | wanted | | by how much |")
    r.out("|---|---|---|---|---|")
    r.target("engine, messages/s per core (CPU time), default rules",
             m("engine.1core.cpu_msgs_s"), 5000, ">=")
    r.target("engine, messages/s per core: the aim", m("engine.1core.cpu_msgs_s"), 10000, ">=")
    r.target("engine, p99 time per message (CPU time)", m("engine.1core.cpu_p99_us"), 1000,
             "<=", "us")
    rss = max([v for k in ("lm.unix.vmhwm_kb", "lm.inet.vmhwm_kb") for v in vals.get(k, [])] or [0]) or None
    r.target("leadmilter peak RSS under load", rss, 20 * 1024, "<=", "KB")
    sp = m("spamd.msgs_s")
    eng = m("engine.ncore.msgs_s")
    r.target("engine (all cores) / spamd (2 children), same patterns and messages",
             eng / sp if eng and sp else None, 100, ">=")
    for sock in ("unix", "inet"):
        lm, null = m("postfix.lm_%s.msgs_s" % sock), m("postfix.null_%s.msgs_s" % sock)
        r.target("Postfix + leadmilter vs do-nothing milter, %s (share kept)" % sock,
                 lm / null if lm and null else None, 0.95, ">=")
    lu, li = m("postfix.lm_unix.msgs_s"), m("postfix.lm_inet.msgs_s")
    r.target("Postfix + leadmilter, inet vs its unix throughput", li / lu if li and lu else None,
             0.90, ">=")
    c100, c1600 = m("rules.100.1core.cpu_msgs_s"), m("rules.1600.1core.cpu_msgs_s")
    r.target("rules: cost of 1,600 rules / cost of 100", c100 / c1600 if c100 and c1600 else None,
             4, "<=")
    r.out()
    r.out("The per-core figures use each thread's CPU time, which leaves out time spent waiting "
          "for a CPU; the wall-clock figures are in the tables below and match them on an idle "
          "machine. Cost ratios use time per message (1 / messages/s). The spamd ratio compares "
          "the engine on all cores with spamd's two children on the same two cores (wall clock); "
          "the daemon's own ratio (milter_load against leadmilter / spamd) is under Comparisons.")
    r.out()

    # every figure, by section
    for prefix, title in SECTIONS:
        ms = [k for k in order if k.split(".")[0] == prefix]
        if not ms:
            continue
        r.out("## " + title)
        r.out()
        r.out("| setting | figure | min | median | max | runs |")
        r.out("|---|---|---|---|---|---|")
        for k in ms:
            v = vals[k]
            last = k.split(".")[-1]
            if last in HIDDEN or (last == "errors" and max(v) == 0):
                continue
            setting, figure = describe(k)
            u = units[k]
            r.out("| %s | %s | %s | %s | %s | %d |" % (
                setting, figure, fmt(min(v), u), fmt(statistics.median(v), u), fmt(max(v), u),
                len(v)))
        r.out()

    # derived comparisons people ask for
    r.out("## Comparisons (medians)")
    r.out()
    def ratio(label, x, y, unit="x"):
        if x and y:
            if unit == "%":
                r.out("- %s: %.0f%%" % (label, 100 * x / y))
            else:
                r.out("- %s: %.2f%s" % (label, x / y, unit))
    ratio("share of the engine's time in msg_parse + zone_split",
          m("engine.1core.cpu_msgs_s"), m("engine.parse.cpu_msgs_s"), "%")
    ratio("GMime alone / msg_parse + zone_split (how much our parsing adds)",
          m("engine.gmime.cpu_msgs_s"), m("engine.parse.cpu_msgs_s"))
    ratio("engine all cores / one core", m("engine.ncore.msgs_s"), m("engine.1core.msgs_s"))
    ratio("engine with prefilter / without (CPU time)", m("engine.1core.cpu_msgs_s"),
          m("engine_nopf.1core.cpu_msgs_s"))
    ratio("engine one core (CPU time) / spamd", m("engine.1core.cpu_msgs_s"), sp)
    ratio("leadmilter daemon (milter_load, unix) / spamd", m("milter.lm_unix.msgs_s"), sp)
    ratio("leadmilter / do-nothing milter, milter_load, unix", m("milter.lm_unix.msgs_s"),
          m("milter.null_unix.msgs_s"))
    ratio("leadmilter / do-nothing milter, milter_load, inet", m("milter.lm_inet.msgs_s"),
          m("milter.null_inet.msgs_s"))
    ratio("Postfix: do-nothing milter (unix) / no milter", m("postfix.null_unix.msgs_s"),
          m("postfix.none.msgs_s"))
    ratio("do-nothing milter, no replies negotiated / replies to every step, milter_load",
          m("milter.null_unix_nr.msgs_s"), m("milter.null_unix.msgs_s"))
    ratio("Postfix: do-nothing milter, no replies negotiated / replies to every step",
          m("postfix.null_unix_nr.msgs_s"), m("postfix.null_unix.msgs_s"))
    ratio("Postfix: do-nothing milter inet / unix", m("postfix.null_inet.msgs_s"),
          m("postfix.null_unix.msgs_s"))
    ratio("Postfix: do-nothing milter inet with TCP_NODELAY / without",
          m("postfix.null_inet_nd.msgs_s"), m("postfix.null_inet.msgs_s"))
    # Where the machine is busy throughout (CPU time per message x
    # messages/s = the CPU count), throughput is CPU time: the ratio of
    # CPU per message predicts the throughput ratio.
    ratio("Postfix, unix: machine CPU per message with the do-nothing milter / with "
          "leadmilter (the throughput ratio if the CPUs are the limit)",
          m("postfix.null_unix.machine_cpu_us"), m("postfix.lm_unix.machine_cpu_us"))
    lmc, nc = m("postfix.lm_unix.daemon_cpu_us"), m("postfix.null_unix.daemon_cpu_us")
    if lmc and nc:
        r.out("- Postfix, unix: the milter's own CPU per message: leadmilter %s, "
              "do-nothing milter %s" % (fmt(lmc, "us"), fmt(nc, "us")))
    for name in ("null_unix", "lm_unix"):
        cpu, rate = m("postfix.%s.machine_cpu_us" % name), m("postfix.%s.msgs_s" % name)
        if cpu and rate:
            r.out("- Postfix, %s: CPUs busy, about: %.2f of %d" %
                  (LABELS["postfix." + name], cpu * rate / 1e6, os.cpu_count() or 0))
    for n in ("400", "1600"):
        ratio("rules: cost of %s rules / cost of 100" % n, m("rules.100.1core.cpu_msgs_s"),
              m("rules.%s.1core.cpu_msgs_s" % n))
    for z in ("20k", "200k", "1m"):
        ratio("size: cost of a %s message / cost of a 2k one" % z, m("size.2k.1core.cpu_msgs_s"),
              m("size.%s.1core.cpu_msgs_s" % z))
    r.out()
    if notes:
        r.out("## Notes from the run")
        r.out()
        r.out("```")
        for n in notes:
            r.out(n)
        r.out("```")
    text = "\n".join(r.lines) + "\n"
    sys.stdout.write(text)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
