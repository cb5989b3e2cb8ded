package sparsity.kernels.cuda;

import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

/**
 * Registers the GPU backends with {@link Backends}, one provider per precision of the encoder
 * product: "cuda" (fp32), and its subclasses {@link CudaTf32Provider} and {@link CudaBf16Provider};
 * each is available only where {@link Cuda#probe()} finds a GPU.
 */
public class CudaProvider implements Backends.Provider {

    private final String name;
    private final CudaTopKSae.Precision precision;

    /** "cuda": plain fp32 products. */
    public CudaProvider() {
        this(CudaBackend.NAME, CudaTopKSae.Precision.FP32);
    }

    protected CudaProvider(String name, CudaTopKSae.Precision precision) {
        this.name = name;
        this.precision = precision;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean available() {
        return Cuda.available();
    }

    @Override
    public final String unavailableReason() {
        return Cuda.probe().reason();
    }

    @Override
    public final Backend create(int threads) {
        return new CudaBackend(threads, precision);
    }
}
