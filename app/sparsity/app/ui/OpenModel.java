package sparsity.app.ui;

import java.nio.file.Path;

import javafx.scene.control.Tab;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.views.model.ModelViewModel;

/**
 * A model shown in a tab.
 *
 * @param key     identity of the open model: its absolute, normalised path
 * @param file    the model file
 * @param summary what was read from it
 * @param model   the view-model the tab's view binds to
 * @param tab     the tab
 */
record OpenModel(String key, Path file, ModelSummary summary, ModelViewModel model, Tab tab) {

    /** The identity used for a model file. */
    static String keyOf(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    /** The name shown on the tab and in the title: the file name. */
    String displayName() {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
