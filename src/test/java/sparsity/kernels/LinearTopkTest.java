package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static sparsity.kernels.TestSupport.REFERENCE;

/**
 * The fused encoder product and top-k ({@link Backend#linearTopk}): bit for bit the backend's own
 * gemm on a bias-filled P followed by topkRows and a column gather; and on small-integer data,
 * where every sum is exact whatever its order, equal to the reference, ties included.
 */
class LinearTopkTest {

    /**
     * B, K, N, k: K past one KC slice (768), N past one column block (3072 wide for K = 384, 1536 for
     * K = 768, narrower for longer K), tails, k over 64, k wider than a column block.
     */
    static final int[][] SHAPES = {{1, 1, 1, 1}, {5, 3, 40, 4}, {37, 19, 300, 32}, {64, 384, 3072, 32}, {33, 130, 1600, 7},
            {9, 800, 2000, 32}, {17, 1600, 500, 100}, {70, 64, 3100, 70}, {8, 16, 65, 65}, {40, 768, 3100, 32},
            {20, 768, 1700, 70}, {3, 50000, 100, 40}};

    static int[] keepOf(int n, Random rnd) {
        return java.util.stream.IntStream.range(0, n).filter(i -> rnd.nextInt(5) == 0).toArray();
    }

    static void check(Backend be, FloatMatrix x, FloatMatrix w, FloatMatrix bias, int k, int[] keep, Backend expectFrom,
                      MemoryScope s, String what) {
        int b = x.rows();
        FloatMatrix ev = s.floats(b, k), av = s.floats(b, k);
        IntMatrix ei = s.ints(b, k), ai = s.ints(b, k);
        FloatMatrix ek = s.floats(b, Math.max(1, keep.length)), ak = s.floats(b, Math.max(1, keep.length));
        FloatMatrix ekv = keep.length == 0 ? null : ek.view(0, 0, b, keep.length);
        FloatMatrix akv = keep.length == 0 ? null : ak.view(0, 0, b, keep.length);
        // the definition, on the expected backend's own primitives
        FloatMatrix p = s.floats(b, w.rows());
        for (int r = 0; r < b; r++) p.row(r).copyFrom(bias);
        expectFrom.gemm(false, true, 1f, x, w, 1f, p);
        expectFrom.topkRows(p, ev, ei);
        for (int r = 0; r < b; r++) for (int t = 0; t < keep.length; t++) ekv.set(r, t, p.get(r, keep[t]));
        be.linearTopk(x, w, bias, av, ai, keep, akv);
        assertArrayEquals(ev.toArray(), av.toArray(), 0f, what + ": values");
        assertArrayEquals(ei.toArray(), ai.toArray(), what + ": indices");
        if (keep.length > 0) assertArrayEquals(ekv.toArray(), akv.toArray(), 0f, what + ": kept columns");
    }

    @BackendTest
    void equalsGemmThenTopkBitForBit(String name, Backend be) {
        Random rnd = new Random(5);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                FloatMatrix x = TestSupport.randomStrided(s, sh[0], sh[1], rnd);
                FloatMatrix w = TestSupport.randomStrided(s, sh[2], sh[1], rnd);
                FloatMatrix bias = TestSupport.random(s, 1, sh[2], rnd);
                check(be, x, w, bias, sh[3], keepOf(sh[2], rnd), be, s, name + " " + java.util.Arrays.toString(sh));
            }
        }
    }

    @BackendTest
    void equalsTheReferenceOnExactDataWithTies(String name, Backend be) {
        Random rnd = new Random(6);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                if ((long) sh[0] * sh[1] * sh[2] > 3_000_000) continue; // the reference is slow
                FloatMatrix x = ints(s, sh[0], sh[1], rnd, 3);
                FloatMatrix w = ints(s, sh[2], sh[1], rnd, 2);
                FloatMatrix bias = ints(s, 1, sh[2], rnd, 4);
                check(be, x, w, bias, sh[3], keepOf(sh[2], rnd), REFERENCE, s, name + " exact " + java.util.Arrays.toString(sh));
            }
        }
    }

    @BackendTest
    void nanAndInfinityRankAsInTopkRows(String name, Backend be) {
        Random rnd = new Random(7);
        try (MemoryScope s = MemoryScope.open()) {
            int b = 6, kk = 40, n = 2000;
            FloatMatrix x = TestSupport.random(s, b, kk, rnd);
            FloatMatrix w = TestSupport.random(s, n, kk, rnd);
            FloatMatrix bias = s.floats(1, n);
            bias.set(0, 1700, Float.NaN);
            bias.set(0, 3, Float.POSITIVE_INFINITY);
            bias.set(0, 1999, Float.NEGATIVE_INFINITY);
            w.set(10, 0, Float.NaN);
            check(be, x, w, bias, 33, new int[] {3, 10, 1700, 1999}, be, s, name + " nan");
        }
    }

    @Test
    void rejectsBadShapesAndUnsortedColumns() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(2, 3), w = s.floats(5, 3), bias = s.floats(1, 5);
            FloatMatrix v = s.floats(2, 2);
            IntMatrix i = s.ints(2, 2);
            assertThrows(IllegalArgumentException.class, () -> REFERENCE.linearTopk(x, s.floats(5, 4), bias, v, i, new int[0], null));
            assertThrows(IllegalArgumentException.class, () -> REFERENCE.linearTopk(x, w, s.floats(1, 4), v, i, new int[0], null));
            assertThrows(IllegalArgumentException.class, () -> REFERENCE.linearTopk(x, w, bias, v, i, new int[] {3, 1}, s.floats(2, 2)));
            assertThrows(IllegalArgumentException.class, () -> REFERENCE.linearTopk(x, w, bias, s.floats(2, 6), s.ints(2, 6),
                    new int[0], null));
        }
    }

    /** Small integers in [-r, r]: products and sums of a few hundred are exact in float. */
    static FloatMatrix ints(MemoryScope s, int rows, int cols, Random rnd, int r) {
        FloatMatrix m = s.floats(rows, cols);
        for (int i = 0; i < rows; i++) for (int c = 0; c < cols; c++) m.set(i, c, rnd.nextInt(2 * r + 1) - r);
        return m;
    }
}
