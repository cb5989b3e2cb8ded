package sparsity.views.sae;

import java.util.Locale;

import org.jfree.chart.JFreeChart;
import sparsity.sae.features.LatentAtlas;
import sparsity.views.charts.Charts;
import sparsity.views.charts.Histogram;

/** The latent browser's charts as JFreeChart objects (no JavaFX), for the views, exports and reports. */
public final class SaeCharts {

    /** Bins of the log10 density histogram. */
    public static final int DENSITY_BINS = 50;

    private SaeCharts() {
    }

    /** A latent's nonzero activations in equal bins over [0, max]. */
    public static JFreeChart activationHistogram(LatentAtlas a, int latent, boolean logY) {
        LatentAtlas.ValueHistogram h = a.histogram(latent);
        long[] c = h.counts();
        double[] d = new double[c.length];
        for (int i = 0; i < c.length; i++) d[i] = c[i];
        LatentAtlas.LatentSummary s = a.summary(latent);
        return integerCounts(Charts.histogram(new Histogram(h.lower(), h.upper(), d),
                String.format(Locale.ROOT, "Latent %d: %,d nonzero activation%s", latent, s.fires(), s.fires() == 1 ? "" : "s"), "activation", logY));
    }

    /** log10 density of every latent that fired (dead latents are counted in the title). */
    public static JFreeChart densityHistogram(LatentAtlas a) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double[] d = a.densities();
        for (double x : d) {
            if (x > 0) {
                lo = Math.min(lo, Math.log10(x));
                hi = Math.max(hi, Math.log10(x));
            }
        }
        double[] counts = new double[DENSITY_BINS];
        if (lo == Double.POSITIVE_INFINITY) {
            lo = -1;
            hi = 0;
        } else {
            lo = Math.floor(lo * 2) / 2;
            hi = Math.max(lo + 0.5, Math.ceil(hi * 2) / 2);
            for (double x : d) {
                if (x <= 0) continue;
                int b = (int) ((Math.log10(x) - lo) / (hi - lo) * DENSITY_BINS);
                counts[Math.max(0, Math.min(DENSITY_BINS - 1, b))]++;
            }
        }
        return integerCounts(Charts.histogram(new Histogram(lo, hi, counts),
                String.format(Locale.ROOT, "log10 density of %,d latents", a.latents()),
                a.dead() == 0 ? "log10 density" : String.format(Locale.ROOT, "log10 density (%,d dead not shown)", a.dead()), false));
    }

    /** Whole-number ticks on a linear count axis (small counts otherwise get repeated labels). */
    private static JFreeChart integerCounts(JFreeChart chart) {
        if (chart.getPlot() instanceof org.jfree.chart.plot.XYPlot p && p.getRangeAxis() instanceof org.jfree.chart.axis.NumberAxis y
                && !(p.getRangeAxis() instanceof org.jfree.chart.axis.LogAxis)) {
            y.setStandardTickUnits(org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        }
        return chart;
    }
}
