package sparsity.analysis.onnx;

import java.util.List;

/**
 * An intermediate tensor: the output of one node.
 *
 * @param name         tensor name
 * @param producerOp   op type of the node that produces it
 * @param producerNode name of that node ("" when unnamed)
 * @param group        layer group used to fold the tensor list, e.g. "/encoder/layer.0"
 * @param elementType  element type where known, else "?"
 * @param shape        dims where known (see {@link TensorSpec#shape()}); null when unknown
 */
public record GraphTensor(String name, String producerOp, String producerNode, String group,
                          String elementType, List<String> shape) {

    public String shapeText() {
        return shape == null ? "?" : "[" + String.join(", ", shape) + "]";
    }
}
