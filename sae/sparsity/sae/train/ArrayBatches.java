package sparsity.sae.train;

import sparsity.kernels.FloatMatrix;

/**
 * {@link Batches} over rows held in memory (synthetic data, small stores, tests). Each epoch
 * visits every row once in the order of a permutation drawn from (seed, epoch).
 */
public final class ArrayBatches implements Batches {

    private final float[] data;
    private final int dim;
    private final int rows;
    private final EpochOrder order;

    public ArrayBatches(float[] data, int dim, long seed) {
        if (dim < 1 || data.length % dim != 0 || data.length == 0) {
            throw new IllegalArgumentException("data must be a non-empty whole number of rows of " + dim);
        }
        this.data = data;
        this.dim = dim;
        this.rows = data.length / dim;
        this.order = new EpochOrder(rows, seed);
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public synchronized void batch(long index, FloatMatrix into) {
        int b = into.rows();
        for (int r = 0; r < b; r++) {
            int row = order.rowAt(index * b + r);
            for (int c = 0; c < dim; c++) into.set(r, c, data[row * dim + c]);
        }
    }

    /** The row order of an epoch. */
    int[] permutation(long epoch) {
        return order.permutation(epoch);
    }
}
