package sparsity.analysis.stats;

/**
 * What {@link ActivationStats#compute} found for one tensor.
 *
 * @param rows             rows seen
 * @param dim              row width (neurons / dimensions)
 * @param settings         eps, bins and outlier factor used
 * @param min              smallest value
 * @param max              largest value
 * @param histogram        counts of values in {@code settings.bins()} equal bins over [min, max]
 * @param zeroFraction     fraction of values exactly 0
 * @param nearZeroFraction fraction of values with |a| &lt; eps
 * @param firingFrequency  per neuron, fraction of rows where it fires (|a| &gt;= eps)
 * @param neverActive      number of neurons that never fire
 * @param mean             per dimension mean
 * @param std              per dimension standard deviation (population)
 * @param maxAbs           per dimension largest |a|
 * @param rms              per dimension root mean square
 * @param medianRms        median of {@code rms}
 * @param outlierDims      dimensions with rms &gt;= factor x median, largest first
 */
public record ActivationSummary(long rows, int dim, ActivationStats.Settings settings, double min, double max,
                                long[] histogram, double zeroFraction, double nearZeroFraction,
                                double[] firingFrequency, int neverActive, double[] mean, double[] std,
                                double[] maxAbs, double[] rms, double medianRms, int[] outlierDims) {

    /** Lower edge of histogram bin {@code b}. */
    public double binStart(int b) {
        return min + (max - min) * b / histogram.length;
    }

    /** Firing frequencies sorted from most to least frequent (the "sorted plot"). */
    public double[] sortedFiringFrequency() {
        double[] f = firingFrequency.clone();
        java.util.Arrays.sort(f);
        for (int i = 0, j = f.length - 1; i < j; i++, j--) {
            double t = f[i];
            f[i] = f[j];
            f[j] = t;
        }
        return f;
    }
}
