package sparsity.sae.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

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
    private Buffers buf;
    private AuxK aux;
    private int[] forcedDead = new int[0];

    public TopKAutoencoder(Backend backend, int d, int n, Config cfg, long seed) {
        super(backend, d, n, cfg.deadWindow(), seed);
        if (cfg.k() > n) {
            close();
            throw new IllegalArgumentException("k = " + cfg.k() + " is larger than the " + n + " latents");
        }
        this.cfg = cfg;
    }

    /**
     * For benchmarks only (the peer's {@code --force-dead}): these latents count as dead at every
     * following step, besides those that really are, so that AuxK runs on them. This changes
     * training; an empty array turns it off.
     */
    public void forceDead(int[] latents) {
        int[] f = latents.clone();
        java.util.Arrays.sort(f);
        for (int i = 0; i < f.length; i++) {
            if (f[i] < 0 || f[i] >= n || i > 0 && f[i] == f[i - 1]) throw new IllegalArgumentException("bad latent list");
        }
        forcedDead = f;
    }

    /** The union of two ascending lists of distinct latents. */
    private static int[] union(int[] a, int[] b) {
        if (b.length == 0) return a;
        if (a.length == 0) return b;
        int[] out = new int[a.length + b.length];
        int i = 0, j = 0, o = 0;
        while (i < a.length || j < b.length) {
            if (j >= b.length || i < a.length && a[i] < b[j]) out[o++] = a[i++];
            else if (i >= a.length || b[j] < a[i]) out[o++] = b[j++];
            else {
                out[o++] = a[i++];
                j++;
            }
        }
        return java.util.Arrays.copyOf(out, o);
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

    /**
     * Work buffers of a batch of B rows, allocated once and reused. The pre-activations [B x n] are
     * never stored: the encoder product and the top-k run fused ({@link Backend#linearTopk}).
     */
    private static final class Buffers implements AutoCloseable {
        final int rows;
        final MemoryScope scope = MemoryScope.open();
        final FloatMatrix xc;      // x - b_pre                  [B x d]
        final FloatMatrix vals;    // kept pre-activations       [B x k]
        final IntMatrix idx;       // kept latents               [B x k]
        final FloatMatrix z;       // ReLU(vals)                 [B x k]
        final FloatMatrix gx;      // dL/dx_hat                  [B x d]
        final FloatMatrix gz;      // dL/dz at the kept latents  [B x k]
        final FloatMatrix rowSse;  // |x_hat - x|^2 per row      [B x 1]
        final FloatMatrix colSum;  // column sums of xc          [1 x d]
        final FloatMatrix colSq;   // ... of its squares         [1 x d]

        Buffers(int rows, int d, int k) {
            this.rows = rows;
            xc = scope.floats(rows, d);
            vals = scope.floats(rows, k);
            idx = scope.ints(rows, k);
            z = scope.floats(rows, k);
            gx = scope.floats(rows, d);
            gz = scope.floats(rows, k);
            rowSse = scope.floats(rows, 1);
            colSum = scope.floats(1, d);
            colSq = scope.floats(1, d);
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    private Buffers buffers(int rows) {
        if (buf == null || buf.rows != rows) {
            if (buf != null) buf.close();
            buf = new Buffers(rows, d, cfg.k());
        }
        return buf;
    }

    private AuxK aux(int rows) {
        if (aux == null || aux.rows != rows) {
            if (aux != null) aux.close();
            aux = new AuxK(rows, d);
        }
        return aux;
    }

    /**
     * Encoder and top-k for x [B x d]: fills b.xc, b.vals, b.idx and z = ReLU(vals); the
     * pre-activations of the latents {@code keep} into {@code kept}. Returns the number of
     * active (positive) values.
     */
    private long encode(FloatMatrix x, Buffers b, int[] keep, FloatMatrix kept) {
        // x - b_pre, with the column moments for the batch's variance (the FVU)
        backend.subtractRowVector(x, p.bPre, b.xc, b.colSum, b.colSq);
        backend.linearTopk(b.xc, p.wEnc, p.bEnc, b.vals, b.idx, keep, kept);
        lap(StepTimer.Phase.ENCODER);
        MemorySegment vs = b.vals.segment();
        MemorySegment zs = b.z.segment();
        long active = 0;
        for (long e = 0, end = (long) x.rows() * cfg.k(); e < end; e++) {
            float v = vs.getAtIndex(ValueLayout.JAVA_FLOAT, e);
            if (!(v <= 0)) active++;
            zs.setAtIndex(ValueLayout.JAVA_FLOAT, e, Math.max(0f, v));
        }
        return active;
    }

    @Override
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        Buffers b = buffers(x.rows());
        encode(x, b, new int[0], null);
        if (out != null) {
            for (int r = 0; r < x.rows(); r++) out.row(r).copyFrom(p.bPre);
            backend.sparseDecode(b.idx, b.z, p.wDec, 1f, out);
        }
        if (idx != null) idx.copyFrom(b.idx);
        if (z != null) z.copyFrom(b.z);
    }

    @Override
    StepStats gradients(FloatMatrix x) {
        return gradients(x, false);
    }

    /** In training the decoder's gradient is projected inside Adam's pass (the same bits). */
    @Override
    StepStats trainingGradients(FloatMatrix x) {
        StepStats s = gradients(x, true);
        decoderProjectedByAdam();
        return s;
    }

    /** Forward, backward; the decoder's gradient left unprojected when projectLater. */
    private StepStats gradients(FloatMatrix x, boolean projectLater) {
        int rows = x.rows();
        int k = cfg.k();
        Buffers b = buffers(rows);
        boolean auxOn = cfg.auxAlpha() > 0 && cfg.kAux() > 0;
        // the latents that can be dead after this step; AuxK needs their pre-activations
        int[] mayDie = auxOn ? union(dead.deadAfter(rows), forcedDead) : new int[0];
        AuxK a = mayDie.length > 0 ? aux(rows) : null;
        FloatMatrix kept = a == null ? null : a.preActivations(mayDie.length);
        long active = encode(x, b, mayDie, kept);
        // dead-latent counts: a latent fires on a row when its value exceeds the threshold
        int[] fired = new int[n];
        MemorySegment zs = b.z.segment();
        MemorySegment is = b.idx.segment();
        double thr = cfg.fireThreshold();
        for (long e = 0, end = (long) rows * k; e < end; e++) {
            if (zs.getAtIndex(ValueLayout.JAVA_FLOAT, e) > thr) fired[is.getAtIndex(ValueLayout.JAVA_INT, e)]++;
        }
        dead.record(rows, fired);
        lap(StepTimer.Phase.TOPK);
        // decode, the main loss and its gradients dL/dx_hat and dL/dz (through the ReLU)
        float gscale = (float) (2 * mseScale / ((double) rows * d));
        backend.sparseDecodeLoss(b.idx, b.z, p.wDec, p.bPre, x, gscale, b.gx, b.gz, b.rowSse, a == null ? null : a.residual());
        double sse = 0;
        MemorySegment ss = b.rowSse.segment();
        for (int r = 0; r < rows; r++) sse += ss.getAtIndex(ValueLayout.JAVA_FLOAT, r);
        // sum over columns of sum_rows (x - mean)^2 = sum (x - b_pre)^2 - (sum (x - b_pre))^2 / rows
        double tot = 0;
        for (int c = 0; c < d; c++) {
            double s1 = b.colSum.get(0, c);
            tot += Math.max(0, b.colSq.get(0, c) - s1 * s1 / rows);
        }
        Residual res = new Residual(sse, tot, mseScale * sse / ((double) rows * d));
        lap(StepTimer.Phase.DECODE);
        // weight and bias gradients over the kept latents only, from one bucketing by latent
        backend.sparseOuterProducts(b.idx, b.z, b.gx, gWDec, b.gz, b.xc, gWEnc, gBEnc);
        backend.colSums(b.gx, gBPre);
        lap(StepTimer.Phase.BACKWARD);
        double auxLoss = 0;
        int[] deadIdx = union(dead.dead(), forcedDead);
        if (deadIdx.length > 0 && auxOn) {
            auxLoss = a.step(backend, b.xc, mayDie, deadIdx, cfg.kAux(), cfg.auxAlpha(), p, gWEnc, gWDec, gBEnc, gBPre);
        }
        lap(StepTimer.Phase.AUXK);
        // encoder path of b_pre: d pre / d b_pre = -W_enc^T
        backend.gemm(false, false, -1f, gBEnc, p.wEnc, 1f, gBPre);
        lap(StepTimer.Phase.BACKWARD);
        if (!projectLater) backend.projectOutRows(gWDec, p.wDec);
        lap(StepTimer.Phase.OPTIMIZER);
        return new StepStats(res.nmse() + auxLoss, res.nmse(), res.fvu(), (double) active / rows, auxLoss, deadIdx.length);
    }

    @Override
    protected void closeBuffers() {
        if (buf != null) buf.close();
        if (aux != null) aux.close();
    }
}
