package sparsity.views.stats;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultXYDataset;
import sparsity.analysis.stats.ActivationSummary;
import sparsity.views.charts.Charts;
import sparsity.views.charts.Histogram;
import sparsity.views.export.FileNames;
import sparsity.views.export.ImageSource;
import sparsity.views.export.TableData;
import sparsity.views.report.ReportItem;

/**
 * The activation statistics of one tensor as charts, tables and report items, without JavaFX:
 * the view shows these charts, its "Export CSV..." writes these tables, and the headless CLI
 * report uses {@link #items}.
 */
public final class ActivationStatsReport {

    /** Colour of the second series (std) in the mean/std chart. */
    private static final java.awt.Color SECOND = new java.awt.Color(0xd9822b);

    private ActivationStatsReport() {
    }

    /** One outlier dimension: its RMS, that RMS over the median RMS, and its largest |a|. */
    public record OutlierRow(int dim, double rms, double timesMedian, double maxAbs) {
    }

    /** The outlier dimensions, largest RMS first. */
    public static List<OutlierRow> outliers(ActivationSummary s) {
        List<OutlierRow> out = new ArrayList<>();
        for (int d : s.outlierDims()) {
            out.add(new OutlierRow(d, s.rms()[d], s.medianRms() > 0 ? s.rms()[d] / s.medianRms() : Double.POSITIVE_INFINITY,
                    s.maxAbs()[d]));
        }
        return List.copyOf(out);
    }

    /** Histogram of the values over [min, max]. */
    public static JFreeChart histogram(ActivationSummary s, String tensor, boolean logY) {
        long[] h = s.histogram();
        double[] c = new double[h.length];
        for (int i = 0; i < h.length; i++) c[i] = h[i];
        return subtitled(Charts.histogram(new Histogram(s.min(), s.max(), c), "Values", "activation", logY), tensor);
    }

    /** Firing frequency of every neuron, most frequent first (rank on x). */
    public static JFreeChart firing(ActivationSummary s, String tensor) {
        double[] sorted = s.sortedFiringFrequency();
        DefaultXYDataset data = new DefaultXYDataset();
        data.addSeries("firing frequency", new double[][] {ranks(sorted.length), sorted});
        NumberAxis y = new NumberAxis("fraction of rows with |a| >= eps");
        y.setRange(0, 1.02);
        return subtitled(lines("Firing frequency per neuron, sorted (eps = " + eps(s) + ", " + s.neverActive()
                + " never active)", "neuron rank", y, data), tensor);
    }

    /** Mean and standard deviation of every dimension (dimension on x). */
    public static JFreeChart meanStd(ActivationSummary s, String tensor) {
        // a plain XY dataset (not an interval one), so the chart's CSV reads series, dimension, y
        DefaultXYDataset data = new DefaultXYDataset();
        data.addSeries("mean", new double[][] {ranks(s.dim()), s.mean().clone()});
        data.addSeries("std", new double[][] {ranks(s.dim()), s.std().clone()});
        NumberAxis y = new NumberAxis("value");
        y.setAutoRangeIncludesZero(true);
        return subtitled(lines("Mean and std per dimension", "dimension", y, data), tensor);
    }

    /** The tensor's name under the title, so an exported PNG says what it shows. */
    private static JFreeChart subtitled(JFreeChart chart, String tensor) {
        TextTitle sub = new TextTitle(tensor, new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        sub.setPaint(new java.awt.Color(0x555555));
        chart.addSubtitle(0, sub);
        return chart;
    }

    private static double[] ranks(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i;
        return x;
    }

    private static JFreeChart lines(String title, String xLabel, NumberAxis y, DefaultXYDataset data) {
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(true);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        XYPlot plot = new XYPlot(data, x, y, r);
        JFreeChart chart = Charts.themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, data.getSeriesCount() > 1));
        r.setSeriesPaint(0, Charts.BAR);
        r.setSeriesPaint(1, SECOND);
        r.setSeriesStroke(0, new BasicStroke(1.2f));
        r.setSeriesStroke(1, new BasicStroke(1.2f));
        return chart;
    }

    /** Rows, width, eps and the fractions, one fact per row. */
    public static TableData summaryTable(ActivationSummary s, String tensor) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("tensor", tensor));
        rows.add(List.of("rows", Long.toString(s.rows())));
        rows.add(List.of("dimensions", Integer.toString(s.dim())));
        rows.add(List.of("eps", eps(s)));
        rows.add(List.of("fraction exactly 0", num(s.zeroFraction())));
        rows.add(List.of("fraction |a| < eps", num(s.nearZeroFraction())));
        rows.add(List.of("never active neurons", Integer.toString(s.neverActive())));
        rows.add(List.of("min", num(s.min())));
        rows.add(List.of("max", num(s.max())));
        rows.add(List.of("median rms", num(s.medianRms())));
        rows.add(List.of("outlier factor", num(s.settings().outlierFactor())));
        rows.add(List.of("outlier dimensions", Integer.toString(s.outlierDims().length)));
        return new TableData("Activation statistics of " + tensor, List.of("statistic", "value"), rows);
    }

    public static TableData histogramTable(ActivationSummary s, String tensor) {
        List<List<String>> rows = new ArrayList<>();
        long[] h = s.histogram();
        for (int b = 0; b < h.length; b++) {
            double hi = b == h.length - 1 ? s.max() : s.binStart(b + 1);
            rows.add(List.of(num(s.binStart(b)), num(hi), Long.toString(h[b])));
        }
        return new TableData("Values of " + tensor, List.of("from", "to", "count"), rows);
    }

    /** Every neuron by firing frequency, most frequent first (ties by index). */
    public static TableData firingTable(ActivationSummary s, String tensor) {
        double[] f = s.firingFrequency();
        List<List<String>> rows = new ArrayList<>();
        int[] order = IntStream.range(0, f.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> -f[j]).thenComparingInt(j -> j))
                .mapToInt(Integer::intValue).toArray();
        for (int rank = 0; rank < order.length; rank++) {
            rows.add(List.of(Integer.toString(rank), Integer.toString(order[rank]), num(f[order[rank]])));
        }
        return new TableData("Firing frequency of " + tensor + " (eps = " + eps(s) + ")",
                List.of("rank", "neuron", "firing frequency"), rows);
    }

    /** Per dimension: mean, std, rms, max |a| and firing frequency. */
    public static TableData dimensionsTable(ActivationSummary s, String tensor) {
        List<List<String>> rows = new ArrayList<>();
        for (int j = 0; j < s.dim(); j++) {
            rows.add(List.of(Integer.toString(j), num(s.mean()[j]), num(s.std()[j]), num(s.rms()[j]),
                    num(s.maxAbs()[j]), num(s.firingFrequency()[j])));
        }
        return new TableData("Per-dimension statistics of " + tensor,
                List.of("dim", "mean", "std", "rms", "max |a|", "firing frequency"), rows);
    }

    public static TableData outliersTable(ActivationSummary s, String tensor) {
        List<List<String>> rows = new ArrayList<>();
        for (OutlierRow o : outliers(s)) {
            rows.add(List.of(Integer.toString(o.dim()), num(o.rms()), num(o.timesMedian()), num(o.maxAbs())));
        }
        return new TableData("Outlier dimensions of " + tensor + " (rms >= " + num(s.settings().outlierFactor())
                + " x median " + num(s.medianRms()) + ")", List.of("dim", "rms", "x median", "max |a|"), rows);
    }

    /**
     * The report items of one tensor, in view order: summary, value histogram (log counts),
     * firing frequency, mean/std per dimension, outlier dimensions. The caller's provenance
     * (model, data, capture) is kept, with the statistics settings added.
     */
    public static List<ReportItem> items(ActivationSummary s, String tensorName, Map<String, String> provenance) {
        String id = "stats-" + FileNames.safe(tensorName);
        String section = "Activations " + tensorName;
        Map<String, String> prov = new LinkedHashMap<>(provenance == null ? Map.of() : provenance);
        prov.put("tensor", tensorName);
        prov.put("rows x dim", s.rows() + " x " + s.dim());
        prov.put("statistics", "eps " + eps(s) + ", " + s.settings().bins() + " bins, outlier factor "
                + num(s.settings().outlierFactor()));
        JFreeChart hist = histogram(s, tensorName, true);
        JFreeChart fire = firing(s, tensorName);
        JFreeChart ms = meanStd(s, tensorName);
        return List.of(
                new ReportItem(id + "-summary", "Activation statistics of " + tensorName, section, prov, null,
                        summaryTable(s, tensorName)),
                new ReportItem(id + "-histogram", "Value histogram of " + tensorName, section, prov,
                        ImageSource.of(hist), histogramTable(s, tensorName)),
                new ReportItem(id + "-firing", "Firing frequency per neuron of " + tensorName, section, prov,
                        ImageSource.of(fire), firingTable(s, tensorName)),
                new ReportItem(id + "-mean-std", "Mean and std per dimension of " + tensorName, section, prov,
                        ImageSource.of(ms), dimensionsTable(s, tensorName)),
                new ReportItem(id + "-outliers", "Outlier dimensions of " + tensorName, section, prov, null,
                        outliersTable(s, tensorName)));
    }

    static String eps(ActivationSummary s) {
        return num(s.settings().eps());
    }

    /** A number as text: integers plain, others with up to 6 significant digits. */
    static String num(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String t = String.format(Locale.ROOT, "%.6g", v);
        if (t.contains("e")) return t.replaceAll("\\.?0+e", "e");
        return t.contains(".") ? t.replaceAll("0+$", "").replaceAll("\\.$", "") : t;
    }
}
