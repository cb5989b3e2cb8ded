package sparsity.analysis.capture;

import java.nio.file.Path;
import java.util.List;

import sparsity.analysis.store.DType;

/**
 * What to capture.
 *
 * @param model     the ONNX model file
 * @param tensors   tensor names, globs or {@code re:} patterns ({@link sparsity.analysis.graph.TensorPattern});
 *                  may be empty when {@code attention} is set
 * @param attention also capture every attention map the model has ({@link sparsity.analysis.graph.AttentionFinder})
 * @param dtype     float32 or float16 on disk
 * @param out       the store folder to create (must not exist or be empty)
 * @param source    a line on the inputs, kept in the store's provenance
 */
public record CaptureSpec(Path model, List<String> tensors, boolean attention, DType dtype, Path out, String source) {

    public CaptureSpec {
        tensors = List.copyOf(tensors);
        if (tensors.isEmpty() && !attention) throw new IllegalArgumentException("choose tensors to capture, or attention maps");
        if (model == null || out == null || dtype == null) throw new IllegalArgumentException("model, out and dtype are needed");
        source = source == null ? "" : source;
    }
}
