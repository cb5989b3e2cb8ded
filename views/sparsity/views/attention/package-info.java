/**
 * Attention views: {@link sparsity.views.attention.AttentionAtlasView}, a layers x heads grid of
 * max-pooled thumbnails fed by a plain {@link sparsity.views.attention.AtlasModel}, and
 * {@link sparsity.views.attention.AtlasImages}, the same atlas drawn headless for PNG exports and
 * the CLI. A clicked head opens in a {@link sparsity.views.heatmap.HeatmapView}.
 */
package sparsity.views.attention;
