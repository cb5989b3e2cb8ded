package sparsity.views.model;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.stage.Stage;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.views.export.ExportActions;
import sparsity.views.export.Exporter;
import sparsity.views.export.FileTarget;
import sparsity.views.model.ModelTables.OpCount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives the real model view in a stage (headless JavaFX, whose one screen is 1000x1000, so the
 * stage is smaller than the app's window) and snapshots it at 1600x1000 in a scene of its own.
 */
@ExtendWith(ApplicationExtension.class)
class ModelViewUiTest {

    private static ModelSummary summary;
    private ModelView view;

    @TempDir
    Path dir;

    @BeforeAll
    static void read() throws Exception {
        summary = MiniLm.summary();
    }

    @Start
    void start(Stage stage) {
        view = new ModelView(new ModelViewModel(summary));
        stage.setScene(new Scene(view, 1000, 900));
        stage.show();
    }

    @AfterEach
    void restoreExportDefaults() {
        ExportActions.setFileTarget(FileTarget.chooser());
        ExportActions.setOnExported(p -> { });
    }

    @Test
    void headerAndOpTableShowTheModel(FxRobot robot) {
        assertNotNull(robot.lookup("#modelHeader").query());
        assertEquals("22,566,034 parameters (86.1 MiB)", robot.lookup("#totalParams").queryAs(Label.class).getText());
        assertEquals("pytorch 2.0.1", robot.lookup("#producerLabel").queryAs(Label.class).getText());
        assertEquals("ai.onnx 11", robot.lookup("#opsetLabel").queryAs(Label.class).getText());
        TableView<OpCount> ops = robot.lookup("#opsTable").queryTableView();
        assertTrue(ops.getItems().contains(new OpCount("Softmax", 6)));
        assertTrue(robot.lookup(".table-cell").match(n -> "Softmax".equals(((javafx.scene.control.Labeled) n).getText()))
                .tryQuery().isPresent(), "a visible cell reads Softmax");
        TableView<?> inputs = robot.lookup("#inputsTable").queryTableView();
        assertEquals(3, inputs.getItems().size());
        assertEquals(1, robot.lookup("#outputsTable").queryTableView().getItems().size());
    }

    @Test
    void typingInTheFilterNarrowsTheTensorTree(FxRobot robot) throws Exception {
        robot.interact(() -> view.tabs().getSelectionModel().select(2));
        Label matches = robot.lookup("#tensorMatches").queryAs(Label.class);
        assertEquals("637 tensors", matches.getText());
        robot.clickOn("#tensorFilter").write("Softmax");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("6 of 637 tensors match", matches.getText());
        TreeTableView<?> tree = robot.lookup("#tensorTree").queryAs(TreeTableView.class);
        assertEquals(6, tree.getRoot().getChildren().size(), "one group per encoder layer");
        assertEquals(6, tree.getRoot().getChildren().stream().mapToInt(g -> g.getChildren().size()).sum());

        robot.clickOn("/encoder/layer.3/attention/self/Softmax_output_0");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(List.of("/encoder/layer.3/attention/self/Softmax_output_0"),
                view.selectedTensors().stream().map(GraphTensor::name).toList());

        robot.clickOn("#tensorFilter").type(javafx.scene.input.KeyCode.END).write(" layer.3");
        robot.interact(() -> { });
        assertEquals("1 of 637 tensors match", matches.getText());
        assertEquals(1, view.selectedTensors().size(), "the selection survives a narrower filter");
        TreeItem<?> leaf = tree.getRoot().getChildren().getFirst().getChildren().getFirst();
        assertTrue(tree.getSelectionModel().getSelectedItems().contains(leaf));

        BlockingQueue<Path> written = new ArrayBlockingQueue<>(2);
        ExportActions.setFileTarget(FileTarget.folder(dir));
        ExportActions.setOnExported(written::add);
        robot.interact(() -> tree.getContextMenu().getItems().getFirst().fire());
        Path csv = written.poll(20, TimeUnit.SECONDS);
        assertEquals(List.of("group,name,producing op,node,element type,shape",
                "/encoder/layer.3,/encoder/layer.3/attention/self/Softmax_output_0,Softmax,"
                        + "/encoder/layer.3/attention/self/Softmax,?,?"), Files.readAllLines(csv));
    }

    @Test
    void settingTheSelectionInTheViewModelSelectsInTheTree(FxRobot robot) {
        GraphTensor softmax2 = summary.tensors().stream()
                .filter(t -> t.name().equals("/encoder/layer.2/attention/self/Softmax_output_0")).findFirst().orElseThrow();
        robot.interact(() -> view.selectedTensors().setAll(softmax2));
        TreeTableView<?> tree = robot.lookup("#tensorTree").queryAs(TreeTableView.class);
        assertEquals(1, tree.getSelectionModel().getSelectedItems().size());
        TreeItem<?> selected = tree.getSelectionModel().getSelectedItem();
        assertTrue(selected.getParent().isExpanded(), "the group of a restored selection opens");
        assertEquals(List.of(softmax2), view.selectedTensors());
        robot.interact(() -> view.viewModel().tensorFilterProperty().set("layer.2 Softmax"));
        assertEquals(List.of(softmax2), view.selectedTensors(), "a filter that still shows it keeps it");
        robot.interact(() -> view.viewModel().tensorFilterProperty().set("layer.4"));
        assertEquals(List.of(), view.selectedTensors(), "a hidden tensor drops out of the selection");
    }

    @Test
    void selectingAParameterShowsItsHistogram(FxRobot robot) {
        robot.interact(() -> view.tabs().getSelectionModel().select(1));
        ChartViewer histogram = robot.lookup("#paramHistogram").queryAs(ChartViewer.class);
        assertEquals("|w| of embeddings.word_embeddings.weight", histogram.getChart().getTitle().getText());
        assertInstanceOf(LogAxis.class, ((XYPlot) histogram.getChart().getPlot()).getRangeAxis());
        robot.clickOn("embeddings.position_embeddings.weight");
        assertEquals("embeddings.position_embeddings.weight", view.viewModel().selectedParameterProperty().get().name());
        assertEquals("|w| of embeddings.position_embeddings.weight", histogram.getChart().getTitle().getText());
        robot.clickOn("#histogramLog");
        assertInstanceOf(NumberAxis.class, ((XYPlot) histogram.getChart().getPlot()).getRangeAxis());
        ChartViewer all = robot.lookup("#modelHistogram").queryAs(ChartViewer.class);
        assertEquals("|w| of all float weights (101 initializers)", all.getChart().getTitle().getText());
        assertInstanceOf(NumberAxis.class, ((XYPlot) all.getChart().getPlot()).getRangeAxis());
    }

    @Test
    void theOpTableExportsCsvFromItsContextMenu(FxRobot robot) throws Exception {
        BlockingQueue<Path> written = new ArrayBlockingQueue<>(4);
        ExportActions.setFileTarget(FileTarget.folder(dir));
        ExportActions.setOnExported(written::add);
        robot.rightClickOn("#opsTable");
        robot.clickOn(ExportActions.CSV_TEXT);
        Path csv = written.poll(20, TimeUnit.SECONDS);
        assertEquals(dir.resolve("all-minilm-l6-v2.onnx-op-types.csv"), csv);
        String text = Files.readString(csv);
        assertTrue(text.startsWith("op type,nodes\r\nConstant,146\r\n"), text);
        assertTrue(text.contains("\r\nSoftmax,6\r\n"));
        assertEquals(Exporter.toCsv(view.viewModel().opsTable()), text);
    }

    @Test
    void theOpChartExportsPngAndItsData(FxRobot robot) throws Exception {
        BlockingQueue<Path> written = new ArrayBlockingQueue<>(4);
        ExportActions.setFileTarget(FileTarget.folder(dir));
        ExportActions.setOnExported(written::add);
        ChartViewer viewer = robot.lookup("#opsChart").queryAs(ChartViewer.class);
        robot.interact(() -> viewer.getContextMenu().getItems().stream()
                .filter(i -> ExportActions.PNG_TEXT.equals(i.getText())).findFirst().orElseThrow().fire());
        Path png = written.poll(20, TimeUnit.SECONDS);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(ExportActions.PNG_WIDTH, img.getWidth());
        assertEquals(ExportActions.PNG_HEIGHT, img.getHeight());
        assertTrue(viewer.getContextMenu().getItems().stream().noneMatch(i -> "Export As".equals(i.getText())),
                "one exporter: the viewer's own export menu is gone");
        robot.interact(() -> viewer.getContextMenu().getItems().stream()
                .filter(i -> ExportActions.CSV_TEXT.equals(i.getText())).findFirst().orElseThrow().fire());
        Path csv = written.poll(20, TimeUnit.SECONDS);
        assertTrue(Files.readString(csv).contains("\r\nSoftmax,6\r\n"));
    }

    @Test
    void aModelWithNoParametersOrTensorsStillShows(FxRobot robot) throws Exception {
        ModelSummary empty = new ModelSummary(Path.of("empty.onnx"), "ab".repeat(32), 10, "", "", "g", 8,
                java.util.Map.of("", 17L), List.of(), List.of(), java.util.Map.of("Identity", 1), 1, List.of(), 0, 0,
                List.of(), List.of());
        Path png = dir.resolve("empty.png");
        robot.interact(() -> {
            try {
                ModelView v = new ModelView(new ModelViewModel(empty));
                new Scene(v, 900, 600);
                for (int i = 0; i < 3; i++) {
                    v.tabs().getSelectionModel().select(i);
                    Exporter.writePng(v, png);
                }
                assertEquals("0 parameters (0 B)", ((Label) v.lookup("#totalParams")).getText());
                assertEquals("unknown producer", ((Label) v.lookup("#producerLabel")).getText());
                assertEquals("ai.onnx 17", ((Label) v.lookup("#opsetLabel")).getText());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertEquals(900, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void aSnapshotAt1600x1000IsWritten(FxRobot robot) throws Exception {
        Path png = dir.resolve("view.png");
        robot.interact(() -> {
            try {
                ModelView big = new ModelView(new ModelViewModel(summary));
                new Scene(big, 1600, 1000);
                Exporter.writePng(big, png);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1600, img.getWidth());
        assertEquals(1000, img.getHeight());
    }
}
