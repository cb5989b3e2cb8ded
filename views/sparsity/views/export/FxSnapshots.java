package sparsity.views.export;

import java.awt.image.BufferedImage;

import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

/** Snapshots of JavaFX nodes; kept apart so that the headless exporter never loads JavaFX graphics. */
final class FxSnapshots {

    private FxSnapshots() {
    }

    static BufferedImage snapshot(Node node) {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("a JavaFX snapshot must be taken on the JavaFX application thread");
        }
        Scene scene = node.getScene();
        WritableImage fx;
        if (scene != null && scene.getRoot() == node) {
            fx = scene.snapshot(null);
        } else {
            SnapshotParameters params = new SnapshotParameters();
            params.setFill(Color.WHITE);
            fx = node.snapshot(params, null);
        }
        return SwingFXUtils.fromFXImage(fx, null);
    }
}
