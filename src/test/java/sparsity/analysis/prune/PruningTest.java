package sparsity.analysis.prune;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.graph.ModelSessions;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.testing.OnnxProtos.floatValue;
import static sparsity.testing.OnnxProtos.raw;

/**
 * The facade on the MNIST sample and hand-made graphs: every method prunes exactly what it says
 * (per layer, over all, N:M), the pruned model that ONNX Runtime runs gives the masked
 * computation, structured pruning removes whole channels, quantized and Conv layers are reported.
 */
class PruningTest {

    private static Calibration mnistCalibration;

    /** MNIST calibration over the first 512 test digits (with Gram matrices), computed once. */
    static synchronized Calibration mnistCalibration() throws Exception {
        if (mnistCalibration == null) {
            Path file = SampleModels.path(SampleModels.MNIST_MLP);
            try (Backend be = Backends.cpu()) {
                mnistCalibration = Calibration.collect(OnnxModels.read(file), file, CalibrationTest.mnistBatches(512, 128),
                        "512 digits", true, be, ProgressListener.NONE);
            }
        }
        return mnistCalibration;
    }

    static ModelProto mnist() throws Exception {
        return OnnxModels.read(SampleModels.path(SampleModels.MNIST_MLP));
    }

    @Test
    void everyUnstructuredMethodPrunesExactlyWhatItSays() throws Exception {
        ModelProto m = mnist();
        Calibration cal = mnistCalibration();
        for (String method : List.of("magnitude", "random", "wanda", "sparsegpt", "magnitude-global", "lamp")) {
            for (double s : new double[] {0, 0.3, 0.5, 0.77}) {
                PruneResult r = Pruning.apply(m, PruneSpec.of(method, s), cal, ProgressListener.NONE);
                long total = 0;
                long perLayer = 0;
                for (LayerReport l : r.layers()) {
                    assertEquals(LayerReport.Status.PRUNED, l.status(), method + " " + l.name());
                    boolean[] keep = r.masks().get(l.name());
                    assertEquals(l.pruned(), countPruned(keep));
                    float[] v = r.weights().get(l.name());
                    for (int i = 0; i < v.length; i++) if (!keep[i]) assertEquals(0f, v[i], method + ": a pruned weight is 0");
                    if (r.method().scope() == PruneMethod.Scope.LAYER) {
                        assertEquals(Math.round(s * l.count()), l.pruned(), method + " at " + s + ": " + l.name());
                    }
                    total += l.count();
                    perLayer += Math.round(s * l.count());
                }
                assertEquals(r.method().scope() == PruneMethod.Scope.GLOBAL ? Math.round(s * total) : perLayer, r.pruned(),
                        method + " at " + s + " over all layers");
                assertEquals(List.of(), r.removed());
            }
        }
        // global magnitude prunes layers unevenly, LAMP too, and they differ
        PruneResult g = Pruning.apply(m, PruneSpec.of("magnitude-global", 0.5), null, ProgressListener.NONE);
        assertTrue(g.layers().stream().anyMatch(l -> Math.abs(l.sparsity() - 0.5) > 0.05));
        PruneResult lamp = Pruning.apply(m, PruneSpec.of("lamp", 0.5), null, ProgressListener.NONE);
        assertTrue(Masks.jaccardOfPruned(g.masks().get("fc1.weight"), lamp.masks().get("fc1.weight")) < 1);
    }

    @Test
    void nmPatternsHoldExactlyForEveryMethodThatTakesThem() throws Exception {
        ModelProto m = mnist();
        Calibration cal = mnistCalibration();
        for (String method : List.of("magnitude", "random", "wanda", "sparsegpt")) {
            for (NM nm : List.of(NM.TWO_FOUR, NM.FOUR_EIGHT)) {
                PruneResult r = Pruning.apply(m, PruneSpec.of(method, 0).withNm(nm), cal, ProgressListener.NONE);
                assertEquals(0.5, r.spec().sparsity());
                for (LayerReport l : r.layers()) {
                    boolean[] keep = l.weight().toOutIn(r.masks().get(l.name()));
                    assertTrue(Masks.satisfiesNm(keep, l.weight().out(), l.weight().in(), nm.n(), nm.m()), method + " " + nm + " " + l.name());
                    assertEquals(l.count() / 2, l.pruned(), method + " " + nm + " " + l.name());
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pruning.apply(m, PruneSpec.of("lamp", 0).withNm(NM.TWO_FOUR), null, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("N:M"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pruning.apply(m, PruneSpec.of("wanda", 0.5), null, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("calibration"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pruning.method("obd"));
        assertTrue(e.getMessage().contains("sparsegpt"), e.getMessage());
    }

    @Test
    void wandaThroughTheFacadeIsTheHandMadeScore() throws Exception {
        ModelProto m = mnist();
        Calibration cal = mnistCalibration();
        PruneResult r = Pruning.apply(m, PruneSpec.of("wanda", 0.5), cal, ProgressListener.NONE);
        PrunableWeight fc2 = PrunedModels.supported(m).get(1);
        float[] w = fc2.toOutIn(PrunedModels.stored(m, fc2));
        float[] norms = cal.input(fc2.name()).orElseThrow().norms();
        boolean[] expected = Masks.perRow(Scores.wanda(w, fc2.out(), fc2.in(), norms), fc2.out(), fc2.in(), 0.5);
        assertArrayEquals(expected, fc2.toOutIn(r.masks().get(fc2.name())));
        // the MNIST border pixels never light up: wanda prunes their weights first, magnitude does not
        PrunableWeight fc1 = PrunedModels.supported(m).getFirst();
        boolean[] keep = fc1.toOutIn(r.masks().get(fc1.name()));
        for (int o = 0; o < fc1.out(); o++) assertTrue(!keep[o * 784], "pixel (0, 0) of row " + o);
    }

    @Test
    void prunedModelsRunAndGiveTheMaskedComputation() throws Exception {
        ModelProto m = mnist();
        Calibration cal = mnistCalibration();
        float[] x;
        int[] labels;
        int n = 1000;
        try (NpyArray images = Npy.read(SampleModels.dataFile("mnist-test-images.npy"));
             NpyArray lab = Npy.read(SampleModels.dataFile("mnist-test-labels.npy"))) {
            x = images.rows(1000, n); // held out from the calibration digits
            labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = (int) lab.getLong(1000 + i);
        }
        double dense = accuracy(logits(m, x, n), labels);
        StringBuilder line = new StringBuilder(String.format("MNIST accuracy on 1,000 held-out digits: dense %.3f", dense));
        for (String method : List.of("magnitude", "wanda", "sparsegpt", "random")) {
            for (NM nm : new NM[] {null, NM.TWO_FOUR}) {
                PruneSpec spec = PruneSpec.of(method, 0.5).withNm(nm);
                PruneResult r = Pruning.apply(m, spec, cal, ProgressListener.NONE);
                ModelProto pruned = r.applyTo(m);
                float[][] got = logits(pruned, x, n);
                float[][] hand = byHand(pruned, x, n);
                for (int i = 0; i < 20; i++) assertArrayEquals(hand[i], got[i], 2e-3f, spec.describe() + ": digit " + i);
                line.append(String.format(", %s %.3f", spec.describe(), accuracy(got, labels)));
                if (!method.equals("random")) assertTrue(accuracy(got, labels) > 0.8, spec.describe());
            }
        }
        System.out.println(line);
    }

    @Test
    void channelsRemoveWholeHiddenUnits() throws Exception {
        ModelProto m = mnist();
        List<Structures.Mlp> mlps = Structures.mlps(m);
        assertEquals(2, mlps.size(), "fc1 -> fc2 and fc2 -> fc3");
        assertEquals(List.of("fc1.bias"), mlps.getFirst().biases());
        for (Calibration cal : new Calibration[] {null, mnistCalibration()}) {
            PruneResult r = Pruning.apply(m, PruneSpec.of("channels", 0.25), cal, ProgressListener.NONE);
            assertEquals(2, r.removed().size());
            PruneResult.Removed first = r.removed().getFirst();
            assertEquals(64, first.indices().length, "a quarter of fc1's 256 units");
            assertEquals(32, r.removed().get(1).indices().length, "a quarter of fc2's 128 units");
            ModelProto pruned = r.applyTo(m);
            PrunableWeight fc1 = PrunedModels.supported(m).get(0);
            PrunableWeight fc2 = PrunedModels.supported(m).get(1);
            float[] w1 = fc1.toOutIn(PrunedModels.stored(pruned, fc1));
            float[] w2 = fc2.toOutIn(PrunedModels.stored(pruned, fc2));
            float[] b1 = PrunedModels.stored(pruned, "fc1.bias");
            float[] b1d = PrunedModels.stored(m, "fc1.bias");
            float[] w1d = fc1.toOutIn(PrunedModels.stored(m, fc1));
            java.util.Set<Integer> gone = new java.util.HashSet<>();
            for (int j : first.indices()) gone.add(j);
            for (int j = 0; j < 256; j++) {
                for (int i = 0; i < 784; i++) assertEquals(gone.contains(j) ? 0f : w1d[j * 784 + i], w1[j * 784 + i]);
                assertEquals(gone.contains(j) ? 0f : b1d[j], b1[j], "bias " + j);
                for (int o = 0; o < 128; o++) if (gone.contains(j)) assertEquals(0f, w2[o * 256 + j]);
            }
            // a removed unit is the least important by the score the method states
            float maxGone = Float.NEGATIVE_INFINITY;
            float minKept = Float.POSITIVE_INFINITY;
            for (int j = 0; j < 256; j++) {
                if (gone.contains(j)) maxGone = Math.max(maxGone, first.importance()[j]);
                else minKept = Math.min(minKept, first.importance()[j]);
            }
            assertTrue(maxGone <= minKept);
            assertTrue(r.importance().contains(cal == null ? "no calibration" : "calibration tokens"), r.importance());
            // fc3 is pruned by the second MLP only in its columns; the model still runs
            float[] x;
            try (NpyArray images = Npy.read(SampleModels.dataFile("mnist-test-images.npy"))) {
                x = images.rows(1000, 200);
            }
            float[][] got = logits(pruned, x, 200);
            float[][] hand = byHand(pruned, x, 200);
            for (int i = 0; i < 20; i++) assertArrayEquals(hand[i], got[i], 2e-3f);
        }
        assertThrows(IllegalArgumentException.class, () -> Pruning.apply(m, PruneSpec.of("heads", 0.5), null, ProgressListener.NONE),
                "an MLP has no attention heads");
    }

    @Test
    void includeAndExcludeChooseTheLayers() throws Exception {
        ModelProto m = mnist();
        PruneResult r = Pruning.apply(m, PruneSpec.of("magnitude", 0.5).withExclude(List.of("fc1.weight")), null, ProgressListener.NONE);
        assertEquals(LayerReport.Status.EXCLUDED, r.layers().getFirst().status());
        assertTrue(r.layers().getFirst().note().contains("fc1.weight"));
        assertEquals(2, r.weights().size());
        r = Pruning.apply(m, PruneSpec.of("magnitude-global", 0.5).withInclude(List.of("/fc2/*")), null, ProgressListener.NONE);
        assertEquals(List.of("fc2.weight"), List.copyOf(r.weights().keySet()));
        assertEquals(Math.round(0.5 * 256 * 128), r.pruned());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pruning.apply(m,
                PruneSpec.of("magnitude", 0.5).withInclude(List.of("nothing*")), null, ProgressListener.NONE));
        assertTrue(e.getMessage().startsWith("nothing to prune"), e.getMessage());
    }

    @Test
    void quantizedAndConvLayersAreReportedNotPruned() throws Exception {
        ModelProto m = convAndGemmModel();
        Map<String, Calibration.LayerInput> stats = Map.of("fc.w", new Calibration.LayerInput("c", 4, 10, new double[] {1, 2, 3, 4}, null, false));
        Calibration cal = Calibration.of("hand-made", 10, 10, stats);
        PruneResult r = Pruning.apply(m, PruneSpec.of("wanda", 0.5), cal, ProgressListener.NONE);
        Map<String, LayerReport> by = new java.util.HashMap<>();
        for (LayerReport l : r.layers()) by.put(l.name(), l);
        assertEquals(LayerReport.Status.PRUNED, by.get("fc.w").status());
        assertEquals(20, by.get("fc.w").pruned());
        assertEquals(LayerReport.Status.LEFT_DENSE, by.get("conv.w").status());
        assertTrue(by.get("conv.w").note().contains("im2col"));
        assertEquals(LayerReport.Status.UNSUPPORTED, by.get("q.w").status());
        assertTrue(by.get("q.w").note().contains("quantized"), by.get("q.w").note());
        assertEquals(LayerReport.Status.UNSUPPORTED, by.get("dq.w").status());
        assertTrue(by.get("dq.w").note().contains("DequantizeLinear"), by.get("dq.w").note());
        // magnitude does prune the Conv (its weights are floats), not the quantized ones
        PruneResult mag = Pruning.apply(m, PruneSpec.of("magnitude", 0.5), null, ProgressListener.NONE);
        assertEquals(Math.round(0.5 * 8 * 27), mag.layers().stream().filter(l -> l.name().equals("conv.w")).findFirst().orElseThrow().pruned());
        assertEquals(3, mag.weights().size(), "conv, fc and t weights");
    }

    /**
     * Conv, a Gemm, a Gemm with transA, an int8 weight behind DequantizeLinear feeding a MatMul,
     * and a MatMulInteger: the graph is not meant to run, only to be read.
     */
    static ModelProto convAndGemmModel() {
        float[] fc = new float[10 * 4];
        for (int i = 0; i < fc.length; i++) fc[i] = (i * 7 % 11) - 5;
        float[] conv = new float[8 * 27];
        for (int i = 0; i < conv.length; i++) conv[i] = (i * 5 % 13) - 6;
        TensorProto gemmW = TensorProto.newBuilder().setName("fc.w").addDims(10).addDims(4)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(fc)).build();
        TensorProto tW = TensorProto.newBuilder().setName("t.w").addDims(10).addDims(4)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(fc)).build();
        TensorProto convW = TensorProto.newBuilder().setName("conv.w").addDims(8).addDims(3).addDims(3).addDims(3)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(raw(conv)).build();
        TensorProto qW = TensorProto.newBuilder().setName("q.w").addDims(5).addDims(6).setDataType(TensorProto.DataType.INT8_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[30])).build();
        TensorProto dqW = TensorProto.newBuilder().setName("dq.w").addDims(6).addDims(3).setDataType(TensorProto.DataType.INT8_VALUE)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[18])).build();
        AttributeProto transB = AttributeProto.newBuilder().setName("transB").setI(1).setType(AttributeProto.AttributeType.INT).build();
        AttributeProto transA = AttributeProto.newBuilder().setName("transA").setI(1).setType(AttributeProto.AttributeType.INT).build();
        GraphProto g = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setName("conv").setOpType("Conv").addInput("img").addInput("conv.w").addOutput("c"))
                .addNode(NodeProto.newBuilder().setName("gemm").setOpType("Gemm").addInput("c").addInput("fc.w").addOutput("g").addAttribute(transB))
                .addNode(NodeProto.newBuilder().setName("gemmT").setOpType("Gemm").addInput("cT").addInput("t.w").addOutput("gt")
                        .addAttribute(transB).addAttribute(transA))
                .addNode(NodeProto.newBuilder().setName("qmm").setOpType("MatMulInteger").addInput("h8").addInput("q.w").addOutput("y"))
                .addNode(NodeProto.newBuilder().setName("dq").setOpType("DequantizeLinear").addInput("dq.w").addInput("scale").addOutput("dqf"))
                .addNode(NodeProto.newBuilder().setName("mm").setOpType("MatMul").addInput("y2").addInput("dqf").addOutput("z"))
                .addInitializer(gemmW).addInitializer(tW).addInitializer(convW).addInitializer(qW).addInitializer(dqW)
                .addInput(floatValue("img", "batch", 3, 5, 5))
                .addOutput(floatValue("g", "batch", 10)).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    static long countPruned(boolean[] keep) {
        long n = 0;
        for (boolean k : keep) if (!k) n++;
        return n;
    }

    static float[][] logits(ModelProto model, float[] x, int n) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = ModelSessions.open(model, SampleModels.path(SampleModels.MNIST_MLP));
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 784});
             OrtSession.Result r = s.run(Map.of("input", t))) {
            return (float[][]) r.get(0).getValue();
        }
    }

    /** The MLP computed in Java from the model's stored (pruned) weights. */
    static float[][] byHand(ModelProto model, float[] x, int n) {
        List<PrunableWeight> ws = PrunedModels.supported(model);
        List<float[]> w = new ArrayList<>();
        List<float[]> b = new ArrayList<>();
        for (int l = 0; l < 3; l++) {
            w.add(ws.get(l).toOutIn(PrunedModels.stored(model, ws.get(l))));
            b.add(PrunedModels.stored(model, "fc" + (l + 1) + ".bias"));
        }
        int[] sizes = {784, 256, 128, 10};
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] h = java.util.Arrays.copyOfRange(x, i * 784, (i + 1) * 784);
            for (int l = 0; l < 3; l++) {
                float[] next = new float[sizes[l + 1]];
                for (int o = 0; o < next.length; o++) {
                    double acc = b.get(l)[o];
                    for (int k = 0; k < sizes[l]; k++) acc += w.get(l)[o * sizes[l] + k] * h[k];
                    next[o] = l < 2 ? (float) Math.max(0, acc) : (float) acc;
                }
                h = next;
            }
            out[i] = h;
        }
        return out;
    }

    static double accuracy(float[][] logits, int[] labels) {
        int ok = 0;
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) if (logits[i][c] > logits[i][best]) best = c;
            if (best == labels[i]) ok++;
        }
        return (double) ok / logits.length;
    }
}
