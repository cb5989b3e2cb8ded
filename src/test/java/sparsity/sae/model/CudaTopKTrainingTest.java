package sparsity.sae.model;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cpu.VectorBackend;
import sparsity.kernels.cuda.Cuda;
import sparsity.kernels.cuda.CudaBackend;
import sparsity.sae.data.SyntheticActivations;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.train.ArrayBatches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The TopK autoencoder trained on the GPU against the same autoencoder trained on the CPU, same
 * seed and data. Tolerances, stated: one step from the same weights gives the same loss, FVU, L0
 * and dead count to 1e-4 relative, and the same weights to Adam's first-step resolution (a
 * gradient element near 0 may take the other sign on the GPU, so a weight may differ by up to
 * 2 lr; the mean difference stays under lr / 50); a whole run with AuxK active ends with held-out
 * FVU within 0.01 + 10% and a dead fraction within 0.03 of the CPU run's. Skipped, with the
 * reason, where no CUDA GPU is present (CI).
 */
class CudaTopKTrainingTest {

    static CudaBackend gpu;
    static CudaBackend gpuBf16;
    static Backend cpu;

    @BeforeAll
    static void backends() {
        if (Cuda.available()) {
            gpu = new CudaBackend(2);
            gpuBf16 = new CudaBackend(2, sparsity.kernels.cuda.CudaTopKSae.Precision.BF16);
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
        if (gpuBf16 != null) gpuBf16.close();
        if (cpu != null) cpu.close();
    }

    static void assertNear(FloatMatrix e, FloatMatrix a, double maxAbs, double meanAbs, String what) {
        float[] x = e.toArray(), y = a.toArray();
        double sum = 0, max = 0;
        for (int i = 0; i < x.length; i++) {
            double t = Math.abs(x[i] - y[i]);
            sum += t;
            max = Math.max(max, t);
        }
        double mean = sum / x.length;
        if (!(max <= maxAbs) || !(mean <= meanAbs)) fail(what + ": max |diff| " + max + ", mean " + mean);
    }

    @Test
    void oneStepMatchesTheCpu() {
        int d = 48, n = 384, k = 8, batch = 512;
        float lr = 1e-3f;
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(d, 3));
        TopKAutoencoder.Config cfg = new TopKAutoencoder.Config(k, d / 2, 1.0 / 32, 1_000_000, 1e-3);
        try (TopKAutoencoder c = new TopKAutoencoder(cpu, d, n, cfg, 7);
             CudaTopKAutoencoder g = (CudaTopKAutoencoder) Architectures.create(gpu, d, n, c.spec(), 7);
             MemoryScope s = MemoryScope.open()) {
            float[] sample = data.rows(0, 2048);
            c.initFromData(sample, 2048, 7);
            g.initFromData(sample, 2048, 7);
            assertEquals(c.mseScale(), g.mseScale(), 0);
            assertNear(c.params().wEnc, g.params().wEnc, 1e-5, 1e-7, "W_enc after init");
            assertNear(c.params().wDec, g.params().wDec, 0, 0, "W_dec after init");
            FloatMatrix x = s.floats(batch, d);
            x.copyFrom(data.rows(5000, batch));
            StepStats a = c.trainStep(x, lr);
            StepStats b = g.trainStep(x, lr);
            System.out.println("cpu " + a + "\ngpu " + b);
            assertEquals(a.loss(), b.loss(), 1e-4 * a.loss());
            assertEquals(a.fvu(), b.fvu(), 1e-4 * a.fvu());
            assertEquals(a.l0(), b.l0(), 1e-9);
            assertEquals(a.dead(), b.dead());
            g.syncToHost();
            assertNear(c.params().wDec, g.params().wDec, 2.1 * lr, lr / 50, "W_dec after a step");
            assertNear(c.params().wEnc, g.params().wEnc, 2.1 * lr, lr / 50, "W_enc after a step");
            assertNear(c.params().bEnc, g.params().bEnc, 2.1 * lr, lr / 50, "b_enc after a step");
            assertNear(c.params().bPre, g.params().bPre, 2.1 * lr, lr / 50, "b_pre after a step");
            assertNear(c.adamFirstMoments()[1], g.adamFirstMoments()[1], 1e-4, 1e-6, "Adam m of W_dec");
            // decoder rows stay at unit norm on the GPU
            float[] w = g.params().wDec.toArray();
            for (int i = 0; i < n; i++) {
                double t = 0;
                for (int j = 0; j < d; j++) t += (double) w[i * d + j] * w[i * d + j];
                assertEquals(1.0, Math.sqrt(t), 1e-5, "decoder row " + i);
            }
        }
    }

    @Test
    void aRunWithAuxKReachesTheCpuFvuAndDeadFraction() throws Exception {
        int d = 32, n = 512, k = 4, batch = 256, steps = 400;
        float lr = 3e-3f;
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(d, 1));
        // a short dead window so that latents die and AuxK runs
        TopKAutoencoder.Config cfg = new TopKAutoencoder.Config(k, d / 2, 1.0 / 32, 4 * batch, 1e-3);
        double[] fvu = new double[3];
        double[] deadFrac = new double[3];
        int[] auxSteps = new int[3];
        String[] names = {"cpu", "gpu", "gpu bf16"};
        for (int which = 0; which < 3; which++) {
            Backend be = which == 0 ? cpu : which == 1 ? gpu : gpuBf16;
            try (SparseAutoencoder sae = Architectures.create(be, d, n, new TopKAutoencoder(cpu, d, n, cfg, 5).spec(), 5);
                 MemoryScope s = MemoryScope.open()) {
                assertEquals(which > 0, sae instanceof CudaTopKAutoencoder);
                sae.initFromData(data.rows(0, 4096), 4096, 5);
                FloatMatrix x = s.floats(batch, d);
                StepStats st = null;
                for (int step = 0; step < steps; step++) {
                    x.copyFrom(data.rows((long) step * batch, batch));
                    st = sae.trainStep(x, lr);
                    if (st.auxLoss() > 0) auxSteps[which]++;
                }
                SaeMetrics.Result ev = SaeMetrics.evaluate(sae, new ArrayBatches(data.rows(1L << 40, 4096), d, 1), 512, 8);
                fvu[which] = ev.fvu();
                deadFrac[which] = (double) st.dead() / n;
                System.out.printf("%s: train fvu %.4f, held-out fvu %.4f, l0 %.2f, dead %d, AuxK on %d steps%n",
                        names[which], st.fvu(), ev.fvu(), ev.l0(), st.dead(), auxSteps[which]);
            }
        }
        assertTrue(auxSteps[0] > 0 && auxSteps[1] > 0 && auxSteps[2] > 0, "AuxK ran on all three");
        assertEquals(fvu[0], fvu[1], 0.01 + 0.1 * fvu[0], "held-out FVU, CPU vs GPU");
        assertEquals(deadFrac[0], deadFrac[1], 0.03, "dead fraction, CPU vs GPU");
        // bf16 rounds the product's inputs to 8 bits of mantissa: the same training to a looser tolerance
        assertEquals(fvu[0], fvu[2], 0.02 + 0.1 * fvu[0], "held-out FVU, CPU vs GPU with a bf16 encoder product");
        assertEquals(deadFrac[0], deadFrac[2], 0.05, "dead fraction, CPU vs GPU with a bf16 encoder product");
    }
}
