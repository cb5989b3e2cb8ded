package sparsity.analysis.input;

import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input side on the real all-MiniLM-L6-v2: its tokenizer.json, its model inputs and its
 * embedding rows; the planned inputs run in ONNX Runtime, and padding does not change the
 * hidden states of the real tokens.
 */
class MiniLmEndToEndTest {

    @Test
    void tokenizedBatchRunsAndPaddingIsMasked() throws Exception {
        Path model = SampleModels.path(SampleModels.MINILM);
        ModelSummary summary = OnnxModels.summarize(model, ProgressListener.NONE);
        Tokenizer tokenizer = Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow()).withBatchLongestPadding();

        assertEquals(30522, Tokenizers.tokenEmbeddingRows(summary.parameters()).orElseThrow());
        Tokenizers.checkAgainstModel(tokenizer, Tokenizers.tokenEmbeddingRows(summary.parameters()).orElseThrow());

        BatchEncoding batch = tokenizer.encodeBatch(List.of("hello world", "The quick brown fox jumps over the lazy dog."));
        assertEquals(12, batch.sequenceLength());
        MappingPlan plan = InputMapping.forText(summary.inputs(), batch);
        assertTrue(plan.ok(), plan.describe());

        BatchEncoding alone = tokenizer.encodeBatch(List.of("hello world"));
        try (OrtEnvironment env = OrtEnvironment.getEnvironment();
             OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            float[][][] padded = run(env, session, plan, batch);
            float[][][] single = run(env, session, InputMapping.forText(summary.inputs(), alone), alone);
            assertEquals(2, padded.length);
            assertEquals(12, padded[0].length);
            assertEquals(384, padded[0][0].length);
            for (int pos = 0; pos < 4; pos++) {
                assertArrayEquals(single[0][pos], padded[0][pos], 1e-4f, "hidden state at position " + pos);
            }
        }
    }

    private static float[][][] run(OrtEnvironment env, OrtSession session, MappingPlan plan, BatchEncoding b) throws Exception {
        Map<String, OnnxTensor> feeds = new HashMap<>();
        try {
            for (MappingPlan.Assignment a : plan.assignments()) {
                long[] values = switch (a.source()) {
                    case TOKEN_IDS -> b.flatIds();
                    case ATTENTION_MASK -> b.flatAttentionMask();
                    case TOKEN_TYPE_IDS -> b.flatTypeIds();
                    case POSITION_IDS -> b.flatPositionIds();
                    case TENSOR -> throw new IllegalStateException("no tensor input for text");
                };
                feeds.put(a.input().name(), OnnxTensor.createTensor(env, LongBuffer.wrap(values), b.shape()));
            }
            try (OrtSession.Result r = session.run(feeds)) {
                return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
            }
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }
}
