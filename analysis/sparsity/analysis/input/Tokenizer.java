package sparsity.analysis.input;

import java.util.List;
import java.util.OptionalLong;

/**
 * Turns texts into the token ids a text model was trained on. Instances are immutable and safe
 * to share between threads; the {@code with...} methods return changed copies.
 */
public interface Tokenizer {

    /** Tokenizes one text: special tokens, truncation and (fixed) padding as configured. */
    Encoding encode(String text);

    /** Tokenizes several texts and pads them to one length (the longest, or the fixed length). */
    BatchEncoding encodeBatch(List<String> texts);

    /**
     * The number of rows an embedding matrix needs for this tokenizer: the highest id of the
     * vocabulary and the added tokens, plus one.
     */
    int vocabSize();

    /** The id of a vocabulary entry or added token. */
    OptionalLong tokenToId(String token);

    /** The vocabulary entry of an id, or null when there is none. */
    String idToToken(long id);

    /** Turns ids back into text (special tokens left out). */
    String decode(long[] ids);

    /** A short description such as "WordPiece, 30522 entries, lower-cased". */
    String description();

    Truncation truncation();

    Padding padding();

    /** A copy that truncates as given. */
    Tokenizer withTruncation(Truncation truncation);

    /** A copy that pads as given. */
    Tokenizer withPadding(Padding padding);

    /** A copy that keeps at most {@code maxLength} positions. */
    default Tokenizer withMaxLength(int maxLength) {
        return withTruncation(new Truncation(maxLength, truncation().left()));
    }

    /** A copy that pads a batch to its longest text with this tokenizer's pad token. */
    default Tokenizer withBatchLongestPadding() {
        return withPadding(padding().withStrategy(Padding.Strategy.LONGEST, 0));
    }

    /** A copy that does not pad. */
    default Tokenizer withoutPadding() {
        return withPadding(padding().withStrategy(Padding.Strategy.NONE, 0));
    }
}
