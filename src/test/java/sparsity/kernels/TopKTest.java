package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.kernels.TestSupport.REFERENCE;

/** Top-k is exact: every backend must give the reference's values and indices bit for bit. */
class TopKTest {

    @Test
    void referenceOrdersDescendingTiesToLowerIndexNanFirst() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(2, 6, 3, 1, 3, Float.NaN, -0f, 0f,
                    Float.NEGATIVE_INFINITY, 2, Float.POSITIVE_INFINITY, 2, -5, 2);
            FloatMatrix v = s.floats(2, 4);
            IntMatrix i = s.ints(2, 4);
            REFERENCE.topkRows(x, v, i);
            assertArrayEquals(new int[] {3, 0, 2, 1, 2, 1, 3, 5}, i.toArray());
            assertTrue(Float.isNaN(v.get(0, 0)));
            assertEquals(3f, v.get(0, 1));
            assertEquals(Float.POSITIVE_INFINITY, v.get(1, 0));
            // +0.0 ranks above -0.0
            FloatMatrix z = s.floats(1, 3, -0f, 0f, -1f);
            FloatMatrix zv = s.floats(1, 1);
            IntMatrix zi = s.ints(1, 1);
            REFERENCE.topkRows(z, zv, zi);
            assertEquals(1, zi.get(0, 0));
        }
    }

    static void compareRows(Backend be, FloatMatrix x, int k, MemoryScope s) {
        FloatMatrix ev = s.floats(x.rows(), k), av = s.floats(x.rows(), k);
        IntMatrix ei = s.ints(x.rows(), k), ai = s.ints(x.rows(), k);
        REFERENCE.topkRows(x, ev, ei);
        be.topkRows(x, av, ai);
        assertArrayEquals(ei.toArray(), ai.toArray(), "indices, k=" + k + " " + x);
        assertArrayEquals(ev.toArray(), av.toArray(), "values, k=" + k + " " + x);
    }

    @BackendTest
    void randomRowsAndTailsMatchTheReference(String name, Backend be) {
        Random rnd = new Random(3);
        try (MemoryScope s = MemoryScope.open()) {
            int[][] shapes = {{1, 1}, {3, 17}, {17, 33}, {5, 100}, {40, 257}, {9, 3072}, {4, 64}};
            for (int[] sh : shapes) {
                FloatMatrix x = TestSupport.randomStrided(s, sh[0], sh[1], rnd);
                for (int k : new int[] {1, 2, 5, 16, 32, 33, 64, 65}) {
                    if (k <= sh[1]) compareRows(be, x, k, s);
                }
                compareRows(be, x, sh[1], s);
            }
        }
    }

    @BackendTest
    void tiesNanInfAndSignedZeros(String name, Backend be) {
        Random rnd = new Random(5);
        try (MemoryScope s = MemoryScope.open()) {
            // many exact ties: integers in 0..4
            FloatMatrix x = s.floats(20, 300);
            for (int r = 0; r < 20; r++) {
                for (int c = 0; c < 300; c++) x.set(r, c, rnd.nextInt(5));
            }
            x.set(2, 7, Float.NaN);
            x.set(3, 299, Float.NaN);
            x.set(4, 100, Float.POSITIVE_INFINITY);
            x.set(5, 0, Float.NEGATIVE_INFINITY);
            for (int c = 0; c < 300; c++) x.set(6, c, c % 2 == 0 ? -0f : 0f);
            for (int c = 0; c < 300; c++) x.set(7, c, Float.NEGATIVE_INFINITY);
            for (int k : new int[] {1, 8, 32, 40}) compareRows(be, x, k, s);
            FloatMatrix v = s.floats(20, 4);
            IntMatrix i = s.ints(20, 4);
            be.topkRows(x, v, i);
            assertEquals(7, i.get(2, 0), "NaN ranks first");
            assertEquals(299, i.get(3, 0));
            assertArrayEquals(new int[] {1, 3, 5, 7}, i.rowRange(6, 7).toArray(), "+0.0 above -0.0, lower index first");
        }
    }

    @Test
    void rejectsKAboveTheRowLength() {
        try (MemoryScope s = MemoryScope.open()) {
            assertThrows(IllegalArgumentException.class,
                    () -> TestSupport.VECTOR.get(0).topkRows(s.floats(2, 3), s.floats(2, 4), s.ints(2, 4)));
        }
    }

    @Test
    void referenceBatchTopkKeepsTheLargestOverTheBatch() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(3, 3, 1, 9, 2, 8, 7, 0, 5, 9, 6);
            IntMatrix start = s.ints(1, 4);
            IntMatrix cols = s.ints(1, 4);
            FloatMatrix vals = s.floats(1, 4);
            float thr = REFERENCE.batchTopk(x, 4, start, cols, vals);
            assertEquals(7f, thr);
            assertArrayEquals(new int[] {0, 1, 3, 4}, start.toArray());
            assertArrayEquals(new int[] {1, 0, 1, 1}, cols.toArray());
            assertArrayEquals(new float[] {9, 8, 7, 9}, vals.toArray());
        }
    }

    @BackendTest
    void batchTopkMatchesTheReference(String name, Backend be) {
        Random rnd = new Random(11);
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = TestSupport.randomStrided(s, 37, 129, rnd);
            for (int c = 0; c < 129; c += 3) x.set(5, c, 1.5f); // ties straddling the threshold
            x.set(9, 9, Float.NaN);
            x.set(10, 10, Float.NEGATIVE_INFINITY);
            for (int total : new int[] {0, 1, 37 * 4, 37 * 32, 37 * 129}) {
                IntMatrix es = s.ints(1, 38), as = s.ints(1, 38);
                IntMatrix ec = s.ints(1, total), ac = s.ints(1, total);
                FloatMatrix ev = s.floats(1, total), av = s.floats(1, total);
                float et = REFERENCE.batchTopk(x, total, es, ec, ev);
                float at = be.batchTopk(x, total, as, ac, av);
                assertEquals(Float.floatToIntBits(et), Float.floatToIntBits(at), "threshold, total=" + total);
                assertArrayEquals(es.toArray(), as.toArray(), "row starts, total=" + total);
                assertArrayEquals(ec.toArray(), ac.toArray(), "columns, total=" + total);
                assertArrayEquals(ev.toArray(), av.toArray(), "values, total=" + total);
            }
            // exactly-tied threshold: 10 ones, keep 4 -> the first four in row-major order
            FloatMatrix ones = s.floats(2, 5);
            ones.fill(1f);
            IntMatrix st = s.ints(1, 3), cl = s.ints(1, 4);
            FloatMatrix vl = s.floats(1, 4);
            be.batchTopk(ones, 4, st, cl, vl);
            assertArrayEquals(new int[] {0, 4, 4}, st.toArray());
            assertArrayEquals(new int[] {0, 1, 2, 3}, cl.toArray());
        }
    }
}
