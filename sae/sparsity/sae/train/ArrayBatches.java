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
    private final long seed;
    private long cachedEpoch = -1;
    private int[] order;

    public ArrayBatches(float[] data, int dim, long seed) {
        if (dim < 1 || data.length % dim != 0 || data.length == 0) {
            throw new IllegalArgumentException("data must be a non-empty whole number of rows of " + dim);
        }
        this.data = data;
        this.dim = dim;
        this.rows = data.length / dim;
        this.seed = seed;
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
            long global = index * b + r;
            long epoch = global / rows;
            int pos = (int) (global % rows);
            int row = permutation(epoch)[pos];
            for (int c = 0; c < dim; c++) into.set(r, c, data[row * dim + c]);
        }
    }

    /** The row order of an epoch: a Fisher-Yates shuffle seeded by (seed, epoch). */
    int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (epoch + 1) * 0xD1B54A32D192ED03L);
            int[] o = new int[rows];
            for (int i = 0; i < rows; i++) o[i] = i;
            for (int i = rows - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
            order = o;
            cachedEpoch = epoch;
        }
        return order;
    }
}
