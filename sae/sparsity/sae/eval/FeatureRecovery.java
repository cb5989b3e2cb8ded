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
        double[] dn = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) s += (double) decoder[i * d + c] * decoder[i * d + c];
            dn[i] = Math.sqrt(s);
        }
        double total = 0;
        for (int j = 0; j < m; j++) {
            double fn = 0;
            for (int c = 0; c < d; c++) fn += (double) features[j * d + c] * features[j * d + c];
            fn = Math.sqrt(fn);
            double best = -1;
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += (double) features[j * d + c] * decoder[i * d + c];
                double cos = dn[i] == 0 || fn == 0 ? 0 : dot / (dn[i] * fn);
                if (cos > best) best = cos;
            }
            total += best;
        }
        return total / m;
    }
}
