package sparsity.attention.metrics;

/**
 * One head's attention map for one example: {@code queries x keys}, row-major, rows summing to 1
 * over their valid keys. Row {@code i} uses keys {@code [0, validKeys[i])}: {@code i + 1} for a
 * causal head, the example's length for a padded encoder row.
 *
 * @param p         the probabilities, {@code p[i * keys + j]}
 * @param queries   number of query rows
 * @param keys      number of key columns
 * @param validKeys per row, how many leading keys it attends over
 */
public record AttentionMap(float[] p, int queries, int keys, int[] validKeys) {

    public AttentionMap {
        if ((long) queries * keys != p.length) {
            throw new IllegalArgumentException("map is " + p.length + " values, not " + queries + " x " + keys);
        }
        if (validKeys.length != queries) throw new IllegalArgumentException("validKeys needs one entry per query row");
        for (int v : validKeys) {
            if (v < 1 || v > keys) throw new IllegalArgumentException("valid keys per row must be in [1, " + keys + "]");
        }
    }

    /** A map where every row attends over all keys (an encoder without padding). */
    public static AttentionMap full(float[] p, int queries, int keys) {
        int[] v = new int[queries];
        java.util.Arrays.fill(v, keys);
        return new AttentionMap(p, queries, keys, v);
    }

    /** A causal map: row i attends over keys 0..i. */
    public static AttentionMap causal(float[] p, int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = i + 1;
        return new AttentionMap(p, n, n, v);
    }

    /** An encoder map of an example of {@code length} real tokens padded to {@code keys}: only the first {@code length} rows count. */
    public static AttentionMap padded(float[] p, int keys, int length) {
        float[] q = new float[length * keys];
        System.arraycopy(p, 0, q, 0, length * keys);
        int[] v = new int[length];
        java.util.Arrays.fill(v, length);
        return new AttentionMap(q, length, keys, v);
    }

    public float at(int i, int j) {
        return p[i * keys + j];
    }
}
