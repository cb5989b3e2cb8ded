package sparsity.sae.train;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.model.SaeParams;
import sparsity.sae.model.TopKAutoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeTest {

    @TempDir
    Path tmp;

    static final int D = 16;
    static final int N = 64;
    static final SyntheticActivations DATA = new SyntheticActivations(SyntheticActivations.Spec.defaults(D, 4));
    static final float[] ROWS = DATA.rows(0, 3000);

    static TopKAutoencoder fresh(Backend be) {
        TopKAutoencoder sae = new TopKAutoencoder(be, D, N, new TopKAutoencoder.Config(4, 8, 1.0 / 32, 500, 1e-3), 11);
        sae.initFromData(ROWS, 1000, 11);
        return sae;
    }

    static float[][] weights(TopKAutoencoder sae) {
        SaeParams p = sae.params();
        return new float[][] {p.wEnc.toArray(), p.wDec.toArray(), p.bEnc.toArray(), p.bPre.toArray()};
    }

    @Test
    void aStoppedAndResumedRunEqualsAnUninterruptedOne() throws Exception {
        // 3000 rows, batches of 128: the run crosses epochs, so the shuffle of epoch 2 matters too
        Trainer.Settings s = new Trainer.Settings(128 * 60, 128, 5e-3, 5, 0.2, 0);
        float[][] straight;
        try (Backend be = Backends.create("vector", 2); TopKAutoencoder sae = fresh(be)) {
            Trainer.Result r = Trainer.train(sae, new ArrayBatches(ROWS, D, 7), s, null, new Properties(), null,
                    ProgressListener.NONE);
            assertFalse(r.stopped());
            assertEquals(60, r.steps());
            straight = weights(sae);
        }
        Path cp = tmp.resolve("checkpoint");
        AtomicLong seen = new AtomicLong();
        try (Backend be = Backends.create("vector", 2); TopKAutoencoder sae = fresh(be)) {
            // stop after step 23 the way the GUI's Cancel does: interrupt the training thread
            Trainer.Result r = Trainer.train(sae, new ArrayBatches(ROWS, D, 7), s, cp, new Properties(), (step, tok, st, lr) -> {
                seen.set(step);
                if (step == 22) Thread.currentThread().interrupt();
            }, ProgressListener.NONE);
            assertTrue(Thread.interrupted(), "the interrupt is left for the caller");
            assertTrue(r.stopped());
            assertEquals(23, r.steps());
        }
        try (Backend be = Backends.create("vector", 2);
             TopKAutoencoder sae = new TopKAutoencoder(be, D, N, new TopKAutoencoder.Config(4, 8, 1.0 / 32, 500, 1e-3), 999)) {
            long tokens = Checkpoints.restore(sae, cp);
            assertEquals(23 * 128, tokens);
            Trainer.Result r = Trainer.train(sae, new ArrayBatches(ROWS, D, 7), s, cp, new Properties(), null,
                    ProgressListener.NONE);
            assertEquals(60, r.steps());
            float[][] resumed = weights(sae);
            for (int t = 0; t < 4; t++) assertArrayEquals(straight[t], resumed[t], 0f, "tensor " + t + " differs after resume");
        }
    }

    @Test
    void eachEpochVisitsEveryRowOnceInASeededOrder() {
        ArrayBatches b = new ArrayBatches(new float[10 * 2], 2, 3);
        int[] e0 = b.permutation(0).clone();
        int[] e1 = b.permutation(1).clone();
        assertArrayEquals(e0, new ArrayBatches(new float[10 * 2], 2, 3).permutation(0));
        assertFalse(java.util.Arrays.equals(e0, e1));
        int[] sorted = e0.clone();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
    }
}
