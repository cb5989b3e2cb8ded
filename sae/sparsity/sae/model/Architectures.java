package sparsity.sae.model;

import java.util.List;
import java.util.Map;

import sparsity.kernels.Backend;
import sparsity.kernels.cuda.CudaBackend;

/**
 * The sparse autoencoder architectures, registered by name: each name maps to the constructor
 * of its class with its config record read from a {@link SaeSpec}. With the GPU backend, "topk"
 * is {@link CudaTopKAutoencoder} and "batchtopk" {@link CudaBatchTopKAutoencoder}, which train on
 * the device; the others run their CPU code with that backend's operations.
 */
public final class Architectures {

    /** Makes an autoencoder of one architecture. */
    @FunctionalInterface
    public interface Factory {
        SparseAutoencoder create(Backend backend, int d, int n, SaeSpec spec, long seed);
    }

    /** A registered architecture with a one-line description (menus, --help). */
    public record Architecture(String name, String description, Factory factory) {
    }

    private static final Map<String, Architecture> ALL = Map.of(
            TopKAutoencoder.NAME, new Architecture(TopKAutoencoder.NAME, "TopK with AuxK (Gao et al. 2024)",
                    (b, d, n, s, seed) -> b instanceof CudaBackend gpu
                            ? new CudaTopKAutoencoder(gpu, d, n, TopKAutoencoder.Config.from(s), seed)
                            : new TopKAutoencoder(b, d, n, TopKAutoencoder.Config.from(s), seed)),
            BatchTopKAutoencoder.NAME, new Architecture(BatchTopKAutoencoder.NAME, "BatchTopK with AuxK and an inference threshold (Bussmann et al. 2024)",
                    (b, d, n, s, seed) -> b instanceof CudaBackend gpu
                            ? new CudaBatchTopKAutoencoder(gpu, d, n, BatchTopKAutoencoder.Config.from(s), seed)
                            : new BatchTopKAutoencoder(b, d, n, BatchTopKAutoencoder.Config.from(s), seed)),
            KSparseAutoencoder.NAME, new Architecture(KSparseAutoencoder.NAME, "k-sparse, tied weights, k schedule (Makhzani and Frey 2013)",
                    (b, d, n, s, seed) -> new KSparseAutoencoder(b, d, n, KSparseAutoencoder.Config.from(s), seed)),
            ReluL1Autoencoder.NAME, new Architecture(ReluL1Autoencoder.NAME, "ReLU + L1, decoder-norm weighted (Bricken et al. 2023)",
                    (b, d, n, s, seed) -> new ReluL1Autoencoder(b, d, n, ReluL1Autoencoder.Config.from(s), seed)));

    private Architectures() {
    }

    /** Registered names, in a fixed order. */
    public static List<String> names() {
        return List.of(TopKAutoencoder.NAME, BatchTopKAutoencoder.NAME, KSparseAutoencoder.NAME, ReluL1Autoencoder.NAME);
    }

    public static Architecture get(String name) {
        Architecture a = ALL.get(name);
        if (a == null) throw new IllegalArgumentException("unknown architecture '" + name + "' (known: " + String.join(", ", names()) + ")");
        return a;
    }

    /** Makes an autoencoder of {@code spec.architecture()}. */
    public static SparseAutoencoder create(Backend backend, int d, int n, SaeSpec spec, long seed) {
        return get(spec.architecture()).factory().create(backend, d, n, spec, seed);
    }
}
