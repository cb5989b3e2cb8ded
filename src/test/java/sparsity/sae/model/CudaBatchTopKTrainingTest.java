package sparsity.sae.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cpu.VectorBackend;
import sparsity.kernels.cuda.Cuda;
import sparsity.kernels.cuda.CudaBackend;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.train.ArrayBatches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.sae.model.CudaTopKTrainingTest.assertNear;

/**
 * The BatchTopK autoencoder trained on the GPU ({@link CudaBatchTopKAutoencoder}) against the CPU
 * class, same seed and data. Tolerances, stated: one step from the same weights gives the same loss
 * and FVU to 1e-4 relative, the same L0 and dead count exactly, the same running threshold to 1e-4
 * relative and the same weights to Adam's first-step resolution (a gradient element near 0, or a
 * pre-activation within rounding of the batch's threshold, may go the other way on the GPU, so a
 * weight may differ by up to 2 lr; the mean difference stays under lr / 50); encoding with the same
 * weights and threshold keeps the same latents in all but a few slots (L0 within 0.02) and gives
 * the same reconstructions to 1e-4 in all but 2 rows (as does the batch-wide top-k before the
 * first step); a whole run with AuxK active ends, after the threshold's
 * re-estimation, with held-out FVU within 0.01 + 10%, a dead fraction within 0.03, a threshold
 * within 15% and a held-out L0 within 15% of the CPU run's. Skipped, with the reason, where no CUDA
 * GPU is present (CI).
 */
class CudaBatchTopKTrainingTest {

    static CudaBackend gpu;
    static Backend cpu;

    @BeforeAll
    static void backends() {
        if (Cuda.available()) {
            gpu = new CudaBackend(2);
            cpu = new VectorBackend();
        }
    }

    @BeforeEach
    void needsAGpu() {
        Cuda.Availability a = Cuda.probe();
        Assumptions.assumeTrue(a.available(), () -> "no CUDA GPU here (" + a.reason() + "): GPU test skipped");
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
        if (cpu != null) cpu.close();
    }

    /** Rows of a and b that differ by more than tol somewhere (a pre-activation at the threshold may go either way). */
    static int rowsDiffering(FloatMatrix a, FloatMatrix b, double tol) {
        int count = 0;
        for (int r = 0; r < a.rows(); r++) {
            for (int c = 0; c < a.cols(); c++) {
                if (!(Math.abs(a.get(r, c) - b.get(r, c)) <= tol)) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    @Test
    void oneStepMatchesTheCpu() {
        int d = 48, n = 384, k = 8, batch = 512;
        float lr = 1e-3f;
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(d, 3));
        BatchTopKAutoencoder.Config cfg = new BatchTopKAutoencoder.Config(k, d / 2, 1.0 / 32, 1_000_000, 1e-3, 0.999);
        try (BatchTopKAutoencoder c = new BatchTopKAutoencoder(cpu, d, n, cfg, 7);
             CudaBatchTopKAutoencoder g = (CudaBatchTopKAutoencoder) Architectures.create(gpu, d, n, c.spec(), 7);
             MemoryScope s = MemoryScope.open()) {
            float[] sample = data.rows(0, 2048);
            c.initFromData(sample, 2048, 7);
            g.initFromData(sample, 2048, 7);
            assertEquals(c.mseScale(), g.mseScale(), 0);
            assertNear(c.params().wEnc, g.params().wEnc, 1e-5, 1e-7, "W_enc after init");
            assertNear(c.params().wDec, g.params().wDec, 0, 0, "W_dec after init");
            FloatMatrix x = s.floats(batch, d);
            x.copyFrom(data.rows(5000, batch));
            // before any step both encode with the batch-wide top-k
            FloatMatrix oc = s.floats(batch, d), og = s.floats(batch, d);
            c.reconstruct(x, oc);
            g.reconstruct(x, og);
            assertTrue(rowsDiffering(oc, og, 1e-4) <= 2, "reconstructions by the batch-wide top-k");
            StepStats a = c.trainStep(x, lr);
            StepStats b = g.trainStep(x, lr);
            System.out.println("cpu " + a + " threshold " + c.threshold() + "\ngpu " + b + " threshold " + g.threshold());
            assertEquals(a.loss(), b.loss(), 1e-4 * a.loss());
            assertEquals(a.fvu(), b.fvu(), 1e-4 * a.fvu());
            assertEquals(a.l0(), b.l0(), 1e-9);
            assertEquals(a.dead(), b.dead());
            assertEquals(c.threshold(), g.threshold(), 1e-4 * c.threshold(), "running threshold");
            g.syncToHost();
            assertNear(c.params().wDec, g.params().wDec, 2.1 * lr, lr / 50, "W_dec after a step");
            assertNear(c.params().wEnc, g.params().wEnc, 2.1 * lr, lr / 50, "W_enc after a step");
            assertNear(c.params().bEnc, g.params().bEnc, 2.1 * lr, lr / 50, "b_enc after a step");
            assertNear(c.params().bPre, g.params().bPre, 2.1 * lr, lr / 50, "b_pre after a step");
            assertNear(c.adamFirstMoments()[1], g.adamFirstMoments()[1], 1e-4, 1e-6, "Adam m of W_dec");
            float[] w = g.params().wDec.toArray();
            for (int i = 0; i < n; i++) {
                double t = 0;
                for (int j = 0; j < d; j++) t += (double) w[i * d + j] * w[i * d + j];
                assertEquals(1.0, Math.sqrt(t), 1e-5, "decoder row " + i);
            }
            // inference by the threshold, same weights on both sides
            try (BatchTopKAutoencoder same = new BatchTopKAutoencoder(cpu, d, n, cfg, 7)) {
                for (int t = 0; t < 4; t++) same.params().all()[t].copyFrom(g.params().all()[t]);
                same.setThreshold(g.threshold());
                IntMatrix ic = s.ints(batch, n), ig = s.ints(batch, n);
                FloatMatrix zc = s.floats(batch, n), zg = s.floats(batch, n);
                same.encodeAndReconstruct(x, ic, zc, oc);
                g.encodeAndReconstruct(x, ig, zg, og);
                assertTrue(rowsDiffering(oc, og, 1e-4) <= 2, "reconstructions by the threshold");
                long nc = 0, ng = 0, differ = 0;
                for (int r = 0; r < batch; r++) {
                    for (int j = 0; j < n; j++) {
                        if (zc.get(r, j) != 0) nc++;
                        if (zg.get(r, j) != 0) ng++;
                        if (ic.get(r, j) != ig.get(r, j)) differ++;
                    }
                }
                System.out.printf("threshold inference: L0 cpu %.4f gpu %.4f, %d slots differ%n", (double) nc / batch,
                        (double) ng / batch, differ);
                assertEquals((double) nc / batch, (double) ng / batch, 0.02, "L0 by the threshold");
                assertTrue(differ <= 2 * batch, differ + " slots differ");
            }
        }
    }

    @Test
    void aRunWithAuxKReachesTheCpuFvuAndDeadFraction() throws Exception {
        int d = 32, n = 512, k = 4, batch = 256, steps = 400;
        float lr = 3e-3f;
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(d, 1));
        // a short dead window so that latents die and AuxK runs
        BatchTopKAutoencoder.Config cfg = new BatchTopKAutoencoder.Config(k, d / 2, 1.0 / 32, 4 * batch, 1e-3, 0.999);
        double[] fvu = new double[2];
        double[] l0 = new double[2];
        double[] theta = new double[2];
        double[] deadFrac = new double[2];
        int[] auxSteps = new int[2];
        for (int which = 0; which < 2; which++) {
            Backend be = which == 0 ? cpu : gpu;
            try (SparseAutoencoder sae = Architectures.create(be, d, n, new BatchTopKAutoencoder(cpu, d, n, cfg, 5).spec(), 5);
                 MemoryScope s = MemoryScope.open()) {
                assertEquals(which == 1, sae instanceof CudaBatchTopKAutoencoder);
                sae.initFromData(data.rows(0, 4096), 4096, 5);
                FloatMatrix x = s.floats(batch, d);
                StepStats st = null;
                for (int step = 0; step < steps; step++) {
                    x.copyFrom(data.rows((long) step * batch, batch));
                    st = sae.trainStep(x, lr);
                    if (st.auxLoss() > 0) auxSteps[which]++;
                }
                InferenceThreshold t = (InferenceThreshold) sae;
                double running = t.threshold();
                theta[which] = t.calibrateThreshold(new ArrayBatches(data.rows(0, 16 * batch), d, 3), batch, 0, 16);
                SaeMetrics.Result ev = SaeMetrics.evaluate(sae, new ArrayBatches(data.rows(1L << 40, 4096), d, 1), 512, 8);
                fvu[which] = ev.fvu();
                l0[which] = ev.l0();
                deadFrac[which] = (double) st.dead() / n;
                System.out.printf("%s: train fvu %.4f, held-out fvu %.4f, l0 %.2f, dead %d, AuxK on %d steps, threshold running %.4f, "
                        + "re-estimated %.4f%n", which == 0 ? "cpu" : "gpu", st.fvu(), ev.fvu(), ev.l0(), st.dead(), auxSteps[which],
                        running, theta[which]);
            }
        }
        assertTrue(auxSteps[0] > 0 && auxSteps[1] > 0, "AuxK ran on both");
        assertEquals(fvu[0], fvu[1], 0.01 + 0.1 * fvu[0], "held-out FVU, CPU vs GPU");
        assertEquals(deadFrac[0], deadFrac[1], 0.03, "dead fraction, CPU vs GPU");
        assertEquals(theta[0], theta[1], 0.15 * theta[0], "threshold, CPU vs GPU");
        assertEquals(l0[0], l0[1], 0.15 * l0[0], "held-out L0, CPU vs GPU");
    }
}
