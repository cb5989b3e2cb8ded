package sparsity.views.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import sparsity.views.charts.Charts;
import sparsity.views.export.ExportActions;
import sparsity.views.export.TableData;
import sparsity.views.heatmap.HeatmapView;
import sparsity.views.heatmap.HeatmapViewModel;
import sparsity.views.heatmap.MatrixSource;

/**
 * Layer sensitivity: a heatmap of layers x sparsity levels coloured by the metric drop when only
 * that layer is pruned to that level (brighter is worse), and below it the sparsity each global
 * method chose per layer at one level.
 */
public final class SensitivityView extends BorderPane {

    /**
     * @param layers   layer (weight) names, one row each
     * @param levels   sparsity levels (0..1), one column each
     * @param drop     metric drop (dense minus pruned), row-major [layers x levels]
     * @param metric   the metric's name
     * @param chosen   per method, the per-layer sparsity it chose (same order as layers); may be empty
     * @param chosenAt the level the chosen sparsities are at
     */
    public SensitivityView(List<String> layers, double[] levels, float[] drop, String metric, Map<String, double[]> chosen, double chosenAt) {
        setId("sensitivityView");
        List<String> cols = new ArrayList<>();
        for (double l : levels) cols.add(String.format(Locale.ROOT, "%.0f%%", 100 * l));
        List<String> rows = layers.stream().map(SensitivityView::shortName).toList();
        HeatmapViewModel hm = new HeatmapViewModel("sensitivity: drop in " + metric, MatrixSource.of(drop, layers.size(), levels.length),
                "layer", "sparsity", rows, cols);
        HeatmapView heat = new HeatmapView(hm);
        heat.setId("sensitivityHeatmap");
        Supplier table = () -> table(layers, levels, drop, metric);
        Button csv = ExportActions.exportButton(table::get, "layer-sensitivity");
        Label head = new Label("Layer sensitivity: each layer pruned alone (magnitude); colour = drop in " + metric + " from the dense model");
        head.setStyle("-fx-font-weight: bold;");
        VBox top = new VBox(4, new HBox(10, head, csv), heat);
        VBox.setVgrow(heat, javafx.scene.layout.Priority.ALWAYS);
        top.setPadding(new Insets(6));

        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        for (Map.Entry<String, double[]> e : chosen.entrySet()) {
            for (int i = 0; i < layers.size(); i++) ds.addValue(100 * e.getValue()[i], e.getKey(), rows.get(i));
        }
        JFreeChart bars = ChartFactory.createBarChart(String.format(Locale.ROOT, "Sparsity each method chose per layer (at %.0f%% overall)",
                100 * chosenAt), "layer", "layer sparsity (%)", ds, PlotOrientation.VERTICAL, true, true, false);
        Charts.themed(bars);
        bars.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(org.jfree.chart.axis.CategoryLabelPositions.UP_90);
        ChartViewer barViewer = new ChartViewer(bars);
        barViewer.setId("chosenSparsityChart");
        ExportActions.install(barViewer, bars, "chosen-layer-sparsity");
        SplitPane split = new SplitPane(top, barViewer);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.6);
        setCenter(split);
    }

    private interface Supplier {
        TableData get();
    }

    static String shortName(String weight) {
        String s = weight.replaceFirst("^onnx::", "").replaceFirst("^/", "");
        return s.length() > 48 ? "\u2026" + s.substring(s.length() - 47) : s;
    }

    static TableData table(List<String> layers, double[] levels, float[] drop, String metric) {
        List<String> cols = new ArrayList<>();
        cols.add("layer");
        for (double l : levels) cols.add(String.format(Locale.ROOT, "drop_at_%.4g", l));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            List<String> r = new ArrayList<>();
            r.add(layers.get(i));
            for (int j = 0; j < levels.length; j++) r.add(String.format(Locale.ROOT, "%.6g", drop[i * levels.length + j]));
            rows.add(r);
        }
        return new TableData("layer sensitivity (" + metric + ")", cols, rows);
    }
}
