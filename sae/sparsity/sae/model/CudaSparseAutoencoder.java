package sparsity.sae.model;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.cuda.CudaBackend;
import sparsity.kernels.cuda.CudaTopKSae;

/**
 * What the autoencoders trained on a CUDA GPU share ({@link CudaTopKAutoencoder},
 * {@link CudaBatchTopKAutoencoder}): the same architecture, init (made on the host, so that a GPU
 * run and a CPU run with the same seed start from the same weights), loss, AuxK and optimizer as
 * the CPU class, with the whole training step on the device ({@link CudaTopKSae}). The host copies
 * of the weights and moments are brought up to date for checkpoints and exports
 * ({@link DeviceResident}); the dead-latent counts are kept on both sides.
 */
public abstract class CudaSparseAutoencoder extends SparseAutoencoder implements DeviceResident {

    protected final CudaTopKSae gpu;
    private final double auxAlpha;
    private final int[] fired;
    private boolean deviceStale = true;
    private boolean hostStale;
    private int recordRows;

    protected CudaSparseAutoencoder(CudaBackend backend, int d, int n, int k, int kAux, double auxAlpha, long deadWindow,
                                    double fireThreshold, boolean batchTopK, long seed) {
        super(backend, d, n, deadWindow, seed);
        if (k > n) {
            close();
            throw new IllegalArgumentException("k = " + k + " is larger than the " + n + " latents");
        }
        this.auxAlpha = auxAlpha;
        this.fired = new int[n];
        CudaTopKSae g;
        try {
            g = new CudaTopKSae(new CudaTopKSae.Config(d, n, k, kAux, auxAlpha, deadWindow, fireThreshold,
                    backend.precision(), batchTopK));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.gpu = g;
    }

    @Override
    protected boolean unitDecoder() {
        return true;
    }

    @Override
    public FloatMatrix batchBuffer(sparsity.kernels.MemoryScope scope, int slot, int rows) {
        return gpu.hostBatch(slot, rows);
    }

    /** The device trainer (benchmarks drive it directly with batches kept on the device). */
    public CudaTopKSae deviceTrainer() {
        ensureDevice();
        return gpu;
    }

    /** Uploads the host copies when they changed since the last upload. */
    protected final void ensureDevice() {
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

    /** Called with each step's sums before its optimizer step (e.g. a threshold's running mean). */
    protected void afterGradients(CudaTopKSae.StepSums s) {
    }

    @Override
    StepStats gradients(FloatMatrix x) {
        ensureDevice();
        int rows = x.rows();
        CudaTopKSae.StepSums s = gpu.gradients(x, mseScale, fired);
        hostStale = true;
        afterGradients(s);
        return stats(s, rows);
    }

    /** The statistics of a step from its sums (the host's dead-latent counts follow in {@link #applyAdam}). */
    private StepStats stats(CudaTopKSae.StepSums s, int rows) {
        recordRows = rows;
        double nmse = mseScale * s.sse() / ((double) rows * d);
        double aux = s.auxUsed() ? auxAlpha * (s.auxSse() / ((double) rows * d)) / s.auxVar() : 0;
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
        afterGradients(s);
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
