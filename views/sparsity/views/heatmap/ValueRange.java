package sparsity.views.heatmap;

/**
 * Smallest, largest and largest absolute finite value of a matrix; {@link #signed()} when it has
 * negative values (draw it with a diverging map).
 */
public record ValueRange(double min, double max, double maxAbs, long finite, long nonFinite) {

    public boolean signed() {
        return min < 0;
    }

    /** Scans a whole matrix, a block of rows at a time (call it off the JavaFX thread for large maps). */
    public static ValueRange of(MatrixSource m) {
        int rows = m.rows();
        int cols = m.cols();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long finite = 0;
        long bad = 0;
        int step = Math.max(1, (1 << 16) / Math.max(1, cols));
        float[] buf = new float[step * Math.max(1, cols)];
        for (int r = 0; r < rows; r += step) {
            int n = Math.min(step, rows - r);
            m.block(r, 0, n, cols, buf);
            for (int i = 0, e = n * cols; i < e; i++) {
                float v = buf[i];
                if (!Float.isFinite(v)) {
                    bad++;
                    continue;
                }
                finite++;
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        }
        if (finite == 0) return new ValueRange(0, 0, 0, 0, bad);
        return new ValueRange(lo, hi, Math.max(Math.abs(lo), Math.abs(hi)), finite, bad);
    }
}
