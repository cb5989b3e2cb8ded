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
 * Cholesky and triangular solves on well-conditioned SPD matrices H = X X^T / m + I (condition
 * number below ~10, as SparseGPT's damped Hessians): tolerance 8 * n * eps * max|entry| on the
 * factors and solutions, plus a residual check |L L^T - H| small.
 */
class LinalgTest {

    static final int[] SIZES = {1, 2, 17, 33, 130, 257};

    static FloatMatrix spd(MemoryScope s, int n, Random rnd) {
        FloatMatrix x = TestSupport.random(s, n, n + 8, rnd);
        FloatMatrix h = s.floats(n, n);
        REFERENCE.gemm(false, true, 1f / (n + 8), x, x, 0f, h);
        for (int i = 0; i < n; i++) h.set(i, i, h.get(i, i) + 1f);
        return h;
    }

    static float maxAbs(FloatMatrix m) {
        float mx = 0;
        for (float v : m.toArray()) mx = Math.max(mx, Math.abs(v));
        return mx;
    }

    @Test
    void referenceCholeskyByHand() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix a = s.floats(2, 2, 4, 99, 2, 5); // upper triangle ignored
            REFERENCE.cholesky(a);
            assertArrayEquals(new float[] {2, 0, 1, 2}, a.toArray());
            FloatMatrix b = s.floats(2, 1, 4, 7);
            REFERENCE.solveTriangular(a, true, false, b); // [2 0; 1 2] x = [4; 7]
            assertArrayEquals(new float[] {2, 2.5f}, b.toArray());
        }
    }

    @BackendTest
    void choleskyMatchesTheReference(String name, Backend be) {
        Random rnd = new Random(51);
        try (MemoryScope s = MemoryScope.open()) {
            for (int n : SIZES) {
                FloatMatrix h = spd(s, n, rnd);
                for (int i = 0; i < n; i++) {
                    for (int j = i + 1; j < n; j++) h.set(i, j, Float.NaN); // the upper triangle is not read
                }
                FloatMatrix e = s.copyOf(h), a = s.copyOf(h);
                REFERENCE.cholesky(e);
                be.cholesky(a);
                float tol = (float) (8 * n * EPS * maxAbs(e));
                float[] ev = e.toArray(), av = a.toArray();
                for (int i = 0; i < ev.length; i++) {
                    assertEquals(ev[i], av[i], tol, "L[" + i / n + "," + i % n + "] n=" + n);
                }
                FloatMatrix llt = s.floats(n, n);
                REFERENCE.gemm(false, true, 1f, a, a, 0f, llt);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j <= i; j++) assertEquals(h.get(i, j), llt.get(i, j), tol * 4, "L L^T = H");
                }
            }
        }
    }

    @BackendTest
    void triangularSolvesMatchTheReferenceInAllFourForms(String name, Backend be) {
        Random rnd = new Random(53);
        try (MemoryScope s = MemoryScope.open()) {
            for (int n : SIZES) {
                FloatMatrix l = spd(s, n, rnd);
                REFERENCE.cholesky(l);
                FloatMatrix u = s.floats(n, n); // U = L^T, with garbage below the diagonal
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) u.set(i, j, j >= i ? l.get(j, i) : Float.NaN);
                }
                for (int m : new int[] {1, 5, 70}) {
                    FloatMatrix b = TestSupport.randomStrided(s, n, m, rnd);
                    for (int form = 0; form < 4; form++) {
                        boolean lower = form < 2, trans = form % 2 == 1;
                        FloatMatrix t = lower ? l : u;
                        FloatMatrix e = s.copyOf(b), a = s.copyOf(b);
                        REFERENCE.solveTriangular(t, lower, trans, e);
                        be.solveTriangular(t, lower, trans, a);
                        float tol = (float) (8 * n * EPS * Math.max(1, maxAbs(e)));
                        float[] ev = e.toArray(), av = a.toArray();
                        for (int i = 0; i < ev.length; i++) {
                            assertEquals(ev[i], av[i], tol, "solve lower=" + lower + " trans=" + trans + " n=" + n + " m=" + m);
                        }
                    }
                }
            }
        }
    }

    @Test
    void choleskyRejectsMatricesThatAreNotPositiveDefinite() {
        for (Backend be : new Backend[] {REFERENCE, TestSupport.VECTOR.get(1)}) {
            try (MemoryScope s = MemoryScope.open()) {
                FloatMatrix a = s.floats(3, 3, 1, 0, 0, 2, 1, 0, 0, 0, 1);
                ArithmeticException ex = assertThrows(ArithmeticException.class, () -> be.cholesky(a));
                assertTrue(ex.getMessage().contains("column 1"), ex.getMessage());
                FloatMatrix nan = s.floats(2, 2, Float.NaN, 0, 0, 1);
                assertThrows(ArithmeticException.class, () -> be.cholesky(nan));
                FloatMatrix big = spd(s, 200, new Random(1));
                big.set(150, 150, -1000f);
                ArithmeticException e2 = assertThrows(ArithmeticException.class, () -> be.cholesky(big));
                assertTrue(e2.getMessage().contains("column 150"), e2.getMessage());
            }
        }
    }
}
