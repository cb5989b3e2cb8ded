package sparsity.sae.train;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.store.StoreTransfer;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.format.SaeLensSae;
import sparsity.sae.model.StepStats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A whole run from a store to a folder, as the CLI and the window run it. */
class TrainingRunTest {

    @TempDir
    Path tmp;

    Path store() throws Exception {
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(16, 2));
        Path npy = tmp.resolve("rows.npy");
        Npy.write(npy, data.rows(0, 5000), 5000, 16);
        Path store = tmp.resolve("store");
        StoreTransfer.importNpy(npy, store, "acts", ProgressListener.NONE);
        return store;
    }

    static TrainingRun.Settings settings(Path store, String arch, Path out) {
        TrainingRun.Settings d = TrainingRun.Settings.defaults(store, arch, 4, 256 * 40, out);
        return new TrainingRun.Settings(store, null, arch, 4, 64, 8, d.tokens(), 256, 3e-3, 2, 0.2, 3, "saelens", 0, 0,
                d.auxAlpha(), 1, 0, 0.5, 1, 0.1, 0, 2, "vector", out);
    }

    @Test
    void aRunWritesTheFolderAndItsSnapshotsCoverEveryLatent() throws Exception {
        Path store = store();
        for (String arch : List.of("topk", "batchtopk", "ksparse", "relu")) {
            Path out = tmp.resolve("sae-" + arch);
            List<TrainingRun.LatentSnapshot> snaps = new ArrayList<>();
            long[] steps = {0};
            TrainingRun.Result r = TrainingRun.run(settings(store, arch, out), false, new TrainingRun.Observer() {
                @Override
                public void step(long step, long tokens, StepStats stats, double lr) {
                    steps[0]++;
                }

                @Override
                public void latents(TrainingRun.LatentSnapshot s) {
                    snaps.add(s);
                }
            }, ProgressListener.NONE);
            assertFalse(r.stopped());
            assertEquals(40, steps[0], arch);
            assertEquals(40, r.steps());
            assertEquals(40, snaps.size(), arch + ": a snapshot every step for a 40-step run (50 a run at most)");
            TrainingRun.LatentSnapshot last = snaps.get(snaps.size() - 1);
            assertEquals(64, last.density().length);
            assertEquals(256, last.rows());
            // held out: 10% of 5000 rows, every one evaluated
            assertEquals(500, r.eval().rows(), arch);
            RunSummary s = RunSummary.read(out);
            assertEquals(arch, s.architecture());
            assertEquals(r.eval().fvu(), s.fvu(), 1e-12);
            assertEquals(4500, s.start().trainRows());
            assertEquals(40, Files.readAllLines(out.resolve(TrainingRun.METRICS), StandardCharsets.UTF_8).size() - 1);
            SaeLensSae file = SaeLensFormat.read(out);
            assertEquals(arch, file.cfg().get("workbench_architecture"));
            assertTrue(Files.isDirectory(out.resolve("checkpoint")));
        }
    }

    @Test
    void aStoppedRunResumesToTheSameWeightsAndKeepsItsCurves() throws Exception {
        Path store = store();
        Path straight = tmp.resolve("straight");
        TrainingRun.run(settings(store, "batchtopk", straight), false, TrainingRun.Observer.NONE, ProgressListener.NONE);
        Path stopped = tmp.resolve("stopped");
        TrainingRun.Result r = TrainingRun.run(settings(store, "batchtopk", stopped), false, (step, tokens, stats, lr) -> {
            if (step == 16) Thread.currentThread().interrupt();
        }, ProgressListener.NONE);
        assertTrue(Thread.interrupted());
        assertTrue(r.stopped());
        assertEquals(17, r.steps());
        assertTrue(RunSummary.read(stopped).stopped());
        assertFalse(Files.exists(stopped.resolve(SaeLensFormat.CFG)), "no autoencoder is written for a stopped run");
        TrainingRun.Result done = TrainingRun.run(settings(store, "batchtopk", stopped), true, TrainingRun.Observer.NONE, ProgressListener.NONE);
        assertEquals(40, done.steps());
        SaeLensSae a = SaeLensFormat.read(straight);
        SaeLensSae b = SaeLensFormat.read(stopped);
        assertArrayEquals(a.wEnc(), b.wEnc(), 0f);
        assertArrayEquals(a.wDec(), b.wDec(), 0f);
        assertArrayEquals(a.threshold(), b.threshold(), 0f, "the inference threshold too");
        assertEquals(Files.readAllLines(straight.resolve(TrainingRun.METRICS)), Files.readAllLines(stopped.resolve(TrainingRun.METRICS)),
                "the resumed curves are the uninterrupted ones");
    }

    @Test
    void settingsThatCannotWorkAreRefusedInWords() throws Exception {
        Path store = store();
        TrainingRun.Settings s = settings(store, "nope", tmp.resolve("x"));
        assertEquals("unknown architecture 'nope' (known: topk, batchtopk, ksparse, relu)",
                assertThrows(IllegalArgumentException.class, () -> TrainingRun.run(s, false, TrainingRun.Observer.NONE, ProgressListener.NONE))
                        .getMessage());
        TrainingRun.Settings t = new TrainingRun.Settings(store, "missing", "topk", 4, 64, 8, 1000, 256, 3e-3, 0, 0, 0, "none", 0, 0,
                0.03, 1, 0, 0.5, 1, 0.1, 0, 2, "vector", tmp.resolve("y"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingRun.run(t, false, TrainingRun.Observer.NONE, ProgressListener.NONE))
                .getMessage().endsWith("holds no tensor 'missing'"));
        assertEquals(tmp.resolve("z") + " has no checkpoint to resume from", assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.run(settings(store, "topk", tmp.resolve("z")), true, TrainingRun.Observer.NONE, ProgressListener.NONE)).getMessage());
    }
}
