package sparsity.views.heatmap;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.bench.HeatmapBench;
import sparsity.views.export.ExportActions;
import sparsity.views.export.Exporter;
import sparsity.views.export.FileTarget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real heatmap view on a 2,048-token causal map: draws off the FX thread, hovers, zooms, exports. */
@ExtendWith(ApplicationExtension.class)
class HeatmapViewUiTest {

    private static final int N = 2048;
    private HeatmapView view;

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        float[] map = HeatmapBench.causalAttention(N, 7);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < N; i++) tokens.add("t" + i);
        view = new HeatmapView(new HeatmapViewModel("L0.H0 attention", MatrixSource.of(map, N, N), "query", "key",
                tokens, tokens));
        stage.setScene(new Scene(view, 900, 800));
        stage.show();
    }

    @AfterEach
    void restore() {
        ExportActions.setFileTarget(FileTarget.chooser());
        ExportActions.setOnExported(p -> { });
    }

    private HeatmapFrame awaitFrame(Viewport vp) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> {
            HeatmapFrame f = view.frameProperty().get();
            return f != null && f.viewport().equals(vp);
        });
        return view.frameProperty().get();
    }

    @Test
    void drawsThePooledMapHoversAndRefinesAfterZoom(FxRobot robot) throws Exception {
        HeatmapFrame f = awaitFrame(Viewport.full(N, N));
        double[] r = view.plotRect();
        assertEquals((int) r[2], f.width());
        assertEquals((int) r[3], f.height());
        assertNotNull(view.viewModel().rangeProperty().get(), "the range was scanned off the FX thread");
        // the upper triangle of a causal map is empty: the top-right pixel has the lowest colour
        assertEquals(Colormap.VIRIDIS.argb(0), f.argb()[f.width() - 1]);

        Bounds b = view.canvas().localToScreen(view.canvas().getBoundsInLocal());
        robot.moveTo(new Point2D(b.getMinX() + r[0] + r[2] / 2, b.getMinY() + r[1] + r[3] / 2));
        WaitForAsyncUtils.waitForFxEvents();
        String hover = robot.lookup("#heatmapHover").queryAs(Label.class).getText();
        assertTrue(hover.matches("query 10\\d\\d 't10\\d\\d'  \u00b7  key 10\\d\\d 't10\\d\\d'  \u00b7  value .+"), hover);

        robot.interact(() -> view.viewModel().zoomAt(256, r[2] / 2, r[3] / 2, r[2], r[3]));
        HeatmapFrame zoomed = awaitFrame(view.viewModel().viewport());
        assertEquals(8, zoomed.viewport().rows(), 1e-9, "the refined image covers 8 x 8 cells");
        robot.interact(() -> view.showHover(r[0] + 1, r[1] + 1));
        HeatmapViewModel.Cell c = view.viewModel().cellAt(1, 1, r[2], r[3]);
        assertEquals(view.viewModel().describe(c), robot.lookup("#heatmapHover").queryAs(Label.class).getText());
        assertEquals(Colormap.VIRIDIS.argb(view.viewModel().scale().t(c.value())), zoomed.argb()[0],
                "zoomed in, the pixel shows its own cell");

        robot.clickOn("#heatmapLog");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> view.frameProperty().get().scale().log());
        robot.doubleClickOn(view.canvas());
        awaitFrame(Viewport.full(N, N));
    }

    @Test
    void exportWritesAPngOfThePlot(FxRobot robot) throws Exception {
        awaitFrame(Viewport.full(N, N));
        BlockingQueue<Path> written = new ArrayBlockingQueue<>(2);
        ExportActions.setFileTarget((owner, name) -> dir.resolve(name));
        ExportActions.setOnExported(written::add);
        robot.interact(() -> robot.lookup("#heatmapExport").queryAs(Button.class).fire());
        Path png = written.poll(20, TimeUnit.SECONDS);
        assertEquals(dir.resolve("l0.h0-attention.png"), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals((int) view.exportNode().getLayoutBounds().getWidth(), img.getWidth());
        double[] r = view.plotRect();
        int inside = img.getRGB((int) (r[0] + 4 + r[2] - 5), (int) (r[1] + 4 + 5)) | 0xff000000;
        assertEquals(Colormap.VIRIDIS.argb(0), inside, "the empty upper triangle is in the PNG");
        assertTrue(Files.size(png) > 10_000);
        Path shot = Path.of(System.getProperty("java.io.tmpdir"), "heatmap-view.png");
        robot.interact(() -> {
            try {
                Exporter.writePng(view, shot);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void zoomedInTheTokensLabelBothAxesOnALogScale(FxRobot robot) throws Exception {
        awaitFrame(Viewport.full(N, N));
        double[] r = view.plotRect();
        robot.interact(() -> {
            view.viewModel().logScaleProperty().set(true);
            view.viewModel().zoomAt(N / 40.0, r[2] * 0.4, r[3] * 0.4, r[2], r[3]);
        });
        HeatmapFrame f = awaitFrame(view.viewModel().viewport());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> view.frameProperty().get().scale().log());
        assertTrue(view.viewModel().rowLabelsReadable(r[3]) && view.viewModel().colLabelsReadable(r[2]));
        assertEquals(40, f.viewport().rows(), 1e-6);
        robot.interact(() -> view.showHover(r[0] + r[2] * 0.4, r[1] + r[3] * 0.4));
        BlockingQueue<HeatmapViewModel.Cell> clicked = new ArrayBlockingQueue<>(2);
        view.setOnCellClicked(clicked::add);
        Bounds b = view.canvas().localToScreen(view.canvas().getBoundsInLocal());
        robot.clickOn(new Point2D(b.getMinX() + r[0] + r[2] * 0.25, b.getMinY() + r[1] + r[3] * 0.75));
        HeatmapViewModel.Cell c = clicked.poll(10, TimeUnit.SECONDS);
        assertEquals(view.viewModel().cellAt(r[2] * 0.25, r[3] * 0.75, r[2], r[3]), c);
        Path shot = Path.of(System.getProperty("java.io.tmpdir"), "heatmap-zoomed.png");
        robot.interact(() -> {
            try {
                Exporter.writePng(view, shot);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(Files.size(shot) > 10_000);
    }
}
