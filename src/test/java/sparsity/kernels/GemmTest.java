package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.kernels.TestSupport.EPS;
import static sparsity.kernels.TestSupport.REFERENCE;

/**
 * gemm against the double-accumulating reference. Tolerance per element, the standard forward
 * error bound of a float dot product of length K: 2 * K * eps * (|alpha| (|op(A)| |op(B)|)_ij +
 * |beta| |C_ij|) + 1e-30.
 */
class GemmTest {

    /** M, K, N: tails in every dimension around the 8 x 32 tile; K up to 2100 crosses two 1024-deep slices; M = 1 is a vector-matrix product. */
    static final int[][] MKN = {{1, 1, 1}, {17, 33, 19}, {130, 257, 75}, {6, 16, 32}, {13, 800, 70},
            {64, 3, 129}, {3, 64, 300}, {97, 5, 1}, {1, 100, 600}, {13, 2100, 70}, {40, 1100, 33}, {1, 3000, 50}};

    @Test
    void referenceMatchesAHandComputedProduct() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix a = s.floats(2, 3, 1, 2, 3, 4, 5, 6);
            FloatMatrix b = s.floats(3, 2, 7, 8, 9, 10, 11, 12);
            FloatMatrix c = s.floats(2, 2, 1, 1, 1, 1);
            REFERENCE.gemm(false, false, 1f, a, b, 2f, c);
            assertArrayEquals(new float[] {60, 66, 141, 156}, c.toArray());
            REFERENCE.gemm(true, true, 1f, b, a, 0f, c); // (B^T A^T) = (AB)^T
            assertArrayEquals(new float[] {58, 139, 64, 154}, c.toArray());
        }
    }

    @BackendTest
    void everyTransposeAndShapeMatchesTheReference(String name, Backend be) {
        Random rnd = new Random(42);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] mkn : MKN) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                    float alpha = t == 3 ? -0.5f : 1f;
                    float beta = t == 0 ? 0f : t == 1 ? 1f : 0.75f;
                    check(s, be, mkn[0], mkn[1], mkn[2], ta, tb, alpha, beta, rnd, t == 2);
                }
            }
        }
    }

    private static void check(MemoryScope s, Backend be, int m, int k, int n, boolean ta, boolean tb, float alpha,
                              float beta, Random rnd, boolean strided) {
        FloatMatrix a = strided ? TestSupport.randomStrided(s, ta ? k : m, ta ? m : k, rnd)
                : TestSupport.random(s, ta ? k : m, ta ? m : k, rnd);
        FloatMatrix b = strided ? TestSupport.randomStrided(s, tb ? n : k, tb ? k : n, rnd)
                : TestSupport.random(s, tb ? n : k, tb ? k : n, rnd);
        FloatMatrix c0 = strided ? TestSupport.randomStrided(s, m, n, rnd) : TestSupport.random(s, m, n, rnd);
        FloatMatrix expected = s.copyOf(c0);
        FloatMatrix actual = strided ? TestSupport.randomStrided(s, m, n, rnd) : s.floats(m, n);
        actual.copyFrom(c0);
        REFERENCE.gemm(ta, tb, alpha, a, b, beta, expected);
        be.gemm(ta, tb, alpha, a, b, beta, actual);
        FloatMatrix bound = s.copyOf(TestSupport.abs(s, c0));
        REFERENCE.gemm(ta, tb, Math.abs(alpha), TestSupport.abs(s, a), TestSupport.abs(s, b), Math.abs(beta), bound);
        float[] tol = bound.toArray();
        for (int i = 0; i < tol.length; i++) tol[i] = (float) (2 * Math.max(k, 1) * EPS * tol[i] + 1e-30);
        TestSupport.assertWithin(expected.toArray(), actual.toArray(), tol,
                "gemm " + m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb + " alpha=" + alpha + " beta=" + beta);
        if (strided) {
            // the padding around a strided C must not be touched
            assertEquals(actual.segment().byteSize(), 4L * ((m - 1L) * actual.stride() + n));
        }
    }

    @BackendTest
    void aLargeProductAtTheBenchmarkAspect(String name, Backend be) {
        Random rnd = new Random(7);
        try (MemoryScope s = MemoryScope.open()) {
            check(s, be, 300, 700, 530, false, true, 1f, 0f, rnd, false);
            check(s, be, 260, 900, 200, true, false, 1f, 1f, rnd, false);
        }
    }

    @BackendTest
    void betaZeroIgnoresNanInCAndNanInInputsPropagates(String name, Backend be) {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix a = TestSupport.random(s, 9, 20, new Random(1));
            FloatMatrix b = TestSupport.random(s, 20, 40, new Random(2));
            FloatMatrix c = s.floats(9, 40);
            c.fill(Float.NaN);
            be.gemm(false, false, 1f, a, b, 0f, c);
            for (float v : c.toArray()) assertTrue(Float.isFinite(v));
            a.set(3, 7, Float.NaN);
            b.set(0, 5, Float.POSITIVE_INFINITY);
            be.gemm(false, false, 1f, a, b, 0f, c);
            for (int j = 0; j < 40; j++) assertTrue(Float.isNaN(c.get(3, j)), "NaN in row 3 of A spreads to row 3 of C");
            assertTrue(Float.isInfinite(c.get(0, 5)) || Float.isNaN(c.get(0, 5)));
            assertTrue(Float.isFinite(c.get(0, 4)));
        }
    }

    @BackendTest
    void alphaZeroOrEmptyKOnlyScalesC(String name, Backend be) {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix a = s.floats(2, 3);
            a.fill(Float.NaN);
            FloatMatrix b = s.floats(3, 2);
            FloatMatrix c = s.floats(2, 2, 1, 2, 3, 4);
            be.gemm(false, false, 0f, a, b, 2f, c);
            assertArrayEquals(new float[] {2, 4, 6, 8}, c.toArray());
            be.gemm(false, false, 1f, s.floats(2, 0), s.floats(0, 2), 0f, c);
            assertArrayEquals(new float[4], c.toArray());
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        try (MemoryScope s = MemoryScope.open()) {
            for (Backend be : TestSupport.VECTOR) {
                assertThrows(IllegalArgumentException.class,
                        () -> be.gemm(false, false, 1f, s.floats(2, 3), s.floats(4, 2), 0f, s.floats(2, 2)));
                assertThrows(IllegalArgumentException.class,
                        () -> be.gemm(false, true, 1f, s.floats(2, 3), s.floats(3, 2), 0f, s.floats(2, 2)));
            }
        }
    }
}
