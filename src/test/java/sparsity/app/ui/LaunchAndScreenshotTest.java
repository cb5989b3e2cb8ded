package sparsity.app.ui;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import sparsity.app.LaunchOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The app's arguments and the screenshot mode (a PNG of the window once the first model shows). */
@ExtendWith(ApplicationExtension.class)
class LaunchAndScreenshotTest {

    @TempDir
    Path tmp;

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @AfterEach
    void closeWindow() {
        UiFixtures.close(stage);
    }

    @Test
    void argumentsSayWhatToOpenAndWhereTheScreenshotGoes() throws Exception {
        LaunchOptions o = LaunchOptions.parse(List.of("--screenshot", "out/shot.png", "a.onnx", "b.onnx"));
        assertEquals(Optional.of(Path.of("out/shot.png")), o.screenshot());
        assertEquals(List.of(Path.of("a.onnx"), Path.of("b.onnx")), o.models());
        assertEquals(Optional.of(Path.of("x.png")), LaunchOptions.parse(List.of("--screenshot=x.png")).screenshot());
        assertTrue(LaunchOptions.parse(List.of()).screenshot().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> LaunchOptions.parse(List.of("--screenshot")));
        assertThrows(IllegalArgumentException.class, () -> LaunchOptions.parse(List.of("--bogus")));

        Path model = UiFixtures.tinyModel(tmp.resolve("m.onnx"), 2);
        assertTrue(LaunchOptions.isForApp(new String[0]));
        assertTrue(LaunchOptions.isForApp(new String[] {"gui"}));
        assertTrue(LaunchOptions.isForApp(new String[] {"--screenshot", "x.png"}));
        assertTrue(LaunchOptions.isForApp(new String[] {model.toString()}));
        assertFalse(LaunchOptions.isForApp(new String[] {"inspect", model.toString()}));
        assertFalse(LaunchOptions.isForApp(new String[] {"--help"}));
    }

    @Test
    void theScreenshotIsTakenOnceTheFirstModelIsShown(FxRobot robot) throws Exception {
        Path png = tmp.resolve("shots/window.png");
        Exception[] result = {new IllegalStateException("not called")};
        MainWindow[] window = new MainWindow[1];
        WaitForAsyncUtils.asyncFx(() -> {
            try {
                window[0] = new MainWindow(stage, UiFixtures.configDir(tmp));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            Screenshot.whenFirstModelShown(window[0], png, e -> result[0] = e);
            stage.show();
        }).get();
        Path model = UiFixtures.tinyModel(tmp.resolve("m.onnx"), 2);
        WaitForAsyncUtils.asyncFx(() -> window[0].openFile(model)).get();
        UiFixtures.waitUntil(UiFixtures.LOAD_TIMEOUT_S, () -> Files.exists(png) && result[0] == null,
                () -> "png " + Files.exists(png) + ", result " + result[0]);
        assertNull(result[0]);
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image);
        assertEquals((int) window[0].scene().getWidth(), image.getWidth());
        assertEquals((int) window[0].scene().getHeight(), image.getHeight());
        assertEquals(1, robot.lookup("#centerTabs").queryAs(TabPane.class).getTabs().size());
    }
}
