package sparsity.views.sae;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import sparsity.sae.features.LatentAtlas;
import sparsity.views.export.ExportActions;
import sparsity.views.model.Formats;
import sparsity.views.sae.LatentBrowserViewModel.BandView;
import sparsity.views.sae.LatentBrowserViewModel.ExampleLine;
import sparsity.views.sae.LatentBrowserViewModel.LatentRow;
import sparsity.views.sae.LatentBrowserViewModel.NeighbourRow;

/**
 * A feature dashboard for every latent of an autoencoder: on the left a sortable table of the
 * latents (density, log10 density, max and mean activation) over the log10 density histogram; on
 * the right, for the selected latent, its activation histogram, its nearest latents by decoder
 * cosine (click one to go there), its top-activating examples with every token shaded by the
 * latent's value (thumbnails for image inputs), and examples sampled from bands of its activation
 * range. Every table and chart exports as CSV (and PNG). Binds to a {@link LatentBrowserViewModel}.
 */
public class LatentBrowserView extends BorderPane {

    private final LatentBrowserViewModel vm;
    private final TableView<LatentRow> table = new TableView<>();
    private final TableView<NeighbourRow> neighbours = new TableView<>();
    private final ChartViewer histogram = new ChartViewer();
    private final ChartViewer density = new ChartViewer();
    private final VBox topBox = new VBox();
    private final VBox bandBox = new VBox();
    private final Label hover = new Label(" ");
    private Consumer<Integer> onExampleChosen = e -> { };
    private boolean selecting;

    public LatentBrowserView(LatentBrowserViewModel vm) {
        this.vm = Objects.requireNonNull(vm, "vm");
        getStyleClass().add("latent-browser-view");
        setTop(header());
        SplitPane split = new SplitPane(left(), right());
        split.setDividerPositions(0.3);
        setCenter(split);
        String base = "latents";
        ExportActions.install(table, vm::latentsTable, base);
        ExportActions.install(neighbours, vm::neighboursTable, base + "-neighbours");
        ExportActions.install(histogram, histogram.getChart(), base + "-histogram");
        ExportActions.install(density, density.getChart(), base + "-density");
        vm.atlasProperty().addListener((o, was, now) -> setChart(density, vm.densityChart()));
        vm.selectedLatentProperty().addListener((o, was, now) -> showSelection(now.intValue()));
        vm.logCountsProperty().addListener((o, was, now) -> setChart(histogram, vm.histogramChart()));
        vm.topExamples().addListener((ListChangeListener<ExampleLine>) c -> showTop());
        vm.bands().addListener((ListChangeListener<BandView>) c -> showBands());
        setChart(density, vm.densityChart());
        showSelection(vm.selectedLatent());
    }

    public LatentBrowserViewModel viewModel() {
        return vm;
    }

    /** Called with an example's number when its link is clicked (e.g. to show it in the code raster). */
    public void setOnExampleChosen(Consumer<Integer> listener) {
        onExampleChosen = Objects.requireNonNull(listener);
    }

    // ------------------------------------------------------------------ layout

    private Node header() {
        Label title = new Label(vm.title());
        title.setStyle("-fx-font-size: 1.3em; -fx-font-weight: bold;");
        Label overview = new Label();
        overview.setId("latentOverview");
        overview.textProperty().bind(vm.overviewProperty());
        ProgressBar bar = new ProgressBar();
        bar.setId("latentScanProgress");
        bar.setPrefWidth(160);
        bar.progressProperty().bind(vm.progressProperty());
        bar.visibleProperty().bind(vm.runningProperty());
        bar.managedProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.visibleProperty().bind(vm.runningProperty());
        cancel.managedProperty().bind(vm.runningProperty());
        Label status = new Label();
        status.setId("latentStatus");
        status.textProperty().bind(vm.statusProperty());
        status.setStyle("-fx-text-fill: #666666;");
        Label error = new Label();
        error.setId("latentError");
        error.textProperty().bind(vm.errorProperty());
        error.setStyle("-fx-text-fill: #b00020;");
        error.setWrapText(true);
        HBox row1 = new HBox(10, title, bar, cancel, status);
        row1.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(4, row1, overview, error);
        box.setPadding(new Insets(8, 10, 8, 10));
        box.setStyle("-fx-border-color: transparent transparent #c8c8c8 transparent;");
        return box;
    }

    private Node left() {
        table.setId("latentTable");
        table.setPlaceholder(new Label("Scanning the rows through the autoencoder..."));
        table.getColumns().add(intColumn("latent", r -> r.latent(), 62));
        table.getColumns().add(numberColumn("density %", r -> r.density() * 100, Formats::magnitude, 84));
        table.getColumns().add(numberColumn("log10 density", LatentRow::log10Density,
                v -> Double.isInfinite(v) ? "dead" : String.format(Locale.ROOT, "%.2f", v), 92));
        table.getColumns().add(numberColumn("max act", r -> r.max(), Formats::magnitude, 74));
        table.getColumns().add(numberColumn("mean act", LatentRow::meanActive, Formats::magnitude, 74));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        table.setItems(sortedLatents());
        table.getSelectionModel().selectedItemProperty().addListener((o, was, now) -> {
            if (now != null && !selecting) vm.select(now.latent());
        });
        TextField go = new TextField();
        go.setId("latentGoTo");
        go.setPromptText("go to latent #");
        go.setPrefColumnCount(8);
        go.setOnAction(e -> {
            try {
                vm.select(Integer.parseInt(go.getText().strip()));
                go.setStyle("");
            } catch (NumberFormatException x) {
                go.setStyle("-fx-border-color: #b00020;");
            }
        });
        Button csv = ExportActions.exportButton(vm::latentsTable, "latents");
        csv.disableProperty().bind(vm.atlasProperty().isNull());
        Label hint = new Label("click a column to sort");
        hint.setStyle("-fx-text-fill: #888888;");
        HBox tools = new HBox(8, go, hint, spacer(), csv);
        tools.setAlignment(Pos.CENTER_LEFT);
        density.setId("latentDensityChart");
        density.setPrefHeight(220);
        density.setMinHeight(120);
        SplitPane split = new SplitPane(table, density);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.68);
        VBox box = new VBox(4, tools, split);
        VBox.setVgrow(split, Priority.ALWAYS);
        box.setPadding(new Insets(4));
        return box;
    }

    private javafx.collections.transformation.SortedList<LatentRow> sortedLatents() {
        var sorted = new javafx.collections.transformation.SortedList<>(vm.latents());
        sorted.comparatorProperty().bind(table.comparatorProperty());
        return sorted;
    }

    private Node right() {
        Label headline = new Label();
        headline.setId("latentHeadline");
        headline.textProperty().bind(vm.headlineProperty());
        headline.setStyle("-fx-font-size: 1.15em; -fx-font-weight: bold;");
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(16, 16);
        busy.visibleProperty().bind(vm.loadingExamplesProperty());
        hover.setId("latentHover");
        hover.setStyle("-fx-text-fill: #555555;");
        HBox head = new HBox(10, headline, busy, spacer(), hover);
        head.setAlignment(Pos.CENTER_LEFT);
        head.setPadding(new Insets(4, 6, 4, 6));

        histogram.setId("latentHistogram");
        histogram.setMinHeight(150);
        CheckBox log = new CheckBox("log count axis");
        log.setId("latentLogCounts");
        log.selectedProperty().bindBidirectional(vm.logCountsProperty());
        VBox hist = new VBox(2, histogram, log);
        VBox.setVgrow(histogram, Priority.ALWAYS);

        neighbours.setId("neighbourTable");
        neighbours.setPlaceholder(new Label("No neighbours"));
        neighbours.getColumns().add(intColumnN("latent", r -> r.latent(), 60));
        neighbours.getColumns().add(numberColumnN("decoder cosine", r -> r.cosine(), v -> String.format(Locale.ROOT, "%.3f", v), 100));
        neighbours.getColumns().add(numberColumnN("density %", r -> r.density() * 100, Formats::magnitude, 80));
        neighbours.getColumns().add(numberColumnN("max act", r -> r.max(), Formats::magnitude, 70));
        neighbours.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        neighbours.setItems(vm.neighbours());
        neighbours.setRowFactory(tv -> {
            TableRow<NeighbourRow> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (!row.isEmpty()) vm.select(row.getItem().latent());
            });
            return row;
        });
        neighbours.setTooltip(new Tooltip("Nearest latents by the cosine of their decoder directions; click one to go there"));
        Label nbTitle = bold("Nearest latents (decoder cosine)");
        VBox nb = new VBox(2, nbTitle, neighbours);
        VBox.setVgrow(neighbours, Priority.ALWAYS);

        SplitPane upper = new SplitPane(hist, nb);
        upper.setDividerPositions(0.62);

        topBox.setId("topExamples");
        bandBox.setId("bandExamples");
        for (VBox v : List.of(topBox, bandBox)) {
            v.setFillWidth(true);
            v.setPadding(new Insets(2, 6, 2, 2));
            v.setStyle("-fx-background-color: white;");
        }
        Node top = listPane("Top activations", topBox, vm::topExamplesTable, "top-activations");
        Node bands = listPane("Across the activation range", bandBox, vm::bandsTable, "activation-bands");
        SplitPane lower = new SplitPane(top, bands);
        lower.setDividerPositions(0.5);

        SplitPane main = new SplitPane(upper, lower);
        main.setOrientation(Orientation.VERTICAL);
        main.setDividerPositions(0.36);
        BorderPane p = new BorderPane(main);
        p.setTop(head);
        return p;
    }

    private Node listPane(String title, VBox content, java.util.function.Supplier<sparsity.views.export.TableData> data, String base) {
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        Button csv = new Button(ExportActions.CSV_TEXT);
        csv.setOnAction(e -> ExportActions.exportCsv(getScene() == null ? null : getScene().getWindow(), data,
                "latent-" + vm.selectedLatent() + "-" + base));
        Button png = new Button(ExportActions.PNG_TEXT);
        png.setOnAction(e -> ExportActions.exportSnapshot(getScene() == null ? null : getScene().getWindow(), content,
                "latent-" + vm.selectedLatent() + "-" + base));
        HBox head = new HBox(8, bold(title), spacer(), csv, png);
        head.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(2, head, scroll);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        box.setPadding(new Insets(2));
        return box;
    }

    // ------------------------------------------------------------------ showing the selection

    /** Shows a chart; a viewer cannot show null, so it keeps the last one while there is none. */
    private static void setChart(ChartViewer viewer, JFreeChart chart) {
        if (chart != null) viewer.setChart(chart);
    }

    private void showSelection(int latent) {
        setChart(histogram, vm.histogramChart());
        LatentAtlas a = vm.atlas();
        if (a == null || latent < 0) return;
        LatentRow item = table.getItems().stream().filter(r -> r.latent() == latent).findFirst().orElse(null);
        if (item != null && table.getSelectionModel().getSelectedItem() != item) {
            selecting = true;
            try {
                table.getSelectionModel().select(item);
                table.scrollTo(Math.max(0, table.getSelectionModel().getSelectedIndex() - 3));
            } finally {
                selecting = false;
            }
        }
        placeholder(topBox, a.summary(latent).dead() ? "Latent " + latent + " was never active on these rows" : "Encoding the examples...");
        placeholder(bandBox, a.summary(latent).dead() ? "" : "Encoding the examples...");
    }

    private static void placeholder(VBox box, String text) {
        Label l = new Label(text);
        l.setStyle("-fx-text-fill: #888888;");
        l.setPadding(new Insets(8));
        box.getChildren().setAll(l);
    }

    private float latentMax() {
        LatentAtlas a = vm.atlas();
        int l = vm.selectedLatent();
        return a == null || l < 0 ? 1 : a.summary(l).max();
    }

    private void showTop() {
        if (vm.topExamples().isEmpty()) return;
        topBox.getChildren().setAll(examples(vm.topExamples()));
    }

    private void showBands() {
        if (vm.bands().isEmpty()) return;
        bandBox.getChildren().clear();
        for (BandView b : vm.bands()) {
            Label t = new Label(b.title());
            t.setStyle("-fx-font-weight: bold; -fx-text-fill: #444444;");
            t.setPadding(new Insets(6, 0, 2, 0));
            bandBox.getChildren().add(t);
            if (b.examples().isEmpty()) {
                Label none = new Label("no activations in this band");
                none.setStyle("-fx-text-fill: #999999;");
                bandBox.getChildren().add(none);
            } else {
                bandBox.getChildren().add(examples(b.examples()));
            }
        }
    }

    private Node examples(List<ExampleLine> lines) {
        float max = latentMax();
        if (vm.source().hasImages()) {
            FlowPane tiles = new FlowPane(4, 4);
            for (ExampleLine l : lines) tiles.getChildren().add(ExampleNodes.imageTile(l, onExampleChosen));
            String why = lines.stream().map(ExampleLine::image)
                    .filter(i -> i instanceof sparsity.sae.features.ExampleImages.Unavailable)
                    .map(i -> ((sparsity.sae.features.ExampleImages.Unavailable) i).reason()).findFirst().orElse(null);
            if (why == null) return tiles;
            Label note = new Label("Thumbnails unavailable: " + why);
            note.setWrapText(true);
            note.setStyle("-fx-text-fill: #b06000;");
            return new VBox(2, note, tiles);
        }
        VBox box = new VBox();
        for (ExampleLine l : lines) box.getChildren().add(ExampleNodes.textLine(l, max, onExampleChosen, hover::setText));
        return box;
    }

    // ------------------------------------------------------------------ small builders

    private static Label bold(String s) {
        Label l = new Label(s);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private static Region spacer() {
        Region r = new Region();
        HBox.setHgrow(r, Priority.ALWAYS);
        return r;
    }

    private static TableColumn<LatentRow, Double> numberColumn(String name, ToDoubleFunction<LatentRow> get,
                                                               DoubleFunction<String> format, double width) {
        return numeric(name, get, format, width);
    }

    private static TableColumn<LatentRow, Double> intColumn(String name, ToDoubleFunction<LatentRow> get, double width) {
        return numeric(name, get, v -> Integer.toString((int) v), width);
    }

    private static TableColumn<NeighbourRow, Double> numberColumnN(String name, ToDoubleFunction<NeighbourRow> get,
                                                                   DoubleFunction<String> format, double width) {
        return numeric(name, get, format, width);
    }

    private static TableColumn<NeighbourRow, Double> intColumnN(String name, ToDoubleFunction<NeighbourRow> get, double width) {
        return numeric(name, get, v -> Integer.toString((int) v), width);
    }

    private static <S> TableColumn<S, Double> numeric(String name, ToDoubleFunction<S> get, DoubleFunction<String> format,
                                                      double width) {
        TableColumn<S, Double> c = new TableColumn<>(name);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(get.applyAsDouble(d.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : format.apply(v));
                setAlignment(Pos.CENTER_RIGHT);
            }
        });
        c.setPrefWidth(width);
        return c;
    }

    /** The charts shown now (activation histogram, density histogram), for tests. */
    List<JFreeChart> charts() {
        return java.util.Arrays.asList(histogram.getChart(), density.getChart());
    }

    /** The nodes of the top-activation list, for tests. */
    VBox topExamplesBox() {
        return topBox;
    }
}
