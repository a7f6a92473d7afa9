#!/usr/bin/env python3
"""Print bench/run's table from the files in its results directory.

usage: summary.py RESULTS_DIR "SERVERS" CLK_TCK "LOADS" ["TLS_SERVERS" "TLS_LOADS"]

LOADS are the small-reply loads' names in bench/run's order, such as
"uncorked-c64 corked-c64 uncorked-c1"; the first is the headline.
TLS_SERVERS and TLS_LOADS are those of the TLS exchanges, such as
"tinyhttpd-tls nginx-tls" and "tls-full-c64 tls-resumed-c64"; empty or
absent when bench/run ran none.

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


def describe(name):
    """The title of a load such as uncorked-c64."""
    mode, c = name.rsplit("-c", 1)
    how = {
        "uncorked": "uncorked: the request, then the FIN in a segment of its own, "
                    "as nc, Python and curl-like clients send (tinyload -cork=false)",
        "corked": "corked: the FIN with the request's last segment (TCP_CORK, tinyload's default)",
        "tls-full": "TLS, every exchange a full handshake, close_notify as the half-close "
                    "(tinyload -tls -resume=false)",
        "tls-resumed": "TLS, sessions resumed, close_notify as the half-close (tinyload -tls -resume=true)",
    }[mode]
    return "c=%s, %s" % (c, how)


COLS = [("srv_us", "server CPU us/exch", ".1f"), ("rps", "exchanges/s", ".0f"),
        ("p50", "p50 ms", ".2f"), ("p99", "p99 ms", ".2f"),
        ("cli_us", "client CPU us/exch", ".1f")]


def runs(out, kind, loads, servers, clk):
    """The figures of bench/run's KIND runs (small, tls), as load -> server
    -> round -> figures, from KIND-cpu.txt and the KIND-LOAD-SERVER-ROUND.json
    reports, and the rounds."""
    ticks = {}
    try:
        with open(os.path.join(out, kind + "-cpu.txt")) as f:
            next(f, None)
            for line in f:
                s, ld, r, t = line.split()
                ticks[(s, ld, int(r))] = int(t)
    except OSError:
        pass
    rounds = sorted({r for _, _, r in ticks})
    figs = {}
    for ld in loads:
        figs[ld] = {}
        for s in servers:
            figs[ld][s] = {}
            for r in rounds:
                d = load(os.path.join(out, f"{kind}-{ld}-{s}-{r}.json"))
                if not d or not d["exchanges"] or (s, ld, r) not in ticks:
                    continue
                tls = d.get("tls") or {}
                figs[ld][s][r] = {
                    "rps": d["exchanges_per_s"],
                    "p50": d["latency_ms"]["p50"],
                    "p99": d["latency_ms"]["p99"],
                    "srv_us": ticks[(s, ld, r)] * 1e6 / clk / d["exchanges"],
                    "cli_us": d["client_cpu_us_per_exchange"],
                    "errors": d["errors"],
                    "n": d["exchanges"],
                    "full": tls.get("full_handshakes", 0),
                    "resumed": tls.get("resumed_handshakes", 0),
                }
    return figs, rounds


def ratios(figs, rounds):
    """ratio(load, key, a, b): the median over the rounds of a's figure over
    b's, with the least and the greatest; Nones if there is none."""
    def ratio(ld, key, a, b):
        sm = figs.get(ld)
        if sm is None or a not in sm or b not in sm:
            return None, None, None
        rs = [sm[a][r][key] / sm[b][r][key] for r in rounds
              if r in sm[a] and r in sm[b] and sm[b][r][key]]
        if not rs:
            return None, None, None
        return statistics.median(rs), min(rs), max(rs)
    return ratio


def table(title, figs, rounds, ratio, ld, servers, handshakes=False):
    """Prints one load's medians, and each tinyhttpd's ratios to each anchor."""
    print()
    print("%s; median of %d rounds" % (title, len(rounds)))
    print("%-20s" % "server" + "".join("%20s" % c[1] for c in COLS) + "%10s" % "errors")
    for s in servers:
        row = "%-20s" % s
        for key, _, spec in COLS:
            row += "%20s" % fmt(med(v[key] for v in figs[ld][s].values()), spec)
        row += "%10d" % sum(v["errors"] for v in figs[ld][s].values())
        print(row)
    if handshakes:
        for s in servers:
            vs = figs[ld][s].values()
            print("  %s: handshakes in the measured runs: %d full, %d resumed" % (
                s, sum(v["full"] for v in vs), sum(v["resumed"] for v in vs)))
    tinies = [s for s in servers if s.startswith("tinyhttpd")]
    anchors = [s for s in servers if not s.startswith("tinyhttpd")]
    for tiny in tinies:
        print()
        print("  %s / anchor, %s: median of the per-round ratios [min-max]" % (tiny, ld))
        print("  %-18s" % "anchor" + "".join("%24s" % c[1] for c in COLS[:4]))
        for a in anchors:
            row = "  %-18s" % a
            for key, _, _ in COLS[:4]:
                m, lo, hi = ratio(ld, key, tiny, a)
                row += "%24s" % ("-" if m is None else "%.2f [%.2f-%.2f]" % (m, lo, hi))
            print(row)


def main():
    out, servers, clk, loads = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), sys.argv[4].split()
    tls_servers = sys.argv[5].split() if len(sys.argv) > 5 else []
    tls_loads = sys.argv[6].split() if len(sys.argv) > 6 else []
    headline = loads[0]
    small, rounds = runs(out, "small", loads, servers, clk)
    ratio = ratios(small, rounds)
    tls, tls_rounds = runs(out, "tls", tls_loads, tls_servers, clk)
    tls_ratio = ratios(tls, tls_rounds)

    with open(os.path.join(out, "machine.txt")) as f:
        print(f.read().rstrip())

    tinies = [s for s in servers if s.startswith("tinyhttpd")]
    for ld in loads:
        table("small reply (13 bytes), %s%s" % (describe(ld), " [headline]" if ld == headline else ""),
              small, rounds, ratio, ld, servers)
    for ld in tls_loads:
        table("TLS exchange, small reply (13 bytes), %s" % describe(ld), tls, tls_rounds, tls_ratio, ld,
              tls_servers, handshakes=True)

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
    try:
        with open(os.path.join(out, "idle.txt")) as f:
            next(f)
            lines = f.readlines()
    except OSError:
        lines = []
    for line in lines:
        s, before, held, n = line.split()
        per = (int(held) - int(before)) * 1024 / int(n)
        idle[s] = per
        try:
            with open(os.path.join(out, f"idle-{s}.txt")) as g:
                replies = g.readline().strip()
        except OSError:
            replies = ""
        print("%-20s%11.1f MiB%11.1f MiB%14.0f B  %s" % (s, int(before) / 1024, int(held) / 1024, per, replies))

    serial = load(os.path.join(out, "serial.json"))
    print()
    print("serial fraction: CPU profile of tinyhttpd during one more %s run, samples by the label \"acceptor\"" % headline)
    if serial is None:
        try:
            with open(os.path.join(out, "serial.txt")) as f:
                why = f.read().strip() or "no report"
        except OSError:
            why = "not measured (PROF=0, or the profile could not be fetched)"
        print("  " + why.replace("\n", "\n  "))
    else:
        print("  %d samples over %.1f s; K = %d acceptors" % (serial["samples"], serial["duration_s"], serial["k"]))
        for a in serial["acceptors"]:
            print("  acceptor %-8s %6.3f of all samples" % (a["value"], a["share"]))
        print("  unlabelled        %6.3f" % (serial["unlabelled"] / serial["samples"]))
        if serial.get("message"):
            print("  " + serial["message"] + ": serial fraction 0, no projection")
        else:
            print("  m = %.3f  busiest acceptor's share: the serial fraction (standard error %.3f)" % (serial["m"], serial["m_stderr"]))
            print("  a = %.3f  all acceptors' share" % serial["a"])
            print("  e = %.3f  busiest acceptor's excess over a fair split, m - a/K" % serial["e"])
            print("  %-34s" % "projected speedup" + "".join("%9s" % ("N=%d" % p["cores"]) for p in serial["speedups"]))
            print("  %-34s" % "1/(e + (1-e)/N)" + "".join("%9s" % ("%.2fx" % p["excess"]) for p in serial["speedups"]))
            print("  %-34s" % "plain Amdahl on m, 1/(m + (1-m)/N)" + "".join("%9s" % ("%.2fx" % p["plain"]) for p in serial["speedups"]))
            print("  (the first: one acceptor per core, acceptors grow with N; the second: the busiest")
            print("  acceptor's work does not spread at all)")

    uncorked1 = next((ld for ld in loads if ld == "uncorked-c1"), None)
    for tiny in tinies:
        print()
        print("targets, %s (server CPU per exchange and rates: %s unless said)" % (tiny, headline))

        def check(name, ok, text):
            print("  %-7s %s: %s" % ("met" if ok else "MISSED", name, text))

        def cpu_ratio(ld, anchor, limit):
            m = ratio(ld, "srv_us", tiny, anchor)[0]
            if m is not None:
                label = "server CPU per exchange <= %.2fx %s" % (limit, anchor)
                if ld != headline:
                    label += ", " + ld
                check(label, m <= limit, "%.2fx" % m)

        cpu_ratio(headline, "nginx-1d", 0.75)
        cpu_ratio(headline, "nginx-autod", 0.65)
        if uncorked1:
            cpu_ratio(uncorked1, "nginx-1d", 1.0)
        cpu_ratio(headline, "nginx", 1.0)
        m = ratio(headline, "rps", tiny, "nginx")[0]
        if m is not None:
            check("exchanges/s >= nginx", m >= 1.0, "%.2fx" % m)
        m = ratio(headline, "p99", tiny, "nginx")[0]
        if m is not None:
            check("p99 <= nginx", m <= 1.0, "%.2fx" % m)
        if tiny in idle:
            check("RSS per idle connection <= 4 KiB", idle[tiny] <= 4096, "%.0f B" % idle[tiny])
        if big.get(tiny) and big.get("plaingo"):
            r = big[tiny] / big["plaingo"]
            check("large reply complete and >= 1.0x plain Go", r >= 1.0, "%.2fx" % r)
        elif "plaingo" in big:
            check("large reply complete and >= 1.0x plain Go", False, "%s runs incomplete" % tiny)
        if tiny == "tinyhttpd" and serial is not None:
            check("serial fraction <= 0.60 with 2 acceptors", serial["m"] <= 0.60 and serial["k"] == 2 and not serial.get("message"),
                  serial.get("message") or "%.3f with K = %d" % (serial["m"], serial["k"]))
            s16 = next((p for p in serial.get("speedups") or [] if p["cores"] == 16), None)
            check("projected speedup on 16 cores >= 10x", s16 is not None and s16["excess"] >= 10,
                  "not projected" if s16 is None else "%.2fx (plain Amdahl on m: %.2fx)" % (s16["excess"], s16["plain"]))


    for tiny in (s for s in tls_servers if s.startswith("tinyhttpd") and tls_loads):
        print()
        print("targets, %s (TLS exchanges)" % tiny)
        for ld in tls_loads:
            for a in (s for s in tls_servers if s.startswith("nginx")):
                m = tls_ratio(ld, "srv_us", tiny, a)[0]
                ok = m is not None and m <= 1.0
                print("  %-7s TLS CPU per exchange <= 1.0x nginx (%s), %s: %s" % (
                    "met" if ok else "MISSED", a, ld, "not measured" if m is None else "%.2fx" % m))


if __name__ == "__main__":
    main()
