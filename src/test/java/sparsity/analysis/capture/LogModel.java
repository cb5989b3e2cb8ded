package sparsity.analysis.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/** y = Relu(Log(x)), x float [batch, 3]: Log of a negative number is NaN. */
final class LogModel {

    private LogModel() {
    }

    static Path write(Path file) throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("log")
                .addNode(NodeProto.newBuilder().setName("/log/Log").setOpType("Log").addInput("x").addOutput("/log/Log_output_0"))
                .addNode(NodeProto.newBuilder().setName("/act/Relu").setOpType("Relu").addInput("/log/Log_output_0").addOutput("y"))
                .addInput(value("x"))
                .addOutput(value("y"))
                .build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        Files.write(file, m.toByteArray());
        return file;
    }

    /**
     * A text-shaped model: input_ids int64 [batch, seq] and attention_mask (unused by the graph
     * but fed), /log/Log_output_0 = Log(Cast(input_ids)) unsqueezed to [batch, seq, 1].
     */
    static Path writeText(Path file) throws IOException {
        TensorProto axes = TensorProto.newBuilder().setName("axes").addDims(1).setDataType(TensorProto.DataType.INT64_VALUE)
                .addInt64Data(2).build();
        GraphProto g = GraphProto.newBuilder().setName("textlog")
                .addNode(NodeProto.newBuilder().setName("/cast/Cast").setOpType("Cast").addInput("input_ids").addOutput("/cast/Cast_output_0")
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("to")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(TensorProto.DataType.FLOAT_VALUE)))
                .addNode(NodeProto.newBuilder().setName("/log/Unsqueeze").setOpType("Unsqueeze").addInput("/cast/Cast_output_0")
                        .addInput("axes").addOutput("/log/Unsqueeze_output_0"))
                .addNode(NodeProto.newBuilder().setName("/log/Log").setOpType("Log").addInput("/log/Unsqueeze_output_0").addOutput("/log/Log_output_0"))
                .addNode(NodeProto.newBuilder().setName("/mask/Cast").setOpType("Cast").addInput("attention_mask").addOutput("mask_f")
                        .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("to")
                                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(TensorProto.DataType.FLOAT_VALUE)))
                .addInitializer(axes)
                .addInput(longValue("input_ids"))
                .addInput(longValue("attention_mask"))
                .addOutput(ValueInfoProto.newBuilder().setName("/log/Log_output_0").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))))
                .addOutput(ValueInfoProto.newBuilder().setName("mask_f").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))))
                .build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        Files.write(file, m.toByteArray());
        return file;
    }

    private static ValueInfoProto longValue(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("seq")).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE).setShape(shape))).build();
    }

    private static ValueInfoProto value(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
