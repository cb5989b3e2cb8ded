package sparsity.attention.metrics;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatternSearchTest {

    /** Rows of a causal map: mass split between the given keys (where valid), rest to the diagonal. */
    private static AttentionMap causal(int n, java.util.function.BiFunction<Integer, Integer, Double> w) {
        float[] p = new float[n * n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j <= i; j++) sum += w.apply(i, j);
            for (int j = 0; j <= i; j++) p[i * n + j] = (float) (w.apply(i, j) / sum);
        }
        return AttentionMap.causal(p, n);
    }

    @Test
    void sinkPlusLocalBandIsAShape() {
        AttentionMap m = causal(64, (i, j) -> j == 0 ? 5.0 : i - j < 3 ? 1.0 : 0.0);
        PatternSearch.Classification c = PatternSearch.classify(m, 0.15, PatternSearch.defaultBlockSize(64));
        assertEquals(PatternSearch.A_SHAPE, c.best().pattern());
        assertEquals(1.0, c.best().score(), 1e-5);
        assertTrue(c.best().cells() <= c.budgetCells());
    }

    @Test
    void scatteredColumnsAreVerticalAndSlash() {
        // every row looks at keys 7, 23 and 41 (where causal allows), and at itself
        AttentionMap m = causal(64, (i, j) -> (j == 7 || j == 23 || j == 41) ? 4.0 : i.equals(j) ? 1.0 : 0.0);
        PatternSearch.Classification c = PatternSearch.classify(m, 0.1, 8);
        assertEquals(PatternSearch.VERTICAL_SLASH, c.best().pattern());
        assertEquals(1.0, c.best().score(), 1e-5);
        assertEquals(3, c.best().verticalSize(), "keys 7, 23, 41 (" + c.best() + ")");
        assertEquals(1, c.best().slashSize(), "the main diagonal");
        double aShape = c.fits().stream().filter(f -> f.pattern().equals(PatternSearch.A_SHAPE)).findFirst().orElseThrow().score();
        assertTrue(aShape < 0.9, "an A-shape cannot reach key 41 from far rows: " + aShape);
    }

    @Test
    void blockDiagonalEncoderMapIsBlockSparse() {
        int n = 64;
        int b = 8;
        float[] p = new float[n * n];
        Random rnd = new Random(3);
        for (int i = 0; i < n; i++) {
            int blk = (i / b + (i % 3)) % (n / b); // each row attends inside one (shuffled) block
            double sum = 0;
            double[] w = new double[b];
            for (int t = 0; t < b; t++) sum += w[t] = 0.5 + rnd.nextDouble();
            for (int t = 0; t < b; t++) p[i * n + blk * b + t] = (float) (w[t] / sum);
        }
        PatternSearch.Classification c = PatternSearch.classify(AttentionMap.full(p, n, n), 0.125 * 3, b);
        assertEquals(PatternSearch.BLOCK_SPARSE, c.best().pattern());
        assertEquals(1.0, c.best().score(), 1e-5);
        assertEquals(b, c.best().slashSize());
    }

    @Test
    void scoresNeverExceedOneAndRespectTheBudget() {
        Random rnd = new Random(11);
        AttentionMap m = causal(50, (i, j) -> rnd.nextDouble());
        PatternSearch.Classification c = PatternSearch.classify(m, 0.2, PatternSearch.defaultBlockSize(50));
        for (PatternSearch.Fit f : c.fits()) {
            assertTrue(f.score() >= 0 && f.score() <= 1 + 1e-6, f.toString());
            assertTrue(f.cells() <= c.budgetCells(), f.toString());
        }
        assertEquals(50 * 51 / 2, c.validCells());
    }
}
