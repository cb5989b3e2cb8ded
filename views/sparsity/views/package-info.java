/**
 * JavaFX views and their view-models, charts (JFreeChart), heatmaps, and the one PNG/CSV
 * exporter that every chart and table uses. May use {@code analysis}, {@code sae} and
 * {@code attention}; never {@code sparsity.kernels} directly, never {@code sparsity.app}, and no
 * heavy math on the FX thread.
 */
package sparsity.views;
