#!/usr/bin/env python3
"""Summarize compare.sh output: per gemm shape and thread count, the median over rounds of our
GFLOP/s and numpy's, and the median of the per-round ratios; then top-k and sparse lines."""
import re
import statistics
import sys
from collections import defaultdict

ours, numpy, other = defaultdict(dict), defaultdict(dict), defaultdict(list)
ours_cpu, numpy_cpu = defaultdict(dict), defaultdict(dict)
for line in open(sys.argv[1]):
    m = re.match(r"round=(\d+) (numpy-gemm|gemm) (\S+) op=(\w+) threads=(\d+) gflops=([\d.]+)", line)
    if m:
        rnd, kind, shape, op, t, g = m.groups()
        key = (shape, op, int(t))
        (numpy if kind == "numpy-gemm" else ours)[key][int(rnd)] = float(g)
        c = re.search(r"cpu_gflops=([\d.]+)", line)
        if c:
            (numpy_cpu if kind == "numpy-gemm" else ours_cpu)[key][int(rnd)] = float(c.group(1))
        continue
    m = re.match(r"round=(\d+) (topk|sparse-\w+) (.*) (rows_per_s|gflops)=([\d.e+]+)", line)
    if m:
        other[(m.group(2), m.group(3))].append(float(m.group(5)))
print(f"{'gemm MxKxN':<16} {'op':<3} {'thr':>3} {'ours':>7} {'numpy':>7} {'ratio':>6} | {'ours/cpu':>8} "
      f"{'numpy/cpu':>9} {'ratio':>6}  (GFLOP/s: wall, then per CPU-second; medians over rounds)")
for key in sorted(ours, key=lambda k: (k[2], list(ours).index(k))):
    rounds = sorted(set(ours[key]) & set(numpy.get(key, {})))
    if not rounds:
        continue
    o = statistics.median(ours[key][r] for r in rounds)
    n = statistics.median(numpy[key][r] for r in rounds)
    ratio = statistics.median(ours[key][r] / numpy[key][r] for r in rounds)
    cr = sorted(set(ours_cpu[key]) & set(numpy_cpu.get(key, {})))
    if cr:
        oc = statistics.median(ours_cpu[key][r] for r in cr)
        nc = statistics.median(numpy_cpu[key][r] for r in cr)
        rc = statistics.median(ours_cpu[key][r] / numpy_cpu[key][r] for r in cr)
        cpu = f"{oc:8.1f} {nc:9.1f} {rc:6.2f}"
    else:
        cpu = ""
    print(f"{key[0]:<16} {key[1]:<3} {key[2]:>3} {o:7.1f} {n:7.1f} {ratio:6.2f} | {cpu}  (n={len(rounds)})")
for (kind, shape), vals in other.items():
    print(f"{kind} {shape}: median {statistics.median(vals):.4g} over {len(vals)} rounds")
