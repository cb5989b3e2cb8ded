package sparsity.analysis.input;

/** A tokenizer.json that uses a component or option the workbench does not implement. */
public final class UnsupportedTokenizerException extends IllegalArgumentException {

    public UnsupportedTokenizerException(String message) {
        super(message);
    }
}
