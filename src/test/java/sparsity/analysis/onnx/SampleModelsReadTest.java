package sparsity.analysis.onnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.json.Json;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bundled samples read as the script that made them says (sample-models/*.json), and the
 * MNIST classifier has the stated accuracy on the held-out digits shipped beside it, under ONNX
 * Runtime.
 */
class SampleModelsReadTest {

    static Map<String, Object> facts(String name) throws Exception {
        return Json.asObject(Json.parse(SampleModels.dataFile(name)), name);
    }

    static void assertMatchesFacts(ModelSummary s, Map<String, Object> f) {
        Map<String, Object> ops = Json.asObject(f.get("op_counts"), "op_counts");
        assertEquals(ops.size(), s.opCounts().size(), "op types: " + s.opCounts());
        for (Map.Entry<String, Object> e : ops.entrySet()) {
            assertEquals(Json.asLong(e.getValue(), e.getKey()), (long) s.count(e.getKey()), e.getKey());
        }
        assertEquals(Json.asLong(f.get("node_count"), "node_count"), s.nodeCount());
        assertEquals(Json.asLong(f.get("softmax_count"), "softmax_count"), s.count("Softmax"));
        long initializers = s.parameters().stream().filter(p -> !p.fromConstantNode()).count();
        long elements = s.parameters().stream().filter(p -> !p.fromConstantNode()).mapToLong(ParameterStats::count).sum();
        assertEquals(Json.asLong(f.get("initializer_count"), "initializer_count"), initializers);
        assertEquals(Json.asLong(f.get("initializer_elements"), "initializer_elements"), elements);
        assertEquals(Json.asLong(f.get("file_bytes"), "file_bytes"), s.fileBytes());
        Map<String, Object> in = Json.asObject(Json.asList(f.get("inputs"), "inputs").get(0), "input");
        assertEquals(in.get("name"), s.inputs().get(0).name());
        assertEquals(in.get("dtype"), s.inputs().get(0).elementType());
        assertEquals(Json.asList(in.get("shape"), "shape").stream().map(String::valueOf).toList(), s.inputs().get(0).shape());
    }

    @Test
    void tinyTransformerHasTheCountsOfItsScript() throws Exception {
        ModelSummary s = OnnxModels.summarize(SampleModels.path(SampleModels.TINY_TRANSFORMER), ProgressListener.NONE);
        Map<String, Object> f = facts("tiny-transformer.json");
        assertMatchesFacts(s, f);
        assertEquals(2, s.count("Softmax"));
        assertEquals(List.of("batch", "seq", "64"), s.outputs().get(0).shape());
        List<String> softmaxNodes = s.tensors().stream().filter(t -> t.producerOp().equals("Softmax")).map(GraphTensor::producerNode).toList();
        assertEquals(Json.asList(f.get("softmax_nodes"), "softmax_nodes"), softmaxNodes);
    }

    @Test
    void mnistClassifierHasItsCountsAndItsStatedAccuracyUnderOnnxRuntime() throws Exception {
        Path model = SampleModels.path(SampleModels.MNIST_MLP);
        Map<String, Object> f = facts("mnist-mlp.json");
        assertMatchesFacts(OnnxModels.summarize(model, ProgressListener.NONE), f);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (NpyArray images = Npy.read(SampleModels.dataFile("mnist-test-images.npy"));
             NpyArray labels = Npy.read(SampleModels.dataFile("mnist-test-labels.npy"));
             OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            int n = (int) images.rows();
            assertEquals(2000, n);
            float[][] x = new float[n][];
            for (int i = 0; i < n; i++) x[i] = images.row(i);
            long[] y = labels.toLongArray();
            int correct = 0;
            try (OnnxTensor t = OnnxTensor.createTensor(env, x); OrtSession.Result r = session.run(Map.of("input", t))) {
                float[][] logits = (float[][]) r.get(0).getValue();
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int c = 1; c < 10; c++) if (logits[i][c] > logits[i][best]) best = c;
                    if (best == y[i]) correct++;
                }
            }
            assertEquals(Json.asLong(f.get("test_correct"), "test_correct"), correct, "1,949 of 2,000 = 97.45%");
        }
    }
}
