package sparsity.sae.features;

/**
 * A row holds NaN or an infinity (or the autoencoder gives one for it): the scan stops and
 * names the row, so the user can find the capture that went wrong.
 */
public final class NonFiniteRowException extends IllegalArgumentException {

    private final long row;

    public NonFiniteRowException(long row, String message) {
        super(message);
        this.row = row;
    }

    /** The row, counted from 0 in the order the rows were read. */
    public long row() {
        return row;
    }
}
