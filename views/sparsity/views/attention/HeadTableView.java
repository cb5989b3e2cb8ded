package sparsity.views.attention;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import sparsity.attention.HeadAnalysis.HeadReport;
import sparsity.attention.metrics.Stat;
import sparsity.views.export.ExportActions;

/**
 * A sortable table of every head's metrics: layer, head, label, normalized entropy (mean ± sd),
 * coverage density at 0.9/0.95/0.99 mass, sink, previous-token, local and (when measured)
 * induction scores, and the best MInference pattern with the mass it recovers. A click on a
 * header sorts by that column (lowest first; a second click: highest first). "Export CSV..." writes {@link HeadTables#heads}, the
 * CLI's heads.csv table. Clicking a row tells the listener which head it is.
 * {@link #setProgress} shows the background computation until {@link #setReports} is called.
 */
public class HeadTableView extends BorderPane {

    private final TableView<HeadReport> table = new TableView<>();
    private final ProgressBar progress = new ProgressBar(0);
    private final Label status = new Label();
    private final Button export;
    private final TableColumn<HeadReport, Stat> induction;
    private List<HeadReport> reports = List.of();
    private String probeText = "";
    private AttentionAtlasView.HeadListener listener = (layer, head) -> { };

    /** @param baseName the exported file's name, e.g. "attention-heads-mystore" */
    public HeadTableView(String baseName) {
        getStyleClass().add("head-table");
        table.setId("headTable");
        table.setPlaceholder(new Label("Computing the metrics of every head\u2026"));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        TableColumn<HeadReport, Number> layer = intColumn("layer", "layer", HeadReport::layer);
        TableColumn<HeadReport, Number> head = intColumn("head", "head", HeadReport::head);
        TableColumn<HeadReport, String> label = new TableColumn<>("label");
        label.setId("label");
        label.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().label()));
        label.setPrefWidth(110);
        induction = statColumn("induction", "induction", r -> r.metrics().induction(), false);
        TableColumn<HeadReport, String> pattern = new TableColumn<>("pattern");
        pattern.setId("pattern");
        pattern.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().pattern().best().pattern()));
        pattern.setPrefWidth(130);
        table.getColumns().addAll(List.of(layer, head, label,
                statColumn("norm. entropy", "norm_entropy", r -> r.metrics().normalizedEntropy(), true),
                statColumn("density 0.9", "density_0.9", r -> r.metrics().coverageAt(0.9), false),
                statColumn("density 0.95", "density_0.95", r -> r.metrics().coverageAt(0.95), false),
                statColumn("density 0.99", "density_0.99", r -> r.metrics().coverageAt(0.99), false),
                statColumn("sink", "sink", r -> r.metrics().sink(), false),
                statColumn("previous-token", "previous_token", r -> r.metrics().previousToken(), false),
                statColumn("local", "local", r -> r.metrics().local(), false),
                induction, pattern,
                statColumn("pattern score", "pattern_score", r -> new Stat(r.pattern().best().score(), 0, 1), false)));
        induction.setVisible(false);
        table.setRowFactory(tv -> {
            TableRow<HeadReport> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (!row.isEmpty() && row.getItem() != null) listener.headSelected(row.getItem().layer(), row.getItem().head());
            });
            return row;
        });
        ExportActions.install(table, () -> HeadTables.heads(reports), baseName);
        export = ExportActions.exportButton(() -> HeadTables.heads(reports), baseName);
        export.setId("headTableExport");
        export.setDisable(true);
        setTop(toolbar());
        setCenter(table);
    }

    private Node toolbar() {
        Label title = new Label("Heads");
        title.setStyle("-fx-font-weight: bold;");
        title.setMinWidth(Region.USE_PREF_SIZE);
        title.setTooltip(new javafx.scene.control.Tooltip("Metrics averaged over query rows and examples, mean \u00b1 sd over rows."
                + "\nDensity: share of the keys that holds 0.9 / 0.95 / 0.99 of a row's mass (sparsity = 1 - density)."
                + "\nClick a row to open the head; click a header to sort (twice: highest first)."));
        export.setMinWidth(Region.USE_PREF_SIZE);
        progress.setId("headTableProgress");
        progress.setPrefWidth(140);
        status.setId("headTableStatus");
        status.setStyle("-fx-text-fill: #666666;");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(12, title, progress, status, spacer, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 4, 8));
        return bar;
    }

    private static TableColumn<HeadReport, Number> intColumn(String text, String id, Function<HeadReport, Integer> f) {
        TableColumn<HeadReport, Number> c = new TableColumn<>(text);
        c.setId(id);
        c.setCellValueFactory(v -> new ReadOnlyObjectWrapper<>(f.apply(v.getValue())));
        c.setPrefWidth(55);
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    private static TableColumn<HeadReport, Stat> statColumn(String text, String id, Function<HeadReport, Stat> f, boolean sd) {
        TableColumn<HeadReport, Stat> c = new TableColumn<>(text);
        c.setId(id);
        c.setCellValueFactory(v -> new ReadOnlyObjectWrapper<>(f.apply(v.getValue())));
        c.setComparator(Comparator.comparingDouble(HeadTableView::sortKey));
        c.setPrefWidth(sd ? 130 : 95);
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Stat s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty || s == null ? null : format(s, sd));
            }
        });
        return c;
    }

    /** Unmeasured (NaN) values sort below every measured one. */
    private static double sortKey(Stat s) {
        return s == null || Double.isNaN(s.mean()) ? Double.NEGATIVE_INFINITY : s.mean();
    }

    /** "0.412 ± 0.087", "0.412", or "" when not measured. */
    static String format(Stat s, boolean sd) {
        if (s.n() == 0 || Double.isNaN(s.mean())) return "";
        return sd ? String.format(Locale.ROOT, "%.3f \u00b1 %.3f", s.mean(), s.std()) : String.format(Locale.ROOT, "%.3f", s.mean());
    }

    /** Shows the computation's progress (0..1) and message. Call on the JavaFX thread. */
    public void setProgress(double done, String message) {
        progress.setVisible(true);
        progress.setProgress(done);
        status.setText(message == null ? "" : message);
    }

    /** Shows that the computation failed. */
    public void setError(String message) {
        progress.setVisible(false);
        status.setText(message);
        status.setStyle("-fx-text-fill: #b00020;");
        table.setPlaceholder(new Label(message));
    }

    /** Says which induction probe the metrics use (null: none found, no induction scores). */
    public void setInductionProbe(sparsity.attention.HeadAnalysis.InductionLayout probe) {
        probeText = probe == null ? "no repeated sequence found: no induction scores"
                : "induction probe: the block of " + probe.length() + " tokens at " + probe.start() + " repeated";
        Tooltip.install(status, new Tooltip(probeText));
    }

    /** Shows the heads; the induction column appears when any head's induction was measured. */
    public void setReports(List<HeadReport> heads) {
        reports = List.copyOf(heads);
        table.setItems(FXCollections.observableArrayList(reports));
        induction.setVisible(reports.stream().anyMatch(r -> r.metrics().induction().n() > 0));
        progress.setVisible(false);
        status.setText(reports.size() + " heads" + (probeText.isEmpty() ? "" : " \u00b7 " + probeText));
        export.setDisable(reports.isEmpty());
    }

    public List<HeadReport> reports() {
        return reports;
    }

    public TableView<HeadReport> table() {
        return table;
    }

    /** The column of an id ("previous_token", "density_0.9", ...). */
    public TableColumn<HeadReport, ?> column(String id) {
        for (TableColumn<HeadReport, ?> c : table.getColumns()) if (id.equals(c.getId())) return c;
        throw new IllegalArgumentException("no column " + id);
    }

    /** Sorts by one column (as clicks on its header do). */
    public void sortBy(String id, boolean highestFirst) {
        TableColumn<HeadReport, ?> c = column(id);
        c.setSortType(highestFirst ? TableColumn.SortType.DESCENDING : TableColumn.SortType.ASCENDING);
        table.getSortOrder().setAll(List.of(c));
        table.sort();
    }

    public void setOnHeadSelected(AttentionAtlasView.HeadListener l) {
        listener = Objects.requireNonNull(l);
    }
}
