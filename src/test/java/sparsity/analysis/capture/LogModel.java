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

    private static ValueInfoProto value(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
