package sparsity.views.stats;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import sparsity.analysis.stats.ActivationSummary;
import sparsity.views.export.ExportActions;
import sparsity.views.report.ReportItem;
import sparsity.views.stats.ActivationStatsReport.OutlierRow;

/**
 * The statistics of one captured tensor: fractions of exact zeros and of |a| &lt; eps with an
 * editable eps (Enter re-runs the statistics in the background), never-active neurons, the value
 * histogram (log count toggle), the sorted firing frequencies, mean and std per dimension and the
 * outlier dimensions. Binds to an {@link ActivationStatsViewModel}; every chart and table has
 * the export actions in its context menu.
 */
public class ActivationStatsView extends BorderPane {

    private final ActivationStatsViewModel vm;
    private final ChartViewer histogram = new ChartViewer();
    private final ChartViewer firing = new ChartViewer();
    private final ChartViewer meanStd = new ChartViewer();
    private final TableView<OutlierRow> outliers = new TableView<>();
    private final TextField epsField = new TextField();

    public ActivationStatsView(ActivationStatsViewModel vm) {
        this.vm = vm;
        getStyleClass().add("activation-stats-view");
        histogram.setId("statsHistogram");
        firing.setId("firingChart");
        meanStd.setId("meanStdChart");
        setTop(header());
        setCenter(body());
        String base = "stats-" + vm.tensorName();
        ExportActions.install(histogram, histogram.getChart(), base + "-histogram");
        ExportActions.install(firing, firing.getChart(), base + "-firing");
        ExportActions.install(meanStd, meanStd.getChart(), base + "-mean-std");
        ExportActions.install(outliers, vm::outliersTable, base + "-outliers");
        vm.summaryProperty().addListener((o, was, now) -> showCharts());
        vm.logCountsProperty().addListener((o, was, now) -> showHistogram());
        showCharts();
    }

    public ActivationStatsViewModel viewModel() {
        return vm;
    }

    /** The view's charts and tables as report items. */
    public List<ReportItem> reportItems(String tensorName, Map<String, String> provenance) {
        return vm.reportItems(tensorName, provenance);
    }

    private Node header() {
        Label title = new Label(vm.tensorName());
        title.setStyle("-fx-font-size: 1.3em; -fx-font-weight: bold;");
        title.setTooltip(new Tooltip(vm.tensorName()));
        Label status = new Label();
        status.setId("statsStatus");
        status.textProperty().bind(vm.statusProperty());
        status.setStyle("-fx-text-fill: #666666;");
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(16, 16);
        busy.visibleProperty().bind(vm.runningProperty());
        Label error = new Label();
        error.setId("statsError");
        error.textProperty().bind(vm.errorProperty());
        error.setStyle("-fx-text-fill: #b00020;");

        Label zeros = value("zeroFraction", vm.zeroFractionTextProperty());
        Label near = value("nearZeroFraction", vm.nearZeroFractionTextProperty());
        Label never = value("neverActive", vm.neverActiveTextProperty());
        epsField.setId("epsField");
        epsField.setPrefColumnCount(7);
        epsField.setText(text(vm.epsProperty().get()));
        epsField.setTooltip(new Tooltip("|a| < eps counts as near zero; a neuron fires on a row when |a| >= eps. Enter re-runs."));
        epsField.setOnAction(e -> commitEps());
        epsField.focusedProperty().addListener((o, was, now) -> {
            if (!now) commitEps();
        });
        vm.epsProperty().addListener((o, was, now) -> epsField.setText(text(now.doubleValue())));
        CheckBox log = new CheckBox("log count axis");
        log.setId("statsLogCounts");
        log.selectedProperty().bindBidirectional(vm.logCountsProperty());
        Button dims = ExportActions.exportButton(vm::dimensionsTable, "stats-" + vm.tensorName() + "-dimensions");
        dims.setText("Export per-dimension CSV...");
        dims.setId("dimensionsExport");
        dims.disableProperty().bind(vm.summaryProperty().isNull());

        FlowPane facts = new FlowPane(18, 4);
        facts.setAlignment(Pos.CENTER_LEFT);
        facts.getChildren().addAll(fact("exact zeros", zeros), fact("|a| < eps", near),
                fact("eps", epsField), fact("never active", never), log, dims);
        HBox titleRow = new HBox(10, title, busy, status, error);
        titleRow.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(6, titleRow, facts);
        box.setPadding(new Insets(8, 10, 8, 10));
        box.setStyle("-fx-border-color: transparent transparent #c8c8c8 transparent;");
        return box;
    }

    private void commitEps() {
        String t = epsField.getText().strip();
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            epsField.setStyle("-fx-border-color: #b00020;");
            epsField.setTooltip(new Tooltip("eps must be a number >= 0, was '" + t + "'"));
            return;
        }
        epsField.setStyle("");
        vm.epsProperty().set(v);
    }

    private static String text(double v) {
        return ActivationStatsReport.num(v);
    }

    private static Label value(String id, javafx.beans.value.ObservableValue<String> text) {
        Label l = new Label();
        l.setId(id);
        l.textProperty().bind(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private static Node fact(String name, Node value) {
        Label n = new Label(name + ":");
        n.setStyle("-fx-text-fill: #666666;");
        HBox b = new HBox(4, n, value);
        b.setAlignment(Pos.CENTER_LEFT);
        return b;
    }

    private Node body() {
        outliers.setId("outliersTable");
        outliers.setPlaceholder(new Label("No dimension has an RMS of at least the outlier factor times the median"));
        outliers.getColumns().add(column("dim", r -> (double) r.dim(), v -> Integer.toString((int) v)));
        outliers.getColumns().add(column("rms", OutlierRow::rms, ActivationStatsReport::num));
        outliers.getColumns().add(column("x median", OutlierRow::timesMedian, v -> String.format(Locale.ROOT, "%.1f", v)));
        outliers.getColumns().add(column("max |a|", OutlierRow::maxAbs, ActivationStatsReport::num));
        outliers.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        outliers.setItems(vm.outliers());
        Label heading = new Label("Outlier dimensions");
        heading.setStyle("-fx-font-weight: bold;");
        VBox table = new VBox(4, heading, outliers);
        VBox.setVgrow(outliers, Priority.ALWAYS);
        table.setPadding(new Insets(4));

        GridPane grid = new GridPane();
        grid.setHgap(4);
        grid.setVgap(4);
        grid.add(histogram, 0, 0);
        grid.add(firing, 1, 0);
        grid.add(meanStd, 0, 1);
        grid.add(table, 1, 1);
        for (int i = 0; i < 2; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(50);
            grid.getColumnConstraints().add(c);
            RowConstraints r = new RowConstraints();
            r.setPercentHeight(50);
            r.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(r);
        }
        for (Node n : List.of(histogram, firing, meanStd)) {
            GridPane.setHgrow(n, Priority.ALWAYS);
            GridPane.setVgrow(n, Priority.ALWAYS);
        }
        grid.setPadding(new Insets(4));
        return grid;
    }

    private static TableColumn<OutlierRow, Double> column(String name, java.util.function.ToDoubleFunction<OutlierRow> get,
                                                          java.util.function.DoubleFunction<String> format) {
        TableColumn<OutlierRow, Double> c = new TableColumn<>(name);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(get.applyAsDouble(d.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : format.apply(v));
                setAlignment(Pos.CENTER_RIGHT);
            }
        });
        return c;
    }

    private void showCharts() {
        ActivationSummary s = vm.summary();
        if (s == null) return;
        showHistogram();
        firing.setChart(ActivationStatsReport.firing(s, vm.tensorName()));
        meanStd.setChart(ActivationStatsReport.meanStd(s, vm.tensorName()));
    }

    private void showHistogram() {
        ActivationSummary s = vm.summary();
        if (s != null) histogram.setChart(ActivationStatsReport.histogram(s, vm.tensorName(), vm.logCountsProperty().get()));
    }

    /** The charts shown now (histogram, firing, mean/std), for tests. */
    List<JFreeChart> charts() {
        return List.of(histogram.getChart(), firing.getChart(), meanStd.getChart());
    }
}
