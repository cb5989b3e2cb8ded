package sparsity.sae.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import sparsity.kernels.Backend;
import sparsity.kernels.Checks;
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
    private Candidates cand;
    /** Candidate width for the next batch, from the widest row kept in the last one. */
    private int nextWidth;
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
        return batchForward(x, b, new int[0], null);
    }

    /**
     * Candidates per row taken by the fused encoder product and row top-k: twice k, or a quarter
     * more than the most that a row kept in the last batch, at most n. A row whose last candidate
     * reaches the batch threshold is redone over all its latents. (Any width gives the same
     * result; this one only keeps such rows rare.)
     */
    private int candidateWidth() {
        return Math.min(n, Math.max(2 * cfg.k(), nextWidth));
    }

    /**
     * Training forward: batch-wide top-k into {@link #kept}, ReLU, decode; the pre-activations
     * of the latents {@code keep} (ascending) into {@code keptPre}. Returns the smallest positive
     * kept value.
     *
     * <p>The [B x n] pre-activations are never stored: {@link Backend#linearTopk} gives each row's
     * top m candidates (m = {@link #candidateWidth}, rank order), the B * k largest of the
     * candidates are selected, and a row whose m-th candidate is not below the selected
     * threshold (it may hold more kept entries than m) is recomputed over all n latents and the
     * selection redone. The other rows' entries outside their candidates are below the
     * threshold, so the kept set, its values and the threshold are those of
     * {@link Backend#batchTopk} over the full pre-activations (the product has the same bits).
     */
    private double batchForward(FloatMatrix x, Batch b, int[] keep, FloatMatrix keptPre) {
        int rows = x.rows();
        int k = cfg.k();
        int m = candidateWidth();
        prepareRows(x, b.xc, null, b.xhat, true);
        Candidates c = candidates(rows, m);
        backend.linearTopk(b.xc, p.wEnc, p.bEnc, c.vals, c.idx, keep, keptPre);
        float[] vals = c.valArray;
        int[] cols = c.colArray;
        MemorySegment.copy(c.vals.segment(), ValueLayout.JAVA_FLOAT, 0, vals, 0, rows * m);
        MemorySegment.copy(c.idx.segment(), ValueLayout.JAVA_INT, 0, cols, 0, rows * m);
        int[] start = new int[rows + 1];
        for (int r = 0; r <= rows; r++) start[r] = r * m;
        long total = (long) rows * k;
        int thr = selectKey(vals, start, rows, total);
        if (m < n) {
            int sat = 0;
            int[] saturated = new int[rows];
            for (int r = 0; r < rows; r++) if (Checks.key(vals[r * m + m - 1]) >= thr) saturated[sat++] = r;
            if (sat > 0) {
                // rows that may keep more than m: all n latents, in rank order, then select again
                try (MemoryScope s = MemoryScope.open()) {
                    FloatMatrix xs = s.floats(sat, d);
                    FloatMatrix fv = s.floats(sat, n);
                    IntMatrix fi = s.ints(sat, n);
                    for (int i = 0; i < sat; i++) xs.row(i).copyFrom(b.xc.row(saturated[i]));
                    backend.linearTopk(xs, p.wEnc, p.bEnc, fv, fi, new int[0], null);
                    int len = rows * m + sat * (n - m);
                    float[] v2 = new float[len];
                    int[] c2 = new int[len];
                    int pos = 0;
                    for (int r = 0, i = 0; r < rows; r++) {
                        start[r] = pos;
                        if (i < sat && saturated[i] == r) {
                            MemorySegment.copy(fv.segment(), ValueLayout.JAVA_FLOAT, (long) i * fv.stride() * 4, v2, pos, n);
                            MemorySegment.copy(fi.segment(), ValueLayout.JAVA_INT, (long) i * fi.stride() * 4, c2, pos, n);
                            pos += n;
                            i++;
                        } else {
                            System.arraycopy(vals, r * m, v2, pos, m);
                            System.arraycopy(cols, r * m, c2, pos, m);
                            pos += m;
                        }
                    }
                    start[rows] = pos;
                    vals = v2;
                    cols = c2;
                }
                thr = selectKey(vals, start, rows, total);
            }
        }
        // per row: the entries above thr lead its rank-ordered list, then those equal to it
        // (ascending columns); equal keys go to the lower rows first
        int[] count = new int[rows];
        long above = 0;
        int[] greater = new int[rows];
        int[] equal = new int[rows];
        for (int r = 0; r < rows; r++) {
            int g = 0;
            int e = 0;
            for (int j = start[r]; j < start[r + 1]; j++) {
                int key = Checks.key(vals[j]);
                if (key > thr) g++;
                else if (key == thr) e++;
                else break;
            }
            greater[r] = g;
            equal[r] = e;
            above += g;
        }
        long equalToTake = total - above;
        int width = 1;
        for (int r = 0; r < rows; r++) {
            int take = (int) Math.min(equal[r], equalToTake);
            equalToTake -= take;
            count[r] = greater[r] + take;
            width = Math.max(width, count[r]);
        }
        nextWidth = (width + width / 4 + 15) / 16 * 16;
        kept.ensure(rows, width);
        // the padding: empty slots (index -1), which every sparse kernel skips
        int[] oi = new int[rows * width];
        java.util.Arrays.fill(oi, -1);
        float[] ov = new float[rows * width];
        float[] oz = new float[rows * width];
        long[] sortKeys = new long[width];
        double minPositive = Double.POSITIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            int s = start[r];
            int cnt = count[r];
            // ascending columns, as batchTopk writes them
            for (int j = 0; j < cnt; j++) sortKeys[j] = (long) cols[s + j] << 32 | (j & 0xffffffffL);
            java.util.Arrays.sort(sortKeys, 0, cnt);
            int o = r * width;
            for (int j = 0; j < cnt; j++) {
                int from = s + (int) sortKeys[j];
                float v = vals[from];
                oi[o + j] = cols[from];
                ov[o + j] = v;
                oz[o + j] = Math.max(0f, v);
                if (v > 0 && v < minPositive) minPositive = v;
            }
        }
        MemorySegment.copy(oi, 0, kept.idx.segment(), ValueLayout.JAVA_INT, 0, rows * width);
        MemorySegment.copy(ov, 0, kept.vals.segment(), ValueLayout.JAVA_FLOAT, 0, rows * width);
        MemorySegment.copy(oz, 0, kept.z.segment(), ValueLayout.JAVA_FLOAT, 0, rows * width);
        backend.sparseDecode(kept.idx, kept.z, p.wDec, 1f, b.xhat);
        return minPositive;
    }

    /** Per-row candidates of the batch-wide top-k, reused across steps. */
    private static final class Candidates implements AutoCloseable {
        final int rows;
        final int width;
        final MemoryScope scope = MemoryScope.open();
        final FloatMatrix vals;
        final IntMatrix idx;
        final float[] valArray;
        final int[] colArray;

        Candidates(int rows, int width) {
            this.rows = rows;
            this.width = width;
            vals = scope.floats(rows, width);
            idx = scope.ints(rows, width);
            valArray = new float[rows * width];
            colArray = new int[rows * width];
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    private Candidates candidates(int rows, int width) {
        if (cand == null || cand.rows != rows || cand.width != width) {
            if (cand != null) cand.close();
            cand = new Candidates(rows, width);
        }
        return cand;
    }

    /**
     * The total-th largest key ({@link Checks#key}) among vals[start[r], start[r + 1]) of every
     * row (at least total entries): a two-pass 16-bit radix select, as batchTopk's.
     */
    static int selectKey(float[] vals, int[] start, int rows, long total) {
        int len = start[rows];
        int[] h = new int[65536];
        for (int j = 0; j < len; j++) h[(Checks.key(vals[j]) ^ 0x80000000) >>> 16]++;
        int b1 = 65535;
        long above = 0;
        while (above + h[b1] < total) above += h[b1--];
        java.util.Arrays.fill(h, 0);
        for (int j = 0; j < len; j++) {
            int u = Checks.key(vals[j]) ^ 0x80000000;
            if (u >>> 16 == b1) h[u & 0xffff]++;
        }
        int b2 = 65535;
        while (above + h[b2] < total) above += h[b2--];
        return ((b1 << 16) | b2) ^ 0x80000000;
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
        boolean auxOn = cfg.auxAlpha() > 0 && cfg.kAux() > 0;
        // the latents that can be dead after this step; AuxK needs their pre-activations
        int[] mayDie = auxOn ? dead.deadAfter(rows) : new int[0];
        if (mayDie.length > 0 && (aux == null || aux.rows != rows)) {
            if (aux != null) aux.close();
            aux = new AuxK(rows, d);
        }
        FloatMatrix keptPre = mayDie.length > 0 ? aux.preActivations(mayDie.length) : null;
        double minPositive = batchForward(x, b, mayDie, keptPre);
        threshold = runningThreshold(threshold, minPositive, cfg.thresholdBeta(), step);
        Residual res = residual(x, b.xhat, b.gx);
        int w = kept.width;
        backend.sparseRowDots(kept.idx, b.gx, p.wDec, kept.gz);
        long active = 0;
        int[] fired = new int[n];
        MemorySegment vs = kept.vals.segment();
        MemorySegment zs = kept.z.segment();
        MemorySegment is = kept.idx.segment();
        MemorySegment gs = kept.gz.segment();
        double fire = cfg.fireThreshold();
        for (long e = 0, end = (long) rows * w; e < end; e++) {
            int i = is.getAtIndex(ValueLayout.JAVA_INT, e);
            if (i < 0) continue;
            if (!(vs.getAtIndex(ValueLayout.JAVA_FLOAT, e) > 0)) gs.setAtIndex(ValueLayout.JAVA_FLOAT, e, 0f);
            else active++;
            if (zs.getAtIndex(ValueLayout.JAVA_FLOAT, e) > fire) fired[i]++;
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
        if (deadIdx.length > 0 && auxOn) {
            auxLoss = aux.step(backend, x, b.xhat, b.xc, mayDie, deadIdx, cfg.kAux(), cfg.auxAlpha(), p, gWEnc, gWDec, gBEnc, gBPre);
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
        if (cand != null) cand.close();
        kept.close();
    }
}
