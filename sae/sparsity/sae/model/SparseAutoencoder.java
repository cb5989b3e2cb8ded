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
 * What every sparse autoencoder architecture shares (ALGORITHMS.md "Sparse autoencoders"): the
 * parameters (latent-major, see {@link SaeParams}), their gradient buffers and Adam moments, the
 * dead-latent counts, the step counter and the loss scale, the init from data (b_pre at the
 * geometric median, loss scale 1 / E|x - mean|^2), and the optimizer step. Each architecture (one
 * file each, registered by name in {@link Architectures}) supplies its forward pass, its
 * gradients, and how its codes are read out.
 *
 * <p>Codes are read out as {@code idx, z [B x codeWidth()]}: slot j of row r says latent
 * {@code idx[r, j]} has value {@code z[r, j]}; a slot is active when its value is not 0 (unused
 * slots hold 0).
 */
public abstract class SparseAutoencoder implements AutoCloseable {

    protected final Backend backend;
    protected final int d;
    protected final int n;
    protected final SaeParams p;
    protected final MemoryScope scope = MemoryScope.open();
    protected final FloatMatrix gWEnc;
    protected final FloatMatrix gWDec;
    protected final FloatMatrix gBEnc;
    protected final FloatMatrix gBPre;
    private final FloatMatrix[] adamM;
    private final FloatMatrix[] adamV;
    protected final DeadLatents dead;
    protected double mseScale = 1;
    protected long step;
    private MemoryScope readout;
    private IntMatrix readIdx;
    private FloatMatrix readZ;
    private StepTimer timer;
    private boolean projectInAdam;
    /** The floor of a unit decoder row's norm when it is renormalized. */
    protected static final float UNIT_EPS = 1e-30f;

    /**
     * Shapes and the init shared by all: one kaiming-uniform draw W0 [n x d]; W_enc = W0 and the
     * decoder columns W0's rows at unit norm (W_enc = W_dec^T up to the column norms, as
     * OpenAI's code); biases 0.
     */
    protected SparseAutoencoder(Backend backend, int d, int n, long deadWindow, long seed) {
        this.backend = backend;
        this.d = d;
        this.n = n;
        this.p = new SaeParams(d, n);
        gWEnc = scope.floats(n, d);
        gWDec = scope.floats(n, d);
        gBEnc = scope.floats(1, n);
        gBPre = scope.floats(1, d);
        adamM = new FloatMatrix[] {scope.floats(n, d), scope.floats(n, d), scope.floats(1, n), scope.floats(1, d)};
        adamV = new FloatMatrix[] {scope.floats(n, d), scope.floats(n, d), scope.floats(1, n), scope.floats(1, d)};
        dead = new DeadLatents(n, deadWindow);
        SplittableRandom r = new SplittableRandom(seed);
        double a = 1 / Math.sqrt(d);
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int c = 0; c < d; c++) {
                row[c] = (float) ((2 * r.nextDouble() - 1) * a);
                norm += (double) row[c] * row[c];
            }
            p.wEnc.row(i).copyFrom(row);
            float inv = (float) (1 / Math.sqrt(norm));
            for (int c = 0; c < d; c++) row[c] *= inv;
            p.wDec.row(i).copyFrom(row);
        }
    }

    /** The registered name: "topk", "batchtopk", "ksparse", "relu". */
    public abstract String architecture();

    /** The settings it was made with. */
    public abstract SaeSpec spec();

    /** Slots per row of {@link #encodeAndReconstruct}'s codes. */
    public abstract int codeWidth();

    /**
     * Inference: codes and reconstructions of x [B x d] from one forward pass: latents and values
     * into idx and z [B x codeWidth()] (skipped when null), reconstructions into out [B x d]
     * (skipped when null).
     */
    public abstract void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out);

    /** Forward and backward on x [B x d]: fills the gradient buffers, updates the dead-latent counts. */
    abstract StepStats gradients(FloatMatrix x);

    /**
     * {@link #gradients(FloatMatrix)} in a training step, which {@link #applyAdam} follows: an
     * architecture with a unit decoder may leave W_dec's gradient unprojected and call
     * {@link #decoderProjectedByAdam}; the projection is then done inside Adam's pass.
     */
    StepStats trainingGradients(FloatMatrix x) {
        return gradients(x);
    }

    /** Says that this step's {@link #trainingGradients} left W_dec's gradient for Adam to project. */
    protected final void decoderProjectedByAdam() {
        projectInAdam = true;
    }

    /** True when decoder columns are kept at unit norm (gradient projected, rows renormalized). */
    protected abstract boolean unitDecoder();

    public final SaeParams params() {
        return p;
    }

    public final int inputDim() {
        return d;
    }

    public final int latents() {
        return n;
    }

    public final DeadLatents deadLatents() {
        return dead;
    }

    public final long steps() {
        return step;
    }

    public final double mseScale() {
        return mseScale;
    }

    /** Codes of x [B x d] into idx and z [B x codeWidth()]. */
    public final void encode(FloatMatrix x, IntMatrix idx, FloatMatrix z) {
        encodeAndReconstruct(x, idx, z, null);
    }

    /** Reconstructions of x [B x d] into out [B x d]. */
    public final void reconstruct(FloatMatrix x, FloatMatrix out) {
        encodeAndReconstruct(x, null, null, out);
    }

    /** Codes buffers of B rows, for architectures that need them to reconstruct. */
    protected final IntMatrix readoutIdx(int rows) {
        ensureReadout(rows);
        return readIdx;
    }

    protected final FloatMatrix readoutZ(int rows) {
        ensureReadout(rows);
        return readZ;
    }

    private void ensureReadout(int rows) {
        if (readIdx == null || readIdx.rows() != rows) {
            if (readout != null) readout.close();
            readout = MemoryScope.open();
            readIdx = readout.ints(rows, codeWidth());
            readZ = readout.floats(rows, codeWidth());
        }
    }

    /**
     * A host buffer for training batches of {@code rows} rows (slot 0 or 1: a reader may fill one
     * while a step runs on the other). Here from {@code scope}; an autoencoder trained on a GPU
     * returns page-locked memory of its own (valid until the next call for more rows, or close),
     * from which batches reach the device by an asynchronous copy.
     */
    public FloatMatrix batchBuffer(sparsity.kernels.MemoryScope scope, int slot, int rows) {
        return scope.floats(rows, d);
    }

    /** One optimizer step on batch x [B x d] with learning rate lr. */
    public final StepStats trainStep(FloatMatrix x, float lr) {
        if (timer != null) timer.start();
        StepStats s = trainingGradients(x);
        lap(StepTimer.Phase.OTHER);
        applyAdam(lr);
        lap(StepTimer.Phase.OPTIMIZER);
        if (timer != null) timer.end();
        return s;
    }

    /**
     * Times the phases of the following training steps into {@code t} (null: stop timing).
     * Timing reads the clock between phases only and changes no result.
     */
    public final void timer(StepTimer t) {
        this.timer = t;
    }

    /** Ends the phase now running (when timed): the time since the last mark goes to {@code phase}. */
    protected final void lap(StepTimer.Phase phase) {
        if (timer != null) timer.lap(phase);
    }

    /** Gradient buffers of the last {@link #gradients} call: dW_enc, dW_dec, db_enc, db_pre. */
    final FloatMatrix[] gradientBuffers() {
        return new FloatMatrix[] {gWEnc, gWDec, gBEnc, gBPre};
    }

    /**
     * Adam step (eps 6.25e-10, as the peer and OpenAI's code) with the gradients of the last
     * {@link #gradients} call, then unit decoder columns when the architecture keeps them.
     */
    void applyAdam(float lr) {
        step++;
        Adam adam = adam(lr);
        FloatMatrix[] params = p.all();
        FloatMatrix[] grads = gradientBuffers();
        boolean project = projectInAdam;
        projectInAdam = false;
        for (int t = 0; t < params.length; t++) {
            if (!trains(t)) continue;
            // the decoder (tensor 1) kept at unit norm: Adam and the renormalization in one pass (and the projection)
            if (t == 1 && unitDecoder() && project) {
                backend.adamProjectedUnitRows(params[t], grads[t], adamM[t], adamV[t], adam, step, UNIT_EPS);
            } else if (t == 1 && unitDecoder()) {
                backend.adamUnitRows(params[t], grads[t], adamM[t], adamV[t], adam, step, UNIT_EPS);
            } else {
                backend.adam(params[t], grads[t], adamM[t], adamV[t], adam, step);
            }
        }
        if (unitDecoder() && !trains(1)) backend.normalizeRows(p.wDec, UNIT_EPS);
        afterStep();
    }

    /** The optimizer of a step at learning rate lr: eps 6.25e-10, as the peer and OpenAI's code. */
    static Adam adam(float lr) {
        return new Adam(lr, 0.9f, 0.999f, 6.25e-10f);
    }

    /** Whether tensor t of {@link SaeParams#all()} is trained (tied weights train one of two). */
    protected boolean trains(int tensor) {
        return true;
    }

    /** Called after each optimizer step (tied weights copy, thresholds). */
    protected void afterStep() {
    }

    /**
     * Sets b_pre to the geometric median of a data sample (rows x d) and the loss scale to
     * 1 / E|x - mean|^2 of the sample, then {@link #calibrate}s.
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
        calibrate(seed);
    }

    /**
     * Rescales W_enc so that reconstructions of random unit inputs (around b_pre) have mean norm 1
     * (OpenAI's code and the peer). Architectures with tied weights override this with nothing.
     */
    protected void calibrate(long seed) {
        int probe = 256;
        SplittableRandom r = new SplittableRandom(seed ^ 12345);
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(probe, d);
            FloatMatrix xh = s.floats(probe, d);
            float[] row = new float[d];
            for (int i = 0; i < probe; i++) {
                double nn = 0;
                for (int c = 0; c < d; c++) {
                    double u = 1 - r.nextDouble();
                    row[c] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
                    nn += (double) row[c] * row[c];
                }
                for (int c = 0; c < d; c++) x.set(i, c, (float) (row[c] / Math.sqrt(nn)) + p.bPre.get(0, c));
            }
            calibrationForward(x, xh);
            double norms = 0;
            for (int i = 0; i < probe; i++) {
                double nn = 0;
                for (int c = 0; c < d; c++) {
                    double t = xh.get(i, c) - p.bPre.get(0, c);
                    nn += t * t;
                }
                norms += Math.sqrt(nn);
            }
            float scale = (float) (probe / Math.max(norms, 1e-30));
            float[] w = new float[d];
            for (int i = 0; i < n; i++) {
                p.wEnc.copyRow(i, w, 0);
                for (int c = 0; c < d; c++) w[c] *= scale;
                p.wEnc.row(i).copyFrom(w);
            }
        }
    }

    /** The forward pass used by {@link #calibrate}: the training-time encoder by default. */
    protected void calibrationForward(FloatMatrix x, FloatMatrix out) {
        reconstruct(x, out);
    }

    // ------------------------------------------------------------ shared pieces of the step

    /** xc = x - b_pre (or x when {@code subtract} is false), pre = b_enc, xhat = b_pre, row by row. */
    protected final void prepareRows(FloatMatrix x, FloatMatrix xc, FloatMatrix pre, FloatMatrix xhat, boolean subtract) {
        int rows = x.rows();
        float[] bPre = p.bPre.toArray();
        float[] bEnc = p.bEnc.toArray();
        float[] row = new float[d];
        for (int r = 0; r < rows; r++) {
            x.copyRow(r, row, 0);
            if (subtract) for (int c = 0; c < d; c++) row[c] -= bPre[c];
            xc.row(r).copyFrom(row);
            if (pre != null) pre.row(r).copyFrom(bEnc);
            if (xhat != null) xhat.row(r).copyFrom(bPre);
        }
    }

    /** The residual of the main loss. */
    protected record Residual(double sse, double total, double nmse) {
        double fvu() {
            return total > 0 ? sse / total : Double.NaN;
        }
    }

    /**
     * gx = dL/dx_hat of the main loss (scale * mean squared error) into {@code gx}, with the sum of
     * squared errors, the total variance of the batch and the normalized MSE.
     */
    protected final Residual residual(FloatMatrix x, FloatMatrix xhat, FloatMatrix gx) {
        int rows = x.rows();
        double[] mean = new double[d];
        float[] xr = new float[d];
        float[] hr = new float[d];
        for (int r = 0; r < rows; r++) {
            x.copyRow(r, xr, 0);
            for (int c = 0; c < d; c++) mean[c] += xr[c];
        }
        for (int c = 0; c < d; c++) mean[c] /= rows;
        double sse = 0;
        double tot = 0;
        float gscale = (float) (2 * mseScale / ((double) rows * d));
        for (int r = 0; r < rows; r++) {
            x.copyRow(r, xr, 0);
            xhat.copyRow(r, hr, 0);
            for (int c = 0; c < d; c++) {
                float res = hr[c] - xr[c];
                sse += (double) res * res;
                double t = xr[c] - mean[c];
                tot += t * t;
                hr[c] = res * gscale;
            }
            gx.row(r).copyFrom(hr);
        }
        return new Residual(sse, tot, mseScale * sse / ((double) rows * d));
    }

    /** gBPre[c] = sum over rows of g[:, c] (overwrites). */
    protected final void columnSums(FloatMatrix g, FloatMatrix into, boolean add) {
        int rows = g.rows();
        double[] s = new double[d];
        float[] row = new float[d];
        for (int r = 0; r < rows; r++) {
            g.copyRow(r, row, 0);
            for (int c = 0; c < d; c++) s[c] += row[c];
        }
        for (int c = 0; c < d; c++) into.set(0, c, (add ? into.get(0, c) : 0f) + (float) s[c]);
    }

    /** Removes from each decoder column's gradient its component along that (unit) column. */
    protected final void removeParallelComponent() {
        backend.projectOutRows(gWDec, p.wDec);
    }

    // ------------------------------------------------------------ checkpoints

    /** The optimizer state, for checkpoints: first and second moments of the four tensors. */
    public final FloatMatrix[] adamFirstMoments() {
        return adamM.clone();
    }

    public final FloatMatrix[] adamSecondMoments() {
        return adamV.clone();
    }

    /** State beyond weights, moments and counters that a checkpoint must keep (e.g. a threshold). */
    public double[] extraState() {
        return new double[0];
    }

    public void restoreExtraState(double[] state) {
        if (state.length != 0) throw new IllegalArgumentException(architecture() + " keeps no extra state");
    }

    /** Restores the step counter and loss scale (from a checkpoint). */
    public final void restoreCounters(long steps, double scale) {
        if (steps < 0) throw new IllegalArgumentException("negative step count");
        this.step = steps;
        this.mseScale = scale;
    }

    /** Releases buffers of subclasses; called by {@link #close()} before the shared ones. */
    protected void closeBuffers() {
    }

    @Override
    public final void close() {
        closeBuffers();
        if (readout != null) readout.close();
        scope.close();
        p.close();
    }
}
