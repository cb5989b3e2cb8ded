#!/usr/bin/env python3
"""numpy float32 matmul GFLOP/s at the compute layer's benchmark shapes (the side-by-side peer).

Usage: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 numpy_matmul.py THREADS [REPEATS]
Prints one line per shape in KernelBench's format:
`numpy-gemm MxKxN op=NN threads=T gflops=... best=... cpu_gflops=...` (gflops: median wall time
over REPEATS timed calls after one warm-up; best: the fastest call; cpu_gflops: GFLOP per second of
CPU time this process used, which a busy shared machine disturbs less). No samples are rejected,
so on a shared machine run it interleaved with the Java side and compare ratios.
OPENBLAS_NUM_THREADS must be set before numpy loads, so this sets it from THREADS itself.
"""
import os
import sys

threads = sys.argv[1] if len(sys.argv) > 1 else "1"
os.environ["OPENBLAS_NUM_THREADS"] = threads
os.environ["OMP_NUM_THREADS"] = threads
import time  # noqa: E402
import numpy as np  # noqa: E402

repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
# (M, K, N, op): op(A) is MxK, op(B) is KxN; a 'T' means that operand is stored transposed
SHAPES = [(4096, 384, 3072, "NN"), (4096, 768, 6144, "NN"),
          (4096, 3072, 384, "NT"), (384, 4096, 3072, "TN"),
          (4096, 6144, 768, "NT"), (768, 4096, 6144, "TN")]
if len(sys.argv) > 3:
    SHAPES = [s for s in SHAPES if f"{s[0]}x{s[1]}x{s[2]}" in sys.argv[3:]]
rng = np.random.default_rng(0)
for m, k, n, op in SHAPES:
    a = rng.standard_normal((k, m) if op[0] == "T" else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if op[1] == "T" else (k, n), dtype=np.float32)
    a = a.T if op[0] == "T" else a
    b = b.T if op[1] == "T" else b
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)
    ts, cs = [], []
    for _ in range(repeats):
        c0 = time.process_time()
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c0)
    ts.sort()
    cs.sort()
    fl = 2.0 * m * k * n / 1e9
    # gflops: wall-clock median; best: fastest call; cpu: GFLOP per CPU-second of this process (median)
    print(f"numpy-gemm {m}x{k}x{n} op={op} threads={threads} gflops={fl / ts[len(ts) // 2]:.1f} "
          f"best={fl / ts[0]:.1f} cpu_gflops={fl / cs[len(cs) // 2]:.1f}", flush=True)
