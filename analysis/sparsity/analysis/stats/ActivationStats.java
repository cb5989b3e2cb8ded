package sparsity.analysis.stats;

import java.io.IOException;
import java.util.Arrays;

import sparsity.analysis.ProgressListener;

/**
 * Statistics of one captured tensor, computed in two streaming passes over its rows (range, then
 * histogram), never holding the rows in memory. Definitions (ALGORITHMS.md, "Activation
 * sparsity"): a value is <em>zero</em> when it is exactly 0 and <em>near zero</em> when
 * |a| &lt; eps; neuron j <em>fires</em> on a row when |a_j| &gt;= eps (for eps = 0: a_j != 0);
 * a neuron that never fires on the data is <em>never active</em>; a dimension is an
 * <em>outlier</em> when its RMS is at least {@code outlierFactor} times the median RMS over
 * dimensions.
 */
public final class ActivationStats {

    /** Settings of a statistics run. */
    public record Settings(double eps, int bins, double outlierFactor) {
        public Settings {
            if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, was " + eps);
            if (bins < 1) throw new IllegalArgumentException("bins must be >= 1");
            if (!(outlierFactor > 0)) throw new IllegalArgumentException("outlier factor must be > 0");
        }

        public static Settings defaults() {
            return new Settings(1e-3, 100, 5.0);
        }
    }

    private ActivationStats() {
    }

    /**
     * Computes the statistics.
     *
     * @throws NonFiniteValueException on the first NaN or Inf, naming its row and column
     */
    public static ActivationSummary compute(RowSource src, Settings s, ProgressListener progress)
            throws IOException, InterruptedException {
        int d = src.dim();
        long total = src.rows();
        double[] sum = new double[d];
        double[] sumSq = new double[d];
        double[] maxAbsDim = new double[d];
        long[] fires = new long[d];
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        long[] zeros = {0};
        long[] nearZero = {0};
        long[] seen = {0};
        float eps = (float) s.eps();
        src.forEachBatch((data, rows) -> {
            for (int r = 0; r < rows; r++) {
                int base = r * d;
                for (int j = 0; j < d; j++) {
                    float v = data[base + j];
                    if (!Float.isFinite(v)) throw new NonFiniteValueException(seen[0] + r, j, v);
                    double a = Math.abs(v);
                    sum[j] += v;
                    sumSq[j] += (double) v * v;
                    if (a > maxAbsDim[j]) maxAbsDim[j] = a;
                    if (v == 0) zeros[0]++;
                    if (a < eps) nearZero[0]++;
                    if (eps == 0 ? v != 0 : a >= eps) fires[j]++;
                    if (v < range[0]) range[0] = v;
                    if (v > range[1]) range[1] = v;
                }
            }
            seen[0] += rows;
            progress.update(total == 0 ? 1 : 0.5 * seen[0] / total, "Statistics: pass 1, " + seen[0] + " rows");
            if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
        });
        long n = seen[0];
        double lo = n == 0 ? 0 : range[0];
        double hi = n == 0 ? 0 : range[1];
        long[] hist = new long[s.bins()];
        double width = hi > lo ? (hi - lo) / s.bins() : 1;
        long[] seen2 = {0};
        if (n > 0) {
            src.forEachBatch((data, rows) -> {
                int m = rows * d;
                for (int i = 0; i < m; i++) {
                    int b = (int) ((data[i] - lo) / width);
                    hist[Math.max(0, Math.min(s.bins() - 1, b))]++;
                }
                seen2[0] += rows;
                progress.update(0.5 + 0.5 * seen2[0] / n, "Statistics: pass 2, " + seen2[0] + " rows");
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
            });
        }
        double[] mean = new double[d];
        double[] std = new double[d];
        double[] rms = new double[d];
        double[] freq = new double[d];
        int never = 0;
        for (int j = 0; j < d; j++) {
            mean[j] = n == 0 ? 0 : sum[j] / n;
            double var = n == 0 ? 0 : Math.max(0, sumSq[j] / n - mean[j] * mean[j]);
            std[j] = Math.sqrt(var);
            rms[j] = n == 0 ? 0 : Math.sqrt(sumSq[j] / n);
            freq[j] = n == 0 ? 0 : (double) fires[j] / n;
            if (fires[j] == 0) never++;
        }
        double[] sorted = rms.clone();
        Arrays.sort(sorted);
        double median = d == 0 ? 0 : d % 2 == 1 ? sorted[d / 2] : 0.5 * (sorted[d / 2 - 1] + sorted[d / 2]);
        int[] outliers = java.util.stream.IntStream.range(0, d)
                .filter(j -> rms[j] > 0 && rms[j] >= s.outlierFactor() * median)
                .boxed().sorted((a, b) -> Double.compare(rms[b], rms[a])).mapToInt(Integer::intValue).toArray();
        long values = n * d;
        progress.update(1, "Statistics done");
        return new ActivationSummary(n, d, s, lo, hi, hist,
                values == 0 ? 0 : (double) zeros[0] / values, values == 0 ? 0 : (double) nearZero[0] / values,
                freq, never, mean, std, maxAbsDim, rms, median, outliers);
    }

    /** A NaN or Inf in the data. */
    public static final class NonFiniteValueException extends RuntimeException {
        private final long row;
        private final int column;

        NonFiniteValueException(long row, int column, float value) {
            super("value " + value + " at row " + row + ", dimension " + column);
            this.row = row;
            this.column = column;
        }

        public long row() {
            return row;
        }

        public int column() {
            return column;
        }
    }
}
