package sparsity.sae.model;

import org.junit.jupiter.api.Test;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.eval.FeatureRecovery;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.train.ArrayBatches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each architecture trained on synthetic activations with known sparse features (the peer's
 * synth.py model; d = 32, 128 true features, 5 to 20 active per row): what it must reach.
 */
class ArchitecturesTrainingTest {

    static final int D = 32;
    static final int N = 256;
    static final int BATCH = 512;
    static final SyntheticActivations DATA = new SyntheticActivations(SyntheticActivations.Spec.defaults(D, 1));

    static SparseAutoencoder train(SaeSpec spec, int steps, float lr, Backend be) {
        SparseAutoencoder sae = Architectures.create(be, D, N, spec, 5);
        sae.initFromData(DATA.rows(0, 4096), 4096, 5);
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(BATCH, D);
            for (int step = 0; step < steps; step++) {
                x.copyFrom(DATA.rows((long) step * BATCH, BATCH));
                sae.trainStep(x, lr);
            }
        }
        return sae;
    }

    static double mmcs(SparseAutoencoder sae) {
        return FeatureRecovery.meanMaxCosine(DATA.features(), DATA.spec().m(), sae.params().wDec.toArray(), N, D);
    }

    static SaeMetrics.Result heldOut(SparseAutoencoder sae) throws Exception {
        float[] held = DATA.rows(1L << 40, 4096);
        return SaeMetrics.evaluate(sae, new ArrayBatches(held, D, 1), 512, 8);
    }

    @Test
    void batchTopKLearnsAndItsThresholdKeepsAboutKPerRow() throws Exception {
        try (Backend be = Backends.cpu();
             BatchTopKAutoencoder sae = (BatchTopKAutoencoder) train(SaeSpec.defaults("batchtopk", D, 8).withDeadWindow(20_000), 1000, 3e-3f, be)) {
            double m = mmcs(sae);
            SaeMetrics.Result ev = heldOut(sae);
            System.out.printf("batchtopk mmcs %.4f fvu %.4f l0 %.2f dead %d threshold %.4f%n", m, ev.fvu(), ev.l0(), ev.dead(), sae.threshold());
            // measured 0.71 (TopK reaches 0.977 on the same data and steps): with a batch-wide
            // budget, rows with many large features take more latents and fewer latents stay
            // single-feature; the bound pins that it learns features at all
            assertTrue(m > 0.6, "mean max cosine " + m);
            assertTrue(sae.threshold() > 0, "threshold " + sae.threshold());
            // inference by threshold: L0 varies by row but stays near k on average
            assertTrue(ev.l0() > 5 && ev.l0() < 12, "threshold inference L0 " + ev.l0());
            assertTrue(ev.fvu() < 0.25, "fvu " + ev.fvu());
            // the threshold estimated after training (Bussmann et al.) keeps about k per row: measured
            // 7.9 (the running mean of training: 6.4) and a lower FVU
            double running = sae.threshold();
            double theta = sae.calibrateThreshold(new ArrayBatches(DATA.rows(0, 8 * BATCH), D, 3), BATCH, 0, 8);
            SaeMetrics.Result cal = heldOut(sae);
            System.out.printf("batchtopk threshold: running %.4f, calibrated %.4f: l0 %.2f fvu %.4f%n", running, theta, cal.l0(), cal.fvu());
            assertTrue(theta > 0 && theta != running, "threshold " + theta);
            assertTrue(cal.l0() > 7 && cal.l0() < 12, "calibrated threshold L0 " + cal.l0());
            assertTrue(cal.fvu() <= ev.fvu() + 0.01, "fvu " + cal.fvu());
            // the codes are exactly the pre-activations above the threshold
            try (MemoryScope s = MemoryScope.open()) {
                FloatMatrix x = s.floats(4, D, DATA.rows(1L << 41, 4));
                IntMatrix idx = s.ints(4, sae.codeWidth());
                FloatMatrix z = s.floats(4, sae.codeWidth());
                sae.encode(x, idx, z);
                SaeParams p = sae.params();
                for (int r = 0; r < 4; r++) {
                    int active = 0;
                    for (int i = 0; i < N; i++) {
                        double pre = p.bEnc.get(0, i);
                        for (int c = 0; c < D; c++) pre += (x.get(r, c) - p.bPre.get(0, c)) * p.wEnc.get(i, c);
                        if (pre > sae.threshold()) active++;
                    }
                    int nz = 0;
                    for (int j = 0; j < sae.codeWidth(); j++) if (z.get(r, j) != 0) nz++;
                    assertEquals(active, nz, "row " + r);
                }
            }
        }
    }

    @Test
    void kSparseWithItsScheduleRecoversTheFeatures() throws Exception {
        SaeSpec spec = SaeSpec.defaults("ksparse", D, 8).withDeadWindow(20_000).withKSchedule(32, 500);
        try (Backend be = Backends.cpu(); KSparseAutoencoder sae = (KSparseAutoencoder) train(spec, 1500, 3e-3f, be)) {
            assertEquals(32, sae.config().kAt(0));
            assertEquals(20, sae.config().kAt(250));
            assertEquals(8, sae.config().kAt(500));
            double m = mmcs(sae);
            SaeMetrics.Result ev = heldOut(sae);
            System.out.printf("ksparse mmcs %.4f fvu %.4f l0 %.2f dead %d%n", m, ev.fvu(), ev.l0(), ev.dead());
            assertTrue(m > 0.9, "mean max cosine " + m);
            assertTrue(ev.fvu() < 0.25, "fvu " + ev.fvu());
            assertEquals(8, ev.l0(), 1e-9);
            // tied: the encoder rows are the decoder rows
            assertEquals(0, java.util.Arrays.compare(sae.params().wEnc.toArray(), sae.params().wDec.toArray()));
        }
    }

    @Test
    void reluL1TradesReconstructionForSparsity() throws Exception {
        try (Backend be = Backends.cpu();
             SparseAutoencoder weak = train(new SaeSpec("relu", 1, 1, 0, 20_000, 1e-3, 0.5, 1, 0, 1, 0.999), 600, 3e-3f, be);
             SparseAutoencoder strong = train(new SaeSpec("relu", 1, 1, 0, 20_000, 1e-3, 5, 1, 0, 1, 0.999), 600, 3e-3f, be)) {
            SaeMetrics.Result a = heldOut(weak);
            SaeMetrics.Result b = heldOut(strong);
            System.out.printf("relu l1 0.5: fvu %.4f l0 %.1f; l1 5: fvu %.4f l0 %.1f%n", a.fvu(), a.l0(), b.fvu(), b.l0());
            assertTrue(a.fvu() < 0.3, "weak penalty fvu " + a.fvu());
            assertTrue(b.l0() < a.l0(), "a larger lambda gives fewer active latents");
            assertTrue(b.fvu() > a.fvu(), "and a worse reconstruction");
            assertTrue(a.l0() < N / 2.0, "sparse: l0 " + a.l0());
        }
    }
}
