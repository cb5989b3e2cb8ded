package sparsity.sae.model;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * BatchTopK sparse autoencoder (Bussmann et al. 2024; SAELens, dictionary_learning;
 * ALGORITHMS.md "BatchTopK"): in training, the B * k largest pre-activations of the whole batch
 * are kept (after ReLU), so each row's L0 varies around k. Everything else is as
 * {@link TopKAutoencoder}: unit-norm decoder columns with the parallel gradient removed, AuxK on
 * dead latents, the sparse backward pass over the kept entries.
 *
 * <p>For inference a threshold theta is estimated during training as a running mean (decay
 * {@code thresholdBeta}, as dictionary_learning, but over about the last 10% of the steps while
 * fewer than 10 / (1 - beta) steps have run) of the smallest positive kept activation of each
 * batch; encoding then keeps z = h * [h > theta] row by row (JumpReLU in SAELens). Before the first
 * step (no threshold yet) encoding uses the batch-wide top-k.
 */
public final class BatchTopKAutoencoder extends SparseAutoencoder implements InferenceThreshold {

    /** Registered name. */
    public static final String NAME = "batchtopk";

    /**
     * @param k             latents kept per row on average (B * k per batch)
     * @param kAux          dead latents used by AuxK per row
     * @param auxAlpha      AuxK coefficient
     * @param deadWindow    tokens without firing after which a latent is dead
     * @param fireThreshold a latent fires on a row when its value exceeds this
     * @param thresholdBeta decay of the running mean of the smallest kept activation
     */
    public record Config(int k, int kAux, double auxAlpha, long deadWindow, double fireThreshold, double thresholdBeta) {
        public Config {
            if (k < 1) throw new IllegalArgumentException("k must be >= 1");
            if (kAux < 0 || auxAlpha < 0 || deadWindow < 1) throw new IllegalArgumentException("bad AuxK settings");
            if (!(thresholdBeta >= 0 && thresholdBeta < 1)) throw new IllegalArgumentException("threshold decay in [0, 1)");
        }

        public static Config from(SaeSpec s) {
            return new Config(s.k(), s.kAux(), s.auxAlpha(), s.deadWindow(), s.fireThreshold(), s.thresholdBeta());
        }
    }

    private final Config cfg;
    private Batch batch;
    private AuxK aux;
    private final Sparse kept = new Sparse();
    private MemoryScope csrScope;
    private IntMatrix rowStart;
    private IntMatrix cols;
    private FloatMatrix csrVals;
    private double threshold = Double.NaN;

    public BatchTopKAutoencoder(Backend backend, int d, int n, Config cfg, long seed) {
        super(backend, d, n, cfg.deadWindow(), seed);
        if (cfg.k() > n) {
            close();
            throw new IllegalArgumentException("k = " + cfg.k() + " is larger than the " + n + " latents");
        }
        this.cfg = cfg;
    }

    @Override
    public String architecture() {
        return NAME;
    }

    public Config config() {
        return cfg;
    }

    @Override
    public SaeSpec spec() {
        SaeSpec s = SaeSpec.defaults(NAME, d, cfg.k());
        return new SaeSpec(NAME, cfg.k(), cfg.kAux(), cfg.auxAlpha(), cfg.deadWindow(), cfg.fireThreshold(), s.l1(),
                cfg.k(), 0, 1, cfg.thresholdBeta());
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public void setThreshold(double theta) {
        this.threshold = theta;
    }

    /**
     * Sets theta as Bussmann et al. estimate it after training: the mean, over {@code count}
     * batches of {@code data} (batch indices {@code first}, {@code first + 1}, ...), of the smallest
     * positive activation that the batch-wide top-k keeps with the current weights. The running
     * mean kept during training (decay {@code thresholdBeta}) still carries the values of the
     * first steps when a run is short (0.999^512 = 0.6 after 512 steps), and those are far from
     * the final ones; on MiniLM activations it kept 10 latents a row where k was 32. Returns theta
     * (unchanged when no batch keeps a positive value).
     */
    @Override
    public double calibrateThreshold(sparsity.sae.train.Batches data, int batchSize, long first, int count) throws java.io.IOException {
        double m = meanSmallestKept(data, batchSize, d, first, count, x -> batchForward(x, batch(batchSize)));
        if (!Double.isNaN(m)) threshold = m;
        return threshold;
    }

    /**
     * The mean over {@code count} batches of {@code data} (indices {@code first}, ...) of the
     * smallest positive value the batch-wide top-k keeps ({@code smallestKept} of a batch; not
     * finite when it keeps none); NaN when no batch keeps one. Shared with the GPU class.
     */
    static double meanSmallestKept(sparsity.sae.train.Batches data, int batchSize, int d, long first, int count,
                                   java.util.function.ToDoubleFunction<FloatMatrix> smallestKept) throws java.io.IOException {
        double sum = 0;
        int used = 0;
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(batchSize, d);
            for (int i = 0; i < count; i++) {
                data.batch(first + i, x);
                double m = smallestKept.applyAsDouble(x);
                if (Double.isFinite(m)) {
                    sum += m;
                    used++;
                }
            }
        }
        return used > 0 ? sum / used : Double.NaN;
    }

    @Override
    public int codeWidth() {
        return n;
    }

    @Override
    protected boolean unitDecoder() {
        return true;
    }

    private Batch batch(int rows) {
        if (batch == null || batch.rows != rows) {
            if (batch != null) batch.close();
            batch = new Batch(rows, d, n, 1);
        }
        return batch;
    }

    private void encoderProduct(FloatMatrix x, Batch b) {
        prepareRows(x, b.xc, b.pre, b.xhat, true);
        backend.gemm(false, true, 1f, b.xc, p.wEnc, 1f, b.pre);
    }

    /** Training forward: batch-wide top-k into {@link #kept}, ReLU, decode. Returns the smallest positive kept value. */
    private double batchForward(FloatMatrix x, Batch b) {
        int rows = x.rows();
        encoderProduct(x, b);
        long total = (long) rows * cfg.k();
        if (csrScope == null || rowStart.cols() != rows + 1) {
            if (csrScope != null) csrScope.close();
            csrScope = MemoryScope.open();
            rowStart = csrScope.ints(1, rows + 1);
            cols = csrScope.ints(1, (int) total);
            csrVals = csrScope.floats(1, (int) total);
        }
        backend.batchTopk(b.pre, (int) total, rowStart, cols, csrVals);
        int width = 1;
        for (int r = 0; r < rows; r++) width = Math.max(width, rowStart.get(0, r + 1) - rowStart.get(0, r));
        kept.ensure(rows, width);
        double minPositive = Double.POSITIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            int s = rowStart.get(0, r);
            int e = rowStart.get(0, r + 1);
            for (int j = 0; j < width; j++) {
                if (s + j < e) {
                    float v = csrVals.get(0, s + j);
                    kept.idx.set(r, j, cols.get(0, s + j));
                    kept.vals.set(r, j, v);
                    kept.z.set(r, j, Math.max(0f, v));
                    if (v > 0 && v < minPositive) minPositive = v;
                } else {
                    kept.idx.set(r, j, 0);
                    kept.vals.set(r, j, 0f);
                    kept.z.set(r, j, 0f);
                }
            }
        }
        backend.sparseDecode(kept.idx, kept.z, p.wDec, 1f, b.xhat);
        return minPositive;
    }

    @Override
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        Batch b = batch(x.rows());
        if (Double.isNaN(threshold)) {
            batchForward(x, b);
        } else {
            encoderProduct(x, b);
            kept.fromThreshold(b.pre, (float) Math.max(0, threshold));
            backend.sparseDecode(kept.idx, kept.z, p.wDec, 1f, b.xhat);
        }
        if (out != null) out.copyFrom(b.xhat);
        if (idx != null) kept.readOut(idx, z);
    }

    /** Calibrates with k per row (as TopK): a batch of random probes has no meaningful batch-wide ranking. */
    @Override
    protected void calibrationForward(FloatMatrix x, FloatMatrix out) {
        Batch b = batch(x.rows());
        encoderProduct(x, b);
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix vals = s.floats(x.rows(), cfg.k());
            IntMatrix idx = s.ints(x.rows(), cfg.k());
            backend.topkRows(b.pre, vals, idx);
            for (int r = 0; r < x.rows(); r++) for (int j = 0; j < cfg.k(); j++) vals.set(r, j, Math.max(0f, vals.get(r, j)));
            backend.sparseDecode(idx, vals, p.wDec, 1f, b.xhat);
        }
        out.copyFrom(b.xhat);
    }

    @Override
    StepStats gradients(FloatMatrix x) {
        int rows = x.rows();
        Batch b = batch(rows);
        double minPositive = batchForward(x, b);
        threshold = runningThreshold(threshold, minPositive, cfg.thresholdBeta(), step);
        Residual res = residual(x, b.xhat, b.gx);
        int w = kept.width;
        backend.sparseRowDots(kept.idx, b.gx, p.wDec, kept.gz);
        long active = 0;
        int[] fired = new int[n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < w; j++) {
                if (!(kept.vals.get(r, j) > 0)) kept.gz.set(r, j, 0f);
                else active++;
                if (kept.z.get(r, j) > cfg.fireThreshold()) fired[kept.idx.get(r, j)]++;
            }
        }
        gWDec.fill(0);
        gWEnc.fill(0);
        gBEnc.fill(0);
        backend.sparseOuterAccumulate(kept.idx, kept.z, b.gx, gWDec);
        backend.sparseOuterAccumulate(kept.idx, kept.gz, b.xc, gWEnc);
        backend.scatterAdd(kept.idx, kept.gz, gBEnc);
        columnSums(b.gx, gBPre, false);
        dead.record(rows, fired);
        double auxLoss = 0;
        int[] deadIdx = dead.dead();
        if (deadIdx.length > 0 && cfg.auxAlpha() > 0 && cfg.kAux() > 0) {
            if (aux == null || aux.rows != rows) {
                if (aux != null) aux.close();
                aux = new AuxK(rows, d);
            }
            auxLoss = aux.step(backend, b.pre, x, b.xhat, b.xc, deadIdx, cfg.kAux(), cfg.auxAlpha(), p, gWEnc, gWDec, gBEnc, gBPre);
        }
        backend.gemm(false, false, -1f, gBEnc, p.wEnc, 1f, gBPre);
        removeParallelComponent();
        return new StepStats(res.nmse() + auxLoss, res.nmse(), res.fvu(), (double) active / rows, auxLoss, deadIdx.length);
    }

    /**
     * The running estimate of theta after a training step (steps before it: {@code step}) whose
     * smallest positive kept value was {@code minPositive} (not finite: no change). Early on the
     * running mean spans the last ~10% of the steps (the code's scale moves fast at first), later
     * 1 / (1 - beta) steps.
     */
    static double runningThreshold(double threshold, double minPositive, double thresholdBeta, long step) {
        if (!Double.isFinite(minPositive)) return threshold;
        double beta = Math.min(thresholdBeta, 1 - 10.0 / (step + 10));
        return Double.isNaN(threshold) ? minPositive : beta * threshold + (1 - beta) * minPositive;
    }

    @Override
    public double[] extraState() {
        return new double[] {threshold};
    }

    @Override
    public void restoreExtraState(double[] state) {
        if (state.length != 1) throw new IllegalArgumentException("a batchtopk checkpoint keeps one threshold");
        threshold = state[0];
    }

    @Override
    protected void closeBuffers() {
        if (batch != null) batch.close();
        if (aux != null) aux.close();
        if (csrScope != null) csrScope.close();
        kept.close();
    }
}
