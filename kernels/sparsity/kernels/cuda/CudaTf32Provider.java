package sparsity.kernels.cuda;

import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

/**
 * Registers "cuda-tf32": the GPU backend with TF32 tensor cores allowed in matrix products (the
 * encoder product of autoencoder training), as PyTorch's {@code allow_tf32}. Faster, with inputs
 * rounded to a 10-bit mantissa.
 */
public final class CudaTf32Provider implements Backends.Provider {

    /** The backend's name. */
    public static final String NAME = "cuda-tf32";

    @Override
    public String name() {
        return NAME;
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
        return new CudaBackend(threads, true);
    }
}
