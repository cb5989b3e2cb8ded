package sparsity.analysis.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.graph.MiniLm;
import sparsity.analysis.graph.ModelSessions;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.RowProvenance;
import sparsity.analysis.store.StoredTensor;
import sparsity.analysis.store.TensorLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureTest {

    private static Path model;
    /** last_hidden_state of each sentence run alone (no padding): [tokens * 384]. */
    private static float[][] clean;

    @BeforeAll
    static void cleanOutputs() throws Exception {
        model = MiniLm.model();
        ModelProto proto = OnnxModels.read(model);
        clean = new float[MiniLm.IDS.length][];
        try (OrtSession s = ModelSessions.open(proto, model)) {
            for (int i = 0; i < MiniLm.IDS.length; i++) {
                Map<String, OnnxTensor> in = MiniLm.tensors(MiniLm.batch(i));
                try (OrtSession.Result r = s.run(in)) {
                    clean[i] = MiniLm.floats((OnnxTensor) r.get(MiniLm.OUTPUT).orElseThrow());
                } finally {
                    MiniLm.closeAll(in);
                }
            }
        }
    }

    /** Sentences {0, 1} (1 padded to 8 tokens) and {2}, with provenance. */
    static List<InputBatch> batches() {
        return List.of(batch(0, 1), batch(2));
    }

    static InputBatch batch(int... sentences) {
        List<String> names = new ArrayList<>();
        List<String[]> tokens = new ArrayList<>();
        for (int s : sentences) {
            names.add(String.join(" ", Arrays.copyOfRange(MiniLm.TOKENS[s], 1, MiniLm.TOKENS[s].length - 1)));
            tokens.add(MiniLm.TOKENS[s]);
        }
        return InputBatch.text(MiniLm.batch(sentences), names, tokens);
    }

    @Test
    void capturedRowsAreTheModelsOwnOutputWithoutPadding(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("store");
        CaptureSpec spec = new CaptureSpec(model, List.of(MiniLm.OUTPUT, "/encoder/layer.*/output/LayerNorm/Add_1_output_0"),
                false, DType.FLOAT32, out, "three sentences");
        List<String> messages = new ArrayList<>();
        CaptureResult result;
        try (Capture c = Capture.open(spec)) {
            assertEquals(6, c.tensors().size(), "last_hidden_state and layers 0-4");
            assertEquals(MiniLm.OUTPUT, c.tensors().getFirst());
            InputStats stats = InputStats.of(batches());
            assertEquals(new InputStats(3, 20, 64 + 16 + 64), stats);
            CapturePlan plan = c.plan(batches().getFirst(), stats);
            assertEquals(TensorLayout.rows(MiniLm.OUTPUT, TensorLayout.Unit.TOKEN, MiniLm.HIDDEN), plan.tensors().getFirst());
            assertEquals(20L * 384 * 4, plan.tensorBytes().getFirst());
            assertEquals(6 * 20L * 384 * 4 + 20 * 16 + 3 * 16, plan.estimatedBytes());
            result = c.run(batches().iterator(), (f, m) -> messages.add(m));
        }
        assertEquals(20, result.tokens());
        assertEquals(3, result.examples());
        assertTrue(messages.getLast().startsWith("Captured 3 examples, 20 rows"), messages.toString());
        assertTrue(messages.stream().anyMatch(m -> m.contains("rows/s") && m.contains("ETA")), messages.toString());

        try (ActivationStore s = ActivationStore.open(out)) {
            assertTrue(s.isComplete());
            assertEquals(OnnxModels.sha256(model), s.header().modelSha256());
            assertEquals("three sentences", s.header().source());
            StoredTensor hidden = s.first();
            assertEquals(MiniLm.OUTPUT, hidden.name());
            assertEquals(20, hidden.rows(), "one row per non-padding token");
            long row = 0;
            for (int sentence = 0; sentence < 3; sentence++) {
                int n = MiniLm.IDS[sentence].length;
                float[] got = hidden.read(row, n, new float[n * MiniLm.HIDDEN]);
                assertArrayEquals(clean[sentence], got, 2e-5f, "sentence " + sentence);
                row += n;
            }
            assertEquals(new RowProvenance(1, 0, 101, "[CLS]"), s.token(8));
            assertEquals(new RowProvenance(1, 1, 7592, "hello"), s.token(9));
            assertEquals(new RowProvenance(2, 7, 102, "[SEP]"), s.token(19));
            assertEquals("hello world", s.exampleName(1));
            assertEquals(6, s.tensors().size());
            assertEquals(20, s.tensor("/encoder/layer.3/output/LayerNorm/Add_1_output_0").orElseThrow().rows());
        }
    }

    @Test
    void tokenizedTextComesInThroughTheInputMapping(@TempDir Path tmp) throws Exception {
        var tokenizer = sparsity.analysis.input.Tokenizers.load(
                sparsity.analysis.samples.SampleModels.tokenizer(sparsity.analysis.samples.SampleModels.MINILM).orElseThrow());
        var encoded = tokenizer.encodeBatch(List.of("Hello world!", "Sparse autoencoders find interpretable features."));
        List<sparsity.analysis.onnx.TensorSpec> inputs = MiniLm.inputs().stream()
                .map(n -> new sparsity.analysis.onnx.TensorSpec(n, "int64", List.of("batch", "seq"))).toList();
        InputBatch b = InputBatch.of(sparsity.analysis.input.InputMapping.forText(inputs, encoded), encoded);
        assertEquals("input_ids", b.idsInput());
        assertEquals("attention_mask", b.maskInput());
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(MiniLm.OUTPUT), false, DType.FLOAT16, tmp.resolve("s"), ""))) {
            c.run(List.of(b).iterator(), ProgressListener.NONE);
        }
        try (ActivationStore s = ActivationStore.open(tmp.resolve("s"))) {
            assertEquals(encoded.realTokenCount(), s.first().rows());
            assertEquals("Hello world!", s.exampleName(0));
            assertEquals(new RowProvenance(0, 1, 7592, "hello"), s.token(1));
            assertEquals(new RowProvenance(0, 3, 999, "!"), s.token(3));
            assertEquals("[SEP]", s.token(s.exampleTokens(0) - 1).text());
            assertEquals("[CLS]", s.token(s.exampleFirstToken(1)).text());
            assertEquals(encoded.encodings().get(1).realLength(), s.exampleTokens(1));
        }
    }

    @Test
    void attentionMapsAreCutToTheRealTokensAndTheirRowsSumToOne(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("attention");
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(), true, DType.FLOAT32, out, ""))) {
            c.run(batches().iterator(), ProgressListener.NONE);
        }
        float[] alone;
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(), true, DType.FLOAT32, tmp.resolve("alone"), ""))) {
            c.run(List.of(batch(1)).iterator(), ProgressListener.NONE);
        }
        try (ActivationStore s = ActivationStore.open(tmp.resolve("alone"))) {
            alone = s.tensors().get(2).map(0);
        }
        try (ActivationStore s = ActivationStore.open(out)) {
            assertEquals(6, s.tensors().size());
            for (int layer = 0; layer < 6; layer++) {
                StoredTensor t = s.tensors().get(layer);
                assertTrue(t.isAttention());
                assertEquals("layer " + layer, t.layout().label());
                assertEquals(12, t.dim(), "heads");
                assertEquals(3, t.rows(), "one map per example");
                for (int e = 0; e < 3; e++) {
                    int n = MiniLm.IDS[e].length;
                    assertArrayEquals(new int[] {n, n}, t.mapSize(e));
                    float[] map = t.map(e);
                    for (int r = 0; r < 12 * n; r++) {
                        double sum = 0;
                        for (int k = 0; k < n; k++) sum += map[r * n + k];
                        assertEquals(1.0, sum, 1e-5, "layer " + layer + " example " + e + " row " + r);
                    }
                }
            }
            assertArrayEquals(alone, s.tensors().get(2).map(1), 1e-5f, "the padded example's map equals its unpadded one");
        }
    }

    @Test
    void aCancelledCaptureIsIncompleteAndResumes(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("store");
        List<InputBatch> inputs = List.of(batch(0), batch(1), batch(2));
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(MiniLm.OUTPUT), false, DType.FLOAT16, out, ""))) {
            ProgressListener cancelAfterFirst = (f, m) -> Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> c.run(inputs.iterator(), cancelAfterFirst));
        } finally {
            Thread.interrupted();
        }
        try (ActivationStore s = ActivationStore.open(out)) {
            assertFalse(s.isComplete());
            assertEquals(1, s.examples(), "the whole first batch was kept");
            assertEquals(8, s.first().rows());
        }
        CaptureResult r = Capture.resume(out, inputs.iterator(), InputStats.of(inputs), ProgressListener.NONE);
        assertEquals(3, r.examples());
        assertEquals(12, r.rowsThisRun());
        try (ActivationStore s = ActivationStore.open(out)) {
            assertTrue(s.isComplete());
            assertEquals(20, s.first().rows());
            float[] got = s.first().read(8, 4, new float[4 * MiniLm.HIDDEN]);
            for (int i = 0; i < got.length; i++) assertEquals(clean[1][i], got[i], Math.abs(clean[1][i]) * 1e-3 + 1e-4, "value " + i);
            assertEquals(new RowProvenance(2, 1, 3086, "attention"), s.token(13));
        }
    }

    @Test
    void nanIsReportedWithTensorAndRowAndTheStoreStaysIncomplete(@TempDir Path tmp) throws Exception {
        Path file = LogModel.write(tmp.resolve("log.onnx"));
        Path out = tmp.resolve("store");
        InputBatch ok = InputBatch.tensors(Map.of("x", new InputBatch.FloatInput(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3})),
                List.of("a.png", "b.png"));
        InputBatch bad = InputBatch.tensors(Map.of("x", new InputBatch.FloatInput(new float[] {1, 2, 3, 1, -1, 3}, new long[] {2, 3})),
                List.of("c.png", "d.png"));
        try (Capture c = Capture.open(new CaptureSpec(file, List.of("/log/Log_output_0"), false, DType.FLOAT32, out, ""))) {
            CaptureException e = assertThrows(CaptureException.class, () -> c.run(List.of(ok, bad).iterator(), ProgressListener.NONE));
            assertEquals("NaN in tensor '/log/Log_output_0' at row 3 (example 3 'd.png', element 1)", e.getMessage());
        }
        try (ActivationStore s = ActivationStore.open(out)) {
            assertFalse(s.isComplete());
            assertTrue(s.failure().orElseThrow().startsWith("NaN in tensor"));
            assertTrue(s.examples() <= 2);
        }
    }

    @Test
    void nanInATokenRowNamesTheRowAndTokenWhileInfAtPaddingIsIgnored(@TempDir Path tmp) throws Exception {
        Path file = LogModel.writeText(tmp.resolve("textlog.onnx"));
        // Log(0) = -Inf at the padding of example 0 is left out; Log(-1) = NaN at example 1, position 1 is row 3
        InputBatch b = InputBatch.text(Map.of("input_ids", new long[][] {{5, 7, 0}, {3, -1, 2}},
                "attention_mask", new long[][] {{1, 1, 0}, {1, 1, 1}}), null, List.of(new String[] {"a", "b", "[PAD]"}, new String[] {"c", "d", "e"}));
        try (Capture c = Capture.open(new CaptureSpec(file, List.of("/log/Log_output_0"), false, DType.FLOAT32, tmp.resolve("s"), ""))) {
            CaptureException e = assertThrows(CaptureException.class, () -> c.run(List.of(b).iterator(), ProgressListener.NONE));
            assertEquals("NaN in tensor '/log/Log_output_0' at row 3 (example 1, token position 1 'd', element 0)", e.getMessage());
        }
        InputBatch fine = InputBatch.text(Map.of("input_ids", new long[][] {{5, 7, 0}, {3, 1, 2}},
                "attention_mask", new long[][] {{1, 1, 0}, {1, 1, 1}}), null, null);
        try (Capture c = Capture.open(new CaptureSpec(file, List.of("/log/Log_output_0"), false, DType.FLOAT32, tmp.resolve("t"), ""))) {
            c.run(List.of(fine).iterator(), ProgressListener.NONE);
        }
        try (ActivationStore s = ActivationStore.open(tmp.resolve("t"))) {
            assertEquals(5, s.first().rows());
            assertArrayEquals(new int[] {1}, s.first().layout().rowShape());
            assertArrayEquals(new float[] {(float) Math.log(5), (float) Math.log(7), (float) Math.log(3), 0, (float) Math.log(2)},
                    s.first().read(0, 5, new float[5]), 1e-6f);
            assertEquals(new RowProvenance(1, 2, 2, null), s.token(4));
        }
    }

    @Test
    void perExampleRowsOfATensorModel(@TempDir Path tmp) throws Exception {
        Path file = LogModel.write(tmp.resolve("log.onnx"));
        InputBatch b = InputBatch.tensors(Map.of("x", new InputBatch.FloatInput(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3})),
                List.of("a.png", "b.png"));
        try (Capture c = Capture.open(new CaptureSpec(file, List.of("/log/Log_output_0"), false, DType.FLOAT32, tmp.resolve("s"), ""), 1)) {
            c.run(List.of(b, b).iterator(), ProgressListener.NONE);
        }
        try (ActivationStore s = ActivationStore.open(tmp.resolve("s"))) {
            assertEquals(4, s.first().rows());
            assertEquals(TensorLayout.Unit.EXAMPLE, s.first().layout().unit());
            assertArrayEquals(new float[] {(float) Math.log(4), (float) Math.log(5), (float) Math.log(6)}, s.first().row(3), 1e-6f);
            assertEquals(new RowProvenance(3, -1, -1, "b.png"), s.source(s.first(), 3));
            assertEquals(0, s.tokens());
        }
    }

    @Test
    void badInputsAndNamesAreReportedBeforeAStoreIsMade(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("store");
        var e = assertThrows(CaptureException.class,
                () -> Capture.open(new CaptureSpec(model, List.of("/encoder/layer.9/*"), false, DType.FLOAT32, out, "")));
        assertTrue(e.getMessage().contains("/encoder/layer.9/*"), e.getMessage());
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(MiniLm.OUTPUT), false, DType.FLOAT32, out, ""))) {
            Map<String, long[][]> inputs = new java.util.HashMap<>(MiniLm.batch(1));
            inputs.remove("token_type_ids");
            InputBatch missing = InputBatch.text(inputs, null, null);
            e = assertThrows(CaptureException.class, () -> c.run(List.of(missing).iterator(), ProgressListener.NONE));
            assertTrue(e.getMessage().contains("'token_type_ids'"), e.getMessage());
        }
        assertFalse(Files.exists(out));
    }
}
