package sparsity.app.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.scene.Node;
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
import sparsity.app.settings.RecentModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File > Open recent: the persisted list, pruning of missing files with a message, reopening from the menu. */
@ExtendWith(ApplicationExtension.class)
class RecentModelsUiTest {

    @TempDir
    Path tmp;

    private Stage stage;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void closeWindow() {
        UiFixtures.close(stage);
    }

    private void openWindow(Path config) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            window = new MainWindow(stage, config);
            stage.show();
        }).get();
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void missingRecentFilesArePrunedWithAMessageAndTheRestReopenFromTheMenu(FxRobot robot) throws Exception {
        Path config = Files.createDirectories(tmp.resolve("config"));
        Path kept = UiFixtures.tinyModel(tmp.resolve("kept.onnx"), 2);
        Path gone = tmp.resolve("gone.onnx");
        new ObjectMapper().writeValue(config.resolve("recent.json").toFile(),
                new RecentModels.RecentFile(1, List.of(gone.toString(), kept.toString())));

        openWindow(config);
        assertFalse(window.firstStart());
        String status = robot.lookup("#statusMessage").queryAs(Label.class).getText();
        assertEquals("Removed from recent models (file no longer exists): " + gone, status);
        assertEquals(List.of(kept), RecentModels.load(config).paths(), "the pruned list is saved");

        robot.clickOn("#fileMenu");
        robot.clickOn("#openRecentMenu");
        UiFixtures.waitUntil(10, () -> robot.lookup("#recentItem-0").match(Node::isVisible).tryQuery().isPresent());
        assertTrue(robot.lookup("#recentItem-1").tryQuery().isEmpty(), "only the file that exists is listed");
        Node item = robot.lookup("#recentItem-0").query();
        robot.moveTo(new javafx.geometry.Point2D(item.localToScreen(item.getBoundsInLocal()).getMinX() + 10,
                robot.point("#openRecentMenu").query().getY()));
        robot.clickOn(item);

        TabPane tabs = robot.lookup("#centerTabs").queryAs(TabPane.class);
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1);
        assertEquals("kept.onnx", tabs.getTabs().getFirst().getText());
    }

    @Test
    void openedModelsGoFirstInTheSavedListAndAFirstStartIsRecognised(FxRobot robot) throws Exception {
        Path config = tmp.resolve("fresh-config");
        openWindow(config);
        assertTrue(window.firstStart(), "no recent.json: a first start");

        Path a = UiFixtures.tinyModel(tmp.resolve("a.onnx"), 2);
        Path b = UiFixtures.tinyModel(tmp.resolve("b.onnx"), 3);
        TabPane tabs = robot.lookup("#centerTabs").queryAs(TabPane.class);
        WaitForAsyncUtils.asyncFx(() -> window.openFile(a)).get();
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1);
        WaitForAsyncUtils.asyncFx(() -> window.openFile(b)).get();
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 2);

        RecentModels saved = RecentModels.load(config);
        assertFalse(saved.firstStart());
        assertEquals(List.of(b.toAbsolutePath(), a.toAbsolutePath()), saved.paths());

        // opening a file that is already open selects its tab instead of loading it again
        WaitForAsyncUtils.asyncFx(() -> window.openFile(a)).get();
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(2, tabs.getTabs().size());
        assertEquals("a.onnx", tabs.getSelectionModel().getSelectedItem().getText());
        assertEquals("a.onnx is already open", robot.lookup("#statusMessage").queryAs(Label.class).getText());
    }

    @Test
    void theListKeepsTheTenNewestWithoutDuplicates() throws IOException {
        Path config = tmp.resolve("c");
        RecentModels r = RecentModels.load(config);
        for (int i = 0; i < 12; i++) r.add(tmp.resolve("m" + i + ".onnx"));
        r.add(tmp.resolve("m5.onnx"));
        r.save();
        List<Path> paths = RecentModels.load(config).paths();
        assertEquals(RecentModels.MAX, paths.size());
        assertEquals(tmp.resolve("m5.onnx").toAbsolutePath(), paths.getFirst());
        assertEquals(tmp.resolve("m11.onnx").toAbsolutePath(), paths.get(1));
        assertEquals(1, paths.stream().filter(p -> p.getFileName().toString().equals("m5.onnx")).count());
        assertFalse(paths.contains(tmp.resolve("m0.onnx").toAbsolutePath()), "the oldest fell off");

        Files.writeString(config.resolve(RecentModels.FILE_NAME), "{ not json");
        RecentModels broken = RecentModels.load(config);
        assertTrue(broken.paths().isEmpty());
        assertFalse(broken.firstStart(), "an unreadable list is not a first start");
    }
}
