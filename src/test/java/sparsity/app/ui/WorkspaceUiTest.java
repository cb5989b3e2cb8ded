package sparsity.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
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
import sparsity.app.workspace.LoadedWorkspace;
import sparsity.app.workspace.Workspaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Save / reopen a workspace from the window, a missing model, refused workspaces, and the report export. */
@ExtendWith(ApplicationExtension.class)
class WorkspaceUiTest {

    @TempDir
    Path tmp;

    private MainWindow window;
    private Stage stage;
    private TabPane tabs;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    private void openWindow() throws IOException {
        WaitForAsyncUtils.asyncFx(() -> {
            try {
                window = new MainWindow(stage, UiFixtures.configDir(tmp));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            stage.show();
            tabs = window.tabs().view();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void closeWindow() {
        UiFixtures.close(stage);
    }

    @Test
    void savesAndRestoresOpenModelsActiveTabAndSelectedTensors(FxRobot robot) throws Exception {
        openWindow();
        Path a = UiFixtures.tinyModel(tmp.resolve("a.onnx"), 2);
        Path b = UiFixtures.tinyModel(tmp.resolve("b.onnx"), 3);
        fx(() -> window.openDropped(List.of(new File(a.toString()), new File(b.toString()))));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 2);
        fx(() -> {
            OpenModel ma = window.tabs().find(a).orElseThrow();
            GraphTensor relu = ma.summary().tensors().stream().filter(t -> t.name().equals("y")).findFirst().orElseThrow();
            ma.model().selectedTensors().setAll(List.of(relu));
            window.tabs().select(ma);
        });

        Path ws = tmp.resolve("my-workspace");
        fx(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(30, () -> status(robot).startsWith("Saved workspace to "));
        LoadedWorkspace saved = Workspaces.open(ws);
        assertEquals(2, saved.state().artifacts().size());
        String idA = saved.state().selection().activeArtifactId();
        assertEquals(List.of("y"), saved.state().selection().selectedTensors().get(idA));
        assertEquals("a.onnx", saved.state().artifacts().stream().filter(x -> x.id().equals(idA)).findFirst()
                .orElseThrow().name());

        fx(() -> window.tabs().closeAll());
        assertTrue(window.sidebar().entries("model").isEmpty());
        fx(() -> window.workspace().open(ws));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 2 && window.jobs().running().isEmpty());
        assertEquals("a.onnx", tabs.getSelectionModel().getSelectedItem().getText());
        OpenModel restored = window.tabs().find(a).orElseThrow();
        assertEquals(List.of("y"), restored.model().selectedTensors().stream().map(GraphTensor::name).toList());
        assertEquals(2, window.sidebar().entries("model").size());

        // a model whose file is gone: the workspace opens, the model is listed greyed as missing
        Files.delete(b);
        fx(() -> window.workspace().open(ws));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> status(robot).startsWith("Opened workspace")
                && window.jobs().running().isEmpty() && tabs.getTabs().size() == 1, () -> describe(robot));
        assertEquals("a.onnx", tabs.getTabs().getFirst().getText());
        SidebarEntry missing = window.sidebar().entries("model").stream().filter(SidebarEntry::missing)
                .findFirst().orElseThrow();
        assertEquals("b.onnx (missing)", missing.label());
        assertTrue(status(robot).contains("1 missing"), status(robot));

        // saving again keeps the missing model in the workspace
        fx(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(30, () -> status(robot).startsWith("Saved workspace to "));
        assertEquals(2, Workspaces.open(ws).state().artifacts().size());
    }

    @Test
    void aWorkspaceModelWithoutATabOpensWhenChosenInTheSidebar(FxRobot robot) throws Exception {
        openWindow();
        Path c = UiFixtures.tinyModel(tmp.resolve("c.onnx"), 2);
        Path ws = Files.createDirectories(tmp.resolve("closed-models"));
        Files.writeString(ws.resolve("workspace.json"), """
                {"formatVersion": 1, "appVersion": "0.1.0", "savedAt": "2026-01-01T00:00:00Z",
                 "artifacts": [{"id": "model-c", "kind": "model", "name": "c.onnx", "path": null,
                                "provenance": {"source": "%s", "sha256": null, "settings": {}, "createdAt": "t", "appVersion": "0.1.0"}}],
                 "selection": {"activeArtifactId": null, "openArtifactIds": [], "selectedTensors": {}}}""".formatted(c));
        fx(() -> window.workspace().open(ws));
        UiFixtures.waitUntil(30, () -> status(robot).startsWith("Opened workspace"), () -> describe(robot));
        assertTrue(tabs.getTabs().isEmpty());
        SidebarEntry listed = window.sidebar().entries("model").getFirst();
        assertEquals("c.onnx", listed.label());
        assertFalse(listed.missing());

        robot.clickOn("c.onnx");
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1, () -> describe(robot));
        assertEquals(List.of("c.onnx"), window.sidebar().entries("model").stream().map(SidebarEntry::label).toList());
        assertEquals(OpenModel.keyOf(c), window.sidebar().entries("model").getFirst().id());

        // saved again, the model keeps its artifact id
        fx(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(30, () -> status(robot).startsWith("Saved workspace to "));
        assertEquals(List.of("model-c"), Workspaces.open(ws).state().selection().openArtifactIds());
    }

    @Test
    void refusedWorkspacesSayWhyAndChangeNothing(FxRobot robot) throws Exception {
        openWindow();
        Path a = UiFixtures.tinyModel(tmp.resolve("a.onnx"), 2);
        fx(() -> window.openFile(a));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1);

        Path newer = Files.createDirectories(tmp.resolve("newer"));
        Files.writeString(newer.resolve("workspace.json"), """
                {"formatVersion": 99, "appVersion": "9.0", "savedAt": "2030-01-01T00:00:00Z", "artifacts": []}""");
        fx(() -> window.workspace().open(newer));
        UiFixtures.waitUntil(30, () -> errorText(robot).contains("newer"));
        assertTrue(errorText(robot).contains("workspace format version 99"), errorText(robot));

        Path escape = Files.createDirectories(tmp.resolve("escape"));
        Files.writeString(escape.resolve("workspace.json"), """
                {"formatVersion": 1, "appVersion": "0.1.0", "savedAt": "2026-01-01T00:00:00Z",
                 "artifacts": [{"id": "s1", "kind": "store", "name": "acts", "path": "../elsewhere/acts.bin",
                                "provenance": {"source": "x", "sha256": null, "settings": {}, "createdAt": "t", "appVersion": "0.1.0"}}],
                 "selection": {"activeArtifactId": null, "openArtifactIds": [], "selectedTensors": {}}}""");
        fx(() -> window.workspace().open(escape));
        UiFixtures.waitUntil(30, () -> errorText(robot).contains("../elsewhere/acts.bin"));
        assertTrue(errorText(robot).contains("refused"), errorText(robot));

        assertEquals(List.of("a.onnx"), tabs.getTabs().stream().map(t -> t.getText()).toList());
        assertEquals(1, window.sidebar().entries("model").size());
    }

    @Test
    void exportsTheReportOfTheOpenModels(FxRobot robot) throws Exception {
        openWindow();
        Path a = UiFixtures.tinyModel(tmp.resolve("a.onnx"), 2);
        fx(() -> window.openFile(a));
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1);
        Path out = tmp.resolve("report");
        fx(() -> window.exportReport(out));
        UiFixtures.waitUntil(60, () -> status(robot).startsWith("Report written to "));
        Path index = out.resolve("index.html");
        assertEquals("Report written to " + index.toAbsolutePath(), status(robot));
        String html = Files.readString(index);
        assertTrue(html.contains("a.onnx"));
        assertFalse(html.contains("Artifacts of the workspace"), "an unsaved workspace has no artifact table");
        try (var files = Files.list(out)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".csv")), "the tables are written as CSV");
        }
        assertEquals(List.of("Report report"), window.sidebar().entries("report").stream().map(SidebarEntry::label).toList());

        // inside a saved workspace: the report lists its artifacts, and the workspace keeps the report
        Path ws = tmp.resolve("ws");
        fx(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(30, () -> status(robot).startsWith("Saved workspace to "));
        Path inside = ws.resolve("reports/first");
        fx(() -> window.exportReport(inside));
        UiFixtures.waitUntil(60, () -> status(robot).equals("Report written to " + inside.resolve("index.html").toAbsolutePath()));
        assertTrue(Files.readString(inside.resolve("index.html")).contains("Artifacts of the workspace"));
        fx(() -> window.workspace().saveTo(ws));
        UiFixtures.waitUntil(30, () -> status(robot).startsWith("Saved workspace to "));
        assertEquals(List.of("reports/first"), Workspaces.open(ws).state().artifacts().stream()
                .filter(x -> x.kind().equals("report")).map(x -> x.path()).toList());
        assertFalse(robot.lookup("#errorPane").query().isVisible());
    }

    private static void fx(Runnable r) throws Exception {
        WaitForAsyncUtils.asyncFx(r).get();
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static String status(FxRobot robot) {
        return robot.lookup("#statusMessage").queryAs(Label.class).getText();
    }

    private String describe(FxRobot robot) {
        return "status '" + status(robot) + "', tabs " + tabs.getTabs().stream().map(t -> t.getText()).toList()
                + ", jobs " + window.jobs().running().stream().map(j -> j.name()).toList() + ", error '" + errorText(robot) + "'";
    }

    private static String errorText(FxRobot robot) {
        return robot.lookup("#errorMessage").tryQuery().map(n -> ((Label) n).getText()).orElse("");
    }
}
