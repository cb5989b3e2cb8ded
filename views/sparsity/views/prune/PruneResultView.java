package sparsity.views.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import sparsity.analysis.prune.LayerReport;
import sparsity.analysis.prune.PruneResult;
import sparsity.views.export.ExportActions;
import sparsity.views.export.TableData;

/**
 * One pruning of a model: what was asked and what it reached, every prunable weight with its
 * status (pruned, excluded, left dense, not supported and why) and sparsity, and for the chosen
 * weight its {@link MaskView}, compared with the same weight's mask under the other prunings of
 * this model.
 */
public final class PruneResultView extends BorderPane {

    private final PruneResult result;
    private final TableView<LayerReport> table = new TableView<>();
    private final StackPane maskPane = new StackPane(new Label("Choose a weight to see its mask"));
    private final Supplier<Map<String, PruneResult>> others;
    private final Button writeModel = new Button("Write pruned model\u2026");

    /**
     * @param title  e.g. "mnist-mlp.onnx: wanda 50%"
     * @param others the other prunings of the same model, by label (read when a weight is chosen)
     */
    public PruneResultView(String title, PruneResult result, Supplier<Map<String, PruneResult>> others) {
        this.result = result;
        this.others = others;
        setId("pruneResultView");
        Label head = new Label(title);
        head.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        Label what = new Label(String.format(Locale.ROOT, "%s \u00b7 %,d of %,d prunable weights pruned (%.2f%%)%s%s", result.spec().describe(),
                result.pruned(), result.prunable(), 100 * result.sparsity(),
                result.calibration() == null || result.calibration().isEmpty() ? "" : " \u00b7 calibration: " + result.calibration()
                        + String.format(Locale.ROOT, " (%,d tokens)", result.calibrationTokens()),
                result.importance() == null || result.importance().isEmpty() ? "" : " \u00b7 importance: " + result.importance()));
        what.setId("pruneSummary");
        what.setWrapText(true);
        writeModel.setId("pruneWriteModel");
        VBox top = new VBox(4, new HBox(10, head, writeModel), what);
        top.setPadding(new Insets(6, 10, 6, 10));
        top.setStyle("-fx-background-color: #f4f4f4; -fx-border-color: transparent transparent #d0d0d0 transparent;");
        setTop(top);

        table.setId("pruneLayers");
        table.getColumns().add(col("weight", l -> l.weight().node().isEmpty() ? l.name() : l.weight().node() + " (" + l.name() + ")", 300));
        table.getColumns().add(col("shape", l -> l.weight().out() + " x " + l.weight().in(), 90));
        table.getColumns().add(col("status", l -> l.status().name().toLowerCase(Locale.ROOT).replace('_', ' '), 90));
        table.getColumns().add(col("weights", l -> String.format(Locale.ROOT, "%,d", l.count()), 80));
        table.getColumns().add(col("sparsity", l -> String.format(Locale.ROOT, "%.2f%%", 100 * l.sparsity()), 70));
        table.getColumns().add(col("note", LayerReport::note, 260));
        table.getItems().setAll(result.layers());
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> show(b));
        ExportActions.install(table, this::layersTable, "pruned-layers");
        SplitPane split = new SplitPane(table, maskPane);
        split.setDividerPositions(0.3);
        setCenter(split);
    }

    public PruneResult result() {
        return result;
    }

    public TableView<LayerReport> table() {
        return table;
    }

    public Button writeModelButton() {
        return writeModel;
    }

    /** The mask view of the chosen weight (null before one is chosen or for a weight without a mask). */
    public MaskView maskView() {
        return maskPane.getChildren().isEmpty() || !(maskPane.getChildren().get(0) instanceof MaskView v) ? null : v;
    }

    private void show(LayerReport l) {
        maskPane.getChildren().clear();
        if (l == null) return;
        boolean[] keep = result.keepOutIn(l.name());
        if (keep == null) {
            maskPane.getChildren().add(new Label(l.name() + ": " + l.status().name().toLowerCase(Locale.ROOT) + (l.note().isEmpty() ? "" : " (" + l.note() + ")")));
            return;
        }
        Map<String, boolean[]> cmp = new LinkedHashMap<>();
        for (Map.Entry<String, PruneResult> e : others.get().entrySet()) {
            if (e.getValue() == result) continue;
            boolean[] k = e.getValue().keepOutIn(l.name());
            if (k != null && k.length == keep.length) cmp.put(e.getKey(), k);
        }
        maskPane.getChildren().add(new MaskView(new MaskStats(l.name(), keep, l.weight().out(), l.weight().in()), cmp));
    }

    TableData layersTable() {
        List<List<String>> rows = new ArrayList<>();
        for (LayerReport l : result.layers()) {
            rows.add(List.of(l.name(), l.weight().node(), "" + l.weight().out(), "" + l.weight().in(), l.status().name(), "" + l.count(),
                    "" + l.pruned(), String.format(Locale.ROOT, "%.6f", l.sparsity()), l.note()));
        }
        return new TableData("pruned layers", List.of("weight", "node", "out", "in", "status", "count", "pruned", "sparsity", "note"), rows);
    }

    private static TableColumn<LayerReport, String> col(String title, Function<LayerReport, String> f, double w) {
        TableColumn<LayerReport, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new SimpleObjectProperty<>(f.apply(d.getValue())));
        c.setPrefWidth(w);
        return c;
    }
}
