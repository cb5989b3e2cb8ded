package sparsity.views.attention;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import sparsity.views.export.ExportActions;

/**
 * An attention atlas: every head of every layer as a small max-pooled heatmap of one example,
 * captioned with "layer.head", the caller's label and figure. Thumbnails are computed off the
 * JavaFX thread (again when the log toggle changes); clicking a head selects it and tells the
 * listener, which typically opens it in a {@link sparsity.views.heatmap.HeatmapView}.
 */
public class AttentionAtlasView extends BorderPane {

    /** Told which head was clicked. */
    @FunctionalInterface
    public interface HeadListener {
        void headSelected(int layer, int head);
    }

    /** A head of the atlas. */
    public record HeadRef(int layer, int head) {
    }

    /** Pixels per thumbnail side. */
    public static final int THUMB = 96;

    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "atlas-thumbnails");
        t.setDaemon(true);
        return t;
    });
    private static final String CELL_STYLE = "-fx-padding: 3; -fx-border-width: 2; -fx-border-color: transparent;";
    private static final String SELECTED_STYLE = "-fx-padding: 3; -fx-border-width: 2; -fx-border-color: #ff3b30;";

    private AtlasModel model;
    private final Map<String, Label[]> captions = new HashMap<>();
    private final GridPane grid = new GridPane();
    private final Map<String, ImageView> views = new HashMap<>();
    private final Map<String, VBox> cells = new HashMap<>();
    private final BooleanProperty log = new SimpleBooleanProperty(true);
    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<HeadRef> selected = new ReadOnlyObjectWrapper<>();
    private final Label status = new Label();
    private Map<String, int[]> pixels = Map.of();
    private HeadListener listener = (layer, head) -> { };
    private Task<Map<String, int[]>> task;

    public AttentionAtlasView(AtlasModel model) {
        this.model = Objects.requireNonNull(model, "model");
        getStyleClass().add("attention-atlas");
        grid.setId("atlasGrid");
        grid.setHgap(6);
        grid.setVgap(6);
        grid.setPadding(new Insets(8));
        grid.setStyle("-fx-background-color: white;");
        buildGrid();
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(false);
        setCenter(scroll);
        setTop(toolbar());
        log.addListener((o, was, now) -> compute());
        selected.addListener((o, was, now) -> {
            if (was != null) cells.get(was.layer() + "." + was.head()).setStyle(CELL_STYLE);
            if (now != null) cells.get(now.layer() + "." + now.head()).setStyle(SELECTED_STYLE);
        });
        compute();
    }

    private Node toolbar() {
        Label title = new Label(model.title());
        title.setStyle("-fx-font-weight: bold;");
        Label hint = new Label(model.layers() + " layers x " + model.heads() + " heads \u00b7 click a head to open it");
        hint.setStyle("-fx-text-fill: #666666;");
        CheckBox logBox = new CheckBox("log colour scale");
        logBox.setId("atlasLog");
        logBox.selectedProperty().bindBidirectional(log);
        Button export = ExportActions.exportButton(grid, "atlas-" + model.title());
        export.setId("atlasExport");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        status.setId("atlasStatus");
        status.setStyle("-fx-text-fill: #666666;");
        HBox bar = new HBox(12, title, hint, status, spacer, logBox, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 4, 8));
        return bar;
    }

    private void buildGrid() {
        for (int h = 0; h < model.heads(); h++) {
            Label l = new Label("head " + h);
            l.setStyle("-fx-text-fill: #444444;");
            GridPane.setHalignment(l, javafx.geometry.HPos.CENTER);
            grid.add(l, h + 1, 0);
        }
        for (int l = 0; l < model.layers(); l++) {
            Label name = new Label("L" + l);
            name.setStyle("-fx-text-fill: #444444; -fx-font-weight: bold;");
            grid.add(name, 0, l + 1);
            for (int h = 0; h < model.heads(); h++) {
                AtlasModel.Head head = model.head(l, h);
                grid.add(head == null ? emptyCell() : cell(head), h + 1, l + 1);
            }
        }
    }

    private Node emptyCell() {
        Region r = new Region();
        r.setPrefSize(THUMB, THUMB);
        r.setStyle("-fx-background-color: #eeeeee;");
        return r;
    }

    private Node cell(AtlasModel.Head head) {
        ImageView iv = new ImageView();
        iv.setFitWidth(THUMB);
        iv.setFitHeight(THUMB);
        iv.setSmooth(false);
        Region placeholder = new Region();
        placeholder.setPrefSize(THUMB, THUMB);
        Label caption = new Label(head.name() + (head.label().isEmpty() ? "" : "  " + head.label()));
        caption.setMaxWidth(THUMB);
        caption.setStyle("-fx-font-size: 10px;");
        Label figure = new Label(head.figure());
        figure.setMaxWidth(THUMB);
        figure.setStyle("-fx-font-size: 10px; -fx-text-fill: #555555;");
        VBox box = new VBox(2, new javafx.scene.layout.StackPane(placeholder, iv), caption, figure);
        box.setId("atlas-" + head.layer() + "-" + head.head());
        box.setStyle(CELL_STYLE);
        Tooltip.install(box, new Tooltip(tooltip(head)));
        box.setOnMouseClicked(e -> select(head.layer(), head.head()));
        box.setCursor(javafx.scene.Cursor.HAND);
        views.put(head.name(), iv);
        cells.put(head.name(), box);
        captions.put(head.name(), new Label[] {caption, figure});
        return box;
    }

    private static String tooltip(AtlasModel.Head head) {
        return "layer " + head.layer() + ", head " + head.head() + (head.label().isEmpty() ? "" : "\n" + head.label())
                + (head.figure().isEmpty() ? "" : "\n" + head.figure()) + "\n" + head.rows() + " x " + head.cols();
    }

    /**
     * Shows new captions (labels and figures) of the same maps, e.g. once the head metrics are
     * computed, without drawing the thumbnails again.
     *
     * @throws IllegalArgumentException when the model holds other heads or maps
     */
    public void setCaptions(AtlasModel captioned) {
        if (captioned.layers() != model.layers() || captioned.heads() != model.heads()
                || captioned.maps().size() != model.maps().size()) {
            throw new IllegalArgumentException("the captioned atlas has other heads");
        }
        for (AtlasModel.Head h : captioned.maps()) {
            AtlasModel.Head was = model.head(h.layer(), h.head());
            if (was == null || was.map() != h.map()) throw new IllegalArgumentException("head " + h.name() + " has another map");
        }
        model = captioned;
        for (AtlasModel.Head h : captioned.maps()) {
            Label[] l = captions.get(h.name());
            l[0].setText(h.name() + (h.label().isEmpty() ? "" : "  " + h.label()));
            l[1].setText(h.figure());
            Tooltip.install(cells.get(h.name()), new Tooltip(tooltip(h)));
        }
    }

    /** Selects a head and tells the listener, as a click on it does. */
    public void select(int layer, int head) {
        if (model.head(layer, head) == null) throw new IllegalArgumentException("no map for head " + layer + "." + head);
        selected.set(new HeadRef(layer, head));
        listener.headSelected(layer, head);
    }

    public void setOnHeadSelected(HeadListener l) {
        listener = Objects.requireNonNull(l);
    }

    public ReadOnlyObjectProperty<HeadRef> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    /** Whether the thumbnails of the present colour scale are drawn. */
    public ReadOnlyBooleanProperty readyProperty() {
        return ready.getReadOnlyProperty();
    }

    /** Log colour scale (on at first: attention mass spans decades). */
    public BooleanProperty logScaleProperty() {
        return log;
    }

    public AtlasModel model() {
        return model;
    }

    /** The thumbnail pixels of (layer, head) as drawn now ({@value #THUMB} square, ARGB), or null. */
    public int[] thumbnail(int layer, int head) {
        return pixels.get(layer + "." + head);
    }

    /** The grid, as its PNG export snapshots it. */
    public Node exportNode() {
        return grid;
    }

    private void compute() {
        if (task != null) task.cancel();
        ready.set(false);
        status.setText("drawing " + model.maps().size() + " heads\u2026");
        boolean logNow = log.get();
        Task<Map<String, int[]>> t = new Task<>() {
            @Override
            protected Map<String, int[]> call() {
                return AtlasImages.thumbnails(model, THUMB, logNow);
            }
        };
        t.setOnSucceeded(e -> {
            if (task != t) return;
            task = null;
            pixels = t.getValue();
            pixels.forEach((name, px) -> {
                WritableImage img = new WritableImage(THUMB, THUMB);
                img.getPixelWriter().setPixels(0, 0, THUMB, THUMB, PixelFormat.getIntArgbInstance(), px, 0, THUMB);
                views.get(name).setImage(img);
            });
            status.setText("");
            ready.set(true);
        });
        t.setOnFailed(e -> {
            if (task != t) return;
            task = null;
            status.setText("Could not draw the atlas: " + t.getException().getMessage());
        });
        task = t;
        WORKER.execute(t);
    }
}
