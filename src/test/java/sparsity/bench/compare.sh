#!/usr/bin/env bash
# Side-by-side: our kernels (KernelBench) and numpy/OpenBLAS float32 matmul, interleaved shape by
# shape (numpy then ours, same shape, same thread count), ROUNDS times, on 1 and 2 threads.
# Writes raw lines to OUT (default target/bench-compare.txt) and prints a summary (medians over
# rounds; ratio = median of the per-round ratios ours/numpy).
#   src/test/java/sparsity/bench/compare.sh [ROUNDS] [REPEATS]
# Needs: JAVA_HOME at a JDK 25, target/classes built (./mvnw -q compile), python3 with numpy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../.." && pwd)"
ROUNDS="${1:-3}"
REPEATS="${2:-7}"
OUT="${OUT:-$ROOT/target/bench-compare.txt}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
HERE="$ROOT/src/test/java/sparsity/bench"
SHAPES="4096x384x3072 4096x768x6144 4096x3072x384 384x4096x3072 4096x6144x768 768x4096x6144"
: > "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for t in 1 2; do
    echo "# round $r threads $t $(date -u +%H:%M:%S)" | tee -a "$OUT"
    for s in $SHAPES; do
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$HERE/numpy_matmul.py" "$t" "$REPEATS" "$s" \
        | sed "s/^/round=$r /" | tee -a "$OUT"
      "$JAVA" --add-modules jdk.incubator.vector -cp "$ROOT/target/classes" sparsity.kernels.bench.KernelBench \
        --only "gemm $s" "$REPEATS" "$t" 2>/dev/null | grep -v '^#' | sed "s/^/round=$r /" | tee -a "$OUT"
    done
    "$JAVA" --add-modules jdk.incubator.vector -cp "$ROOT/target/classes" sparsity.kernels.bench.KernelBench \
      --only "topk" "$REPEATS" "$t" 2>/dev/null | grep -v '^#' | sed "s/^/round=$r /" | tee -a "$OUT"
    "$JAVA" --add-modules jdk.incubator.vector -cp "$ROOT/target/classes" sparsity.kernels.bench.KernelBench \
      --only "sparse" "$REPEATS" "$t" 2>/dev/null | grep -v '^#' | sed "s/^/round=$r /" | tee -a "$OUT"
  done
done
python3 "$HERE/summarize.py" "$OUT"
