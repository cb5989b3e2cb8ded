package sparsity.analysis.onnx;

import java.util.List;

/**
 * A typed tensor of the graph interface.
 *
 * @param name        tensor name
 * @param elementType ONNX element type in lower case, e.g. "float", "int64", "float16"
 * @param shape       dims as text: a number, a symbolic name such as "batch", or "?" when
 *                    unknown; null when the rank itself is unknown
 */
public record TensorSpec(String name, String elementType, List<String> shape) {

    /** The shape as the model view prints it, e.g. {@code [batch, seq, 384]}. */
    public String shapeText() {
        return shape == null ? "?" : "[" + String.join(", ", shape) + "]";
    }
}
