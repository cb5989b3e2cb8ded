package sparsity.sae.model;

/**
 * An autoencoder that encodes with one threshold at inference (BatchTopK saved as JumpReLU):
 * {@link BatchTopKAutoencoder} on the CPU, {@link CudaBatchTopKAutoencoder} on the GPU.
 */
public interface InferenceThreshold {

    /** The inference threshold theta (NaN before the first training step). */
    double threshold();

    /** Sets theta (e.g. from a loaded JumpReLU file). */
    void setThreshold(double theta);

    /**
     * Sets theta to the mean, over {@code count} batches of {@code data} (batch indices
     * {@code first}, {@code first + 1}, ...), of the smallest positive activation that the
     * batch-wide top-k keeps with the current weights. Returns theta (unchanged when no batch
     * keeps a positive value).
     */
    double calibrateThreshold(sparsity.sae.train.Batches data, int batchSize, long first, int count) throws java.io.IOException;
}
