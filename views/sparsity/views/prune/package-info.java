/**
 * Views of pruning: the accuracy-vs-sparsity curves (one line per method, the dense baseline,
 * toggles, hover values, live while a sweep runs), the layer-sensitivity heatmap with the
 * per-layer sparsity a method chose, the TEAL activation-sparsity curve, and the pattern of one
 * mask (block-density heatmap, N:M compliance, per-row and per-column sparsity histograms, the
 * overlap with another method's mask, and what the pattern can buy in bytes).
 */
package sparsity.views.prune;
