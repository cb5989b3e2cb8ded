package sparsity.views.model;

import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.onnx.TensorSpec;
import sparsity.views.charts.Charts;
import sparsity.views.export.ExportActions;
import sparsity.views.model.ModelTables.OpCount;

/**
 * Everything inside one ONNX model: a header with the model's facts, then tabs for the graph
 * interface and op types, the parameters with their magnitude histograms, and the layer-grouped
 * intermediate tensors. Binds to a {@link ModelViewModel}; every table and chart has the
 * export actions in its context menu.
 */
public class ModelView extends BorderPane {

    private final ModelViewModel vm;
    private final TabPane tabs = new TabPane();

    public ModelView(ModelViewModel vm) {
        this.vm = vm;
        getStyleClass().add("model-view");
        setTop(header());
        Tab overview = new Tab("Graph", overview());
        overview.setId("graphTab");
        Tab params = new Tab("Parameters (" + vm.parameters().size() + ")", new ParametersPane(vm));
        params.setId("parametersTab");
        Tab tensors = new Tab("Tensors (" + vm.summary().tensors().size() + ")", new TensorTreePane(vm));
        tensors.setId("tensorsTab");
        tabs.getTabs().addAll(overview, params, tensors);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        setCenter(tabs);
    }

    public ModelViewModel viewModel() {
        return vm;
    }

    /** The tensors chosen in the tensor list (the view-model's list). */
    public ObservableList<GraphTensor> selectedTensors() {
        return vm.selectedTensors();
    }

    /** The tabs, so that the app can open one (e.g. the tensors tab for capture). */
    public TabPane tabs() {
        return tabs;
    }

    private Node header() {
        Label title = new Label();
        title.textProperty().bind(vm.fileNameProperty());
        title.setStyle("-fx-font-size: 1.5em; -fx-font-weight: bold;");
        title.setTooltip(new Tooltip(vm.summary().file().toAbsolutePath().toString()));
        Label producer = fact("producerLabel", "Producer");
        producer.textProperty().bind(vm.producerProperty());
        Label ir = fact("irLabel", "IR version");
        ir.textProperty().bind(vm.irVersionProperty());
        Label opsets = fact("opsetLabel", "Opsets");
        opsets.textProperty().bind(vm.opsetsProperty());
        Label sha = fact("shaLabel", "sha256");
        sha.textProperty().bind(vm.sha256ShortProperty());
        sha.setTooltip(new Tooltip(vm.summary().sha256()));
        Label size = fact("fileSizeLabel", "File size");
        size.textProperty().bind(vm.fileSizeProperty());
        Label params = fact("totalParams", "Parameters");
        params.textProperty().bind(vm.totalParamsProperty());
        params.setStyle("-fx-font-weight: bold;");
        FlowPane facts = new FlowPane(18, 4);
        for (Label l : new Label[] {producer, ir, opsets, sha, size, params}) facts.getChildren().add(labelled(l));
        facts.getChildren().add(labelled(nodes()));
        VBox box = new VBox(4, title, facts);
        box.setId("modelHeader");
        box.setPadding(new Insets(8, 10, 8, 10));
        box.setStyle("-fx-border-color: transparent transparent #c8c8c8 transparent;");
        return box;
    }

    private Label nodes() {
        Label l = fact("nodeCountLabel", "Nodes");
        l.setText(Formats.count(vm.summary().nodeCount()));
        return l;
    }

    private static Label fact(String id, String name) {
        Label l = new Label();
        l.setId(id);
        l.setUserData(name);
        return l;
    }

    private static Node labelled(Label value) {
        Label name = new Label(value.getUserData() + ":");
        name.setStyle("-fx-text-fill: #666666;");
        return new HBox(4, name, value);
    }

    private Node overview() {
        String base = vm.fileNameProperty().get();
        TableView<TensorSpec> inputs = specTable("inputsTable", vm.inputs(), "The graph has no inputs");
        ExportActions.install(inputs, vm::inputsTable, base + "-inputs");
        TableView<TensorSpec> outputs = specTable("outputsTable", vm.outputs(), "The graph has no outputs");
        ExportActions.install(outputs, vm::outputsTable, base + "-outputs");
        VBox io = new VBox(4, heading("Inputs"), inputs, heading("Outputs"), outputs);
        VBox.setVgrow(inputs, Priority.ALWAYS);
        VBox.setVgrow(outputs, Priority.ALWAYS);
        io.setPadding(new Insets(4));

        TableView<OpCount> ops = Columns.table("opsTable", "The graph has no nodes");
        ops.getColumns().add(Columns.text("op type", OpCount::opType, 160));
        ops.getColumns().add(Columns.capped(Columns.number("nodes", OpCount::count, n -> Formats.count(n), 70), 90));
        ops.setItems(vm.ops());
        ExportActions.install(ops, vm::opsTable, base + "-op-types");
        VBox opsBox = new VBox(4, heading("Op types (" + vm.summary().nodeCount() + " nodes)"), ops);
        VBox.setVgrow(ops, Priority.ALWAYS);
        opsBox.setPadding(new Insets(4));

        JFreeChart chart = Charts.opCounts(vm.summary().opCounts(), "Nodes per op type");
        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId("opsChart");
        ExportActions.install(viewer, chart, base + "-op-types-chart");

        SplitPane split = new SplitPane(io, opsBox, viewer);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.4, 0.58);
        return split;
    }

    private static TableView<TensorSpec> specTable(String id, ObservableList<TensorSpec> rows, String empty) {
        TableView<TensorSpec> t = Columns.table(id, empty);
        t.getColumns().add(Columns.text("name", TensorSpec::name, 220));
        t.getColumns().add(Columns.capped(Columns.text("type", TensorSpec::elementType, 80), 100));
        t.getColumns().add(Columns.text("shape", TensorSpec::shapeText, 220));
        t.setItems(rows);
        return t;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold; -fx-padding: 4 0 0 2;");
        return l;
    }
}
