package sparsity.analysis.prune;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

/**
 * SparseGPT (Frantar and Alistarh 2023; ALGORITHMS.md "Pruning masks") for one layer y = W x,
 * W seen as [out, in]: H = X^T X + lambda I (lambda = 1% of the mean diagonal; the factor 2 of
 * the paper cancels) from the calibration inputs X [tokens, in]; the upper Cholesky factor U of
 * H^-1; columns walked in blocks of 128. In a block the mask is chosen by w^2 / U_jj^2
 * (unstructured: the lowest share of the block, the blocks' counts adding up to exactly
 * round(sparsity x out x in); N:M: the lowest M - N of every M inputs of each row), and the error
 * of each pruned column is spread over the later columns of the block (W[:, j+1:] -= e_j U[j,
 * j+1:]); the errors of a block then reach every later column in one matrix product (the
 * paper's lazy batch update, W[:, i2:] -= E U[i1:i2, i2:]). The products and factorizations run
 * on the compute layer's backend; the column walk inside a block is plain Java.
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
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix xm = s.floats(tokens, in, x);
            FloatMatrix h = s.floats(in, in);
            be.gemm(true, false, 1f, xm, xm, 0f, h);
            return pruneWithHessian(be, w, out, in, h.toArray(), sparsity, n, m);
        }
    }

    /**
     * SparseGPT from the accumulated Gram matrix of the layer's inputs.
     *
     * @param xtx X^T X [in, in] row-major, summed over the calibration tokens (any positive scale;
     *            not changed), e.g. from a {@link Calibration}
     */
    public static Result pruneWithHessian(Backend be, float[] w, int out, int in, float[] xtx, double sparsity, int n, int m) {
        if (w.length != (long) out * in) throw new IllegalArgumentException("weights hold " + w.length + " values, not " + out + " x " + in);
        if (xtx.length != (long) in * in) throw new IllegalArgumentException("X^T X holds " + xtx.length + " values, not " + in + " x " + in);
        if (n > 0 && (n > m || in % m != 0)) {
            throw new IllegalArgumentException("N:M " + n + ":" + m + " needs N <= M and an input width that is a multiple of " + m
                    + ", this layer has " + in);
        }
        if (n == 0 && !(sparsity >= 0 && sparsity <= 1)) throw new IllegalArgumentException("sparsity must be in [0, 1], was " + sparsity);
        int block = n > 0 ? Math.max(m, BLOCK - BLOCK % m) : BLOCK;
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix um = upperInverseHessianFactor(be, s, xtx, in);
            float[] u = um.toArray();
            FloatMatrix wm = s.floats(out, in, w);
            boolean[] keep = new boolean[w.length];
            java.util.Arrays.fill(keep, true);
            long total = (long) out * in;
            for (int i1 = 0; i1 < in; i1 += block) {
                if (Thread.currentThread().isInterrupted()) throw new CancelledException();
                int i2 = Math.min(in, i1 + block);
                int cnt = i2 - i1;
                float[] w1 = wm.view(0, i1, out, cnt).toArray();
                float[] err = new float[out * cnt];
                if (n == 0) {
                    // exact in total: this block prunes round(s * weights up to i2) - round(s * weights before i1)
                    int prune = (int) (Math.round(sparsity * total * i2 / in) - Math.round(sparsity * total * i1 / in));
                    float[] score = new float[out * cnt];
                    for (int r = 0; r < out; r++) {
                        for (int j = 0; j < cnt; j++) {
                            double d = u[(i1 + j) * in + i1 + j];
                            double v = w1[r * cnt + j];
                            score[r * cnt + j] = (float) (v * v / (d * d));
                        }
                    }
                    for (int t : Masks.lowest(score, 0, score.length, prune)) keep[(t / cnt) * in + i1 + t % cnt] = false;
                }
                float[] score = n > 0 ? new float[m] : null;
                for (int j = 0; j < cnt; j++) {
                    int col = i1 + j;
                    if (n > 0 && j % m == 0) {
                        for (int r = 0; r < out; r++) {
                            for (int t = 0; t < m; t++) {
                                double d = u[(col + t) * in + col + t];
                                double v = w1[r * cnt + j + t];
                                score[t] = (float) (v * v / (d * d));
                            }
                            int[] order = Masks.ascending(score, 0, m);
                            for (int t = 0; t < m - n; t++) keep[r * in + col + order[t]] = false;
                        }
                    }
                    float d = u[col * in + col];
                    int urow = col * in + i1;
                    for (int r = 0; r < out; r++) {
                        if (keep[r * in + col]) continue;
                        int base = r * cnt;
                        float e = w1[base + j] / d;
                        w1[base + j] = 0;
                        for (int k = j + 1; k < cnt; k++) w1[base + k] -= e * u[urow + k];
                        err[base + j] = e;
                    }
                }
                wm.view(0, i1, out, cnt).copyFrom(w1);
                if (i2 < in) {
                    FloatMatrix e = s.floats(out, cnt, err);
                    be.gemm(false, false, -1f, e, um.view(i1, i2, cnt, in - i2), 1f, wm.view(0, i2, out, in - i2));
                }
            }
            float[] res = wm.toArray();
            for (int i = 0; i < res.length; i++) if (!keep[i]) res[i] = 0f;
            return new Result(res, keep);
        }
    }

    /** Thrown when the thread is interrupted between blocks. */
    public static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("SparseGPT cancelled");
        }
    }

    /**
     * U with H^-1 = U^T U (upper triangular, [in, in]), H = X^T X + lambda I. One Cholesky
     * factorization and one triangular solve: with J the reversal of the index order, the lower
     * factor L' of J H J gives H = V V^T with V = J L' J upper triangular, so H^-1 = V^-T V^-1
     * and U = V^-1 = J L'^-1 J (the paper's route, Cholesky of H, its inverse, and the Cholesky of
     * H^-1, takes two factorizations and a product more).
     */
    static FloatMatrix upperInverseHessianFactor(Backend be, MemoryScope s, float[] xtx, int in) {
        double mean = 0;
        for (int i = 0; i < in; i++) mean += xtx[i * in + i];
        mean /= in;
        float damp = (float) (DAMPING * (mean > 0 ? mean : 1));
        FloatMatrix r = s.floats(in, in); // J H J
        for (int i = 0; i < in; i++) {
            for (int j = 0; j <= i; j++) r.set(i, j, xtx[(in - 1 - i) * in + (in - 1 - j)]);
            r.set(i, i, r.get(i, i) + damp);
        }
        be.cholesky(r); // J H J = L' L'^T
        FloatMatrix linv = s.floats(in, in);
        for (int i = 0; i < in; i++) linv.set(i, i, 1f);
        be.solveTriangular(r, true, false, linv); // L'^-1, lower
        FloatMatrix u = s.floats(in, in);
        for (int i = 0; i < in; i++) for (int j = i; j < in; j++) u.set(i, j, linv.get(in - 1 - i, in - 1 - j));
        return u;
    }
}
