package sparsity.analysis.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import sparsity.kernels.Adam;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.Histogram;
import sparsity.kernels.IntMatrix;

/**
 * A backend that forwards every call to another one and adds up the wall time spent inside each
 * operation, so that a benchmark can tell the share of a job spent in the compute layer from the
 * rest (Java loops, ONNX Runtime, sorting). Thread-safe; the times of calls made from several
 * threads at once add up.
 */
public final class TimedBackend implements Backend {

    private final Backend inner;
    private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    public TimedBackend(Backend inner) {
        this.inner = inner;
    }

    /** Seconds spent in the compute layer since the last reset. */
    public double seconds() {
        long t = 0;
        for (LongAdder a : nanos.values()) t += a.sum();
        return t / 1e9;
    }

    /** Seconds per operation name, sorted by name. */
    public Map<String, Double> secondsByOp() {
        Map<String, Double> m = new TreeMap<>();
        nanos.forEach((k, v) -> m.put(k, v.sum() / 1e9));
        return m;
    }

    /** Calls per operation name. */
    public Map<String, Long> callsByOp() {
        Map<String, Long> m = new TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public void reset() {
        nanos.clear();
        calls.clear();
    }

    private void add(String op, long start) {
        nanos.computeIfAbsent(op, k -> new LongAdder()).add(System.nanoTime() - start);
        calls.computeIfAbsent(op, k -> new LongAdder()).increment();
    }

    @Override
    public String name() {
        return inner.name() + " (timed)";
    }

    @Override
    public int threads() {
        return inner.threads();
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, FloatMatrix a, FloatMatrix b, float beta, FloatMatrix c) {
        long s = System.nanoTime();
        try {
            inner.gemm(transA, transB, alpha, a, b, beta, c);
        } finally {
            add("gemm", s);
        }
    }

    @Override
    public void topkRows(FloatMatrix x, FloatMatrix values, IntMatrix indices) {
        long s = System.nanoTime();
        try {
            inner.topkRows(x, values, indices);
        } finally {
            add("topkRows", s);
        }
    }

    @Override
    public float batchTopk(FloatMatrix x, int total, IntMatrix rowStart, IntMatrix cols, FloatMatrix vals) {
        long s = System.nanoTime();
        try {
            return inner.batchTopk(x, total, rowStart, cols, vals);
        } finally {
            add("batchTopk", s);
        }
    }

    @Override
    public void sparseDecode(IntMatrix idx, FloatMatrix val, FloatMatrix w, float beta, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.sparseDecode(idx, val, w, beta, out);
        } finally {
            add("sparseDecode", s);
        }
    }

    @Override
    public void linearTopk(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix values, IntMatrix indices, int[] keep, FloatMatrix kept) {
        long s = System.nanoTime();
        try {
            inner.linearTopk(x, w, bias, values, indices, keep, kept);
        } finally {
            add("linearTopk", s);
        }
    }

    @Override
    public void sparseOuterProduct(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        long s = System.nanoTime();
        try {
            inner.sparseOuterProduct(idx, val, g, w);
        } finally {
            add("sparseOuterProduct", s);
        }
    }

    @Override
    public void sparseDecodeLoss(IntMatrix idx, FloatMatrix val, FloatMatrix w, FloatMatrix bias, FloatMatrix x, float scale,
                                 FloatMatrix g, FloatMatrix gval, FloatMatrix rowSse, FloatMatrix residual) {
        long s = System.nanoTime();
        try {
            inner.sparseDecodeLoss(idx, val, w, bias, x, scale, g, gval, rowSse, residual);
        } finally {
            add("sparseDecodeLoss", s);
        }
    }

    @Override
    public void colSums(FloatMatrix x, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.colSums(x, out);
        } finally {
            add("colSums", s);
        }
    }

    @Override
    public void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.subtractRowVector(x, v, out);
        } finally {
            add("subtractRowVector", s);
        }
    }

    @Override
    public void squaredError(FloatMatrix y, FloatMatrix x, float scale, FloatMatrix g, FloatMatrix rowSse) {
        long s = System.nanoTime();
        try {
            inner.squaredError(y, x, scale, g, rowSse);
        } finally {
            add("squaredError", s);
        }
    }

    @Override
    public void reluGradient(FloatMatrix g, FloatMatrix z) {
        long s = System.nanoTime();
        try {
            inner.reluGradient(g, z);
        } finally {
            add("reluGradient", s);
        }
    }

    @Override
    public void reluTopkRows(FloatMatrix x, int k) {
        long s = System.nanoTime();
        try {
            inner.reluTopkRows(x, k);
        } finally {
            add("reluTopkRows", s);
        }
    }

    @Override
    public void projectOutRows(FloatMatrix g, FloatMatrix w) {
        long s = System.nanoTime();
        try {
            inner.projectOutRows(g, w);
        } finally {
            add("projectOutRows", s);
        }
    }

    @Override
    public void adamProjectedUnitRows(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step,
                                      float eps) {
        long s = System.nanoTime();
        try {
            inner.adamProjectedUnitRows(param, grad, m, v, adam, step, eps);
        } finally {
            add("adamProjectedUnitRows", s);
        }
    }

    @Override
    public void sparseOuterProducts(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix val2,
                                    FloatMatrix g2, FloatMatrix w2, FloatMatrix valSums2) {
        long s = System.nanoTime();
        try {
            inner.sparseOuterProducts(idx, val, g, w, val2, g2, w2, valSums2);
        } finally {
            add("sparseOuterProducts", s);
        }
    }

    @Override
    public void adamUnitRows(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step, float eps) {
        long s = System.nanoTime();
        try {
            inner.adamUnitRows(param, grad, m, v, adam, step, eps);
        } finally {
            add("adamUnitRows", s);
        }
    }

    @Override
    public void sparseOuterProduct(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix valSums) {
        long s = System.nanoTime();
        try {
            inner.sparseOuterProduct(idx, val, g, w, valSums);
        } finally {
            add("sparseOuterProduct", s);
        }
    }

    @Override
    public void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out, FloatMatrix sums, FloatMatrix squares) {
        long s = System.nanoTime();
        try {
            inner.subtractRowVector(x, v, out, sums, squares);
        } finally {
            add("subtractRowVector", s);
        }
    }

    @Override
    public void sparseOuterAccumulate(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        long s = System.nanoTime();
        try {
            inner.sparseOuterAccumulate(idx, val, g, w);
        } finally {
            add("sparseOuterAccumulate", s);
        }
    }

    @Override
    public void sparseRowDots(IntMatrix idx, FloatMatrix g, FloatMatrix w, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.sparseRowDots(idx, g, w, out);
        } finally {
            add("sparseRowDots", s);
        }
    }

    @Override
    public void scatterAdd(IntMatrix idx, FloatMatrix val, FloatMatrix dst) {
        long s = System.nanoTime();
        try {
            inner.scatterAdd(idx, val, dst);
        } finally {
            add("scatterAdd", s);
        }
    }

    @Override
    public void scatterAddRows(IntMatrix idx, FloatMatrix src, FloatMatrix dst) {
        long s = System.nanoTime();
        try {
            inner.scatterAddRows(idx, src, dst);
        } finally {
            add("scatterAddRows", s);
        }
    }

    @Override
    public void rowNorms(FloatMatrix x, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.rowNorms(x, out);
        } finally {
            add("rowNorms", s);
        }
    }

    @Override
    public void rowMeans(FloatMatrix x, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.rowMeans(x, out);
        } finally {
            add("rowMeans", s);
        }
    }

    @Override
    public void rowVariances(FloatMatrix x, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.rowVariances(x, out);
        } finally {
            add("rowVariances", s);
        }
    }

    @Override
    public void colMeans(FloatMatrix x, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.colMeans(x, out);
        } finally {
            add("colMeans", s);
        }
    }

    @Override
    public void colVariances(FloatMatrix x, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.colVariances(x, out);
        } finally {
            add("colVariances", s);
        }
    }

    @Override
    public void standardizeRows(FloatMatrix x, float eps) {
        long s = System.nanoTime();
        try {
            inner.standardizeRows(x, eps);
        } finally {
            add("standardizeRows", s);
        }
    }

    @Override
    public void normalizeRows(FloatMatrix x, float eps) {
        long s = System.nanoTime();
        try {
            inner.normalizeRows(x, eps);
        } finally {
            add("normalizeRows", s);
        }
    }

    @Override
    public void softmaxRows(FloatMatrix x) {
        long s = System.nanoTime();
        try {
            inner.softmaxRows(x);
        } finally {
            add("softmaxRows", s);
        }
    }

    @Override
    public void rowEntropy(FloatMatrix p, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.rowEntropy(p, out);
        } finally {
            add("rowEntropy", s);
        }
    }

    @Override
    public void coverageCounts(FloatMatrix p, float tau, IntMatrix out) {
        long s = System.nanoTime();
        try {
            inner.coverageCounts(p, tau, out);
        } finally {
            add("coverageCounts", s);
        }
    }

    @Override
    public void topMass(FloatMatrix p, int m, FloatMatrix out) {
        long s = System.nanoTime();
        try {
            inner.topMass(p, m, out);
        } finally {
            add("topMass", s);
        }
    }

    @Override
    public Histogram histogram(FloatMatrix x, float lo, float hi, int bins) {
        long s = System.nanoTime();
        try {
            return inner.histogram(x, lo, hi, bins);
        } finally {
            add("histogram", s);
        }
    }

    @Override
    public float[] quantiles(FloatMatrix x, double... q) {
        long s = System.nanoTime();
        try {
            return inner.quantiles(x, q);
        } finally {
            add("quantiles", s);
        }
    }

    @Override
    public void cholesky(FloatMatrix a) {
        long s = System.nanoTime();
        try {
            inner.cholesky(a);
        } finally {
            add("cholesky", s);
        }
    }

    @Override
    public void solveTriangular(FloatMatrix t, boolean lower, boolean transpose, FloatMatrix b) {
        long s = System.nanoTime();
        try {
            inner.solveTriangular(t, lower, transpose, b);
        } finally {
            add("solveTriangular", s);
        }
    }

    @Override
    public void adam(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step) {
        long s = System.nanoTime();
        try {
            inner.adam(param, grad, m, v, adam, step);
        } finally {
            add("adam", s);
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
