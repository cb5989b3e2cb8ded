package sparsity.analysis.evaluate;

/** An evaluation that cannot run, with a message for the user (bad inputs, labels, metric or model). */
public class EvaluationException extends Exception {

    public EvaluationException(String message) {
        super(message);
    }

    public EvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
