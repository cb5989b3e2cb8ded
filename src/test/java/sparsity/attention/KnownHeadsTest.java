package sparsity.attention;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.json.Json;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.attention.metrics.HeadMetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heads the sample transformer was trained to have are found from its captured attention
 * maps (sample-models/tiny-transformer.json): previous-token, induction on the repeated random
 * sequences of its evaluation set, and first-token, with their labels and scores.
 */
class KnownHeadsTest {

    @TempDir
    static Path tmp;
    static List<HeadAnalysis.HeadReport> heads;
    static Map<String, Object> facts;

    @BeforeAll
    static void captureAndAnalyze() throws Exception {
        Path model = SampleModels.path(SampleModels.TINY_TRANSFORMER);
        facts = Json.asObject(Json.parse(SampleModels.dataFile("tiny-transformer.json")), "facts");
        var summary = OnnxModels.summarize(model, ProgressListener.NONE);
        var prepared = InputSources.prepare(summary, new InputSources.Tensors(SampleModels.dataFile("tiny-transformer-eval.npy")),
                null, 16, 64, ProgressListener.NONE);
        Path store = tmp.resolve("maps");
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(), true, DType.FLOAT32, store, prepared.description()))) {
            c.run(prepared.batches().iterator(), ProgressListener.NONE);
        }
        Map<String, Object> eval = Json.asObject(facts.get("eval"), "eval");
        int half = (int) Json.asLong(eval.get("half_length"), "half_length");
        try (ActivationStore s = ActivationStore.open(store)) {
            heads = HeadAnalysis.analyze(s, HeadMetrics.Settings.defaults(), 0.1, new HeadAnalysis.InductionLayout(1, half),
                    ProgressListener.NONE);
        }
    }

    static HeadAnalysis.HeadReport head(int layer, int head) {
        return heads.stream().filter(h -> h.layer() == layer && h.head() == head).findFirst().orElseThrow();
    }

    @Test
    void everyHeadIsAnalyzed() {
        assertEquals(2 * 4, heads.size());
        assertEquals("layer 0", heads.get(0).layerLabel());
    }

    @Test
    void theKnownHeadsGetTheirLabelsAndScores() {
        for (Object o : Json.asList(facts.get("known_heads"), "known_heads")) {
            Map<String, Object> k = Json.asObject(o, "known head");
            HeadAnalysis.HeadReport h = head((int) Json.asLong(k.get("layer"), "layer"), (int) Json.asLong(k.get("head"), "head"));
            String pattern = String.valueOf(k.get("pattern"));
            double stated = ((Number) k.get("score")).doubleValue();
            double measured = switch (pattern) {
                case "previous-token" -> h.metrics().previousToken().mean();
                case "induction" -> h.metrics().induction().mean();
                default -> h.metrics().sink().mean();
            };
            assertEquals(stated, measured, 0.02, pattern + " score of layer " + h.layer() + " head " + h.head());
            String expectedLabel = switch (pattern) {
                case "previous-token" -> HeadLabels.PREVIOUS_TOKEN;
                case "induction" -> HeadLabels.INDUCTION;
                default -> HeadLabels.FIRST_TOKEN;
            };
            assertEquals(expectedLabel, h.label(), "label of layer " + h.layer() + " head " + h.head());
        }
        // the previous-token head is also the sharpest: near-zero entropy, one key covers 90% of the mass
        assertTrue(head(0, 2).metrics().entropy().mean() < 0.05);
        assertTrue(head(0, 2).pattern().best().score() > 0.95, head(0, 2).pattern().toString());
    }

    @Test
    void otherHeadsAreNotMistakenForThem() {
        for (HeadAnalysis.HeadReport h : heads) {
            if (h.layer() == 0) {
                assertTrue(h.metrics().induction().mean() < 0.5, "layer 0 has no induction head: " + h.head());
            }
            assertTrue(h.metrics().rows() == 64 * 41, "every row of the 64 evaluation sequences is counted");
        }
    }
}
