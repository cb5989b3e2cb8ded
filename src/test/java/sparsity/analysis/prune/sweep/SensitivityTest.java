package sparsity.analysis.prune.sweep;

import java.util.ArrayList;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.Evaluator;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer sensitivity on the MNIST sample: a layers x levels matrix; at 0% no layer loses anything;
 * pruning one layer harder never helps much; the per-layer sparsity a global method chose.
 */
class SensitivityTest {

    @Test
    void matrixOfDropsAndChosenSparsities() throws Exception {
        ModelProto m = MnistFixture.MODEL;
        List<PrunableWeight> ws = PrunedModels.supported(m);
        try (Evaluator ev = Evaluator.open(MnistFixture.FILE, m, MnistFixture.DATA, null, null)) {
            PruneContext ctx = PruneContext.of(MnistFixture.FILE, m, ws, null, 0);
            List<Double> levels = List.of(0.0, 0.5, 0.9, 0.99);
            List<SweepPoint> seen = new ArrayList<>();
            SensitivityResult s = Sensitivity.run(ev, ctx, SweepMethods.of("magnitude"), levels, seen::add, ProgressListener.NONE);
            assertEquals(3, s.layers().size());
            assertEquals(4, s.levels().size());
            assertEquals(12, seen.size());
            assertEquals(3 * 4, s.dropMatrix().length);
            for (int i = 0; i < 3; i++) {
                assertEquals(0.0, s.drop(i, 0), 0, "layer " + i + " at 0% is the dense model");
                assertTrue(s.drop(i, 3) > s.drop(i, 1), "99% of " + s.layers().get(i).name() + " costs more than 50%");
                // only that layer was pruned
                SweepPoint p = seen.get(i * 4 + 2);
                assertEquals(1, p.layers().size());
                assertEquals(0.9, p.actualSparsity(), 1e-5);
            }

            SweepResult sweep = Sweep.run(ev, ctx, List.of(SweepMethods.of("magnitude"), SweepMethods.of("lamp")), List.of(0.9), null,
                    SweepListener.NONE, ProgressListener.NONE);
            var chosen = s.chosen(sweep, 0.9);
            for (double x : chosen.get("magnitude")) assertEquals(0.9, x, 1e-5);
            double[] lamp = chosen.get("lamp");
            long total = 0;
            double pruned = 0;
            for (int i = 0; i < 3; i++) {
                total += ws.get(i).count();
                pruned += lamp[i] * ws.get(i).count();
            }
            assertEquals(0.9, pruned / total, 1e-5, "LAMP prunes 90% overall");
            assertTrue(lamp[0] > lamp[2], "LAMP spares the small last layer: " + java.util.Arrays.toString(lamp));
        }
    }
}
