package sparsity.views.sae;

import java.util.Objects;
import java.util.function.IntConsumer;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import sparsity.sae.features.ExampleCodes;
import sparsity.sae.features.ExampleImages;
import sparsity.views.export.ExportActions;
import sparsity.views.heatmap.HeatmapView;
import sparsity.views.heatmap.HeatmapViewModel;

/**
 * The code of one example as a raster: its tokens down the side, the latents active anywhere in
 * it across, each cell the latent's value on the token (a zoomable {@link HeatmapView}); pick the
 * example with the spinner and the column order with the choice box. Clicking a cell tells
 * {@link #setOnLatentChosen} its latent (e.g. to open it in the latent browser). The raster
 * exports as PNG (heatmap toolbar) and as CSV.
 */
public class CodeRasterView extends BorderPane {

    private final CodeRasterViewModel vm;
    private final StackPane plot = new StackPane();
    private final Label text = new Label();
    private final HBox picture = new HBox();
    private final Spinner<Integer> picker;
    private IntConsumer onLatentChosen = l -> { };
    private HeatmapView heatmapView;

    public CodeRasterView(CodeRasterViewModel vm) {
        this.vm = Objects.requireNonNull(vm, "vm");
        getStyleClass().add("code-raster-view");
        int n = Math.max(1, vm.source().examples());
        picker = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(0, n - 1, Math.max(0, vm.exampleProperty().get())));
        setTop(toolbar());
        plot.setId("rasterPlot");
        setCenter(plot);
        Label summary = new Label();
        summary.setId("rasterSummary");
        summary.textProperty().bind(vm.summaryProperty());
        summary.setPadding(new Insets(2, 8, 4, 8));
        setBottom(summary);
        vm.heatmapProperty().addListener((o, was, now) -> showHeatmap(now));
        vm.codesProperty().addListener((o, was, now) -> showText(now));
        vm.imageProperty().addListener((o, was, now) -> showImage(now));
        vm.exampleProperty().addListener((o, was, now) -> {
            if (now.intValue() >= 0 && picker.getValue() != now.intValue()) picker.getValueFactory().setValue(now.intValue());
        });
        showHeatmap(vm.heatmapProperty().get());
        showText(vm.codesProperty().get());
    }

    public CodeRasterViewModel viewModel() {
        return vm;
    }

    /** Called with the latent of a clicked raster cell. */
    public void setOnLatentChosen(IntConsumer listener) {
        onLatentChosen = Objects.requireNonNull(listener);
    }

    /** The heatmap shown now (null before an example is encoded), for tests and exports. */
    public HeatmapView heatmapView() {
        return heatmapView;
    }

    private Node toolbar() {
        Label ex = new Label("Example");
        picker.setId("rasterExample");
        picker.setEditable(true);
        picker.setPrefWidth(110);
        picker.valueProperty().addListener((o, was, now) -> {
            if (now != null) vm.show(now);
        });
        ChoiceBox<ExampleCodes.Order> order = new ChoiceBox<>();
        order.setId("rasterOrder");
        order.getItems().setAll(ExampleCodes.Order.values());
        order.setConverter(new StringConverter<>() {
            @Override
            public String toString(ExampleCodes.Order o) {
                return o == null ? "" : switch (o) {
                    case FIRST_TOKEN -> vm.source().perToken() ? "latents by first token" : "latents by first example";
                    case TOTAL -> "latents by total activation";
                    case INDEX -> "latents by number";
                };
            }

            @Override
            public ExampleCodes.Order fromString(String s) {
                return null;
            }
        });
        order.valueProperty().bindBidirectional(vm.orderProperty());
        Button csv = new Button(ExportActions.CSV_TEXT);
        csv.setId("rasterCsv");
        csv.setOnAction(e -> ExportActions.exportCsv(getScene() == null ? null : getScene().getWindow(), vm::rasterTable,
                "codes-example-" + vm.exampleProperty().get()));
        csv.disableProperty().bind(vm.codesProperty().isNull());
        ProgressIndicator busy = new ProgressIndicator();
        busy.setPrefSize(16, 16);
        busy.visibleProperty().bind(vm.loadingProperty());
        Label error = new Label();
        error.textProperty().bind(vm.errorProperty());
        error.setStyle("-fx-text-fill: #b00020;");
        Label hint = new Label("click a cell to open its latent");
        hint.setStyle("-fx-text-fill: #888888;");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, ex, picker, order, busy, error, spacer, hint, csv);
        bar.setAlignment(Pos.CENTER_LEFT);
        text.setId("rasterText");
        text.setWrapText(true);
        text.setStyle("-fx-font-size: 1.1em;");
        picture.setSpacing(8);
        picture.setAlignment(Pos.CENTER_LEFT);
        VBox box = new VBox(6, bar, picture, text);
        box.setPadding(new Insets(6, 8, 6, 8));
        box.setStyle("-fx-border-color: transparent transparent #c8c8c8 transparent;");
        return box;
    }

    private void showHeatmap(HeatmapViewModel h) {
        if (h == null) {
            heatmapView = null;
            Label l = new Label(vm.codesProperty().get() == null ? "Choose an example" : "No latent is active on this example");
            l.setStyle("-fx-text-fill: #888888;");
            plot.getChildren().setAll(l);
            return;
        }
        heatmapView = new HeatmapView(h);
        heatmapView.setOnCellClicked(c -> {
            int l = vm.latentOfColumn(c.col());
            if (l >= 0) onLatentChosen.accept(l);
        });
        plot.getChildren().setAll(heatmapView);
    }

    private void showText(ExampleCodes c) {
        if (c == null) {
            text.setText("");
            return;
        }
        if (vm.source().perToken()) {
            text.setText(TokenPieces.text(c.tokens()));
        } else {
            String name = vm.source().exampleName(c.example());
            text.setText((name == null ? "example " + c.example() : name) + (c.rows() > 1
                    ? "; the raster shows it and the " + (c.rows() - 1) + " examples after it, one row each" : ""));
        }
        text.setTooltip(new Tooltip(text.getText()));
    }

    private void showImage(ExampleImages.Result r) {
        picture.getChildren().clear();
        if (r instanceof ExampleImages.Picture p) {
            picture.getChildren().add(ExampleNodes.imageView(p, 96));
        } else if (r instanceof ExampleImages.Unavailable u) {
            Label l = new Label("No thumbnail: " + u.reason());
            l.setStyle("-fx-text-fill: #b06000;");
            l.setWrapText(true);
            picture.getChildren().add(l);
        }
    }
}
