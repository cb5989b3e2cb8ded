package sparsity.kernels;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.kernels.TestSupport.EPS;
import static sparsity.kernels.TestSupport.REFERENCE;
import static sparsity.kernels.TestSupport.SHAPES;

/**
 * Row/column statistics, normalization, attention helpers, histograms and quantiles. Float sums
 * of n terms against double: relative tolerance 2 * n * eps on sums of positive terms (norms,
 * entropy-free parts); means and variances of N(0,1) data are checked with an absolute floor of
 * 1 so that cancellation near 0 is judged against the data's scale.
 */
class StatsTest {

    @BackendTest
    void rowAndColumnStatisticsMatchTheReference(String name, Backend be) {
        Random rnd = new Random(31);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                int r = sh[0], c = sh[1];
                FloatMatrix x = TestSupport.randomStrided(s, r, c, rnd);
                double rowTol = 2 * c * EPS;
                double colTol = 2 * 256 * EPS;
                for (int op = 0; op < 3; op++) {
                    FloatMatrix e = s.floats(r, 1), a = s.floats(r, 1);
                    switch (op) {
                        case 0 -> { REFERENCE.rowNorms(x, e); be.rowNorms(x, a); }
                        case 1 -> { REFERENCE.rowMeans(x, e); be.rowMeans(x, a); }
                        default -> { REFERENCE.rowVariances(x, e); be.rowVariances(x, a); }
                    }
                    TestSupport.assertRel(e, a, rowTol, 1, "row op " + op + " " + r + "x" + c);
                }
                FloatMatrix e = s.floats(1, c), a = s.floats(1, c);
                REFERENCE.colMeans(x, e);
                be.colMeans(x, a);
                TestSupport.assertRel(e, a, colTol, 1, "colMeans " + r + "x" + c);
                REFERENCE.colVariances(x, e);
                be.colVariances(x, a);
                TestSupport.assertRel(e, a, colTol, 1, "colVariances " + r + "x" + c);

                FloatMatrix es = s.copyOf(x), as = s.copyOf(x);
                REFERENCE.standardizeRows(es, 1e-5f);
                be.standardizeRows(as, 1e-5f);
                TestSupport.assertRel(es, as, 4 * c * EPS, 1, "standardize " + r + "x" + c);
                FloatMatrix en = s.copyOf(x), an = s.copyOf(x);
                REFERENCE.normalizeRows(en, 1e-12f);
                be.normalizeRows(an, 1e-12f);
                TestSupport.assertRel(en, an, 2 * c * EPS, 1e-3, "normalize " + r + "x" + c);
            }
        }
    }

    @Test
    void referenceStatisticsByHand() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(2, 2, 3, 4, 1, -1);
            FloatMatrix o = s.floats(2, 1);
            REFERENCE.rowNorms(x, o);
            assertArrayEquals(new float[] {5, (float) Math.sqrt(2)}, o.toArray());
            REFERENCE.rowVariances(x, o);
            assertArrayEquals(new float[] {0.25f, 1f}, o.toArray());
            FloatMatrix c = s.floats(1, 2);
            REFERENCE.colMeans(x, c);
            assertArrayEquals(new float[] {2, 1.5f}, c.toArray());
            FloatMatrix z = s.floats(1, 3);
            REFERENCE.normalizeRows(z, 1e-6f);
            assertArrayEquals(new float[3], z.toArray(), "a zero row stays zero");
        }
    }

    static FloatMatrix probabilities(MemoryScope s, int r, int c, Random rnd) {
        FloatMatrix x = TestSupport.random(s, r, c, rnd);
        REFERENCE.softmaxRows(x);
        return x;
    }

    @BackendTest
    void softmaxEntropyCoverageAndTopMassMatchTheReference(String name, Backend be) {
        Random rnd = new Random(37);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : SHAPES) {
                int r = sh[0], c = sh[1];
                FloatMatrix x = TestSupport.randomStrided(s, r, c, rnd);
                for (int i = 0; i < r; i++) x.set(i, i % c, x.get(i, i % c) * 8);
                FloatMatrix e = s.copyOf(x), a = s.copyOf(x);
                REFERENCE.softmaxRows(e);
                be.softmaxRows(a);
                // exp within a few ulp, a float sum of c terms: relative 2 * c * eps + 8 ulp
                TestSupport.assertRel(e, a, 2 * c * EPS + 8 * EPS, 0, "softmax " + r + "x" + c);

                FloatMatrix p = probabilities(s, r, c, rnd);
                FloatMatrix eh = s.floats(r, 1), ah = s.floats(r, 1);
                REFERENCE.rowEntropy(p, eh);
                be.rowEntropy(p, ah);
                // each term p |log p| <= 1/e; absolute tolerance (2c + 8) eps * max(H, 1)
                TestSupport.assertRel(eh, ah, (2 * c + 8) * EPS, 1, "entropy " + r + "x" + c);

                for (float tau : new float[] {0f, 0.5f, 0.9f, 0.99f, 1f}) {
                    IntMatrix ec = s.ints(r, 1), ac = s.ints(r, 1);
                    REFERENCE.coverageCounts(p, tau, ec);
                    be.coverageCounts(p, tau, ac);
                    assertArrayEquals(ec.toArray(), ac.toArray(), "coverage tau=" + tau);
                }
                FloatMatrix em = s.floats(r, 1), am = s.floats(r, 1);
                REFERENCE.topMass(p, 3, em);
                be.topMass(p, 3, am);
                assertArrayEquals(em.toArray(), am.toArray(), "topMass");
            }
        }
    }

    @Test
    void attentionHelpersByHandAndTheirNanInfRules() {
        for (Backend be : new Backend[] {REFERENCE, TestSupport.VECTOR.get(1)}) {
            try (MemoryScope s = MemoryScope.open()) {
                FloatMatrix x = s.floats(4, 3, 0, (float) Math.log(3), Float.NEGATIVE_INFINITY,
                        1, Float.NaN, 2, 1, Float.POSITIVE_INFINITY, 2,
                        Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
                be.softmaxRows(x);
                assertEquals(0.25f, x.get(0, 0), 1e-6f);
                assertEquals(0.75f, x.get(0, 1), 1e-6f);
                assertEquals(0f, x.get(0, 2), "-Inf gets 0");
                for (int r = 1; r < 4; r++) {
                    for (int c = 0; c < 3; c++) assertTrue(Float.isNaN(x.get(r, c)), be.name() + " NaN row " + r);
                }
                FloatMatrix p = s.floats(2, 4, 0.5f, 0.5f, 0, 0, 0.1f, 0.6f, 0.2f, 0.1f);
                FloatMatrix h = s.floats(2, 1);
                be.rowEntropy(p, h);
                assertEquals((float) Math.log(2), h.get(0, 0), 1e-6f, "0 log 0 = 0");
                IntMatrix cov = s.ints(2, 1);
                be.coverageCounts(p, 0.9f, cov);
                assertArrayEquals(new int[] {2, 3}, cov.toArray());
                be.coverageCounts(x.rowRange(1, 2), 0.9f, cov.rowRange(0, 1));
                assertEquals(-1, cov.get(0, 0), "a NaN row has no coverage");
                FloatMatrix m = s.floats(2, 1);
                be.topMass(p, 2, m);
                assertEquals(1f, m.get(0, 0));
                assertEquals(0.8f, m.get(1, 0), 1e-6f);
            }
        }
    }

    @BackendTest
    void histogramsAndQuantilesMatchTheReference(String name, Backend be) {
        Random rnd = new Random(41);
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = TestSupport.randomStrided(s, 131, 77, rnd);
            x.set(0, 0, Float.NaN);
            x.set(1, 1, Float.POSITIVE_INFINITY);
            x.set(2, 2, Float.NEGATIVE_INFINITY);
            x.set(3, 3, 2f); // exactly hi: counted above
            x.set(4, 4, -2f); // exactly lo: first bin
            Histogram e = REFERENCE.histogram(x, -2f, 2f, 17);
            Histogram a = be.histogram(x, -2f, 2f, 17);
            assertArrayEquals(e.counts(), a.counts());
            assertEquals(e.below(), a.below());
            assertEquals(e.above(), a.above());
            assertEquals(1, a.nan());
            assertEquals(x.size(), a.total());
            assertTrue(a.above() >= 2 && a.below() >= 1);
            double[] q = {0, 0.01, 0.25, 0.5, 0.9, 1};
            assertArrayEquals(REFERENCE.quantiles(x, q), be.quantiles(x, q));
            assertThrows(IllegalArgumentException.class, () -> be.quantiles(x, 1.5));
            assertThrows(IllegalArgumentException.class, () -> be.histogram(x, 1f, 1f, 3));
        }
    }

    @Test
    void quantilesInterpolateLikeNumpyAndIgnoreNan() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(1, 5, 4, Float.NaN, 1, 3, 2);
            // numpy.nanquantile([4, nan, 1, 3, 2], [0, .25, .5, .9, 1]) = [1, 1.75, 2.5, 3.7, 4]
            float[] q = REFERENCE.quantiles(x, 0, 0.25, 0.5, 0.9, 1);
            assertArrayEquals(new float[] {1, 1.75f, 2.5f, 3.7f, 4}, q, 1e-6f);
            assertTrue(Float.isNaN(REFERENCE.quantiles(s.floats(1, 1, Float.NaN), 0.5)[0]));
        }
    }
}
