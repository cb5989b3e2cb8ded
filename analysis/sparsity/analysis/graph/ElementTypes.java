package sparsity.analysis.graph;

import java.util.HashMap;
import java.util.Map;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Element types of every tensor of a graph, by a small forward propagation over the nodes (which
 * ONNX keeps in topological order). Exact for the declared tensors (inputs, outputs, value_info,
 * initializers) and for the ops whose output type is fixed or given by an attribute; every other
 * op is taken to return the type of its first input, which holds for the arithmetic, shape and
 * activation ops that make up nearly all of a network. ONNX Runtime checks a declared output type
 * against its own inference, so a wrong guess fails loudly rather than silently.
 */
final class ElementTypes {

    private static final int FLOAT = DataType.FLOAT_VALUE;
    private static final int INT64 = DataType.INT64_VALUE;
    private static final int INT32 = DataType.INT32_VALUE;
    private static final int BOOL = DataType.BOOL_VALUE;
    private static final int UINT8 = DataType.UINT8_VALUE;

    private ElementTypes() {
    }

    /** Tensor name to ONNX element type (TensorProto.DataType number); absent when unknown. */
    static Map<String, Integer> of(GraphProto g) {
        Map<String, Integer> types = new HashMap<>();
        for (var t : g.getInitializerList()) types.put(t.getName(), t.getDataType());
        for (ValueInfoProto v : g.getInputList()) declared(types, v);
        for (ValueInfoProto v : g.getValueInfoList()) declared(types, v);
        for (ValueInfoProto v : g.getOutputList()) declared(types, v);
        for (NodeProto n : g.getNodeList()) {
            for (int i = 0; i < n.getOutputCount(); i++) {
                String out = n.getOutput(i);
                if (out.isEmpty() || types.containsKey(out)) continue;
                Integer t = outputType(n, i, types);
                if (t != null) types.put(out, t);
            }
        }
        return types;
    }

    private static void declared(Map<String, Integer> types, ValueInfoProto v) {
        if (v.hasType() && v.getType().hasTensorType() && v.getType().getTensorType().getElemType() != 0) {
            types.put(v.getName(), v.getType().getTensorType().getElemType());
        }
    }

    private static Integer outputType(NodeProto n, int index, Map<String, Integer> types) {
        String op = n.getOpType();
        switch (op) {
            case "Constant" -> {
                for (AttributeProto a : n.getAttributeList()) {
                    switch (a.getName()) {
                        case "value" -> { return a.getT().getDataType(); }
                        case "value_float", "value_floats" -> { return FLOAT; }
                        case "value_int", "value_ints" -> { return INT64; }
                        case "value_string", "value_strings" -> { return DataType.STRING_VALUE; }
                        default -> { }
                    }
                }
                return null;
            }
            case "Cast", "RandomNormal", "RandomUniform", "EyeLike", "RandomNormalLike", "RandomUniformLike" -> {
                Integer to = intAttribute(n, op.equals("Cast") ? "to" : "dtype");
                if (to != null) return to;
                return op.startsWith("Random") && !op.endsWith("Like") ? Integer.valueOf(FLOAT) : input(n, 0, types);
            }
            case "CastLike" -> { return input(n, 1, types); }
            case "ConstantOfShape" -> {
                for (AttributeProto a : n.getAttributeList()) if (a.getName().equals("value")) return a.getT().getDataType();
                return FLOAT;
            }
            case "Shape", "Size", "ArgMax", "ArgMin", "NonZero", "NonMaxSuppression" -> { return INT64; }
            case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
                 "IsNaN", "IsInf" -> { return BOOL; }
            case "Where" -> { return input(n, 1, types); }
            case "MatMulInteger", "ConvInteger" -> { return INT32; }
            case "DequantizeLinear" -> { return n.getInputCount() > 1 ? input(n, 1, types) : Integer.valueOf(FLOAT); }
            case "QuantizeLinear" -> {
                return n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? input(n, 2, types) : Integer.valueOf(UINT8);
            }
            case "DynamicQuantizeLinear" -> { return index == 1 ? FLOAT : UINT8; }
            case "TopK", "MaxPool", "Unique" -> { return index == 0 ? input(n, 0, types) : Integer.valueOf(INT64); }
            case "Dropout" -> { return index == 0 ? input(n, 0, types) : Integer.valueOf(BOOL); }
            case "LayerNormalization" -> { return index == 0 ? input(n, 0, types) : Integer.valueOf(FLOAT); }
            default -> {
                Integer first = input(n, 0, types);
                if (first != null) return first;
                for (int i = 1; i < n.getInputCount(); i++) {
                    Integer t = input(n, i, types);
                    if (t != null) return t;
                }
                return null;
            }
        }
    }

    private static Integer input(NodeProto n, int i, Map<String, Integer> types) {
        return i < n.getInputCount() ? types.get(n.getInput(i)) : null;
    }

    private static Integer intAttribute(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return (int) a.getI();
        return null;
    }
}
