package sparsity.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.app.capture.StoreRecord;
import sparsity.app.jobs.JobManager;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.LoadedWorkspace;
import sparsity.app.workspace.Workspaces;
import sparsity.views.capture.CaptureDialogView;
import sparsity.views.capture.CaptureDialogViewModel;
import sparsity.views.capture.CaptureSettings.InputKind;
import sparsity.views.capture.StoreView;
import sparsity.views.export.Exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures from the window on all-MiniLM-L6-v2: the dialog's mapping step, the capture job, the
 * store under Captures (saved with the workspace), its statistics tab with one row per real
 * token; a cancelled capture listed as incomplete and resumed; the attention atlas and a head.
 */
@ExtendWith(ApplicationExtension.class)
class CaptureUiTest {

    static final String LAYER0 = "/encoder/layer.0/output/LayerNorm/Add_1_output_0";
    /** Where the screenshots go (looked at by hand, not compared). */
    static final Path SCREENS = Path.of(System.getProperty("java.io.tmpdir"), "sparsity-capture-screens");

    @TempDir
    Path tmp;

    private MainWindow window;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void closeWindow() {
        WaitForAsyncUtils.asyncFx(() -> {
            window.captures().dialogStage().ifPresent(Stage::close);
            window.jobs().cancelAll();
        });
        UiFixtures.close(stage);
    }

    private OpenModel openMiniLm() throws Exception {
        return open(SampleModels.MINILM);
    }

    private OpenModel open(SampleModels.Sample sample) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            try {
                window = new MainWindow(stage, UiFixtures.configDir(tmp));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            stage.show();
            window.openSample(sample);
        });
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> window != null && window.tabs().all().size() == 1);
        return fx(() -> window.tabs().all().getFirst());
    }

    @Test
    void capturesAHiddenStateIntoTheWorkspaceAndShowsItsStatistics(FxRobot robot) throws Exception {
        OpenModel m = openMiniLm();
        Path ws = tmp.resolve("ws");
        run(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(60, () -> status().startsWith("Saved workspace"));
        assertTrue(fx(() -> robot.lookup("#captureButton").queryAs(Button.class).isDisabled()), "nothing selected yet");
        run(() -> m.model().selectedTensors().setAll(tensor(m, LAYER0)));
        assertFalse(fx(() -> robot.lookup("#captureButton").queryAs(Button.class).isDisabled()));
        assertTrue(robot.lookup("#captureAttentionButton").tryQuery().isPresent(), "MiniLM has Softmax nodes");

        robot.clickOn("#captureButton");
        UiFixtures.waitUntil(20, () -> window.captures().dialogStage().isPresent());
        CaptureDialogView dialog = fx(() -> (CaptureDialogView) window.captures().dialogStage().orElseThrow().getScene().getRoot());
        CaptureDialogViewModel vm = dialog.viewModel();
        assertEquals(List.of(LAYER0), fx(() -> List.copyOf(vm.tensors())));
        String out = fx(() -> vm.outProperty().get());
        assertTrue(Path.of(out).startsWith(ws.resolve("captures")), "the store goes inside the workspace: " + out);
        run(() -> {
            vm.inputKindProperty().set(InputKind.PASTED);
            vm.pastedTextProperty().set("hello world\nThe quick brown fox jumps over the lazy dog.\nSparse codes are neat.");
        });
        assertTrue(fx(() -> robot.lookup("#captureStart").queryAs(Button.class).isDisabled()), "no Start before the check");
        robot.clickOn("#captureCheck");
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> vm.readyProperty().get() || !vm.problemProperty().get().isEmpty(),
                () -> vm.statusProperty().get() + " / " + vm.problemProperty().get());
        assertTrue(fx(() -> vm.mappingProperty().get()).contains("input_ids int64 [batch_size, sequence_length] <- token ids int64 [3, 12]"),
                fx(() -> vm.mappingProperty().get()));
        assertTrue(fx(() -> vm.estimateProperty().get()).startsWith("1 tensor, 3 examples, 23 tokens, about"));
        // a second view on the same view-model, for the picture (the dialog itself stays put)
        screenshot(fx(() -> new CaptureDialogView(vm)), "capture-dialog.png", 1600, 1000);
        robot.clickOn("#captureStart");

        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> window.captures().stores().size() == 1
                && window.captures().stores().getFirst().state() == StoreRecord.State.COMPLETE && window.jobs().running().isEmpty(),
                this::describe);
        StoreRecord r = fx(() -> window.captures().stores().getFirst());
        assertEquals(23, r.tokens());
        assertEquals(List.of(r.name()), fx(() -> window.sidebar().entries("store").stream().map(SidebarEntry::label).toList()));
        UiFixtures.waitUntil(60, () -> status().contains("Saved workspace"), this::status);
        assertTrue(status().contains("Capture " + r.name() + ": 3 examples, 23 rows this run"), status());

        LoadedWorkspace saved = Workspaces.open(ws);
        Artifact a = saved.state().artifacts().stream().filter(x -> Artifact.STORE.equals(x.kind())).findFirst().orElseThrow();
        assertEquals("captures/" + r.name(), a.path());
        assertEquals(m.summary().sha256(), a.provenance().sha256());
        assertEquals("sample:all-minilm-l6-v2", a.provenance().source());
        assertEquals(LAYER0, a.provenance().settings().get("tensors.captured"));
        assertEquals("float32", a.provenance().settings().get("dtype"));
        assertEquals("complete", a.provenance().settings().get("status"));
        assertTrue(a.provenance().settings().get("inputs").contains("3 texts from pasted text"));
        assertNotNull(a.provenance().createdAt());

        // choosing the store opens its tab; the statistics have one row per real token
        run(() -> window.sidebar().view().getSelectionModel().select(
                window.sidebar().view().getRoot().getChildren().get(2).getChildren().getFirst()));
        UiFixtures.waitUntil(60, () -> window.captures().tabs().view(r.id()).map(v -> v.statsOf(LAYER0).summary() != null)
                .orElse(false), this::describe);
        StoreView view = window.captures().tabs().view(r.id()).orElseThrow();
        assertEquals(23, fx(() -> view.statsOf(LAYER0).summary().rows()));
        assertEquals(384, fx(() -> view.statsOf(LAYER0).summary().dim()));
        assertFalse(fx(() -> view.reportItems()).isEmpty(), "the statistics join the report");
        screenshot(stage.getScene().getRoot(), "capture-store-stats.png", 1600, 1000);

        // File > Export report takes the statistics along
        Path report = tmp.resolve("report");
        run(() -> window.exportReport(report));
        UiFixtures.waitUntil(120, () -> status().startsWith("Report written"), this::status);
        String index = Files.readString(report.resolve("index.html"));
        assertTrue(index.contains("Value histogram of " + LAYER0), "the report has the store's statistics");

        // the workspace opens again with its store, read as complete
        run(() -> window.workspace().open(ws));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> window.jobs().running().isEmpty() && window.tabs().all().size() == 1
                && window.captures().stores().size() == 1
                && window.captures().stores().getFirst().state() == StoreRecord.State.COMPLETE, this::describe);
        assertEquals(23, fx(() -> window.captures().stores().getFirst().tokens()));
        assertEquals(List.of(r.name()), fx(() -> window.sidebar().entries("store").stream().map(SidebarEntry::label).toList()));
    }

    @Test
    void aCancelledCaptureIsIncompleteAndResumes(FxRobot robot) throws Exception {
        OpenModel m = openMiniLm();
        String text = IntStream.range(0, 3000).mapToObj(i -> "Sentence number " + i + " says something about sparse features.")
                .collect(Collectors.joining("\n"));
        CaptureDialogView dialog = fx(() -> window.captures().openDialog(m, false));
        CaptureDialogViewModel vm = dialog.viewModel();
        Path out = tmp.resolve("outside/long");
        run(() -> {
            vm.patternProperty().set(LAYER0);
            vm.inputKindProperty().set(InputKind.PASTED);
            vm.pastedTextProperty().set(text);
            vm.batchSizeProperty().set("4");
            vm.outProperty().set(out.toString());
            vm.check();
        });
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> vm.readyProperty().get() || !vm.problemProperty().get().isEmpty(),
                () -> vm.problemProperty().get());
        JobManager.Job job = fx(() -> window.captures().start(vm.take()));
        UiFixtures.waitUntil(120, () -> job.task().getMessage().contains("rows/s"), () -> job.task().getMessage());
        String message = fx(() -> job.task().getMessage());
        assertTrue(message.matches(".*examples, .* rows, .* rows/s, ETA \\d+:\\d\\d"), message);
        long t0 = System.nanoTime();
        fx(() -> window.sidebar().entries("store").size());
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "the FX thread answers while the capture runs");
        screenshot(stage.getScene().getRoot(), "capture-running.png", 1600, 1000);
        assertEquals(List.of(window.captures().stores().getFirst().name() + " (capturing\u2026)"),
                fx(() -> window.sidebar().entries("store").stream().map(SidebarEntry::label).toList()));
        run(job::cancel);
        UiFixtures.waitUntil(60, () -> window.captures().stores().getFirst().state() == StoreRecord.State.INCOMPLETE, this::describe);
        StoreRecord r = fx(() -> window.captures().stores().getFirst());
        assertTrue(r.examples() > 0 && r.examples() < 3000, "stopped part-way: " + r.examples());
        assertEquals(r.name() + " (incomplete)", fx(() -> window.sidebar().entries("store").getFirst().label()));
        assertTrue(status().contains("cancelled after") && status().contains("incomplete"), status());
        screenshot(stage.getScene().getRoot(), "capture-incomplete.png", 1600, 1000);
        try (ActivationStore s = ActivationStore.open(out)) {
            assertFalse(s.isComplete());
        }
        SidebarEntry entry = fx(() -> window.sidebar().entries("store").getFirst());
        ContextMenu menu = fx(() -> window.captures().contextMenu(entry));
        MenuItem resume = menu.getItems().stream().filter(i -> "storeResumeItem".equals(i.getId())).findFirst().orElseThrow();
        assertFalse(resume.isDisable());
        run(resume::fire);
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> window.captures().stores().getFirst().state() == StoreRecord.State.COMPLETE
                && window.jobs().running().isEmpty(), this::describe);
        try (ActivationStore s = ActivationStore.open(out)) {
            assertTrue(s.isComplete());
            assertEquals(3000, s.examples());
        }
        assertEquals(r.name(), fx(() -> window.sidebar().entries("store").getFirst().label()));

        // Delete removes the folder and the line
        run(() -> window.captures().delete(r.id()));
        UiFixtures.waitUntil(60, () -> window.captures().stores().isEmpty(), this::describe);
        assertFalse(Files.exists(out));
        assertTrue(fx(() -> window.sidebar().entries("store")).isEmpty());
    }

    @Test
    void attentionMapsOpenAsAnAtlasAndAHeadWithTokenLabels(FxRobot robot) throws Exception {
        OpenModel m = openMiniLm();
        CaptureDialogView dialog = fx(() -> window.captures().openDialog(m, true));
        CaptureDialogViewModel vm = dialog.viewModel();
        run(() -> {
            vm.inputKindProperty().set(InputKind.PASTED);
            vm.pastedTextProperty().set("The cat sat on the mat because it was tired.\nhello world");
            vm.outProperty().set(tmp.resolve("attn").toString());
            vm.check();
        });
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> vm.readyProperty().get() || !vm.problemProperty().get().isEmpty(),
                () -> vm.problemProperty().get());
        assertTrue(fx(() -> vm.estimateProperty().get()).startsWith("6 tensors, 2 examples"), fx(() -> vm.estimateProperty().get()));
        run(() -> window.captures().start(vm.take()));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> !window.captures().stores().isEmpty()
                && window.captures().stores().getFirst().state() == StoreRecord.State.COMPLETE, this::describe);
        StoreRecord r = fx(() -> window.captures().stores().getFirst());
        run(() -> window.captures().open(r.id()));
        UiFixtures.waitUntil(60, () -> window.captures().tabs().view(r.id()).isPresent());
        StoreView view = window.captures().tabs().view(r.id()).orElseThrow();
        run(() -> view.tensorTabs().getSelectionModel().select(view.tensorTabs().getTabs().getLast()));
        UiFixtures.waitUntil(60, () -> view.atlasView() != null && view.atlasView().readyProperty().get());
        assertEquals(6, fx(() -> view.atlasView().model().layers()));
        assertEquals(12, fx(() -> view.atlasView().model().heads()));
        run(() -> view.atlasView().select(2, 5));
        var head = fx(() -> robot.lookup("#storeHeadMap").queryAs(sparsity.views.heatmap.HeatmapView.class));
        assertEquals("L2.H5 attention", head.viewModel().title());
        assertEquals(13, head.viewModel().source().rows(), "[CLS] + 11 word pieces + [SEP]");
        assertEquals("[CLS]", head.viewModel().rowLabel(0));
        assertEquals("cat", head.viewModel().colLabel(2));
        assertTrue(fx(() -> view.reportItems()).stream().anyMatch(i -> i.id().startsWith("atlas-")));
        screenshot(stage.getScene().getRoot(), "capture-store-atlas.png", 1600, 1000);

        // the second example ("hello world": 4 tokens) by its number
        var first = fx(view::atlasView);
        run(() -> robot.lookup("#storeAtlasExample").queryAs(javafx.scene.control.Spinner.class).increment());
        UiFixtures.waitUntil(60, () -> view.atlasView() != first && view.atlasView().readyProperty().get());
        assertEquals(4, fx(() -> view.atlasView().model().head(0, 0).rows()));
    }

    @Test
    void theMnistSampleCapturesItsTestImagesInOneClick(FxRobot robot) throws Exception {
        OpenModel m = open(SampleModels.MNIST_MLP);
        GraphTensor relu = m.summary().tensors().stream().filter(t -> t.producerOp().equals("Relu")).findFirst().orElseThrow();
        run(() -> m.model().selectedTensors().setAll(relu));
        robot.clickOn("#captureButton");
        UiFixtures.waitUntil(20, () -> window.captures().dialogStage().isPresent());
        CaptureDialogViewModel vm = fx(() -> ((CaptureDialogView) window.captures().dialogStage().orElseThrow().getScene().getRoot())
                .viewModel());
        assertEquals(InputKind.SAMPLE_NPY, fx(() -> vm.inputKindProperty().get()), "the sample's test images are the default");
        assertEquals("Sample data: mnist-test-images.npy", fx(() -> vm.describe(InputKind.SAMPLE_NPY)));
        run(() -> {
            vm.outProperty().set(tmp.resolve("mnist").toString());
            vm.batchSizeProperty().set("256");
        });
        robot.clickOn("#captureCheck");
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> vm.readyProperty().get() || !vm.problemProperty().get().isEmpty(),
                () -> vm.problemProperty().get());
        assertTrue(fx(() -> vm.mappingProperty().get()).contains("input float [batch, 784] <- the .npy array float [2000, 784]"), fx(() -> vm.mappingProperty().get()));
        assertTrue(fx(() -> vm.estimateProperty().get()).startsWith("1 tensor, 2,000 examples, 0 tokens, about"));
        robot.clickOn("#captureStart");
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> !window.captures().stores().isEmpty()
                && window.captures().stores().getFirst().state() == StoreRecord.State.COMPLETE, this::describe);
        StoreRecord r = fx(() -> window.captures().stores().getFirst());
        assertEquals(2000, r.examples());
        run(() -> window.captures().open(r.id()));
        UiFixtures.waitUntil(60, () -> window.captures().tabs().view(r.id()).map(v -> v.statsOf(relu.name()).summary() != null)
                .orElse(false), this::describe);
        assertEquals(2000, fx(() -> window.captures().tabs().view(r.id()).orElseThrow().statsOf(relu.name()).summary().rows()));
    }

    @Test
    void anImageFolderForATextModelShowsTheProblemInTheDialog(FxRobot robot) throws Exception {
        OpenModel m = openMiniLm();
        Path images = Files.createDirectories(tmp.resolve("digits"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "png",
                images.resolve("0.png").toFile());
        run(() -> m.model().selectedTensors().setAll(tensor(m, LAYER0)));
        robot.clickOn("#captureButton");
        UiFixtures.waitUntil(20, () -> window.captures().dialogStage().isPresent());
        CaptureDialogView dialog = fx(() -> (CaptureDialogView) window.captures().dialogStage().orElseThrow().getScene().getRoot());
        CaptureDialogViewModel vm = dialog.viewModel();
        run(() -> {
            vm.inputKindProperty().set(InputKind.IMAGE_FOLDER);
            vm.inputPathProperty().set(images.toString());
        });
        assertTrue(fx(() -> robot.lookup("#captureImageSpec").query().isVisible()), "the image spec shows for an image folder");
        robot.clickOn("#captureCheck");
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> !vm.checkingProperty().get() && !vm.problemProperty().get().isEmpty());
        javafx.scene.control.Label problem = robot.lookup("#captureProblem").queryAs(javafx.scene.control.Label.class);
        assertTrue(fx(problem::isVisible));
        assertTrue(fx(problem::getText).contains("input_ids"), fx(problem::getText));
        assertTrue(fx(() -> robot.lookup("#captureStart").queryAs(Button.class).isDisabled()));
        screenshot(fx(() -> new CaptureDialogView(vm)), "capture-dialog-problem.png", 1600, 1000);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static List<GraphTensor> tensor(OpenModel m, String name) {
        return m.summary().tensors().stream().filter(t -> t.name().equals(name)).toList();
    }

    /** Snapshots a node in an unshown scene of the given size (it is moved out of its scene for that). */
    private static void screenshot(Parent node, String file, int w, int h) throws Exception {
        Files.createDirectories(SCREENS);
        fx(() -> {
            Scene old = node.getScene();
            if (old != null) old.setRoot(new Pane());
            Scene shot = new Scene(node, w, h);
            node.applyCss();
            node.layout();
            try {
                Exporter.writePng(node, SCREENS.resolve(file));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            shot.setRoot(new Pane());
            if (old != null) old.setRoot(node);
            return null;
        });
    }

    private String status() {
        return fx(() -> window.statusBar().text());
    }

    private String describe() {
        return fx(() -> "stores " + window.captures().stores() + ", jobs " + window.jobs().running().stream()
                .map(j -> j.name() + ": " + j.task().getMessage()).toList() + ", status " + window.statusBar().text());
    }

    static <T> T fx(java.util.concurrent.Callable<T> c) {
        try {
            return WaitForAsyncUtils.asyncFx(c).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void run(Runnable r) {
        fx(() -> {
            r.run();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }
}
