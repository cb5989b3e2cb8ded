package sparsity.analysis.prune;

/**
 * Calibration cannot go on: inputs that do not fit the model, an ONNX Runtime failure, NaN or
 * Inf in a layer input, a model with nothing to calibrate. The message is for the user.
 */
public class CalibrationException extends Exception {

    public CalibrationException(String message) {
        super(message);
    }

    public CalibrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
