package sparsity.sae.model;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

/**
 * The weights of a sparse autoencoder, off-heap in one scope. Both weight matrices are stored
 * latent-major, as the peer and OpenAI's code do, so that both weight gradients are row
 * scatters over the active latents:
 * <ul>
 * <li>{@code wEnc} [n x d]: row i is latent i's encoder direction (W_enc = wEnc);</li>
 * <li>{@code wDec} [n x d]: row i is decoder column i (W_dec = wDec^T), unit norm;</li>
 * <li>{@code bEnc} [1 x n], {@code bPre} [1 x d] (SAELens' b_dec).</li>
 * </ul>
 */
public final class SaeParams implements AutoCloseable {

    private final MemoryScope scope;
    private final int d;
    private final int n;
    public final FloatMatrix wEnc;
    public final FloatMatrix wDec;
    public final FloatMatrix bEnc;
    public final FloatMatrix bPre;

    public SaeParams(int d, int n) {
        if (d < 1 || n < 1) throw new IllegalArgumentException("an autoencoder needs d >= 1 and n >= 1");
        this.d = d;
        this.n = n;
        this.scope = MemoryScope.open();
        wEnc = scope.floats(n, d);
        wDec = scope.floats(n, d);
        bEnc = scope.floats(1, n);
        bPre = scope.floats(1, d);
    }

    public int inputDim() {
        return d;
    }

    public int latents() {
        return n;
    }

    /** The four tensors in a fixed order (checkpoints and optimizers walk them). */
    public FloatMatrix[] all() {
        return new FloatMatrix[] {wEnc, wDec, bEnc, bPre};
    }

    @Override
    public void close() {
        scope.close();
    }
}
