package sparsity.sae.train;

/**
 * The geometric median of a set of rows (the point minimizing the sum of Euclidean distances),
 * by Weiszfeld iterations in double precision, started from the mean. TopK autoencoders start
 * b_pre here (Gao et al. 2024).
 */
public final class GeometricMedian {

    private GeometricMedian() {
    }

    /**
     * @param x     rows x d, row-major
     * @param iters at most this many iterations
     * @param tol   stop when the step is below tol x max(1, |y|)
     */
    public static float[] weiszfeld(float[] x, int rows, int d, int iters, double tol) {
        if (rows == 0) throw new IllegalArgumentException("the geometric median of no rows is undefined");
        double[] y = new double[d];
        for (int r = 0; r < rows; r++) for (int c = 0; c < d; c++) y[c] += x[r * d + c];
        for (int c = 0; c < d; c++) y[c] /= rows;
        double[] next = new double[d];
        for (int it = 0; it < iters; it++) {
            java.util.Arrays.fill(next, 0);
            double wsum = 0;
            for (int r = 0; r < rows; r++) {
                double dist = 0;
                for (int c = 0; c < d; c++) {
                    double t = x[r * d + c] - y[c];
                    dist += t * t;
                }
                double w = 1.0 / Math.max(Math.sqrt(dist), 1e-12);
                wsum += w;
                for (int c = 0; c < d; c++) next[c] += w * x[r * d + c];
            }
            double step = 0;
            double norm = 0;
            for (int c = 0; c < d; c++) {
                next[c] /= wsum;
                step += (next[c] - y[c]) * (next[c] - y[c]);
                norm += next[c] * next[c];
                y[c] = next[c];
            }
            if (Math.sqrt(step) <= tol * Math.max(1, Math.sqrt(norm))) break;
        }
        float[] out = new float[d];
        for (int c = 0; c < d; c++) out[c] = (float) y[c];
        return out;
    }
}
