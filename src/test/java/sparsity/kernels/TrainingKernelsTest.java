package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static sparsity.kernels.TestSupport.EPS;
import static sparsity.kernels.TestSupport.REFERENCE;

/**
 * The fused kernels of an autoencoder training step against the reference (the Backend
 * defaults): sparse decode with the squared-error gradients, the overwriting outer product,
 * column sums, the row projection, Adam on unit rows, row-vector subtraction, squared error, the
 * ReLU gradient and dense top-k codes. Where a fused kernel replaces a sequence of the backend's own
 * operations, it must give the same bits as that sequence.
 */
class TrainingKernelsTest {

    /** B, k, n, d (d around the vector width and its multiples of 4). */
    static final int[][] SHAPES = {{1, 1, 1, 1}, {17, 3, 33, 19}, {64, 32, 300, 384}, {9, 5, 40, 130}, {33, 7, 20, 257},
            {40, 16, 100, 64}};

    static float[] scaled(float[] bound, double f) {
        return SparseOpsTest.scale(bound, f);
    }

    @BackendTest
    void decodeLossMatchesTheReference(String name, Backend be) {
        Random rnd = new Random(31);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                int b = sh[0], k = sh[1], n = sh[2], d = sh[3];
                IntMatrix idx = SparseOpsTest.indices(s, b, k, n, rnd, true);
                FloatMatrix val = TestSupport.random(s, b, k, rnd); // about half negative: masked gradients
                FloatMatrix w = TestSupport.randomStrided(s, n, d, rnd);
                FloatMatrix bias = TestSupport.random(s, 1, d, rnd);
                FloatMatrix x = TestSupport.randomStrided(s, b, d, rnd);
                float scale = 0.37f;
                FloatMatrix[] e = outputs(s, b, k, d), a = outputs(s, b, k, d);
                REFERENCE.sparseDecodeLoss(idx, val, w, bias, x, scale, e[0], e[1], e[2], e[3]);
                be.sparseDecodeLoss(idx, val, w, bias, x, scale, a[0], a[1], a[2], a[3]);
                // bound on |y| and |e|: |bias| + sum |val||w| + |x|
                FloatMatrix bound = s.floats(b, d);
                for (int r = 0; r < b; r++) bound.row(r).copyFrom(TestSupport.abs(s, bias));
                REFERENCE.sparseDecode(idx, TestSupport.abs(s, val), TestSupport.abs(s, w), 1f, bound);
                float[] bb = bound.toArray();
                float[] xa = TestSupport.abs(s, x).toArray();
                for (int i = 0; i < bb.length; i++) bb[i] += xa[i];
                String what = name + " " + java.util.Arrays.toString(sh);
                TestSupport.assertWithin(e[3].toArray(), a[3].toArray(), scaled(bb, 2 * (k + 2) * EPS), what + " residual");
                TestSupport.assertWithin(e[0].toArray(), a[0].toArray(), scaled(bb, 2 * (k + 3) * EPS * scale), what + " g");
                float[] sseBound = new float[b];
                for (int r = 0; r < b; r++) for (int c = 0; c < d; c++) sseBound[r] += bb[r * d + c] * bb[r * d + c];
                TestSupport.assertWithin(e[2].toArray(), a[2].toArray(), scaled(sseBound, 4 * (k + d + 3) * EPS), what + " sse");
                // gval: dots of d products of g (already within its bound) with w
                FloatMatrix gb = s.floats(b, d, scaled(bb, scale * (1 + 4 * (k + 3) * EPS)));
                FloatMatrix dotBound = s.floats(b, k);
                REFERENCE.sparseRowDots(idx, gb, TestSupport.abs(s, w), dotBound);
                TestSupport.assertWithin(e[1].toArray(), a[1].toArray(), scaled(dotBound.toArray(), 4 * (k + d + 3) * EPS),
                        what + " gval");
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < k; j++) {
                        if (!(val.get(r, j) > 0) || idx.get(r, j) < 0) assertEquals(0f, a[1].get(r, j), what + " masked gval");
                    }
                }
                // without the residual output, the same bits otherwise
                FloatMatrix[] a2 = outputs(s, b, k, d);
                be.sparseDecodeLoss(idx, val, w, bias, x, scale, a2[0], a2[1], a2[2], null);
                for (int t = 0; t < 3; t++) assertArrayEquals(a[t].toArray(), a2[t].toArray(), 0f, what + " output " + t);
            }
        }
    }

    private static FloatMatrix[] outputs(MemoryScope s, int b, int k, int d) {
        return new FloatMatrix[] {s.floats(b, d), s.floats(b, k), s.floats(b, 1), s.floats(b, d)};
    }

    @BackendTest
    void outerProductIsFillThenAccumulateBitForBit(String name, Backend be) {
        Random rnd = new Random(32);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                int b = sh[0], k = sh[1], n = sh[2], d = sh[3];
                IntMatrix idx = SparseOpsTest.indices(s, b, k, n, rnd, true);
                FloatMatrix val = TestSupport.random(s, b, k, rnd);
                FloatMatrix g = TestSupport.randomStrided(s, b, d, rnd);
                FloatMatrix w = TestSupport.random(s, n, d, rnd); // garbage that must be overwritten
                FloatMatrix expect = s.floats(n, d);
                be.sparseOuterAccumulate(idx, val, g, expect);
                be.sparseOuterProduct(idx, val, g, w);
                assertArrayEquals(expect.toArray(), w.toArray(), 0f, name + " " + java.util.Arrays.toString(sh));
                // with the sums of the values: bitwise fill(0) then scatterAdd
                FloatMatrix w2 = TestSupport.random(s, n, d, rnd);
                FloatMatrix sums = TestSupport.random(s, 1, n, rnd);
                be.sparseOuterProduct(idx, val, g, w2, sums);
                assertArrayEquals(expect.toArray(), w2.toArray(), 0f, name + " with sums " + java.util.Arrays.toString(sh));
                FloatMatrix sums2 = s.floats(1, n);
                be.scatterAdd(idx, val, sums2);
                assertArrayEquals(sums2.toArray(), sums.toArray(), 0f, name + " sums " + java.util.Arrays.toString(sh));
                FloatMatrix ref = TestSupport.random(s, n, d, rnd);
                REFERENCE.sparseOuterProduct(idx, val, g, ref);
                FloatMatrix bound = s.floats(n, d);
                REFERENCE.sparseOuterAccumulate(idx, TestSupport.abs(s, val), TestSupport.abs(s, g), bound);
                TestSupport.assertWithin(ref.toArray(), w.toArray(), scaled(bound.toArray(), 2 * (b * k + 1) * EPS), "vs reference");
            }
        }
    }

    @BackendTest
    void columnSumsProjectionAndRowSubtraction(String name, Backend be) {
        Random rnd = new Random(33);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : TestSupport.SHAPES) {
                int rows = sh[0], cols = sh[1];
                FloatMatrix x = TestSupport.randomStrided(s, rows, cols, rnd);
                FloatMatrix e = s.floats(1, cols), a = s.floats(1, cols);
                REFERENCE.colSums(x, e);
                be.colSums(x, a);
                FloatMatrix bound = s.floats(1, cols);
                REFERENCE.colSums(TestSupport.abs(s, x), bound);
                TestSupport.assertWithin(e.toArray(), a.toArray(), scaled(bound.toArray(), 2 * rows * EPS), name + " colSums");

                FloatMatrix w = TestSupport.random(s, rows, cols, rnd);
                be.normalizeRows(w, 1e-30f);
                FloatMatrix g0 = TestSupport.random(s, rows, cols, rnd);
                g0.row(0).fill(0f); // a zero dot: left alone
                FloatMatrix ge = s.copyOf(g0), ga = s.copyOf(g0);
                REFERENCE.projectOutRows(ge, w);
                be.projectOutRows(ga, w);
                // |dot| <= |g| (unit rows); each element within a few eps of |g| + |w||g|
                float[] tol = new float[rows * cols];
                for (int r = 0; r < rows; r++) {
                    double norm = 0;
                    for (int c = 0; c < cols; c++) norm += (double) g0.get(r, c) * g0.get(r, c);
                    for (int c = 0; c < cols; c++) tol[r * cols + c] = (float) ((2 * cols + 4) * EPS * (Math.abs(g0.get(r, c)) + Math.sqrt(norm)));
                }
                TestSupport.assertWithin(ge.toArray(), ga.toArray(), tol, name + " projectOutRows");
                for (int r = 0; r < rows; r++) {
                    double dot = 0;
                    for (int c = 0; c < cols; c++) dot += (double) ga.get(r, c) * w.get(r, c);
                    assertEquals(0, dot, 1e-5 * (1 + cols), name + " projected row " + r + " is orthogonal");
                }

                FloatMatrix v = TestSupport.random(s, 1, cols, rnd);
                FloatMatrix oe = s.floats(rows, cols), oa = s.floats(rows, cols);
                REFERENCE.subtractRowVector(x, v, oe);
                be.subtractRowVector(x, v, oa);
                assertArrayEquals(oe.toArray(), oa.toArray(), 0f, name + " subtractRowVector");
                FloatMatrix in = s.copyOf(x);
                be.subtractRowVector(in, v, in);
                assertArrayEquals(oe.toArray(), in.toArray(), 0f, name + " subtractRowVector in place");
                // with the column moments of the result
                FloatMatrix om = s.floats(rows, cols), s1 = s.floats(1, cols), s2 = s.floats(1, cols);
                FloatMatrix e1 = s.floats(1, cols), e2 = s.floats(1, cols);
                be.subtractRowVector(x, v, om, s1, s2);
                REFERENCE.subtractRowVector(x, v, s.floats(rows, cols), e1, e2);
                assertArrayEquals(oe.toArray(), om.toArray(), 0f, name + " subtractRowVector with moments");
                FloatMatrix b1 = s.floats(1, cols), b2 = s.floats(1, cols);
                REFERENCE.colSums(TestSupport.abs(s, oe), b1);
                FloatMatrix sq = s.floats(rows, cols);
                for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) sq.set(r, c, oe.get(r, c) * oe.get(r, c));
                REFERENCE.colSums(sq, b2);
                TestSupport.assertWithin(e1.toArray(), s1.toArray(), scaled(b1.toArray(), 2 * rows * EPS), name + " column sums");
                TestSupport.assertWithin(e2.toArray(), s2.toArray(), scaled(b2.toArray(), 2 * (rows + 1) * EPS), name + " column squares");
            }
        }
    }

    @BackendTest
    void adamOnUnitRowsIsAdamThenNormalizeBitForBit(String name, Backend be) {
        Random rnd = new Random(34);
        Adam adam = new Adam(1e-2f, 0.9f, 0.999f, 6.25e-10f);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : TestSupport.SHAPES) {
                int rows = sh[0], cols = sh[1];
                FloatMatrix p0 = TestSupport.randomStrided(s, rows, cols, rnd);
                FloatMatrix pe = s.copyOf(p0), pa = s.copyOf(p0), pr = s.copyOf(p0);
                FloatMatrix me = s.floats(rows, cols), ma = s.floats(rows, cols), mr = s.floats(rows, cols);
                FloatMatrix ve = s.floats(rows, cols), va = s.floats(rows, cols), vr = s.floats(rows, cols);
                for (long step = 1; step <= 3; step++) {
                    FloatMatrix g = TestSupport.random(s, rows, cols, rnd);
                    be.adam(pe, g, me, ve, adam, step);
                    be.normalizeRows(pe, 1e-30f);
                    be.adamUnitRows(pa, g, ma, va, adam, step, 1e-30f);
                    REFERENCE.adamUnitRows(pr, g, mr, vr, adam, step, 1e-30f);
                }
                String what = name + " " + rows + "x" + cols;
                assertArrayEquals(pe.toArray(), pa.toArray(), 0f, what + " param");
                assertArrayEquals(me.toArray(), ma.toArray(), 0f, what + " m");
                assertArrayEquals(ve.toArray(), va.toArray(), 0f, what + " v");
                TestSupport.assertRel(pr, pa, 64 * EPS * cols, 1.0 / Math.sqrt(cols), what + " vs reference");
            }
        }
    }

    @BackendTest
    void outerProductPairIsTwoOuterProductsBitForBit(String name, Backend be) {
        Random rnd = new Random(37);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                int b = sh[0], k = sh[1], n = sh[2], d = sh[3];
                IntMatrix idx = SparseOpsTest.indices(s, b, k, n, rnd, true);
                FloatMatrix val = TestSupport.random(s, b, k, rnd), val2 = TestSupport.random(s, b, k, rnd);
                FloatMatrix g = TestSupport.randomStrided(s, b, d, rnd), g2 = TestSupport.randomStrided(s, b, d, rnd);
                FloatMatrix w = TestSupport.random(s, n, d, rnd), w2 = TestSupport.random(s, n, d, rnd); // overwritten
                FloatMatrix sums = TestSupport.random(s, 1, n, rnd);
                FloatMatrix ew = s.floats(n, d), ew2 = s.floats(n, d), esums = s.floats(1, n);
                be.sparseOuterProducts(idx, val, g, w, val2, g2, w2, sums);
                be.sparseOuterProduct(idx, val, g, ew);
                be.sparseOuterProduct(idx, val2, g2, ew2, esums);
                String what = name + " " + java.util.Arrays.toString(sh);
                assertArrayEquals(ew.toArray(), w.toArray(), 0f, what + " w");
                assertArrayEquals(ew2.toArray(), w2.toArray(), 0f, what + " w2");
                assertArrayEquals(esums.toArray(), sums.toArray(), 0f, what + " sums");
                FloatMatrix rw = s.floats(n, d), rw2 = s.floats(n, d), rsums = s.floats(1, n);
                REFERENCE.sparseOuterProducts(idx, val, g, rw, val2, g2, rw2, rsums);
                FloatMatrix bound = s.floats(n, d);
                REFERENCE.sparseOuterAccumulate(idx, TestSupport.abs(s, val2), TestSupport.abs(s, g2), bound);
                TestSupport.assertWithin(rw2.toArray(), w2.toArray(), scaled(bound.toArray(), 2 * (b * k + 1) * EPS), what + " vs reference");
            }
        }
    }

    @BackendTest
    void adamProjectedIsProjectThenAdamBitForBit(String name, Backend be) {
        Random rnd = new Random(38);
        Adam adam = new Adam(1e-2f, 0.9f, 0.999f, 6.25e-10f);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : TestSupport.SHAPES) {
                int rows = sh[0], cols = sh[1];
                FloatMatrix p0 = TestSupport.randomStrided(s, rows, cols, rnd);
                be.normalizeRows(p0, 1e-30f);
                FloatMatrix pe = s.copyOf(p0), pa = s.copyOf(p0), pr = s.copyOf(p0);
                FloatMatrix me = s.floats(rows, cols), ma = s.floats(rows, cols), mr = s.floats(rows, cols);
                FloatMatrix ve = s.floats(rows, cols), va = s.floats(rows, cols), vr = s.floats(rows, cols);
                for (long step = 1; step <= 3; step++) {
                    FloatMatrix g = TestSupport.random(s, rows, cols, rnd);
                    g.row(0).fill(0f); // a zero dot: no projection
                    FloatMatrix ge = s.copyOf(g);
                    be.projectOutRows(ge, pe);
                    be.adamUnitRows(pe, ge, me, ve, adam, step, 1e-30f);
                    be.adamProjectedUnitRows(pa, s.copyOf(g), ma, va, adam, step, 1e-30f);
                    REFERENCE.adamProjectedUnitRows(pr, s.copyOf(g), mr, vr, adam, step, 1e-30f);
                }
                String what = name + " " + rows + "x" + cols;
                assertArrayEquals(pe.toArray(), pa.toArray(), 0f, what + " param");
                assertArrayEquals(me.toArray(), ma.toArray(), 0f, what + " m");
                assertArrayEquals(ve.toArray(), va.toArray(), 0f, what + " v");
                // a projected gradient near 0 (one column) makes Adam's direction a matter of rounding
                if (cols > 1) TestSupport.assertRel(pr, pa, 64 * EPS * cols, 1.0 / Math.sqrt(cols), what + " vs reference");
            }
        }
    }

    @BackendTest
    void squaredErrorAndReluGradient(String name, Backend be) {
        Random rnd = new Random(35);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : TestSupport.SHAPES) {
                int rows = sh[0], cols = sh[1];
                FloatMatrix y = TestSupport.randomStrided(s, rows, cols, rnd);
                FloatMatrix x = TestSupport.random(s, rows, cols, rnd);
                FloatMatrix ge = s.floats(rows, cols), ga = s.floats(rows, cols);
                FloatMatrix se = s.floats(rows, 1), sa = s.floats(rows, 1);
                REFERENCE.squaredError(y, x, 0.25f, ge, se);
                be.squaredError(y, x, 0.25f, ga, sa);
                assertArrayEquals(ge.toArray(), ga.toArray(), 0f, name + " g: one subtraction and one product, exact");
                float[] bound = new float[rows];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        float e = y.get(r, c) - x.get(r, c);
                        bound[r] += e * e;
                    }
                }
                TestSupport.assertWithin(se.toArray(), sa.toArray(), scaled(bound, 2 * cols * EPS), name + " rowSse");
                FloatMatrix inPlace = s.copyOf(y);
                be.squaredError(inPlace, x, 0.25f, inPlace, sa);
                assertArrayEquals(ge.toArray(), inPlace.toArray(), 0f, name + " in place");

                FloatMatrix z = TestSupport.random(s, rows, cols, rnd);
                z.set(0, 0, Float.NaN);
                FloatMatrix re = s.copyOf(y), ra = s.copyOf(y);
                REFERENCE.reluGradient(re, z);
                be.reluGradient(ra, z);
                assertArrayEquals(re.toArray(), ra.toArray(), 0f, name + " reluGradient");
            }
        }
    }

    @BackendTest
    void reluTopkRowsKeepsExactlyTheTopK(String name, Backend be) {
        Random rnd = new Random(36);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : new int[][] {{1, 1, 1}, {5, 40, 7}, {33, 300, 192}, {8, 64, 64}, {9, 1000, 3}, {4, 17, 0}}) {
                int rows = sh[0], cols = sh[1], k = sh[2];
                FloatMatrix x = TestSupport.random(s, rows, cols, rnd);
                // ties, NaN, infinities and signed zeros
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) if (rnd.nextInt(4) == 0) x.set(r, c, rnd.nextInt(3) - 1);
                    if (cols > 5) {
                        x.set(r, 1, Float.NaN);
                        x.set(r, 2, -0f);
                        x.set(r, 3, 0f);
                        x.set(r, 4, Float.POSITIVE_INFINITY);
                    }
                }
                FloatMatrix e = s.copyOf(x), a = s.copyOf(x);
                REFERENCE.reluTopkRows(e, k);
                be.reluTopkRows(a, k);
                assertArrayEquals(e.toArray(), a.toArray(), 0f, name + " " + java.util.Arrays.toString(sh));
            }
            assertThrows(IllegalArgumentException.class, () -> be.reluTopkRows(s.floats(2, 3), 4));
        }
    }

    @Test
    void referenceDecodeLossByHand() {
        try (MemoryScope s = MemoryScope.open()) {
            IntMatrix idx = s.ints(1, 2, 1, 0);
            FloatMatrix val = s.floats(1, 2, 2f, -1f);
            FloatMatrix w = s.floats(2, 2, 1, 2, 3, 4);
            FloatMatrix bias = s.floats(1, 2, 0.5f, 0.5f);
            FloatMatrix x = s.floats(1, 2, 1, 1);
            FloatMatrix g = s.floats(1, 2), gval = s.floats(1, 2), sse = s.floats(1, 1), res = s.floats(1, 2);
            REFERENCE.sparseDecodeLoss(idx, val, w, bias, x, 2f, g, gval, sse, res);
            // y = bias + 2 * w[1] - 1 * w[0] = (0.5 + 6 - 1, 0.5 + 8 - 2) = (5.5, 6.5); e = (4.5, 5.5)
            assertArrayEquals(new float[] {-4.5f, -5.5f}, res.toArray());
            assertArrayEquals(new float[] {9f, 11f}, g.toArray());
            assertEquals(4.5f * 4.5f + 5.5f * 5.5f, sse.get(0, 0));
            // slot 0 (w[1], val 2 > 0): 9 * 3 + 11 * 4 = 71; slot 1 (val -1): masked
            assertArrayEquals(new float[] {71f, 0f}, gval.toArray());
        }
    }
}
