package sparsity.sae.model;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.cuda.CudaBackend;
import sparsity.kernels.cuda.CudaTopKSae;

/**
 * The TopK autoencoder with AuxK ({@link TopKAutoencoder}) trained on a CUDA GPU: the same
 * architecture, init (made on the host, so that a GPU run and a CPU run with the same seed start
 * from the same weights), loss, AuxK and optimizer, with the whole training step on the device
 * ({@link CudaTopKSae}). The host copies of the weights and moments are brought up to date for
 * checkpoints and exports ({@link DeviceResident}); the dead-latent counts are kept on both sides.
 * Chosen by {@link Architectures} when the backend is the GPU backend.
 */
public final class CudaTopKAutoencoder extends SparseAutoencoder implements DeviceResident {

    private final TopKAutoencoder.Config cfg;
    private final CudaTopKSae gpu;
    private final int[] fired;
    private boolean deviceStale = true;
    private boolean hostStale;
    private int recordRows;

    public CudaTopKAutoencoder(CudaBackend backend, int d, int n, TopKAutoencoder.Config cfg, long seed) {
        super(backend, d, n, cfg.deadWindow(), seed);
        if (cfg.k() > n) {
            close();
            throw new IllegalArgumentException("k = " + cfg.k() + " is larger than the " + n + " latents");
        }
        this.cfg = cfg;
        this.fired = new int[n];
        CudaTopKSae g;
        try {
            g = new CudaTopKSae(new CudaTopKSae.Config(d, n, cfg.k(), cfg.kAux(), cfg.auxAlpha(), cfg.deadWindow(),
                    cfg.fireThreshold(), backend.precision()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.gpu = g;
    }

    @Override
    public String architecture() {
        return TopKAutoencoder.NAME;
    }

    public TopKAutoencoder.Config config() {
        return cfg;
    }

    @Override
    public SaeSpec spec() {
        SaeSpec s = SaeSpec.defaults(TopKAutoencoder.NAME, d, cfg.k());
        return new SaeSpec(TopKAutoencoder.NAME, cfg.k(), cfg.kAux(), cfg.auxAlpha(), cfg.deadWindow(), cfg.fireThreshold(),
                s.l1(), cfg.k(), 0, 1, s.thresholdBeta());
    }

    @Override
    public int codeWidth() {
        return cfg.k();
    }

    @Override
    protected boolean unitDecoder() {
        return true;
    }

    /** The device trainer (benchmarks drive it directly with batches kept on the device). */
    @Override
    public FloatMatrix batchBuffer(sparsity.kernels.MemoryScope scope, int slot, int rows) {
        return gpu.hostBatch(slot, rows);
    }

    public CudaTopKSae deviceTrainer() {
        ensureDevice();
        return gpu;
    }

    private void ensureDevice() {
        if (!deviceStale) return;
        gpu.setParams(p.wEnc, p.wDec, p.bEnc, p.bPre);
        gpu.setMoments(adamFirstMoments(), adamSecondMoments());
        gpu.setSince(dead.tokensSinceFired());
        deviceStale = false;
    }

    @Override
    public void initFromData(float[] sample, int rows, long seed) {
        super.initFromData(sample, rows, seed);
        deviceStale = true;
    }

    @Override
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        ensureDevice();
        gpu.forward(x, idx, z, out);
    }

    @Override
    StepStats gradients(FloatMatrix x) {
        ensureDevice();
        int rows = x.rows();
        CudaTopKSae.StepSums s = gpu.gradients(x, mseScale, fired);
        hostStale = true;
        return stats(s, rows);
    }

    /** The statistics of a step from its sums (the host's dead-latent counts follow in {@link #applyAdam}). */
    StepStats stats(CudaTopKSae.StepSums s, int rows) {
        recordRows = rows;
        double nmse = mseScale * s.sse() / ((double) rows * d);
        double aux = s.auxUsed() ? cfg.auxAlpha() * (s.auxSse() / ((double) rows * d)) / s.auxVar() : 0;
        return new StepStats(nmse + aux, nmse, s.fvu(), (double) s.active() / rows, aux, s.dead());
    }

    @Override
    void applyAdam(float lr) {
        step++;
        gpu.update(lr, step);
        hostStale = true;
        // while the device runs the update: the host's copy of the dead-latent counts
        dead.record(recordRows, fired);
    }

    /**
     * One training step on a batch already on the device (x at {@code xPtr}, rows x d), as
     * {@link #trainStep}: for benchmarks that keep their data on the GPU.
     */
    public StepStats trainStepOnDevice(long xPtr, int rows, float lr) {
        ensureDevice();
        CudaTopKSae.StepSums s = gpu.gradientsOnDevice(xPtr, rows, mseScale, fired);
        hostStale = true;
        StepStats st = stats(s, rows);
        applyAdam(lr);
        return st;
    }

    @Override
    public void syncToHost() {
        if (!hostStale) return;
        gpu.getParams(p.wEnc, p.wDec, p.bEnc, p.bPre);
        gpu.getMoments(adamFirstMoments(), adamSecondMoments());
        hostStale = false;
    }

    @Override
    public void hostChanged() {
        deviceStale = true;
        hostStale = false;
    }

    @Override
    public String deviceDescription() {
        return gpu.device() + ", encoder product in " + gpu.config().precision();
    }

    @Override
    protected void closeBuffers() {
        if (gpu != null) gpu.close();
    }
}
