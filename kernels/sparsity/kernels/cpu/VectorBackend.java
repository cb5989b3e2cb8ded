package sparsity.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import sparsity.kernels.Adam;
import sparsity.kernels.Backend;
import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.Histogram;
import sparsity.kernels.IntMatrix;

/**
 * The CPU backend: Vector API kernels on {@link FloatVector#SPECIES_PREFERRED} with explicit
 * (masked) tails, on a fixed pool of threads.
 *
 * <p>Determinism: every operation cuts its output into chunks (rows, columns, weight rows or
 * tiles of C) that the threads claim as they become free, so a thread slowed down by another
 * program simply takes fewer chunks; but each output element is computed entirely inside one
 * chunk, no sum is ever split across threads, and each sum is walked in a fixed order. Results are
 * therefore bitwise identical from run to run, whatever the thread count and the scheduling; there
 * is no faster non-deterministic mode because none of these operations needed one.
 *
 * <p>Coverage, top mass and quantiles sort (as the reference does) in parallel over rows; the
 * batch-wide top-k and histograms are scalar loops split over rows.
 */
public final class VectorBackend implements Backend {

    private final Parallel par;

    /** A backend on {@code threads} threads (the caller's thread counts as one). */
    public VectorBackend(int threads) {
        this.par = new Parallel(threads);
    }

    /** A backend on every available processor. */
    public VectorBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** Floats per vector of the species in use (16 with AVX-512, 8 with AVX2). */
    public static int lanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public int threads() {
        return par.threads();
    }

    @Override
    public void gemm(boolean ta, boolean tb, float alpha, FloatMatrix a, FloatMatrix b, float beta, FloatMatrix c) {
        Checks.gemm(ta, tb, a, b, c);
        Gemm.gemm(par, ta, tb, alpha, a, b, beta, c);
    }

    @Override
    public void topkRows(FloatMatrix x, FloatMatrix values, IntMatrix indices) {
        TopK.rows(par, x, values, indices);
    }

    @Override
    public void reluTopkRows(FloatMatrix x, int k) {
        TopK.reluRows(par, x, k);
    }

    @Override
    public float batchTopk(FloatMatrix x, int total, IntMatrix rowStart, IntMatrix cols, FloatMatrix vals) {
        return TopK.batch(par, x, total, rowStart, cols, vals);
    }

    @Override
    public void linearTopk(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix values, IntMatrix indices,
                           int[] keep, FloatMatrix kept) {
        Checks.linearTopk(x, w, bias, values, indices, keep, kept);
        if (x.cols() == 0) {
            Backend.super.linearTopk(x, w, bias, values, indices, keep, kept);
            return;
        }
        Gemm.linearTopk(par, x, w, bias, values, indices, keep, kept);
    }

    @Override
    public void sparseDecode(IntMatrix idx, FloatMatrix val, FloatMatrix w, float beta, FloatMatrix out) {
        SparseOps.decode(par, idx, val, w, beta, out);
    }

    @Override
    public void sparseOuterAccumulate(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        SparseOps.outerAccumulate(par, idx, val, g, w);
    }

    @Override
    public void sparseOuterProduct(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        SparseOps.outerProduct(par, idx, val, g, w, null);
    }

    @Override
    public void sparseOuterProduct(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix valSums) {
        FloatMatrix.requireShape(valSums, 1, w.rows(), "valSums");
        SparseOps.outerProduct(par, idx, val, g, w, valSums);
    }

    @Override
    public void sparseDecodeLoss(IntMatrix idx, FloatMatrix val, FloatMatrix w, FloatMatrix bias, FloatMatrix x, float scale,
                                 FloatMatrix g, FloatMatrix gval, FloatMatrix rowSse, FloatMatrix residual) {
        Checks.decodeLoss(idx, val, w, bias, x, g, gval, rowSse, residual);
        SparseOps.decodeLoss(par, idx, val, w, bias, x, scale, g, gval, rowSse, residual);
    }

    @Override
    public void sparseRowDots(IntMatrix idx, FloatMatrix g, FloatMatrix w, FloatMatrix out) {
        SparseOps.rowDots(par, idx, g, w, out);
    }

    @Override
    public void scatterAdd(IntMatrix idx, FloatMatrix val, FloatMatrix dst) {
        SparseOps.scatterAdd(idx, val, dst);
    }

    @Override
    public void scatterAddRows(IntMatrix idx, FloatMatrix src, FloatMatrix dst) {
        SparseOps.scatterAddRows(par, idx, src, dst);
    }

    @Override
    public void squaredError(FloatMatrix y, FloatMatrix x, float scale, FloatMatrix g, FloatMatrix rowSse) {
        RowOps.squaredError(par, y, x, scale, g, rowSse);
    }

    @Override
    public void reluGradient(FloatMatrix g, FloatMatrix z) {
        RowOps.reluGradient(par, g, z);
    }

    @Override
    public void rowNorms(FloatMatrix x, FloatMatrix out) {
        RowOps.rowNorms(par, x, out);
    }

    @Override
    public void rowMeans(FloatMatrix x, FloatMatrix out) {
        RowOps.rowMeans(par, x, out);
    }

    @Override
    public void rowVariances(FloatMatrix x, FloatMatrix out) {
        RowOps.rowVariances(par, x, out);
    }

    @Override
    public void colSums(FloatMatrix x, FloatMatrix out) {
        RowOps.colSums(par, x, out);
    }

    @Override
    public void colMeans(FloatMatrix x, FloatMatrix out) {
        RowOps.colMeans(par, x, out);
    }

    @Override
    public void colVariances(FloatMatrix x, FloatMatrix out) {
        RowOps.colVariances(par, x, out);
    }

    @Override
    public void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out) {
        RowOps.subtractRowVector(par, x, v, out);
    }

    @Override
    public void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out, FloatMatrix sums, FloatMatrix squares) {
        RowOps.subtractRowVector(par, x, v, out, sums, squares);
    }

    @Override
    public void standardizeRows(FloatMatrix x, float eps) {
        RowOps.standardizeRows(par, x, eps);
    }

    @Override
    public void normalizeRows(FloatMatrix x, float eps) {
        RowOps.normalizeRows(par, x, eps);
    }

    @Override
    public void softmaxRows(FloatMatrix x) {
        RowOps.softmaxRows(par, x);
    }

    @Override
    public void rowEntropy(FloatMatrix p, FloatMatrix out) {
        RowOps.rowEntropy(par, p, out);
    }

    @Override
    public void coverageCounts(FloatMatrix p, float tau, IntMatrix out) {
        RowOps.coverageCounts(par, p, tau, out);
    }

    @Override
    public void topMass(FloatMatrix p, int m, FloatMatrix out) {
        RowOps.topMass(par, p, m, out);
    }

    @Override
    public Histogram histogram(FloatMatrix x, float lo, float hi, int bins) {
        return Elementwise.histogram(par, x, lo, hi, bins);
    }

    @Override
    public float[] quantiles(FloatMatrix x, double... q) {
        return Elementwise.quantiles(x, q);
    }

    @Override
    public void cholesky(FloatMatrix a) {
        Linalg.cholesky(par, a);
    }

    @Override
    public void solveTriangular(FloatMatrix t, boolean lower, boolean transpose, FloatMatrix b) {
        Linalg.solveTriangular(par, t, lower, transpose, b);
    }

    @Override
    public void adam(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step) {
        Elementwise.adam(par, param, grad, m, v, adam, step);
    }

    @Override
    public void projectOutRows(FloatMatrix g, FloatMatrix w) {
        RowOps.projectOutRows(par, g, w);
    }

    @Override
    public void adamUnitRows(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step, float eps) {
        Elementwise.adam(par, param, grad, m, v, adam, step, true, eps);
    }

    @Override
    public void sparseOuterProducts(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix val2,
                                    FloatMatrix g2, FloatMatrix w2, FloatMatrix valSums2) {
        SparseOps.outerProducts(par, idx, val, g, w, val2, g2, w2, valSums2);
    }

    @Override
    public void adamProjectedUnitRows(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step,
                                      float eps) {
        Elementwise.adamProjectedUnitRows(par, param, grad, m, v, adam, step, eps);
    }

    @Override
    public void close() {
        par.close();
    }

    @Override
    public String toString() {
        return "VectorBackend[" + par.threads() + " threads, " + lanes() + " lanes]";
    }
}
