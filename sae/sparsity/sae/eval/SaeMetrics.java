package sparsity.sae.eval;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.model.SparseAutoencoder;
import sparsity.sae.train.Batches;

/**
 * Evaluation of an autoencoder on held-out rows (ALGORITHMS.md "Metrics"; SAELens evals.py):
 * FVU = sum |x - x_hat|^2 / sum |x - mean|^2, explained variance = 1 - FVU, mean cosine of x and
 * x_hat, L0, and per latent its density (fraction of rows where it is active: not 0), with dead (density
 * 0) and dense (&gt; 10% of rows) counts.
 */
public final class SaeMetrics {

    /** Latents firing on more than this share of rows are dense. */
    public static final double DENSE = 0.1;

    /**
     * @param density    per latent, fraction of rows where it is active
     * @param rows       rows evaluated
     */
    public record Result(long rows, double fvu, double explainedVariance, double cosine, double l0, double[] density,
                         int dead, int dense) {

        /** log10 of each latent's density; dead latents get -Infinity (shown apart in histograms). */
        public float[] log10Density() {
            float[] f = new float[density.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) Math.log10(density[i]);
            return f;
        }
    }

    private SaeMetrics() {
    }

    /** Evaluates {@code batches} batches of {@code batchSize} rows (batch indices 0, 1, ...). */
    public static Result evaluate(SparseAutoencoder sae, Batches data, int batchSize, long batches) throws java.io.IOException {
        return evaluateRows(sae, data, batchSize, batches * batchSize);
    }

    /**
     * Evaluates the first {@code count} rows of an epoch in batches of {@code batchSize}: the last,
     * partial batch is read whole (it runs into the next epoch's order) and only its first rows
     * count, so every row of a one-epoch pass is evaluated once.
     */
    public static Result evaluateRows(SparseAutoencoder sae, Batches data, int batchSize, long count) throws java.io.IOException {
        long batches = (count + batchSize - 1) / batchSize;
        int d = sae.params().inputDim();
        int n = sae.params().latents();
        int k = sae.codeWidth();
        double sse = 0;
        double sumSq = 0;
        double[] sum = new double[d];
        double cos = 0;
        long active = 0;
        long[] fires = new long[n];
        long rows = 0;
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(batchSize, d);
            FloatMatrix xh = s.floats(batchSize, d);
            IntMatrix idx = s.ints(batchSize, k);
            FloatMatrix z = s.floats(batchSize, k);
            for (long b = 0; b < batches; b++) {
                data.batch(b, x);
                sae.encodeAndReconstruct(x, idx, z, xh);
                int use = (int) Math.min(batchSize, count - b * batchSize);
                for (int r = 0; r < use; r++) {
                    double dot = 0;
                    double nx = 0;
                    double nh = 0;
                    for (int c = 0; c < d; c++) {
                        double xv = x.get(r, c);
                        double hv = xh.get(r, c);
                        sse += (xv - hv) * (xv - hv);
                        sumSq += xv * xv;
                        sum[c] += xv;
                        dot += xv * hv;
                        nx += xv * xv;
                        nh += hv * hv;
                    }
                    cos += nx == 0 || nh == 0 ? 0 : dot / Math.sqrt(nx * nh);
                    for (int j = 0; j < k; j++) {
                        if (z.get(r, j) != 0) {
                            active++;
                            fires[idx.get(r, j)]++;
                        }
                    }
                }
                rows += use;
            }
        }
        double meanSq = 0;
        for (int c = 0; c < d; c++) meanSq += (sum[c] / rows) * (sum[c] / rows);
        double total = sumSq - rows * meanSq;
        double fvu = total > 0 ? sse / total : Double.NaN;
        double[] density = new double[n];
        int dead = 0;
        int dense = 0;
        for (int i = 0; i < n; i++) {
            density[i] = (double) fires[i] / rows;
            if (fires[i] == 0) dead++;
            if (density[i] > DENSE) dense++;
        }
        return new Result(rows, fvu, 1 - fvu, cos / rows, (double) active / rows, density, dead, dense);
    }
}
