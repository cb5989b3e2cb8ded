package sparsity.app.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.animation.PauseTransition;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * The screenshot mode ({@code --screenshot FILE}): once the first model is shown, waits for the
 * layout to settle, writes a PNG of the scene and calls back (the app then exits).
 */
public final class Screenshot {

    /** How long the window gets to lay out and draw its charts after the first model appears. */
    static final Duration SETTLE = Duration.seconds(2);

    private Screenshot() {
    }

    /**
     * Arms the screenshot on a window.
     *
     * @param done called on the FX thread with null on success, or the error
     */
    public static void whenFirstModelShown(MainWindow window, Path png, java.util.function.Consumer<Exception> done) {
        boolean[] taken = {false};
        window.addOpenListener(m -> {
            if (taken[0]) return;
            taken[0] = true;
            PauseTransition pause = new PauseTransition(SETTLE);
            pause.setOnFinished(e -> {
                try {
                    write(window.scene(), png);
                    done.accept(null);
                } catch (IOException | RuntimeException ex) {
                    done.accept(ex);
                }
            });
            pause.play();
        });
    }

    /** Lays out the scene and writes it as a PNG (FX thread). */
    public static void write(Scene scene, Path png) throws IOException {
        scene.getRoot().applyCss();
        scene.getRoot().layout();
        WritableImage image = scene.snapshot(null);
        BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(buffered, "png", png.toFile())) throw new IOException("no PNG writer for " + png);
    }
}
