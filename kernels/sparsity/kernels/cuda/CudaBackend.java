package sparsity.kernels.cuda;

import java.util.List;
import java.util.Map;

import sparsity.kernels.Adam;
import sparsity.kernels.Backend;
import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.Histogram;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cpu.VectorBackend;

/**
 * The GPU backend ("cuda") behind the compute seam: the operations of autoencoder training run on
 * the GPU (matrix product by cuBLAS, top-k, the sparse products, row norms, Adam), each call copying
 * its operands to the device and its results back; the rest (attention rows, histograms,
 * quantiles, Cholesky) run on the CPU backend. Per-call copies make single operations slow
 * next to the data they move; the autoencoder trainer that keeps everything on the device is
 * {@link CudaTopKSae}, which the TopK and BatchTopK architectures use when they are given this
 * backend.
 *
 * <p>Differences from the reference: sums on the GPU are not in a fixed order (atomics), so
 * results agree to rounding, not bit for bit; top-k, its order and its ties are exact.
 */
public final class CudaBackend implements Backend {

    /** The backend's name in {@code Backends} and on the command line. */
    public static final String NAME = "cuda";

    private final CudaDevice dev;
    private final VectorBackend cpu;
    private final CudaTopKSae.Precision precision;
    private final CudaDevice.Module ops;
    private final CudaDevice.Stream stream;
    private final CudaDevice.Blas blas;
    private final CudaBatchSelect select;

    /** A backend on the GPU using up to {@code threads} CPU threads for what stays on the CPU; plain fp32 products. */
    public CudaBackend(int threads) {
        this(threads, false);
    }

    /** As {@link #CudaBackend(int)}, with TF32 tensor cores allowed in matrix products when {@code tf32}. */
    public CudaBackend(int threads, boolean tf32) {
        this(threads, tf32 ? CudaTopKSae.Precision.TF32 : CudaTopKSae.Precision.FP32);
    }

    /**
     * As {@link #CudaBackend(int)}, with the given precision for the autoencoder trainer's encoder
     * product ({@link CudaTopKSae}); the backend's own generic products are TF32 when that is
     * TF32, fp32 otherwise (bf16 applies to the trainer's encoder product only).
     */
    public CudaBackend(int threads, CudaTopKSae.Precision precision) {
        this.dev = CudaDevice.get();
        this.cpu = new VectorBackend(Math.max(1, threads));
        this.precision = precision;
        boolean tf32 = precision == CudaTopKSae.Precision.TF32;
        this.ops = dev.module(List.of("topk.cu", "ops.cu", "batch_topk.cu"), Map.of("TK_THREADS", "512", "TK_CAP",
                "" + CudaTopKSae.TOPK_CAP));
        this.stream = dev.stream();
        this.blas = dev.blas(stream, tf32);
        this.select = new CudaBatchSelect(dev, ops);
    }

    @Override
    public String name() {
        return switch (precision) {
            case TF32 -> CudaTf32Provider.NAME;
            case BF16 -> CudaBf16Provider.NAME;
            case FP32 -> NAME;
        };
    }

    @Override
    public int threads() {
        return cpu.threads();
    }

    /** Whether matrix products may use TF32 tensor cores. */
    public boolean tf32() {
        return precision == CudaTopKSae.Precision.TF32;
    }

    /** The precision of the autoencoder trainer's encoder product on this backend. */
    public CudaTopKSae.Precision precision() {
        return precision;
    }

    /** The batch-wide top-k (for tests). */
    CudaBatchSelect batchSelect() {
        return select;
    }

    /** The GPU, e.g. for a status line. */
    public String deviceDescription() {
        return dev.toString();
    }

    // ------------------------------------------------------------------ copies

    private DeviceBuffer up(FloatMatrix m, String what) {
        DeviceBuffer b = dev.alloc(4 * Math.max(1, m.size()), what);
        if (m.size() == 0) return b;
        if (m.isContiguous()) {
            dev.upload(b.ptr(), m.segment(), 4 * m.size());
        } else {
            try (MemoryScope s = MemoryScope.open()) {
                dev.upload(b.ptr(), s.copyOf(m).segment(), 4 * m.size());
            }
        }
        return b;
    }

    private DeviceBuffer up(IntMatrix m, String what) {
        DeviceBuffer b = dev.alloc(4 * Math.max(1, m.size()), what);
        if (m.size() == 0) return b;
        if (m.stride() == m.cols() || m.rows() <= 1) {
            dev.upload(b.ptr(), m.segment(), 4 * m.size());
        } else {
            try (MemoryScope s = MemoryScope.open()) {
                IntMatrix t = s.ints(m.rows(), m.cols());
                t.copyFrom(m);
                dev.upload(b.ptr(), t.segment(), 4 * m.size());
            }
        }
        return b;
    }

    private void down(DeviceBuffer b, FloatMatrix m) {
        if (m.size() == 0) return;
        if (m.isContiguous()) {
            dev.download(m.segment(), b.ptr(), 4 * m.size());
        } else {
            try (MemoryScope s = MemoryScope.open()) {
                FloatMatrix t = s.floats(m.rows(), m.cols());
                dev.download(t.segment(), b.ptr(), 4 * m.size());
                m.copyFrom(t);
            }
        }
    }

    private void down(DeviceBuffer b, IntMatrix m) {
        if (m.size() == 0) return;
        try (MemoryScope s = MemoryScope.open()) {
            IntMatrix t = s.ints(m.rows(), m.cols());
            dev.download(t.segment(), b.ptr(), 4 * m.size());
            m.copyFrom(t);
        }
    }

    private static void checkSlots(IntMatrix idx, int n) {
        for (int r = 0; r < idx.rows(); r++) for (int c = 0; c < idx.cols(); c++) Checks.slot(idx.get(r, c), n);
    }

    // ------------------------------------------------------------------ on the GPU

    @Override
    public synchronized void gemm(boolean transA, boolean transB, float alpha, FloatMatrix a, FloatMatrix b, float beta,
                                  FloatMatrix c) {
        Checks.gemm(transA, transB, a, b, c);
        int m = c.rows(), n = c.cols(), k = transA ? a.rows() : a.cols();
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            cpu.gemm(transA, transB, alpha, a, b, beta, c);
            return;
        }
        dev.makeCurrent();
        try (DeviceBuffer da = up(a, "matrix A"); DeviceBuffer db = up(b, "matrix B");
             DeviceBuffer dc = beta == 0f ? dev.alloc(4L * m * n, "matrix C") : up(c, "matrix C")) {
            blas.gemm(transA, transB, m, n, k, alpha, da.ptr(), a.cols(), db.ptr(), b.cols(), beta, dc.ptr(), n);
            stream.synchronize();
            down(dc, c);
        }
    }

    @Override
    public synchronized void topkRows(FloatMatrix x, FloatMatrix values, IntMatrix indices) {
        Checks.topk(x, values, indices);
        int k = values.cols();
        if (x.rows() == 0 || k == 0) return;
        if (k > CudaTopKSae.TOPK_CAP) {
            cpu.topkRows(x, values, indices);
            return;
        }
        dev.makeCurrent();
        try (DeviceBuffer dx = up(x, "top-k input"); DeviceBuffer dv = dev.alloc(4L * x.rows() * k, "top-k values");
             DeviceBuffer di = dev.alloc(4L * x.rows() * k, "top-k indices")) {
            dev.launch(ops.kernel("topk_rows"), x.rows(), 1, 512, 1, 0, stream, dx, (long) x.cols(), 0L, 0L, 0L, x.cols(), k, k,
                    dv, di, 0L);
            stream.synchronize();
            down(dv, values);
            down(di, indices);
        }
    }

    @Override
    public synchronized float batchTopk(FloatMatrix x, int total, IntMatrix rowStart, IntMatrix cols, FloatMatrix vals) {
        Checks.batchTopk(x, total, rowStart, cols, vals);
        if (total == 0) {
            rowStart.fill(0);
            return Float.NaN;
        }
        dev.makeCurrent();
        try (DeviceBuffer dx = up(x, "batch top-k input"); DeviceBuffer dv = dev.alloc(4L * total, "batch top-k values");
             DeviceBuffer di = dev.alloc(4L * total, "batch top-k columns");
             DeviceBuffer ds = dev.alloc(4L * (x.rows() + 1), "batch top-k row offsets")) {
            select.select(stream, dx.ptr(), x.cols(), 0L, x.rows(), x.cols(), total, ds.ptr(), dv.ptr(), di.ptr(), 0L, 0L);
            stream.synchronize();
            down(ds, rowStart);
            down(dv, vals);
            down(di, cols);
        }
        // the threshold: the smallest kept value in the keys' order (NaN when that is NaN)
        float min = vals.get(0, 0);
        for (int i = 1; i < total; i++) {
            float v = vals.get(0, i);
            if (Integer.compareUnsigned(CudaBatchSelect.key(v), CudaBatchSelect.key(min)) < 0) min = v;
        }
        return Float.isNaN(min) ? Float.NaN : min;
    }

    @Override
    public synchronized void sparseDecode(IntMatrix idx, FloatMatrix val, FloatMatrix w, float beta, FloatMatrix out) {
        Checks.sparse(idx, val, out, w);
        checkSlots(idx, w.rows());
        if (idx.rows() == 0 || w.cols() == 0) return;
        dev.makeCurrent();
        try (DeviceBuffer di = up(idx, "indices"); DeviceBuffer dv = up(val, "values"); DeviceBuffer dw = up(w, "weights");
             DeviceBuffer dout = beta == 0f ? dev.alloc(4 * out.size(), "output") : up(out, "output")) {
            dev.launch(ops.kernel("sparse_decode"), idx.rows(), 1, threadsFor(w.cols()), 1, 0, stream, di, dv, idx.cols(), dw,
                    w.cols(), beta, dout);
            stream.synchronize();
            down(dout, out);
        }
    }

    @Override
    public synchronized void sparseOuterAccumulate(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        Checks.sparse(idx, val, g, w);
        checkSlots(idx, w.rows());
        if (idx.rows() == 0 || w.cols() == 0) return;
        dev.makeCurrent();
        try (DeviceBuffer di = up(idx, "indices"); DeviceBuffer dv = up(val, "values"); DeviceBuffer dg = up(g, "gradient");
             DeviceBuffer dw = up(w, "weights")) {
            dev.launch(ops.kernel("sparse_outer_acc"), idx.rows(), 1, threadsFor(w.cols()), 1, 0, stream, di, dv, idx.cols(), dg,
                    w.cols(), dw);
            stream.synchronize();
            down(dw, w);
        }
    }

    @Override
    public synchronized void sparseRowDots(IntMatrix idx, FloatMatrix g, FloatMatrix w, FloatMatrix out) {
        FloatMatrix.requireShape(out, idx.rows(), idx.cols(), "out");
        FloatMatrix.requireShape(g, idx.rows(), w.cols(), "g");
        checkSlots(idx, w.rows());
        if (idx.rows() == 0 || idx.cols() == 0) return;
        dev.makeCurrent();
        try (DeviceBuffer di = up(idx, "indices"); DeviceBuffer dg = up(g, "gradient"); DeviceBuffer dw = up(w, "weights");
             DeviceBuffer dout = dev.alloc(4 * out.size(), "output")) {
            dev.launch(ops.kernel("sparse_row_dots"), idx.rows(), 1, 256, 1, 0, stream, di, dg, idx.cols(), dw, w.cols(), dout);
            stream.synchronize();
            down(dout, out);
        }
    }

    @Override
    public synchronized void scatterAdd(IntMatrix idx, FloatMatrix val, FloatMatrix dst) {
        FloatMatrix.requireShape(val, idx.rows(), idx.cols(), "val");
        FloatMatrix.requireShape(dst, 1, dst.cols(), "dst");
        checkSlots(idx, dst.cols());
        if (idx.size() == 0) return;
        dev.makeCurrent();
        try (DeviceBuffer di = up(idx, "indices"); DeviceBuffer dv = up(val, "values"); DeviceBuffer dd = up(dst, "output")) {
            dev.launch(ops.kernel("scatter_add"), (int) Math.min(4096, (idx.size() + 255) / 256), 1, 256, 1, 0, stream, di, dv,
                    idx.size(), dd);
            stream.synchronize();
            down(dd, dst);
        }
    }

    @Override
    public void scatterAddRows(IntMatrix idx, FloatMatrix src, FloatMatrix dst) {
        cpu.scatterAddRows(idx, src, dst);
    }

    @Override
    public synchronized void rowNorms(FloatMatrix x, FloatMatrix out) {
        Checks.columnOut(x, out);
        if (x.rows() == 0) return;
        dev.makeCurrent();
        try (DeviceBuffer dx = up(x, "rows"); DeviceBuffer dout = dev.alloc(4L * x.rows(), "norms")) {
            dev.launch(ops.kernel("row_norms"), x.rows(), 1, 256, 1, 0, stream, dx, x.cols(), 0f, 0, dout);
            stream.synchronize();
            down(dout, out);
        }
    }

    @Override
    public synchronized void normalizeRows(FloatMatrix x, float eps) {
        if (x.rows() == 0 || x.cols() == 0) return;
        dev.makeCurrent();
        try (DeviceBuffer dx = up(x, "rows")) {
            dev.launch(ops.kernel("row_norms"), x.rows(), 1, 256, 1, 0, stream, dx, x.cols(), eps, 1, 0L);
            stream.synchronize();
            down(dx, x);
        }
    }

    @Override
    public synchronized void adam(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step) {
        Checks.sameShape(param, grad, "grad");
        Checks.sameShape(param, m, "m");
        Checks.sameShape(param, v, "v");
        if (step < 1) throw new IllegalArgumentException("step counts from 1, got " + step);
        if (param.size() == 0) return;
        dev.makeCurrent();
        float c1 = (float) (1 - Math.pow(adam.beta1(), step));
        float c2 = (float) (1 - Math.pow(adam.beta2(), step));
        try (DeviceBuffer dp = up(param, "parameters"); DeviceBuffer dg = up(grad, "gradient"); DeviceBuffer dm = up(m, "moment");
             DeviceBuffer dv = up(v, "moment")) {
            dev.launch(ops.kernel("adam_vec"), (int) Math.min(4096, (param.size() + 255) / 256), 1, 256, 1, 0, stream, dp, dg, dm,
                    dv, param.size(), adam.lr(), adam.beta1(), adam.beta2(), adam.eps(), c1, c2);
            stream.synchronize();
            down(dp, param);
            down(dm, m);
            down(dv, v);
        }
    }

    private static int threadsFor(int cols) {
        return Math.min(256, Math.max(32, (cols + 31) / 32 * 32));
    }

    // ------------------------------------------------------------------ on the CPU

    // the row and element-wise operations of a sparse training step stay on the CPU (the GPU
    // TopK autoencoder has its own kernels; other architectures call these with host matrices)

    @Override
    public void sparseDecodeLoss(IntMatrix idx, FloatMatrix val, FloatMatrix w, FloatMatrix bias, FloatMatrix x, float scale,
                                 FloatMatrix g, FloatMatrix gval, FloatMatrix rowSse, FloatMatrix residual) {
        cpu.sparseDecodeLoss(idx, val, w, bias, x, scale, g, gval, rowSse, residual);
    }

    @Override
    public void colSums(FloatMatrix x, FloatMatrix out) {
        cpu.colSums(x, out);
    }

    @Override
    public void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out) {
        cpu.subtractRowVector(x, v, out);
    }

    @Override
    public void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out, FloatMatrix sums, FloatMatrix squares) {
        cpu.subtractRowVector(x, v, out, sums, squares);
    }

    @Override
    public void squaredError(FloatMatrix y, FloatMatrix x, float scale, FloatMatrix g, FloatMatrix rowSse) {
        cpu.squaredError(y, x, scale, g, rowSse);
    }

    @Override
    public void reluGradient(FloatMatrix g, FloatMatrix z) {
        cpu.reluGradient(g, z);
    }

    @Override
    public void reluTopkRows(FloatMatrix x, int k) {
        cpu.reluTopkRows(x, k);
    }

    @Override
    public void projectOutRows(FloatMatrix g, FloatMatrix w) {
        cpu.projectOutRows(g, w);
    }

    @Override
    public void rowMeans(FloatMatrix x, FloatMatrix out) {
        cpu.rowMeans(x, out);
    }

    @Override
    public void rowVariances(FloatMatrix x, FloatMatrix out) {
        cpu.rowVariances(x, out);
    }

    @Override
    public void colMeans(FloatMatrix x, FloatMatrix out) {
        cpu.colMeans(x, out);
    }

    @Override
    public void colVariances(FloatMatrix x, FloatMatrix out) {
        cpu.colVariances(x, out);
    }

    @Override
    public void standardizeRows(FloatMatrix x, float eps) {
        cpu.standardizeRows(x, eps);
    }

    @Override
    public void softmaxRows(FloatMatrix x) {
        cpu.softmaxRows(x);
    }

    @Override
    public void rowEntropy(FloatMatrix p, FloatMatrix out) {
        cpu.rowEntropy(p, out);
    }

    @Override
    public void coverageCounts(FloatMatrix p, float tau, IntMatrix out) {
        cpu.coverageCounts(p, tau, out);
    }

    @Override
    public void topMass(FloatMatrix p, int m, FloatMatrix out) {
        cpu.topMass(p, m, out);
    }

    @Override
    public Histogram histogram(FloatMatrix x, float lo, float hi, int bins) {
        return cpu.histogram(x, lo, hi, bins);
    }

    @Override
    public float[] quantiles(FloatMatrix x, double... q) {
        return cpu.quantiles(x, q);
    }

    @Override
    public void cholesky(FloatMatrix a) {
        cpu.cholesky(a);
    }

    @Override
    public void solveTriangular(FloatMatrix t, boolean lower, boolean transpose, FloatMatrix b) {
        cpu.solveTriangular(t, lower, transpose, b);
    }

    @Override
    public synchronized void close() {
        dev.makeCurrent();
        select.close();
        blas.close();
        stream.close();
        cpu.close();
    }
}
