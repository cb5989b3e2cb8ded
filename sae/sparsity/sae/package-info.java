/**
 * Sparse autoencoders: architectures (one file each, registered by name), training, metrics,
 * dead latents, feature statistics and file formats (SAELens). May use {@code sparsity.kernels}
 * and {@code sparsity.analysis}; never {@code sparsity.attention}, {@code views}, {@code app},
 * JavaFX or Jackson.
 */
package sparsity.sae;
