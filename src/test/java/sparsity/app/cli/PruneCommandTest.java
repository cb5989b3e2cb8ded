package sparsity.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Masks;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

/**
 * prune apply on the MNIST sample: the written model runs under ONNX Runtime and gives the
 * logits of the masked computation done by hand; the asked share is pruned in every layer.
 */
class PruneCommandTest {

    @TempDir
    Path tmp;

    @Test
    void prunedModelRunsAndMatchesTheMaskedComputation() throws Exception {
        Path out = tmp.resolve("pruned.onnx");
        Path original = SampleModels.path(SampleModels.MNIST_MLP);
        byte[] before = Files.readAllBytes(original);
        InspectCommandTest.Run r = cli("prune", "apply", "--model", "mnist-mlp", "--method", "magnitude", "--sparsity", "0.5",
                "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(before, Files.readAllBytes(original), "the original model is untouched");

        ModelProto dense = OnnxModels.read(original);
        ModelProto pruned = OnnxModels.read(out);
        List<PrunableWeight> ws = PrunedModels.supported(pruned);
        assertEquals(3, ws.size());
        float[][] w = new float[3][];
        float[][] b = new float[3][];
        for (int i = 0; i < 3; i++) {
            float[] p = ws.get(i).toOutIn(PrunedModels.stored(pruned, ws.get(i)));
            boolean[] keep = new boolean[p.length];
            for (int j = 0; j < p.length; j++) keep[j] = p[j] != 0;
            assertEquals(0.5, Masks.sparsity(keep), 1e-6, ws.get(i).name() + " is half pruned");
            float[] d = ws.get(i).toOutIn(PrunedModels.stored(dense, ws.get(i)));
            boolean[] magnitude = Masks.unstructured(sparsity.analysis.prune.Scores.magnitude(d), 0.5);
            for (int j = 0; j < p.length; j++) assertEquals(magnitude[j] ? d[j] : 0f, p[j], 0f);
            w[i] = p;
            b[i] = Initializers.bias(pruned, "fc" + (i + 1) + ".bias");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (NpyArray images = Npy.read(SampleModels.dataFile("mnist-test-images.npy"));
             OrtSession s = env.createSession(out.toString(), new OrtSession.SessionOptions())) {
            int n = 50;
            float[][] x = new float[n][];
            for (int i = 0; i < n; i++) x[i] = images.row(i);
            float[][] logits;
            try (OnnxTensor t = OnnxTensor.createTensor(env, x); OrtSession.Result res = s.run(Map.of("input", t))) {
                logits = (float[][]) res.get(0).getValue();
            }
            int[] sizes = {784, 256, 128, 10};
            for (int i = 0; i < n; i++) {
                float[] h = x[i];
                for (int l = 0; l < 3; l++) {
                    float[] next = new float[sizes[l + 1]];
                    for (int o = 0; o < next.length; o++) {
                        double acc = b[l][o];
                        for (int k = 0; k < sizes[l]; k++) acc += w[l][o * sizes[l] + k] * h[k];
                        next[o] = l < 2 ? (float) Math.max(0, acc) : (float) acc;
                    }
                    h = next;
                }
                assertArrayEquals(h, logits[i], 1e-3f, "image " + i);
            }
        }
        assertTrue(r.out().contains("sparse encoding"), r.out());
    }

    @Test
    void nmAndBadArguments() throws Exception {
        Path out = tmp.resolve("nm.onnx");
        InspectCommandTest.Run r = cli("prune", "apply", "--model", "mnist-mlp", "--method", "magnitude", "--nm", "2:4",
                "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        ModelProto pruned = OnnxModels.read(out);
        for (PrunableWeight w : PrunedModels.supported(pruned)) {
            float[] p = w.toOutIn(PrunedModels.stored(pruned, w));
            boolean[] keep = new boolean[p.length];
            for (int j = 0; j < p.length; j++) keep[j] = p[j] != 0;
            assertTrue(Masks.satisfiesNm(keep, w.out(), w.in(), 2, 4), w.name());
        }
        assertEquals(2, cli("prune", "apply", "--model", "mnist-mlp", "--method", "nonsense", "--out", tmp.resolve("x.onnx").toString()).status());
        assertEquals(2, cli("prune", "apply", "--model", "mnist-mlp", "--method", "lamp", "--nm", "2:4", "--out", tmp.resolve("y.onnx").toString()).status());
    }

    @Test
    void wandaWithTheSamplesOwnDigitsAndASavedMask() throws Exception {
        Path out = tmp.resolve("wanda.onnx");
        Path mask = tmp.resolve("wanda.safetensors");
        InspectCommandTest.Run r = cli("prune", "apply", "--model", "mnist-mlp", "--method", "wanda", "--sparsity", "0.5",
                "--calibration-limit", "200", "--out", out.toString(), "--mask-out", mask.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("calib    rows of mnist-test-images.npy [2000, 784], first 200: 200 examples"), r.out());
        assertTrue(r.out().contains("with wanda"), r.out());
        ModelProto pruned = OnnxModels.read(out);
        for (PrunableWeight w : PrunedModels.supported(pruned)) {
            float[] p = PrunedModels.stored(pruned, w);
            long zeros = 0;
            for (float v : p) if (v == 0) zeros++;
            assertTrue(zeros >= p.length / 2, w.name() + " is at least half zero");
        }
        sparsity.analysis.prune.MaskArtifact a = sparsity.analysis.prune.MaskFile.read(mask);
        assertEquals("wanda", a.provenance().method());
        assertEquals("mnist-mlp", a.provenance().model());
        assertEquals(200, a.provenance().calibrationTokens());
        assertEquals(OnnxModels.sha256(SampleModels.path(SampleModels.MNIST_MLP)), a.provenance().modelSha256());
        assertTrue(a.weights().isEmpty(), "a mask alone reproduces wanda");

        Path again = tmp.resolve("again.onnx");
        InspectCommandTest.Run r2 = cli("prune", "apply", "--model", "mnist-mlp", "--mask", mask.toString(), "--out", again.toString());
        assertEquals(0, r2.status(), r2.err());
        ModelProto re = OnnxModels.read(again);
        for (PrunableWeight w : PrunedModels.supported(pruned)) {
            assertArrayEquals(PrunedModels.stored(pruned, w), PrunedModels.stored(re, w), 0f, w.name());
        }
        assertEquals(2, cli("prune", "apply", "--model", "mnist-mlp", "--mask", mask.toString(), "--method", "wanda",
                "--out", again.toString()).status());
    }

    @Test
    void sparseGptTwoFourOnMiniLmAndHeadsOnTheTinyTransformer() throws Exception {
        Path out = tmp.resolve("sg.onnx");
        Path mask = tmp.resolve("sg.safetensors");
        InspectCommandTest.Run r = cli("prune", "apply", "--model", "all-minilm-l6-v2", "--method", "sparsegpt", "--nm", "2:4",
                "--calibration-limit", "24", "--out", out.toString(), "--mask-out", mask.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("24 texts from sample-models/corpus/sentences.txt"), r.out());
        assertTrue(r.out().contains("(input Gram matrices X^T X)"), r.out());
        assertTrue(r.out().contains("with sparsegpt 2:4"), r.out());
        ModelProto pruned = OnnxModels.read(out);
        assertEquals(36, PrunedModels.supported(pruned).size());
        for (PrunableWeight w : PrunedModels.supported(pruned)) {
            float[] p = w.toOutIn(PrunedModels.stored(pruned, w));
            boolean[] keep = new boolean[p.length];
            for (int j = 0; j < p.length; j++) keep[j] = p[j] != 0;
            assertTrue(Masks.satisfiesNm(keep, w.out(), w.in(), 2, 4), w.name());
        }
        assertTrue(sparsity.analysis.prune.MaskFile.read(mask).weights().size() == 36, "SparseGPT's updated weights travel with the mask");

        Path heads = tmp.resolve("heads.onnx");
        InspectCommandTest.Run h = cli("prune", "apply", "--model", "tiny-transformer", "--method", "heads", "--sparsity", "0.5",
                "--out", heads.toString());
        assertEquals(0, h.status(), h.err());
        assertTrue(h.out().contains("removed 2 of 4 heads of layer 0") || h.out().matches("(?s).*removed \\d+ of \\d+ heads of layer 0.*"), h.out());
        assertTrue(h.out().contains("importance the Frobenius norm"), h.out());
    }

    @Test
    void calibrationIsNeededForDataAwareMethodsOnOtherModels() throws Exception {
        Path copy = tmp.resolve("my-mlp.onnx");
        Files.copy(SampleModels.path(SampleModels.MNIST_MLP), copy);
        InspectCommandTest.Run r = cli("prune", "apply", "--model", copy.toString(), "--method", "sparsegpt", "--out", tmp.resolve("x.onnx").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("needs calibration data: --calibration"), r.err());
        // with data it runs: the digits as an .npy
        r = cli("prune", "apply", "--model", copy.toString(), "--method", "sparsegpt", "--calibration",
                SampleModels.dataFile("mnist-test-images.npy").toString(), "--calibration-limit", "100", "--out", tmp.resolve("x.onnx").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(2, cli("prune", "apply", "--model", "mnist-mlp", "--method", "wanda").status(), "somewhere to write");
    }

    @Test
    void quantizedWeightsAreReportedAsNotSupported() throws Exception {
        Path model = tmp.resolve("qdq.onnx");
        java.nio.file.Files.write(model, qdqModel().toByteArray());
        Path out = tmp.resolve("qdq-pruned.onnx");
        InspectCommandTest.Run r = cli("prune", "apply", "--model", model.toString(), "--method", "magnitude", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("(?s).*\\(w\\.q\\) .*left dense: quantized int weights behind DequantizeLinear: not supported.*"), r.out());
        assertTrue(r.out().contains("note     1 quantized or non-float32 weights are not supported"), r.out());
        assertTrue(r.out().contains("pruned   6 of 12 prunable weights"), r.out());
    }

    @Test
    void benchPruneRuns() {
        InspectCommandTest.Run r = cli("bench", "prune", "--texts", "16", "--rounds", "1", "--warmup", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("calibration (X^T X of 24 layer inputs)"), r.out());
        assertTrue(r.out().matches("(?s).*sparsegpt 50%  1536 out x  384 in .*compute layer .*"), r.out());
        assertTrue(r.out().contains("sparsegpt 50% on all 36 weights (10,616,832)"), r.out());
    }

    /** x [batch, 4] -> MatMul(w.f [4, 3]) -> MatMul(DequantizeLinear(w.q int8 [3, 2])) -> y; runs under ONNX Runtime. */
    static ModelProto qdqModel() {
        float[] wf = {1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12};
        var b = java.nio.ByteBuffer.allocate(4 * wf.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : wf) b.putFloat(f);
        var tf = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("w.f").addDims(4).addDims(3)
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE).setRawData(com.google.protobuf.ByteString.copyFrom(b.array())).build();
        var tq = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("w.q").addDims(3).addDims(2)
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.INT8_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {1, -2, 3, -4, 5, -6})).build();
        var scale = ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("w.scale")
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE).addFloatData(0.5f).build();
        var g = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("qdq")
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setName("mm1").setOpType("MatMul").addInput("x").addInput("w.f").addOutput("h"))
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setName("dq").setOpType("DequantizeLinear").addInput("w.q").addInput("w.scale").addOutput("w.deq"))
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setName("mm2").setOpType("MatMul").addInput("h").addInput("w.deq").addOutput("y"))
                .addInitializer(tf).addInitializer(tq).addInitializer(scale)
                .addInput(sparsity.testing.OnnxProtos.floatValue("x", "batch", 4))
                .addOutput(sparsity.testing.OnnxProtos.floatValue("y", "batch", 2)).build();
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    /** Reads a bias initializer. */
    static final class Initializers {
        static float[] bias(ModelProto m, String name) {
            var t = m.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
            var buf = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[buf.remaining() / 4];
            buf.asFloatBuffer().get(f);
            return f;
        }
    }
}
