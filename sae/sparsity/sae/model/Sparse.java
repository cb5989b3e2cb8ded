package sparsity.sae.model;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * Codes with a varying number of active latents per row, padded to the widest row of the batch:
 * slot j of row r holds latent idx[r, j] with pre-activation vals[r, j] and value z[r, j]; the
 * padding holds latent 0 with value 0, which adds nothing to any sparse product, or latent -1 (an
 * empty slot, which the sparse kernels skip; read out as latent 0 with value 0). Buffers grow
 * and are reused.
 */
final class Sparse implements AutoCloseable {

    int rows;
    int width;
    IntMatrix idx;
    FloatMatrix vals;
    FloatMatrix z;
    FloatMatrix gz;
    private MemoryScope scope;
    private long capacity;
    private java.lang.foreign.MemorySegment idxSeg;
    private java.lang.foreign.MemorySegment valsSeg;
    private java.lang.foreign.MemorySegment zSeg;
    private java.lang.foreign.MemorySegment gzSeg;

    void ensure(int rows, int width) {
        long need = (long) rows * width;
        if (scope == null || need > capacity) {
            if (scope != null) scope.close();
            scope = MemoryScope.open();
            capacity = Math.max(need, capacity + capacity / 2);
            int cap = Math.toIntExact(capacity);
            idxSeg = scope.ints(1, cap).segment();
            valsSeg = scope.floats(1, cap).segment();
            zSeg = scope.floats(1, cap).segment();
            gzSeg = scope.floats(1, cap).segment();
        }
        this.rows = rows;
        this.width = width;
        idx = IntMatrix.wrap(idxSeg, rows, width, width);
        vals = FloatMatrix.wrap(valsSeg, rows, width, width);
        z = FloatMatrix.wrap(zSeg, rows, width, width);
        gz = FloatMatrix.wrap(gzSeg, rows, width, width);
    }

    /**
     * Keeps, row by row, the entries of {@code pre} [B x n] above {@code theta} (z = pre there),
     * in column order.
     */
    void fromThreshold(FloatMatrix pre, float theta) {
        int b = pre.rows();
        int n = pre.cols();
        float[] row = new float[n];
        int width = 1;
        int[] counts = new int[b];
        for (int r = 0; r < b; r++) {
            pre.copyRow(r, row, 0);
            int c = 0;
            for (float v : row) if (v > theta) c++;
            counts[r] = c;
            width = Math.max(width, c);
        }
        ensure(b, width);
        for (int r = 0; r < b; r++) {
            pre.copyRow(r, row, 0);
            int j = 0;
            for (int i = 0; i < n; i++) {
                if (row[i] > theta) {
                    idx.set(r, j, i);
                    vals.set(r, j, row[i]);
                    z.set(r, j, row[i]);
                    j++;
                }
            }
            for (; j < width; j++) {
                idx.set(r, j, 0);
                vals.set(r, j, 0f);
                z.set(r, j, 0f);
            }
        }
    }

    /** Copies the codes into idx and z of a wider readout ([B x w'], w' >= width), zero-padded. */
    void readOut(IntMatrix outIdx, FloatMatrix outZ) {
        int w = outIdx.cols();
        if (w < width) throw new IllegalArgumentException("readout of " + w + " slots, rows use " + width);
        outIdx.fill(0);
        outZ.fill(0f);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                outIdx.set(r, j, Math.max(0, idx.get(r, j)));
                outZ.set(r, j, z.get(r, j));
            }
        }
    }

    @Override
    public void close() {
        if (scope != null) scope.close();
        scope = null;
    }
}
