package sparsity.views.heatmap;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import sparsity.views.export.ExportActions;

/**
 * A zoomable, pannable heatmap of any matrix (attention heads, autoencoder latents, pruning
 * masks): wheel zooms about the cursor, drag pans, double-click shows the whole matrix again.
 * The image is max-pooled ({@link HeatmapImage}) for exactly the viewport and canvas size on a
 * background thread; while a new image is computed the last one is drawn stretched to the new
 * viewport, and the exact one replaces it when ready, so zooming in refines the picture from the
 * raw cells. Token labels appear on an axis once each row or column gets
 * {@value HeatmapViewModel#LABEL_PIXELS} pixels; hovering shows row, column and value.
 */
public class HeatmapView extends BorderPane {

    private static final ExecutorService RENDER = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "heatmap-render");
        t.setDaemon(true);
        return t;
    });

    private final HeatmapViewModel vm;
    private final Canvas canvas = new Canvas();
    private final Canvas colorBar = new Canvas(90, 10);
    private final Label hover = new Label(" ");
    private final HBox plotArea;
    private final ReadOnlyObjectWrapper<HeatmapFrame> frame = new ReadOnlyObjectWrapper<>();
    private WritableImage image;
    private Task<HeatmapFrame> running;
    private boolean pending;
    private double dragX;
    private double dragY;
    private HeatmapViewModel.Cell hovered;
    private boolean dragged;
    private java.util.function.Consumer<HeatmapViewModel.Cell> onCellClicked = c -> { };

    public HeatmapView(HeatmapViewModel vm) {
        this.vm = vm;
        getStyleClass().add("heatmap-view");
        canvas.setId("heatmapCanvas");
        colorBar.setId("heatmapColorBar");
        hover.setId("heatmapHover");
        Pane plot = new Pane(canvas) {
            @Override
            protected void layoutChildren() {
                if (canvas.getWidth() != getWidth() || canvas.getHeight() != getHeight()) {
                    canvas.setWidth(getWidth());
                    canvas.setHeight(getHeight());
                    colorBar.setHeight(getHeight());
                    redraw();
                    requestRender();
                }
            }
        };
        plot.setMinSize(0, 0);
        plot.setPrefSize(600, 600);
        canvas.setManaged(false);
        HBox.setHgrow(plot, Priority.ALWAYS);
        plotArea = new HBox(4, plot, colorBar);
        plotArea.setStyle("-fx-background-color: white;");
        plotArea.setPadding(new Insets(4));
        setCenter(plotArea);
        setTop(toolbar());
        hover.setPadding(new Insets(2, 8, 4, 8));
        hover.setMaxWidth(Double.MAX_VALUE);
        setBottom(hover);
        wireMouse();
        ContextMenu menu = new ContextMenu();
        MenuItem png = new MenuItem(ExportActions.PNG_TEXT);
        png.setOnAction(e -> ExportActions.exportSnapshot(getScene() == null ? null : getScene().getWindow(),
                plotArea, vm.title()));
        menu.getItems().add(png);
        canvas.setOnContextMenuRequested(e -> menu.show(canvas, e.getScreenX(), e.getScreenY()));
        vm.viewportProperty().addListener((o, was, now) -> {
            redraw();
            requestRender();
        });
        vm.logScaleProperty().addListener((o, was, now) -> requestRender());
        vm.rangeProperty().addListener((o, was, now) -> {
            HeatmapFrame f = frame.get();
            if (f == null || !f.range().equals(now)) requestRender();
        });
    }

    private Node toolbar() {
        Label title = new Label(vm.title());
        title.setStyle("-fx-font-weight: bold;");
        CheckBox log = new CheckBox("log colour scale");
        log.setId("heatmapLog");
        log.selectedProperty().bindBidirectional(vm.logScaleProperty());
        Button reset = new Button("Whole map");
        reset.setId("heatmapReset");
        reset.setOnAction(e -> vm.reset());
        Button export = ExportActions.exportButton(plotArea, vm.title());
        export.setId("heatmapExport");
        Label hint = new Label("wheel: zoom \u00b7 drag: pan \u00b7 double-click: whole map");
        hint.setStyle("-fx-text-fill: #666666;");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(12, title, hint, spacer, log, reset, export);
        bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 4, 8));
        return bar;
    }

    public HeatmapViewModel viewModel() {
        return vm;
    }

    /**
     * Called with the cell under a single click (not a drag, not a double-click), e.g. to show the
     * attention row of the clicked query token.
     */
    public void setOnCellClicked(java.util.function.Consumer<HeatmapViewModel.Cell> listener) {
        onCellClicked = java.util.Objects.requireNonNull(listener);
    }

    /** The image drawn last (null before the first one is ready). */
    public ReadOnlyObjectProperty<HeatmapFrame> frameProperty() {
        return frame.getReadOnlyProperty();
    }

    /** The canvas (plot, axes and labels), e.g. to post mouse events in tests. */
    public Canvas canvas() {
        return canvas;
    }

    /** What a PNG export snapshots: the plot with its axes and the colour bar. */
    public Node exportNode() {
        return plotArea;
    }

    /** Plot area inside the canvas: x, y, width, height. */
    public double[] plotRect() {
        double l = HeatmapAxes.left(vm);
        double w = Math.max(0, canvas.getWidth() - l - 8);
        double h = Math.max(0, canvas.getHeight() - HeatmapAxes.bottom(vm) - 8);
        return new double[] {l, 8, w, h};
    }

    private void wireMouse() {
        canvas.setOnScroll(e -> {
            double[] r = plotRect();
            if (e.getDeltaY() == 0 || r[2] <= 0 || r[3] <= 0) return;
            double x = clamp(e.getX() - r[0], r[2]);
            double y = clamp(e.getY() - r[1], r[3]);
            vm.wheel(e.getDeltaY() / 40.0, x, y, r[2], r[3]);
            e.consume();
        });
        canvas.setOnMousePressed(e -> {
            dragX = e.getX();
            dragY = e.getY();
            dragged = false;
        });
        canvas.setOnMouseDragged(e -> {
            if (e.getButton() != MouseButton.PRIMARY) return;
            double[] r = plotRect();
            if (r[2] <= 0 || r[3] <= 0) return;
            dragged = true;
            vm.panBy(e.getX() - dragX, e.getY() - dragY, r[2], r[3]);
            dragX = e.getX();
            dragY = e.getY();
        });
        canvas.setOnMouseClicked(e -> {
            if (e.getButton() != MouseButton.PRIMARY || dragged) return;
            if (e.getClickCount() == 2) {
                vm.reset();
                return;
            }
            double[] r = plotRect();
            HeatmapViewModel.Cell c = vm.cellAt(e.getX() - r[0], e.getY() - r[1], r[2], r[3]);
            if (c != null) onCellClicked.accept(c);
        });
        canvas.setOnMouseMoved(e -> showHover(e.getX(), e.getY()));
        canvas.setOnMouseExited(e -> {
            hovered = null;
            hover.setText(" ");
            redraw();
        });
    }

    /** Updates the hover line for canvas point (x, y). */
    void showHover(double x, double y) {
        double[] r = plotRect();
        HeatmapViewModel.Cell c = vm.cellAt(x - r[0], y - r[1], r[2], r[3]);
        hover.setText(c == null ? " " : vm.describe(c));
        boolean changed = c == null ? hovered != null : !c.equals(hovered);
        hovered = c;
        if (changed) redraw();
    }

    private static double clamp(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Starts computing the image for the present viewport and size, unless one is being computed. */
    private void requestRender() {
        double[] r = plotRect();
        int w = (int) Math.floor(r[2]);
        int h = (int) Math.floor(r[3]);
        if (w <= 0 || h <= 0) return;
        if (running != null) {
            pending = true;
            return;
        }
        Viewport vp = vm.viewport();
        boolean log = vm.logScaleProperty().get();
        HeatmapFrame prev = frame.get();
        var range = vm.rangeProperty().get();
        MatrixSource src = vm.source();
        Task<HeatmapFrame> t = new Task<>() {
            @Override
            protected HeatmapFrame call() {
                return HeatmapFrame.compute(src, vp, w, h, log, range, prev);
            }
        };
        t.setOnSucceeded(e -> {
            HeatmapFrame f = t.getValue();
            image = new WritableImage(f.width(), f.height());
            image.getPixelWriter().setPixels(0, 0, f.width(), f.height(), PixelFormat.getIntArgbInstance(),
                    f.argb(), 0, f.width());
            frame.set(f);
            if (vm.rangeProperty().get() == null) vm.rangeProperty().set(f.range());
            finished();
        });
        t.setOnFailed(e -> {
            hover.setText("Could not draw the heatmap: " + t.getException().getMessage());
            finished();
        });
        running = t;
        RENDER.execute(t);
    }

    private void finished() {
        running = null;
        redraw();
        if (pending) {
            pending = false;
            requestRender();
        }
    }

    /** Draws the last image (stretched to the present viewport if that moved since), axes and colour bar. */
    private void redraw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        double[] r = plotRect();
        if (r[2] <= 0 || r[3] <= 0) return;
        HeatmapFrame f = frame.get();
        Viewport v = vm.viewport();
        if (f != null && image != null) {
            Viewport fv = f.viewport();
            double x = r[0] + v.xOf(fv.col0(), r[2]);
            double y = r[1] + v.yOf(fv.row0(), r[3]);
            double w = fv.cols() * r[2] / v.cols();
            double h = fv.rows() * r[3] / v.rows();
            g.save();
            g.beginPath();
            g.rect(r[0], r[1], r[2], r[3]);
            g.clip();
            g.setImageSmoothing(false);
            g.drawImage(image, x, y, w, h);
            g.restore();
            HeatmapAxes.colorBar(colorBar.getGraphicsContext2D(), f.scale(), f.colormap(), colorBar.getWidth(),
                    colorBar.getHeight());
        }
        HeatmapAxes.draw(g, vm, r[0], r[1], r[2], r[3]);
        if (hovered != null && v.pixelsPerRow(r[3]) >= 4 && v.pixelsPerCol(r[2]) >= 4) {
            g.setStroke(Color.web("#ff3b30"));
            g.setLineWidth(1.5);
            g.strokeRect(r[0] + v.xOf(hovered.col(), r[2]), r[1] + v.yOf(hovered.row(), r[3]),
                    r[2] / v.cols(), r[3] / v.rows());
        }
    }
}
