package sparsity.analysis.store;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Seeded shuffled batches of a ROWS tensor for training, streamed from the mapped store without
 * loading it: the rows are cut into blocks of {@link #BLOCK_ROWS}; each epoch visits the blocks in
 * a seeded random order, a window of blocks at a time (at least four batches' worth), shuffles the
 * rows of the window and hands them out as batches. Every row appears exactly once per epoch; the
 * same seed and epoch give the same order; memory is one window of row indices and one batch.
 * Reads are block-local, so a store larger than RAM is read in runs of whole blocks rather than
 * one page per row.
 */
public final class ShuffledBatches {

    /** Rows per block: the unit of the block permutation. */
    public static final int BLOCK_ROWS = 256;

    private final StoredTensor tensor;
    private final int batchSize;
    private final long seed;
    private final int windowBlocks;

    /**
     * One batch: {@code rows} rows of {@code dim} values, row-major in {@code data}, with the
     * store row index of each (for provenance).
     */
    public record Batch(float[] data, int rows, int dim, long[] rowIndices) {
    }

    /**
     * @param tensor    a ROWS tensor of an open store
     * @param batchSize rows per batch (the last batch of an epoch may be smaller)
     * @param seed      seed of the order
     */
    public ShuffledBatches(StoredTensor tensor, int batchSize, long seed) {
        if (tensor.isAttention()) throw new IllegalArgumentException(tensor.name() + " holds attention maps, not rows");
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive");
        this.tensor = tensor;
        this.batchSize = batchSize;
        this.seed = seed;
        this.windowBlocks = Math.max(16, (int) Math.min(1 << 20, (4L * batchSize + BLOCK_ROWS - 1) / BLOCK_ROWS));
    }

    /** Batches per epoch. */
    public long batchesPerEpoch() {
        return (tensor.rows() + batchSize - 1) / batchSize;
    }

    /** The batches of one epoch (0, 1, ...), in their seeded order. */
    public Iterator<Batch> epoch(int epoch) {
        return new EpochIterator(epoch);
    }

    private final class EpochIterator implements Iterator<Batch> {
        private final int[] blockOrder;
        private final SplittableRandom random;
        private int nextBlock;
        private long[] window = new long[0];
        private int windowPos;
        private long emitted;

        EpochIterator(int epoch) {
            random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
            long blocks = (tensor.rows() + BLOCK_ROWS - 1) / BLOCK_ROWS;
            if (blocks > Integer.MAX_VALUE) throw new IllegalStateException("too many rows");
            blockOrder = new int[(int) blocks];
            for (int i = 0; i < blockOrder.length; i++) blockOrder[i] = i;
            for (int i = blockOrder.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = blockOrder[i];
                blockOrder[i] = blockOrder[j];
                blockOrder[j] = t;
            }
        }

        @Override
        public boolean hasNext() {
            return emitted < tensor.rows();
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException();
            int n = (int) Math.min(batchSize, tensor.rows() - emitted);
            int dim = tensor.dim();
            float[] data = new float[n * dim];
            long[] rows = new long[n];
            for (int i = 0; i < n; i++) {
                if (windowPos == window.length) fillWindow();
                long row = window[windowPos++];
                rows[i] = row;
                tensor.dtype().decode(tensor.data(), row * dim, data, i * dim, dim);
            }
            emitted += n;
            return new Batch(data, n, dim, rows);
        }

        private void fillWindow() {
            int from = nextBlock;
            int to = Math.min(blockOrder.length, from + windowBlocks);
            int count = 0;
            for (int b = from; b < to; b++) count += rowsIn(blockOrder[b]);
            long[] w = new long[count];
            int k = 0;
            for (int b = from; b < to; b++) {
                long first = (long) blockOrder[b] * BLOCK_ROWS;
                for (int r = 0; r < rowsIn(blockOrder[b]); r++) w[k++] = first + r;
            }
            for (int i = w.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long t = w[i];
                w[i] = w[j];
                w[j] = t;
            }
            nextBlock = to;
            window = w;
            windowPos = 0;
        }

        private int rowsIn(int block) {
            return (int) Math.min(BLOCK_ROWS, tensor.rows() - (long) block * BLOCK_ROWS);
        }
    }
}
