package sparsity.analysis.graph;

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

/** Small hand-built models: y = Softmax(Relu(x W + b)), x [batch, 3], W [3, 2]. */
final class Fixtures {

    static final float[] W = {1f, -2f, 0f, 0.5f, 0f, 3f};
    static final float[] B = {0f, 0.25f};

    private Fixtures() {
    }

    static ModelProto softmaxClassifier() {
        TensorProto w = TensorProto.newBuilder().setName("fc.weight").addDims(3).addDims(2)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(W)).build();
        TensorProto b = TensorProto.newBuilder().setName("fc.bias").addDims(2)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(B)).build();
        GraphProto g = GraphProto.newBuilder().setName("tiny")
                .addNode(NodeProto.newBuilder().setName("/fc/MatMul").setOpType("MatMul")
                        .addInput("x").addInput("fc.weight").addOutput("/fc/MatMul_output_0"))
                .addNode(NodeProto.newBuilder().setName("/fc/Add").setOpType("Add")
                        .addInput("/fc/MatMul_output_0").addInput("fc.bias").addOutput("/fc/Add_output_0"))
                .addNode(NodeProto.newBuilder().setName("/act/Relu").setOpType("Relu")
                        .addInput("/fc/Add_output_0").addOutput("/act/Relu_output_0"))
                .addNode(NodeProto.newBuilder().setName("/head/Softmax").setOpType("Softmax")
                        .addInput("/act/Relu_output_0").addOutput("y"))
                .addInitializer(w).addInitializer(b)
                .addInput(floatValue("x", "batch", 3))
                .addOutput(floatValue("y", "batch", 2))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
    }

    /** The classifier with its weight in "weights.bin" beside {@code dir}/tiny.onnx; returns the model file. */
    static Path withExternalWeight(Path dir) throws IOException {
        ModelProto.Builder mb = softmaxClassifier().toBuilder();
        Files.write(dir.resolve("weights.bin"), raw(W).toByteArray());
        TensorProto ext = mb.getGraph().getInitializer(0).toBuilder().clearRawData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .build();
        mb.getGraphBuilder().setInitializer(0, ext);
        Path file = dir.resolve("tiny.onnx");
        Files.write(file, mb.build().toByteArray());
        return file;
    }
}
