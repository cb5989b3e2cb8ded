package sparsity.views.prune;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.control.Button;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import sparsity.views.charts.Charts;
import sparsity.views.export.ExportActions;
import sparsity.views.heatmap.HeatmapView;
import sparsity.views.heatmap.HeatmapViewModel;
import sparsity.views.heatmap.MatrixSource;

/**
 * The pattern of one weight's mask: the mask as a heatmap (kept = 1; block densities when the
 * matrix is large), its sparsity and N:M compliance, per-row and per-column sparsity histograms,
 * what the pattern can buy in bytes, and the overlap (Jaccard of the pruned sets) with the same
 * weight's mask under another method.
 */
public final class MaskView extends BorderPane {

    /** Cells per side of the drawn mask at most (larger matrices are shown as block densities). */
    static final int MAX_CELLS = 512;

    private final Label jaccard = new Label();

    /**
     * @param mask   the mask
     * @param others the same weight's masks under other methods, by method name (may be empty)
     */
    public MaskView(MaskStats mask, Map<String, boolean[]> others) {
        setId("maskView");
        MaskStats.Density d = mask.density(MAX_CELLS);
        String what = d.blockRows() == 1 && d.blockCols() == 1 ? "kept (1) / pruned (0)"
                : String.format(Locale.ROOT, "share kept in %d x %d blocks", d.blockRows(), d.blockCols());
        HeatmapViewModel hm = new HeatmapViewModel(mask.name() + " mask", MatrixSource.of(d.values(), d.rows(), d.cols()), "output", "input",
                null, null);
        HeatmapView heat = new HeatmapView(hm);
        heat.setId("maskHeatmap");

        GridPane facts = new GridPane();
        facts.setHgap(10);
        facts.setVgap(3);
        int r = 0;
        facts.addRow(r++, bold("Weight"), new Label(mask.name() + " (" + mask.out() + " x " + mask.in() + ")"));
        facts.addRow(r++, bold("Shown"), new Label(what));
        facts.addRow(r++, bold("Sparsity"), new Label(String.format(Locale.ROOT, "%.2f%% (%,d of %,d kept)", 100 * mask.sparsity(),
                mask.kept(), (long) mask.out() * mask.in())));
        facts.addRow(r++, bold("N:M compliance"), new Label(String.format(Locale.ROOT, "2:4 %.1f%% of groups, 4:8 %.1f%%",
                100 * mask.nmCompliance(2, 4), 100 * mask.nmCompliance(4, 8))));
        Label buys = new Label(mask.whatItBuys());
        buys.setId("maskBuys");
        buys.setWrapText(true);
        buys.setMaxWidth(520);
        facts.addRow(r++, bold("What it buys"), buys);
        if (!others.isEmpty()) {
            ComboBox<String> pick = new ComboBox<>();
            pick.setId("maskCompare");
            pick.getItems().setAll(others.keySet());
            pick.valueProperty().addListener((o, a, b) -> jaccard.setText(b == null ? "" : String.format(Locale.ROOT,
                    "Jaccard of the pruned weights: %.4f", MaskStats.jaccardOfPruned(mask.keep(), others.get(b)))));
            pick.getSelectionModel().selectFirst();
            jaccard.setId("maskJaccard");
            facts.addRow(r++, bold("Overlap with"), new HBox(8, pick, jaccard));
        }
        facts.setPadding(new Insets(6));

        JFreeChart rows = Charts.histogram(MaskStats.histogram(mask.rowSparsity()), "Per-row sparsity", "share pruned in the row", false);
        JFreeChart cols = Charts.histogram(MaskStats.histogram(mask.colSparsity()), "Per-column sparsity", "share pruned in the column", false);
        ChartViewer rv = new ChartViewer(rows);
        rv.setId("maskRowHistogram");
        ChartViewer cv = new ChartViewer(cols);
        cv.setId("maskColHistogram");
        String base = mask.name().replaceAll("[^A-Za-z0-9._-]", "_");
        ExportActions.install(rv, rows, base + "-row-sparsity");
        ExportActions.install(cv, cols, base + "-col-sparsity");
        javafx.scene.control.Button csv = ExportActions.exportButton(mask::summary, base + "-mask");
        csv.setId("maskCsv");
        facts.addRow(r++, new Label(""), csv);
        SplitPane charts = new SplitPane(rv, cv);
        charts.setOrientation(Orientation.VERTICAL);
        VBox right = new VBox(6, facts, charts);
        VBox.setVgrow(charts, javafx.scene.layout.Priority.ALWAYS);
        SplitPane split = new SplitPane(heat, right);
        split.setDividerPositions(0.45);
        setCenter(split);
    }

    private static Label bold(String s) {
        Label l = new Label(s);
        l.setStyle("-fx-font-weight: bold;");
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    public Label jaccard() {
        return jaccard;
    }

}
