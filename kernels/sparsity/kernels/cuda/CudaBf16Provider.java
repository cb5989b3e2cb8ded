package sparsity.kernels.cuda;

import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

/**
 * Registers "cuda-bf16": the GPU backend whose autoencoder trainer takes the encoder product on
 * bfloat16 tensor cores (the centered batch and W_enc rounded to bf16, fp32 accumulation), as
 * PyTorch's autocast to bfloat16. The fastest, with inputs rounded to an 8-bit mantissa; weights,
 * gradients and Adam's state stay fp32.
 */
public final class CudaBf16Provider implements Backends.Provider {

    /** The backend's name. */
    public static final String NAME = "cuda-bf16";

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
        return new CudaBackend(threads, CudaTopKSae.Precision.BF16);
    }
}
