package sparsity.views.heatmap;

/**
 * The part of a matrix a heatmap shows, in cell coordinates (fractions allowed, so zoom is
 * smooth): rows {@code [row0, row0 + rows)} and columns {@code [col0, col0 + cols)}. Pure math,
 * no JavaFX: zooming about a point, panning and clamping to the matrix.
 */
public record Viewport(double row0, double col0, double rows, double cols) {

    /** The smallest span a viewport may have, in cells (zooming stops there). */
    public static final double MIN_SPAN = 2;

    public Viewport {
        if (!(rows > 0) || !(cols > 0)) throw new IllegalArgumentException("viewport must have a positive size");
    }

    /** The whole {@code rows x cols} matrix. */
    public static Viewport full(int rows, int cols) {
        return new Viewport(0, 0, Math.max(1, rows), Math.max(1, cols));
    }

    /** The cell row under pixel row {@code y} of an image {@code height} pixels tall. */
    public double rowAt(double y, double height) {
        return row0 + y * rows / height;
    }

    /** The cell column under pixel column {@code x} of an image {@code width} pixels wide. */
    public double colAt(double x, double width) {
        return col0 + x * cols / width;
    }

    /** Pixel x of cell column {@code col} (its left edge) in an image {@code width} wide. */
    public double xOf(double col, double width) {
        return (col - col0) * width / cols;
    }

    /** Pixel y of cell row {@code row} (its top edge) in an image {@code height} tall. */
    public double yOf(double row, double height) {
        return (row - row0) * height / rows;
    }

    /**
     * Zooms by {@code factor} (&gt; 1 zooms in) keeping the cell under pixel (x, y) of a
     * {@code width x height} image where it is, then clamps to a {@code mRows x mCols} matrix.
     */
    public Viewport zoom(double factor, double x, double y, double width, double height, int mRows, int mCols) {
        double anchorRow = rowAt(y, height);
        double anchorCol = colAt(x, width);
        double newRows = clampSpan(rows / factor, mRows);
        double newCols = clampSpan(cols / factor, mCols);
        double r0 = anchorRow - y / height * newRows;
        double c0 = anchorCol - x / width * newCols;
        return new Viewport(r0, c0, newRows, newCols).clamp(mRows, mCols);
    }

    /** Moves the view by a drag of (dx, dy) pixels in a {@code width x height} image, clamped. */
    public Viewport pan(double dx, double dy, double width, double height, int mRows, int mCols) {
        return new Viewport(row0 - dy * rows / height, col0 - dx * cols / width, rows, cols).clamp(mRows, mCols);
    }

    /** This viewport moved (and shrunk if needed) to lie inside a {@code mRows x mCols} matrix. */
    public Viewport clamp(int mRows, int mCols) {
        double h = Math.min(rows, Math.max(1, mRows));
        double w = Math.min(cols, Math.max(1, mCols));
        double r = Math.max(0, Math.min(row0, Math.max(1, mRows) - h));
        double c = Math.max(0, Math.min(col0, Math.max(1, mCols) - w));
        return new Viewport(r, c, h, w);
    }

    /** Screen pixels per cell row in an image {@code height} tall. */
    public double pixelsPerRow(double height) {
        return height / rows;
    }

    /** Screen pixels per cell column in an image {@code width} wide. */
    public double pixelsPerCol(double width) {
        return width / cols;
    }

    private static double clampSpan(double span, int size) {
        return Math.max(Math.min(MIN_SPAN, Math.max(1, size)), Math.min(span, Math.max(1, size)));
    }
}
