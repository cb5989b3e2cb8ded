package sparsity.analysis.prune.sweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.Evaluator;
import sparsity.analysis.evaluate.TaskMetric;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Masks;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accuracy-vs-sparsity sweep on the MNIST sample: the 0% point is the dense accuracy
 * (1,949 of 2,000), each point is measured on the exported model and equals the masked
 * computation done in Java, points arrive one by one, an interrupt stops the sweep.
 */
class SweepTest {

    @TempDir
    Path tmp;

    @Test
    void zeroPercentIsTheDenseAccuracyAndPointsComeFromTheExportedModels() throws Exception {
        ModelProto m = MnistFixture.MODEL;
        List<PrunableWeight> ws = PrunedModels.supported(m);
        try (Evaluator ev = Evaluator.open(MnistFixture.FILE, m, MnistFixture.DATA, null, null)) {
            assertEquals(TaskMetric.ACCURACY, ev.metric(), "labels make accuracy the default");
            assertEquals(1949, ev.dense().correct());
            assertEquals(0.9745, ev.dense().value(), 1e-12);
            PruneContext ctx = PruneContext.of(MnistFixture.FILE, m, ws, null, 7);
            List<SweepPoint> live = new ArrayList<>();
            List<SweepMethod> methods = List.of(SweepMethods.of("magnitude"), SweepMethods.of("lamp"), SweepMethods.of("random"));
            SweepResult r = Sweep.run(ev, ctx, methods, List.of(0.0, 0.5, 0.9), tmp, live::add, ProgressListener.NONE);
            assertEquals(9, r.points().size());
            assertEquals(r.points(), live, "every point reached the listener, in order");
            for (SweepMethod sm : methods) {
                SweepPoint zero = r.point(sm.name(), 0).orElseThrow();
                assertEquals(1949, zero.evaluation().correct(), sm.name() + " at 0% is the dense model");
                assertEquals(1.0, zero.evaluation().top1(), 0);
                assertEquals(0.0, zero.actualSparsity(), 1e-4);
            }
            assertEquals(0.5, r.point("magnitude", 0.5).orElseThrow().actualSparsity(), 1e-5);
            assertEquals(0.9, r.point("lamp", 0.9).orElseThrow().actualSparsity(), 1e-5);

            // each point against the masked computation done in Java, from the same masks
            float[] images;
            try (NpyArray a = Npy.read(SampleModels.dataFile("mnist-test-images.npy"))) {
                images = a.toFloatArray();
            }
            long[] labels = MnistFixture.DATA.labels();
            float[][] b = {MnistFixture.bias(m, "fc1.bias"), MnistFixture.bias(m, "fc2.bias"), MnistFixture.bias(m, "fc3.bias")};
            for (SweepMethod sm : methods) {
                SweepMethod.Pruner p = sm.prepare(ctx, ProgressListener.NONE);
                for (double level : List.of(0.5, 0.9)) {
                    PrunedWeights pw = p.apply(level);
                    float[][] w = new float[3][];
                    for (int i = 0; i < 3; i++) w[i] = ws.get(i).toOutIn(pw.stored().get(ws.get(i).name()));
                    float[][] logits = MnistFixture.logits(w, b, images, 2000);
                    int correct = 0;
                    for (int i = 0; i < 2000; i++) if (argmax(logits[i]) == labels[i]) correct++;
                    SweepPoint point = r.point(sm.name(), level).orElseThrow();
                    assertEquals(correct, point.evaluation().correct(), sm.name() + " at " + level + ": ONNX Runtime on the exported model = masked computation");

                    // the kept file holds the measured model: its weights are the masked ones
                    ModelProto kept = OnnxModels.read(tmp.resolve(Sweep.fileName(sm.name(), level)));
                    for (int i = 0; i < 3; i++) {
                        assertArrayEquals(w[i], ws.get(i).toOutIn(PrunedModels.stored(kept, ws.get(i))), 0f);
                    }
                }
            }
        }
    }

    @Test
    void calibratedMethodsOnMnist() throws Exception {
        ModelProto m = MnistFixture.MODEL;
        List<PrunableWeight> ws = PrunedModels.supported(m);
        try (Evaluator ev = Evaluator.open(MnistFixture.FILE, m, MnistFixture.DATA, null, null)) {
            PruneContext ctx = PruneContext.of(MnistFixture.FILE, m, ws, MnistFixture.DATA.first(512), 0);
            List<SweepMethod> methods = List.of(SweepMethods.of("magnitude"), SweepMethods.of("wanda"), SweepMethods.of("sparsegpt"),
                    SweepMethods.nm("wanda", 2, 4), SweepMethods.nm("sparsegpt", 2, 4));
            SweepResult r = Sweep.run(ev, ctx, methods, List.of(0.0, 0.5, 0.9), null, SweepListener.NONE, ProgressListener.NONE);
            assertEquals(3 + 3 + 3 + 1 + 1, r.points().size(), "an N:M method is one point");
            assertEquals(1949, r.point("sparsegpt", 0).orElseThrow().evaluation().correct(), "SparseGPT at 0% changes nothing");
            assertEquals(1949, r.point("wanda", 0).orElseThrow().evaluation().correct());
            // Wanda prunes round(0.5 x in) of every output row; every layer's input width is even
            assertEquals(0.5, r.point("wanda", 0.5).orElseThrow().actualSparsity(), 1e-9);
            assertEquals(0.5, r.point("sparsegpt 2:4", 0.5).orElseThrow().actualSparsity(), 1e-9);
            // the error compensation pays at 90%: far above magnitude (MNIST sample: 0.81 vs 0.46)
            double mag = r.point("magnitude", 0.9).orElseThrow().value();
            double sgpt = r.point("sparsegpt", 0.9).orElseThrow().value();
            assertTrue(sgpt > mag + 0.2, "sparsegpt " + sgpt + " vs magnitude " + mag);
            // each pruned row of a 2:4 model keeps 2 of every 4
            SweepMethod.Pruner p = SweepMethods.nm("wanda", 2, 4).prepare(ctx, ProgressListener.NONE);
            PrunedWeights pw = p.apply(0.5);
            for (PrunableWeight w : ws) {
                float[] v = w.toOutIn(pw.stored().get(w.name()));
                boolean[] keep = new boolean[v.length];
                for (int i = 0; i < v.length; i++) keep[i] = v[i] != 0;
                assertTrue(Masks.satisfiesNm(keep, w.out(), w.in(), 2, 4), w.name());
            }
        }
    }

    @Test
    void structuredMethodsOnTheTinyTransformer() throws Exception {
        Path file = SampleModels.path(SampleModels.TINY_TRANSFORMER);
        ModelProto m = OnnxModels.read(file);
        var data = sparsity.analysis.evaluate.EvalData.forSample(SampleModels.TINY_TRANSFORMER, 0, 16);
        try (Evaluator ev = Evaluator.open(file, m, data, null, null)) {
            assertEquals(TaskMetric.TOP1, ev.metric(), "logits without labels: top-1 agreement by default");
            PruneContext ctx = PruneContext.of(file, m, PrunedModels.supported(m), data, 0);
            SweepResult r = Sweep.run(ev, ctx, List.of(SweepMethods.of("heads"), SweepMethods.of("channels")), List.of(0.0, 0.5), null,
                    SweepListener.NONE, ProgressListener.NONE);
            for (String method : List.of("heads", "channels")) {
                SweepPoint zero = r.point(method, 0).orElseThrow();
                assertEquals(1.0, zero.value(), 0, method + " at 0% is the dense model");
                assertEquals(0.0, zero.evaluation().kl(), 0);
                SweepPoint half = r.point(method, 0.5).orElseThrow();
                assertTrue(half.actualSparsity() > 0.1, method + " at 50% zeroes whole rows and columns of its blocks: " + half.actualSparsity());
                assertTrue(half.evaluation().kl() > 0, method);
            }
            var e = assertThrows(IllegalArgumentException.class, () -> Sensitivity.run(ev, ctx, SweepMethods.of("heads"), List.of(0.5),
                    SweepListener.NONE, ProgressListener.NONE));
            assertTrue(e.getMessage().contains("one layer at a time"), e.getMessage());
        }
    }

    @Test
    void anInterruptStopsTheSweep() throws Exception {
        ModelProto m = MnistFixture.MODEL;
        try (Evaluator ev = Evaluator.open(MnistFixture.FILE, m, MnistFixture.DATA.first(100), null, null)) {
            PruneContext ctx = PruneContext.of(MnistFixture.FILE, m, PrunedModels.supported(m), null, 0);
            List<SweepPoint> seen = new ArrayList<>();
            assertThrows(InterruptedException.class, () -> Sweep.run(ev, ctx, List.of(SweepMethods.of("magnitude")),
                    List.of(0.0, 0.5, 0.9), null, p -> {
                        seen.add(p);
                        Thread.currentThread().interrupt();
                    }, ProgressListener.NONE));
            assertEquals(1, seen.size());
        }
    }

    @Test
    void badInputsGiveCleanMessages() throws Exception {
        ModelProto m = MnistFixture.MODEL;
        var noLabels = new sparsity.analysis.evaluate.EvalData(MnistFixture.DATA.batches(), null, "digits");
        var e = assertThrows(sparsity.analysis.evaluate.EvaluationException.class,
                () -> Evaluator.open(MnistFixture.FILE, m, noLabels, TaskMetric.ACCURACY, null));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        e = assertThrows(sparsity.analysis.evaluate.EvaluationException.class,
                () -> Evaluator.open(MnistFixture.FILE, m, MnistFixture.DATA, null, "probs"));
        assertTrue(e.getMessage().contains("no output 'probs'"), e.getMessage());
        PruneContext ctx = PruneContext.of(MnistFixture.FILE, m, PrunedModels.supported(m), null, 0);
        e = assertThrows(sparsity.analysis.evaluate.EvaluationException.class,
                () -> SweepMethods.of("wanda").prepare(ctx, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("calibration"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SweepMethods.of("nonsense"));
        try (Evaluator ev = Evaluator.open(MnistFixture.FILE, m, MnistFixture.DATA.first(100), null, null)) {
            SweepResult r = Sweep.run(ev, ctx, List.of(SweepMethods.of("heads"), SweepMethods.of("magnitude")), List.of(0.5), null,
                    SweepListener.NONE, ProgressListener.NONE);
            assertEquals(1, r.points().size(), "a method that cannot prune the model is skipped, the sweep goes on");
            assertEquals(1, r.skipped().size());
            assertTrue(r.skipped().getFirst().startsWith("heads: no attention blocks"), r.skipped().getFirst());
        }
        assertThrows(IllegalArgumentException.class, () -> SweepMethods.nm("lamp", 2, 4));
        assertTrue(Files.exists(MnistFixture.FILE));
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
