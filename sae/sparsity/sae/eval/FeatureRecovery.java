package sparsity.sae.eval;

/**
 * How well an autoencoder's decoder recovers known features (synthetic data): for each true
 * feature, the largest cosine to any decoder column; averaged over features ("mean max cosine
 * similarity", ALGORITHMS.md).
 */
public final class FeatureRecovery {

    private FeatureRecovery() {
    }

    /**
     * @param features true features, m x d row-major
     * @param decoder  decoder columns as rows, n x d row-major
     */
    public static double meanMaxCosine(float[] features, int m, float[] decoder, int n, int d) {
        double total = 0;
        for (double c : maxCosines(features, m, decoder, n, d)) total += c;
        return total / m;
    }

    /** For each true feature (rows of {@code features}), its largest cosine to any decoder column. */
    public static double[] maxCosines(float[] features, int m, float[] decoder, int n, int d) {
        if ((long) m * d != features.length || (long) n * d != decoder.length) {
            throw new IllegalArgumentException("features must be m x d and the decoder n x d, with d = " + d);
        }
        double[] dn = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) s += (double) decoder[i * d + c] * decoder[i * d + c];
            dn[i] = Math.sqrt(s);
        }
        double[] best = new double[m];
        for (int j = 0; j < m; j++) {
            double fn = 0;
            for (int c = 0; c < d; c++) fn += (double) features[j * d + c] * features[j * d + c];
            fn = Math.sqrt(fn);
            double b = -1;
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += (double) features[j * d + c] * decoder[i * d + c];
                double cos = dn[i] == 0 || fn == 0 ? 0 : dot / (dn[i] * fn);
                if (cos > b) b = cos;
            }
            best[j] = b;
        }
        return best;
    }
}
