package sparsity.analysis.input;

/**
 * How long texts are cut.
 *
 * @param maxLength the most positions of an encoding, special tokens included; 0 = no limit
 * @param left      cut from the start of the text instead of its end
 */
public record Truncation(int maxLength, boolean left) {

    /** No truncation. */
    public static final Truncation NONE = new Truncation(0, false);

    public Truncation {
        if (maxLength < 0) throw new IllegalArgumentException("maxLength must be >= 0, is " + maxLength);
    }

    /** Keep at most {@code maxLength} positions, cutting the end. */
    public static Truncation of(int maxLength) {
        return new Truncation(maxLength, false);
    }

    public boolean enabled() {
        return maxLength > 0;
    }
}
