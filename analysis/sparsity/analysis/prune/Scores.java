package sparsity.analysis.prune;

import java.util.Arrays;
import java.util.Random;

/**
 * Importance scores of the weights of one layer (ALGORITHMS.md, "Pruning masks"); a higher
 * score means more important (kept longer). Weights are seen as {@code [out, in]}: row o holds
 * the weights that feed output o, column i the weights that read input feature i.
 */
public final class Scores {

    private Scores() {
    }

    /** Magnitude: |w|. */
    public static float[] magnitude(float[] w) {
        float[] s = new float[w.length];
        for (int i = 0; i < w.length; i++) s[i] = Math.abs(w[i]);
        return s;
    }

    /** Random scores, a baseline (Liu et al. 2022); the same seed gives the same scores. */
    public static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = r.nextFloat();
        return s;
    }

    /**
     * LAMP (Lee et al. 2021): sort the layer's weights by |w| ascending (index u);
     * score(u) = w_u^2 / sum_{v &gt;= u} w_v^2. Equal magnitudes keep their order of index.
     * Scores are comparable across layers (the largest weight of every layer scores 1), so
     * LAMP prunes globally.
     */
    public static float[] lamp(float[] w) {
        int n = w.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int c = Float.compare(Math.abs(w[a]), Math.abs(w[b]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        float[] s = new float[n];
        double tail = 0;
        for (int u = n - 1; u >= 0; u--) {
            double sq = (double) w[order[u]] * w[order[u]];
            tail += sq;
            s[order[u]] = tail == 0 ? 0 : (float) (sq / tail);
        }
        return s;
    }

    /**
     * Wanda (Sun et al. 2023): S_oi = |W_oi| * ||X_i||_2, with {@code inputNorms[i]} the L2 norm
     * of input feature i over the calibration tokens.
     */
    public static float[] wanda(float[] w, int out, int in, float[] inputNorms) {
        if (inputNorms.length != in) {
            throw new IllegalArgumentException("need " + in + " input norms, got " + inputNorms.length);
        }
        float[] s = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) s[o * in + i] = Math.abs(w[o * in + i]) * inputNorms[i];
        }
        return s;
    }

    /** L2 norm of each input feature over calibration rows {@code x[tokens, in]}. */
    public static float[] inputNorms(float[] x, int tokens, int in) {
        double[] acc = new double[in];
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < in; i++) {
                double v = x[t * in + i];
                acc[i] += v * v;
            }
        }
        float[] n = new float[in];
        for (int i = 0; i < in; i++) n[i] = (float) Math.sqrt(acc[i]);
        return n;
    }
}
