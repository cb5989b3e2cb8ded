package sparsity.analysis.evaluate;

import java.util.Arrays;

import sparsity.analysis.capture.InputBatch;

/**
 * How the rows of a tensor {@code [..., width]} of one batch map onto the batch: per token
 * ({@code [batch, seq, width]}, or {@code [batch * seq, width]} of a text batch), per example
 * ({@code [batch, width]}), or other (every row counts). Rows at padding (attention mask 0) are
 * not real and are neither scored nor counted.
 *
 * @param rows     rows of the tensor (all axes but the last multiplied)
 * @param width    the last axis
 * @param tokens   rows are the tokens of the batch
 * @param examples rows are the examples of the batch
 * @param seq      the batch's sequence length (0 without int64 inputs)
 * @param real     per row: counts (not padding)
 */
public record RowLayout(int rows, int width, boolean tokens, boolean examples, int seq, boolean[] real) {

    /** The layout of a tensor of {@code shape} computed on batch {@code b}. */
    public static RowLayout of(InputBatch b, long[] shape) {
        if (shape.length == 0) return new RowLayout(1, 1, false, false, b.seqLength(), new boolean[] {true});
        long n = 1;
        for (int i = 0; i < shape.length - 1; i++) n *= shape[i];
        int width = (int) shape[shape.length - 1];
        int rows = Math.toIntExact(n);
        int batch = b.size();
        int seq = b.seqLength();
        boolean tokens = b.isText() && seq > 0 && (shape.length == 3 && shape[0] == batch && shape[1] == seq
                || shape.length == 2 && seq > 1 && shape[0] == (long) batch * seq);
        boolean examples = !tokens && shape.length == 2 && shape[0] == batch;
        boolean[] real = new boolean[rows];
        if (tokens) {
            for (int e = 0; e < batch; e++) for (int p = 0; p < seq; p++) real[e * seq + p] = b.real(e, p);
        } else {
            Arrays.fill(real, true);
        }
        return new RowLayout(rows, width, tokens, examples, seq, real);
    }

    /** Number of real rows. */
    public int realRows() {
        int n = 0;
        for (boolean r : real) if (r) n++;
        return n;
    }

    /** The indices of the real rows, ascending. */
    public int[] realIndices() {
        int[] out = new int[realRows()];
        int j = 0;
        for (int r = 0; r < rows; r++) if (real[r]) out[j++] = r;
        return out;
    }
}
