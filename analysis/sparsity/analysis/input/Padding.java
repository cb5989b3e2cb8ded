package sparsity.analysis.input;

/**
 * How encodings are padded.
 *
 * @param strategy   NONE, LONGEST (to the longest text of a batch) or FIXED (to {@code length})
 * @param length     the fixed length (FIXED only)
 * @param multipleOf when above 1, the padded length is rounded up to a multiple of it
 * @param padId      id of the padding token
 * @param padTypeId  type id of padding positions
 * @param padToken   the padding token's text
 * @param left       pad on the left instead of the right
 */
public record Padding(Strategy strategy, int length, int multipleOf, long padId, long padTypeId, String padToken,
                      boolean left) {

    public enum Strategy { NONE, LONGEST, FIXED }

    /** No padding: a batch of texts of different lengths cannot be made. */
    public static final Padding NONE = new Padding(Strategy.NONE, 0, 0, 0, 0, "[PAD]", false);

    public Padding {
        if (strategy == Strategy.FIXED && length <= 0) throw new IllegalArgumentException("fixed padding needs a length > 0");
        if (padToken == null) throw new IllegalArgumentException("padToken is null");
    }

    /** Pad to the longest text of the batch, with the given pad token and id. */
    public static Padding longest(String padToken, long padId) {
        return new Padding(Strategy.LONGEST, 0, 0, padId, 0, padToken, false);
    }

    /** Pad every text to {@code length} positions. */
    public static Padding fixed(int length, String padToken, long padId) {
        return new Padding(Strategy.FIXED, length, 0, padId, 0, padToken, false);
    }

    /** The same padding with another strategy (keeping the pad token). */
    public Padding withStrategy(Strategy s, int fixedLength) {
        return new Padding(s, s == Strategy.FIXED ? fixedLength : 0, multipleOf, padId, padTypeId, padToken, left);
    }

    /** The length a batch whose longest text has {@code longest} positions is padded to. */
    int targetLength(int longest) {
        int target = switch (strategy) {
            case NONE -> longest;
            case LONGEST -> longest;
            case FIXED -> Math.max(length, longest);
        };
        if (strategy != Strategy.NONE && multipleOf > 1 && target % multipleOf != 0) {
            target += multipleOf - target % multipleOf;
        }
        return target;
    }
}
