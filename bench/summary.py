#!/usr/bin/env python3
"""Print bench/run's table from the files in its results directory.

usage: summary.py RESULTS_DIR "SERVERS" CLK_TCK

Every figure is the median over the rounds; a ratio is tinyhttpd's figure
divided by the anchor's, taken round by round (the servers ran one after the
other within a round) and then the median of those.
"""
import glob
import json
import os
import re
import statistics
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main():
    out, servers, clk = sys.argv[1], sys.argv[2].split(), int(sys.argv[3])
    ticks = {}
    with open(os.path.join(out, "small-cpu.txt")) as f:
        next(f)
        for line in f:
            s, r, t = line.split()
            ticks[(s, int(r))] = int(t)
    rounds = sorted({r for _, r in ticks})

    small = {}  # server -> round -> figures
    for s in servers:
        small[s] = {}
        for r in rounds:
            d = load(os.path.join(out, f"small-{s}-{r}.json"))
            if not d or not d["exchanges"]:
                continue
            small[s][r] = {
                "rps": d["exchanges_per_s"],
                "p50": d["latency_ms"]["p50"],
                "p99": d["latency_ms"]["p99"],
                "srv_us": ticks[(s, r)] * 1e6 / clk / d["exchanges"],
                "cli_us": d["client_cpu_us_per_exchange"],
                "errors": d["errors"],
                "n": d["exchanges"],
            }

    with open(os.path.join(out, "machine.txt")) as f:
        print(f.read().rstrip())
    print()
    cols = [("srv_us", "server CPU us/exch", ".1f"), ("rps", "exchanges/s", ".0f"),
            ("p50", "p50 ms", ".2f"), ("p99", "p99 ms", ".2f"),
            ("cli_us", "client CPU us/exch", ".1f")]
    print("small reply (13 bytes), c=%s, median of %d rounds" % (os.environ.get("C", "64"), len(rounds)))
    print("%-20s" % "server" + "".join("%20s" % c[1] for c in cols) + "%10s" % "errors")
    for s in servers:
        row = "%-20s" % s
        for key, _, spec in cols:
            row += "%20s" % fmt(med(v[key] for v in small[s].values()), spec)
        row += "%10d" % sum(v["errors"] for v in small[s].values())
        print(row)

    def ratio(key, a, b):
        rs = [small[a][r][key] / small[b][r][key] for r in rounds
              if r in small[a] and r in small[b] and small[b][r][key]]
        if not rs:
            return None, None, None
        return statistics.median(rs), min(rs), max(rs)

    tinies = [s for s in servers if s.startswith("tinyhttpd")]
    anchors = [s for s in servers if not s.startswith("tinyhttpd")]
    for tiny in tinies:
        print()
        print("%s / anchor, median of the per-round ratios [min-max]" % tiny)
        print("%-20s" % "anchor" + "".join("%24s" % c[1] for c in cols[:4]))
        for a in anchors:
            row = "%-20s" % a
            for key, _, _ in cols[:4]:
                m, lo, hi = ratio(key, tiny, a)
                cell = "-" if m is None else "%.2f [%.2f-%.2f]" % (m, lo, hi)
                row += "%24s" % cell
            print(row)

    print()
    print("large reply to a half-closed client (c=1), every run")
    print("%-20s%12s%14s%12s  %s" % ("server", "GB/s med", "complete", "runs", "first error"))
    big = {}
    for s in servers:
        rates, ok, n, first = [], 0, 0, ""
        for path in sorted(glob.glob(os.path.join(out, f"big-{s}-*.json"))):
            if not re.fullmatch(r"big-%s-\d+\.json" % re.escape(s), os.path.basename(path)):
                continue  # another server whose name starts with this one's
            d = load(path)
            if not d:
                continue
            n += d["exchanges"]
            ok += d["ok"]
            if d["elapsed_s"] > 0 and d["ok"] == d["exchanges"]:
                rates.append(d["bytes_in"] / d["elapsed_s"] / 1e9)
            for e in (d.get("first_errors") or {}).values():
                first = first or e
        big[s] = med(rates)
        print("%-20s%12s%14s%12d  %s" % (s, fmt(big[s], ".2f"), "%d/%d" % (ok, n),
                                         len(rates), first[:60]))
    for s in servers:
        if s.startswith("tinyhttpd") and big.get(s) and big.get("plaingo"):
            print("%s / plaingo GB/s: %.2f" % (s, big[s] / big["plaingo"]))

    print()
    print("idle connections held open (request sent but for its last CRLF)")
    print("%-20s%14s%14s%16s  %s" % ("server", "RSS before", "RSS held", "RSS/conn", "replies after"))
    idle = {}
    with open(os.path.join(out, "idle.txt")) as f:
        next(f)
        for line in f:
            s, before, held, n = line.split()
            per = (int(held) - int(before)) * 1024 / int(n)
            idle[s] = per
            try:
                with open(os.path.join(out, f"idle-{s}.txt")) as g:
                    replies = g.readline().strip()
            except OSError:
                replies = ""
            print("%-20s%11.1f MiB%11.1f MiB%14.0f B  %s" % (s, int(before) / 1024, int(held) / 1024, per, replies))

    for tiny in tinies:
        print()
        print("targets, %s" % tiny)

        def check(name, ok, text):
            print("  %-7s %s: %s" % ("met" if ok else "MISSED", name, text))

        if "nginx" in servers:
            m = ratio("srv_us", tiny, "nginx")[0]
            if m is not None:
                check("server CPU per exchange <= 1.0x nginx", m <= 1.0, "%.2fx" % m)
            m = ratio("rps", tiny, "nginx")[0]
            if m is not None:
                check("exchanges/s >= nginx", m >= 1.0, "%.2fx" % m)
            m = ratio("p99", tiny, "nginx")[0]
            if m is not None:
                check("p99 <= nginx", m <= 1.0, "%.2fx" % m)
        if tiny in idle:
            check("RSS per idle connection <= 4 KiB", idle[tiny] <= 4096, "%.0f B" % idle[tiny])
        if big.get(tiny) and big.get("plaingo"):
            r = big[tiny] / big["plaingo"]
            check("large reply complete and >= 0.9x plain Go", r >= 0.9, "%.2fx" % r)
        elif "plaingo" in big:
            check("large reply complete and >= 0.9x plain Go", False, "%s runs incomplete" % tiny)


if __name__ == "__main__":
    main()
