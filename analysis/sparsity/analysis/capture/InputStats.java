package sparsity.analysis.capture;

/**
 * Counts over all the inputs of a capture, for the size estimate and the progress.
 *
 * @param examples      examples
 * @param tokens        real (non-padding) tokens; 0 for image/tensor inputs
 * @param tokensSquared sum over examples of tokens squared (the size of attention maps)
 */
public record InputStats(long examples, long tokens, long tokensSquared) {

    /** Nothing known (no estimate, no ETA). */
    public static final InputStats UNKNOWN = new InputStats(-1, -1, -1);

    /** Counts the examples and tokens of prepared batches. */
    public static InputStats of(Iterable<InputBatch> batches) {
        long ex = 0;
        long tok = 0;
        long sq = 0;
        for (InputBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                long n = b.isText() ? b.tokens(i) : 0;
                ex++;
                tok += n;
                sq += n * n;
            }
        }
        return new InputStats(ex, tok, sq);
    }

    public boolean known() {
        return examples >= 0;
    }
}
