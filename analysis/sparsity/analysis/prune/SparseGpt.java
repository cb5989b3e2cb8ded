package sparsity.analysis.prune;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

/**
 * SparseGPT (Frantar and Alistarh 2023; ALGORITHMS.md "Pruning masks") for one layer y = W x,
 * W seen as [out, in]: H = 2 X^T X + lambda I (lambda = 1% of the mean diagonal) from the
 * calibration inputs X [tokens, in]; the upper Cholesky factor U of H^-1; columns walked in
 * blocks of 128, the mask of a block chosen by w^2 / U_jj^2 (unstructured: the lowest share of
 * the block; N:M: the lowest M - N of every M inputs of each row), and the error of each pruned
 * column spread over the later columns (W[:, j+1:] -= e_j U[j, j+1:]). The products and the
 * factorizations run on the compute layer's backend.
 */
public final class SparseGpt {

    public static final int BLOCK = 128;
    public static final double DAMPING = 0.01;

    /** The pruned weights and their keep-mask, both [out, in] row-major. */
    public record Result(float[] weights, boolean[] keep) {
    }

    private SparseGpt() {
    }

    /**
     * @param w  weights [out, in], row-major (not changed)
     * @param x  calibration inputs [tokens, in]
     * @param n  N of N:M, or 0 for unstructured
     * @param m  M of N:M (ignored when n is 0)
     */
    public static Result prune(Backend be, float[] w, int out, int in, float[] x, int tokens, double sparsity, int n, int m) {
        if (n > 0 && in % m != 0) throw new IllegalArgumentException("N:M needs an input width that is a multiple of " + m);
        try (MemoryScope s = MemoryScope.open()) {
            float[] u = upperInverseHessianFactor(be, s, x, tokens, in);
            double[] wd = new double[w.length];
            for (int i = 0; i < w.length; i++) wd[i] = w[i];
            boolean[] keep = new boolean[w.length];
            java.util.Arrays.fill(keep, true);
            for (int i1 = 0; i1 < in; i1 += BLOCK) {
                int i2 = Math.min(in, i1 + BLOCK);
                int cnt = i2 - i1;
                if (n == 0) {
                    double[] score = new double[out * cnt];
                    for (int r = 0; r < out; r++) {
                        for (int j = 0; j < cnt; j++) {
                            double d = u[(i1 + j) * in + i1 + j];
                            score[r * cnt + j] = wd[r * in + i1 + j] * wd[r * in + i1 + j] / (d * d);
                        }
                    }
                    int prune = (int) Math.round(sparsity * score.length);
                    Integer[] order = new Integer[score.length];
                    for (int i = 0; i < order.length; i++) order[i] = i;
                    java.util.Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]) != 0 ? Double.compare(score[a], score[b]) : Integer.compare(a, b));
                    for (int t = 0; t < prune; t++) keep[(order[t] / cnt) * in + i1 + order[t] % cnt] = false;
                }
                for (int j = i1; j < i2; j++) {
                    if (n > 0 && (j - i1) % m == 0) {
                        for (int r = 0; r < out; r++) {
                            Integer[] g = new Integer[m];
                            for (int t = 0; t < m; t++) g[t] = t;
                            final int row = r;
                            final int base = j;
                            java.util.Arrays.sort(g, (a, b) -> {
                                double sa = sq(wd[row * in + base + a]) / sq(u[(base + a) * in + base + a]);
                                double sb = sq(wd[row * in + base + b]) / sq(u[(base + b) * in + base + b]);
                                return sa != sb ? Double.compare(sa, sb) : Integer.compare(a, b);
                            });
                            for (int t = 0; t < m - n; t++) keep[r * in + j + g[t]] = false;
                        }
                    }
                    double d = u[j * in + j];
                    for (int r = 0; r < out; r++) {
                        if (keep[r * in + j]) continue;
                        double e = wd[r * in + j] / d;
                        wd[r * in + j] = 0;
                        for (int k = j + 1; k < in; k++) wd[r * in + k] -= e * u[j * in + k];
                    }
                }
            }
            float[] res = new float[w.length];
            for (int i = 0; i < res.length; i++) res[i] = keep[i] ? (float) wd[i] : 0f;
            return new Result(res, keep);
        }
    }

    private static double sq(double v) {
        return v * v;
    }

    /** U with H^-1 = U^T U, row-major [in, in]. */
    static float[] upperInverseHessianFactor(Backend be, MemoryScope s, float[] x, int tokens, int in) {
        FloatMatrix xm = s.floats(tokens, in, x);
        FloatMatrix h = s.floats(in, in);
        be.gemm(true, false, 2f, xm, xm, 0f, h);
        double mean = 0;
        for (int i = 0; i < in; i++) mean += h.get(i, i);
        mean /= in;
        float damp = (float) (DAMPING * (mean > 0 ? mean : 1));
        for (int i = 0; i < in; i++) h.set(i, i, h.get(i, i) + damp);
        be.cholesky(h); // H = L L^T
        FloatMatrix linv = s.floats(in, in);
        for (int i = 0; i < in; i++) linv.set(i, i, 1f);
        be.solveTriangular(h, true, false, linv); // L^-1
        FloatMatrix hinv = s.floats(in, in);
        be.gemm(true, false, 1f, linv, linv, 0f, hinv); // H^-1 = L^-T L^-1
        be.cholesky(hinv); // H^-1 = L2 L2^T, so U = L2^T
        float[] u = new float[in * in];
        for (int i = 0; i < in; i++) for (int j = i; j < in; j++) u[i * in + j] = hinv.get(j, i);
        return u;
    }
}
