package sparsity.sae.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.data.SyntheticActivations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class TopKDeterminismTest {

    static float[][] train(String backend, int threads, int steps) {
        return train(backend, threads, steps, true, 256);
    }

    /**
     * Weights after training; fused: through trainStep (the decoder's gradient projected inside
     * Adam's pass), else gradients (projected there) then applyAdam.
     */
    static float[][] train(String backend, int threads, int steps, boolean fused, long deadWindow) {
        int d = 16;
        int n = 64;
        SyntheticActivations data = new SyntheticActivations(SyntheticActivations.Spec.defaults(d, 3));
        try (Backend be = Backends.create(backend, threads);
             TopKAutoencoder sae = new TopKAutoencoder(be, d, n, new TopKAutoencoder.Config(4, 8, 1.0 / 32, deadWindow, 1e-3), 9);
             MemoryScope s = MemoryScope.open()) {
            sae.initFromData(data.rows(0, 1024), 1024, 9);
            FloatMatrix x = s.floats(128, d);
            for (int i = 0; i < steps; i++) {
                x.copyFrom(data.rows(i * 128L, 128));
                if (fused) {
                    sae.trainStep(x, 1e-2f);
                } else {
                    sae.gradients(x);
                    sae.applyAdam(1e-2f);
                }
            }
            SaeParams p = sae.params();
            return new float[][] {p.wEnc.toArray(), p.wDec.toArray(), p.bEnc.toArray(), p.bPre.toArray()};
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void sameSeedAndThreadsGiveBitwiseEqualWeights(int threads) {
        float[][] a = train("vector", threads, 60);
        float[][] b = train("vector", threads, 60);
        for (int t = 0; t < a.length; t++) assertArrayEquals(a[t], b[t], 0f, "tensor " + t);
    }

    /**
     * trainStep gives the same bits as gradients then applyAdam, over any threads: with no latent
     * ever dead, and with latents dying within the run (AuxK adding to the gradients).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void trainStepIsGradientsThenAdamBitForBit(int threads) {
        for (long window : new long[] {256, 10_000_000}) {
            float[][] a = train("vector", threads, 60, true, window);
            float[][] b = train("vector", 2, 60, false, window);
            for (int t = 0; t < a.length; t++) assertArrayEquals(b[t], a[t], 0f, "window " + window + ", tensor " + t);
        }
    }
}
