package sparsity.app.ui;

import java.util.List;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opens the bundled all-MiniLM-L6-v2 through File > Open sample and reads what the model view shows. */
class OpenSampleUiTest extends MainWindowUiTest {

    private static boolean shown(FxRobot robot, String query) {
        return robot.lookup(query).match(n -> n.getScene() != null && n.getScene().getWindow().isShowing()).tryQuery().isPresent();
    }

    @Test
    void opensMiniLmFromTheMenuAndShowsItsInputsOpsAndParameterCount(FxRobot robot) throws Exception {
        robot.clickOn("#fileMenu");
        robot.clickOn("#openSampleMenu");
        UiFixtures.waitUntil(10, () -> shown(robot, "#openSample-all-minilm-l6-v2"));
        Node item = robot.lookup("#openSample-all-minilm-l6-v2").match(n -> n.getScene() != null).queryAs(Node.class);
        // into the submenu sideways, then down to the item: a diagonal path would cross other items
        Bounds b = item.localToScreen(item.getBoundsInLocal());
        robot.moveTo(new Point2D(b.getMinX() + 10, robot.point("#openSampleMenu").query().getY()));
        robot.clickOn(item);

        TabPane tabs = robot.lookup("#centerTabs").queryAs(TabPane.class);
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1);
        assertEquals("all-minilm-l6-v2.onnx", tabs.getTabs().getFirst().getText());
        assertEquals("Sparsity Workbench — all-minilm-l6-v2.onnx", stage.getTitle());
        assertTrue(robot.lookup("#jobsPane .job-row").queryAll().isEmpty(), "the load job is gone once done");

        TableView<?> inputs = robot.lookup("#inputsTable").queryAs(TableView.class);
        List<List<String>> inputRows = UiFixtures.shownRows(inputs);
        assertEquals(3, inputRows.size(), inputRows.toString());
        assertEquals(List.of("input_ids", "int64", "[batch_size, sequence_length]"), inputRows.getFirst());
        assertEquals(List.of("attention_mask", "token_type_ids"),
                inputRows.subList(1, 3).stream().map(List::getFirst).toList());

        TableView<?> ops = robot.lookup("#opsTable").queryAs(TableView.class);
        assertTrue(UiFixtures.shownRows(ops).contains(List.of("Softmax", "6")), UiFixtures.shownRows(ops).toString());

        String total = robot.lookup("#totalParams").queryAs(Label.class).getText();
        assertTrue(total.startsWith("22,566,034 parameters"), total);

        // the sidebar lists the model under Models, selected
        assertEquals(List.of("all-minilm-l6-v2.onnx"),
                window.sidebar().entries("model").stream().map(SidebarEntry::label).toList());
        assertTrue(robot.lookup("#statusMessage").queryAs(Label.class).getText().startsWith("Opened "));
    }
}
