package sparsity.analysis.stats;

import java.io.IOException;

/**
 * Rows of activations, streamed in batches: an activation store, an array in memory, a slice.
 * Each batch is row-major {@code rows x dim}; the array may be reused between calls.
 */
public interface RowSource {

    /** Width of a row. */
    int dim();

    /** Number of rows in all. */
    long rows();

    /** Calls {@code sink} with consecutive batches until every row was seen. */
    void forEachBatch(BatchSink sink) throws IOException, InterruptedException;

    /** Receives one batch: {@code data[r * dim + c]} for {@code r < rows}. */
    @FunctionalInterface
    interface BatchSink {
        void accept(float[] data, int rows) throws InterruptedException;
    }

    /** A source over an array in memory, in batches of at most {@code batchRows}. */
    static RowSource of(float[] data, int dim, int batchRows) {
        if (dim <= 0 || data.length % dim != 0) throw new IllegalArgumentException("data is not a whole number of rows of " + dim);
        long rows = data.length / dim;
        return new RowSource() {
            @Override
            public int dim() {
                return dim;
            }

            @Override
            public long rows() {
                return rows;
            }

            @Override
            public void forEachBatch(BatchSink sink) throws InterruptedException {
                float[] buf = new float[batchRows * dim];
                for (long r = 0; r < rows; r += batchRows) {
                    int n = (int) Math.min(batchRows, rows - r);
                    System.arraycopy(data, (int) (r * dim), buf, 0, n * dim);
                    sink.accept(buf, n);
                }
            }
        };
    }
}
