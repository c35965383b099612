#!/usr/bin/env python3
"""spamc_load - time spamd over a message set with concurrent spamc clients

Usage: spamc_load.py --port P [--conns N] [--count N] [--seconds S]
                     [--repeats R] [--label L] MSGDIR

Runs `spamc -d 127.0.0.1 -p P -c` once per message (the *.eml files of
MSGDIR in name order, cycled), N at a time (default 4: spamd's two children
stay busy while the next clients start), after a warm-up of 20 messages.
A message's latency is the spamc run, process start included (a few
milliseconds against spamd's tens).  Each repeat stops after --count
messages or --seconds, whichever comes first; every spamc has a 30 s
timeout.  Prints tab-separated figures for tests/bench/report.py:
LABEL.msgs_s, .p50_us, .p99_us, .max_us, .msgs, .errors (spamc exit codes
other than 0 and 1, the "spam" answer).
"""
import argparse
import os
import subprocess
import sys
import threading
import time


def pct(v, q):
    """pct - nearest-rank quantile of sorted values"""
    if not v:
        return 0.0
    k = int(q * len(v) + 0.999999)
    return v[min(max(k, 1), len(v)) - 1]


def run(files, port, conns, count, seconds):
    """run - one timed pass; (rate, sorted latencies in us, errors)"""
    lock = threading.Lock()
    state = {"next": 0, "errors": 0}
    lat = []
    deadline = time.monotonic() + seconds

    def worker():
        while True:
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= count or time.monotonic() > deadline:
                return
            path = files[i % len(files)]
            t0 = time.monotonic()
            try:
                with open(path, "rb") as f:
                    rc = subprocess.run(["spamc", "-d", "127.0.0.1", "-p", str(port), "-c",
                                         "-t", "30"], stdin=f, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, timeout=40).returncode
            except subprocess.TimeoutExpired:
                rc = -1
            t1 = time.monotonic()
            with lock:
                if rc in (0, 1):
                    lat.append((t1 - t0) * 1e6)
                else:
                    state["errors"] += 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    lat.sort()
    return len(lat) / elapsed, lat, state["errors"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--label", default="spamd")
    ap.add_argument("msgdir")
    a = ap.parse_args()
    files = sorted(os.path.join(a.msgdir, f) for f in os.listdir(a.msgdir) if f.endswith(".eml"))
    if not files:
        print("spamc_load: %s: no *.eml files" % a.msgdir, file=sys.stderr)
        return 1
    print("# %s: spamc -c to 127.0.0.1:%d, %d at a time, %d messages from %s"
          % (a.label, a.port, a.conns, len(files), a.msgdir))
    run(files, a.port, a.conns, 20, a.seconds)     # warm-up
    status = 0
    for r in range(1, a.repeats + 1):
        rate, lat, errors = run(files, a.port, a.conns, a.count, a.seconds)
        if errors:
            status = 1
        for name, value, unit in (("msgs_s", rate, "msgs/s"), ("p50_us", pct(lat, 0.5), "us"),
                                  ("p99_us", pct(lat, 0.99), "us"),
                                  ("max_us", lat[-1] if lat else 0, "us"),
                                  ("msgs", len(lat), "msgs"), ("errors", errors, "msgs")):
            print("%s.%s\t%d\t%.1f\t%s" % (a.label, name, r, value, unit))
        sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
