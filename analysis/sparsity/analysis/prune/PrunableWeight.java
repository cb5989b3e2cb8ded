package sparsity.analysis.prune;

import java.util.List;

/**
 * A weight tensor that a mask can prune, found from the graph.
 *
 * @param name        tensor name (an initializer, or the output of a Constant node)
 * @param node        name of the node that reads it (MatMul, Gemm, Conv ...)
 * @param opType      that node's op type
 * @param shape       the tensor's stored shape
 * @param out         output features (rows of the [out, in] view)
 * @param in          input features per output (columns of the [out, in] view; for Conv
 *                    in/groups x kernel elements)
 * @param layout      how the stored tensor maps to [out, in]
 * @param fromConstant true when stored in a Constant node rather than an initializer
 * @param supported   false for weights a mask cannot be applied to (quantized integers)
 * @param note        why it is not supported, or "" when it is
 */
public record PrunableWeight(String name, String node, String opType, List<Long> shape, int out, int in,
                             Layout layout, boolean fromConstant, boolean supported, String note) {

    /** How a stored weight maps onto the [out, in] view used by every score and mask. */
    public enum Layout {
        /** Stored [in, out] (MatMul's B, Gemm's B with transB = 0): element (o, i) at i * out + o. */
        IN_OUT,
        /** Stored [out, in] (Gemm's B with transB = 1), or [out, ...] flattened (Conv): (o, i) at o * in + i. */
        OUT_IN
    }

    public long count() {
        return (long) out * in;
    }

    /** Index in the stored (flattened) tensor of element (o, i) of the [out, in] view. */
    public int storedIndex(int o, int i) {
        return layout == Layout.IN_OUT ? i * out + o : o * in + i;
    }

    /** Re-orders stored data into the [out, in] view. */
    public float[] toOutIn(float[] stored) {
        if (layout == Layout.OUT_IN) return stored.clone();
        float[] v = new float[stored.length];
        for (int i = 0; i < in; i++) for (int o = 0; o < out; o++) v[o * in + i] = stored[i * out + o];
        return v;
    }

    /** Re-orders an [out, in] view back into the stored layout. */
    public float[] toStored(float[] outIn) {
        if (layout == Layout.OUT_IN) return outIn.clone();
        float[] s = new float[outIn.length];
        for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) s[i * out + o] = outIn[o * in + i];
        return s;
    }

    /** {@link #toOutIn(float[])} for a mask. */
    public boolean[] toOutIn(boolean[] stored) {
        if (layout == Layout.OUT_IN) return stored.clone();
        boolean[] v = new boolean[stored.length];
        for (int i = 0; i < in; i++) for (int o = 0; o < out; o++) v[o * in + i] = stored[i * out + o];
        return v;
    }

    /** {@link #toStored(float[])} for a mask. */
    public boolean[] toStored(boolean[] outIn) {
        if (layout == Layout.OUT_IN) return outIn.clone();
        boolean[] s = new boolean[outIn.length];
        for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) s[i * out + o] = outIn[o * in + i];
        return s;
    }
}
