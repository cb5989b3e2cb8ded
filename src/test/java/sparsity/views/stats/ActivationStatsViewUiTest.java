package sparsity.views.stats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.RowSource;
import sparsity.views.export.ExportActions;
import sparsity.views.export.Exporter;
import sparsity.views.export.FileTarget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the real statistics view: typing eps re-runs, log toggle, outliers table export, a snapshot. */
@ExtendWith(ApplicationExtension.class)
class ActivationStatsViewUiTest {

    private static final float[] DATA = StatsData.make();
    private ActivationStatsView view;

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        ActivationStatsViewModel vm = new ActivationStatsViewModel("/encoder/layer.0/intermediate/act_fn/Mul_1_output_0",
                () -> RowSource.of(DATA, StatsData.DIM, 128), ActivationStats.Settings.defaults());
        view = new ActivationStatsView(vm);
        stage.setScene(new Scene(view, 1000, 850));
        stage.show();
        vm.recompute();
    }

    @AfterEach
    void restore() {
        ExportActions.setFileTarget(FileTarget.chooser());
        ExportActions.setOnExported(p -> { });
    }

    private void awaitIdle() throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !view.viewModel().runningProperty().get()
                && view.viewModel().summary() != null);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void typingEpsReRunsAndEveryPartShowsTheNewStatistics(FxRobot robot) throws Exception {
        awaitIdle();
        Label near = robot.lookup("#nearZeroFraction").queryAs(Label.class);
        assertEquals(ActivationStatsViewModel.percent(StatsData.below(DATA, 1e-3)), near.getText());
        assertEquals(ActivationStatsViewModel.percent(StatsData.zeros(DATA)),
                robot.lookup("#zeroFraction").queryAs(Label.class).getText());
        assertEquals("2 of 8", robot.lookup("#neverActive").queryAs(Label.class).getText());
        TableView<?> outliers = robot.lookup("#outliersTable").queryTableView();
        assertEquals(1, outliers.getItems().size());
        for (String id : List.of("#statsHistogram", "#firingChart", "#meanStdChart")) {
            assertNotNull(robot.lookup(id).queryAs(ChartViewer.class).getChart(), id);
        }

        robot.doubleClickOn("#epsField").eraseText(8).write("1e-4").type(KeyCode.ENTER);
        awaitIdle();
        assertEquals(1e-4, view.viewModel().summary().settings().eps());
        assertEquals(ActivationStatsViewModel.percent(StatsData.below(DATA, 1e-4)), near.getText());
        assertEquals("1 of 8", robot.lookup("#neverActive").queryAs(Label.class).getText());
        assertTrue(view.charts().get(1).getTitle().getText().contains("eps = 0.0001, 1 never active"));

        TextField eps = robot.lookup("#epsField").queryAs(TextField.class);
        robot.doubleClickOn("#epsField").eraseText(8).write("-1").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(view.viewModel().runningProperty().get(), "a negative eps is refused");
        assertTrue(eps.getStyle().contains("border-color"));
        assertEquals(1e-4, view.viewModel().epsProperty().get());
    }

    @Test
    void logToggleAndOutlierExport(FxRobot robot) throws Exception {
        awaitIdle();
        ChartViewer hist = robot.lookup("#statsHistogram").queryAs(ChartViewer.class);
        assertInstanceOf(LogAxis.class, ((XYPlot) hist.getChart().getPlot()).getRangeAxis());
        robot.clickOn("#statsLogCounts");
        assertFalse(((XYPlot) hist.getChart().getPlot()).getRangeAxis() instanceof LogAxis);

        BlockingQueue<Path> written = new ArrayBlockingQueue<>(2);
        ExportActions.setFileTarget((owner, name) -> dir.resolve(name));
        ExportActions.setOnExported(written::add);
        TableView<?> outliers = robot.lookup("#outliersTable").queryTableView();
        robot.interact(() -> outliers.getContextMenu().getItems().getFirst().fire());
        Path csv = written.poll(20, TimeUnit.SECONDS);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("dim,rms,x median,max |a|", lines.getFirst());
        assertTrue(lines.get(1).startsWith("7,"), lines.get(1));

        Path shot = Path.of(System.getProperty("java.io.tmpdir"), "activation-stats-view.png");
        robot.interact(() -> {
            try {
                Exporter.writePng(view, shot);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(Files.size(shot) > 20_000);
    }
}
