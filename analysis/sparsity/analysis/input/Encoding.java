package sparsity.analysis.input;

import java.util.Arrays;

/**
 * One tokenized text, as a model receives it: special tokens added, truncated and padded.
 * All arrays have the same length.
 *
 * @param ids           token ids
 * @param attentionMask 1 for a real or special token, 0 for padding
 * @param typeIds       token type (segment) ids
 * @param tokens        the vocabulary entry of each id (e.g. "[CLS]", "##able", "Ġworld")
 * @param offsets       for each token {start, end} in UTF-16 chars of the original text;
 *                      {0, 0} for tokens that come from no text (special tokens, padding)
 * @param special       true for special tokens (including padding)
 */
public record Encoding(long[] ids, long[] attentionMask, long[] typeIds, String[] tokens, int[][] offsets,
                       boolean[] special) {

    public Encoding {
        int n = ids.length;
        if (attentionMask.length != n || typeIds.length != n || tokens.length != n || offsets.length != n
                || special.length != n) {
            throw new IllegalArgumentException("the arrays of an encoding must have the same length");
        }
    }

    /** Number of positions, padding included. */
    public int length() {
        return ids.length;
    }

    /** Number of positions that are not padding (the sum of the attention mask). */
    public int realLength() {
        int n = 0;
        for (long m : attentionMask) n += (int) m;
        return n;
    }

    /** The text a token covers in {@code original}, or "" when it covers none. */
    public String coveredText(String original, int position) {
        int[] o = offsets[position];
        return original.substring(o[0], o[1]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(attentionMask, e.attentionMask)
                && Arrays.equals(typeIds, e.typeIds) && Arrays.equals(tokens, e.tokens)
                && Arrays.deepEquals(offsets, e.offsets) && Arrays.equals(special, e.special);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens) + " ids=" + Arrays.toString(ids);
    }
}
