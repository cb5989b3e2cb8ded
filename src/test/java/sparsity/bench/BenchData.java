package sparsity.bench;

import java.util.Random;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/** Random inputs for the JMH benchmarks. */
final class BenchData {

    private BenchData() {
    }

    static FloatMatrix random(MemoryScope s, int rows, int cols, Random rnd) {
        FloatMatrix m = s.floats(rows, cols);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = (float) rnd.nextGaussian();
            m.row(r).copyFrom(row);
        }
        return m;
    }

    /** k distinct-or-not random latent indices per row in [0, n). */
    static IntMatrix indices(MemoryScope s, int rows, int k, int n, Random rnd) {
        IntMatrix idx = s.ints(rows, k);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) idx.set(r, j, rnd.nextInt(n));
        }
        return idx;
    }
}
