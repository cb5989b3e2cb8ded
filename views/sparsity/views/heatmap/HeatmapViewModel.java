package sparsity.views.heatmap;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

/**
 * What a heatmap shows and where: the matrix, optional row and column labels (tokens), the
 * viewport, linear or log colours, and the value range once known. All the pointer math (which
 * cell is under the cursor, zoom about the cursor, pan, when labels are readable) lives here as
 * plain functions of pixel coordinates inside the plot area, so it is tested without a window.
 */
public final class HeatmapViewModel {

    /** Smallest gap between two axis labels, in pixels, for them to be drawn. */
    public static final double LABEL_PIXELS = 12;
    /** Zoom factor of one wheel notch. */
    public static final double WHEEL_ZOOM = 1.25;

    private final MatrixSource source;
    private final List<String> rowLabels;
    private final List<String> colLabels;
    private final String title;
    private final String rowAxis;
    private final String colAxis;
    private final ObjectProperty<Viewport> viewport = new SimpleObjectProperty<>();
    private final BooleanProperty logScale = new SimpleBooleanProperty(false);
    private final ObjectProperty<ValueRange> range = new SimpleObjectProperty<>();

    /** The cell at a point: row, column and the value there. */
    public record Cell(int row, int col, float value) {
    }

    /**
     * @param title     what the map shows, e.g. "L3.H7 attention"; also the export file name
     * @param source    the matrix
     * @param rowAxis   name of the row axis, e.g. "query"
     * @param colAxis   name of the column axis, e.g. "key"
     * @param rowLabels one label per row (e.g. tokens), or null
     * @param colLabels one label per column, or null
     */
    public HeatmapViewModel(String title, MatrixSource source, String rowAxis, String colAxis,
                            List<String> rowLabels, List<String> colLabels) {
        this.title = Objects.requireNonNull(title, "title");
        this.source = Objects.requireNonNull(source, "source");
        this.rowAxis = rowAxis == null ? "row" : rowAxis;
        this.colAxis = colAxis == null ? "column" : colAxis;
        this.rowLabels = labels(rowLabels, source.rows(), "row");
        this.colLabels = labels(colLabels, source.cols(), "column");
        viewport.set(Viewport.full(source.rows(), source.cols()));
    }

    /** A heatmap without labels, axes named "row" and "column". */
    public HeatmapViewModel(String title, MatrixSource source) {
        this(title, source, null, null, null, null);
    }

    private static List<String> labels(List<String> l, int n, String what) {
        if (l == null) return null;
        if (l.size() != n) throw new IllegalArgumentException(l.size() + " " + what + " labels for " + n + " " + what + "s");
        return List.copyOf(l);
    }

    public MatrixSource source() {
        return source;
    }

    public String title() {
        return title;
    }

    public String rowAxis() {
        return rowAxis;
    }

    public String colAxis() {
        return colAxis;
    }

    public ObjectProperty<Viewport> viewportProperty() {
        return viewport;
    }

    public Viewport viewport() {
        return viewport.get();
    }

    public BooleanProperty logScaleProperty() {
        return logScale;
    }

    /** Min/max of the matrix, once scanned (off the JavaFX thread), or set by the caller. */
    public ObjectProperty<ValueRange> rangeProperty() {
        return range;
    }

    /** The colour scale for the known range (linear from 0 to 1 before the range is known). */
    public ColorScale scale() {
        ValueRange r = range.get();
        if (r == null) r = new ValueRange(0, 1, 1, 0, 0);
        return logScale.get() ? ColorScale.log(r) : ColorScale.linear(r);
    }

    /** Viridis for unsigned data, the diverging map for signed data. */
    public Colormap colormap() {
        ValueRange r = range.get();
        return r != null && r.signed() ? Colormap.DIVERGING : Colormap.VIRIDIS;
    }

    /** The cell under point (x, y) of a {@code width x height} plot, or null outside the matrix. */
    public Cell cellAt(double x, double y, double width, double height) {
        if (x < 0 || y < 0 || x >= width || y >= height) return null;
        Viewport v = viewport.get();
        int row = (int) Math.floor(v.rowAt(y, height));
        int col = (int) Math.floor(v.colAt(x, width));
        if (row < 0 || col < 0 || row >= source.rows() || col >= source.cols()) return null;
        return new Cell(row, col, source.get(row, col));
    }

    /** e.g. "query 12 'cat' · key 3 'the' · value 0.2513". */
    public String describe(Cell c) {
        if (c == null) return "";
        return rowAxis + " " + c.row() + quoted(rowLabel(c.row())) + "  \u00b7  " + colAxis + " " + c.col()
                + quoted(colLabel(c.col())) + "  \u00b7  value " + format(c.value());
    }

    private static String quoted(String s) {
        return s == null ? "" : " '" + s + "'";
    }

    /** The label of row i, or null when the map has no row labels. */
    public String rowLabel(int i) {
        return rowLabels == null ? null : rowLabels.get(i);
    }

    public String colLabel(int j) {
        return colLabels == null ? null : colLabels.get(j);
    }

    public boolean hasRowLabels() {
        return rowLabels != null;
    }

    public boolean hasColLabels() {
        return colLabels != null;
    }

    /** Whether every row label fits in a plot {@code height} pixels tall at the present zoom. */
    public boolean rowLabelsReadable(double height) {
        return rowLabels != null && viewport.get().pixelsPerRow(height) >= LABEL_PIXELS;
    }

    public boolean colLabelsReadable(double width) {
        return colLabels != null && viewport.get().pixelsPerCol(width) >= LABEL_PIXELS;
    }

    /** Zooms by {@code factor} about point (x, y) of the plot. */
    public void zoomAt(double factor, double x, double y, double width, double height) {
        viewport.set(viewport.get().zoom(factor, x, y, width, height, source.rows(), source.cols()));
    }

    /** Zooms in (notches &gt; 0) or out by whole wheel notches about (x, y). */
    public void wheel(double notches, double x, double y, double width, double height) {
        zoomAt(Math.pow(WHEEL_ZOOM, notches), x, y, width, height);
    }

    /** Moves by a drag of (dx, dy) pixels. */
    public void panBy(double dx, double dy, double width, double height) {
        viewport.set(viewport.get().pan(dx, dy, width, height, source.rows(), source.cols()));
    }

    /** Back to the whole matrix. */
    public void reset() {
        viewport.set(Viewport.full(source.rows(), source.cols()));
    }

    /** A value as the hover and colour bar show it: 4 significant digits. */
    public static String format(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e5) {
            String s = String.format(Locale.ROOT, "%.4g", v);
            return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
