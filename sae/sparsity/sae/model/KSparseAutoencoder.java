package sparsity.sae.model;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;

/**
 * k-sparse autoencoder (Makhzani and Frey 2013; ALGORITHMS.md "k-sparse autoencoder"): tied
 * weights, h = W^T x + b; keep the k largest entries of h (support G, linear: no ReLU),
 * x_hat = W h_G + b'. The gradient flows only through G. k follows a schedule from
 * {@code kStart} down to the target k over the first {@code kScheduleSteps} steps (large k early
 * keeps units from dying). For use after training, encoding keeps alpha * k units.
 *
 * <p>W is stored once as the decoder rows ({@link SaeParams#wDec}, latent-major [n x d]); the
 * encoder rows {@link SaeParams#wEnc} are a copy kept equal after every step, so the encoder
 * product is the same gemm as the other architectures. b is {@code bEnc}, b' is {@code bPre}
 * (initialized at the geometric median; not subtracted from the input). The decoder is not kept
 * at unit norm.
 */
public final class KSparseAutoencoder extends SparseAutoencoder {

    /** Registered name. */
    public static final String NAME = "ksparse";

    /**
     * @param k             target latents per row
     * @param kStart        k at step 0 (>= k)
     * @param scheduleSteps steps over which k goes linearly from kStart to k (0: k from the start)
     * @param encodeAlpha   alpha >= 1: encoding for use keeps round(alpha * k) units
     * @param deadWindow    tokens without firing after which a latent counts as dead (statistics)
     * @param fireThreshold a latent fires on a row when |value| exceeds this
     */
    public record Config(int k, int kStart, long scheduleSteps, double encodeAlpha, long deadWindow, double fireThreshold) {
        public Config {
            if (k < 1) throw new IllegalArgumentException("k must be >= 1");
            if (kStart < k) throw new IllegalArgumentException("the k schedule starts at " + kStart + ", below the target k = " + k);
            if (scheduleSteps < 0) throw new IllegalArgumentException("k schedule steps must be >= 0");
            if (!(encodeAlpha >= 1)) throw new IllegalArgumentException("alpha must be >= 1");
            if (deadWindow < 1) throw new IllegalArgumentException("dead window must be >= 1");
        }

        public static Config from(SaeSpec s) {
            return new Config(s.k(), Math.max(s.k(), s.kStart()), s.kScheduleSteps(), s.encodeAlpha(), s.deadWindow(), s.fireThreshold());
        }

        /** k at a training step. */
        public int kAt(long step) {
            if (step >= scheduleSteps || kStart == k) return k;
            return (int) Math.round(kStart - (double) (kStart - k) * step / scheduleSteps);
        }
    }

    private final Config cfg;
    private final int encodeK;
    private Batch batch;
    private final Sparse kept = new Sparse();

    public KSparseAutoencoder(Backend backend, int d, int n, Config cfg, long seed) {
        super(backend, d, n, cfg.deadWindow(), seed);
        if (cfg.kStart() > n) {
            close();
            throw new IllegalArgumentException("k = " + cfg.kStart() + " is larger than the " + n + " latents");
        }
        this.cfg = cfg;
        this.encodeK = (int) Math.min(n, Math.round(cfg.encodeAlpha() * cfg.k()));
        p.wEnc.copyFrom(p.wDec);
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
        return new SaeSpec(NAME, cfg.k(), s.kAux(), 0, cfg.deadWindow(), cfg.fireThreshold(), s.l1(), cfg.kStart(),
                cfg.scheduleSteps(), cfg.encodeAlpha(), s.thresholdBeta());
    }

    /** Units kept when encoding for use: round(alpha * k). */
    @Override
    public int codeWidth() {
        return encodeK;
    }

    @Override
    protected boolean unitDecoder() {
        return false;
    }

    @Override
    protected boolean trains(int tensor) {
        return tensor != 0; // W_enc is W_dec (tied)
    }

    @Override
    protected void afterStep() {
        p.wEnc.copyFrom(p.wDec);
    }

    /** Tied weights: no encoder rescaling at init (it would untie them). */
    @Override
    protected void calibrate(long seed) {
    }

    private Batch batch(int rows) {
        if (batch == null || batch.rows != rows) {
            if (batch != null) batch.close();
            batch = new Batch(rows, d, n, 1);
        }
        return batch;
    }

    /** h = W^T x + b, the kk largest (linear), x_hat = W h_G + b'. */
    private void forward(FloatMatrix x, Batch b, int kk) {
        prepareRows(x, b.xc, b.pre, b.xhat, false);
        backend.gemm(false, true, 1f, b.xc, p.wEnc, 1f, b.pre);
        kept.ensure(x.rows(), kk);
        backend.topkRows(b.pre, kept.vals, kept.idx);
        kept.z.copyFrom(kept.vals);
        backend.sparseDecode(kept.idx, kept.z, p.wDec, 1f, b.xhat);
    }

    @Override
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        Batch b = batch(x.rows());
        forward(x, b, encodeK);
        if (out != null) out.copyFrom(b.xhat);
        if (idx != null) kept.readOut(idx, z);
    }

    @Override
    StepStats gradients(FloatMatrix x) {
        int rows = x.rows();
        int kk = cfg.kAt(step);
        Batch b = batch(rows);
        forward(x, b, kk);
        Residual res = residual(x, b.xhat, b.gx);
        backend.sparseRowDots(kept.idx, b.gx, p.wDec, kept.gz);
        long active = 0;
        int[] fired = new int[n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < kk; j++) {
                float v = kept.z.get(r, j);
                if (v != 0) active++;
                if (Math.abs(v) > cfg.fireThreshold()) fired[kept.idx.get(r, j)]++;
            }
        }
        gWDec.fill(0);
        gBEnc.fill(0);
        // tied W: the decoder's and the encoder's gradients both land in W (stored as wDec)
        backend.sparseOuterAccumulate(kept.idx, kept.z, b.gx, gWDec);
        backend.sparseOuterAccumulate(kept.idx, kept.gz, b.xc, gWDec);
        backend.scatterAdd(kept.idx, kept.gz, gBEnc);
        columnSums(b.gx, gBPre, false);
        dead.record(rows, fired);
        return new StepStats(res.nmse(), res.nmse(), res.fvu(), (double) active / rows, 0, dead.deadCount());
    }

    @Override
    protected void closeBuffers() {
        if (batch != null) batch.close();
        kept.close();
    }
}
