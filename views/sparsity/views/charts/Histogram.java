package sparsity.views.charts;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import sparsity.analysis.onnx.ParameterStats;

/**
 * Counts in equal bins over [lower, upper]. Built from the per-parameter histograms of
 * {@link ParameterStats} (never from raw weights), so it is cheap on any thread.
 *
 * @param lower  left edge of the first bin
 * @param upper  right edge of the last bin
 * @param counts count per bin (fractional where bins were re-binned)
 */
public record Histogram(double lower, double upper, double[] counts) {

    /** Element types whose magnitudes the whole-model histogram adds up. */
    public static final Set<String> FLOAT_TYPES = Set.of("float", "float16", "bfloat16", "double");

    public Histogram {
        if (counts.length == 0) throw new IllegalArgumentException("a histogram needs at least one bin");
        if (!(upper >= lower)) throw new IllegalArgumentException("bad range [" + lower + ", " + upper + "]");
        counts = counts.clone();
    }

    public int bins() {
        return counts.length;
    }

    public double binWidth() {
        return (upper - lower) / counts.length;
    }

    public double binStart(int i) {
        return lower + i * binWidth();
    }

    public double binEnd(int i) {
        return i == counts.length - 1 ? upper : lower + (i + 1) * binWidth();
    }

    public double total() {
        double t = 0;
        for (double c : counts) t += c;
        return t;
    }

    @Override
    public double[] counts() {
        return counts.clone();
    }

    /** The |w| histogram of one parameter over [0, maxAbs]. */
    public static Histogram of(ParameterStats p) {
        double[] c = new double[p.histogram().length];
        for (int i = 0; i < c.length; i++) c[i] = p.histogram()[i];
        double max = Double.isFinite(p.maxAbs()) ? p.maxAbs() : 0;
        return new Histogram(0, max, c);
    }

    /**
     * True for the tensors the whole-model histogram adds up: float initializers with finite
     * statistics. Values of Constant nodes are left out: they are graph constants (attention
     * mask fill values such as -3.4e38, scales, shapes), not learned weights, and one of them
     * would stretch the common range so that every weight fell into the first bin.
     */
    public static boolean isFloatWeight(ParameterStats p) {
        return !p.fromConstantNode() && FLOAT_TYPES.contains(p.elementType().toLowerCase(Locale.ROOT))
                && Double.isFinite(p.maxAbs()) && p.histogram() != null && p.histogram().length > 0;
    }

    /**
     * The |w| histogram of every float weight ({@link #isFloatWeight}) together, over [0, largest maxAbs] in
     * {@code bins} bins. Each parameter's bins are spread over the common bins in proportion to
     * their overlap (values taken as uniform inside a bin), so the total count is kept exactly.
     */
    public static Histogram aggregate(List<ParameterStats> params, int bins) {
        if (bins <= 0) throw new IllegalArgumentException("bins must be positive");
        double max = 0;
        for (ParameterStats p : params) if (isFloatWeight(p)) max = Math.max(max, p.maxAbs());
        double[] out = new double[bins];
        for (ParameterStats p : params) {
            if (!isFloatWeight(p)) continue;
            long[] h = p.histogram();
            if (p.maxAbs() == 0 || max == 0) {
                for (long c : h) out[0] += c;
                continue;
            }
            double w = p.maxAbs() / h.length;
            for (int i = 0; i < h.length; i++) {
                if (h[i] != 0) spread(out, max, i * w, (i + 1) * w, h[i]);
            }
        }
        return new Histogram(0, max, out);
    }

    private static void spread(double[] out, double max, double from, double to, double count) {
        int n = out.length;
        double bw = max / n;
        int first = Math.min(n - 1, (int) Math.floor(from / bw));
        int last = Math.min(n - 1, (int) Math.floor(to / bw));
        if (last > first && to <= last * bw) last--; // 'to' falls exactly on a bin edge
        if (first == last) {
            out[first] += count;
            return;
        }
        double width = to - from;
        for (int b = first; b <= last; b++) {
            double lo = Math.max(from, b * bw);
            double hi = b == n - 1 ? to : Math.min(to, (b + 1) * bw);
            if (hi > lo) out[b] += count * (hi - lo) / width;
        }
    }
}
