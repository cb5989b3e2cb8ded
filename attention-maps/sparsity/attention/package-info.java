/**
 * Attention maps: attention tensors [batch, head, query, key], per-head metrics (entropy,
 * coverage density, sink/previous-token/induction scores) and pattern classes. May use
 * {@code sparsity.kernels} and {@code sparsity.analysis}; never {@code sparsity.sae},
 * {@code views}, {@code app}, JavaFX or Jackson.
 */
package sparsity.attention;
