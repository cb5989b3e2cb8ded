#!/usr/bin/env bash
# Side-by-side: our kernels (KernelBench) and numpy/OpenBLAS float32 matmul, interleaved in one
# run, ROUNDS times, on 1 and 2 threads. Writes raw lines to OUT (default target/bench-compare.txt)
# and prints a summary (medians over rounds; ratio = median of per-round ours/numpy).
#   src/test/java/sparsity/bench/compare.sh [ROUNDS] [REPEATS]
# Needs: JAVA_HOME at a JDK 25, target/classes built (./mvnw -q compile), python3 with numpy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)"
ROUNDS="${1:-3}"
REPEATS="${2:-7}"
OUT="${OUT:-$ROOT/target/bench-compare.txt}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
HERE="$ROOT/src/test/java/sparsity/bench"
: > "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for t in 1 2; do
    echo "# round $r threads $t $(date -u +%H:%M:%S)" | tee -a "$OUT"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$HERE/numpy_matmul.py" "$t" "$REPEATS" | sed "s/^/round=$r /" | tee -a "$OUT"
    "$JAVA" --add-modules jdk.incubator.vector -cp "$ROOT/target/classes" sparsity.kernels.bench.KernelBench "$REPEATS" "$t" 2>/dev/null \
      | sed "s/^/round=$r /" | tee -a "$OUT"
  done
done
python3 "$HERE/summarize.py" "$OUT"
