package sparsity.analysis.prune;

import java.util.Arrays;
import java.util.List;

/**
 * Turns scores into keep-masks ({@code true} = kept). Every mask prunes exactly the number of
 * weights it says: {@code round(sparsity x count)} of the scope (layer, output row, or all layers
 * together); the lowest scores go first, ties broken by the lower index. N:M masks keep the N
 * best of every M consecutive weights along the input dimension of each output row.
 */
public final class Masks {

    private Masks() {
    }

    /** How many of {@code n} weights a sparsity prunes. */
    public static int pruneCount(int n, double sparsity) {
        checkSparsity(sparsity);
        return (int) Math.round(sparsity * n);
    }

    /** Layer-wise unstructured: the lowest scores of the whole layer are pruned. */
    public static boolean[] unstructured(float[] scores, double sparsity) {
        boolean[] keep = new boolean[scores.length];
        Arrays.fill(keep, true);
        int prune = pruneCount(scores.length, sparsity);
        for (int i : lowest(scores, 0, scores.length, prune)) keep[i] = false;
        return keep;
    }

    /**
     * Per output row (Wanda's comparison group): each row of {@code [out, in]} is cut on its own
     * scores. The layer loses exactly {@code round(sparsity x out x in)} weights: every row loses
     * {@code floor} of its share, and the rows left over lose one more, those whose next weight
     * in line scores lowest (ties to the lower row).
     */
    public static boolean[] perRow(float[] scores, int out, int in, double sparsity) {
        boolean[] keep = new boolean[scores.length];
        Arrays.fill(keep, true);
        checkSparsity(sparsity);
        if (out == 0 || in == 0) return keep;
        long total = Math.round(sparsity * ((long) out * in));
        int base = (int) (total / out);
        int extra = (int) (total - (long) base * out);
        int[][] orders = new int[out][];
        for (int o = 0; o < out; o++) orders[o] = ascending(scores, o * in, in);
        if (extra > 0) {
            float[] next = new float[out];
            for (int o = 0; o < out; o++) next[o] = scores[o * in + orders[o][base]];
            int[] rows = ascending(next, 0, out);
            for (int r = 0; r < extra; r++) keep[rows[r] * in + orders[rows[r]][base]] = false;
        }
        for (int o = 0; o < out; o++) {
            for (int r = 0; r < base; r++) keep[o * in + orders[o][r]] = false;
        }
        return keep;
    }

    /**
     * Global: one threshold over every layer's scores (magnitude-global, LAMP). Returns one mask
     * per layer; the total pruned is exactly round(sparsity x total).
     */
    public static List<boolean[]> global(List<float[]> scores, double sparsity) {
        int total = 0;
        for (float[] s : scores) total += s.length;
        float[] flat = new float[total];
        int k = 0;
        for (float[] s : scores) {
            for (float v : s) flat[k++] = v;
        }
        boolean[] keepFlat = new boolean[total];
        Arrays.fill(keepFlat, true);
        int prune = pruneCount(total, sparsity);
        for (int i : lowest(flat, 0, total, prune)) keepFlat[i] = false;
        java.util.ArrayList<boolean[]> out = new java.util.ArrayList<>();
        int off = 0;
        for (float[] s : scores) {
            out.add(Arrays.copyOfRange(keepFlat, off, off + s.length));
            off += s.length;
        }
        return out;
    }

    /**
     * N:M along the input dimension: in every group of {@code m} consecutive inputs of each output
     * row, the {@code n} best are kept. {@code in} must be a multiple of m.
     */
    public static boolean[] nm(float[] scores, int out, int in, int n, int m) {
        if (n < 0 || m < 1 || n > m) throw new IllegalArgumentException("N:M needs 0 <= N <= M, got " + n + ":" + m);
        if (in % m != 0) {
            throw new IllegalArgumentException("N:M " + n + ":" + m + " needs an input dimension that is a multiple of "
                    + m + ", this layer has " + in);
        }
        boolean[] keep = new boolean[scores.length];
        for (int o = 0; o < out; o++) {
            for (int g = 0; g < in; g += m) {
                int[] order = ascending(scores, o * in + g, m);
                for (int r = m - n; r < m; r++) keep[o * in + g + order[r]] = true;
            }
        }
        return keep;
    }

    /** True when every group of m consecutive inputs of every row keeps at most n weights. */
    public static boolean satisfiesNm(boolean[] keep, int out, int in, int n, int m) {
        if (in % m != 0) return false;
        for (int o = 0; o < out; o++) {
            for (int g = 0; g < in; g += m) {
                int kept = 0;
                for (int t = 0; t < m; t++) if (keep[o * in + g + t]) kept++;
                if (kept > n) return false;
            }
        }
        return true;
    }

    /** Fraction of pruned weights. */
    public static double sparsity(boolean[] keep) {
        int pruned = 0;
        for (boolean k : keep) if (!k) pruned++;
        return keep.length == 0 ? 0 : (double) pruned / keep.length;
    }

    /** Jaccard overlap of the pruned sets of two masks (1 when both prune nothing). */
    public static double jaccardOfPruned(boolean[] a, boolean[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("masks of different sizes");
        int inter = 0;
        int union = 0;
        for (int i = 0; i < a.length; i++) {
            if (!a[i] && !b[i]) inter++;
            if (!a[i] || !b[i]) union++;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    /**
     * Indices {@code [0, len)} of {@code s[off..off+len)} by ascending score in the order of
     * {@link Float#compare}, ties by index. A primitive sort of (score, index) keys, so that a
     * global mask over millions of weights sorts in a second without boxing.
     */
    static int[] ascending(float[] s, int off, int len) {
        long[] keys = new long[len];
        for (int i = 0; i < len; i++) keys[i] = ((long) sortable(s[off + i]) << 32) | i;
        Arrays.sort(keys);
        int[] r = new int[len];
        for (int i = 0; i < len; i++) r[i] = (int) keys[i];
        return r;
    }

    /**
     * The {@code k} lowest of {@code s[off..off+len)} in the order of {@link #ascending} (the same
     * set as its first k), as indices into {@code [0, len)} in no particular order. A quickselect
     * on (score, index) keys: linear time, where a sort would be n log n.
     */
    static int[] lowest(float[] s, int off, int len, int k) {
        if (k < 0 || k > len) throw new IllegalArgumentException("cannot pick " + k + " of " + len);
        if (k == 0) return new int[0];
        long[] keys = new long[len];
        for (int i = 0; i < len; i++) keys[i] = ((long) sortable(s[off + i]) << 32) | i;
        if (k < len) select(keys, k);
        int[] r = new int[k];
        for (int i = 0; i < k; i++) r[i] = (int) keys[i];
        return r;
    }

    /** Reorders distinct keys so that the k smallest come first (Hoare partition, median of three). */
    private static void select(long[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        while (hi > lo) {
            if (hi - lo < 16) {
                Arrays.sort(a, lo, hi + 1);
                return;
            }
            int mid = (lo + hi) >>> 1;
            long x = a[lo];
            long y = a[mid];
            long z = a[hi];
            long pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // now a[lo..j] <= pivot <= a[i..hi]; the k smallest are a[0..k)
            if (k - 1 <= j) {
                hi = j;
            } else if (k - 1 >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    /** An int whose signed order is {@link Float#compare}'s order of the floats (NaN last). */
    static int sortable(float f) {
        int b = Float.floatToIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    private static void checkSparsity(double s) {
        if (!(s >= 0 && s <= 1)) throw new IllegalArgumentException("sparsity must be in [0, 1], was " + s);
    }
}
