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
