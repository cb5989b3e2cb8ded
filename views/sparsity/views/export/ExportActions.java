package sparsity.views.export;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Control;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableView;
import javafx.stage.Window;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import sparsity.views.charts.Charts;

/**
 * The same export UI on every table and chart: "Export CSV..." on tables, "Export PNG..." and
 * "Export CSV..." (the chart's data) on charts, as context menu items or toolbar buttons.
 * <p>
 * The data is taken and the image drawn on the JavaFX thread when the user asks; the file is
 * written on a background thread. Where files go is asked of the {@link FileTarget} (a save
 * dialog unless replaced); {@link #setOnExported} and {@link #setOnError} tell the app (status
 * bar, tests) how each export ended.
 */
public final class ExportActions {

    /** Size of a chart exported as PNG. */
    public static final int PNG_WIDTH = 1200;
    public static final int PNG_HEIGHT = 700;
    public static final String CSV_TEXT = "Export CSV...";
    public static final String PNG_TEXT = "Export PNG...";

    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "export-writer");
        t.setDaemon(true);
        return t;
    });
    private static volatile FileTarget fileTarget;
    private static volatile Consumer<Path> onExported = path -> { };
    private static volatile BiConsumer<Path, Exception> onError = ExportActions::showError;

    private ExportActions() {
    }

    /** Replaces where exports go (a save dialog by default). */
    public static void setFileTarget(FileTarget target) {
        fileTarget = Objects.requireNonNull(target);
    }

    public static FileTarget fileTarget() {
        FileTarget t = fileTarget;
        if (t == null) fileTarget = t = FileTarget.chooser();
        return t;
    }

    /** Called on the JavaFX thread with each file written. */
    public static void setOnExported(Consumer<Path> listener) {
        onExported = Objects.requireNonNull(listener);
    }

    /** Called on the JavaFX thread when an export fails (an error dialog by default). */
    public static void setOnError(BiConsumer<Path, Exception> handler) {
        onError = Objects.requireNonNull(handler);
    }

    /** Adds "Export CSV..." to a table's context menu. */
    public static void install(TableView<?> table, Supplier<TableData> data, String baseName) {
        install((Control) table, data, baseName);
    }

    /** Adds "Export CSV..." to the context menu of any control that shows a table (e.g. a TreeTableView). */
    public static void install(Control control, Supplier<TableData> data, String baseName) {
        ContextMenu menu = control.getContextMenu();
        if (menu == null) {
            menu = new ContextMenu();
            control.setContextMenu(menu);
        } else if (!menu.getItems().isEmpty()) {
            menu.getItems().add(new SeparatorMenuItem());
        }
        menu.getItems().add(csvItem(control, data, baseName));
    }

    /**
     * Puts "Export PNG..." and "Export CSV..." (the chart's dataset) in a chart viewer's context
     * menu, in place of the viewer's own export menu. The chart the viewer shows when the user
     * asks is exported ({@code chart} when the viewer shows none), so a viewer whose chart is
     * replaced keeps exporting what it shows.
     */
    public static void install(ChartViewer viewer, JFreeChart chart, String baseName) {
        Supplier<JFreeChart> current = () -> viewer.getChart() != null ? viewer.getChart() : chart;
        ContextMenu menu = viewer.getContextMenu();
        if (menu == null) {
            ContextMenu own = new ContextMenu();
            viewer.setOnContextMenuRequested(e -> own.show(viewer, e.getScreenX(), e.getScreenY()));
            menu = own;
        }
        menu.getItems().removeIf(item -> item instanceof Menu m && "Export As".equals(m.getText()));
        MenuItem png = new MenuItem(PNG_TEXT);
        png.setOnAction(e -> {
            if (current.get() != null) exportPng(window(viewer), ImageSource.of(current.get()), baseName);
        });
        MenuItem csv = new MenuItem(CSV_TEXT);
        csv.setOnAction(e -> {
            if (current.get() != null) exportCsv(window(viewer), () -> Charts.datasetTable(current.get()), baseName);
        });
        menu.getItems().addAll(png, csv);
    }

    /** A toolbar button that exports a table as CSV. */
    public static Button exportButton(Supplier<TableData> data, String baseName) {
        Button b = new Button(CSV_TEXT);
        b.setOnAction(e -> exportCsv(window(b), data, baseName));
        return b;
    }

    /** A toolbar button that exports a chart as PNG. */
    public static Button exportButton(JFreeChart chart, String baseName) {
        Button b = new Button(PNG_TEXT);
        b.setOnAction(e -> exportPng(window(b), ImageSource.of(chart), baseName));
        return b;
    }

    /** A toolbar button that exports a snapshot of any node (e.g. a heatmap canvas) as PNG. */
    public static Button exportButton(Node node, String baseName) {
        Button b = new Button(PNG_TEXT);
        b.setOnAction(e -> exportSnapshot(window(b), node, baseName));
        return b;
    }

    /** Asks for a file and writes the table there as CSV. Call on the JavaFX thread. */
    public static void exportCsv(Window owner, Supplier<TableData> data, String baseName) {
        Path file = fileTarget().choose(owner, FileNames.safe(baseName) + ".csv");
        if (file == null) return;
        TableData table;
        try {
            table = data.get();
        } catch (RuntimeException e) {
            onError.accept(file, e);
            return;
        }
        write(file, () -> Exporter.writeCsv(table, file));
    }

    /** Asks for a file and writes the image there as a {@value #PNG_WIDTH}x{@value #PNG_HEIGHT} PNG. */
    public static void exportPng(Window owner, ImageSource image, String baseName) {
        Path file = fileTarget().choose(owner, FileNames.safe(baseName) + ".png");
        if (file == null) return;
        BufferedImage img;
        try {
            img = image.render(PNG_WIDTH, PNG_HEIGHT);
        } catch (RuntimeException e) {
            onError.accept(file, e);
            return;
        }
        write(file, () -> Exporter.writePng(img, file));
    }

    /** Asks for a file and writes a snapshot of the node there as PNG. Call on the JavaFX thread. */
    public static void exportSnapshot(Window owner, Node node, String baseName) {
        Path file = fileTarget().choose(owner, FileNames.safe(baseName) + ".png");
        if (file == null) return;
        BufferedImage img;
        try {
            img = FxSnapshots.snapshot(node);
        } catch (RuntimeException e) {
            onError.accept(file, e);
            return;
        }
        write(file, () -> Exporter.writePng(img, file));
    }

    private static MenuItem csvItem(Node owner, Supplier<TableData> data, String baseName) {
        MenuItem csv = new MenuItem(CSV_TEXT);
        csv.setOnAction(e -> exportCsv(window(owner), data, baseName));
        return csv;
    }

    private interface Write {
        void run() throws IOException;
    }

    private static void write(Path file, Write w) {
        WRITER.execute(() -> {
            try {
                w.run();
                Platform.runLater(() -> onExported.accept(file));
            } catch (IOException | RuntimeException e) {
                Platform.runLater(() -> onError.accept(file, e));
            }
        });
    }

    private static Window window(Node n) {
        return n.getScene() == null ? null : n.getScene().getWindow();
    }

    private static void showError(Path file, Exception e) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.setTitle("Export failed");
        a.setHeaderText("Could not write " + file);
        a.setContentText(String.valueOf(e.getMessage()));
        a.show();
    }
}
