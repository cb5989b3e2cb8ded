package sparsity.views.attention;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.views.export.ExportActions;
import sparsity.views.export.Exporter;
import sparsity.views.export.FileTarget;
import sparsity.views.heatmap.Colormap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The atlas on synthetic heads: thumbnails show each head's shape, a click reports its (layer, head). */
@ExtendWith(ApplicationExtension.class)
class AttentionAtlasViewUiTest {

    private static final int N = 192;
    private static final int T = AttentionAtlasView.THUMB;
    private static final int TOP = Colormap.VIRIDIS.argb(1);
    private static final int BOTTOM = Colormap.VIRIDIS.argb(0);
    private AttentionAtlasView view;
    private final BlockingQueue<int[]> clicks = new ArrayBlockingQueue<>(4);

    @TempDir
    Path dir;

    static AtlasModel model() {
        return new AtlasModel("synthetic heads", 2, 3, List.of(
                new AtlasModel.Head(0, 0, AtlasMaps.diagonal(N), N, N, "self", "sparsity 0.99"),
                new AtlasModel.Head(0, 1, AtlasMaps.firstColumn(N), N, N, "sink", "sparsity 0.99"),
                new AtlasModel.Head(0, 2, AtlasMaps.uniform(N), N, N, "uniform", "sparsity 0.00"),
                new AtlasModel.Head(1, 0, AtlasMaps.previousToken(N), N, N, "previous-token", "sparsity 0.99"),
                new AtlasModel.Head(1, 2, AtlasMaps.causalRandom(N, 3), N, N, "", "")));
    }

    @Start
    void start(Stage stage) {
        view = new AttentionAtlasView(model());
        view.setOnHeadSelected((layer, head) -> clicks.add(new int[] {layer, head}));
        stage.setScene(new Scene(view, 600, 420));
        stage.show();
    }

    @AfterEach
    void restore() {
        ExportActions.setFileTarget(FileTarget.chooser());
        ExportActions.setOnExported(p -> { });
    }

    private void awaitReady() throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> view.readyProperty().get());
    }

    private static int px(int[] img, int x, int y) {
        return img[y * T + x];
    }

    @Test
    void thumbnailsShowEachHeadsShape() throws Exception {
        awaitReady();
        int[] diag = view.thumbnail(0, 0);
        int[] sink = view.thumbnail(0, 1);
        int[] uni = view.thumbnail(0, 2);
        int[] prev = view.thumbnail(1, 0);
        for (int i = 0; i < T; i++) {
            assertEquals(TOP, px(diag, i, i), "diagonal at " + i);
            assertEquals(TOP, px(sink, 0, i), "first column at row " + i);
            assertEquals(BOTTOM, px(sink, T - 1, i));
            assertEquals(px(uni, 0, 0), px(uni, i, T - 1 - i), "uniform is one colour");
        }
        assertEquals(BOTTOM, px(diag, T - 1, 0), "nothing above the diagonal");
        assertEquals(BOTTOM, px(diag, 0, T - 1));
        assertEquals(TOP, px(prev, 10, 11), "previous token: the pixel left of the diagonal");
        assertEquals(BOTTOM, px(prev, 40, 11));
        assertNull(view.thumbnail(1, 1), "no map, no thumbnail");
        for (int[] a : List.of(diag, sink, uni)) {
            for (int[] b : List.of(diag, sink, uni)) if (a != b) assertFalse(java.util.Arrays.equals(a, b));
        }
    }

    @Test
    void clickingAHeadReportsItsLayerAndHead(FxRobot robot) throws Exception {
        awaitReady();
        robot.clickOn("#atlas-1-0");
        int[] c = clicks.poll(10, TimeUnit.SECONDS);
        assertEquals(1, c[0]);
        assertEquals(0, c[1]);
        assertEquals(new AttentionAtlasView.HeadRef(1, 0), view.selectedProperty().get());
        robot.clickOn("#atlas-0-2");
        c = clicks.poll(10, TimeUnit.SECONDS);
        assertEquals(0, c[0]);
        assertEquals(2, c[1]);
        assertTrue(robot.lookup("#atlas-0-2").query().getStyle().contains("#ff3b30"), "the selected head is outlined");
        assertFalse(robot.lookup("#atlas-1-0").query().getStyle().contains("#ff3b30"));
        assertTrue(robot.lookup("#atlas-1-1").tryQuery().isEmpty(), "an empty cell has no head to click");
    }

    @Test
    void logToggleRecomputesAndExportWritesThePng(FxRobot robot) throws Exception {
        awaitReady();
        int[] linBefore = view.thumbnail(1, 2);
        robot.clickOn("#atlasLog");
        awaitReady();
        assertFalse(view.logScaleProperty().get());
        assertFalse(java.util.Arrays.equals(linBefore, view.thumbnail(1, 2)), "log and linear colour the random head differently");

        BlockingQueue<Path> written = new ArrayBlockingQueue<>(2);
        ExportActions.setFileTarget((owner, name) -> dir.resolve(name));
        ExportActions.setOnExported(written::add);
        robot.interact(() -> robot.lookup("#atlasExport").queryAs(Button.class).fire());
        Path png = written.poll(20, TimeUnit.SECONDS);
        assertEquals(dir.resolve("atlas-synthetic-heads.png"), png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() >= 3 * T && img.getHeight() >= 2 * T);

        Path shot = Path.of(System.getProperty("java.io.tmpdir"), "atlas-view.png");
        robot.interact(() -> {
            try {
                Exporter.writePng(view, shot);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(Files.size(shot) > 5_000);
    }

    @Test
    void newCaptionsKeepTheThumbnails(FxRobot robot) throws Exception {
        awaitReady();
        int[] before = view.thumbnail(1, 0);
        AtlasModel m = view.model();
        java.util.List<AtlasModel.Head> heads = new java.util.ArrayList<>();
        for (AtlasModel.Head h : m.maps()) {
            heads.add(new AtlasModel.Head(h.layer(), h.head(), h.map(), h.rows(), h.cols(), "L" + h.name(), "sparsity 0.5"));
        }
        robot.interact(() -> view.setCaptions(new AtlasModel(m.title(), m.layers(), m.heads(), heads)));
        assertEquals("L1.0", view.model().head(1, 0).label());
        assertTrue(robot.lookup("#atlas-1-0").lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .anyMatch(l -> l.getText().equals("1.0  L1.0")));
        assertTrue(view.readyProperty().get());
        assertTrue(java.util.Arrays.equals(before, view.thumbnail(1, 0)));
        AtlasModel other = new AtlasModel("x", 2, 3, List.of(new AtlasModel.Head(0, 0, AtlasMaps.diagonal(N), N, N, "", "")));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> view.setCaptions(other));
    }
}
