package sparsity.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.input.DragEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.layout.Priority;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Screen;
import javafx.stage.Stage;
import sparsity.analysis.samples.SampleModels;
import sparsity.app.AppInfo;
import sparsity.app.jobs.JobManager;
import sparsity.app.settings.RecentModels;
import sparsity.views.export.ExportActions;

/**
 * The main window: menu bar, workspace sidebar, one tab per open model, error notifications and
 * a status bar with the background jobs. Models come in through File > Open, Open recent, Open
 * sample, a workspace, or a file dropped onto the window.
 */
public final class MainWindow implements ModelLoader.Host {

    /** Default window size (smaller where the screen is). */
    public static final double WIDTH = 1600;
    public static final double HEIGHT = 1000;
    static final String TITLE = "Sparsity Workbench";

    private final Stage stage;
    private final RecentModels recent;
    private final JobManager jobs = new JobManager();
    private final ModelTabs tabs = new ModelTabs();
    private final WorkspaceSidebar sidebar = new WorkspaceSidebar();
    private final ErrorPane errors = new ErrorPane();
    private final StatusBar statusBar = new StatusBar(jobs);
    private final ModelLoader loader = new ModelLoader(this);
    private final WorkspaceController workspace;
    private final ReportExporter reports;
    private final CaptureController captures;
    private final SaeController autoencoders;
    private final PruneController pruning;
    private final List<Consumer<OpenModel>> openListeners = new ArrayList<>();
    private final List<Consumer<String>> errorListeners = new ArrayList<>();
    private final SplitPane split;
    private final Scene scene;

    /**
     * Builds the window into the stage (not shown yet).
     *
     * @param configDir where the recent-models list lives
     */
    public MainWindow(Stage stage, Path configDir) {
        this.stage = stage;
        this.recent = RecentModels.load(configDir);
        this.workspace = new WorkspaceController(this);
        this.reports = new ReportExporter(this);
        this.captures = new CaptureController(this);
        this.autoencoders = new SaeController(this);
        this.pruning = new PruneController(this);
        jobs.setStatusSink(this::status);
        jobs.setFailureHandler((job, error) -> error(JobManager.describe(error)));
        ExportActions.setOnExported(path -> status("Exported " + path.toAbsolutePath()));
        ExportActions.setOnError((path, e) -> error(path + ": export failed (" + JobManager.describe(e) + ")"));

        Label hint = new Label("Open a model: File > Open model..., File > Open sample, or drop an .onnx file here.");
        hint.setId("emptyHint");
        hint.setStyle("-fx-text-fill: #777777; -fx-font-size: 14px;");
        StackPane centre = new StackPane(hint, tabs.view());
        StackPane.setAlignment(hint, Pos.CENTER);
        hint.visibleProperty().bind(javafx.beans.binding.Bindings.isEmpty(tabs.view().getTabs()));
        tabs.view().visibleProperty().bind(hint.visibleProperty().not());
        VBox centreColumn = new VBox(errors, centre);
        VBox.setVgrow(centre, Priority.ALWAYS);

        split = new SplitPane(sidebar.view(), centreColumn);
        split.setDividerPositions(0.17);
        SplitPane.setResizableWithParent(sidebar.view(), false);

        BorderPane root = new BorderPane(split);
        root.setTop(MainMenus.build(this));
        root.setBottom(statusBar);
        root.setId("mainWindow");
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        double width = Math.min(WIDTH, screen.getWidth());
        double height = Math.min(HEIGHT, screen.getHeight());
        scene = new Scene(root, width, height);
        installDragAndDrop();

        tabs.setOnActiveChanged(this::activeChanged);
        tabs.setOnClosed(m -> {
            sidebar.remove(m.key());
            workspace.modelClosed(m);
            status("Closed " + m.displayName());
        });
        sidebar.setOnSelect(e -> {
            if ("store".equals(e.kind())) captures.open(e.id());
            if ("sae".equals(e.kind())) autoencoders.open(e.id());
            if (sparsity.app.workspace.Artifact.MASK.equals(e.kind())) pruning.open(e.id());
            if (!"model".equals(e.kind())) return;
            tabs.byKey(e.id()).ifPresentOrElse(tabs::select, () -> workspace.openArtifact(e.id()));
        });
        sidebar.setContextMenus(e -> e != null && "sae".equals(e.kind()) ? autoencoders.contextMenu(e) : captures.contextMenu(e));
        tabs.setToolbar(m -> CaptureToolbar.of(m, captures));

        stage.setTitle(TITLE);
        stage.setScene(scene);
        stage.setOnHidden(e -> jobs.close());

        List<Path> gone = recent.pruneMissing();
        if (!gone.isEmpty()) {
            saveRecent();
            status(prunedMessage(gone));
        }
    }

    // ---- what the app starts with ------------------------------------------------------------

    /** True when the app runs for the first time (no recent-models list yet). */
    public boolean firstStart() {
        return recent.firstStart();
    }

    /**
     * Opens the first-start sample (or, when its file is not here, the first bundled sample that
     * is) and writes the recent list, so that the next start is not a first one.
     */
    public void openFirstStartSample() {
        List<SampleModels.Sample> order = new ArrayList<>();
        order.add(SampleModels.firstStart());
        SampleModels.all().stream().filter(s -> !order.contains(s)).forEach(order::add);
        SampleModels.Sample chosen = order.stream().filter(MainWindow::sampleAvailable).findFirst()
                .orElse(SampleModels.firstStart());
        openSample(chosen);
        saveRecent();
    }

    private static boolean sampleAvailable(SampleModels.Sample s) {
        if (s.resource() != null) return MainWindow.class.getResource(s.resource()) != null;
        return SampleModels.folder().map(f -> f.resolve(s.fileName()).toFile().isFile()).orElse(false);
    }

    /** Called with every error message the window shows (the screenshot mode gives up on one). */
    public void addErrorListener(Consumer<String> listener) {
        errorListeners.add(listener);
    }

    /** Called with every model that gets a tab (the screenshot mode waits for the first). */
    public void addOpenListener(Consumer<OpenModel> listener) {
        openListeners.add(listener);
    }

    // ---- opening models --------------------------------------------------------------------

    /** File > Open model...: a file chooser for ONNX models. */
    void openModelDialog() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open ONNX model");
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("ONNX models (*.onnx)", "*.onnx"),
                new FileChooser.ExtensionFilter("All files", "*"));
        recent.paths().stream().map(Path::getParent).filter(p -> p != null && p.toFile().isDirectory())
                .findFirst().ifPresent(d -> fc.setInitialDirectory(d.toFile()));
        File f = fc.showOpenDialog(stage);
        if (f != null) openFile(f.toPath());
    }

    /** Opens a model file as a background job; errors show in the window. */
    public Optional<JobManager.Job> openFile(Path file) {
        return loader.open(file, m -> { });
    }

    /** Opens a model file and calls back once it is shown. */
    Optional<JobManager.Job> openFile(Path file, Consumer<OpenModel> then) {
        return loader.open(file, then);
    }

    /**
     * What a drop onto the window does: opens every dropped file as a model (any file: the loader
     * says what is wrong with one that is not ONNX).
     */
    public void openDropped(List<File> files) {
        for (File f : files) openFile(f.toPath());
    }

    /** Opens a bundled sample. */
    public Optional<JobManager.Job> openSample(SampleModels.Sample sample) {
        return loader.openSample(sample, m -> { });
    }

    /** Opens a recent model; a file that is gone is removed from the list with a message. */
    void openRecent(Path file) {
        if (!file.toFile().isFile()) {
            recent.remove(file);
            saveRecent();
            status(prunedMessage(List.of(file)));
            return;
        }
        openFile(file);
    }

    /** The recent models, pruning (with a message) the ones whose files are gone. */
    List<Path> recentModels() {
        List<Path> gone = recent.pruneMissing();
        if (!gone.isEmpty()) {
            saveRecent();
            status(prunedMessage(gone));
        }
        return recent.paths();
    }

    private static String prunedMessage(List<Path> gone) {
        return "Removed from recent models (file no longer exists): "
                + String.join(", ", gone.stream().map(Path::toString).toList());
    }

    private void installDragAndDrop() {
        scene.addEventFilter(DragEvent.DRAG_OVER, e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
                e.consume();
            }
        });
        scene.addEventFilter(DragEvent.DRAG_DROPPED, e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) openDropped(e.getDragboard().getFiles());
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    // ---- ModelLoader.Host -------------------------------------------------------------------

    @Override
    public JobManager jobs() {
        return jobs;
    }

    @Override
    public ModelTabs tabs() {
        return tabs;
    }

    @Override
    public void opened(OpenModel m) {
        sidebar.put(new SidebarEntry(m.key(), "model", m.displayName(), false, m.file().toAbsolutePath().toString()));
        sidebar.select(m.key());
        recent.add(m.file());
        saveRecent();
        for (Consumer<OpenModel> l : List.copyOf(openListeners)) l.accept(m);
    }

    @Override
    public void status(String message) {
        statusBar.show(message);
    }

    @Override
    public void error(String message) {
        errors.show(message);
        status(message);
        for (Consumer<String> l : List.copyOf(errorListeners)) l.accept(message);
    }

    // ---- other actions ----------------------------------------------------------------------

    WorkspaceController workspace() {
        return workspace;
    }

    WorkspaceSidebar sidebar() {
        return sidebar;
    }

    PruneController pruning() {
        return pruning;
    }

    SaeController autoencoders() {
        return autoencoders;
    }

    CaptureController captures() {
        return captures;
    }

    StatusBar statusBar() {
        return statusBar;
    }

    Stage stage() {
        return stage;
    }

    /** File > Export report...: asks for a folder, then writes the report as a job. */
    void exportReportDialog() {
        if (tabs.all().isEmpty() && captures.tabs().reportItems().isEmpty() && autoencoders.reportItems().isEmpty()) {
            status("Nothing to report: open a model first");
            return;
        }
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Export report into folder");
        File dir = dc.showDialog(stage);
        if (dir != null) reports.export(dir.toPath());
    }

    /** Writes the report of every open model into a folder as a background job. */
    Optional<JobManager.Job> exportReport(Path dir) {
        return reports.export(dir);
    }

    void showSidebar(boolean show) {
        if (show && !split.getItems().contains(sidebar.view())) {
            split.getItems().addFirst(sidebar.view());
            split.setDividerPositions(0.17);
        } else if (!show) {
            split.getItems().remove(sidebar.view());
        }
    }

    void closeActiveTab() {
        tabs.active().ifPresent(tabs::close);
    }

    void clearErrors() {
        errors.clear();
    }

    void about() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("About Sparsity Workbench");
        a.setHeaderText("Sparsity Workbench " + AppInfo.version());
        a.setContentText("Look inside ONNX models: inputs, outputs, operators, parameters and every "
                + "intermediate tensor.\nJava " + Runtime.version() + ", JavaFX "
                + System.getProperty("javafx.runtime.version", "?"));
        a.getDialogPane().setId("aboutDialog");
        a.show();
    }

    void quit() {
        jobs.close();
        stage.close();
        Platform.exit();
    }

    private void activeChanged(Optional<OpenModel> active) {
        stage.setTitle(active.map(m -> TITLE + " — " + m.displayName()).orElse(TITLE));
        active.ifPresent(m -> sidebar.select(m.key()));
    }

    private void saveRecent() {
        try {
            recent.save();
        } catch (IOException e) {
            status("Could not save the recent-models list " + recent.file() + ": " + e.getMessage());
        }
    }

    /** The scene (the screenshot mode snapshots it). */
    public Scene scene() {
        return scene;
    }

    /** Stops the background jobs. */
    public void close() {
        jobs.close();
    }
}
