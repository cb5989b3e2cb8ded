package sparsity.analysis.evaluate;

/**
 * Row arithmetic shared by the evaluations that compare a changed model's outputs with the clean
 * ones (pruning sweeps here, autoencoders spliced into a model in the sae room).
 */
public final class RowMath {

    private RowMath() {
    }

    /**
     * Log-probabilities of a row: log-softmax of logits or log-probabilities; with
     * {@code probabilities}, the log of the values renormalized.
     */
    public static void logSoftmax(float[] v, int off, int n, boolean probabilities, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            double x = v[off + c];
            if (probabilities) x = Math.log(Math.max(x, Double.MIN_NORMAL));
            out[c] = x;
            max = Math.max(max, x);
        }
        double sum = 0;
        for (int c = 0; c < n; c++) sum += Math.exp(out[c] - max);
        double lse = max + Math.log(sum);
        for (int c = 0; c < n; c++) out[c] -= lse;
    }

    /** KL(p || q) of two rows of log-probabilities. */
    public static double kl(double[] lp, double[] lq) {
        double s = 0;
        for (int c = 0; c < lp.length; c++) {
            double p = Math.exp(lp[c]);
            if (p > 0) s += p * (lp[c] - lq[c]);
        }
        return Math.max(0, s);
    }

    /** Index of the largest value (the first of equal ones). */
    public static int argmax(double[] v) {
        int best = 0;
        for (int c = 1; c < v.length; c++) if (v[c] > v[best]) best = c;
        return best;
    }

    /** Cosine of a[off, off + n) and b[off, off + n); equal rows (zero ones included) 1, a zero row against another 0. */
    public static double rowCosine(float[] a, float[] b, int off, int n) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int c = 0; c < n; c++) {
            double x = a[off + c];
            double y = b[off + c];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return cosine(dot, na, nb, java.util.Arrays.equals(a, off, off + n, b, off, off + n));
    }

    /** Cosine of two vectors, as {@link #rowCosine}. */
    public static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int c = 0; c < a.length; c++) {
            dot += a[c] * b[c];
            na += a[c] * a[c];
            nb += b[c] * b[c];
        }
        return cosine(dot, na, nb, java.util.Arrays.equals(a, b));
    }

    /** dot / (|a| |b|); two equal vectors (zero ones included) have cosine 1, a zero one against another 0. */
    private static double cosine(double dot, double na, double nb, boolean equal) {
        if (equal) return 1;
        if (na == 0 || nb == 0) return 0;
        return Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)));
    }
}
