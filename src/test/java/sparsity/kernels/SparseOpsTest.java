package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static sparsity.kernels.TestSupport.EPS;
import static sparsity.kernels.TestSupport.REFERENCE;

/**
 * k-sparse products against the reference. Decode and row dots sum k (or d) products: tolerance
 * 2 * len * eps * (sum of |terms|) elementwise; scatter-adds use fused multiply-adds per update,
 * the reference rounds each update once too: tolerance 4 * (updates per element) * eps * scale.
 */
class SparseOpsTest {

    /** B, k, n, d. */
    static final int[][] SHAPES = {{1, 1, 1, 1}, {17, 3, 33, 19}, {64, 32, 300, 384}, {9, 5, 40, 130}, {33, 7, 20, 257}};

    static IntMatrix indices(MemoryScope s, int b, int k, int n, Random rnd, boolean withEmpty) {
        IntMatrix idx = s.ints(b, k);
        for (int r = 0; r < b; r++) {
            for (int j = 0; j < k; j++) idx.set(r, j, withEmpty && rnd.nextInt(6) == 0 ? -1 : rnd.nextInt(n));
        }
        return idx;
    }

    @Test
    void referenceDecodeByHand() {
        try (MemoryScope s = MemoryScope.open()) {
            IntMatrix idx = s.ints(2, 2, 2, 0, 1, -1);
            FloatMatrix val = s.floats(2, 2, 2, 3, 5, 100);
            FloatMatrix w = s.floats(3, 2, 1, 2, 3, 4, 5, 6);
            FloatMatrix out = s.floats(2, 2);
            REFERENCE.sparseDecode(idx, val, w, 0f, out);
            assertArrayEquals(new float[] {13, 18, 15, 20}, out.toArray());
            FloatMatrix dots = s.floats(2, 2);
            REFERENCE.sparseRowDots(idx, out, w, dots);
            assertArrayEquals(new float[] {13 * 5 + 18 * 6, 13 + 36, 15 * 3 + 20 * 4, 0}, dots.toArray());
            REFERENCE.sparseOuterAccumulate(idx, val, s.floats(2, 2, 1, 1, 1, 0), w);
            assertArrayEquals(new float[] {4, 5, 8, 4, 7, 8}, w.toArray());
        }
    }

    @BackendTest
    void decodeAndRowDotsMatchTheReference(String name, Backend be) {
        Random rnd = new Random(21);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                int b = sh[0], k = sh[1], n = sh[2], d = sh[3];
                IntMatrix idx = indices(s, b, k, n, rnd, true);
                FloatMatrix val = TestSupport.random(s, b, k, rnd);
                FloatMatrix w = TestSupport.randomStrided(s, n, d, rnd);
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    FloatMatrix out0 = TestSupport.random(s, b, d, rnd);
                    FloatMatrix e = s.copyOf(out0), a = s.copyOf(out0);
                    REFERENCE.sparseDecode(idx, val, w, beta, e);
                    be.sparseDecode(idx, val, w, beta, a);
                    FloatMatrix bound = TestSupport.abs(s, out0);
                    REFERENCE.sparseDecode(idx, TestSupport.abs(s, val), TestSupport.abs(s, w), Math.abs(beta), bound);
                    TestSupport.assertWithin(e.toArray(), a.toArray(), scale(bound.toArray(), 2 * (k + 1) * EPS),
                            "decode " + b + "x" + k + " n=" + n + " d=" + d + " beta=" + beta);
                }
                FloatMatrix g = TestSupport.random(s, b, d, rnd);
                FloatMatrix ed = s.floats(b, k), ad = s.floats(b, k), bd = s.floats(b, k);
                REFERENCE.sparseRowDots(idx, g, w, ed);
                be.sparseRowDots(idx, g, w, ad);
                REFERENCE.sparseRowDots(idx, TestSupport.abs(s, g), TestSupport.abs(s, w), bd);
                TestSupport.assertWithin(ed.toArray(), ad.toArray(), scale(bd.toArray(), 2 * d * EPS),
                        "rowDots " + b + "x" + k + " d=" + d);
            }
        }
    }

    static float[] scale(float[] bound, double f) {
        float[] t = new float[bound.length];
        for (int i = 0; i < t.length; i++) t[i] = (float) (f * bound[i] + 1e-30);
        return t;
    }

    @BackendTest
    void scatterAddsMatchTheReference(String name, Backend be) {
        Random rnd = new Random(23);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                int b = sh[0], k = sh[1], n = sh[2], d = sh[3];
                IntMatrix idx = indices(s, b, k, n, rnd, true);
                FloatMatrix val = TestSupport.random(s, b, k, rnd);
                FloatMatrix g = TestSupport.randomStrided(s, b, d, rnd);
                FloatMatrix w0 = TestSupport.random(s, n, d, rnd);
                FloatMatrix e = s.copyOf(w0), a = s.copyOf(w0);
                REFERENCE.sparseOuterAccumulate(idx, val, g, e);
                be.sparseOuterAccumulate(idx, val, g, a);
                FloatMatrix bound = TestSupport.abs(s, w0);
                REFERENCE.sparseOuterAccumulate(idx, TestSupport.abs(s, val), TestSupport.abs(s, g), bound);
                // each element gets at most b * k updates, each rounded once
                TestSupport.assertWithin(e.toArray(), a.toArray(), scale(bound.toArray(), 2 * (b * k + 1) * EPS),
                        "outer " + b + "x" + k + " n=" + n + " d=" + d);

                FloatMatrix bias0 = TestSupport.random(s, 1, n, rnd);
                FloatMatrix eb = s.copyOf(bias0), ab = s.copyOf(bias0);
                REFERENCE.scatterAdd(idx, val, eb);
                be.scatterAdd(idx, val, ab);
                assertArrayEquals(eb.toArray(), ab.toArray(), "scatterAdd adds in the same order: bitwise equal");

                IntMatrix rowsIdx = indices(s, 1, b, n, rnd, true);
                FloatMatrix er = s.copyOf(w0), ar = s.copyOf(w0);
                REFERENCE.scatterAddRows(rowsIdx, g, er);
                be.scatterAddRows(rowsIdx, g, ar);
                assertArrayEquals(er.toArray(), ar.toArray(), "scatterAddRows: bitwise equal");
            }
        }
    }

    @Test
    void indicesOutsideTheWeightsAreRejected() {
        try (MemoryScope s = MemoryScope.open()) {
            IntMatrix idx = s.ints(1, 1, 5);
            for (Backend be : TestSupport.VECTOR) {
                assertThrows(IndexOutOfBoundsException.class,
                        () -> be.sparseDecode(idx, s.floats(1, 1), s.floats(3, 4), 0f, s.floats(1, 4)));
                assertThrows(IndexOutOfBoundsException.class,
                        () -> be.sparseOuterAccumulate(idx, s.floats(1, 1), s.floats(1, 4), s.floats(3, 4)));
            }
        }
    }
}
