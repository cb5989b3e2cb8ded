package sparsity.analysis.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import static sparsity.testing.OnnxProtos.floatValue;
import static sparsity.testing.OnnxProtos.raw;

/** Small hand-built ONNX models for tests: y = Softmax(Relu(x W + b)). */
final class TinyModels {

    static final float[] W = {1f, -2f, 0f, 0.5f, 0f, 3f}; // [3, 2]
    static final float[] B = {0f, 0.25f};

    private TinyModels() {
    }

    static ModelProto.Builder model(long opset) {
        TensorProto w = TensorProto.newBuilder().setName("fc.weight").addDims(3).addDims(2)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(W)).build();
        TensorProto b = TensorProto.newBuilder().setName("fc.bias").addDims(2)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(B[0]).addFloatData(B[1]).build();
        GraphProto g = GraphProto.newBuilder().setName("tiny")
                .addNode(NodeProto.newBuilder().setName("/layers.0/fc/MatMul").setOpType("MatMul")
                        .addInput("x").addInput("fc.weight").addOutput("/layers.0/fc/MatMul_output_0"))
                .addNode(NodeProto.newBuilder().setName("/layers.0/fc/Add").setOpType("Add")
                        .addInput("/layers.0/fc/MatMul_output_0").addInput("fc.bias").addOutput("/layers.0/fc/Add_output_0"))
                .addNode(NodeProto.newBuilder().setName("/layers.0/act/Relu").setOpType("Relu")
                        .addInput("/layers.0/fc/Add_output_0").addOutput("/layers.0/act/Relu_output_0"))
                .addNode(NodeProto.newBuilder().setName("/head/Softmax").setOpType("Softmax")
                        .addInput("/layers.0/act/Relu_output_0").addOutput("y"))
                .addInitializer(w).addInitializer(b)
                .addInput(floatValue("x", "batch", 3))
                .addOutput(floatValue("y", "batch", 2))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("tests").setProducerVersion("1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g);
    }

    static Path write(ModelProto m, Path file) throws IOException {
        Files.write(file, m.toByteArray());
        return file;
    }

    /** The same model with the weight moved to an external data file "weights.bin" (offset 16). */
    static ModelProto withExternalWeight(Path dir) throws IOException {
        ModelProto.Builder mb = model(13);
        byte[] data = raw(W).toByteArray();
        byte[] file = new byte[16 + data.length];
        System.arraycopy(data, 0, file, 16, data.length);
        Files.write(dir.resolve("weights.bin"), file);
        TensorProto ext = mb.getGraph().getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("16"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Integer.toString(data.length)))
                .build();
        mb.getGraphBuilder().setInitializer(0, ext);
        return mb.build();
    }
}
