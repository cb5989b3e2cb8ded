package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;
import sparsity.kernels.cpu.VectorBackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The Vector API backend gives the same bits before the JIT has compiled its loops (first calls,
 * interpreted) and after (thousands of calls later). A lane reduction whose order depends on the
 * execution mode made runs of one program differ from each other; a resumed training run in a
 * new process must continue exactly.
 */
class JitStableResultsTest {

    @Test
    void reductionsGiveTheSameBitsColdAndWarm() {
        Random r = new Random(3);
        try (MemoryScope s = MemoryScope.open(); VectorBackend be = new VectorBackend(1)) {
            int b = 8;
            int n = 96;
            int d = 77;
            int k = 5;
            FloatMatrix g = s.floats(b, d);
            FloatMatrix w = s.floats(n, d);
            FloatMatrix p = s.floats(b, n);
            IntMatrix idx = s.ints(b, k);
            for (int i = 0; i < b * d; i++) g.set(i / d, i % d, (float) r.nextGaussian());
            for (int i = 0; i < n * d; i++) w.set(i / d, i % d, (float) r.nextGaussian());
            for (int i = 0; i < b * n; i++) p.set(i / n, i % n, (float) r.nextGaussian());
            for (int i = 0; i < b * k; i++) idx.set(i / k, i % k, r.nextInt(n));
            float[][] cold = run(be, s, g, w, p, idx, k);
            for (int i = 0; i < 20_000; i++) run(be, s, g, w, p, idx, k);
            float[][] warm = run(be, s, g, w, p, idx, k);
            for (int t = 0; t < cold.length; t++) assertArrayEquals(cold[t], warm[t], 0f, "result " + t);
        }
    }

    private static float[][] run(Backend be, MemoryScope s, FloatMatrix g, FloatMatrix w, FloatMatrix p, IntMatrix idx, int k) {
        FloatMatrix dots = s.floats(g.rows(), k);
        be.sparseRowDots(idx, g, w, dots);
        FloatMatrix norms = s.floats(g.rows(), 1);
        be.rowNorms(g, norms);
        FloatMatrix soft = s.floats(p.rows(), p.cols());
        soft.copyFrom(p);
        be.softmaxRows(soft);
        FloatMatrix ent = s.floats(p.rows(), 1);
        be.rowEntropy(soft, ent);
        return new float[][] {dots.toArray(), norms.toArray(), soft.toArray(), ent.toArray()};
    }
}
