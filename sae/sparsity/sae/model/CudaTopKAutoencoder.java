package sparsity.sae.model;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.cuda.CudaBackend;

/**
 * The TopK autoencoder with AuxK ({@link TopKAutoencoder}) trained on a CUDA GPU, the whole step on
 * the device ({@link CudaSparseAutoencoder}). Chosen by {@link Architectures} when the backend is
 * the GPU backend.
 */
public final class CudaTopKAutoencoder extends CudaSparseAutoencoder {

    private final TopKAutoencoder.Config cfg;

    public CudaTopKAutoencoder(CudaBackend backend, int d, int n, TopKAutoencoder.Config cfg, long seed) {
        super(backend, d, n, cfg.k(), cfg.kAux(), cfg.auxAlpha(), cfg.deadWindow(), cfg.fireThreshold(), false, seed);
        this.cfg = cfg;
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
    public void encodeAndReconstruct(FloatMatrix x, IntMatrix idx, FloatMatrix z, FloatMatrix out) {
        ensureDevice();
        gpu.forward(x, idx, z, out);
    }
}
