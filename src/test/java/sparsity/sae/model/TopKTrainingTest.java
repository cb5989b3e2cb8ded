package sparsity.sae.model;

import org.junit.jupiter.api.Test;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.eval.FeatureRecovery;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.train.ArrayBatches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopKTrainingTest {

    /**
     * d = 32 with m = 128 true features (5 to 20 active per row, as the peer's synth.py), 256
     * latents, k = 8, 512k tokens: the decoder finds the features (mean max cosine > 0.9; it
     * reaches about 0.97). The t.* system properties let one explore other sizes by hand.
     */
    @Test
    void recoversTheTrueFeaturesOfSyntheticData() throws Exception {
        int d = Integer.getInteger("t.d", 32);
        int n = Integer.getInteger("t.n", 256);
        int batch = 512;
        int k = Integer.getInteger("t.k", 8);
        int steps = Integer.getInteger("t.steps", 1000);
        float lr = Float.parseFloat(System.getProperty("t.lr", "3e-3"));
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(d, 1));
        int m = data.spec().m();
        long t0 = System.nanoTime();
        try (Backend be = Backends.cpu();
             TopKAutoencoder sae = new TopKAutoencoder(be, d, n, new TopKAutoencoder.Config(k, d / 2, 1.0 / 32, 20_000, 1e-3), 5);
             MemoryScope s = MemoryScope.open()) {
            sae.initFromData(data.rows(0, 4096), 4096, 5);
            FloatMatrix x = s.floats(batch, d);
            StepStats st = null;
            for (int step = 0; step < steps; step++) {
                x.copyFrom(data.rows((long) step * batch, batch));
                st = sae.trainStep(x, lr);
            }
            double mmcs = FeatureRecovery.meanMaxCosine(data.features(), m, sae.params().wDec.toArray(), n, d);
            System.out.printf("d %d mmcs %.4f fvu %.4f l0 %.1f dead %d (%.1f s)%n", d, mmcs, st.fvu(), st.l0(), st.dead(),
                    (System.nanoTime() - t0) / 1e9);
            assertTrue(mmcs > 0.9, "mean max cosine " + mmcs);
            // held-out rows (far beyond the training range) through the evaluation
            float[] held = data.rows(1L << 40, 4096);
            SaeMetrics.Result ev = SaeMetrics.evaluate(sae, new ArrayBatches(held, d, 1), 512, 8);
            System.out.printf("held-out fvu %.4f cos %.4f l0 %.2f dead %d dense %d%n", ev.fvu(), ev.cosine(), ev.l0(), ev.dead(), ev.dense());
            assertTrue(ev.fvu() < 0.2 && ev.fvu() > 0, "held-out fvu " + ev.fvu());
            assertEquals(1 - ev.fvu(), ev.explainedVariance(), 1e-12);
            assertTrue(ev.cosine() > 0.85, "cosine " + ev.cosine());
            assertTrue(ev.l0() <= 8 && ev.l0() > 6, "l0 " + ev.l0());
            assertEquals(ev.l0(), java.util.Arrays.stream(ev.density()).sum(), 1e-9, "densities sum to L0");
            assertTrue(st.fvu() < 0.2, "fvu " + st.fvu());
        }
    }
}
