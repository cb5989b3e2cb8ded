package sparsity.sae.train;

import sparsity.analysis.store.StoredTensor;
import sparsity.kernels.FloatMatrix;

/**
 * {@link Batches} read from a captured tensor of an activation store, straight from its
 * memory mapping: the store is never loaded whole. Each epoch visits every row once in the order
 * of a permutation drawn from (seed, epoch); a hold-out of the last rows can be kept apart for
 * evaluation.
 */
public final class StoreBatches implements Batches {

    private final StoredTensor tensor;
    private final long first;
    private final int rows;
    private final int dim;
    private final float scale;
    private final EpochOrder order;
    private final float[] row;

    /**
     * @param first rows [first, first + count) of the tensor are used
     * @param scale every value is multiplied by this (activation normalization; 1 for none)
     */
    public StoreBatches(StoredTensor tensor, long first, long count, long seed, float scale) {
        if (tensor.isAttention()) throw new IllegalArgumentException(tensor.name() + " holds attention maps, not rows");
        if (count < 1 || first < 0 || first + count > tensor.rows() || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("rows " + first + "+" + count + " are not within the " + tensor.rows() + " rows of " + tensor.name());
        }
        this.tensor = tensor;
        this.first = first;
        this.rows = (int) count;
        this.dim = tensor.dim();
        this.scale = scale;
        this.order = new EpochOrder(this.rows, seed);
        this.row = new float[dim];
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
            int src = order.rowAt(index * b + r);
            tensor.read(first + src, 1, row);
            if (scale != 1f) for (int c = 0; c < dim; c++) row[c] *= scale;
            into.row(r).copyFrom(row);
        }
    }

    /**
     * SAELens' activation normalization ("expected_average_only_in"): the scale s =
     * sqrt(d) / mean |x| over up to {@code sampleRows} rows spread over the range, so that the
     * scaled rows have mean norm sqrt(d), i.e. unit mean square per dimension.
     */
    public static float saeLensScale(StoredTensor t, long first, long count, int sampleRows) {
        int n = (int) Math.min(count, sampleRows);
        float[] row = new float[t.dim()];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            t.read(first + i * (count / n), 1, row);
            double sq = 0;
            for (float v : row) sq += (double) v * v;
            sum += Math.sqrt(sq);
        }
        double meanNorm = sum / n;
        return meanNorm > 0 ? (float) (Math.sqrt(t.dim()) / meanNorm) : 1f;
    }
}
