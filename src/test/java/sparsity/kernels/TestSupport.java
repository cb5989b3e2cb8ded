package sparsity.kernels;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

import sparsity.kernels.cpu.VectorBackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Backends under test, random data and comparisons with stated tolerances. */
final class TestSupport {

    /** float32 unit roundoff (2^-24) times 2: machine epsilon. */
    static final double EPS = Math.ulp(1f);

    static final Backend REFERENCE = new ReferenceBackend();

    /** The Vector API backend on 1, 2 and 3 threads (3 > cores: uneven partitions). */
    static final List<Backend> VECTOR = List.of(new VectorBackend(1), new VectorBackend(2), new VectorBackend(3));

    /** Odd sizes and tails around the vector width (16 or 8) and the gemm tiles (6 x 32). */
    static final int[][] SHAPES = {{1, 1}, {1, 17}, {17, 33}, {7, 16}, {33, 64}, {130, 257}, {64, 3}, {5, 1000}};

    private TestSupport() {
    }

    static Stream<Arguments> vectorBackends() {
        return VECTOR.stream().map(b -> Arguments.of(b.threads() + " threads", b));
    }

    static FloatMatrix random(MemoryScope s, int rows, int cols, Random rnd) {
        FloatMatrix m = s.floats(rows, cols);
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextGaussian();
        m.copyFrom(d);
        return m;
    }

    /** A random rows x cols matrix living inside a larger one (row stride cols + pad, column offset 1). */
    static FloatMatrix randomStrided(MemoryScope s, int rows, int cols, Random rnd) {
        FloatMatrix big = random(s, rows + 1, cols + 5, rnd);
        return big.view(1, 1, rows, cols);
    }

    static FloatMatrix abs(MemoryScope s, FloatMatrix m) {
        float[] d = m.toArray();
        for (int i = 0; i < d.length; i++) d[i] = Math.abs(d[i]);
        return s.floats(m.rows(), m.cols(), d);
    }

    /** |actual - expected| <= tol[i] elementwise (NaN must match NaN). */
    static void assertWithin(float[] expected, float[] actual, float[] tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i]) && Float.isNaN(actual[i])) continue;
            if (expected[i] == actual[i]) continue;
            if (!(Math.abs(expected[i] - actual[i]) <= tol[i])) {
                fail(what + ": element " + i + " expected " + expected[i] + " got " + actual[i] + " (tolerance " + tol[i] + ")");
            }
        }
    }

    /** |actual - expected| <= rel * max(|expected|, floor) elementwise. */
    static void assertRel(float[] expected, float[] actual, double rel, double floor, String what) {
        float[] tol = new float[expected.length];
        for (int i = 0; i < tol.length; i++) tol[i] = (float) (rel * Math.max(Math.abs(expected[i]), floor));
        assertWithin(expected, actual, tol, what);
    }

    static void assertRel(FloatMatrix expected, FloatMatrix actual, double rel, double floor, String what) {
        FloatMatrix.requireShape(actual, expected.rows(), expected.cols(), what);
        assertRel(expected.toArray(), actual.toArray(), rel, floor, what);
    }
}
