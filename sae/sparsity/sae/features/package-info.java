/**
 * Feature dashboards of a sparse autoencoder (ALGORITHMS.md "Feature dashboards"): one streaming
 * scan of an activation store's rows through the autoencoder gives, per latent, its density,
 * maximum and mean activation, an activation histogram, the top-activating examples, examples
 * sampled from bands of its activation range and its nearest latents by decoder cosine
 * ({@link sparsity.sae.features.FeatureScan}, {@link sparsity.sae.features.LatentAtlas}); per
 * example, the codes of its rows, for the token x latent raster and for shading tokens by a
 * latent's value ({@link sparsity.sae.features.ExampleCodes}).
 * {@link sparsity.sae.features.LatentExplorer} opens a store and a SAELens folder together and
 * is what a view holds. Plain Java: progress through {@link sparsity.analysis.ProgressListener},
 * stops when the thread is interrupted; no JavaFX.
 */
package sparsity.sae.features;
