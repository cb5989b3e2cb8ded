/**
 * Heatmaps of any matrix, reused by the attention, autoencoder and pruning views:
 * {@link sparsity.views.heatmap.HeatmapImage} (FX-free max-pooling and colouring of a
 * {@link sparsity.views.heatmap.MatrixSource} viewport), {@link sparsity.views.heatmap.HeatmapViewModel}
 * (viewport, zoom, pan and hover math) and {@link sparsity.views.heatmap.HeatmapView}, the
 * zoomable Canvas that draws pooled images computed off the JavaFX thread.
 */
package sparsity.views.heatmap;
