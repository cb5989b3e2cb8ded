package sparsity.app.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drops bad files onto the window (through the method the drop handler calls): each gives an
 * error naming the file and the problem, and the app keeps what it had open and opens more.
 */
class BadInputUiTest extends MainWindowUiTest {

    @Test
    void corruptAndEmptyFilesAreReportedAndTheOpenModelStays(FxRobot robot) throws Exception {
        TabPane tabs = robot.lookup("#centerTabs").queryAs(TabPane.class);
        Path good = UiFixtures.tinyModel(tmp.resolve("good.onnx"), 4);
        drop(good);
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1);
        assertFalse(robot.lookup("#errorPane").query().isVisible(), "no error for a good model");

        Path corrupt = UiFixtures.randomBytes(tmp.resolve("corrupt.onnx"), 4096);
        drop(corrupt);
        String corruptMessage = waitForError(robot, "corrupt.onnx");
        assertTrue(corruptMessage.startsWith(corrupt.toString() + ": "), corruptMessage);
        assertTrue(corruptMessage.contains("not an ONNX model") || corruptMessage.contains("truncated"), corruptMessage);

        Path empty = Files.createFile(tmp.resolve("empty.onnx"));
        drop(empty);
        String emptyMessage = waitForError(robot, "empty.onnx");
        assertEquals(empty + ": not an ONNX model (the file is empty)", emptyMessage);

        Path text = Files.writeString(tmp.resolve("notes.txt"), "these are notes, not a model\n");
        drop(text);
        assertTrue(waitForError(robot, "notes.txt").startsWith(text + ": not an ONNX model"));

        // the earlier tab is untouched, both messages are listed, no job is left running
        assertEquals(List.of("good.onnx"), tabs.getTabs().stream().map(t -> t.getText()).toList());
        assertEquals(3, robot.lookup(".error-message").queryAll().size());
        assertTrue(window.jobs().running().isEmpty());
        assertTrue(robot.lookup("#inputsTable").tryQuery().isPresent(), "the good model's view is still shown");

        // and the app still opens models
        Path other = UiFixtures.tinyModel(tmp.resolve("other.onnx"), 5);
        drop(other);
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 2);
        assertEquals("other.onnx", tabs.getSelectionModel().getSelectedItem().getText());
        assertTrue(robot.lookup("#totalParams").queryAll().stream()
                .anyMatch(n -> ((Label) n).getText().startsWith("20 parameters")));

        // a dismissed error goes away
        robot.clickOn(".error-dismiss");
        assertEquals(2, robot.lookup(".error-message").queryAll().size());
    }

    private void drop(Path file) {
        WaitForAsyncUtils.asyncFx(() -> window.openDropped(List.of(new File(file.toString()))));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Waits for the newest error message to name the file, and returns it. */
    private static String waitForError(FxRobot robot, String fileName) throws Exception {
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> robot.lookup("#errorMessage").tryQuery()
                .map(n -> ((Label) n).getText().contains(fileName)).orElse(false));
        return robot.lookup("#errorMessage").queryAs(Label.class).getText();
    }
}
