package sparsity.analysis.stats;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import sparsity.analysis.ProgressListener;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActivationStatsTest {

    private static ActivationSummary run(float[] data, int dim, ActivationStats.Settings s, int batch) throws Exception {
        return ActivationStats.compute(RowSource.of(data, dim, batch), s, ProgressListener.NONE);
    }

    @Test
    void handComputedMatrix() throws Exception {
        // 4 rows x 3 neurons; neuron 2 never fires, neuron 0 fires on 2 rows
        float[] x = {
                0f, 1f, 0f,
                2f, 0.0005f, 0f,
                0f, 3f, 0f,
                -2f, 1f, 0f};
        ActivationSummary s = run(x, 3, new ActivationStats.Settings(1e-3, 4, 5.0), 3);
        assertEquals(4, s.rows());
        assertEquals(6.0 / 12, s.zeroFraction(), 1e-12);
        assertEquals(7.0 / 12, s.nearZeroFraction(), 1e-12, "0.0005 is below eps");
        assertArrayEquals(new double[] {0.5, 0.75, 0}, s.firingFrequency(), 1e-12);
        assertEquals(1, s.neverActive());
        assertArrayEquals(new double[] {0, (1 + 0.0005 + 3 + 1) / 4.0, 0}, s.mean(), 1e-6);
        assertEquals(Math.sqrt(2.0), s.std()[0], 1e-9, "population std of 0,2,0,-2");
        assertEquals(-2, s.min());
        assertEquals(3, s.max());
        // bins over [-2, 3] width 1.25: [-2,-0.75) [-0.75,0.5) [0.5,1.75) [1.75,3]
        assertArrayEquals(new long[] {1, 7, 2, 2}, s.histogram());
        assertEquals(12, Arrays.stream(s.histogram()).sum());
        assertArrayEquals(new double[] {0.75, 0.5, 0}, s.sortedFiringFrequency(), 1e-12);
    }

    @Test
    void outlierDimensionsStandOutFromTheMedian() throws Exception {
        Random rnd = new Random(1);
        int d = 16;
        float[] x = new float[1000 * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int r = 0; r < 1000; r++) {
            x[r * d + 5] *= 20;
            x[r * d + 11] *= 8;
        }
        ActivationSummary s = run(x, d, ActivationStats.Settings.defaults(), 64);
        assertArrayEquals(new int[] {5, 11}, s.outlierDims());
        assertEquals(1.0, s.medianRms(), 0.1);
    }

    @Test
    void batchingDoesNotChangeTheResult() throws Exception {
        Random rnd = new Random(2);
        float[] x = new float[257 * 7];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() < 0.6 ? 0 : (float) rnd.nextGaussian();
        ActivationSummary a = run(x, 7, ActivationStats.Settings.defaults(), 1);
        ActivationSummary b = run(x, 7, ActivationStats.Settings.defaults(), 100);
        assertArrayEquals(a.histogram(), b.histogram());
        assertArrayEquals(a.firingFrequency(), b.firingFrequency(), 0);
        assertEquals(a.zeroFraction(), b.zeroFraction(), 0);
    }

    @Test
    void nanIsReportedWithItsRowAndDimension() {
        float[] x = {1, 2, 3, 4, Float.NaN, 6};
        ActivationStats.NonFiniteValueException e = assertThrows(ActivationStats.NonFiniteValueException.class,
                () -> run(x, 3, ActivationStats.Settings.defaults(), 1));
        assertEquals(1, e.row());
        assertEquals(1, e.column());
    }
}
