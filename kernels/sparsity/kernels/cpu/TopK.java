package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
    static final int GROUPS = 4;
    /** Groups of a row: GROUPS * L. */
    static final int GROUP_LANES = GROUPS * L;

    private TopK() {
    }

    /** Per-thread scratch: candidate keys, and the values and columns compressed out of a row. */
    static final class Scratch {
        long[] cand = new long[0];
        float[] vals = new float[0];
        int[] cols = new int[0];
        int[] keys = new int[0];

        /** Room for rows of n entries and a running list of k. */
        Scratch ensure(int n, int k) {
            int kl = (n + 2 * IL - 1) / (2 * IL) * (2 * IL);
            if (k > GROUP_LANES && keys.length < kl) keys = new int[kl];
            if (cand.length < n + k) cand = new long[n + k];
            if (vals.length < n + L) {
                vals = new float[n + L];
                cols = new int[n + L];
            }
            return this;
        }
    }

    private static final IntVector LANE_INDEX = IntVector.zero(IntVector.SPECIES_PREFERRED).addIndex(1);

    /**
     * The entries of row[off, off + n) that pass a compare with t (ge: v >= t, else !(v < t), which
     * also passes NaN), as rank keys (columns col0, ...) into sc.cand; returns their count.
     * Branch-free: every vector is compressed and stored whatever its mask (a branch on "any
     * lane passes" would be mispredicted often).
     */
    private static int filter(float[] row, int off, int n, int col0, float t, boolean ge, Scratch sc) {
        float[] cv = sc.vals;
        int[] ci = sc.cols;
        FloatVector tv = FloatVector.broadcast(S, t);
        int c = 0;
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, row, off + i);
            VectorMask<Float> m = ge ? v.compare(VectorOperators.GE, tv) : v.compare(VectorOperators.LT, tv).not();
            v.compress(m).intoArray(cv, c);
            LANE_INDEX.add(col0 + i).compress(m.cast(IntVector.SPECIES_PREFERRED)).intoArray(ci, c);
            c += m.trueCount();
        }
        for (; i < n; i++) {
            float v = row[off + i];
            if (ge ? v >= t : !(v < t)) {
                cv[c] = v;
                ci[c++] = col0 + i;
            }
        }
        long[] cand = sc.cand;
        for (int j = 0; j < c; j++) cand[j] = rankKey(cv[j], ci[j]);
        return c;
    }

    static void rows(Parallel par, FloatMatrix x, FloatMatrix values, IntMatrix indices) {
        Checks.topk(x, values, indices);
        int n = x.cols();
        int k = values.cols();
        if (k == 0) return;
        par.forRange(x.rows(), 32, (part, from, to) -> {
            float[] row = new float[n];
            Scratch sc = new Scratch().ensure(n, k);
            long[] cand = sc.cand;
            for (int r = from; r < to; r++) {
                x.copyRow(r, row, 0);
                int c = candidates(row, n, k, sc);
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
    private static int candidates(float[] row, int n, int k, Scratch sc) {
        return candidates(row, 0, n, 0, k, sc, null, 0);
    }

    /**
     * Rank keys of a superset of the top k of row[off, off + n), whose entries are columns col0,
     * col0 + 1, ... (all entries in the worst case).
     */
    private static int candidates(float[] row, int off, int n, int col0, int k, Scratch sc, float[] mx, int mo) {
        long[] cand = sc.cand;
        int full = n / L;
        if (full < GROUPS) {
            return all(row, off, n, col0, cand);
        }
        if (GROUPS * L < k) {
            return kthCandidates(row, off, n, col0, k, sc);
        }
        FloatVector m0, m1, m2, m3;
        int v = 0;
        if (mx != null) {
            // group maxima of the whole chunk, taken by the caller as the entries were made
            m0 = FloatVector.fromArray(S, mx, mo);
            m1 = FloatVector.fromArray(S, mx, mo + L);
            m2 = FloatVector.fromArray(S, mx, mo + 2 * L);
            m3 = FloatVector.fromArray(S, mx, mo + 3 * L);
            v = full;
        } else {
            m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            m1 = m0;
            m2 = m0;
            m3 = m0;
            for (; v + GROUPS <= full; v += GROUPS) {
                int o = off + v * L;
                m0 = m0.max(FloatVector.fromArray(S, row, o));
                m1 = m1.max(FloatVector.fromArray(S, row, o + L));
                m2 = m2.max(FloatVector.fromArray(S, row, o + 2 * L));
                m3 = m3.max(FloatVector.fromArray(S, row, o + 3 * L));
            }
        }
        // 4L disjoint groups; the k-th largest group maximum has k entries at or above it
        if (Float.isNaN(m0.max(m1).max(m2.max(m3)).reduceLanes(VectorOperators.MAX))) {
            return all(row, off, n, col0, cand);
        }
        for (int i = off + v * L; mx == null && i < off + n; i++) {
            if (Float.isNaN(row[i])) return all(row, off, n, col0, cand);
        }
        return filter(row, off, n, col0, bound(m0, m1, m2, m3, k), true, sc);
    }

    /**
     * Candidates when k exceeds the group count: the exact k-th largest key of the chunk by
     * bisection on its bits ({@link #kthLargestKey}), then the entries at or above it (at least
     * k; more on ties at it, or -0.0 against 0.0). A NaN sends the chunk to {@link #all}.
     */
    private static int kthCandidates(float[] row, int off, int n, int col0, int k, Scratch sc) {
        if (k >= n) return all(row, off, n, col0, sc.cand);
        int kl = (n + 2 * IL - 1) / (2 * IL) * (2 * IL);
        if (sc.keys.length < kl) sc.keys = new int[kl];
        int[] keys = sc.keys;
        if (keysOf(row, off, n, keys)) return all(row, off, n, col0, sc.cand);
        java.util.Arrays.fill(keys, n, kl, Integer.MIN_VALUE);
        int t = kthLargestKeyOf(keys, kl, k);
        return filter(row, off, n, col0, Checks.unkey(t), true, sc);
    }

    /** Keys of row[off, off + n) into keys[0, n); true when a NaN was met. */
    private static boolean keysOf(float[] row, int off, int n, int[] keys) {
        int i = 0;
        VectorMask<Float> nan = S.maskAll(false);
        for (; i + L <= n; i += L) {
            FloatVector v = FloatVector.fromArray(S, row, off + i);
            nan = nan.or(v.test(VectorOperators.IS_NAN));
            key(v).intoArray(keys, i);
        }
        boolean any = nan.anyTrue();
        for (; i < n; i++) {
            any |= Float.isNaN(row[off + i]);
            keys[i] = Checks.key(row[off + i]);
        }
        return any;
    }

    /** {@link #kthLargestKey} over keys[0, len) (len a multiple of 2 vectors). */
    private static int kthLargestKeyOf(int[] keys, int len, int k) {
        int prefix = 0;
        for (int bit = 31; bit >= 0; bit--) {
            int trial = prefix | 1 << bit;
            if (countAtLeast(keys, len, trial ^ Integer.MIN_VALUE) >= k) prefix = trial;
        }
        return prefix ^ Integer.MIN_VALUE;
    }

    /** Bits of a key settled by {@link #bound}: the sign, the exponent and 7 bits of mantissa. */
    private static final int BOUND_BITS = 16;

    /**
     * A lower bound t on the k-th largest of the 4L lanes of m0..m3 (no NaN) with at least k lanes
     * at or above it: the k-th largest key (Checks.key) to its top 16 bits, built bit by bit
     * (keep a bit when at least k keys reach the prefix with it), vector compares and bit counts
     * only; at most 2^-7 relative below the exact k-th largest.
     */
    private static float bound(FloatVector m0, FloatVector m1, FloatVector m2, FloatVector m3, int k) {
        IntVector k0 = key(m0), k1 = key(m1), k2 = key(m2), k3 = key(m3);
        int prefix = 0; // in the unsigned order of key ^ MIN_VALUE
        for (int bit = 31; bit >= 32 - BOUND_BITS; bit--) {
            int trial = prefix | 1 << bit;
            int thr = trial ^ Integer.MIN_VALUE;
            int count = Long.bitCount(k0.compare(VectorOperators.GE, thr).toLong())
                    + Long.bitCount(k1.compare(VectorOperators.GE, thr).toLong())
                    + Long.bitCount(k2.compare(VectorOperators.GE, thr).toLong())
                    + Long.bitCount(k3.compare(VectorOperators.GE, thr).toLong());
            if (count >= k) prefix = trial;
        }
        float t = Checks.unkey(prefix ^ Integer.MIN_VALUE);
        // keys below that of -Inf are negative NaNs; every entry is at or above -Inf
        return Float.isNaN(t) ? Float.NEGATIVE_INFINITY : t;
    }

    /** Checks.key of each lane. */
    private static IntVector key(FloatVector v) {
        IntVector b = v.reinterpretAsInts();
        return b.lanewise(VectorOperators.XOR, b.lanewise(VectorOperators.ASHR, 31).and(0x7fffffff));
    }

    private static int all(float[] row, int n, long[] cand) {
        return all(row, 0, n, 0, cand);
    }

    private static int all(float[] row, int off, int n, int col0, long[] cand) {
        for (int i = 0; i < n; i++) cand[i] = rankKey(row[off + i], col0 + i);
        return n;
    }

    /**
     * Merges a chunk of a row into the row's running top-k: chunk[off, off + n) holds the row's
     * columns col0, col0 + 1, ...; the values and indices at float/int index vo/io of vs/is hold,
     * in rank order, the top min(k, col0) of the columns before col0, and on return the top
     * min(k, col0 + n) of the columns before col0 + n. Chunks must come in column order. sc has
     * room for n entries and k (Scratch.ensure); mx at mo holds the chunk's 4L group maxima (see
     * Gemm.finish), or is null. The result is exactly topkRows' on the whole row.
     *
     * <p>The first chunk goes through the group-maximum filter and a sort of the survivors. A later
     * chunk is compared with the running k-th value: only entries ranking above it can enter (an
     * equal value has a higher index, so it ranks below; the merge drops it), usually few, which
     * are sorted and merged with the running list.
     */
    static void mergeChunk(float[] chunk, int off, int n, int col0, int k, MemorySegment vs, long vo, MemorySegment is,
                           long io, Scratch sc, float[] mx, int mo) {
        long[] cand = sc.cand;
        int have = Math.min(k, col0);
        if (have < k) {
            // a chunk entry of the merged top k is in the chunk's own top k
            int c = candidates(chunk, off, n, col0, k, sc, mx, mo);
            for (int j = 0; j < have; j++) cand[c++] = rankKey(vs.getAtIndex(F, vo + j), is.getAtIndex(ValueLayout.JAVA_INT, io + j));
            Arrays.sort(cand, 0, c);
            int keep = Math.min(k, col0 + n);
            for (int j = 0; j < keep; j++) {
                long key = cand[j];
                vs.setAtIndex(F, vo + j, unrank(key));
                is.setAtIndex(ValueLayout.JAVA_INT, io + j, (int) key);
            }
            return;
        }
        // entries not below the running k-th value (and NaN): usually few
        int c = filter(chunk, off, n, col0, vs.getAtIndex(F, vo + k - 1), false, sc);
        if (c == 0) return;
        Arrays.sort(cand, 0, c);
        // merge the sorted candidates with the running list (rank keys are distinct), keep k
        // the running list goes after the candidates (c <= n)
        for (int j = 0; j < k; j++) cand[n + j] = rankKey(vs.getAtIndex(F, vo + j), is.getAtIndex(ValueLayout.JAVA_INT, io + j));
        int a = n;
        int b = 0;
        for (int j = 0; j < k; j++) {
            long key = b >= c || a < n + k && cand[a] < cand[b] ? cand[a++] : cand[b++];
            vs.setAtIndex(F, vo + j, unrank(key));
            is.setAtIndex(ValueLayout.JAVA_INT, io + j, (int) key);
        }
    }

    /** The value of a rank key (NaN as the canonical NaN). */
    private static float unrank(long key) {
        return Checks.unkey(~(int) (key >> 32));
    }

    /**
     * In place, per row: the k largest entries (rank order of Checks.key, ties to the lower index)
     * become max(0, x), the others 0. The k-th largest key is found exactly by bisection on its
     * bits (32 rounds of vector compares over the row's keys; a quickselect or a radix select with
     * histograms was several times slower at AuxK's sizes), then a vector pass keeps the entries at
     * or above it (a scalar pass when several equal it). Rows are split among threads.
     */
    static void reluRows(Parallel par, FloatMatrix x, int k) {
        int n = x.cols();
        if (k < 0 || k > n) throw new IllegalArgumentException("k = " + k + " outside [0, " + n + "]");
        par.forRange(x.rows(), 16, (part, from, to) -> {
            float[] row = new float[n];
            int[] keys = new int[(n + 2 * IL - 1) / (2 * IL) * (2 * IL)];
            for (int r = from; r < to; r++) {
                x.copyRow(r, row, 0);
                reluRow(row, keys, n, k);
                MemorySegment.copy(row, 0, x.segment(), F, 4L * r * x.stride(), n);
            }
        });
    }

    private static void reluRow(float[] row, int[] keys, int n, int k) {
        if (k == 0) {
            Arrays.fill(row, 0, n, 0f);
            return;
        }
        int i = 0;
        for (; i + L <= n; i += L) key(FloatVector.fromArray(S, row, i)).intoArray(keys, i);
        for (; i < n; i++) keys[i] = Checks.key(row[i]);
        // padding that no count takes (every threshold tried is above MIN_VALUE)
        Arrays.fill(keys, n, keys.length, Integer.MIN_VALUE);
        int t = kthLargestKey(keys, k);
        if (countAtLeast(keys, keys.length, t) == k) {
            // no tie at the threshold: keep the keys at or above it, branch-free
            FloatVector zero = FloatVector.zero(S);
            for (i = 0; i + L <= n; i += L) {
                VectorMask<Float> keep = IntVector.fromArray(IS, keys, i).compare(VectorOperators.GE, t).cast(S);
                zero.blend(FloatVector.fromArray(S, row, i).max(zero), keep).intoArray(row, i);
            }
            for (; i < n; i++) row[i] = keys[i] >= t ? Math.max(0f, row[i]) : 0f;
            return;
        }
        // ties at the threshold: the lower indices first
        int above = 0;
        for (int j = 0; j < n; j++) if (keys[j] > t) above++;
        int equal = k - above;
        for (int j = 0; j < n; j++) {
            int key = keys[j];
            row[j] = key > t || key == t && equal-- > 0 ? Math.max(0f, row[j]) : 0f;
        }
    }

    /**
     * The k-th largest (1 <= k) of the keys (padded with MIN_VALUE to a multiple of 2 vectors),
     * bit by bit from the top in the unsigned order of key ^ MIN_VALUE: a bit stays set when at
     * least k keys reach the prefix with it. Counts are vector compares summed in vectors (a
     * branch per key would be mispredicted about once in three).
     */
    static int kthLargestKey(int[] keys, int k) {
        int prefix = 0;
        for (int bit = 31; bit >= 0; bit--) {
            int trial = prefix | 1 << bit;
            if (countAtLeast(keys, keys.length, trial ^ Integer.MIN_VALUE) >= k) prefix = trial;
        }
        return prefix ^ Integer.MIN_VALUE;
    }

    private static int countAtLeast(int[] keys, int len, int t) {
        IntVector c0 = IntVector.zero(IS), c1 = c0;
        for (int i = 0; i < len; i += 2 * IL) {
            c0 = c0.sub(IntVector.fromArray(IS, keys, i).compare(VectorOperators.GE, t).toVector());
            c1 = c1.sub(IntVector.fromArray(IS, keys, i + IL).compare(VectorOperators.GE, t).toVector());
        }
        return c0.add(c1).reduceLanes(VectorOperators.ADD);
    }

    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int IL = IS.length();

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
