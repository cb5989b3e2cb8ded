package sparsity.analysis.capture;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.graph.AttentionFinder;
import sparsity.analysis.graph.GraphSurgery;
import sparsity.analysis.graph.MiniLm;
import sparsity.analysis.graph.SplicedModel;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.json.Json;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoredTensor;
import sparsity.analysis.store.TensorLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capture, attention maps and splicing on the two sample models of sample-models/. */
class SampleModelsCaptureTest {

    @Test
    void tinyTransformerAttentionMapsAndAMidStackSplice(@TempDir Path tmp) throws Exception {
        Path file = SampleModels.path(SampleModels.TINY_TRANSFORMER);
        ModelProto model = OnnxModels.read(file);
        List<AttentionFinder.AttentionPoint> points = AttentionFinder.find(model);
        var facts = Json.asObject(Json.parse(SampleModels.dataFile("tiny-transformer.json")), "facts");
        List<String> softmaxNodes = Json.asList(facts.get("softmax_nodes"), "softmax_nodes").stream()
                .map(o -> Json.asString(o, "node")).toList();
        assertEquals(softmaxNodes, points.stream().map(AttentionFinder.AttentionPoint::softmaxNode).toList());
        assertEquals(List.of("layer 0", "layer 1"), points.stream().map(AttentionFinder.AttentionPoint::label).toList());

        // the residual stream after layer 0: the last tensor of its scope
        String mid = null;
        for (NodeProto n : model.getGraph().getNodeList()) if (n.getName().startsWith("/layers.0/")) mid = n.getOutput(0);
        long[][] ids = new long[4][];
        try (NpyArray eval = Npy.read(SampleModels.dataFile("tiny-transformer-eval.npy"))) {
            int seq = (int) eval.shape()[1];
            for (int b = 0; b < 4; b++) {
                ids[b] = new long[seq];
                for (int p = 0; p < seq; p++) ids[b][p] = eval.getLong((long) b * seq + p);
            }
        }
        int seq = ids[0].length;
        InputBatch batch = InputBatch.text(Map.of("input_ids", ids), null, null);
        Path out = tmp.resolve("store");
        try (Capture c = Capture.open(new CaptureSpec(file, List.of(mid, "logits"), true, DType.FLOAT32, out, "eval rows 0-3"))) {
            c.run(List.of(batch).iterator(), ProgressListener.NONE);
        }
        try (ActivationStore s = ActivationStore.open(out);
             SplicedModel tail = SplicedModel.open(file, mid)) {
            assertEquals(4 * seq, s.tokens(), "no mask: every position is a row");
            for (AttentionFinder.AttentionPoint p : points) {
                StoredTensor t = s.tensor(p.tensorName()).orElseThrow();
                assertEquals(TensorLayout.Kind.MAPS, t.layout().kind());
                int heads = t.dim();
                for (int e = 0; e < 4; e++) {
                    float[] map = t.map(e);
                    assertEquals(heads * seq * seq, map.length);
                    for (int h = 0; h < heads; h++) {
                        for (int q = 0; q < seq; q++) {
                            double sum = 0;
                            for (int k = 0; k < seq; k++) {
                                float v = map[(h * seq + q) * seq + k];
                                sum += v;
                                if (k > q) assertEquals(0f, v, 1e-6f, "causal");
                            }
                            assertEquals(1.0, sum, 1e-5, p.label() + " head " + h + " query " + q);
                        }
                    }
                }
            }
            StoredTensor hidden = s.tensor(mid).orElseThrow();
            StoredTensor logits = s.tensor("logits").orElseThrow();
            int d = hidden.dim();
            float[] value = hidden.read(0, 4 * seq, new float[4 * seq * d]);
            Map<String, OnnxTensor> others = new java.util.HashMap<>();
            for (String in : tail.otherInputs()) others.put(in, MiniLm.longTensor(ids));
            try (OrtSession.Result r = tail.run(value, new long[] {4, seq, d}, others)) {
                float[] got = MiniLm.floats((OnnxTensor) r.get("logits").orElseThrow());
                assertArrayEquals(logits.read(0, 4 * seq, new float[got.length]), got, 1e-4f);
            } finally {
                MiniLm.closeAll(others);
            }
        }
    }

    @Test
    void mnistSpliceAfterTheFirstRelu(@TempDir Path tmp) throws Exception {
        Path file = SampleModels.path(SampleModels.MNIST_MLP);
        ModelProto model = OnnxModels.read(file);
        String relu = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Relu")).findFirst().orElseThrow().getOutput(0);
        String input = GraphSurgery.inputNames(model).getFirst();
        int n = 32;
        float[] images = new float[n * 784];
        try (NpyArray all = Npy.read(SampleModels.dataFile("mnist-test-images.npy"))) {
            all.readFloats(0, images);
        }
        List<String> names = java.util.stream.IntStream.range(0, n).mapToObj(i -> "test image " + i).toList();
        InputBatch batch = InputBatch.tensors(Map.of(input, new InputBatch.FloatInput(images, new long[] {n, 784})), names);
        Path out = tmp.resolve("store");
        try (Capture c = Capture.open(new CaptureSpec(file, List.of(relu, "logits"), false, DType.FLOAT32, out, ""))) {
            c.run(List.of(batch).iterator(), ProgressListener.NONE);
        }
        try (ActivationStore s = ActivationStore.open(out);
             SplicedModel tail = SplicedModel.open(file, relu)) {
            assertEquals(List.of(), tail.otherInputs());
            StoredTensor h = s.tensor(relu).orElseThrow();
            assertEquals(n, h.rows());
            assertEquals(TensorLayout.Unit.EXAMPLE, h.layout().unit());
            float[] value = h.read(0, n, new float[n * h.dim()]);
            for (float v : value) assertTrue(v >= 0, "a Relu output");
            try (OrtSession.Result r = tail.run(value, new long[] {n, h.dim()}, Map.of())) {
                float[] got = MiniLm.floats((OnnxTensor) r.get("logits").orElseThrow());
                assertArrayEquals(s.tensor("logits").orElseThrow().read(0, n, new float[got.length]), got, 1e-4f);
            }
            assertEquals("test image 5", s.exampleName(5));
        }
    }
}
