package sparsity.analysis.capture;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.graph.MiniLm;
import sparsity.analysis.graph.SplicedModel;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoredTensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The round trip later issues rely on: capture a hidden state, read it from the store, splice it back. */
class SpliceFromStoreTest {

    @Test
    void storedRowsSplicedBackGiveTheCapturedOutput(@TempDir Path tmp) throws Exception {
        Path model = MiniLm.model();
        Path out = tmp.resolve("store");
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(MiniLm.LAYER3_OUT, MiniLm.OUTPUT), false, DType.FLOAT32, out, ""))) {
            c.run(List.of(CaptureTest.batch(0, 1, 2)).iterator(), ProgressListener.NONE);
        }
        int[] sentences = {0, 1, 2};
        Map<String, long[][]> inputs = MiniLm.batch(sentences);
        int seq = inputs.get("input_ids")[0].length;
        try (ActivationStore s = ActivationStore.open(out);
             SplicedModel tail = SplicedModel.open(model, MiniLm.LAYER3_OUT)) {
            assertEquals(List.of("attention_mask"), tail.otherInputs());
            assertEquals(List.of(MiniLm.OUTPUT), tail.outputs());
            StoredTensor hidden = s.tensor(MiniLm.LAYER3_OUT).orElseThrow();
            StoredTensor last = s.tensor(MiniLm.OUTPUT).orElseThrow();
            // re-pad the stored token rows into [batch, seq, 384]; padding positions stay 0
            float[] value = new float[sentences.length * seq * MiniLm.HIDDEN];
            for (int e = 0; e < sentences.length; e++) {
                long first = s.exampleFirstToken(e);
                float[] rows = hidden.read(first, s.exampleTokens(e), new float[s.exampleTokens(e) * MiniLm.HIDDEN]);
                System.arraycopy(rows, 0, value, e * seq * MiniLm.HIDDEN, rows.length);
            }
            OnnxTensor mask = MiniLm.longTensor(inputs.get("attention_mask"));
            try (mask; OrtSession.Result r = tail.run(value, new long[] {sentences.length, seq, MiniLm.HIDDEN}, Map.of("attention_mask", mask))) {
                float[] y = MiniLm.floats((OnnxTensor) r.get(MiniLm.OUTPUT).orElseThrow());
                for (int e = 0; e < sentences.length; e++) {
                    int n = s.exampleTokens(e);
                    float[] want = last.read(s.exampleFirstToken(e), n, new float[n * MiniLm.HIDDEN]);
                    float[] got = new float[n * MiniLm.HIDDEN];
                    System.arraycopy(y, e * seq * MiniLm.HIDDEN, got, 0, got.length);
                    assertArrayEquals(want, got, 1e-4f, "example " + e);
                }
            }
        }
    }
}
