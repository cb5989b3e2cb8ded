package sparsity.sae.model;

/**
 * An autoencoder whose weights and optimizer state live on a device (a GPU) while it trains. The
 * host copies ({@link SparseAutoencoder#params()}, the Adam moments) are brought up to date by
 * {@link #syncToHost()} (checkpoints and exports call it), and a change made to them on the host
 * (a restored checkpoint) is announced with {@link #hostChanged()} so that it reaches the device.
 */
public interface DeviceResident {

    /** Copies weights and Adam moments from the device to the host copies (no-op when current). */
    void syncToHost();

    /** The host copies (weights, moments, counters, dead-latent counts) changed: upload them before the next use. */
    void hostChanged();

    /** A line naming the device, e.g. for a run's summary. */
    String deviceDescription();
}
