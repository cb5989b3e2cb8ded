package sparsity.views.model;

import java.nio.file.Path;
import java.util.Objects;

import javafx.concurrent.Task;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;

/**
 * Reads and summarizes a model off the JavaFX thread and builds its view-model, reporting
 * progress and messages; cancelling interrupts the read. On success, build the
 * {@link ModelView} on the JavaFX thread from {@link #getValue()}. A bad model fails the task
 * with {@link sparsity.analysis.onnx.ModelLoadException}, whose message names the file and the
 * problem.
 */
public class ModelLoadTask extends Task<ModelViewModel> {

    private final Path file;

    public ModelLoadTask(Path file) {
        this.file = Objects.requireNonNull(file, "file");
        updateTitle("Open " + file.getFileName());
    }

    public Path file() {
        return file;
    }

    @Override
    protected ModelViewModel call() throws Exception {
        ModelSummary summary = OnnxModels.summarize(file, (fraction, message) -> {
            if (fraction >= 0) updateProgress(fraction, 1.0);
            updateMessage(message);
        });
        if (isCancelled()) throw new InterruptedException();
        updateMessage("Opened " + file.getFileName());
        return new ModelViewModel(summary);
    }
}
