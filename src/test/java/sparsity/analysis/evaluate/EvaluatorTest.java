package sparsity.analysis.evaluate;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Masks;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.prune.Scores;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluator on all-MiniLM-L6-v2: cosine of the mean-pooled sentence embedding is the default
 * metric, 1 for the dense model, and does not depend on padding (the same sentences in batches
 * of 3 and of 8, padded to different lengths, give the same value for a pruned model); KL and
 * top-1 are refused for an embedding output.
 */
class EvaluatorTest {

    @Test
    void minilmPooledCosineIsPaddingAware() throws Exception {
        Path file = SampleModels.path(SampleModels.MINILM);
        ModelProto m = OnnxModels.read(file);
        Map<String, float[]> pruned = new LinkedHashMap<>();
        for (PrunableWeight w : PrunedModels.supported(m)) {
            float[] v = w.toOutIn(PrunedModels.stored(m, w));
            boolean[] keep = Masks.unstructured(Scores.magnitude(v), 0.3);
            for (int i = 0; i < v.length; i++) if (!keep[i]) v[i] = 0;
            pruned.put(w.name(), w.toStored(v));
        }
        byte[] candidate = PrunedModels.withWeights(m, pruned).toByteArray();
        double[] cos = new double[2];
        double[] tok = new double[2];
        int[] batches = {3, 8};
        for (int k = 0; k < 2; k++) {
            EvalData data = EvalData.forSample(SampleModels.MINILM, 16, batches[k]);
            assertEquals(16, data.examples());
            try (Evaluator ev = Evaluator.open(file, m, data, null, null)) {
                assertEquals(TaskMetric.COSINE, ev.metric());
                assertEquals(OutputKind.EMBEDDING, ev.kind());
                assertEquals("last_hidden_state", ev.output());
                assertEquals(1.0, ev.dense().value(), 0);
                assertTrue(Double.isNaN(ev.dense().kl()) && Double.isNaN(ev.dense().accuracy()));
                Evaluation e = ev.evaluate(candidate);
                cos[k] = e.value();
                tok[k] = e.tokenCosine();
                assertTrue(e.rows() > 16 && e.rows() < 16 * 128, "rows are the real tokens: " + e.rows());
            }
        }
        assertTrue(cos[0] > 0.5 && cos[0] < 0.999, "30% magnitude moves the embedding: " + cos[0]);
        assertEquals(cos[0], cos[1], 1e-4, "padding does not count");
        assertEquals(tok[0], tok[1], 1e-4);

        EvalData few = EvalData.forSample(SampleModels.MINILM, 4, 4);
        var ex = assertThrows(EvaluationException.class, () -> Evaluator.open(file, m, few, TaskMetric.KL, null));
        assertTrue(ex.getMessage().contains("holds embeddings"), ex.getMessage());
    }
}
