package sparsity.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import sparsity.attention.metrics.AttentionMap;
import sparsity.attention.metrics.HeadMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Heads in parallel with the compute layer's row entropy give the scalar accumulator's metrics. */
class HeadBatchTest {

    @Test
    void parallelKernelPathEqualsTheScalarPath() {
        SplittableRandom r = new SplittableRandom(5);
        List<AttentionMap> maps = new ArrayList<>();
        for (int h = 0; h < 6; h++) {
            int n = 20 + 7 * h;
            float[] p = new float[n * n];
            for (int i = 0; i < n; i++) {
                double sum = 0;
                double[] w = new double[i + 1];
                for (int j = 0; j <= i; j++) sum += w[j] = Math.exp(3 * r.nextDouble());
                for (int j = 0; j <= i; j++) p[i * n + j] = (float) (w[j] / sum);
            }
            maps.add(AttentionMap.causal(p, n));
        }
        HeadMetrics.Settings s = HeadMetrics.Settings.defaults();
        HeadMetrics.Accumulator[] fast = new HeadMetrics.Accumulator[maps.size()];
        for (int i = 0; i < fast.length; i++) fast[i] = new HeadMetrics.Accumulator(s);
        HeadBatch.add(maps, fast, null);
        for (int i = 0; i < maps.size(); i++) {
            HeadMetrics.Result a = fast[i].result();
            HeadMetrics.Result b = new HeadMetrics.Accumulator(s).add(maps.get(i)).result();
            assertEquals(b.entropy().mean(), a.entropy().mean(), 1e-5, "entropy of head " + i);
            assertEquals(b.normalizedEntropy().mean(), a.normalizedEntropy().mean(), 1e-5);
            for (int t = 0; t < b.coverage().length; t++) assertEquals(b.coverage()[t].mean(), a.coverage()[t].mean(), 0);
            for (int t = 0; t < b.recall().length; t++) assertEquals(b.recall()[t].mean(), a.recall()[t].mean(), 0);
            assertEquals(b.previousToken().mean(), a.previousToken().mean(), 0);
            assertEquals(b.rows(), a.rows());
        }
    }
}
