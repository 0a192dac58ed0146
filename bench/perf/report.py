#!/usr/bin/env python3
"""Turns bench/perf/run.sh's raw measurements into report.md and gnuplot
scripts (run.sh renders the PNGs).

usage: report.py <work dir> <results dir> <repo root> key=value...
"""
import glob
import os
import re
import statistics
import sys


def pct(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def main():
    work, res, root = sys.argv[1:4]
    kv = dict(a.split("=", 1) for a in sys.argv[4:])
    out = []
    w = out.append

    w("# vlapic-fuzz measurements (model target)\n")
    w("Produced by `bench/perf/run.sh --seeds=%s --budget=%s` on %d cores. "
      "Raw data: `out/bench/`.\n" % (kv["seeds"], kv["budget"], os.cpu_count()))

    # 1. throughput
    limit = num(kv.get("tp_limit"))
    w("## 1. Throughput on the same corpus\n")
    w("Corpus: %s inputs kept by %ss of libFuzzer on `eventinj`. The fuzzers "
      "mutate from that corpus for %ss each; the limit replays it in a loop "
      "with no engine and no instrumentation (-O2).\n" % (kv["ninputs"], kv["budget"], kv["budget"]))
    w("| build | exec/s | ratio to the limit |")
    w("|---|---:|---:|")
    rows = [("libFuzzer + ASan + UBSan", kv.get("tp_san")),
            ("libFuzzer, no sanitizers", kv.get("tp_nosan")),
            ("AFL++ persistent mode", kv.get("tp_afl")),
            ("replay loop, -O2, no instrumentation (limit)", kv.get("tp_limit"))]
    tp_plot = []
    for name, v in rows:
        x = num(v)
        if x is None:
            w("| %s | not measured (not built here) | |" % name)
            continue
        ratio = "%.2f" % (x / limit) if limit else "?"
        w("| %s | %.0f | %s |" % (name, x, ratio))
        tp_plot.append((name.split(",")[0].split(" (")[0], x))
    tp64 = num(kv.get("tp64"))
    w("")
    if tp64 is not None:
        w("libFuzzer + ASan + UBSan on programs of at most 64 operations "
          "(`-max_len=193 -len_control=0`, 64-operation seeds): **%.0f exec/s** on one core.\n" % tp64)
    with open(os.path.join(res, "throughput.dat"), "w") as f:
        for i, (n, x) in enumerate(tp_plot):
            f.write('%d "%s" %.0f\n' % (i, n, x))
    with open(os.path.join(res, "throughput.gp"), "w") as f:
        f.write('set terminal pngcairo size 800,400\nset output "throughput.png"\n'
                'set style fill solid\nset boxwidth 0.6\nset ylabel "exec/s"\n'
                'set title "Throughput on the same corpus"\nset xtics rotate by -15\n'
                'plot "throughput.dat" using 1:3:xtic(2) with boxes notitle\n')
    w("![throughput](throughput.png)\n")

    # 2. scaling
    w("## 2. Cost per operation\n")
    w("Random programs of exactly N operations, plain -O2 build (`vlf-bench throughput`), "
      "policy `eventinj`. Each run ends with the drain, so short programs pay it over fewer "
      "operations.\n")
    scal = [l.split() for l in open(os.path.join(work, "scaling.dat")) if l.strip()]
    w("| vCPUs | ops | exec/s | ns/op |")
    w("|---:|---:|---:|---:|")
    for v, o, e, n in scal:
        w("| %s | %s | %s | %s |" % (v, o, e, n))
    w("")
    with open(os.path.join(res, "scaling.dat"), "w") as f:
        for v in "1234":
            for row in scal:
                if row[0] == v:
                    f.write("%s %s\n" % (row[1], row[3]))
            f.write("\n\n")
    with open(os.path.join(res, "scaling.gp"), "w") as f:
        f.write('set terminal pngcairo size 800,400\nset output "scaling.png"\n'
                'set logscale x 2\nset xlabel "operations per program"\nset ylabel "ns per operation"\n'
                'set title "Cost per operation (plain -O2)"\n'
                'plot for [i=0:3] "scaling.dat" index i using 1:2 with linespoints title sprintf("%d vCPU(s)", i+1)\n')
    w("![scaling](scaling.png)\n")

    # 3. time to bug
    w("## 3. Time to bug: the `virq` lost vector\n")
    ttb = {}
    for l in open(os.path.join(work, "ttb.dat")):
        p = l.split()
        if len(p) >= 4:
            ttb.setdefault(p[0], []).append((float(p[2]), float(p[3] or 0)))
    w("| engine | runs | median s | p90 s | median execs | p90 execs |")
    w("|---|---:|---:|---:|---:|---:|")
    for eng in ("libfuzzer", "afl", "baseline"):
        if eng not in ttb:
            continue
        t = [a for a, _ in ttb[eng]]
        e = [b for _, b in ttb[eng]]
        w("| %s | %d | %.3f | %.3f | %.0f | %.0f |" % (eng, len(t), statistics.median(t), pct(t, 0.9),
                                                     statistics.median(e), pct(e, 0.9)))
    if "libfuzzer" in ttb and "baseline" in ttb:
        lf = statistics.median([a for a, _ in ttb["libfuzzer"]])
        bl = statistics.median([a for a, _ in ttb["baseline"]])
        lfe = statistics.median([b for _, b in ttb["libfuzzer"]])
        ble = statistics.median([b for _, b in ttb["baseline"]])
        w("\nGuided/baseline: time ratio (baseline median / libFuzzer median) **%.2f**, "
          "executions ratio **%.2f**. libFuzzer's time includes process start and "
          "instrumentation; the baseline is the plain -O2 build.\n" % (bl / lf if lf else 0, ble / lfe if lfe else 0))
    with open(os.path.join(res, "ttb.dat"), "w") as f:
        for i, eng in enumerate(("libfuzzer", "afl", "baseline")):
            for a, b in ttb.get(eng, []):
                f.write("%d %f %s\n" % (i, b, eng))
    with open(os.path.join(res, "ttb.gp"), "w") as f:
        f.write('set terminal pngcairo size 800,400\nset output "ttb.png"\nset logscale y\n'
                'set ylabel "executions to first violation"\nset xtics ("libFuzzer" 0, "AFL++" 1, "no feedback" 2)\n'
                'set xrange [-0.5:2.5]\nset title "Time to bug (virq), one point per seed"\n'
                'plot "ttb.dat" using ($1+0.1*(rand(0)-0.5)):2 with points pt 7 notitle\n')
    w("![time to bug](ttb.png)\n")

    # 4. policy study
    w("## 4. Policy study\n")
    w("libFuzzer with `-fork=1 -ignore_crashes=1` for %ss per cell; each crash replayed and "
      "counted by the invariant it breaks (count of distinct crash files).\n" % kv["budget"])
    w("Latency: for every delivered request of the cell's corpus (drain included), the guest "
      "instructions and VMRUNs (all vCPUs) between the post and the start of its delivery.\n")
    w("| policy | CR8 writes | invariants broken (crash files) | delivery latency: median / p90 / max |")
    w("|---|---|---|---|")
    for p in ("virq", "virq-pending", "eventinj"):
        for c in ("intercept", "passthrough"):
            base = os.path.join(work, "study-%s-%s" % (p, c))
            inv = open(base + ".invariants").read().strip() if os.path.exists(base + ".invariants") else ""
            lat = open(base + ".latency").read().strip() if os.path.exists(base + ".latency") else ""
            mi = re.search(r"insns_median=(\S+) insns_p90=(\S+) insns_max=(\S+)", lat)
            mv = re.search(r"vmruns_median=(\S+) vmruns_p90=(\S+) vmruns_max=(\S+)", lat)
            latency = ("%s / %s / %s instructions; %s / %s / %s VMRUNs" % (mi.groups() + mv.groups())
                       if mi and mv else "not measured")
            w("| %s | %s | %s | %s |" % (p, c, inv or "none", latency))
    w("")

    # 5. coverage
    w("## 5. Coverage of the model after the campaigns\n")
    w("llvm-cov over the corpora of sections 1 and 4, replayed on the coverage build:\n")
    w("```")
    w(open(os.path.join(work, "cov-report.txt")).read().rstrip())
    w("```\n")
    w("Uncovered lines, by function:\n")
    fn_start, uncovered = {}, {}
    cur = None
    for l in open(os.path.join(work, "cov.lcov")):
        l = l.strip()
        if l.startswith("SF:"):
            cur = l[3:]
            fn_start[cur] = []
            uncovered[cur] = []
        elif l.startswith("FN:"):
            line, name = l[3:].split(",", 1)
            fn_start[cur].append((int(line), name))
        elif l.startswith("DA:"):
            line, count = l[3:].split(",")[:2]
            if int(count) == 0:
                uncovered[cur].append(int(line))
    any_line = False
    for f in sorted(uncovered):
        starts = sorted(fn_start[f])
        byfn = {}
        for ln in uncovered[f]:
            name = "?"
            for s, n in starts:
                if s <= ln:
                    name = n
            byfn.setdefault(name, []).append(ln)
        for name, lines in sorted(byfn.items()):
            any_line = True
            w("- `%s` %s: lines %s" % (os.path.relpath(f, root), name, ", ".join(map(str, lines))))
    if not any_line:
        w("- none")
    w("")
    with open(os.path.join(res, "report.md"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
