package sparsity.sae.train;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.store.StoreTransfer;
import sparsity.sae.data.SyntheticActivations;
import sparsity.kernels.cuda.Cuda;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.model.BatchTopKAutoencoder;
import sparsity.sae.model.TopKAutoencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole run on the GPU backend ("cuda", as {@code sae train --backend cuda}) against the same
 * run on the CPU, for TopK and for BatchTopK: checkpoints, the SAELens folder and the held-out FVU (within 0.02 + 10%), then a
 * resumed run continues from the GPU checkpoint. Skipped, with the reason, without a CUDA GPU.
 */
class CudaTrainingRunTest {

    @TempDir
    Path tmp;

    @Test
    void trainsOnTheGpuLikeOnTheCpu() throws Exception {
        trainsLikeOnTheCpu(TopKAutoencoder.NAME);
    }

    @Test
    void batchTopKTrainsOnTheGpuLikeOnTheCpu() throws Exception {
        trainsLikeOnTheCpu(BatchTopKAutoencoder.NAME);
    }

    private void trainsLikeOnTheCpu(String arch) throws Exception {
        Cuda.Availability a = Cuda.probe();
        Assumptions.assumeTrue(a.available(), () -> "no CUDA GPU here (" + a.reason() + "): GPU tests skipped");
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(16, 2));
        Path npy = tmp.resolve("rows.npy");
        Npy.write(npy, data.rows(0, 5000), 5000, 16);
        Path store = tmp.resolve("store-" + arch);
        StoreTransfer.importNpy(npy, store, "acts", ProgressListener.NONE);
        double[] fvu = new double[2];
        String[] backends = {"vector", "cuda"};
        for (int i = 0; i < 2; i++) {
            Path out = tmp.resolve(arch + "-" + backends[i]);
            TrainingRun.Settings s = withBackend(TrainingRunTest.settings(store, arch, out), backends[i]);
            TrainingRun.Result r = TrainingRun.run(s, false, TrainingRun.Observer.NONE, ProgressListener.NONE);
            assertFalse(r.stopped());
            assertEquals(40, r.steps());
            assertTrue(Files.isDirectory(out.resolve("checkpoint")));
            assertEquals(arch, SaeLensFormat.read(out).cfg().get("workbench_architecture"));
            assertTrue(Files.readString(out.resolve(TrainingRun.SUMMARY)).contains("\"" + backends[i] + "\""), "run.json names the backend");
            fvu[i] = r.eval().fvu();
            System.out.printf("%s %s: held-out FVU %.4f, L0 %.2f, %,.0f tokens/s%n", arch, backends[i], fvu[i], r.eval().l0(),
                    r.tokensPerSecond());
        }
        assertEquals(fvu[0], fvu[1], 0.02 + 0.1 * fvu[0], "held-out FVU, CPU vs GPU");
        // resume the GPU run for more tokens from its checkpoint
        Path out = tmp.resolve(arch + "-cuda");
        TrainingRun.Settings s = withBackend(TrainingRunTest.settings(store, arch, out), "cuda");
        TrainingRun.Settings longer = new TrainingRun.Settings(s.store(), s.tensor(), s.architecture(), s.k(), s.latents(),
                s.expansion(), s.tokens() * 2, s.batch(), s.lr(), s.warmupSteps(), s.decayFraction(), s.seed(), s.normalize(),
                s.deadWindow(), s.kAux(), s.auxAlpha(), s.l1(), s.kStart(), s.kSchedule(), s.encodeAlpha(), s.holdout(),
                s.checkpointEvery(), s.threads(), s.backend(), s.out());
        TrainingRun.Result r = TrainingRun.run(longer, true, TrainingRun.Observer.NONE, ProgressListener.NONE);
        assertEquals(80, r.steps());
        assertTrue(r.eval().fvu() < fvu[1] + 0.02, "resumed run FVU " + r.eval().fvu() + " vs " + fvu[1]);
    }

    static TrainingRun.Settings withBackend(TrainingRun.Settings s, String backend) {
        return new TrainingRun.Settings(s.store(), s.tensor(), s.architecture(), s.k(), s.latents(), s.expansion(), s.tokens(),
                s.batch(), s.lr(), s.warmupSteps(), s.decayFraction(), s.seed(), s.normalize(), s.deadWindow(), s.kAux(),
                s.auxAlpha(), s.l1(), s.kStart(), s.kSchedule(), s.encodeAlpha(), s.holdout(), s.checkpointEvery(), s.threads(),
                backend, s.out());
    }
}
