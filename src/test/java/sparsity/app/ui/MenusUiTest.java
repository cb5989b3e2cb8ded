package sparsity.app.ui;

import java.nio.file.Path;
import java.util.List;

import javafx.scene.control.DialogPane;
import javafx.scene.control.TabPane;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.app.AppInfo;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The menus and the sidebar: About, one item per sample, tabs and sidebar in step, closing a tab. */
class MenusUiTest extends MainWindowUiTest {

    @Test
    void aboutShowsTheVersionAndEverySampleHasAnItem(FxRobot robot) throws Exception {
        robot.clickOn("#helpMenu");
        robot.clickOn("#aboutItem");
        UiFixtures.waitUntil(10, () -> robot.lookup("#aboutDialog").tryQuery().isPresent());
        DialogPane about = robot.lookup("#aboutDialog").queryAs(DialogPane.class);
        assertEquals("Sparsity Workbench " + AppInfo.version(), about.getHeaderText());
        WaitForAsyncUtils.asyncFx(() -> about.getScene().getWindow().hide()).get();

        robot.clickOn("#fileMenu");
        robot.clickOn("#openSampleMenu");
        for (SampleModels.Sample s : SampleModels.all()) {
            String id = "#openSample-" + s.id();
            UiFixtures.waitUntil(10, () -> robot.lookup(id).tryQuery().isPresent());
        }
        robot.press(javafx.scene.input.KeyCode.ESCAPE).release(javafx.scene.input.KeyCode.ESCAPE);
    }

    @Test
    void sidebarAndTabsFollowEachOtherAndClosingATabRemovesTheModel(FxRobot robot) throws Exception {
        Path a = UiFixtures.tinyModel(tmp.resolve("first.onnx"), 2);
        Path b = UiFixtures.tinyModel(tmp.resolve("second.onnx"), 3);
        TabPane tabs = robot.lookup("#centerTabs").queryAs(TabPane.class);
        WaitForAsyncUtils.asyncFx(() -> window.openFile(a)).get();
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 1);
        WaitForAsyncUtils.asyncFx(() -> window.openFile(b)).get();
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> tabs.getTabs().size() == 2);
        assertEquals("Sparsity Workbench — second.onnx", stage.getTitle());

        @SuppressWarnings("unchecked")
        TreeView<SidebarEntry> sidebar = robot.lookup("#sidebar").queryAs(TreeView.class);
        assertEquals(List.of("Models", "Data", "Captures", "Autoencoders", "Masks", "Reports"),
                sidebar.getRoot().getChildren().stream().map(i -> i.getValue().name()).toList());
        assertEquals("second.onnx", sidebar.getSelectionModel().getSelectedItem().getValue().name());

        // choosing a model in the sidebar brings its tab to the front
        robot.clickOn("first.onnx", javafx.scene.input.MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("first.onnx", tabs.getSelectionModel().getSelectedItem().getText());
        assertEquals("Sparsity Workbench — first.onnx", stage.getTitle());

        // View > Close tab closes the front tab; its model leaves the sidebar
        robot.clickOn("#viewMenu");
        robot.clickOn("#closeTabItem");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("second.onnx"), tabs.getTabs().stream().map(t -> t.getText()).toList());
        TreeItem<SidebarEntry> models = sidebar.getRoot().getChildren().getFirst();
        assertEquals(List.of("second.onnx"), models.getChildren().stream().map(i -> i.getValue().name()).toList());
        assertEquals("Sparsity Workbench — second.onnx", stage.getTitle());

        // hiding the sidebar and showing it again
        robot.clickOn("#viewMenu");
        robot.clickOn("#showSidebarItem");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(sidebar.isVisible() && sidebar.getScene() != null);
        robot.clickOn("#viewMenu");
        robot.clickOn("#showSidebarItem");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(sidebar.getScene() != null);
    }
}
