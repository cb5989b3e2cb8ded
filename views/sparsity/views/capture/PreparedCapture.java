package sparsity.views.capture;

import java.util.Objects;

import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CapturePlan;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.onnx.ModelSummary;

/**
 * A capture that is ready to run: its settings, the prepared input batches (mapping checked),
 * and an open {@link Capture} whose plan (layouts and size estimate) is known. Whoever holds it
 * runs it once and closes it (which closes the ONNX Runtime session).
 *
 * @param model    the model
 * @param settings what was asked
 * @param prepared the batches and the input mapping
 * @param capture  the open capture (session with the tensors exposed)
 * @param plan     the capture's plan, from a probe batch
 */
public record PreparedCapture(ModelSummary model, CaptureSettings settings, InputSources.Prepared prepared, Capture capture,
                              CapturePlan plan) implements AutoCloseable {

    public PreparedCapture {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(prepared, "prepared");
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(plan, "plan");
    }

    @Override
    public void close() {
        capture.close();
    }
}
