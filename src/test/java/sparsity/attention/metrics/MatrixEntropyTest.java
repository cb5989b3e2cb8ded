package sparsity.attention.metrics;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MatrixEntropyTest {

    @Test
    void rankOneMatrixHasZeroEntropy() {
        float[] x = new float[20 * 4];
        for (int r = 0; r < 20; r++) for (int c = 0; c < 4; c++) x[r * 4 + c] = (r - 7) * (c + 1);
        assertEquals(0, MatrixEntropy.of(x, 20, 4), 1e-9);
    }

    @Test
    void isotropicMatrixHasMaximalEntropy() {
        int d = 5;
        float[] x = new float[2 * d * d];
        for (int i = 0; i < d; i++) {
            x[(2 * i) * d + i] = 1;
            x[(2 * i + 1) * d + i] = -1;
        }
        assertEquals(Math.log(d), MatrixEntropy.of(x, 2 * d, d), 1e-6);
    }

    @Test
    void spectrumMatchesKnownVariances() {
        // independent columns with variances 9, 4, 1 -> normalized spectrum 9/14, 4/14, 1/14
        Random rnd = new Random(5);
        int rows = 200_000;
        float[] x = new float[rows * 3];
        for (int r = 0; r < rows; r++) {
            x[r * 3] = (float) (3 * rnd.nextGaussian());
            x[r * 3 + 1] = (float) (2 * rnd.nextGaussian());
            x[r * 3 + 2] = (float) rnd.nextGaussian();
        }
        double[] s = MatrixEntropy.spectrum(x, rows, 3);
        Arrays.sort(s);
        assertArrayEquals(new double[] {1 / 14.0, 4 / 14.0, 9 / 14.0}, s, 0.01);
    }

    @Test
    void jacobiFindsEigenvaluesOfASymmetricMatrix() {
        double[][] a = {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}};
        double[] e = MatrixEntropy.jacobiEigenvalues(a);
        Arrays.sort(e);
        assertArrayEquals(new double[] {1, 3, 5}, e, 1e-12);
    }
}
