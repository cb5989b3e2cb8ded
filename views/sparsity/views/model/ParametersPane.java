package sparsity.views.model;

import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import org.jfree.chart.fx.ChartViewer;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.views.charts.Charts;
import sparsity.views.export.ExportActions;

/**
 * The parameters tab: every stored weight tensor in a sortable table, beside the magnitude
 * histogram of the selected one and that of the whole model.
 */
final class ParametersPane extends SplitPane {

    private final ModelViewModel vm;
    private final TableView<ParameterStats> table = Columns.table("paramsTable", "This model stores no parameters");
    private final ChartViewer selectedChart = new ChartViewer();
    private final ChartViewer modelChart = new ChartViewer();

    ParametersPane(ModelViewModel vm) {
        this.vm = vm;
        selectedChart.setId("paramHistogram");
        modelChart.setId("modelHistogram");
        table.getColumns().add(Columns.text("name", ParameterStats::name, 300));
        table.getColumns().add(Columns.capped(Columns.text("type", ParameterStats::elementType, 65), 90));
        table.getColumns().add(Columns.capped(Columns.text("shape", ParameterStats::shapeText, 100), 150));
        table.getColumns().add(Columns.capped(Columns.number("count", ParameterStats::count, Formats::count, 85), 110));
        table.getColumns().add(Columns.capped(Columns.number("bytes", ParameterStats::bytes, Formats::bytes, 75), 100));
        table.getColumns().add(Columns.capped(Columns.number("% zeros", ParameterStats::zeroFraction, Formats::percent, 65), 90));
        table.getColumns().add(Columns.capped(Columns.number("max |w|", ParameterStats::maxAbs, Formats::magnitude, 75), 100));
        TableColumn<ParameterStats, String> constant = Columns.text("Constant", p -> p.fromConstantNode() ? "yes" : "", 80);
        constant.setMinWidth(80);
        table.getColumns().add(Columns.capped(constant, 95));
        SortedList<ParameterStats> sorted = new SortedList<>(vm.parameters());
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        ExportActions.install(table, () -> vm.parametersTable(table.getItems()), vm.fileNameProperty().get() + "-parameters");

        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null) vm.selectedParameterProperty().set(now);
        });
        vm.selectedParameterProperty().addListener((o, was, now) -> {
            if (now != null && table.getSelectionModel().getSelectedItem() != now) table.getSelectionModel().select(now);
            showSelected();
        });
        vm.logScaleProperty().addListener((o, was, now) -> {
            showSelected();
            showModel();
        });
        if (vm.selectedParameterProperty().get() != null) table.getSelectionModel().select(vm.selectedParameterProperty().get());
        showSelected();
        showModel();
        ExportActions.install(selectedChart, selectedChart.getChart(), vm.fileNameProperty().get() + "-parameter-histogram");
        ExportActions.install(modelChart, modelChart.getChart(), vm.fileNameProperty().get() + "-model-histogram");

        CheckBox log = new CheckBox("log count axis");
        log.setId("histogramLog");
        log.selectedProperty().bindBidirectional(vm.logScaleProperty());
        Label hint = new Label("Histograms of |w| over [0, max |w|], from the per-tensor statistics");
        hint.getStyleClass().add("hint");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(12, hint, spacer, log);
        bar.setPadding(new Insets(4, 8, 4, 8));

        SplitPane charts = new SplitPane(selectedChart, modelChart);
        charts.setOrientation(Orientation.VERTICAL);
        BorderPane right = new BorderPane(charts);
        right.setTop(bar);
        getItems().addAll(table, right);
        setDividerPositions(0.55);
    }

    TableView<ParameterStats> table() {
        return table;
    }

    private void showSelected() {
        ParameterStats p = vm.selectedParameterProperty().get();
        if (p != null) selectedChart.setChart(Charts.parameterHistogram(p, vm.logScaleProperty().get()));
    }

    private void showModel() {
        modelChart.setChart(Charts.modelHistogram(vm.parameters(), vm.logScaleProperty().get()));
    }
}
