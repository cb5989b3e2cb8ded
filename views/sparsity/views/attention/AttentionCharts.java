package sparsity.views.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import sparsity.attention.HeadAnalysis.HeadReport;
import sparsity.views.charts.Charts;
import sparsity.views.export.ImageSource;
import sparsity.views.report.ReportItem;

/**
 * Per-layer summary charts of the head metrics, without JavaFX (the app shows them in chart
 * viewers, reports draw them headless): x = layer, one series (markers joined by lines) per head
 * index, for the normalized entropy and for the coverage density at 0.9 mass.
 */
public final class AttentionCharts {

    public static final String ENTROPY_TITLE = "Normalized entropy per head, by layer";
    public static final String DENSITY_TITLE = "Density at 0.9 mass per head, by layer";

    /** Tableau 10: distinct on white, no pale yellow. */
    private static final java.awt.Color[] PALETTE = {new java.awt.Color(0x4e79a7), new java.awt.Color(0xf28e2b),
        new java.awt.Color(0xe15759), new java.awt.Color(0x76b7b2), new java.awt.Color(0x59a14f), new java.awt.Color(0xedc948),
        new java.awt.Color(0xb07aa1), new java.awt.Color(0xff9da7), new java.awt.Color(0x9c755f), new java.awt.Color(0xbab0ac)};

    private AttentionCharts() {
    }

    /** Mean normalized entropy of each head (0: one key, 1: uniform), layer by layer. */
    public static JFreeChart entropyByLayer(List<HeadReport> heads) {
        return byLayer(heads, ENTROPY_TITLE, "normalized entropy", r -> r.metrics().normalizedEntropy().mean());
    }

    /** Mean share of the keys that holds 90% of each row's mass, layer by layer (sparsity = 1 - it). */
    public static JFreeChart densityByLayer(List<HeadReport> heads) {
        return byLayer(heads, DENSITY_TITLE, "density at 0.9 mass", r -> r.metrics().coverageAt(0.9).mean());
    }

    /** The dataset of a chart: series "head h", categories "L0", "L1", ... */
    static DefaultCategoryDataset dataset(List<HeadReport> heads, ToDoubleFunction<HeadReport> value) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        // categories in layer order, whatever the order of the reports
        List<HeadReport> sorted = new ArrayList<>(heads);
        sorted.sort(java.util.Comparator.comparingInt(HeadReport::layer));
        for (HeadReport r : sorted) {
            double v = value.applyAsDouble(r);
            d.addValue(Double.isNaN(v) ? null : v, "head " + r.head(), layerKey(r));
        }
        return d;
    }

    private static String layerKey(HeadReport r) {
        return "L" + r.layer();
    }

    private static JFreeChart byLayer(List<HeadReport> heads, String title, String yLabel, ToDoubleFunction<HeadReport> value) {
        JFreeChart chart = ChartFactory.createLineChart(title, "layer", yLabel, dataset(heads, value), PlotOrientation.VERTICAL,
                true, true, false);
        Charts.themed(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        LineAndShapeRenderer r = (LineAndShapeRenderer) plot.getRenderer();
        r.setDefaultShapesVisible(true);
        for (int i = 0; i < plot.getDataset().getRowCount(); i++) r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        plot.getRangeAxis().setRange(0, 1.0);
        return chart;
    }

    /**
     * The report items of both charts (image and data).
     *
     * @param idSuffix made part of the ids, e.g. the store's name
     */
    public static List<ReportItem> reportItems(List<HeadReport> heads, String idSuffix, String section, Map<String, String> provenance) {
        String s = idSuffix.replaceAll("[^A-Za-z0-9_-]", "-");
        JFreeChart entropy = entropyByLayer(heads);
        JFreeChart density = densityByLayer(heads);
        return List.of(
                new ReportItem("attention-entropy-" + s, ENTROPY_TITLE, section, provenance, ImageSource.of(entropy),
                        Charts.datasetTable(entropy)),
                new ReportItem("attention-density-" + s, DENSITY_TITLE, section, provenance, ImageSource.of(density),
                        Charts.datasetTable(density)),
                new ReportItem("attention-heads-" + s, "Attention heads", section, provenance, null, HeadTables.heads(heads)));
    }
}
