package sparsity.views.prune;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import sparsity.views.charts.Charts;
import sparsity.views.heatmap.Colormap;

/**
 * The pruning charts as JFreeChart objects, without JavaFX, for PNGs written headless (the
 * {@code prune sweep} command) and for any view that wants the same picture: metric-vs-sparsity
 * curves with the dense baseline, the layer-sensitivity heatmap with layer names, the TEAL curve.
 */
public final class PruneCharts {

    /** Line colours by method order (the curve view's palette). */
    public static final Color[] PALETTE = {new Color(0x3b6ea8), new Color(0xd0603a), new Color(0x3a9a5b), new Color(0x8a4fb0),
            new Color(0xc9a227), new Color(0x2a9fb5), new Color(0xb0406e), new Color(0x6b6b6b)};

    private PruneCharts() {
    }

    /**
     * Curves, one line with points per series, x in percent. A series named "METHOD VARIANT"
     * (an N:M point) takes the colour of METHOD.
     *
     * @param series   name to points {@code {x percent, y}}, in drawing order
     * @param baseline the dense model's value (dashed line), or NaN
     */
    public static JFreeChart curves(String title, String xLabel, String yLabel, Map<String, List<double[]>> series, double baseline) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), true, true);
            for (double[] p : e.getValue()) s.addOrUpdate(p[0], p[1]);
            data.addSeries(s);
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setRange(0, 100);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        XYPlot plot = new XYPlot(data, x, y, r);
        JFreeChart chart = Charts.themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        // a variant ("wanda 2:4") takes the colour of its method ("wanda"), with its own marker
        List<String> bases = new java.util.ArrayList<>();
        for (String name : series.keySet()) {
            String base = name.split(" ", 2)[0];
            if (!bases.contains(base)) bases.add(base);
        }
        int k = 0;
        for (String name : series.keySet()) {
            r.setSeriesPaint(k, PALETTE[bases.indexOf(name.split(" ", 2)[0]) % PALETTE.length]);
            r.setSeriesStroke(k, new BasicStroke(2f));
            k++;
        }
        if (!Double.isNaN(baseline)) {
            ValueMarker m = new ValueMarker(baseline, new Color(0x444444), new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                    10f, new float[] {6f, 4f}, 0f));
            m.setLabel(String.format(Locale.ROOT, "dense %.4f", baseline));
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            plot.addRangeMarker(m);
            // keep the baseline inside the range
            double lo = Math.min(baseline, data.getSeriesCount() == 0 ? baseline : data.getRangeLowerBound(false));
            double hi = Math.max(baseline, data.getSeriesCount() == 0 ? baseline : data.getRangeUpperBound(false));
            double pad = Math.max(1e-6, (hi - lo) * 0.05);
            y.setRange(lo - pad, hi + pad);
        }
        return chart;
    }

    /**
     * The sensitivity heatmap: one row per layer (top to bottom in the given order), one column per
     * level, each cell coloured by the metric drop (viridis, brighter is worse) and labelled with it
     * when there are few cells.
     *
     * @param drop row-major {@code [layers x levels]}
     */
    public static JFreeChart sensitivity(String title, List<String> layers, List<Double> levels, float[] drop, String metric) {
        int nl = layers.size();
        int nc = levels.size();
        if (drop.length != nl * nc) throw new IllegalArgumentException(drop.length + " drops for " + nl + " x " + nc + " cells");
        double[][] xyz = new double[3][nl * nc];
        double min = 0;
        double max = 0;
        for (int i = 0; i < nl; i++) {
            for (int j = 0; j < nc; j++) {
                int k = i * nc + j;
                xyz[0][k] = j;
                xyz[1][k] = nl - 1 - i;
                xyz[2][k] = drop[k];
                if (Float.isFinite(drop[k])) {
                    min = Math.min(min, drop[k]);
                    max = Math.max(max, drop[k]);
                }
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("drop", xyz);
        String[] cols = levels.stream().map(l -> String.format(Locale.ROOT, "%s%%", trim(100 * l))).toArray(String[]::new);
        String[] rows = new String[nl];
        for (int i = 0; i < nl; i++) rows[nl - 1 - i] = shortName(layers.get(i));
        SymbolAxis x = new SymbolAxis("sparsity of the one pruned layer", cols);
        SymbolAxis y = new SymbolAxis("layer", rows);
        y.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, nl > 24 ? 9 : 11));
        XYBlockRenderer r = new XYBlockRenderer();
        Scale scale = new Scale(min, max > min ? max : min + 1e-9);
        r.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = Charts.themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false));
        NumberAxis legendAxis = new NumberAxis("drop in " + metric);
        legendAxis.setRange(scale.getLowerBound(), scale.getUpperBound());
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 8, 4, 4);
        legend.setStripWidth(14);
        chart.addSubtitle(legend);
        if (nl * nc <= 400) {
            Font f = new Font(Font.SANS_SERIF, Font.PLAIN, nl > 24 ? 8 : 10);
            for (int k = 0; k < nl * nc; k++) {
                XYTextAnnotation a = new XYTextAnnotation(cell(xyz[2][k]), xyz[0][k], xyz[1][k]);
                a.setFont(f);
                a.setPaint(scale.t(xyz[2][k]) > 0.6 ? Color.BLACK : Color.WHITE);
                plot.addAnnotation(a);
            }
        }
        return chart;
    }

    private static String cell(double v) {
        if (Double.isNaN(v)) return "NaN";
        double a = Math.abs(v);
        return a == 0 ? "0" : a >= 0.1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    /** A weight name short enough for an axis. */
    public static String shortName(String weight) {
        String s = weight.replaceFirst("^onnx::", "").replaceFirst("^/", "");
        return s.length() > 40 ? "\u2026" + s.substring(s.length() - 39) : s;
    }

    /** Viridis over [lower, upper]. */
    private static final class Scale implements PaintScale, java.io.Serializable {
        private final double lower;
        private final double upper;

        Scale(double lower, double upper) {
            this.lower = lower;
            this.upper = upper;
        }

        double t(double v) {
            return Math.max(0, Math.min(1, (v - lower) / (upper - lower)));
        }

        @Override
        public double getLowerBound() {
            return lower;
        }

        @Override
        public double getUpperBound() {
            return upper;
        }

        @Override
        public Paint getPaint(double v) {
            if (Double.isNaN(v)) return new Color(Colormap.NO_DATA, true);
            return new Color(Colormap.VIRIDIS.argb(t(v)), true);
        }
    }
}
