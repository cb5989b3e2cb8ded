package sparsity.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

/** capture, stats and store on all-MiniLM-L6-v2 and hand-built models, as a user runs them. */
class CaptureCommandTest {

    static final String HIDDEN = "/encoder/layer.3/output/LayerNorm/Add_1_output_0";
    static final List<String> TEXTS = List.of("hello world", "The Debian project makes a free operating system.",
            "Sparse autoencoders find features.");

    @TempDir
    static Path tmp;
    static Path store;
    static InspectCommandTest.Run captured;

    @BeforeAll
    static void captureOnce() throws Exception {
        Path texts = Files.write(tmp.resolve("texts.txt"), TEXTS);
        store = tmp.resolve("store");
        captured = cli("capture", "--model", "all-minilm-l6-v2", "--input", texts.toString(), "--tensors", HIDDEN,
                "--attention", "--out", store.toString(), "--batch", "2");
    }

    @Test
    void captureWritesOneRowPerRealTokenAndEveryAttentionMap() throws Exception {
        assertEquals(0, captured.status(), captured.err());
        assertTrue(captured.out().contains("input_ids int64 [batch_size, sequence_length] <- token ids"), captured.out());
        assertTrue(captured.out().contains("about"), "the size estimate is shown: " + captured.out());
        Tokenizer tok = Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow());
        int tokens = 0;
        for (String t : TEXTS) tokens += tok.withoutPadding().encode(t).ids().length;
        try (ActivationStore s = ActivationStore.open(store)) {
            assertTrue(s.isComplete());
            assertEquals(3, s.examples());
            StoredTensor h = s.tensor(HIDDEN).orElseThrow();
            assertEquals(tokens, h.rows(), "padding positions are left out");
            assertEquals(384, h.dim());
            assertEquals(7, s.tensors().size(), "the hidden state and 6 attention maps");
            StoredTensor a0 = s.tensors().get(1);
            assertTrue(a0.isAttention());
            int[] size = a0.mapSize(0);
            float[] m = a0.map(0);
            int n = size[size.length - 1];
            for (int r = 0; r < m.length / n; r++) {
                double sum = 0;
                for (int c = 0; c < n; c++) sum += m[r * n + c];
                assertEquals(1.0, sum, 1e-4, "attention rows sum to 1");
            }
        }
    }

    @Test
    void statsAndStoreExportImportRoundTrip() throws Exception {
        assertEquals(0, captured.status(), captured.err());
        Path csv = tmp.resolve("dims.csv");
        InspectCommandTest.Run st = cli("stats", store.toString(), "--csv", csv.toString());
        assertEquals(0, st.status(), st.err());
        assertTrue(st.out().contains(HIDDEN) && st.out().contains("x 384"), st.out());
        assertEquals(385, Files.readAllLines(csv).size(), "a header and one row per dimension");

        Path npy = tmp.resolve("x.npy");
        assertEquals(0, cli("store", "export", store.toString(), "--out", npy.toString()).status());
        Path back = tmp.resolve("imported");
        InspectCommandTest.Run imp = cli("store", "import", npy.toString(), "--out", back.toString());
        assertEquals(0, imp.status(), imp.err());
        try (ActivationStore a = ActivationStore.open(store); ActivationStore b = ActivationStore.open(back);
             NpyArray arr = Npy.read(npy)) {
            StoredTensor ta = a.tensor(HIDDEN).orElseThrow();
            assertArrayEquals(new long[] {ta.rows(), 384}, arr.shape());
            int n = (int) ta.rows();
            assertArrayEquals(ta.read(0, n, new float[n * 384]), b.first().read(0, n, new float[n * 384]));
        }
        Path maps = tmp.resolve("maps.npy");
        assertEquals(0, cli("store", "export", store.toString(), "--tensor", "/encoder/layer.5/attention/self/Softmax_output_0",
                "--out", maps.toString()).status());
        try (NpyArray arr = Npy.read(maps)) {
            assertEquals(4, arr.rank());
            assertEquals(3, arr.shape()[0]);
            assertEquals(12, arr.shape()[1]);
        }
    }

    @Test
    void badInputsExitTwoWithAClearMessage() throws Exception {
        Path texts = Files.write(tmp.resolve("t.txt"), List.of("hello"));
        InspectCommandTest.Run none = cli("capture", "--model", "all-minilm-l6-v2", "--input", texts.toString(),
                "--tensors", "/no/such/*", "--out", tmp.resolve("x1").toString());
        assertEquals(2, none.status());
        assertTrue(none.err().contains("/no/such/*"), none.err());

        Path gpt2 = Path.of(getClass().getClassLoader().getResource("inputs/gpt2-subset-tokenizer.json").toURI());
        InspectCommandTest.Run wrongTok = cli("capture", "--model", "all-minilm-l6-v2", "--input", texts.toString(),
                "--tokenizer", gpt2.toString(), "--tensors", HIDDEN, "--out", tmp.resolve("x2").toString());
        assertEquals(2, wrongTok.status());
        assertTrue(wrongTok.err().contains("tokenizer not matching the model's vocabulary"), wrongTok.err());

        Path model = sqrtModel(tmp.resolve("sqrt.onnx"));
        InspectCommandTest.Run noTok = cli("capture", "--model", model.toString(), "--input", texts.toString(),
                "--tensors", "y", "--out", tmp.resolve("x3").toString());
        assertEquals(2, noTok.status());
        assertTrue(noTok.err().contains("no tokenizer.json"), noTok.err());

        Path wide = tmp.resolve("wide.npy");
        Npy.write(wide, new float[10], 2, 5);
        InspectCommandTest.Run shape = cli("capture", "--model", model.toString(), "--input", wide.toString(),
                "--tensors", "y", "--out", tmp.resolve("x4").toString());
        assertEquals(2, shape.status());
        assertTrue(shape.err().contains("model input 'x'"), shape.err());

        Path negative = tmp.resolve("neg.npy");
        Npy.write(negative, new float[] {1, 4, 9, 16, 1, -1, 2, 3, 4, 4, 4, 4}, 3, 4);
        InspectCommandTest.Run nan = cli("capture", "--model", model.toString(), "--input", negative.toString(),
                "--tensors", "y", "--out", tmp.resolve("x5").toString());
        assertEquals(2, nan.status());
        assertTrue(nan.err().contains("NaN") && nan.err().contains("'y'"), nan.err());
        assertTrue(nan.err().contains("row 1") || nan.err().contains("example 1"), "names the row: " + nan.err());
        try (ActivationStore s = ActivationStore.open(tmp.resolve("x5"))) {
            assertTrue(!s.isComplete(), "a failed capture never claims to be complete");
        }
    }

    @Test
    void anInterruptedCaptureIsResumedFromTheCommandLine() throws Exception {
        Path texts = Files.write(tmp.resolve("resume.txt"), List.of("one two three", "four five", "six seven eight nine",
                "ten eleven", "twelve"));
        Path part = tmp.resolve("part");
        var summary = sparsity.analysis.onnx.OnnxModels.summarize(SampleModels.path(SampleModels.MINILM),
                sparsity.analysis.ProgressListener.NONE);
        var tok = Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow());
        var prepared = sparsity.analysis.capture.InputSources.prepare(summary,
                sparsity.analysis.capture.InputSources.of(texts, summary), tok, 2, 128, sparsity.analysis.ProgressListener.NONE);
        var batches = prepared.batches();
        try (var c = sparsity.analysis.capture.Capture.open(new sparsity.analysis.capture.CaptureSpec(SampleModels.path(SampleModels.MINILM),
                List.of(HIDDEN), false, sparsity.analysis.store.DType.FLOAT32, part, "test"))) {
            java.util.Iterator<sparsity.analysis.capture.InputBatch> stopAfterOne = new java.util.Iterator<>() {
                int i;

                public boolean hasNext() {
                    if (i == 1) Thread.currentThread().interrupt();
                    return i < batches.size();
                }

                public sparsity.analysis.capture.InputBatch next() {
                    return batches.get(i++);
                }
            };
            org.junit.jupiter.api.Assertions.assertThrows(InterruptedException.class,
                    () -> c.run(stopAfterOne, sparsity.analysis.ProgressListener.NONE));
        }
        Thread.interrupted();
        try (ActivationStore s = ActivationStore.open(part)) {
            assertTrue(!s.isComplete());
        }
        InspectCommandTest.Run r = cli("capture", "--model", "all-minilm-l6-v2", "--input", texts.toString(), "--batch", "2",
                "--out", part.toString(), "--resume");
        assertEquals(0, r.status(), r.err());
        int tokens = 0;
        for (String t : Files.readAllLines(texts)) tokens += tok.withoutPadding().encode(t).ids().length;
        try (ActivationStore s = ActivationStore.open(part)) {
            assertTrue(s.isComplete());
            assertEquals(5, s.examples());
            assertEquals(tokens, s.tensor(HIDDEN).orElseThrow().rows());
        }
        InspectCommandTest.Run again = cli("capture", "--model", "all-minilm-l6-v2", "--input", texts.toString(),
                "--out", part.toString(), "--resume");
        assertEquals(2, again.status());
        assertTrue(again.err().contains("already complete"), again.err());
    }

    @Test
    void aFolderOfPngDigitsGivesTheSameLogitsAsTheNpySplit() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("digits"));
        try (NpyArray images = Npy.read(SampleModels.dataFile("mnist-test-images.npy"))) {
            for (int i = 0; i < 12; i++) {
                float[] px = images.row(i);
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
                for (int p = 0; p < 784; p++) img.getRaster().setSample(p % 28, p / 28, 0, Math.round(px[p] * 255));
                javax.imageio.ImageIO.write(img, "png", folder.resolve(String.format("digit-%02d.png", i)).toFile());
            }
            Npy.write(tmp.resolve("first12.npy"), images.rows(0, 12), 12, 784);
        }
        InspectCommandTest.Run png = cli("capture", "--model", "mnist-mlp", "--input", folder.toString(), "--tensors", "logits",
                "--out", tmp.resolve("png-store").toString());
        assertEquals(0, png.status(), png.err());
        assertTrue(png.out().contains("input float [batch, 784] <- "), png.out());
        InspectCommandTest.Run npy = cli("capture", "--model", "mnist-mlp", "--input", tmp.resolve("first12.npy").toString(),
                "--tensors", "logits", "--out", tmp.resolve("npy-store").toString());
        assertEquals(0, npy.status(), npy.err());
        try (ActivationStore a = ActivationStore.open(tmp.resolve("png-store")); ActivationStore b = ActivationStore.open(tmp.resolve("npy-store"))) {
            StoredTensor la = a.first();
            StoredTensor lb = b.first();
            assertEquals(12, la.rows());
            assertEquals("digit-03.png", a.exampleName(3), "rows keep their image names");
            float[] x = la.read(0, 12, new float[120]);
            float[] y = lb.read(0, 12, new float[120]);
            for (int i = 0; i < x.length; i++) assertEquals(y[i], x[i], 0.05, "logit " + i + " (pixels differ by < 1/255)");
        }
    }

    /** y = Sqrt(x), x float [batch, 4]: a negative input gives NaN. */
    static Path sqrtModel(Path file) throws Exception {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)).build();
        TypeProto t = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)).build();
        GraphProto g = GraphProto.newBuilder().setName("sqrt")
                .addNode(NodeProto.newBuilder().setName("sqrt").setOpType("Sqrt").addInput("x").addOutput("y"))
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(t))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(t)).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
        Files.write(file, m.toByteArray());
        return file;
    }

}
