package sparsity.analysis.capture;

/**
 * A capture that cannot go on because of its inputs or values: an input that does not fit the
 * model, a tensor that cannot be stored, NaN or Inf in a captured tensor (named with its row).
 * The store, if one was started, is left incomplete with this message as its failure.
 */
public class CaptureException extends Exception {

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
