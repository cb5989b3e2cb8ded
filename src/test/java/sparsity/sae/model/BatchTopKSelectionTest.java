package sparsity.sae.model;

import java.util.Random;

import org.junit.jupiter.api.Test;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The training forward's batch-wide top-k (candidates per row from the fused encoder, rows that
 * reach the threshold redone in full) keeps exactly what batchTopk keeps over the full
 * pre-activations: on small-integer data (many ties) and with a few rows that take far more
 * than their share (saturating the candidates).
 */
class BatchTopKSelectionTest {

    @Test
    void keepsWhatBatchTopkKeepsOverAllPreActivations() {
        int d = 24, n = 200, k = 6, rows = 64;
        Random rnd = new Random(3);
        try (Backend be = Backends.cpu();
             BatchTopKAutoencoder sae = new BatchTopKAutoencoder(be, d, n, new BatchTopKAutoencoder.Config(k, 8, 1.0 / 32, 1000, 1e-3, 0.999), 1);
             MemoryScope s = MemoryScope.open()) {
            SaeParams p = sae.params();
            for (int trial = 0; trial < 6; trial++) {
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < d; c++) p.wEnc.set(i, c, rnd.nextInt(5) - 2);
                    p.bEnc.set(0, i, rnd.nextInt(3) - 1);
                }
                for (int c = 0; c < d; c++) p.bPre.set(0, c, trial % 2 == 0 ? 0f : (float) rnd.nextGaussian());
                FloatMatrix x = s.floats(rows, d);
                for (int r = 0; r < rows; r++) {
                    // a few rows much larger than the rest: they take most of the batch's budget
                    float scale = r % 17 == 3 ? 6f : 1f;
                    for (int c = 0; c < d; c++) x.set(r, c, scale * (rnd.nextInt(3) - 1) + (trial >= 4 ? (float) rnd.nextGaussian() : 0f));
                }
                IntMatrix idx = s.ints(rows, n);
                FloatMatrix z = s.floats(rows, n);
                sae.encode(x, idx, z);
                // expected: the full pre-activations, then batchTopk
                FloatMatrix xc = s.floats(rows, d);
                FloatMatrix pre = s.floats(rows, n);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < d; c++) xc.set(r, c, x.get(r, c) - p.bPre.get(0, c));
                    pre.row(r).copyFrom(p.bEnc);
                }
                be.gemm(false, true, 1f, xc, p.wEnc, 1f, pre);
                IntMatrix rowStart = s.ints(1, rows + 1);
                IntMatrix cols = s.ints(1, rows * k);
                FloatMatrix vals = s.floats(1, rows * k);
                be.batchTopk(pre, rows * k, rowStart, cols, vals);
                int[] ei = new int[rows * n];
                float[] ez = new float[rows * n];
                for (int r = 0; r < rows; r++) {
                    for (int e = rowStart.get(0, r), j = 0; e < rowStart.get(0, r + 1); e++, j++) {
                        ei[r * n + j] = cols.get(0, e);
                        ez[r * n + j] = Math.max(0f, vals.get(0, e));
                    }
                }
                assertArrayEquals(ei, idx.toArray(), "trial " + trial + ": kept latents");
                assertArrayEquals(ez, z.toArray(), 0f, "trial " + trial + ": values");
            }
        }
    }
}
