package sparsity.views.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultIntervalXYDataset;
import org.jfree.data.xy.IntervalXYDataset;
import org.jfree.data.xy.XYDataset;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.views.export.TableData;

/**
 * The workbench's charts as JFreeChart objects, free of JavaFX: the GUI shows them in a
 * ChartViewer and the headless report draws them into PNGs. One theme for all of them.
 */
public final class Charts {

    /** Bar colour of every chart. */
    public static final Color BAR = new Color(0x3b6ea8);
    private static final Color GRID = new Color(0xd9d9d9);
    private static final StandardChartTheme THEME = theme();

    private Charts() {
    }

    private static StandardChartTheme theme() {
        StandardChartTheme t = new StandardChartTheme("Workbench");
        t.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        t.setLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        t.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        t.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        t.setChartBackgroundPaint(Color.WHITE);
        t.setPlotBackgroundPaint(Color.WHITE);
        t.setPlotOutlinePaint(GRID);
        t.setDomainGridlinePaint(GRID);
        t.setRangeGridlinePaint(GRID);
        t.setAxisLabelPaint(new Color(0x333333));
        t.setTickLabelPaint(new Color(0x333333));
        t.setTitlePaint(new Color(0x222222));
        t.setBarPainter(new StandardBarPainter());
        t.setXYBarPainter(new StandardXYBarPainter());
        t.setShadowVisible(false);
        t.setAxisOffset(RectangleInsets.ZERO_INSETS);
        return t;
    }

    /** Applies the workbench theme (fonts, white background, flat bars) to any chart. */
    public static JFreeChart themed(JFreeChart chart) {
        THEME.apply(chart);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        return chart;
    }

    /** Horizontal bars: number of nodes per op type, in the order given (most frequent first). */
    public static JFreeChart opCounts(Map<String, Integer> opCounts, String title) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        opCounts.forEach((op, n) -> data.addValue(n, "nodes", op));
        CategoryAxis x = new CategoryAxis("op type");
        NumberAxis y = new NumberAxis("nodes");
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        BarRenderer r = new BarRenderer();
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        JFreeChart chart = themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false));
        r.setSeriesPaint(0, BAR);
        r.setItemMargin(0);
        r.setMaximumBarWidth(0.08);
        x.setCategoryMargin(0.15);
        return chart;
    }

    /** The |w| histogram of one parameter, from its statistics; {@code logY} draws counts on a log axis. */
    public static JFreeChart parameterHistogram(ParameterStats p, boolean logY) {
        return histogram(Histogram.of(p), "|w| of " + p.name(), "|w|", logY);
    }

    /**
     * The |w| histogram of every float weight of a model together ({@link Histogram#isFloatWeight}),
     * re-binned on one range from the per-parameter histograms.
     */
    public static JFreeChart modelHistogram(List<ParameterStats> params, boolean logY) {
        long n = params.stream().filter(Histogram::isFloatWeight).count();
        return histogram(Histogram.aggregate(params, ParameterStats.HISTOGRAM_BINS),
                "|w| of all float weights (" + n + " initializers)", "|w|", logY);
    }

    /** A histogram chart; bins with no count stay empty on a log axis. */
    public static JFreeChart histogram(Histogram h, String title, String xLabel, boolean logY) {
        int n = h.bins();
        double[] c = h.counts();
        double[][] series = new double[6][n];
        double maxCount = 0;
        for (int i = 0; i < n; i++) {
            double lo = h.binStart(i);
            double hi = h.binEnd(i);
            series[0][i] = (lo + hi) / 2;
            series[1][i] = lo;
            series[2][i] = hi;
            series[3][i] = c[i];
            series[4][i] = c[i];
            series[5][i] = c[i];
            maxCount = Math.max(maxCount, c[i]);
        }
        DefaultIntervalXYDataset data = new DefaultIntervalXYDataset();
        data.addSeries("count", series);
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(true);
        if (h.upper() > h.lower()) x.setRange(h.lower(), h.upper());
        ValueAxis y;
        XYBarRenderer r = new XYBarRenderer(0.05);
        if (logY) {
            LogAxis log = new LogAxis("count (log scale)");
            log.setNumberFormatOverride(new DecimalFormat("#,##0"));
            log.setTickUnit(new NumberTickUnit(1.0));
            log.setRange(0.5, Math.max(10, maxCount * 2));
            r.setBase(0.5);
            y = log;
        } else {
            NumberAxis lin = new NumberAxis("count");
            lin.setNumberFormatOverride(new DecimalFormat("#,##0"));
            y = lin;
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        JFreeChart chart = themed(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false));
        r.setSeriesPaint(0, BAR);
        r.setDrawBarOutline(false);
        plot.setRangeGridlineStroke(new BasicStroke(0.5f));
        return chart;
    }

    /**
     * The data behind a chart as a table, for "Export CSV..." and the report. A category chart
     * gives one row per category and a column per series; a histogram gives bin start, bin end
     * and count per series; any other XY chart gives series, x and y.
     */
    public static TableData datasetTable(JFreeChart chart) {
        String title = chart.getTitle() == null ? "chart" : chart.getTitle().getText();
        if (chart.getPlot() instanceof CategoryPlot plot && plot.getDataset() != null) {
            return categoryTable(title, plot);
        }
        if (chart.getPlot() instanceof XYPlot plot && plot.getDataset() != null) {
            return xyTable(title, plot);
        }
        throw new IllegalArgumentException("chart '" + title + "' has no category or XY dataset to export");
    }

    private static TableData categoryTable(String title, CategoryPlot plot) {
        CategoryDataset d = plot.getDataset();
        List<String> cols = new ArrayList<>();
        cols.add(label(plot.getDomainAxis().getLabel(), "category"));
        for (int s = 0; s < d.getRowCount(); s++) cols.add(String.valueOf(d.getRowKey(s)));
        List<List<String>> rows = new ArrayList<>();
        for (int c = 0; c < d.getColumnCount(); c++) {
            List<String> row = new ArrayList<>();
            row.add(String.valueOf(d.getColumnKey(c)));
            for (int s = 0; s < d.getRowCount(); s++) row.add(number(d.getValue(s, c)));
            rows.add(row);
        }
        return new TableData(title, cols, rows);
    }

    private static TableData xyTable(String title, XYPlot plot) {
        XYDataset d = plot.getDataset();
        String x = label(plot.getDomainAxis().getLabel(), "x");
        String y = d.getSeriesCount() == 1 ? String.valueOf(d.getSeriesKey(0)) : "y";
        boolean interval = d instanceof IntervalXYDataset;
        List<String> cols = new ArrayList<>();
        if (d.getSeriesCount() > 1) cols.add("series");
        if (interval) {
            cols.add(x + " from");
            cols.add(x + " to");
        } else {
            cols.add(x);
        }
        cols.add(y);
        List<List<String>> rows = new ArrayList<>();
        for (int s = 0; s < d.getSeriesCount(); s++) {
            for (int i = 0; i < d.getItemCount(s); i++) {
                List<String> row = new ArrayList<>();
                if (d.getSeriesCount() > 1) row.add(String.valueOf(d.getSeriesKey(s)));
                if (interval) {
                    IntervalXYDataset id = (IntervalXYDataset) d;
                    row.add(number(id.getStartXValue(s, i)));
                    row.add(number(id.getEndXValue(s, i)));
                } else {
                    row.add(number(d.getXValue(s, i)));
                }
                row.add(number(d.getYValue(s, i)));
                rows.add(row);
            }
        }
        return new TableData(title, cols, rows);
    }

    private static String label(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }

    /** A number as CSV text: integers without a fraction, others with up to 9 significant digits. */
    static String number(Number n) {
        if (n == null) return "";
        double v = n.doubleValue();
        if (Double.isNaN(v)) return "NaN";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.9g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }

    static String number(double v) {
        return number(Double.valueOf(v));
    }
}
