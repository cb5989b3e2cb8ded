package sparsity.kernels.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * The whole training step of a TopK or BatchTopK sparse autoencoder with AuxK on the GPU
 * (ALGORITHMS.md "TopK SAE", "BatchTopK"), with weights, Adam moments, dead-latent counts and the
 * batch kept on the device:
 * <ol>
 * <li>xc = x - b_pre; the encoder product xc W_enc^T by cuBLAS (fp32, or TF32 when allowed);</li>
 * <li>top-k of each row of pre-activations (+ b_enc) by one kernel; for BatchTopK the B k largest
 * of the whole batch ({@link CudaBatchSelect}), a varying number per row, kept as CSR lists;</li>
 * <li>one kernel per row: sparse decode, residual, its gradient and the latent gradient at the k kept latents;</li>
 * <li>dead-latent counts; AuxK: top-k_aux among the dead latents, their decode and gradients;</li>
 * <li>the (row, latent) pairs sorted by latent (counting sort), so that one block per latent computes
 * both weight gradients without atomics, removes the decoder gradient's component along its column,
 * takes Adam steps on both rows and on b_enc and renormalizes the decoder row, in one pass over the weights;</li>
 * <li>b_pre's gradient (column sums and -W_enc^T g_benc by cuBLAS) and its Adam step.</li>
 * </ol>
 * The same arithmetic as the CPU {@code TopKAutoencoder} and {@code BatchTopKAutoencoder}, up to the
 * order of floating-point sums.
 * Not thread-safe: one trainer per thread.
 *
 * <p>Where things are: the settings and the constructor (kernels compiled from {@code topk.cu},
 * {@code ops.cu}, {@code topk_sae.cu}; parameters, Adam state and per-latent buffers allocated);
 * phase profiling; "state in and out" (weights, moments, dead-latent counts to and from the host,
 * for checkpoints); "the step" ({@link #gradients}, then {@link #update}: the kernels above in
 * order, the batch copied from the trainer's page-locked buffers, {@link PinnedBatches}, into the
 * per-batch device buffers, {@link SaeBatch}); "inference" (codes and reconstructions of host
 * rows: per-row top-k, batch-wide, or above a threshold); "for benchmarks".
 */
public final class CudaTopKSae implements AutoCloseable {

    /** The encoder product's precision. */
    public enum Precision {
        /** plain fp32 (CUDA cores). */
        FP32,
        /** TF32 tensor cores (10-bit mantissa inputs, fp32 accumulation), as torch's allow_tf32. */
        TF32,
        /**
         * bfloat16 tensor cores: the centered batch and W_enc rounded to bf16 (8-bit mantissa) for
         * the product, fp32 accumulation and output, as torch's autocast to bfloat16; everything
         * else, the weights and Adam's state included, stays fp32.
         */
        BF16;

        public static Precision parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "fp32", "float32", "f32" -> FP32;
                case "tf32" -> TF32;
                case "bf16", "bfloat16" -> BF16;
                default -> throw new IllegalArgumentException("precision must be fp32, tf32 or bf16, not " + s);
            };
        }
    }

    /**
     * Settings.
     *
     * @param d             input width
     * @param n             latents
     * @param k             latents kept per row
     * @param kAux          dead latents per row for AuxK
     * @param auxAlpha      AuxK coefficient
     * @param deadWindow    tokens without firing after which a latent is dead
     * @param fireThreshold a latent fires on a row when its value exceeds this
     * @param precision     of the encoder product
     * @param batchTopK     keep the B k largest pre-activations of the batch (BatchTopK) instead of k per row
     */
    public record Config(int d, int n, int k, int kAux, double auxAlpha, long deadWindow, double fireThreshold,
                         Precision precision, boolean batchTopK) {
        /** A TopK trainer. */
        public Config(int d, int n, int k, int kAux, double auxAlpha, long deadWindow, double fireThreshold, Precision precision) {
            this(d, n, k, kAux, auxAlpha, deadWindow, fireThreshold, precision, false);
        }

        public Config {
            if (d < 1 || n < 1 || k < 1 || k > n) throw new IllegalArgumentException("bad shape d=" + d + " n=" + n + " k=" + k);
            if (k > TOPK_CAP || kAux > TOPK_CAP) {
                throw new IllegalArgumentException("the GPU trainer keeps at most " + TOPK_CAP + " latents per row (k, k_aux)");
            }
            if (d > 12288) throw new IllegalArgumentException("the GPU trainer takes rows of at most 12288 values");
        }
    }

    /**
     * One step's sums (for the step statistics).
     *
     * @param sse      sum |x_hat - x|^2
     * @param total    sum |x - mean_batch|^2
     * @param auxSse   AuxK sum |e_hat - e|^2 (0 when AuxK did not run)
     * @param auxVar   AuxK target variance per element
     * @param active   kept slots with a positive value
     * @param dead     dead latents after the step
     * @param auxUsed  whether AuxK ran
     * @param minPositive BatchTopK: the smallest positive kept value (+Inf when none; NaN for TopK)
     */
    public record StepSums(int rows, double sse, double total, double auxSse, double auxVar, long active, int dead,
                           boolean auxUsed, double minPositive) {
        public double fvu() {
            return total > 0 ? sse / total : Double.NaN;
        }
    }

    static final int TOPK_CAP = 2048;

    private final CudaDevice dev;
    private final Config cfg;
    private final int d;
    private final int n;
    private final int k;
    private final int kw;
    private final int dt;
    private final int dt4;
    private final int topkThreads;
    private final CudaDevice.Module mod;
    private final CudaDevice.Kernel kPrep, kTopk, kDecodeRes, kDead, kFinalize, kAuxDecode, kPairs, kScan, kBpreGrad,
            kLatentUpdate, kDecode, kColsum, kAdam, kToBf16;
    private final CudaDevice.Stream stream;
    private final CudaDevice.Stream copyStream;
    private final CudaDevice.Event copied;
    private final CudaDevice.Blas blas;
    private final CudaBatchSelect select;
    private final List<DeviceBuffer> owned = new ArrayList<>();
    // parameters and Adam state
    private final DeviceBuffer wEnc, wDec, bEnc, bPre, mWEnc, vWEnc, mWDec, vWDec, mBEnc, vBEnc, mBPre, vBPre;
    // per latent
    private final DeviceBuffer fired, firedOut, since, deadList, cnt, start, cursor, gBEnc;
    // per input column and scalars
    // sums: doubles [0, 64) (stats[8]), ints [64, 96) (istats[8])
    private final DeviceBuffer colsums, gBPre, sums, auxScale;
    // W_enc rounded to bf16 for the encoder product (BF16 precision only): written with W_enc by
    // the update kernel; rewritten from W_enc when the host has set the weights
    private DeviceBuffer wEnc16;
    private boolean wEnc16Fresh;
    private final long stats, istats;
    private final MemorySegment hostStats;
    private final MemorySegment hostFired;
    // page-locked host buffers we own: two for the trainer's batches, one to stage other host memory through
    private final PinnedBatches pinned;
    private SaeBatch batch;
    private SaeBatch pending;
    private static final String[] PHASES = {"copy of the batch to the GPU", "center, column sums", "encoder product",
            "top-k", "decode, residual, latent gradients", "dead latents", "AuxK", "pairs by latent, b_enc gradient",
            "b_pre gradient", "Adam, projection, renorm (per latent)"};
    private CudaDevice.Event[] marks;
    private double[] phaseMs;
    private int profiledSteps;
    private String lastUpload = "none yet";

    public CudaTopKSae(Config cfg) {
        this.dev = CudaDevice.get();
        this.cfg = cfg;
        this.d = cfg.d();
        this.n = cfg.n();
        this.k = cfg.k();
        this.kw = Math.max(1, Math.min(cfg.kAux(), n));
        int t = Math.min(256, (d + 31) / 32 * 32);
        this.dt = Math.max(64, t);
        int ept = (d + dt - 1) / dt;
        // top-k: a row's keys kept in registers when they fit (up to 32 a thread at 512 threads, 24 at 1024)
        int tkCache;
        if (n <= 512 * 32) {
            topkThreads = 512;
            tkCache = (n + 511) / 512;
        } else if (n <= 1024 * 24) {
            topkThreads = 1024;
            tkCache = (n + 1023) / 1024;
        } else {
            topkThreads = 512;
            tkCache = 0;
        }
        dt4 = d % 4 == 0 ? Math.min(256, (d / 4 + 31) / 32 * 32) : 0;
        Map<String, String> defs = new java.util.HashMap<>(Map.of("D", "" + d, "DT", "" + dt, "EPT", "" + ept, "K", "" + k,
                "TK_THREADS", "" + topkThreads, "TK_CAP", "" + TOPK_CAP));
        if (tkCache > 0) defs.put("TK_CACHE", "" + tkCache);
        if (dt4 > 0) defs.put("DT4", "" + dt4);
        mod = dev.module(List.of("topk.cu", "ops.cu", "topk_sae.cu", "batch_topk.cu"), defs);
        kPrep = mod.kernel("sae_prep");
        kTopk = mod.kernel("topk_rows");
        kDecodeRes = mod.kernel("sae_decode_residual");
        kDead = mod.kernel("sae_dead_update");
        kFinalize = mod.kernel("sae_finalize");
        kAuxDecode = mod.kernel("sae_aux_decode");
        kPairs = mod.kernel("sae_pairs");
        kScan = mod.kernel("scan_counts");
        kBpreGrad = mod.kernel("sae_bpre_grad");
        kLatentUpdate = mod.kernel(dt4 > 0 ? "sae_latent_update4" : "sae_latent_update");
        kDecode = mod.kernel("sae_decode");
        kColsum = mod.kernel("colsum_f64");
        kAdam = mod.kernel("adam_vec");
        kToBf16 = mod.kernel("f32_to_bf16");
        stream = dev.stream();
        copyStream = dev.stream();
        copied = dev.event(false);
        pinned = new PinnedBatches(dev, () -> {
            stream.synchronize();
            copyStream.synchronize();
        });
        blas = dev.blas(stream, cfg.precision() == Precision.TF32);
        select = cfg.batchTopK() ? new CudaBatchSelect(dev, mod) : null;
        long nd = (long) n * d;
        try {
            wEnc = zeros(4 * nd, "the encoder weights");
            wDec = zeros(4 * nd, "the decoder weights");
            bEnc = zeros(4L * n, "b_enc");
            bPre = zeros(4L * d, "b_pre");
            mWEnc = zeros(4 * nd, "Adam's first moment of the encoder");
            vWEnc = zeros(4 * nd, "Adam's second moment of the encoder");
            mWDec = zeros(4 * nd, "Adam's first moment of the decoder");
            vWDec = zeros(4 * nd, "Adam's second moment of the decoder");
            mBEnc = zeros(4L * n, "Adam state");
            vBEnc = zeros(4L * n, "Adam state");
            mBPre = zeros(4L * d, "Adam state");
            vBPre = zeros(4L * d, "Adam state");
            fired = zeros(4L * n, "fire counts");
            firedOut = zeros(4L * n, "fire counts");
            since = zeros(8L * n, "dead-latent counts");
            deadList = zeros(4L * n, "the dead-latent list");
            cnt = zeros(4L * n, "pair counts");
            start = zeros(4L * (n + 1), "pair offsets");
            cursor = zeros(4L * n, "pair cursors");
            gBEnc = zeros(4L * n, "the b_enc gradient");
            colsums = zeros(8L * 4 * d, "column sums");
            gBPre = zeros(4L * d, "the b_pre gradient");
            sums = zeros(8L * 8 + 4L * 8, "step sums");
            auxScale = zeros(4, "AuxK scale");
            if (cfg.precision() == Precision.BF16) wEnc16 = zeros(2 * nd, "the encoder weights in bf16");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        stats = sums.ptr();
        istats = sums.ptr() + 64;
        hostStats = dev.allocPinned(8L * 8 + 4L * 8);
        hostFired = dev.allocPinned(4L * n);
        stream.synchronize();
    }

    private DeviceBuffer zeros(long bytes, String what) {
        DeviceBuffer b = dev.alloc(bytes, what);
        owned.add(b);
        stream.fill32(b.ptr(), 0, (bytes + 3) / 4);
        return b;
    }

    public Config config() {
        return cfg;
    }

    public CudaDevice device() {
        return dev;
    }

    /**
     * Times each phase of the step with events from now on (each step then waits for its update
     * phase too); {@link #profile()} reports the means.
     */
    public void startProfiling() {
        if (marks == null) {
            marks = new CudaDevice.Event[PHASES.length + 1];
            for (int i = 0; i < marks.length; i++) marks[i] = dev.event(true);
        }
        phaseMs = new double[PHASES.length];
        profiledSteps = 0;
        if (select != null) select.startProfiling();
    }

    /** Mean milliseconds per phase since {@link #startProfiling()}, one line each; "" when not profiling. */
    public String profile() {
        if (phaseMs == null || profiledSteps == 0) return "";
        StringBuilder sb = new StringBuilder();
        double total = 0;
        for (double v : phaseMs) total += v;
        for (int i = 0; i < PHASES.length; i++) {
            String name = i == 3 && cfg.batchTopK() ? "top-k over the batch (radix select)" : PHASES[i];
            sb.append(String.format(java.util.Locale.ROOT, "  %-42s %8.3f ms %5.1f%%%n", name, phaseMs[i] / profiledSteps,
                    100 * phaseMs[i] / total));
        }
        sb.append(String.format(java.util.Locale.ROOT, "  %-42s %8.3f ms (GPU time of %d profiled steps; last batch copied from %s)%n",
                "total", total / profiledSteps, profiledSteps, lastUpload));
        if (select != null) sb.append("    the batch-wide top-k by stage:\n").append(select.profile());
        return sb.toString();
    }

    private void mark(int i) {
        if (phaseMs != null) stream.record(marks[i]);
    }

    /** Work buffers of one batch size. */
    private SaeBatch batch(int rows) {
        if (batch == null || batch.rows < rows) {
            if (batch != null) batch.close();
            batch = null;
            batch = new SaeBatch(dev, rows, d, n, k, kw, cfg.precision() == Precision.BF16, cfg.batchTopK());
        }
        return batch;
    }

    // ------------------------------------------------------------------ state in and out

    private static void put(DeviceBuffer dst, FloatMatrix src, CudaDevice dev) {
        if (!src.isContiguous()) {
            try (MemoryScope s = MemoryScope.open()) {
                dev.upload(dst.ptr(), s.copyOf(src).segment(), 4 * src.size());
            }
        } else {
            dev.upload(dst.ptr(), src.segment(), 4 * src.size());
        }
    }

    private static void take(FloatMatrix dst, DeviceBuffer src, CudaDevice dev) {
        if (!dst.isContiguous()) {
            try (MemoryScope s = MemoryScope.open()) {
                FloatMatrix t = s.floats(dst.rows(), dst.cols());
                dev.download(t.segment(), src.ptr(), 4 * dst.size());
                dst.copyFrom(t);
            }
        } else {
            dev.download(dst.segment(), src.ptr(), 4 * dst.size());
        }
    }

    private void check(FloatMatrix m, int rows, int cols, String what) {
        FloatMatrix.requireShape(m, rows, cols, what);
    }

    /** Uploads the weights: W_enc, W_dec [n x d] (latent-major), b_enc [1 x n], b_pre [1 x d]. */
    public void setParams(FloatMatrix wEncH, FloatMatrix wDecH, FloatMatrix bEncH, FloatMatrix bPreH) {
        dev.makeCurrent();
        stream.synchronize();
        check(wEncH, n, d, "W_enc");
        check(wDecH, n, d, "W_dec");
        check(bEncH, 1, n, "b_enc");
        check(bPreH, 1, d, "b_pre");
        put(wEnc, wEncH, dev);
        put(wDec, wDecH, dev);
        put(bEnc, bEncH, dev);
        put(bPre, bPreH, dev);
        wEnc16Fresh = false;
    }

    /** Downloads the weights into host matrices of the same shapes as {@link #setParams}. */
    public void getParams(FloatMatrix wEncH, FloatMatrix wDecH, FloatMatrix bEncH, FloatMatrix bPreH) {
        dev.makeCurrent();
        stream.synchronize();
        take(wEncH, wEnc, dev);
        take(wDecH, wDec, dev);
        take(bEncH, bEnc, dev);
        take(bPreH, bPre, dev);
    }

    /** Uploads Adam's moments, each array in the order W_enc, W_dec, b_enc, b_pre. */
    public void setMoments(FloatMatrix[] m, FloatMatrix[] v) {
        dev.makeCurrent();
        stream.synchronize();
        DeviceBuffer[] dm = {mWEnc, mWDec, mBEnc, mBPre};
        DeviceBuffer[] dv = {vWEnc, vWDec, vBEnc, vBPre};
        for (int i = 0; i < 4; i++) {
            put(dm[i], m[i], dev);
            put(dv[i], v[i], dev);
        }
    }

    public void getMoments(FloatMatrix[] m, FloatMatrix[] v) {
        dev.makeCurrent();
        stream.synchronize();
        DeviceBuffer[] dm = {mWEnc, mWDec, mBEnc, mBPre};
        DeviceBuffer[] dv = {vWEnc, vWDec, vBEnc, vBPre};
        for (int i = 0; i < 4; i++) {
            take(m[i], dm[i], dev);
            take(v[i], dv[i], dev);
        }
    }

    /** Tokens since each latent last fired (the dead-latent counts). */
    public void setSince(long[] s) {
        if (s.length != n) throw new IllegalArgumentException("dead-latent counts of " + s.length + " latents, expected " + n);
        dev.makeCurrent();
        stream.synchronize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(8L * n, 8);
            MemorySegment.copy(s, 0, h, JAVA_LONG, 0, n);
            dev.upload(since.ptr(), h, 8L * n);
        }
    }

    public long[] getSince() {
        dev.makeCurrent();
        stream.synchronize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(8L * n, 8);
            dev.download(h, since.ptr(), 8L * n);
            return h.toArray(JAVA_LONG);
        }
    }

    // ------------------------------------------------------------------ the step

    /**
     * The gradient phase of a step on host rows x [rows x d]: copies x to the device (page-locking
     * its memory the first time it is seen, then copying on a second stream), runs the forward
     * pass, AuxK and every gradient, updates the dead-latent counts, and waits for the sums. Fills
     * firedCounts [n] (when not null) with the rows each latent fired on. Follow with
     * {@link #update}. mseScale is the main loss's scale (its gradient is 2 mseScale (x_hat - x) / (rows d)).
     */
    public StepSums gradients(FloatMatrix x, double mseScale, int[] firedCounts) {
        dev.makeCurrent();
        SaeBatch b = batch(x.rows());
        uploadBatch(x, b.x);
        return gradientsAt(b, b.x.ptr(), x.rows(), mseScale, firedCounts);
    }

    /** {@link #gradients} on a batch already on the device, x at {@code xPtr} [rows x d]. */
    public StepSums gradientsOnDevice(long xPtr, int rows, double mseScale, int[] firedCounts) {
        dev.makeCurrent();
        return gradientsAt(batch(rows), xPtr, rows, mseScale, firedCounts);
    }

    /**
     * The update phase: Adam steps (eps 6.25e-10) with learning rate lr on every parameter, using
     * the gradients of the last {@link #gradients} call, the decoder gradient's component along
     * each column removed first and the decoder rows renormalized after. adamStep counts from 1.
     * Returns without waiting; the next call on this trainer runs after it.
     */
    public void update(float lr, long adamStep) {
        if (adamStep < 1) throw new IllegalArgumentException("Adam steps count from 1");
        if (pending == null) throw new IllegalStateException("update without gradients");
        dev.makeCurrent();
        SaeBatch b = pending;
        pending = null;
        float b1 = 0.9f, b2 = 0.999f, eps = 6.25e-10f;
        float c1 = (float) (1 - Math.pow(b1, adamStep));
        float c2 = (float) (1 - Math.pow(b2, adamStep));
        if (phaseMs != null) stream.record(marks[0]);
        dev.launch(kAdam, grid(d, 256), 1, 256, 1, 0, stream, bPre, gBPre, mBPre, vBPre, (long) d, lr, b1, b2, eps, c1, c2);
        dev.launch(kLatentUpdate, n, 1, dt4 > 0 ? dt4 : dt, 1, 0, stream, start, b.erow, b.ez, b.egz, b.gx, b.gaux, b.xc, wEnc, mWEnc, vWEnc,
                wDec, mWDec, vWDec, bEnc, mBEnc, vBEnc, gBEnc, lr, b1, b2, eps, c1, c2, orNull(wEnc16));
        if (phaseMs != null) {
            stream.record(marks[PHASES.length]);
            marks[PHASES.length].synchronize();
            phaseMs[PHASES.length - 1] += marks[PHASES.length].millisSince(marks[0]);
            for (int i = 1; i < PHASES.length - 1; i++) phaseMs[i] += marks[i + 1].millisSince(marks[i]);
            profiledSteps++;
        }
    }

    /** Waits for the work queued on the device (e.g. the last {@link #update}). */
    public void synchronize() {
        dev.makeCurrent();
        stream.synchronize();
    }

    /**
     * A host buffer of rows x d floats in page-locked memory this trainer owns (slot 0 or 1, for
     * a reader that fills one while a step runs on the other), valid until the next call for a
     * larger batch or {@link #close()}: batches in it go to the GPU by an asynchronous copy on
     * the second stream. Other host memory is staged through a page-locked buffer of our own.
     * (Host memory the trainer does not own is never page-locked in place: the owner may free
     * it while the driver still has it registered.)
     */
    public FloatMatrix hostBatch(int slot, int rows) {
        return pinned.hostBatch(slot, rows, d);
    }

    private void uploadBatch(FloatMatrix x, DeviceBuffer dst) {
        check(x, x.rows(), d, "x");
        long bytes = 4 * x.size();
        if (phaseMs != null) copyStream.record(marks[0]);
        MemorySegment src;
        if (pinned.owns(x)) {
            src = x.segment().asSlice(0, bytes);
            lastUpload = "the trainer's page-locked buffer";
        } else {
            copyStream.synchronize(); // the staging buffer's last copy is done
            src = pinned.stage(x, d);
            lastUpload = "other host memory, staged";
        }
        copyStream.uploadAsync(dst.ptr(), src, bytes);
        copyStream.record(copied);
        stream.waitFor(copied);
        copied.synchronize(); // the caller may refill x once this returns
        if (phaseMs != null) {
            copyStream.record(marks[1]);
            marks[1].synchronize();
            phaseMs[0] += marks[1].millisSince(marks[0]);
        }
    }

    private StepSums gradientsAt(SaeBatch b, long x, int rows, double mseScale, int[] firedCounts) {
        long rd = (long) rows * d;
        boolean auxWanted = cfg.auxAlpha() > 0 && cfg.kAux() > 0;
        int colGrid = Math.min(64, (rows + 7) / 8);
        // zero the per-step sums
        stream.fill32(stats, 0, 16 + 8);
        stream.fill32(istats + 12, Float.floatToRawIntBits(Float.POSITIVE_INFINITY), 1);
        stream.fill32(colsums.ptr(), 0, 2L * 4 * d);
        stream.fill32(cnt.ptr(), 0, n);
        stream.fill32(gBEnc.ptr(), 0, n);
        mark(1);
        // 1. center, encoder product
        dev.launch(kPrep, grid(rd, 256), 1, 256, 1, 0, stream, x, bPre, b.xc, rd, orNull(b.xc16));
        dev.launch(kColsum, (d + 31) / 32, colGrid, 32, 8, 0, stream, x, rows, d, colsums.ptr(), 0L);
        mark(2);
        encoderProduct(b, rows);
        mark(3);
        // 2. top-k of h + b_enc: per row, or the rows k largest of the batch
        long rowStart = select(b, rows, istats + 12);
        mark(4);
        // 3. decode, residual, gradients at the kept latents
        float gscale = (float) (2 * mseScale / ((double) rows * d));
        dev.launch(kDecodeRes, rows, 1, dt, 1, 0, stream, x, wDec, bPre, b.vals, b.idx, rowStart, b.gx, auxWanted ? b.resid.ptr() : 0L,
                b.gz, gscale, (float) cfg.fireThreshold(), fired, stats, istats);
        dev.launch(kColsum, (d + 31) / 32, colGrid, 32, 8, 0, stream, b.gx, rows, d, colsums.ptr() + 8L * 2 * d, 0L);
        if (auxWanted) {
            dev.launch(kColsum, (d + 31) / 32, colGrid, 32, 8, 0, stream, b.resid, rows, d, colsums.ptr() + 8L * d, 0L);
        }
        mark(5);
        // 4. dead latents, AuxK
        dev.launch(kDead, 1, 1, 1024, 1, 0, stream, fired, firedOut, since, n, rows, cfg.deadWindow(), deadList, istats);
        dev.launch(kFinalize, 1, 1, 256, 1, 0, stream, colsums.ptr(), colsums.ptr() + 8L * d, stats, istats, rows,
                (float) cfg.auxAlpha(), auxWanted ? 1 : 0, auxScale);
        mark(6);
        long guard = istats + 8;
        if (auxWanted) {
            dev.launch(kTopk, rows, 1, topkThreads, 1, 0, stream, b.h, (long) n, bEnc, deadList, istats + 4, 0, kw, kw,
                    b.avals, b.aidx, guard);
            dev.launch(kAuxDecode, rows, 1, dt, 1, 0, stream, b.resid, wDec, b.avals, b.aidx, kw, b.gaux, b.gzaux, auxScale,
                    stats, istats);
            dev.launch(kColsum, (d + 31) / 32, colGrid, 32, 8, 0, stream, b.gaux, rows, d, colsums.ptr() + 8L * 3 * d, guard);
        }
        mark(7);
        // 5. pairs by latent (counting sort), the b_enc gradient
        long nMain = (long) rows * k;
        long nAux = auxWanted ? (long) rows * kw : 0;
        int pg = grid(nMain + nAux, 256);
        long rowOf = b.rowOf == null ? 0L : b.rowOf.ptr();
        dev.launch(kPairs, pg, 1, 256, 1, 0, stream, 0, b.vals, b.idx, rowOf, b.gz, nMain, b.avals, b.aidx, b.gzaux, nAux, kw, istats,
                cnt, gBEnc, cursor, b.erow, b.ez, b.egz);
        dev.launch(kScan, 1, 1, 1024, 1, 0, stream, cnt, n, start, cursor);
        dev.launch(kPairs, pg, 1, 256, 1, 0, stream, 1, b.vals, b.idx, rowOf, b.gz, nMain, b.avals, b.aidx, b.gzaux, nAux, kw, istats,
                cnt, gBEnc, cursor, b.erow, b.ez, b.egz);
        mark(8);
        // 6. b_pre: column sums of both output gradients, minus W_enc^T g_benc (before W_enc moves)
        dev.launch(kBpreGrad, 1, 1, 256, 1, 0, stream, colsums.ptr() + 8L * 2 * d, colsums.ptr() + 8L * 3 * d, gBPre);
        blas.subtractTransposedProduct(wEnc.ptr(), n, d, gBEnc.ptr(), gBPre.ptr());
        mark(9);
        // 7. the sums back to the host
        stream.downloadAsync(hostStats, stats, 8L * 8 + 4L * 8);
        if (firedCounts != null) stream.downloadAsync(hostFired, firedOut.ptr(), 4L * n);
        stream.synchronize();
        pending = b;
        if (firedCounts != null) MemorySegment.copy(hostFired, JAVA_INT, 0, firedCounts, 0, n);
        double sse = hostStats.getAtIndex(JAVA_DOUBLE, 0);
        double total = hostStats.getAtIndex(JAVA_DOUBLE, 3);
        double auxSse = hostStats.getAtIndex(JAVA_DOUBLE, 2);
        double auxVar = hostStats.getAtIndex(JAVA_DOUBLE, 4);
        long active = hostStats.get(JAVA_INT, 64);
        int dead = hostStats.get(JAVA_INT, 68);
        boolean auxUsed = hostStats.get(JAVA_INT, 72) != 0;
        double minPositive = cfg.batchTopK() ? Float.intBitsToFloat(hostStats.get(JAVA_INT, 76)) : Double.NaN;
        return new StepSums(rows, sse, total, auxUsed ? auxSse : 0, auxVar, active, dead, auxUsed, minPositive);
    }

    /**
     * The main selection of h + b_enc into b.vals / b.idx: k per row (returns 0), or for BatchTopK
     * the rows k largest of the batch, each row's in column order, with b.rowStart, b.rowOf and the
     * smallest positive kept value at minPos (returns b.rowStart's pointer).
     */
    private long select(SaeBatch b, int rows, long minPos) {
        if (!cfg.batchTopK()) {
            dev.launch(kTopk, rows, 1, topkThreads, 1, 0, stream, b.h, (long) n, bEnc, 0L, 0L, n, k, k, b.vals, b.idx, 0L);
            return 0L;
        }
        select.select(stream, b.h.ptr(), n, bEnc.ptr(), rows, n, (long) rows * k, b.rowStart.ptr(), b.vals.ptr(), b.idx.ptr(),
                b.rowOf.ptr(), minPos);
        return b.rowStart.ptr();
    }

    /**
     * h = xc W_enc^T [rows x n] by cuBLAS in the configured precision; in bf16 from the bf16
     * copies of the centered batch (written by the centering kernel) and of W_enc (written by the
     * update kernel with W_enc; rounded here from W_enc only after the host set the weights).
     */
    private void encoderProduct(SaeBatch b, int rows) {
        if (cfg.precision() == Precision.BF16) {
            if (!wEnc16Fresh) {
                long nd = (long) n * d;
                dev.launch(kToBf16, grid(nd, 256), 1, 256, 1, 0, stream, wEnc, wEnc16, nd);
                wEnc16Fresh = true;
            }
            blas.gemmBf16(false, true, rows, n, d, 1f, b.xc16.ptr(), d, wEnc16.ptr(), d, 0f, b.h.ptr(), n);
        } else {
            blas.gemm(false, true, rows, n, d, 1f, b.xc.ptr(), d, wEnc.ptr(), d, 0f, b.h.ptr(), n);
        }
    }

    /** A device buffer, or a null pointer for the kernels' optional arguments. */
    private static Object orNull(DeviceBuffer b) {
        return b == null ? (Object) 0L : b;
    }

    private static int grid(long total, int threads) {
        return (int) Math.max(1, Math.min(65535L * 16, (total + threads - 1) / threads));
    }

    // ------------------------------------------------------------------ inference

    /**
     * Codes and reconstructions of host rows x [rows x d] with k latents per row (TopK; for
     * BatchTopK the calibration probe's encoder): the kept latents and their values into idx and
     * z [rows x k] (skipped when null), reconstructions into out [rows x d] (skipped when null).
     */
    public void forward(FloatMatrix x, IntMatrix idxOut, FloatMatrix zOut, FloatMatrix out) {
        SaeBatch b = encode(x);
        int rows = x.rows();
        dev.launch(kTopk, rows, 1, topkThreads, 1, 0, stream, b.h, (long) n, bEnc, 0L, 0L, n, k, k, b.vals, b.idx, 0L);
        dev.launch(kDecode, rows, 1, dt, 1, 0, stream, wDec, bPre, b.vals, b.idx, 0L, b.z, b.out);
        stream.synchronize();
        if (out != null) take(out, b.out, dev);
        if (zOut != null) take(zOut, b.z, dev);
        if (idxOut != null) {
            try (MemoryScope s = MemoryScope.open()) {
                IntMatrix t = s.ints(rows, k);
                dev.download(t.segment(), b.idx.ptr(), 4L * rows * k);
                idxOut.copyFrom(t);
            }
        }
    }

    /**
     * BatchTopK's training-time forward pass on host rows x [rows x d], without a step: the rows k
     * largest pre-activations of the batch, each row's in column order into idx and z [rows x w]
     * (w at least the most any row keeps; zero-padded; skipped when null), z = max(0, value), and the
     * reconstructions into out [rows x d] (skipped when null). Returns the smallest positive kept
     * value (+Inf when none).
     */
    public double forwardBatch(FloatMatrix x, IntMatrix idxOut, FloatMatrix zOut, FloatMatrix out) {
        if (!cfg.batchTopK()) throw new IllegalStateException("not a BatchTopK trainer");
        SaeBatch b = encode(x);
        int rows = x.rows();
        stream.fill32(istats + 12, Float.floatToRawIntBits(Float.POSITIVE_INFINITY), 1);
        select.select(stream, b.h.ptr(), n, bEnc.ptr(), rows, n, (long) rows * k, b.rowStart.ptr(), b.vals.ptr(), b.idx.ptr(),
                0L, istats + 12);
        dev.launch(kDecode, rows, 1, dt, 1, 0, stream, wDec, bPre, b.vals, b.idx, b.rowStart, b.z, b.out);
        stream.downloadAsync(hostStats, stats, 8L * 8 + 4L * 8);
        stream.synchronize();
        if (out != null) take(out, b.out, dev);
        readOut(rows, b.rowStart.ptr(), b.idx.ptr(), b.z.ptr(), idxOut, zOut);
        return Float.intBitsToFloat(hostStats.get(JAVA_INT, 76));
    }

    /**
     * JumpReLU inference (BatchTopK with its threshold): row by row the latents whose
     * pre-activation exceeds theta, in column order, into idx and z [rows x w] (w at least the most
     * any row keeps; zero-padded; skipped when null), and the reconstructions into out [rows x d]
     * (skipped when null).
     */
    public void forwardThreshold(FloatMatrix x, float theta, IntMatrix idxOut, FloatMatrix zOut, FloatMatrix out) {
        if (!cfg.batchTopK()) throw new IllegalStateException("not a BatchTopK trainer");
        SaeBatch b = encode(x);
        int rows = x.rows();
        int total = select.countAbove(stream, b.h.ptr(), n, bEnc.ptr(), rows, n, theta, b.rowStart.ptr());
        if (inferCap < Math.max(1, total)) {
            for (DeviceBuffer buf : infer) buf.close();
            infer.clear();
            inferCap = 0;
            long cap = Math.max(total, (long) rows * k);
            for (int i = 0; i < 3; i++) infer.add(dev.alloc(4 * cap, "the codes above the threshold"));
            inferCap = cap;
        }
        long vals = infer.get(0).ptr(), idx = infer.get(1).ptr(), z = infer.get(2).ptr();
        select.writeAbove(stream, b.h.ptr(), n, bEnc.ptr(), rows, n, b.rowStart.ptr(), vals, idx);
        dev.launch(kDecode, rows, 1, dt, 1, 0, stream, wDec, bPre, vals, idx, b.rowStart, z, b.out);
        stream.synchronize();
        if (out != null) take(out, b.out, dev);
        readOut(rows, b.rowStart.ptr(), idx, z, idxOut, zOut);
    }

    private final List<DeviceBuffer> infer = new ArrayList<>();
    private long inferCap;

    /** x to the device, centered, through the encoder product into h (the bias not added). */
    private SaeBatch encode(FloatMatrix x) {
        dev.makeCurrent();
        SaeBatch b = batch(x.rows());
        long rd = (long) x.rows() * d;
        pending = null;
        stream.synchronize();
        check(x, x.rows(), d, "x");
        put(b.x, x, dev);
        dev.launch(kPrep, grid(rd, 256), 1, 256, 1, 0, stream, b.x, bPre, b.xc, rd, orNull(b.xc16));
        encoderProduct(b, x.rows());
        return b;
    }

    /** CSR codes on the device (rowStart [rows + 1], idx and z) into zero-padded host rows. */
    private void readOut(int rows, long rowStart, long idx, long z, IntMatrix idxOut, FloatMatrix zOut) {
        if (idxOut == null && zOut == null) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment rs = a.allocate(4L * (rows + 1), 4);
            dev.download(rs, rowStart, 4L * (rows + 1));
            int[] start = rs.toArray(JAVA_INT);
            int total = start[rows];
            MemorySegment is = a.allocate(4L * Math.max(1, total), 4);
            MemorySegment zs = a.allocate(4L * Math.max(1, total), 4);
            dev.download(is, idx, 4L * total);
            dev.download(zs, z, 4L * total);
            int width = 0;
            for (int r = 0; r < rows; r++) width = Math.max(width, start[r + 1] - start[r]);
            if (idxOut != null) {
                if (idxOut.rows() != rows || idxOut.cols() < width) {
                    throw new IllegalArgumentException("codes of " + rows + " x " + idxOut.cols() + " slots, rows use " + width);
                }
                idxOut.fill(0);
            }
            if (zOut != null) {
                if (zOut.rows() != rows || zOut.cols() < width) {
                    throw new IllegalArgumentException("codes of " + rows + " x " + zOut.cols() + " slots, rows use " + width);
                }
                zOut.fill(0f);
            }
            for (int r = 0; r < rows; r++) {
                for (int t = start[r]; t < start[r + 1]; t++) {
                    if (idxOut != null) idxOut.set(r, t - start[r], is.getAtIndex(JAVA_INT, t));
                    if (zOut != null) zOut.set(r, t - start[r], zs.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, t));
                }
            }
        }
    }

    // ------------------------------------------------------------------ for benchmarks

    /**
     * Milliseconds per encoder product (rows x d times d x n) on the device, the median of
     * {@code reps} timed with events after two warm-ups.
     */
    public double timeEncoderProduct(int rows, int reps) {
        dev.makeCurrent();
        SaeBatch b = batch(rows);
        double[] ms = new double[reps];
        try (CudaDevice.Event e0 = dev.event(true); CudaDevice.Event e1 = dev.event(true)) {
            for (int i = 0; i < 2; i++) encoderProduct(b, rows);
            for (int i = 0; i < reps; i++) {
                stream.record(e0);
                encoderProduct(b, rows);
                stream.record(e1);
                e1.synchronize();
                ms[i] = e1.millisSince(e0);
            }
        }
        java.util.Arrays.sort(ms);
        return ms[reps / 2];
    }

    /** A device buffer of {@code rows} x d floats filled from host rows (for benchmarks that keep data resident). */
    public DeviceBuffer residentBatch(FloatMatrix x) {
        check(x, x.rows(), d, "x");
        DeviceBuffer buf = dev.alloc(4 * x.size(), "a resident batch");
        put(buf, x, dev);
        return buf;
    }

    @Override
    public void close() {
        dev.makeCurrent();
        try {
            if (stream != null) stream.synchronize();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        if (batch != null) batch.close();
        for (DeviceBuffer b : infer) b.close();
        if (select != null) select.close();
        for (DeviceBuffer b : owned) b.close();
        if (pinned != null) pinned.close();
        if (hostStats != null) dev.freePinned(hostStats);
        if (hostFired != null) dev.freePinned(hostFired);
        if (blas != null) blas.close();
        if (copied != null) copied.close();
        if (marks != null) for (CudaDevice.Event e : marks) e.close();
        if (copyStream != null) copyStream.close();
        if (stream != null) stream.close();
    }
}
