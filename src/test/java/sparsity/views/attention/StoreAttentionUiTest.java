package sparsity.views.attention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.TableRow;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.analysis.store.ActivationStore;
import sparsity.attention.HeadAnalysis.HeadReport;
import sparsity.attention.HeadLabels;
import sparsity.views.capture.StoreView;
import sparsity.views.export.ExportActions;
import sparsity.views.export.Exporter;
import sparsity.views.export.FileTarget;
import sparsity.views.heatmap.HeatmapView;
import sparsity.views.report.ReportItem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention part of the store tab on maps captured from the tiny sample transformer: the
 * head table names layer 0 head 2 previous-token and sorting by that score puts it first; a row
 * click opens the head; its CSV is the CLI table; "from this token" weighs the previous token
 * highest; the charts reach the report.
 */
@ExtendWith(ApplicationExtension.class)
class StoreAttentionUiTest {

    @TempDir
    static Path tmp;
    static Path storeDir;
    private StoreView view;
    private Stage stage;

    @TempDir
    Path out;

    @BeforeAll
    static void capture() throws Exception {
        storeDir = TinyStores.capture(tmp);
    }

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        view = new StoreView(ActivationStore.open(storeDir), "tiny", Map.of("model", "tiny-transformer"));
        stage.setScene(new Scene(view, 1000, 780));
        stage.show();
    }

    @AfterEach
    void restore() {
        ExportActions.setFileTarget(FileTarget.chooser());
        ExportActions.setOnExported(p -> { });
        view.close();
    }

    private void openAttention(FxRobot robot) throws Exception {
        robot.interact(() -> view.tensorTabs().getSelectionModel().select(view.tensorTabs().getTabs().stream()
                .filter(t -> "storeAtlasTab".equals(t.getId())).findFirst().orElseThrow()));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> view.headTable() != null && !view.headTable().reports().isEmpty()
                && view.atlasView() != null && view.atlasView().readyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void tableLabelsSortsOpensAndExports(FxRobot robot) throws Exception {
        openAttention(robot);
        HeadTableView table = view.headTable();
        assertEquals(8, table.table().getItems().size());
        HeadReport prev = table.reports().stream().filter(r -> r.layer() == 0 && r.head() == 2).findFirst().orElseThrow();
        assertEquals(HeadLabels.PREVIOUS_TOKEN, prev.label());
        // the evaluation sequences repeat 20 tokens after the first: the induction probe is found and measured
        assertTrue(table.column("induction").isVisible());
        assertEquals(HeadLabels.INDUCTION, table.reports().stream().filter(r -> r.layer() == 1 && r.head() == 1)
                .findFirst().orElseThrow().label());
        assertEquals(HeadLabels.FIRST_TOKEN, table.reports().stream().filter(r -> r.layer() == 1 && r.head() == 3)
                .findFirst().orElseThrow().label());
        // the atlas captions come from the reports
        AtlasModel.Head cell = view.atlasView().model().head(0, 2);
        assertEquals(HeadLabels.PREVIOUS_TOKEN, cell.label());
        assertEquals(HeadTables.sparsityFigure(prev), cell.figure());
        assertTrue(cell.figure().startsWith("sparsity 0.9"), cell.figure());

        // sorting by previous-token (highest first) puts the previous-token head first
        robot.interact(() -> ((javafx.scene.control.TabPane) view.lookup("#storeAttentionTabs")).getSelectionModel().select(1));
        robot.interact(() -> table.sortBy("previous_token", true));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of(table.column("previous_token")), table.table().getSortOrder());
        HeadReport first = table.table().getItems().getFirst();
        assertEquals(0, first.layer());
        assertEquals(2, first.head());
        robot.interact(() -> table.sortBy("layer", false));
        assertEquals(0, table.table().getItems().getFirst().layer());
        robot.interact(() -> table.sortBy("previous_token", true));
        assertEquals(2, table.table().getItems().getFirst().head());

        // clicking the row opens that head, as a click on the atlas cell does
        TableRow<?> row = robot.lookup(".table-row-cell").match(n -> n instanceof TableRow<?> r && r.getIndex() == 0).query();
        robot.clickOn(row);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> view.lookup("#storeHeadMap") != null);
        assertEquals(new AttentionAtlasView.HeadRef(0, 2), view.atlasView().selectedProperty().get());
        HeatmapView map = (HeatmapView) view.lookup("#storeHeadMap");
        assertEquals("L0.H2 attention", map.viewModel().title());

        // "from this token": click query row 10 of the heatmap
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> map.frameProperty().get() != null);
        double[] r = map.plotRect();
        int rows = map.viewModel().source().rows();
        Point2D p = map.canvas().localToScreen(r[0] + r[2] * 0.5 / rows, r[1] + r[3] * 10.5 / rows);
        robot.clickOn(p);
        WaitForAsyncUtils.waitForFxEvents();
        TokenAttentionView tokens = view.tokenView();
        assertEquals(10, tokens.queryProperty().get());
        assertEquals(9, tokens.strongest(), "the previous-token head attends from token 10 to token 9");
        assertTrue(tokens.weight(9) > 0.5);
        assertTrue(tokens.tokenLabels().get(10).getStyle().contains("#ff3b30"), "the selected token is outlined");
        assertTrue(tokens.tokenLabels().get(9).getStyle().contains("rgba(59, 110, 168, 0.9")
                || tokens.tokenLabels().get(9).getStyle().contains("rgba(59, 110, 168, 1.0"), tokens.tokenLabels().get(9).getStyle());
        // a click on the row label (left of the plot) selects that query
        Point2D label = map.canvas().localToScreen(r[0] - 3, r[1] + r[3] * 20.5 / rows);
        robot.clickOn(label);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(20, tokens.queryProperty().get());
        assertEquals(19, tokens.strongest());
        // another head keeps the query and shows that head's row
        robot.interact(() -> view.atlasView().select(1, 0));
        assertEquals(20, tokens.queryProperty().get());
        double sum = 0;
        for (int j = 0; j < tokens.tokenLabels().size(); j++) sum += tokens.weight(j);
        assertEquals(1.0, sum, 1e-3, "a row of attention sums to 1");

        // another example: the open head stays open with that example's map
        HeatmapView before = (HeatmapView) view.lookup("#storeHeadMap");
        robot.interact(() -> ((javafx.scene.control.Spinner<?>) view.lookup("#storeAtlasExample")).increment());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> view.lookup("#storeHeadMap") != before);
        assertEquals(new AttentionAtlasView.HeadRef(1, 0), view.atlasView().selectedProperty().get());
        assertEquals(20, tokens.queryProperty().get());

        // the CSV export is the table builder's
        BlockingQueue<Path> written = new ArrayBlockingQueue<>(2);
        ExportActions.setFileTarget((owner, name) -> out.resolve(name));
        ExportActions.setOnExported(written::add);
        robot.interact(() -> robot.lookup("#headTableExport").queryAs(Button.class).fire());
        Path csv = written.poll(20, TimeUnit.SECONDS);
        assertNotNull(csv);
        assertEquals(Exporter.toCsv(HeadTables.heads(table.reports())), Files.readString(csv));

        // report items: the atlas, both charts and the heads table
        List<String> ids = new java.util.ArrayList<>();
        robot.interact(() -> view.reportItems().forEach(i -> ids.add(i.id())));
        assertTrue(ids.contains("attention-entropy-tiny") && ids.contains("attention-density-tiny")
                && ids.contains("attention-heads-tiny"), ids.toString());

        // screenshots (viewed by hand): the table and the head with its token strip
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        robot.interact(() -> {
            stage.getScene().setRoot(new javafx.scene.layout.Region());
            Scene big = new Scene(view, 1600, 1000);
            big.getRoot().applyCss();
            try {
                Exporter.writePng(view, dir.resolve("store-attention-table.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            try {
                Exporter.writePng(view, dir.resolve("store-attention-table.png"));
                ((javafx.scene.control.TabPane) view.lookup("#storeAttentionTabs")).getSelectionModel().select(2);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            try {
                Exporter.writePng(view, dir.resolve("store-attention-charts.png"));
                ((javafx.scene.control.TabPane) view.lookup("#storeAttentionTabs")).getSelectionModel().select(0);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            try {
                Exporter.writePng(view, dir.resolve("store-attention-atlas.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(Files.size(dir.resolve("store-attention-atlas.png")) > 10_000);
    }
}
