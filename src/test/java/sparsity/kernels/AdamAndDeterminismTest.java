package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;

import sparsity.kernels.cpu.VectorBackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.kernels.TestSupport.EPS;
import static sparsity.kernels.TestSupport.REFERENCE;

class AdamAndDeterminismTest {

    @BackendTest
    void adamMatchesTheReferenceOverSeveralSteps(String name, Backend be) {
        Random rnd = new Random(61);
        Adam adam = new Adam(1e-2f, 0.9f, 0.999f, 1e-8f);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : TestSupport.SHAPES) {
                FloatMatrix p0 = TestSupport.randomStrided(s, sh[0], sh[1], rnd);
                FloatMatrix pe = s.copyOf(p0), pa = s.copyOf(p0);
                FloatMatrix me = s.floats(sh[0], sh[1]), ma = s.floats(sh[0], sh[1]);
                FloatMatrix ve = s.floats(sh[0], sh[1]), va = s.floats(sh[0], sh[1]);
                for (long step = 1; step <= 3; step++) {
                    FloatMatrix g = TestSupport.random(s, sh[0], sh[1], rnd);
                    REFERENCE.adam(pe, g, me, ve, adam, step);
                    be.adam(pa, g, ma, va, adam, step);
                }
                // a step moves a parameter by at most ~lr; float vs double: 16 eps relative to |p| + lr
                TestSupport.assertRel(pe, pa, 16 * EPS, 1, "param");
                TestSupport.assertRel(me, ma, 16 * EPS, 0.1, "m (cancels: judged at the scale of 0.1 |g|)");
                TestSupport.assertRel(ve, va, 16 * EPS, 1e-3, "v");
            }
        }
    }

    @Test
    void referenceAdamFirstStepMovesByLr() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix p = s.floats(1, 2, 1, 1);
            FloatMatrix g = s.floats(1, 2, 0.5f, -3f);
            REFERENCE.adam(p, g, s.floats(1, 2), s.floats(1, 2), Adam.of(0.1f), 1);
            // with bias correction the first step is lr * sign(g)
            assertEquals(0.9f, p.get(0, 0), 1e-6f);
            assertEquals(1.1f, p.get(0, 1), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> new Adam(0.1f, 1f, 0.9f, 1e-8f));
        }
    }

    /** Runs every operation once and returns all outputs as raw bits. */
    static int[] runAll(Backend be, long seed) {
        Random rnd = new Random(seed);
        try (MemoryScope s = MemoryScope.open()) {
            int b = 70, d = 131, n = 300, k = 9;
            FloatMatrix x = TestSupport.random(s, b, d, rnd);
            FloatMatrix w = TestSupport.random(s, n, d, rnd);
            FloatMatrix pre = s.floats(b, n);
            be.gemm(false, true, 1f, x, w, 0f, pre);
            FloatMatrix vals = s.floats(b, k);
            IntMatrix idx = s.ints(b, k);
            be.topkRows(pre, vals, idx);
            FloatMatrix xh = s.floats(b, d);
            be.sparseDecode(idx, vals, w, 0f, xh);
            FloatMatrix gw = s.floats(n, d);
            be.sparseOuterAccumulate(idx, vals, xh, gw);
            FloatMatrix dots = s.floats(b, k);
            be.sparseRowDots(idx, x, w, dots);
            FloatMatrix dw = s.floats(n, d);
            be.gemm(true, false, 1f, pre, x, 0f, dw);
            FloatMatrix stats = s.floats(b, 3);
            be.rowNorms(x, stats.view(0, 0, b, 1));
            be.rowVariances(x, stats.view(0, 1, b, 1));
            be.softmaxRows(pre);
            be.rowEntropy(pre, stats.view(0, 2, b, 1));
            FloatMatrix cv = s.floats(1, d);
            be.colVariances(x, cv);
            FloatMatrix h = s.floats(d, d);
            be.gemm(true, false, 1f / b, x, x, 0f, h);
            for (int i = 0; i < d; i++) h.set(i, i, h.get(i, i) + 1f);
            be.cholesky(h);
            FloatMatrix rhs = s.copyOf(dw.rowRange(0, d));
            be.solveTriangular(h, true, true, rhs);
            be.adam(w, gw, s.floats(n, d), s.floats(n, d), Adam.of(1e-3f), 1);
            // the fused training-step kernels
            FloatMatrix bias = TestSupport.random(s, 1, n, rnd);
            FloatMatrix fv = s.floats(b, k);
            IntMatrix fi = s.ints(b, k);
            int[] keep = {0, 7, 150, 299};
            FloatMatrix kept = s.floats(b, keep.length);
            be.linearTopk(x, w, bias, fv, fi, keep, kept);
            FloatMatrix g = s.floats(b, d), gz = s.floats(b, k), sse = s.floats(b, 1), res = s.floats(b, d);
            be.sparseDecodeLoss(fi, fv, w, cv, x, 0.5f, g, gz, sse, res);
            FloatMatrix op = s.floats(n, d);
            be.sparseOuterProduct(fi, gz, g, op);
            FloatMatrix cs = s.floats(1, d);
            be.colSums(g, cs);
            FloatMatrix unit = s.copyOf(w);
            be.normalizeRows(unit, 1e-30f);
            be.projectOutRows(op, unit);
            be.adamUnitRows(unit, op, s.floats(n, d), s.floats(n, d), Adam.of(1e-3f), 2, 1e-30f);
            FloatMatrix se = s.floats(b, 1);
            be.squaredError(xh, x, 0.25f, xh, se);
            FloatMatrix codes = s.copyOf(pre);
            be.reluTopkRows(codes, 20);
            FloatMatrix[] outs = {pre, vals, xh, gw, dots, dw, stats, cv, h, rhs, w, fv, kept, g, gz, sse, res, op, cs, unit, se,
                    codes};
            int total = 0;
            for (FloatMatrix m : outs) total += (int) m.size();
            int[] bits = new int[total + idx.toArray().length + fi.toArray().length];
            int o = 0;
            for (FloatMatrix m : outs) {
                for (float f : m.toArray()) bits[o++] = Float.floatToRawIntBits(f);
            }
            for (int i : idx.toArray()) bits[o++] = i;
            for (int i : fi.toArray()) bits[o++] = i;
            return bits;
        }
    }

    @Test
    void resultsAreBitwiseEqualAcrossRunsAndThreadCounts() {
        int[] first = runAll(TestSupport.VECTOR.get(1), 99);
        for (int run = 0; run < 3; run++) {
            assertArrayEquals(first, runAll(TestSupport.VECTOR.get(1), 99), "run " + run + " on 2 threads");
        }
        try (VectorBackend four = new VectorBackend(4)) {
            assertArrayEquals(first, runAll(four, 99), "4 threads");
        }
        assertArrayEquals(first, runAll(TestSupport.VECTOR.get(0), 99), "1 thread");
        assertArrayEquals(first, runAll(TestSupport.VECTOR.get(2), 99), "3 threads");
        assertTrue(first.length > 100_000);
    }
}
