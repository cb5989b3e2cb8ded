package sparsity.kernels.cuda;

/**
 * Registers "cuda-tf32": the GPU backend with TF32 tensor cores allowed in matrix products (the
 * encoder product of autoencoder training), as PyTorch's {@code allow_tf32}. Faster, with inputs
 * rounded to a 10-bit mantissa.
 */
public final class CudaTf32Provider extends CudaProvider {

    /** The backend's name. */
    public static final String NAME = "cuda-tf32";

    public CudaTf32Provider() {
        super(NAME, CudaTopKSae.Precision.TF32);
    }
}
