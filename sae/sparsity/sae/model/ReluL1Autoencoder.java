package sparsity.sae.model;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * ReLU + L1 sparse autoencoder (Bricken et al. 2023, with the decoder-norm weighted penalty of
 * Anthropic's April 2024 update; ALGORITHMS.md "ReLU + L1"), the baseline TopK replaced:
 * z = ReLU(W_enc (x - b_pre) + b_enc), x_hat = W_dec z + b_pre,
 * loss = normalized MSE + lambda * (1/d) * mean over rows of sum_i (z_i / sigma) ||W_dec[:, i]||,
 * with sigma^2 the per-element variance of the data (so lambda means the same at any activation
 * scale; ~5 is the update's value for inputs normalized to E|x|^2 = d). The decoder is not kept
 * at unit norm (its norms are in the penalty). Dense: every step is four dense products.
 */
public final class ReluL1Autoencoder extends SparseAutoencoder {

    /** Registered name. */
    public static final String NAME = "relu";

    /**
     * @param l1            lambda
     * @param deadWindow    tokens without firing after which a latent counts as dead
     * @param fireThreshold a latent fires on a row when its value exceeds this
     */
    public record Config(double l1, long deadWindow, double fireThreshold) {
        public Config {
            if (!(l1 >= 0)) throw new IllegalArgumentException("L1 coefficient must be >= 0");
            if (deadWindow < 1) throw new IllegalArgumentException("dead window must be >= 1");
        }

        public static Config from(SaeSpec s) {
            return new Config(s.l1(), s.deadWindow(), s.fireThreshold());
        }
    }

    private final Config cfg;
    private MemoryScope bufs;
    private int rowsAllocated = -1;
    private FloatMatrix xc;
    private FloatMatrix pre;
    private FloatMatrix xhat;
    private FloatMatrix gx;
    private final Sparse kept = new Sparse();

    public ReluL1Autoencoder(Backend backend, int d, int n, Config cfg, long seed) {
        super(backend, d, n, cfg.deadWindow(), seed);
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
        SaeSpec s = SaeSpec.defaults(NAME, d, 1);
        return new SaeSpec(NAME, 1, s.kAux(), 0, cfg.deadWindow(), cfg.fireThreshold(), cfg.l1(), 1, 0, 1, s.thresholdBeta());
    }

    @Override
    public int codeWidth() {
        return n;
    }

    @Override
    protected boolean unitDecoder() {
        return false;
    }

    private void buffers(int rows) {
        if (rows != rowsAllocated) {
            if (bufs != null) bufs.close();
            bufs = MemoryScope.open();
            xc = bufs.floats(rows, d);
            pre = bufs.floats(rows, n);
            xhat = bufs.floats(rows, d);
            gx = bufs.floats(rows, d);
            rowsAllocated = rows;
        }
    }

    /** pre = W_enc (x - b_pre) + b_enc, then in place z = ReLU(pre); x_hat = z W_dec + b_pre. */
    private void forward(FloatMatrix x) {
        buffers(x.rows());
        prepareRows(x, xc, pre, xhat, true);
        backend.gemm(false, true, 1f, xc, p.wEnc, 1f, pre);
        int rows = x.rows();
        float[] row = new float[n];
        for (int r = 0; r < rows; r++) {
            pre.copyRow(r, row, 0);
            for (int i = 0; i < n; i++) if (!(row[i] > 0)) row[i] = 0f;
            pre.row(r).copyFrom(row);
        }
        backend.gemm(false, false, 1f, pre, p.wDec, 1f, xhat);
    }

    @Override
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        forward(x);
        if (out != null) out.copyFrom(xhat);
        if (idx != null) {
            kept.fromThreshold(pre, 0f);
            kept.readOut(idx, z);
        }
    }

    @Override
    StepStats gradients(FloatMatrix x) {
        int rows = x.rows();
        forward(x); // pre now holds z
        Residual res = residual(x, xhat, gx);
        float[] norms = new float[n];
        float[] w = new float[d];
        for (int i = 0; i < n; i++) {
            p.wDec.copyRow(i, w, 0);
            double s = 0;
            for (float v : w) s += (double) v * v;
            norms[i] = (float) Math.sqrt(s);
        }
        double c = cfg.l1() * Math.sqrt(mseScale) / ((double) d * rows);
        // the penalty and its sums over rows, then gz = (gx W_dec^T + c ||W_i||) * [z > 0] in place of z
        double[] zSum = new double[n];
        double penalty = 0;
        long active = 0;
        int[] fired = new int[n];
        float[] zr = new float[n];
        for (int r = 0; r < rows; r++) {
            pre.copyRow(r, zr, 0);
            for (int i = 0; i < n; i++) {
                float v = zr[i];
                if (v > 0) {
                    zSum[i] += v;
                    penalty += (double) v * norms[i];
                    active++;
                    if (v > cfg.fireThreshold()) fired[i]++;
                }
            }
        }
        penalty *= c;
        // decoder gradient: z^T gx + c * sum_r z_ri * W_i / ||W_i||
        backend.gemm(true, false, 1f, pre, gx, 0f, gWDec);
        for (int i = 0; i < n; i++) {
            if (zSum[i] == 0 || norms[i] == 0) continue;
            float f = (float) (c * zSum[i] / norms[i]);
            p.wDec.copyRow(i, w, 0);
            float[] g = new float[d];
            gWDec.copyRow(i, g, 0);
            for (int q = 0; q < d; q++) g[q] += f * w[q];
            gWDec.row(i).copyFrom(g);
        }
        // latent gradient through the ReLU, written over z (z is no longer needed)
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix gz = s.floats(rows, n);
            backend.gemm(false, true, 1f, gx, p.wDec, 0f, gz);
            float[] gr = new float[n];
            double[] bSum = new double[n];
            for (int r = 0; r < rows; r++) {
                pre.copyRow(r, zr, 0);
                gz.copyRow(r, gr, 0);
                for (int i = 0; i < n; i++) {
                    gr[i] = zr[i] > 0 ? gr[i] + (float) (c * norms[i]) : 0f;
                    bSum[i] += gr[i];
                }
                gz.row(r).copyFrom(gr);
            }
            for (int i = 0; i < n; i++) gBEnc.set(0, i, (float) bSum[i]);
            backend.gemm(true, false, 1f, gz, xc, 0f, gWEnc);
        }
        columnSums(gx, gBPre, false);
        backend.gemm(false, false, -1f, gBEnc, p.wEnc, 1f, gBPre);
        dead.record(rows, fired);
        return new StepStats(res.nmse() + penalty, res.nmse(), res.fvu(), (double) active / rows, penalty, dead.deadCount());
    }

    @Override
    protected void closeBuffers() {
        if (bufs != null) bufs.close();
        kept.close();
    }
}
