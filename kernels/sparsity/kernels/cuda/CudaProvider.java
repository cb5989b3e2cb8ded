package sparsity.kernels.cuda;

import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

/** Registers the "cuda" backend with {@link Backends}; available only where {@link Cuda#probe()} finds a GPU. */
public final class CudaProvider implements Backends.Provider {

    @Override
    public String name() {
        return CudaBackend.NAME;
    }

    @Override
    public boolean available() {
        return Cuda.available();
    }

    @Override
    public String unavailableReason() {
        return Cuda.probe().reason();
    }

    @Override
    public Backend create(int threads) {
        return new CudaBackend(threads);
    }
}
