package sparsity.attention.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HeadMetricsTest {

    private static HeadMetrics.Result metrics(AttentionMap m) {
        return new HeadMetrics.Accumulator(HeadMetrics.Settings.defaults()).add(m).result();
    }

    @Test
    void uniformRowsHaveMaximalEntropyAndFullCoverage() {
        int q = 3;
        int n = 10;
        float[] p = new float[q * n];
        java.util.Arrays.fill(p, 0.1f);
        HeadMetrics.Result r = metrics(AttentionMap.full(p, q, n));
        assertEquals(Math.log(10), r.entropy().mean(), 1e-6);
        assertEquals(0, r.entropy().std(), 1e-9);
        assertEquals(1, r.normalizedEntropy().mean(), 1e-6);
        assertEquals(0.9, r.coverageAt(0.9).mean(), 1e-9, "9 of 10 entries hold 0.9");
        assertEquals(1.0, r.coverageAt(0.99).mean(), 1e-9);
        // recall at density 0.2 = 2 entries = 0.2 mass; at 0.05 -> ceil(0.5) = 1 entry
        assertEquals(0.2, r.recall()[4].mean(), 1e-6);
        assertEquals(0.1, r.recall()[2].mean(), 1e-6);
        assertEquals(0.1, r.sink().mean(), 1e-6);
        assertEquals(0.1, r.previousToken().mean(), 1e-6);
        assertEquals(3, r.rows());
    }

    @Test
    void oneHotRowsHaveZeroEntropyAndMinimalDensity() {
        int n = 8;
        float[] p = new float[n * n];
        for (int i = 0; i < n; i++) p[i * n + (i * 3) % n] = 1;
        HeadMetrics.Result r = metrics(AttentionMap.full(p, n, n));
        assertEquals(0, r.entropy().mean(), 1e-12);
        assertEquals(1.0 / 8, r.coverageAt(0.9).mean(), 1e-12);
        assertEquals(1.0 / 8, r.coverageAt(0.99).mean(), 1e-12);
        assertEquals(1.0, r.recall()[0].mean(), 1e-9, "the top entry holds all the mass");
    }

    @Test
    void causalBandedRowsGivePreviousTokenAndLocalScores() {
        int n = 6;
        float[] p = new float[n * n];
        p[0] = 1;
        for (int i = 1; i < n; i++) {
            p[i * n + i] = 0.5f;
            p[i * n + i - 1] = 0.5f;
        }
        HeadMetrics.Result r = metrics(AttentionMap.causal(p, n));
        assertEquals(0.5, r.previousToken().mean(), 1e-9);
        assertEquals(0, r.previousToken().std(), 1e-9);
        assertEquals(5, r.previousToken().n());
        assertEquals(1.0, r.local().mean(), 1e-9);
        // row entropies: 0 for row 0, log 2 for the rest
        assertEquals(5 * Math.log(2) / 6, r.entropy().mean(), 1e-9);
        // sink: rows 1..5 put 0.5 on key 0 only in row 1
        assertEquals(0.5 / 5, r.sink().mean(), 1e-9);
    }

    @Test
    void inductionScoreOnARepeatedSequence() {
        int start = 1;
        int len = 4;
        int n = start + 2 * len;
        float[] p = new float[n * n];
        for (int i = 0; i < n; i++) p[i * n] = 1; // default: attend to BOS
        for (int i = start + len; i < n; i++) {
            p[i * n] = 0.2f;
            p[i * n + i - len + 1] = 0.8f;
        }
        AttentionMap m = AttentionMap.causal(p, n);
        HeadMetrics.Result r = new HeadMetrics.Accumulator(HeadMetrics.Settings.defaults()).add(m)
                .addInduction(m, start, len).result();
        assertEquals(0.8, r.induction().mean(), 1e-6);
        assertEquals(4, r.induction().n());
        assertThrows(IllegalArgumentException.class,
                () -> new HeadMetrics.Accumulator(HeadMetrics.Settings.defaults()).addInduction(m, 2, 4));
    }

    @Test
    void paddedExamplesOnlyCountRealRowsAndKeys() {
        int keys = 4;
        float[] p = new float[keys * keys];
        // example of length 2 padded to 4: rows 0,1 uniform over 2 keys, padding rows are garbage
        p[0] = 0.5f;
        p[1] = 0.5f;
        p[4] = 0.5f;
        p[5] = 0.5f;
        for (int i = 8; i < 16; i++) p[i] = 0.25f;
        HeadMetrics.Result r = metrics(AttentionMap.padded(p, keys, 2));
        assertEquals(2, r.rows());
        assertEquals(Math.log(2), r.entropy().mean(), 1e-6);
        assertEquals(1, r.normalizedEntropy().mean(), 1e-6);
    }
}
