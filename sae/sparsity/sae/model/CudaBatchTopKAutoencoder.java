package sparsity.sae.model;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.cuda.CudaBackend;
import sparsity.kernels.cuda.CudaTopKSae;

/**
 * The BatchTopK autoencoder ({@link BatchTopKAutoencoder}) trained on a CUDA GPU, the whole step on
 * the device ({@link CudaSparseAutoencoder}): the batch-wide top-k by a radix select over the
 * batch's pre-activations, a varying number of kept latents per row, AuxK per row among the dead
 * latents. The inference threshold is kept as the CPU class keeps it (the running mean of each
 * step's smallest positive kept value, re-estimated after training by
 * {@link #calibrateThreshold}); encoding keeps the pre-activations above it (JumpReLU), or the
 * batch-wide top-k before the first step. Chosen by {@link Architectures} when the backend is the
 * GPU backend.
 */
public final class CudaBatchTopKAutoencoder extends CudaSparseAutoencoder implements InferenceThreshold {

    private final BatchTopKAutoencoder.Config cfg;
    private double threshold = Double.NaN;

    public CudaBatchTopKAutoencoder(CudaBackend backend, int d, int n, BatchTopKAutoencoder.Config cfg, long seed) {
        super(backend, d, n, cfg.k(), cfg.kAux(), cfg.auxAlpha(), cfg.deadWindow(), cfg.fireThreshold(), true, seed);
        this.cfg = cfg;
    }

    @Override
    public String architecture() {
        return BatchTopKAutoencoder.NAME;
    }

    public BatchTopKAutoencoder.Config config() {
        return cfg;
    }

    @Override
    public SaeSpec spec() {
        SaeSpec s = SaeSpec.defaults(BatchTopKAutoencoder.NAME, d, cfg.k());
        return new SaeSpec(BatchTopKAutoencoder.NAME, cfg.k(), cfg.kAux(), cfg.auxAlpha(), cfg.deadWindow(), cfg.fireThreshold(),
                s.l1(), cfg.k(), 0, 1, cfg.thresholdBeta());
    }

    @Override
    public int codeWidth() {
        return n;
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public void setThreshold(double theta) {
        this.threshold = theta;
    }

    @Override
    public double calibrateThreshold(sparsity.sae.train.Batches data, int batchSize, long first, int count) throws java.io.IOException {
        ensureDevice();
        double m = BatchTopKAutoencoder.meanSmallestKept(data, batchSize, d, first, count, x -> gpu.forwardBatch(x, null, null, null));
        if (!Double.isNaN(m)) threshold = m;
        return threshold;
    }

    @Override
    protected void afterGradients(CudaTopKSae.StepSums s) {
        threshold = BatchTopKAutoencoder.runningThreshold(threshold, s.minPositive(), cfg.thresholdBeta(), step);
    }

    @Override
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        ensureDevice();
        if (Double.isNaN(threshold)) gpu.forwardBatch(x, idx, z, out);
        else gpu.forwardThreshold(x, (float) Math.max(0, threshold), idx, z, out);
    }

    /** Calibrates with k per row (as the CPU class): a batch of random probes has no meaningful batch-wide ranking. */
    @Override
    protected void calibrationForward(FloatMatrix x, FloatMatrix out) {
        ensureDevice();
        gpu.forward(x, null, null, out);
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
}
