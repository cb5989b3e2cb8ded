package sparsity.views.attention;

import java.util.SplittableRandom;

/** Synthetic attention maps with known shapes (rows sum to 1). */
final class AtlasMaps {

    private AtlasMaps() {
    }

    static float[] diagonal(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) m[i * n + i] = 1;
        return m;
    }

    static float[] firstColumn(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) m[i * n] = 1;
        return m;
    }

    static float[] uniform(int n) {
        float[] m = new float[n * n];
        java.util.Arrays.fill(m, 1f / n);
        return m;
    }

    /** Each query on the token before it (the first on itself). */
    static float[] previousToken(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) m[i * n + Math.max(0, i - 1)] = 1;
        return m;
    }

    /** Causal softmax of random scores. */
    static float[] causalRandom(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j <= i; j++) sum += m[i * n + j] = (float) Math.exp(3 * rnd.nextDouble());
            for (int j = 0; j <= i; j++) m[i * n + j] /= (float) sum;
        }
        return m;
    }
}
