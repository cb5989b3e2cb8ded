package sparsity.analysis.onnx;

import java.util.List;

/**
 * One stored weight tensor (an initializer, or a Constant node's value).
 *
 * @param name           tensor name
 * @param elementType    ONNX element type in lower case
 * @param shape          dims
 * @param count          number of elements
 * @param bytes          bytes of the raw data
 * @param zeroFraction   fraction of elements exactly equal to zero (NaN when the type is not numeric)
 * @param maxAbs         largest magnitude
 * @param histogram      histogram of |w| over [0, maxAbs] in {@link #HISTOGRAM_BINS} equal bins
 * @param fromConstantNode true when the tensor is the value of a Constant node
 */
public record ParameterStats(String name, String elementType, List<Long> shape, long count,
                             long bytes, double zeroFraction, double maxAbs, long[] histogram,
                             boolean fromConstantNode) {

    public static final int HISTOGRAM_BINS = 64;

    public String shapeText() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape.get(i));
        }
        return sb.append(']').toString();
    }
}
