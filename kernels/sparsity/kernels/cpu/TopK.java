package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;

/**
 * Row-wise and batch-wide top-k with the order of {@link Checks#key} (NaN highest, ties to the
 * lower index).
 *
 * <p>Row-wise: the row's full vectors are dealt round-robin to 4 vector accumulators, so the
 * 4L lanes take the maxima of 4L disjoint groups. With k <= 4L, the k-th largest of those maxima
 * is a lower bound t on the k-th largest value (k distinct entries reach it). One vector pass
 * keeps the entries >= t (usually under 2k), and an exact sort of those (key, index) pairs picks
 * the k. A NaN, k > 4L or a row shorter than 4L sends the row to an exact sort of all entries.
 * Rows are split among threads.
 *
 * <p>Batch-wide: a two-pass 16-bit radix select on the keys finds the threshold key exactly,
 * then entries above it, and the first entries equal to it in row-major order, are kept.
 */
final class TopK {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    /** Vector accumulators of group maxima: 4 * L groups (64 with AVX-512). */
    private static final int GROUPS = 4;

    private TopK() {
    }

    static void rows(Parallel par, FloatMatrix x, FloatMatrix values, IntMatrix indices) {
        Checks.topk(x, values, indices);
        int n = x.cols();
        int k = values.cols();
        if (k == 0) return;
        par.forRange(x.rows(), 32, (part, from, to) -> {
            float[] row = new float[n];
            long[] cand = new long[n];
            float[] maxima = new float[GROUPS * L];
            for (int r = from; r < to; r++) {
                x.copyRow(r, row, 0);
                int c = candidates(row, n, k, cand, maxima);
                Arrays.sort(cand, 0, c);
                for (int j = 0; j < k; j++) {
                    int col = (int) cand[j];
                    values.segment().setAtIndex(F, r * values.stride() + j, row[col]);
                    indices.segment().setAtIndex(ValueLayout.JAVA_INT, r * indices.stride() + j, col);
                }
            }
        });
    }

    /** Sort key putting higher rank first, then lower index: ascending long order. */
    private static long rankKey(float v, int index) {
        return (long) ~Checks.key(v) << 32 | index;
    }

    /** Fills cand with rank keys of a superset of the row's top k (all entries in the worst case). */
    private static int candidates(float[] row, int n, int k, long[] cand, float[] maxima) {
        int full = n / L;
        if (full < GROUPS || GROUPS * L < k) {
            return all(row, n, cand);
        }
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        int v = 0;
        for (; v + GROUPS <= full; v += GROUPS) {
            int o = v * L;
            m0 = m0.max(FloatVector.fromArray(S, row, o));
            m1 = m1.max(FloatVector.fromArray(S, row, o + L));
            m2 = m2.max(FloatVector.fromArray(S, row, o + 2 * L));
            m3 = m3.max(FloatVector.fromArray(S, row, o + 3 * L));
        }
        // 4L disjoint groups; the k-th largest group maximum has k entries at or above it
        m0.intoArray(maxima, 0);
        m1.intoArray(maxima, L);
        m2.intoArray(maxima, 2 * L);
        m3.intoArray(maxima, 3 * L);
        if (Float.isNaN(m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX))) {
            return all(row, n, cand);
        }
        for (int i = v * L; i < n; i++) {
            if (Float.isNaN(row[i])) return all(row, n, cand);
        }
        Arrays.sort(maxima);
        float t = maxima[GROUPS * L - k];
        FloatVector tv = FloatVector.broadcast(S, t);
        int c = 0;
        int i = 0;
        for (; i + L <= n; i += L) {
            VectorMask<Float> ge = FloatVector.fromArray(S, row, i).compare(VectorOperators.GE, tv);
            if (ge.anyTrue()) {
                long bits = ge.toLong();
                while (bits != 0) {
                    int lane = Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    cand[c++] = rankKey(row[i + lane], i + lane);
                }
            }
        }
        for (; i < n; i++) {
            if (row[i] >= t) cand[c++] = rankKey(row[i], i);
        }
        return c;
    }

    private static int all(float[] row, int n, long[] cand) {
        for (int i = 0; i < n; i++) cand[i] = rankKey(row[i], i);
        return n;
    }

    static float batch(Parallel par, FloatMatrix x, int total, IntMatrix rowStart, IntMatrix cols, FloatMatrix vals) {
        Checks.batchTopk(x, total, rowStart, cols, vals);
        int rows = x.rows();
        int n = x.cols();
        if (total == 0) {
            rowStart.fill(0);
            return Float.NaN;
        }
        // pass 1: histogram of the high 16 bits of the unsigned-ordered key
        long[] high = histogram(par, x, -1);
        int b1 = 65535;
        long above = 0;
        while (above + high[b1] < total) above += high[b1--];
        // pass 2: the low 16 bits inside bucket b1
        long[] low = histogram(par, x, b1);
        int b2 = 65535;
        while (above + low[b2] < total) above += low[b2--];
        int thr = ((b1 << 16) | b2) ^ 0x80000000; // back to a signed key
        long equalToTake = total - above;
        // pass 3: per row counts of keys > thr and == thr
        int[] greater = new int[rows];
        int[] equal = new int[rows];
        par.forRange(rows, 16, (part, from, to) -> {
            for (int r = from; r < to; r++) {
                long base = r * x.stride();
                for (int c = 0; c < n; c++) {
                    int key = Checks.key(x.segment().getAtIndex(F, base + c));
                    if (key > thr) greater[r]++;
                    else if (key == thr) equal[r]++;
                }
            }
        });
        int[] takeEqual = new int[rows];
        int pos = 0;
        for (int r = 0; r < rows; r++) {
            rowStart.set(0, r, pos);
            takeEqual[r] = (int) Math.min(equal[r], equalToTake);
            equalToTake -= takeEqual[r];
            pos += greater[r] + takeEqual[r];
        }
        rowStart.set(0, rows, pos);
        // pass 4: write each row's kept columns in ascending order
        par.forRange(rows, 16, (part, from, to) -> {
            for (int r = from; r < to; r++) {
                int out = rowStart.get(0, r);
                int eq = takeEqual[r];
                long base = r * x.stride();
                for (int c = 0; c < n; c++) {
                    float v = x.segment().getAtIndex(F, base + c);
                    int key = Checks.key(v);
                    if (key > thr || (key == thr && eq-- > 0)) {
                        cols.segment().setAtIndex(ValueLayout.JAVA_INT, out, c);
                        vals.segment().setAtIndex(F, out++, v);
                    }
                }
            }
        });
        return Checks.unkey(thr);
    }

    /** Counts of key bits [31:16] (bucket < 0) or, for keys whose high half is bucket, bits [15:0]. */
    private static long[] histogram(Parallel par, FloatMatrix x, int bucket) {
        int parts = par.threads();
        long[][] partial = new long[parts][];
        par.forRange(x.rows(), 16, (part, from, to) -> {
            if (partial[part] == null) partial[part] = new long[65536];
            long[] h = partial[part];
            MemorySegment s = x.segment();
            for (int r = from; r < to; r++) {
                long base = r * x.stride();
                for (int c = 0; c < x.cols(); c++) {
                    int u = Checks.key(s.getAtIndex(F, base + c)) ^ 0x80000000;
                    if (bucket < 0) h[u >>> 16]++;
                    else if (u >>> 16 == bucket) h[u & 0xffff]++;
                }
            }
        });
        long[] sum = new long[65536];
        for (long[] h : partial) {
            if (h == null) continue;
            for (int i = 0; i < sum.length; i++) sum[i] += h[i];
        }
        return sum;
    }
}
