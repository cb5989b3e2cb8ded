package sparsity.attention.metrics;

import java.util.Arrays;

/**
 * Metrics of one attention row {@code p[off .. off+m)} (ALGORITHMS.md, "Attention maps"). Every
 * function reads only the row's valid keys.
 */
public final class RowMetrics {

    private RowMetrics() {
    }

    /** Shannon entropy -sum p log p (natural log), zero terms skipped. */
    public static double entropy(float[] p, int off, int m) {
        double h = 0;
        for (int j = 0; j < m; j++) {
            double v = p[off + j];
            if (v > 0) h -= v * Math.log(v);
        }
        return h;
    }

    /** Entropy divided by log(m); 0 for a row of one key. */
    public static double normalizedEntropy(float[] p, int off, int m) {
        return m <= 1 ? 0 : entropy(p, off, m) / Math.log(m);
    }

    /**
     * The row's values sorted descending into {@code scratch} (length at least m), for the
     * coverage and recall functions below.
     */
    public static float[] sortedDescending(float[] p, int off, int m, float[] scratch) {
        System.arraycopy(p, off, scratch, 0, m);
        Arrays.sort(scratch, 0, m);
        for (int i = 0, j = m - 1; i < j; i++, j--) {
            float t = scratch[i];
            scratch[i] = scratch[j];
            scratch[j] = t;
        }
        return scratch;
    }

    /**
     * Coverage density at {@code tau}: the smallest fraction of the row's entries whose mass
     * reaches tau (sorted descending, accumulated). A row whose total mass is below tau (float
     * rounding) needs all its entries: density 1.
     */
    public static double coverageDensity(float[] sortedDesc, int m, double tau) {
        double acc = 0;
        for (int c = 0; c < m; c++) {
            acc += sortedDesc[c];
            if (acc >= tau - 1e-7) return (double) (c + 1) / m;
        }
        return 1.0;
    }

    /** Recall at density rho: the mass of the top ceil(rho * m) entries. */
    public static double recallAtDensity(float[] sortedDesc, int m, double rho) {
        int c = (int) Math.min(m, Math.ceil(rho * m - 1e-9));
        double acc = 0;
        for (int i = 0; i < c; i++) acc += sortedDesc[i];
        return acc;
    }

    /** Mass within {@code w} positions of the diagonal (|i - j| &lt;= w) of query row i. */
    public static double localMass(float[] p, int off, int m, int i, int w) {
        double acc = 0;
        int lo = Math.max(0, i - w);
        int hi = Math.min(m - 1, i + w);
        for (int j = lo; j <= hi; j++) acc += p[off + j];
        return acc;
    }
}
