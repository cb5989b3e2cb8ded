package sparsity.analysis.prune.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvalData;
import sparsity.analysis.evaluate.Evaluator;
import sparsity.analysis.evaluate.TaskMetric;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TEAL thresholds spliced into the graph: p = 0 is the dense model; the activation sparsity
 * measured on the calibration data is close to p (tiny transformer: LayerNorm and GELU outputs
 * have no natural zeros); on the MNIST MLP the ReLU zeros count and p below them changes nothing.
 */
class TealTest {

    @Test
    void mnistZeroIsDenseAndSparsityFollowsTheTarget() throws Exception {
        ModelProto m = MnistFixture.MODEL;
        EvalData data = MnistFixture.DATA;
        try (Evaluator ev = Evaluator.open(MnistFixture.FILE, m, data, null, null)) {
            Teal.Calibration cal = Teal.calibrate(MnistFixture.FILE, m, PrunedModels.supported(m), data, 4096, 0, ProgressListener.NONE);
            assertEquals(3, cal.sites().size());
            assertEquals("input", cal.sites().getFirst().tensor(), "the first layer reads the image itself");
            List<Teal.Point> seen = new ArrayList<>();
            Teal.Result r = Teal.run(ev, cal, List.of(0.0, 0.5, 0.9, 0.95), seen::add, ProgressListener.NONE);
            assertEquals(r.points(), seen);
            Teal.Point zero = r.points().getFirst();
            assertEquals(1949, zero.evaluation().correct(), "p = 0 is the dense model");
            assertEquals(1.0, zero.evaluation().top1(), 0);
            // natural zeros: background pixels and ReLU outputs; p = 0 zeroes nothing more
            assertTrue(zero.sparsity() > 0.5, "images and ReLU outputs are mostly zero: " + zero.sparsity());
            for (Teal.Point p : r.points().subList(2, 4)) {
                // the calibration data is the evaluation data: on the dense activations every input reaches p
                for (Teal.Layer l : p.layers()) assertEquals(p.target(), l.calibrationSparsity(), 0.01, l.tensor());
                // the image is not changed upstream, so the run measures p there too (pixel values tie: 0.01)
                assertEquals(p.target(), p.layers().getFirst().measuredSparsity(), 0.01);
                // later inputs see the thresholded earlier layers, which leave more of a ReLU at zero
                for (Teal.Layer l : p.layers()) assertTrue(l.measuredSparsity() >= p.target() - 0.01, l.toString());
            }
            assertTrue(r.points().get(3).value() < zero.value());
        }
    }

    @Test
    void tinyTransformerMeasuredSparsityIsTheTarget() throws Exception {
        Path file = SampleModels.path(SampleModels.TINY_TRANSFORMER);
        ModelProto m = OnnxModels.read(file);
        EvalData data = EvalData.forSample(SampleModels.TINY_TRANSFORMER, 0, 16);
        try (Evaluator ev = Evaluator.open(file, m, data, TaskMetric.TOP1, null)) {
            Teal.Calibration cal = Teal.calibrate(file, m, PrunedModels.supported(m), data, 1 << 16, 0, ProgressListener.NONE);
            assertTrue(cal.sites().size() >= 4, "attention input, attention output, MLP in and out per layer: " + cal.sites());
            Teal.Result r = Teal.run(ev, cal, List.of(0.0, 0.3, 0.6), p -> { }, ProgressListener.NONE);
            assertEquals(1.0, r.points().get(0).value(), 0, "p = 0: every next-token argmax as dense");
            assertEquals(0.0, r.points().get(0).evaluation().kl(), 0);
            for (Teal.Point p : r.points()) {
                assertEquals(p.target(), p.sparsity(), 0.01, "measured activation sparsity at p = " + p.target());
                assertEquals(p.target(), p.calibrationSparsity(), 0.01);
            }
            assertTrue(r.points().get(2).evaluation().kl() > r.points().get(1).evaluation().kl());
        }
    }
}
