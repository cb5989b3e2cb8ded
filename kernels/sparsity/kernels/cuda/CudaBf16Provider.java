package sparsity.kernels.cuda;

/**
 * Registers "cuda-bf16": the GPU backend whose autoencoder trainer takes the encoder product on
 * bfloat16 tensor cores (the centered batch and W_enc rounded to bf16, fp32 accumulation), as
 * PyTorch's autocast to bfloat16. The fastest, with inputs rounded to an 8-bit mantissa; weights,
 * gradients and Adam's state stay fp32.
 */
public final class CudaBf16Provider extends CudaProvider {

    /** The backend's name. */
    public static final String NAME = "cuda-bf16";

    public CudaBf16Provider() {
        super(NAME, CudaTopKSae.Precision.BF16);
    }
}
