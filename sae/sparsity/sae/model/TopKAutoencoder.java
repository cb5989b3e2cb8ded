package sparsity.sae.model;

import java.util.SplittableRandom;

import sparsity.kernels.Adam;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.train.DeadLatents;
import sparsity.sae.train.GeometricMedian;

/**
 * TopK sparse autoencoder with AuxK (Gao et al. 2024; ALGORITHMS.md "TopK SAE"), trained with
 * a sparse backward pass: after the encoder product and top-k, every operation touches only the
 * k kept latents of each row (decode, both weight gradients, the latent gradient), plus the
 * dead latents for AuxK.
 *
 * <p>Init as OpenAI's code and the numpy peer: one kaiming-uniform draw W0 [n x d]; W_enc = W0,
 * decoder columns = W0's rows normalized (so W_enc = W_dec^T up to the column norms); b_enc = 0;
 * b_pre = geometric median of a data sample; the main loss is scaled by 1 / E|x - mean|^2 of
 * that sample; W_enc is rescaled so that reconstructions of random unit inputs have norm ~1.
 * Each step removes from each decoder column's gradient its component along that column, takes
 * an Adam step (eps 6.25e-10) and renormalizes the decoder columns.
 */
public final class TopKAutoencoder implements AutoCloseable {

    /**
     * Settings.
     *
     * @param k            latents kept per row
     * @param kAux         dead latents used by AuxK per row (d / 2 by default)
     * @param auxAlpha     AuxK coefficient (1/32)
     * @param deadWindow   tokens without firing after which a latent is dead
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
    }

    private final Backend backend;
    private final Config cfg;
    private final SaeParams p;
    private final int d;
    private final int n;
    private final MemoryScope scope = MemoryScope.open();
    private final FloatMatrix gWEnc;
    private final FloatMatrix gWDec;
    private final FloatMatrix gBEnc;
    private final FloatMatrix gBPre;
    private final FloatMatrix[] adamM;
    private final FloatMatrix[] adamV;
    private final DeadLatents dead;
    private double mseScale = 1;
    private long step;
    private Batch batch;
    private AuxK aux;

    public TopKAutoencoder(Backend backend, int d, int n, Config cfg, long seed) {
        if (cfg.k() > n) throw new IllegalArgumentException("k = " + cfg.k() + " is larger than the " + n + " latents");
        this.backend = backend;
        this.cfg = cfg;
        this.d = d;
        this.n = n;
        this.p = new SaeParams(d, n);
        gWEnc = scope.floats(n, d);
        gWDec = scope.floats(n, d);
        gBEnc = scope.floats(1, n);
        gBPre = scope.floats(1, d);
        adamM = new FloatMatrix[] {scope.floats(n, d), scope.floats(n, d), scope.floats(1, n), scope.floats(1, d)};
        adamV = new FloatMatrix[] {scope.floats(n, d), scope.floats(n, d), scope.floats(1, n), scope.floats(1, d)};
        dead = new DeadLatents(n, cfg.deadWindow());
        SplittableRandom r = new SplittableRandom(seed);
        double a = 1 / Math.sqrt(d);
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int c = 0; c < d; c++) {
                float w = (float) ((2 * r.nextDouble() - 1) * a);
                p.wEnc.set(i, c, w);
                norm += (double) w * w;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int c = 0; c < d; c++) p.wDec.set(i, c, p.wEnc.get(i, c) * inv);
        }
    }

    public SaeParams params() {
        return p;
    }

    public Config config() {
        return cfg;
    }

    public DeadLatents deadLatents() {
        return dead;
    }

    public long steps() {
        return step;
    }

    public double mseScale() {
        return mseScale;
    }

    /**
     * Sets b_pre to the geometric median of a data sample (rows x d), the loss scale to
     * 1 / E|x - mean|^2 of the sample, and rescales W_enc so that reconstructions of random unit
     * inputs have mean norm 1.
     */
    public void initFromData(float[] sample, int rows, long seed) {
        float[] gm = GeometricMedian.weiszfeld(sample, rows, d, 200, 1e-6);
        p.bPre.copyFrom(gm);
        double[] mu = new double[d];
        for (int r = 0; r < rows; r++) for (int c = 0; c < d; c++) mu[c] += sample[r * d + c];
        for (int c = 0; c < d; c++) mu[c] /= rows;
        double var = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                double t = sample[r * d + c] - mu[c];
                var += t * t;
            }
        }
        var /= (double) rows * d;
        mseScale = var > 0 ? 1 / var : 1;
        int probe = 256;
        SplittableRandom r = new SplittableRandom(seed ^ 12345);
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(probe, d);
            for (int i = 0; i < probe; i++) {
                double nn = 0;
                float[] row = new float[d];
                for (int c = 0; c < d; c++) {
                    double u = 1 - r.nextDouble();
                    row[c] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
                    nn += (double) row[c] * row[c];
                }
                for (int c = 0; c < d; c++) x.set(i, c, (float) (row[c] / Math.sqrt(nn)) + p.bPre.get(0, c));
            }
            Batch b = batch(probe);
            forward(x, b);
            double norms = 0;
            for (int i = 0; i < probe; i++) {
                double nn = 0;
                for (int c = 0; c < d; c++) {
                    double t = b.xhat.get(i, c) - p.bPre.get(0, c);
                    nn += t * t;
                }
                norms += Math.sqrt(nn);
            }
            float scale = (float) (probe / Math.max(norms, 1e-30));
            for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) p.wEnc.set(i, c, p.wEnc.get(i, c) * scale);
        }
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
        float[] bPre = p.bPre.toArray();
        float[] bEnc = p.bEnc.toArray();
        float[] row = new float[d];
        for (int r = 0; r < rows; r++) {
            x.copyRow(r, row, 0);
            for (int c = 0; c < d; c++) row[c] -= bPre[c];
            b.xc.row(r).copyFrom(row);
            b.pre.row(r).copyFrom(bEnc);
            b.xhat.row(r).copyFrom(bPre);
        }
        backend.gemm(false, true, 1f, b.xc, p.wEnc, 1f, b.pre);
        backend.topkRows(b.pre, b.vals, b.idx);
        for (int r = 0; r < rows; r++) for (int j = 0; j < cfg.k(); j++) b.z.set(r, j, Math.max(0f, b.vals.get(r, j)));
        backend.sparseDecode(b.idx, b.z, p.wDec, 1f, b.xhat);
    }

    /** Codes for x [B x d]: kept latents and their values (after ReLU), each [B x k]. */
    public void encode(FloatMatrix x, IntMatrix idx, FloatMatrix z) {
        encodeAndReconstruct(x, idx, z, null);
    }

    /**
     * Codes and reconstructions of x [B x d] from one forward pass: kept latents and their values
     * into idx and z [B x k], reconstructions into out [B x d] (skipped when out is null).
     */
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        Batch b = batch(x.rows());
        forward(x, b);
        if (out != null) out.copyFrom(b.xhat);
        for (int r = 0; r < x.rows(); r++) {
            for (int j = 0; j < cfg.k(); j++) {
                idx.set(r, j, b.idx.get(r, j));
                z.set(r, j, b.z.get(r, j));
            }
        }
    }

    /** Reconstructions of x [B x d] into out [B x d]. */
    public void reconstruct(FloatMatrix x, FloatMatrix out) {
        Batch b = batch(x.rows());
        forward(x, b);
        out.copyFrom(b.xhat);
    }

    /** One Adam step on batch x [B x d] with learning rate lr. */
    public StepStats trainStep(FloatMatrix x, float lr) {
        StepStats s = gradients(x);
        applyAdam(lr);
        return s;
    }

    /** Gradient buffers of the last {@link #gradients} call: dW_enc, dW_dec (projected), db_enc, db_pre. */
    FloatMatrix[] gradientBuffers() {
        return new FloatMatrix[] {gWEnc, gWDec, gBEnc, gBPre};
    }

    /** Forward and backward on x [B x d]: fills the gradient buffers, updates the dead-latent counts. */
    StepStats gradients(FloatMatrix x) {
        int rows = x.rows();
        int k = cfg.k();
        Batch b = batch(rows);
        forward(x, b);
        // residual, loss and dL/dx_hat
        double sse = 0;
        double[] mean = new double[d];
        for (int r = 0; r < rows; r++) for (int c = 0; c < d; c++) mean[c] += x.get(r, c);
        for (int c = 0; c < d; c++) mean[c] /= rows;
        double tot = 0;
        float gscale = (float) (2 * mseScale / ((double) rows * d));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                float res = b.xhat.get(r, c) - x.get(r, c);
                sse += (double) res * res;
                double t = x.get(r, c) - mean[c];
                tot += t * t;
                b.gx.set(r, c, res * gscale);
            }
        }
        double nmse = mseScale * sse / ((double) rows * d);
        // latent gradient at the kept latents, through the ReLU
        backend.sparseRowDots(b.idx, b.gx, p.wDec, b.gz);
        long active = 0;
        boolean[] fired = new boolean[n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                float v = b.vals.get(r, j);
                if (v <= 0) b.gz.set(r, j, 0f);
                else active++;
                if (b.z.get(r, j) > cfg.fireThreshold()) fired[b.idx.get(r, j)] = true;
            }
        }
        gWDec.fill(0);
        gWEnc.fill(0);
        gBEnc.fill(0);
        backend.sparseOuterAccumulate(b.idx, b.z, b.gx, gWDec);
        backend.sparseOuterAccumulate(b.idx, b.gz, b.xc, gWEnc);
        backend.scatterAdd(b.idx, b.gz, gBEnc);
        for (int c = 0; c < d; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) s += b.gx.get(r, c);
            gBPre.set(0, c, (float) s);
        }
        dead.record(rows, fired);
        double auxLoss = 0;
        int[] deadIdx = dead.dead();
        if (deadIdx.length > 0 && cfg.auxAlpha() > 0 && cfg.kAux() > 0) {
            if (aux == null || aux.rows != rows) aux = new AuxK(rows, d);
            auxLoss = aux.step(backend, b, x, deadIdx, cfg, p, gWEnc, gWDec, gBEnc, gBPre);
        }
        // encoder path of b_pre: d pre / d b_pre = -W_enc^T
        backend.gemm(false, false, -1f, gBEnc, p.wEnc, 1f, gBPre);
        removeParallelComponent();
        return new StepStats(nmse + auxLoss, nmse, tot > 0 ? sse / tot : Double.NaN, (double) active / rows, auxLoss,
                deadIdx.length);
    }

    /** Adam step with the gradients of the last {@link #gradients} call, then unit decoder columns. */
    void applyAdam(float lr) {
        step++;
        Adam adam = new Adam(lr, 0.9f, 0.999f, 6.25e-10f);
        FloatMatrix[] params = p.all();
        FloatMatrix[] grads = gradientBuffers();
        for (int t = 0; t < params.length; t++) backend.adam(params[t], grads[t], adamM[t], adamV[t], adam, step);
        backend.normalizeRows(p.wDec, 1e-30f);
    }

    /** Removes from each decoder column's gradient its component along that (unit) column. */
    private void removeParallelComponent() {
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += (double) gWDec.get(i, c) * p.wDec.get(i, c);
            if (dot == 0) continue;
            float f = (float) dot;
            for (int c = 0; c < d; c++) gWDec.set(i, c, gWDec.get(i, c) - f * p.wDec.get(i, c));
        }
    }

    /** The optimizer state, for checkpoints: first and second moments of the four tensors. */
    public FloatMatrix[] adamFirstMoments() {
        return adamM.clone();
    }

    public FloatMatrix[] adamSecondMoments() {
        return adamV.clone();
    }

    /** Restores the step counter and loss scale (from a checkpoint). */
    public void restoreCounters(long steps, double scale) {
        if (steps < 0) throw new IllegalArgumentException("negative step count");
        this.step = steps;
        this.mseScale = scale;
    }

    @Override
    public void close() {
        if (batch != null) batch.close();
        if (aux != null) aux.close();
        scope.close();
        p.close();
    }
}
