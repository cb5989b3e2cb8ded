package sparsity.views.stats;

import java.util.SplittableRandom;

/**
 * A small tensor with known structure, 1,000 rows x 8 dimensions: dim 0 always 0 (never active),
 * dim 1 ReLU'd (about half exact zeros), dim 2 always 5e-4 (near zero at eps 1e-3, active at
 * 1e-4), dims 3-6 standard normal, dim 7 normal x 50 (the outlier).
 */
final class StatsData {

    static final int ROWS = 1000;
    static final int DIM = 8;

    private StatsData() {
    }

    static float[] make() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] d = new float[ROWS * DIM];
        for (int r = 0; r < ROWS; r++) {
            int b = r * DIM;
            d[b + 1] = (float) Math.max(0, Math.sin(r * 0.7));
            d[b + 2] = 5e-4f;
            for (int j = 3; j < 7; j++) d[b + j] = (float) gauss(rnd);
            d[b + 7] = (float) (50 * gauss(rnd));
        }
        return d;
    }

    static double gauss(SplittableRandom rnd) {
        double u = Math.max(1e-12, rnd.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** Fraction of values with |a| < eps, counted directly. */
    static double below(float[] d, double eps) {
        long n = 0;
        for (float v : d) if (Math.abs(v) < (float) eps) n++;
        return (double) n / d.length;
    }

    static double zeros(float[] d) {
        long n = 0;
        for (float v : d) if (v == 0) n++;
        return (double) n / d.length;
    }
}
