package sparsity.sae.model;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;

/**
 * TopK sparse autoencoder with AuxK (Gao et al. 2024; ALGORITHMS.md "TopK SAE"), trained with
 * a sparse backward pass: after the encoder product and top-k, every operation touches only the
 * k kept latents of each row (decode, both weight gradients, the latent gradient), plus the
 * dead latents for AuxK.
 *
 * <p>Init as OpenAI's code and the numpy peer (see {@link SparseAutoencoder}): W_enc = W_dec^T up
 * to the column norms; b_pre = geometric median of a data sample; the main loss scaled by
 * 1 / E|x - mean|^2 of that sample; W_enc rescaled so that reconstructions of random unit inputs
 * have norm ~1. Each step removes from each decoder column's gradient its component along that
 * column, takes an Adam step and renormalizes the decoder columns.
 */
public final class TopKAutoencoder extends SparseAutoencoder {

    /** Registered name. */
    public static final String NAME = "topk";

    /**
     * Settings.
     *
     * @param k             latents kept per row
     * @param kAux          dead latents used by AuxK per row (d / 2 by default)
     * @param auxAlpha      AuxK coefficient (1/32)
     * @param deadWindow    tokens without firing after which a latent is dead
     * @param fireThreshold a latent fires on a row when its value exceeds this (1e-3, as OpenAI)
     */
    public record Config(int k, int kAux, double auxAlpha, long deadWindow, double fireThreshold) {
        public Config {
            if (k < 1) throw new IllegalArgumentException("k must be >= 1");
            if (kAux < 0 || auxAlpha < 0 || deadWindow < 1) throw new IllegalArgumentException("bad AuxK settings");
        }

        public static Config defaults(int d, int k) {
            return new Config(k, Math.max(1, d / 2), 1.0 / 32, 10_000_000L, 1e-3);
        }

        public static Config from(SaeSpec s) {
            return new Config(s.k(), s.kAux(), s.auxAlpha(), s.deadWindow(), s.fireThreshold());
        }
    }

    private final Config cfg;
    private Batch batch;
    private AuxK aux;

    public TopKAutoencoder(Backend backend, int d, int n, Config cfg, long seed) {
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
                cfg.k(), 0, 1, s.thresholdBeta());
    }

    @Override
    public int codeWidth() {
        return cfg.k();
    }

    @Override
    protected boolean unitDecoder() {
        return true;
    }

    private Batch batch(int rows) {
        if (batch == null || batch.rows != rows) {
            if (batch != null) batch.close();
            batch = new Batch(rows, d, n, cfg.k());
        }
        return batch;
    }

    /** Encoder, top-k, ReLU and decoder for x [B x d]: fills b.xc, b.pre, b.vals, b.idx, b.z, b.xhat. */
    private void forward(FloatMatrix x, Batch b) {
        int rows = x.rows();
        prepareRows(x, b.xc, b.pre, b.xhat, true);
        backend.gemm(false, true, 1f, b.xc, p.wEnc, 1f, b.pre);
        lap(StepTimer.Phase.ENCODER);
        backend.topkRows(b.pre, b.vals, b.idx);
        for (int r = 0; r < rows; r++) for (int j = 0; j < cfg.k(); j++) b.z.set(r, j, Math.max(0f, b.vals.get(r, j)));
        lap(StepTimer.Phase.TOPK);
        backend.sparseDecode(b.idx, b.z, p.wDec, 1f, b.xhat);
    }

    @Override
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        Batch b = batch(x.rows());
        forward(x, b);
        if (out != null) out.copyFrom(b.xhat);
        if (idx != null) idx.copyFrom(b.idx);
        if (z != null) z.copyFrom(b.z);
    }

    @Override
    StepStats gradients(FloatMatrix x) {
        int rows = x.rows();
        int k = cfg.k();
        Batch b = batch(rows);
        forward(x, b);
        Residual res = residual(x, b.xhat, b.gx);
        // latent gradient at the kept latents, through the ReLU
        backend.sparseRowDots(b.idx, b.gx, p.wDec, b.gz);
        lap(StepTimer.Phase.DECODE);
        long active = 0;
        int[] fired = new int[n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                float v = b.vals.get(r, j);
                if (v <= 0) b.gz.set(r, j, 0f);
                else active++;
                if (b.z.get(r, j) > cfg.fireThreshold()) fired[b.idx.get(r, j)]++;
            }
        }
        gWDec.fill(0);
        gWEnc.fill(0);
        gBEnc.fill(0);
        backend.sparseOuterAccumulate(b.idx, b.z, b.gx, gWDec);
        backend.sparseOuterAccumulate(b.idx, b.gz, b.xc, gWEnc);
        backend.scatterAdd(b.idx, b.gz, gBEnc);
        columnSums(b.gx, gBPre, false);
        dead.record(rows, fired);
        lap(StepTimer.Phase.BACKWARD);
        double auxLoss = 0;
        int[] deadIdx = dead.dead();
        if (deadIdx.length > 0 && cfg.auxAlpha() > 0 && cfg.kAux() > 0) {
            if (aux == null || aux.rows != rows) {
                if (aux != null) aux.close();
                aux = new AuxK(rows, d);
            }
            auxLoss = aux.step(backend, b, x, deadIdx, cfg.kAux(), cfg.auxAlpha(), p, gWEnc, gWDec, gBEnc, gBPre);
        }
        lap(StepTimer.Phase.AUXK);
        // encoder path of b_pre: d pre / d b_pre = -W_enc^T
        backend.gemm(false, false, -1f, gBEnc, p.wEnc, 1f, gBPre);
        lap(StepTimer.Phase.BACKWARD);
        removeParallelComponent();
        lap(StepTimer.Phase.OPTIMIZER);
        return new StepStats(res.nmse() + auxLoss, res.nmse(), res.fvu(), (double) active / rows, auxLoss, deadIdx.length);
    }

    @Override
    protected void closeBuffers() {
        if (batch != null) batch.close();
        if (aux != null) aux.close();
    }
}
