package sparsity.sae.model;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analytic gradients of every architecture against central finite differences of the loss
 * the architecture itself reports (StepStats.loss), on both backends. For the tied k-sparse
 * weights a difference moves both copies of W together. Dead latents are kept out (a window of
 * 10^9 tokens), so the loss is a plain function of the parameters.
 */
class ArchitectureGradientTest {

    static final int D = 6;
    static final int N = 12;
    static final int B = 5;

    @ParameterizedTest
    @CsvSource({"topk,reference", "topk,vector", "batchtopk,reference", "batchtopk,vector", "ksparse,reference",
            "ksparse,vector", "relu,reference", "relu,vector"})
    void gradientsMatchFiniteDifferences(String arch, String backendName) {
        Random rnd = new Random(17);
        float[] xs = new float[B * D];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) rnd.nextGaussian() + 0.5f;
        SaeSpec spec = new SaeSpec(arch, 3, 4, 1.0 / 32, 1_000_000_000L, 1e-3, 0.7, 3, 0, 1, 0.999);
        try (Backend be = Backends.create(backendName, 2);
             SparseAutoencoder sae = Architectures.create(be, D, N, spec, 7);
             MemoryScope s = MemoryScope.open()) {
            sae.initFromData(xs, B, 3);
            SaeParams p = sae.params();
            // nonzero b_enc so that ReLU masks and supports matter
            for (int i = 0; i < N; i++) p.bEnc.set(0, i, (float) (0.3 * rnd.nextGaussian()));
            if (arch.equals("ksparse")) p.wEnc.copyFrom(p.wDec);
            FloatMatrix x = s.floats(B, D, xs);
            sae.gradients(x);
            FloatMatrix[] grads = sae.gradientBuffers();
            FloatMatrix[] params = p.all();
            double h = 2e-4;
            for (int t = 0; t < 4; t++) {
                if (arch.equals("ksparse") && t == 0) continue; // W_enc is W_dec
                sae.gradients(x);
                float[] analytic = grads[t].toArray();
                float[] fd = new float[analytic.length];
                int cols = params[t].cols();
                double base = sae.gradients(x).loss();
                int skipped = 0;
                for (int i = 0; i < fd.length; i++) {
                    int r = i / cols;
                    int c = i % cols;
                    float keep = params[t].get(r, c);
                    set(sae, t, r, c, (float) (keep + h), arch);
                    double up = sae.gradients(x).loss();
                    set(sae, t, r, c, (float) (keep - h), arch);
                    double dn = sae.gradients(x).loss();
                    set(sae, t, r, c, keep, arch);
                    double fwd = (up - base) / h;
                    double bwd = (base - dn) / h;
                    if (Math.abs(fwd - bwd) > 0.05 * Math.max(Math.abs(fwd), Math.abs(bwd)) + 0.05) {
                        // the difference crossed a top-k boundary (a jump): no derivative to compare
                        fd[i] = analytic[i];
                        skipped++;
                    } else {
                        fd[i] = (float) ((up - dn) / (2 * h));
                    }
                }
                assertTrue(skipped <= fd.length / 10, arch + " tensor " + t + ": " + skipped + " of " + fd.length + " differences jumped");
                if (t == 1 && sae.unitDecoder()) {
                    // the model removes from each decoder column's gradient its component along the column
                    for (int r = 0; r < N; r++) {
                        double dotp = 0;
                        for (int c = 0; c < D; c++) dotp += fd[r * D + c] * p.wDec.get(r, c);
                        for (int c = 0; c < D; c++) fd[r * D + c] -= (float) (dotp * p.wDec.get(r, c));
                    }
                }
                double dot = 0;
                double na = 0;
                double nf = 0;
                double diff = 0;
                for (int i = 0; i < fd.length; i++) {
                    dot += (double) analytic[i] * fd[i];
                    na += (double) analytic[i] * analytic[i];
                    nf += (double) fd[i] * fd[i];
                    diff += (double) (analytic[i] - fd[i]) * (analytic[i] - fd[i]);
                }
                double rel = Math.sqrt(diff) / Math.max(Math.sqrt(nf), 1e-12);
                assertTrue(nf > 0, arch + " tensor " + t + ": the loss does not move");
                assertTrue(rel < 2e-2, arch + " tensor " + t + ": relative error " + rel + ", cosine "
                        + dot / Math.sqrt(na * nf));
            }
        }
    }

    private static void set(SparseAutoencoder sae, int tensor, int r, int c, float v, String arch) {
        FloatMatrix[] params = sae.params().all();
        params[tensor].set(r, c, v);
        if (arch.equals("ksparse") && tensor == 1) params[0].set(r, c, v);
    }
}
