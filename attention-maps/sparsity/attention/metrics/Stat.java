package sparsity.attention.metrics;

/**
 * A metric averaged over query rows (and examples), with its spread.
 *
 * @param mean mean over the rows
 * @param std  population standard deviation over the rows
 * @param n    rows counted
 */
public record Stat(double mean, double std, long n) {

    public static final Stat NONE = new Stat(Double.NaN, Double.NaN, 0);

    /** Welford accumulator. */
    static final class Acc {
        private long n;
        private double mean;
        private double m2;

        void add(double x) {
            n++;
            double d = x - mean;
            mean += d / n;
            m2 += d * (x - mean);
        }

        Stat stat() {
            return n == 0 ? NONE : new Stat(mean, Math.sqrt(m2 / n), n);
        }
    }
}
