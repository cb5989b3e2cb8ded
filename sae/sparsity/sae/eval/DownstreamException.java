package sparsity.sae.eval;

/**
 * A downstream evaluation that cannot run or go on, with a message for the user: a tensor the
 * model does not have, an autoencoder whose width does not fit the tensor, inputs or labels that
 * do not fit the model, NaN or Inf in the tensor, the reconstruction or an output.
 */
public class DownstreamException extends Exception {

    public DownstreamException(String message) {
        super(message);
    }

    public DownstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
