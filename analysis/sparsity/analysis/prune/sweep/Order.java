package sparsity.analysis.prune.sweep;

import java.util.Arrays;
import java.util.List;

/**
 * Orders of scores, computed once and cut at every level: the same masks as
 * {@link sparsity.analysis.prune.Masks} (the lowest {@code round(level x n)} scores pruned, ties
 * by the lower index), from one primitive sort of (score, index) pairs instead of one boxed sort
 * per level.
 */
final class Order {

    private Order() {
    }

    /** A float's bits as an int whose signed order is the float's order (-0 before +0, as Float.compare). */
    private static long key(float f) {
        if (Float.isNaN(f)) throw new IllegalArgumentException("a score is NaN");
        int b = Float.floatToRawIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** Indices of {@code s[off..off+len)} (relative to off) by ascending score, ties by index. */
    static int[] ascending(float[] s, int off, int len) {
        long[] p = new long[len];
        for (int i = 0; i < len; i++) p[i] = key(s[off + i]) << 32 | i;
        Arrays.sort(p);
        int[] r = new int[len];
        for (int i = 0; i < len; i++) r[i] = (int) p[i];
        return r;
    }

    /** Indices into the concatenation of {@code scores} by ascending score, ties by index (global masks). */
    static int[] ascending(List<float[]> scores) {
        long n = 0;
        for (float[] s : scores) n += s.length;
        long[] p = new long[Math.toIntExact(n)];
        int k = 0;
        for (float[] s : scores) {
            for (float v : s) {
                p[k] = key(v) << 32 | k;
                k++;
            }
        }
        Arrays.sort(p);
        int[] r = new int[k];
        for (int i = 0; i < k; i++) r[i] = (int) p[i];
        return r;
    }

    /** How many of n a level prunes (as {@link sparsity.analysis.prune.Masks#pruneCount}). */
    static int count(int n, double level) {
        return sparsity.analysis.prune.Masks.pruneCount(n, level);
    }

    /** A keep-mask of n with the first {@code count(n, level)} of {@code order} pruned. */
    static boolean[] cut(int[] order, double level) {
        boolean[] keep = new boolean[order.length];
        Arrays.fill(keep, true);
        int prune = count(order.length, level);
        for (int r = 0; r < prune; r++) keep[order[r]] = false;
        return keep;
    }
}
