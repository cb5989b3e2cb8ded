package sparsity.kernels;

/**
 * Counts of values over {@code counts.length} equal-width bins of [lo, hi): value v goes to bin
 * floor((v - lo) / (hi - lo) * bins), clamped so that hi itself is not counted in the last bin.
 *
 * @param lo     lower edge (inclusive)
 * @param hi     upper edge (exclusive)
 * @param counts per-bin counts
 * @param below  values < lo (including -Inf)
 * @param above  values >= hi (including +Inf)
 * @param nan    NaN values
 */
public record Histogram(float lo, float hi, long[] counts, long below, long above, long nan) {

    /** Total number of values seen. */
    public long total() {
        long t = below + above + nan;
        for (long c : counts) t += c;
        return t;
    }

    /** The bin of a finite value in [lo, hi), shared by every backend so they agree exactly. */
    public static int binOf(float v, float lo, float hi, int bins) {
        int b = (int) (((double) v - lo) / ((double) hi - lo) * bins);
        return Math.min(Math.max(b, 0), bins - 1);
    }
}
