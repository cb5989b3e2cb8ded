package sparsity.views.heatmap;

/**
 * One drawn image of a heatmap: the pooled values and their colours for one viewport at one
 * pixel size, with the range and scale they were coloured by. FX-free.
 */
public record HeatmapFrame(HeatmapImage.Pooled pooled, int[] argb, ValueRange range, ColorScale scale, Colormap colormap) {

    public int width() {
        return pooled.width();
    }

    public int height() {
        return pooled.height();
    }

    public Viewport viewport() {
        return pooled.viewport();
    }

    /**
     * Computes a frame: scans the range if {@code range} is null, pools the viewport (or reuses
     * {@code previous}'s pooled values when viewport and size are the same) and colours it.
     */
    public static HeatmapFrame compute(MatrixSource m, Viewport vp, int width, int height, boolean log,
                                       ValueRange range, HeatmapFrame previous) {
        ValueRange r = range != null ? range : ValueRange.of(m);
        ColorScale scale = log ? ColorScale.log(r) : ColorScale.linear(r);
        Colormap map = r.signed() ? Colormap.DIVERGING : Colormap.VIRIDIS;
        HeatmapImage.Pooling pooling = HeatmapImage.Pooling.forRange(r);
        HeatmapImage.Pooled pooled;
        if (previous != null && previous.viewport().equals(vp) && previous.width() == width
                && previous.height() == height && previous.pooled().pooling() == pooling) {
            pooled = previous.pooled();
        } else {
            pooled = HeatmapImage.pool(m, vp, width, height, pooling);
        }
        return new HeatmapFrame(pooled, HeatmapImage.colorize(pooled, scale, map), r, scale, map);
    }
}
