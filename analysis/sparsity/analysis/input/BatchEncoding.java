package sparsity.analysis.input;

import java.util.List;

/**
 * Several tokenized texts padded to one length, ready to become [batch, sequence] int64 tensors.
 *
 * @param texts     the original texts, in order
 * @param encodings one encoding per text, all of {@link #sequenceLength()} positions
 */
public record BatchEncoding(List<String> texts, List<Encoding> encodings) {

    public BatchEncoding {
        texts = List.copyOf(texts);
        encodings = List.copyOf(encodings);
        if (texts.size() != encodings.size()) throw new IllegalArgumentException("one encoding per text is needed");
        int len = encodings.isEmpty() ? 0 : encodings.getFirst().length();
        for (Encoding e : encodings) {
            if (e.length() != len) {
                throw new IllegalArgumentException("the encodings of a batch must have one length (pad them): "
                        + len + " and " + e.length());
            }
        }
    }

    public int batchSize() {
        return encodings.size();
    }

    /** Positions per text (padding included). */
    public int sequenceLength() {
        return encodings.isEmpty() ? 0 : encodings.getFirst().length();
    }

    /** The tensor shape of ids, mask and type ids: {batch, sequence}. */
    public long[] shape() {
        return new long[] {batchSize(), sequenceLength()};
    }

    /** Token ids, row-major [batch, sequence]. */
    public long[] flatIds() {
        return flatten(Encoding::ids);
    }

    /** Attention mask, row-major [batch, sequence]. */
    public long[] flatAttentionMask() {
        return flatten(Encoding::attentionMask);
    }

    /** Token type ids, row-major [batch, sequence]. */
    public long[] flatTypeIds() {
        return flatten(Encoding::typeIds);
    }

    /** Position ids 0..sequence-1 per row, row-major [batch, sequence]. */
    public long[] flatPositionIds() {
        int len = sequenceLength();
        long[] out = new long[batchSize() * len];
        for (int i = 0; i < out.length; i++) out[i] = i % len;
        return out;
    }

    /** Number of positions that are not padding, over the whole batch. */
    public long realTokenCount() {
        long n = 0;
        for (Encoding e : encodings) n += e.realLength();
        return n;
    }

    private long[] flatten(java.util.function.Function<Encoding, long[]> field) {
        int len = sequenceLength();
        long[] out = new long[batchSize() * len];
        for (int i = 0; i < encodings.size(); i++) System.arraycopy(field.apply(encodings.get(i)), 0, out, i * len, len);
        return out;
    }
}
