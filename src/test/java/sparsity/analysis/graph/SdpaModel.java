package sparsity.analysis.graph;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Two causal self-attention blocks in the shape PyTorch exports scaled_dot_product_attention:
 * x [batch, 2, seq, 4] is Q, K and V of 2 heads; scores = (Q * s) @ (s * K^T) with the scale on
 * the left of the second Mul, a causal mask by Where(allowed, scores, -inf), Softmax, then @ V.
 * Block 1 reads block 0's output.
 */
final class SdpaModel {

    private SdpaModel() {
    }

    static ModelProto build() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("sdpa")
                .addInput(sparsity.testing.OnnxProtos.floatValue("x", "batch", 2, "seq", 4))
                .addInput(boolValue("causal"))
                .addInitializer(TensorProto.newBuilder().setName("scale").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData((float) Math.sqrt(1 / Math.sqrt(4))))
                .addInitializer(TensorProto.newBuilder().setName("neg_inf").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addFloatData(Float.NEGATIVE_INFINITY));
        String in = "x";
        for (int b = 0; b < 2; b++) {
            String p = "/blocks." + b + "/attn/";
            g.addNode(node(p + "Mul", "Mul", in, "scale", p + "Mul_output_0"));
            g.addNode(NodeProto.newBuilder().setName(p + "Transpose").setOpType("Transpose").addInput(in).addOutput(p + "Transpose_output_0")
                    .addAttribute(AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS)
                            .addInts(0).addInts(1).addInts(3).addInts(2)));
            g.addNode(node(p + "Mul_1", "Mul", "scale", p + "Transpose_output_0", p + "Mul_1_output_0"));
            g.addNode(node(p + "MatMul", "MatMul", p + "Mul_output_0", p + "Mul_1_output_0", p + "MatMul_output_0"));
            g.addNode(NodeProto.newBuilder().setName(p + "Where").setOpType("Where").addInput("causal").addInput(p + "MatMul_output_0")
                    .addInput("neg_inf").addOutput(p + "Where_output_0"));
            g.addNode(NodeProto.newBuilder().setName(p + "Softmax").setOpType("Softmax").addInput(p + "Where_output_0")
                    .addOutput(p + "Softmax_output_0").addAttribute(AttributeProto.newBuilder().setName("axis")
                            .setType(AttributeProto.AttributeType.INT).setI(-1)));
            g.addNode(node(p + "MatMul_1", "MatMul", p + "Softmax_output_0", in, p + "MatMul_1_output_0"));
            in = p + "MatMul_1_output_0";
        }
        g.addNode(NodeProto.newBuilder().setName("/head/Softmax").setOpType("Softmax").addInput(in).addOutput("y"));
        g.addOutput(sparsity.testing.OnnxProtos.floatValue("y", "batch", 2, "seq", 4));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    private static NodeProto node(String name, String op, String a, String b, String out) {
        return NodeProto.newBuilder().setName(name).setOpType(op).addInput(a).addInput(b).addOutput(out).build();
    }

    private static ai.onnx.proto.OnnxMl.ValueInfoProto boolValue(String name) {
        var shape = ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder()
                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("seq"))
                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("seq"));
        return ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                .setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.BOOL_VALUE)
                        .setShape(shape))).build();
    }
}
