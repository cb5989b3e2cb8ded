package sparsity.analysis.graph;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.onnx.OnnxModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelSessionsTest {

    /** Relu(x W + b) for x = [1, 2, 3]: [1 + 0 + 0, -2 + 1 + 9 + 0.25] = [1, 8.25]. */
    private static final float[] RELU = {1f, 8.25f};

    @Test
    void anEditedModelWithExternalWeightsRunsFromBytes(@TempDir Path dir) throws Exception {
        Path file = Fixtures.withExternalWeight(dir);
        ModelProto model = OnnxModels.read(file);
        ModelProto exposed = GraphSurgery.exposeOutputs(model, List.of("/act/Relu_output_0"));
        try (OrtSession s = ModelSessions.open(exposed, file);
             OnnxTensor x = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(new float[] {1, 2, 3}), new long[] {1, 3});
             OrtSession.Result r = s.run(Map.of("x", x))) {
            assertArrayEquals(RELU, MiniLm.floats((OnnxTensor) r.get("/act/Relu_output_0").orElseThrow()), 1e-6f);
        }
    }

    @Test
    void aSplicedTailRunsFromTheSuppliedValueAndCanBeSaved(@TempDir Path dir) throws Exception {
        ModelProto tail = GraphSurgery.splice(Fixtures.softmaxClassifier(), "/act/Relu_output_0");
        assertEquals(List.of("/act/Relu_output_0"), GraphSurgery.inputNames(tail));
        assertEquals(1, tail.getGraph().getNodeCount());
        assertEquals(0, tail.getGraph().getInitializerCount(), "unused weights are dropped");
        Path saved = dir.resolve("tail.onnx");
        ModelSessions.save(tail, saved);
        assertEquals(tail, OnnxModels.read(saved));
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(saved.toString());
             OnnxTensor h = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(RELU), new long[] {1, 2});
             OrtSession.Result r = s.run(Map.of("/act/Relu_output_0", h))) {
            float[] y = MiniLm.floats((OnnxTensor) r.get("y").orElseThrow());
            double e = Math.exp(8.25 - 1);
            assertArrayEquals(new float[] {(float) (1 / (1 + e)), (float) (e / (1 + e))}, y, 1e-6f);
        }
    }
}
