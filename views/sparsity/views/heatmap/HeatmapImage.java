package sparsity.views.heatmap;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns a matrix (or the part of it a {@link Viewport} shows) into an ARGB image of a given
 * pixel size, without JavaFX. Each pixel takes the <em>maximum</em> of every cell it covers, in
 * part or in whole ({@link Pooling#MAX}; {@link Pooling#MAX_ABS} for signed data keeps the value
 * of largest magnitude with its sign), so a single sparse spike in a 2,048 x 2,048 map stays
 * visible at any zoom, where averaging would wash it out. Pooling and colouring are separate
 * steps so that switching linear/log only recolours.
 * <p>
 * Cost: every cell of the viewport is read once (one block per matrix row), then every pixel is
 * coloured once through a 256-entry table.
 */
public final class HeatmapImage {

    /** How the cells under one pixel become one value. */
    public enum Pooling {
        /** The largest value (attention weights, magnitudes, activations that are >= 0). */
        MAX,
        /** The value of largest |v|, sign kept (signed data on a diverging map). */
        MAX_ABS;

        /** {@link #MAX_ABS} for signed data, else {@link #MAX}. */
        public static Pooling forRange(ValueRange r) {
            return r.signed() ? MAX_ABS : MAX;
        }
    }

    /**
     * Pooled values of one image: {@code values[y * width + x]}, NaN where no finite cell lies
     * under the pixel.
     */
    public record Pooled(float[] values, int width, int height, Viewport viewport, Pooling pooling) {
        public float value(int x, int y) {
            return values[y * width + x];
        }
    }

    private static final double EDGE = 1e-9;

    private HeatmapImage() {
    }

    /** Pools, colours and returns ARGB pixels, row-major, {@code width x height}. */
    public static int[] render(MatrixSource m, Viewport vp, int width, int height, ColorScale scale, Colormap map) {
        Pooling p = scale.signed() ? Pooling.MAX_ABS : Pooling.MAX;
        return colorize(pool(m, vp, width, height, p), scale, map);
    }

    /** The max-pooled values of the viewport at {@code width x height} pixels. */
    public static Pooled pool(MatrixSource m, Viewport vp, int width, int height, Pooling pooling) {
        Objects.requireNonNull(m, "matrix");
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        int[] cFrom = new int[width];
        int[] cTo = new int[width];
        int[] rFrom = new int[height];
        int[] rTo = new int[height];
        spans(vp.col0(), vp.cols(), width, m.cols(), cFrom, cTo);
        spans(vp.row0(), vp.rows(), height, m.rows(), rFrom, rTo);
        float[] out = new float[width * height];
        Arrays.fill(out, Float.NaN);
        int segStart = Integer.MAX_VALUE;
        int segEnd = 0;
        for (int x = 0; x < width; x++) {
            if (cTo[x] > cFrom[x]) {
                segStart = Math.min(segStart, cFrom[x]);
                segEnd = Math.max(segEnd, cTo[x]);
            }
        }
        if (segEnd <= segStart) return new Pooled(out, width, height, vp, pooling);
        int seg = segEnd - segStart;
        float[] row = new float[seg];
        float[] pooledRow = new float[width];
        float[] acc = new float[width];
        float[] accAbs = new float[width];
        boolean abs = pooling == Pooling.MAX_ABS;
        int cached = -1;
        for (int y = 0; y < height; y++) {
            if (rTo[y] <= rFrom[y]) continue;
            Arrays.fill(acc, Float.NEGATIVE_INFINITY);
            Arrays.fill(accAbs, -1f);
            for (int r = rFrom[y]; r < rTo[y]; r++) {
                if (r != cached) {
                    m.block(r, segStart, 1, seg, row);
                    if (abs) poolRowAbs(row, segStart, cFrom, cTo, pooledRow);
                    else poolRowMax(row, segStart, cFrom, cTo, pooledRow);
                    cached = r;
                }
                if (abs) {
                    for (int x = 0; x < width; x++) {
                        float v = pooledRow[x];
                        float a = Math.abs(v);
                        if (a > accAbs[x]) {
                            accAbs[x] = a;
                            acc[x] = v;
                        }
                    }
                } else {
                    for (int x = 0; x < width; x++) {
                        float v = pooledRow[x];
                        float a = acc[x];
                        acc[x] = v > a ? v : a;
                    }
                }
            }
            int base = y * width;
            for (int x = 0; x < width; x++) {
                float v = acc[x];
                out[base + x] = v == Float.NEGATIVE_INFINITY && (!abs || accAbs[x] < 0) ? Float.NaN : v;
            }
        }
        return new Pooled(out, width, height, vp, pooling);
    }

    private static void poolRowMax(float[] row, int segStart, int[] from, int[] to, float[] out) {
        for (int x = 0; x < out.length; x++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int c = from[x] - segStart, e = to[x] - segStart; c < e; c++) {
                float v = row[c];
                m = v > m ? v : m;
            }
            out[x] = m;
        }
    }

    private static void poolRowAbs(float[] row, int segStart, int[] from, int[] to, float[] out) {
        for (int x = 0; x < out.length; x++) {
            float best = Float.NaN;
            float bestAbs = -1f;
            for (int c = from[x] - segStart, e = to[x] - segStart; c < e; c++) {
                float v = row[c];
                float a = Math.abs(v);
                if (a > bestAbs) {
                    bestAbs = a;
                    best = v;
                }
            }
            out[x] = best;
        }
    }

    /**
     * For each of {@code pixels} pixels over {@code [start, start + span)} cells, the cells it
     * covers in part or in whole: {@code [from, to)}, clipped to {@code [0, size)}; empty outside.
     */
    static void spans(double start, double span, int pixels, int size, int[] from, int[] to) {
        double step = span / pixels;
        for (int p = 0; p < pixels; p++) {
            double a = start + p * step;
            double b = start + (p + 1) * step;
            int lo = (int) Math.floor(a + EDGE);
            int hi = (int) Math.ceil(b - EDGE);
            if (hi <= lo) hi = lo + 1;
            from[p] = Math.max(0, lo);
            to[p] = Math.min(size, hi);
            if (to[p] < from[p]) to[p] = from[p];
        }
    }

    /** Colours pooled values: ARGB, opaque, {@link Colormap#NO_DATA} where there is no value. */
    public static int[] colorize(Pooled p, ColorScale scale, Colormap map) {
        float[] v = p.values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            out[i] = x != x ? Colormap.NO_DATA : map.lut(Colormap.index(scale.t(x)));
        }
        return out;
    }

    /** ARGB pixels as an image for PNG export and reports. */
    public static BufferedImage toBufferedImage(int[] argb, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, width, height, argb, 0, width);
        return img;
    }
}
