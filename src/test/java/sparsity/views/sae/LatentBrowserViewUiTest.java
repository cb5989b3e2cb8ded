package sparsity.views.sae;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.jfree.chart.fx.ChartViewer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.sae.features.LatentAtlas;
import sparsity.sae.features.MiniLmSae;
import sparsity.views.export.ExportActions;
import sparsity.views.export.Exporter;
import sparsity.views.export.FileTarget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real browser on a small real autoencoder (MiniLM layer-3 activations of 40 corpus
 * sentences, a TopK autoencoder trained on them): the scan fills the sortable table, the
 * top-activating examples show their tokens shaded by the latent, neighbours navigate, the table
 * exports as CSV, and an example's link opens its code raster.
 */
@ExtendWith(ApplicationExtension.class)
class LatentBrowserViewUiTest {

    private static Path dir;
    private static MiniLmSae.Made made;
    private SaeFeaturesView view;

    @BeforeAll
    static void makeSae() throws Exception {
        dir = Files.createTempDirectory("latent-browser-ui");
        made = MiniLmSae.make(dir, 40);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Start
    void start(Stage stage) throws Exception {
        view = SaeFeaturesView.open(made.store(), null, made.sae());
        stage.setScene(new Scene(view, 1000, 880));
        stage.show();
    }

    @AfterEach
    void restore() {
        ExportActions.setFileTarget(FileTarget.chooser());
        ExportActions.setOnExported(p -> { });
        view.close();
    }

    private void awaitExamples() throws Exception {
        LatentBrowserViewModel vm = view.browser().viewModel();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.atlas() != null && !vm.loadingExamplesProperty().get()
                && !vm.topExamples().isEmpty() && !view.browser().topExamplesBox().lookupAll("." + ExampleNodes.TOKEN).isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The visible row cell of a table's first item (a virtual flow also keeps hidden cells). */
    private static Node firstRow(FxRobot robot, String table) {
        return robot.lookup(table + " .table-row-cell")
                .match((javafx.scene.control.TableRow<?> r) -> r.getIndex() == 0 && r.isVisible() && !r.isEmpty())
                .query();
    }

    @Test
    @SuppressWarnings("unchecked")
    void tableSortsAndTheTopExamplesAreShadedByTheLatent(FxRobot robot) throws Exception {
        awaitExamples();
        LatentBrowserViewModel vm = view.browser().viewModel();
        LatentAtlas a = vm.atlas();
        TableView<LatentBrowserViewModel.LatentRow> table = robot.lookup("#latentTable").queryTableView();
        assertEquals(128, table.getItems().size());
        assertTrue(robot.lookup("#latentOverview").queryAs(Label.class).getText().startsWith("128 latents \u00b7 "));

        // sort by max activation, largest first, and pick the top row
        TableColumn<LatentBrowserViewModel.LatentRow, ?> maxCol = table.getColumns().get(3);
        assertEquals("max act", maxCol.getText());
        robot.interact(() -> {
            maxCol.setSortType(TableColumn.SortType.DESCENDING);
            table.getSortOrder().setAll(maxCol);
        });
        int best = 0;
        for (int l = 1; l < a.latents(); l++) if (a.summary(l).max() > a.summary(best).max()) best = l;
        assertEquals(best, table.getItems().getFirst().latent(), "the sorted table starts with the largest max");
        robot.clickOn(firstRow(robot, "#latentTable"));
        int picked = best;
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.selectedLatent() == picked);
        awaitExamples();
        assertTrue(robot.lookup("#latentHeadline").queryAs(Label.class).getText().startsWith("Latent " + best + " \u00b7 active on "));
        assertNotNull(robot.lookup("#latentHistogram").queryAs(ChartViewer.class).getChart());
        assertNotNull(robot.lookup("#latentDensityChart").queryAs(ChartViewer.class).getChart());

        // the first top example's focus token holds the latent's max: fully shaded; inactive tokens are plain text
        var top = vm.topExamples().getFirst();
        assertEquals(a.summary(best).max(), top.value());
        var lines = (javafx.scene.layout.VBox) view.browser().topExamplesBox().getChildren().getFirst();
        assertEquals(vm.topExamples().size(), lines.getChildren().size(), "one line per top example");
        Node firstLine = lines.getChildren().getFirst();
        List<Node> focus = List.copyOf(firstLine.lookupAll("." + ExampleNodes.FOCUS));
        assertEquals(1, focus.size());
        assertEquals(top.focusToken(), ((Label) focus.getFirst()).getText());
        assertTrue(focus.getFirst().getStyle().contains("rgba(255,112,0,0.900)"), focus.getFirst().getStyle());
        long shaded = firstLine.lookupAll("." + ExampleNodes.TOKEN).stream()
                .filter(n -> !n.getStyle().contains("rgba(255,112,0,0.000)")).count();
        assertTrue(shaded >= 1 && shaded <= top.tokens().size());
        assertFalse(vm.bands().isEmpty());

        // a neighbour click navigates
        TableView<LatentBrowserViewModel.NeighbourRow> nb = robot.lookup("#neighbourTable").queryTableView();
        assertEquals(10, nb.getItems().size());
        int next = nb.getItems().getFirst().latent();
        robot.clickOn(firstRow(robot, "#neighbourTable"));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> vm.selectedLatent() == next);
        assertTrue(robot.lookup("#latentHeadline").queryAs(Label.class).getText().startsWith("Latent " + next + " \u00b7 "));
        assertEquals(next, table.getSelectionModel().getSelectedItem().latent(), "the table follows");

        Path shot = Path.of(System.getProperty("java.io.tmpdir"), "latent-browser-uitest.png");
        awaitExamples();
        robot.interact(() -> {
            try {
                Exporter.writePng(view, shot);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(Files.size(shot) > 10_000);
    }

    @Test
    void latentTableExportsAndAnExampleLinkOpensItsRaster(FxRobot robot) throws Exception {
        awaitExamples();
        BlockingQueue<Path> written = new ArrayBlockingQueue<>(2);
        ExportActions.setFileTarget((owner, name) -> dir.resolve(name));
        ExportActions.setOnExported(written::add);
        TableView<?> table = robot.lookup("#latentTable").queryTableView();
        robot.interact(() -> table.getContextMenu().getItems().getFirst().fire());
        Path csv = written.poll(20, TimeUnit.SECONDS);
        assertNotNull(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("latent,active rows,density,log10 density,max activation,mean activation when active", lines.getFirst());
        assertEquals(129, lines.size());

        Hyperlink link = (Hyperlink) view.browser().topExamplesBox().lookupAll(".hyperlink").iterator().next();
        int example = Integer.parseInt(link.getText().substring(1));
        robot.clickOn(link);
        CodeRasterViewModel rvm = view.raster().viewModel();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> rvm.codesProperty().get() != null
                && rvm.codesProperty().get().example() == example && view.raster().heatmapView() != null);
        TabPane tabs = robot.lookup("#saeFeatureTabs").queryAs(TabPane.class);
        assertEquals("Code raster", tabs.getSelectionModel().getSelectedItem().getText());
        var codes = rvm.codesProperty().get();
        assertEquals(codes.rows(), view.raster().heatmapView().viewModel().source().rows(), "one raster row per token");
        assertTrue(robot.lookup("#rasterSummary").queryAs(Label.class).getText().contains(codes.rows() + " tokens \u00d7 "));
    }
}
