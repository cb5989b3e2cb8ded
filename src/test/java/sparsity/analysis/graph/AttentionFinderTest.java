package sparsity.analysis.graph;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import sparsity.analysis.graph.AttentionFinder.AttentionPoint;
import sparsity.analysis.onnx.OnnxModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionFinderTest {

    @Test
    void miniLmHasSixLayersOfTwelveHeadsWhoseRowsSumToOne() throws Exception {
        Path file = MiniLm.model();
        ModelProto model = OnnxModels.read(file);
        List<AttentionPoint> points = AttentionFinder.find(model);
        assertEquals(6, points.size());
        for (int i = 0; i < 6; i++) {
            AttentionPoint p = points.get(i);
            assertEquals(i, p.layer());
            assertEquals("layer " + i, p.label());
            assertEquals("/encoder/layer." + i + "/attention/self", p.scope());
            assertEquals("/encoder/layer." + i + "/attention/self/Softmax_output_0", p.tensorName());
        }

        ModelProto exposed = GraphSurgery.exposeOutputs(model, points.stream().map(AttentionPoint::tensorName).toList());
        for (int[] sentences : new int[][] {{1}, {0, 1, 2}}) {
            Map<String, long[][]> batch = MiniLm.batch(sentences);
            int n = batch.get("input_ids")[0].length;
            try (OrtSession s = ModelSessions.open(exposed, file)) {
                Map<String, OnnxTensor> in = MiniLm.tensors(batch);
                try (OrtSession.Result r = s.run(in)) {
                    for (AttentionPoint p : points) {
                        OnnxTensor t = (OnnxTensor) r.get(p.tensorName()).orElseThrow();
                        assertArrayEquals(new long[] {sentences.length, 12, n, n}, t.getInfo().getShape(), p.label());
                        float[] v = MiniLm.floats(t);
                        for (int row = 0; row < v.length / n; row++) {
                            double sum = 0;
                            for (int k = 0; k < n; k++) sum += v[row * n + k];
                            assertEquals(1.0, sum, 1e-5, p.label() + " row " + row);
                        }
                    }
                } finally {
                    MiniLm.closeAll(in);
                }
            }
        }
    }

    @Test
    void findsCausalScaledDotProductAttentionAsPyTorchExportsIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        ModelProto model = SdpaModel.build();
        List<AttentionPoint> points = AttentionFinder.find(model);
        assertEquals(List.of("/blocks.0/attn/Softmax_output_0", "/blocks.1/attn/Softmax_output_0"),
                points.stream().map(AttentionPoint::tensorName).toList(), "the head's Softmax is not attention");
        assertEquals(List.of("layer 0", "layer 1"), points.stream().map(AttentionPoint::label).toList());

        int seq = 5;
        float[] x = new float[2 * seq * 4];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.7);
        boolean[][] causal = new boolean[seq][seq];
        for (int q = 0; q < seq; q++) for (int k = 0; k <= q; k++) causal[q][k] = true; // allowed keys
        Path file = dir.resolve("sdpa.onnx");
        java.nio.file.Files.write(file, model.toByteArray());
        ModelProto exposed = GraphSurgery.exposeOutputs(model, points.stream().map(AttentionPoint::tensorName).toList());
        var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (OrtSession s = ModelSessions.open(exposed, file);
             OnnxTensor xt = OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(x), new long[] {1, 2, seq, 4});
             OnnxTensor ct = OnnxTensor.createTensor(env, causal);
             OrtSession.Result r = s.run(Map.of("x", xt, "causal", ct))) {
            for (AttentionPoint p : points) {
                OnnxTensor t = (OnnxTensor) r.get(p.tensorName()).orElseThrow();
                assertArrayEquals(new long[] {1, 2, seq, seq}, t.getInfo().getShape());
                float[] v = MiniLm.floats(t);
                for (int row = 0; row < 2 * seq; row++) {
                    double sum = 0;
                    for (int k = 0; k < seq; k++) {
                        sum += v[row * seq + k];
                        if (k > row % seq) assertEquals(0f, v[row * seq + k], "causal: no weight on later keys");
                    }
                    assertEquals(1.0, sum, 1e-5);
                }
            }
        }
    }

    @Test
    void layerNumbersComeFromTheScope() {
        assertEquals(3, AttentionFinder.layerNumber("/encoder/layer.3/attention/self/Softmax"));
        assertEquals(11, AttentionFinder.layerNumber("/transformer/h.11/attn/Softmax"));
        assertEquals(1, AttentionFinder.layerNumber("/blocks.1/attn/Softmax"));
        assertEquals(0, AttentionFinder.layerNumber("/layers/0/self_attn/Softmax"));
        assertEquals(-1, AttentionFinder.layerNumber("/head/Softmax"));
    }

    @Test
    void aClassifierSoftmaxIsNoAttentionMap() throws Exception {
        ModelProto model = OnnxModels.read(MiniLm.model());
        assertTrue(AttentionFinder.find(Fixtures.softmaxClassifier()).isEmpty());
        assertEquals(6, AttentionFinder.find(model).size());
    }
}
