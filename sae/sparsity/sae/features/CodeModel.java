package sparsity.sae.features;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.sae.model.SparseAutoencoder;

/**
 * What the feature scan needs of an autoencoder: its sizes, codes of a batch of rows, and its
 * decoder directions. The one place that knows the autoencoder class.
 */
interface CodeModel {

    int inputDim();

    int latents();

    /** Code slots per row (k for TopK, all latents for ReLU + L1); a slot is active when its value is not 0. */
    int codeWidth();

    /** Codes of x [B x d] into idx and z [B x codeWidth]. */
    void encode(FloatMatrix x, IntMatrix idx, FloatMatrix z);

    /** Copies the decoder directions, one latent a row, into dst [latents x d]. */
    void decoderRows(FloatMatrix dst);

    static CodeModel of(SparseAutoencoder sae) {
        return new CodeModel() {
            @Override
            public int inputDim() {
                return sae.inputDim();
            }

            @Override
            public int latents() {
                return sae.latents();
            }

            @Override
            public int codeWidth() {
                return sae.codeWidth();
            }

            @Override
            public void encode(FloatMatrix x, IntMatrix idx, FloatMatrix z) {
                sae.encodeAndReconstruct(x, idx, z, null);
            }

            @Override
            public void decoderRows(FloatMatrix dst) {
                dst.copyFrom(sae.params().wDec);
            }
        };
    }
}
