package sparsity.views.heatmap;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Draws a heatmap's axes around its plot area: token labels on both axes where the zoom leaves
 * room for them, index ticks at round steps otherwise, and the axis names; and the colour bar.
 */
final class HeatmapAxes {

    static final Font FONT = Font.font("System", 11);
    private static final Color INK = Color.web("#333333");
    private static final int MAX_LABEL_CHARS = 12;

    private HeatmapAxes() {
    }

    /** Left margin: room for labels or for index numbers. */
    static double left(HeatmapViewModel vm) {
        return vm.hasRowLabels() ? 90 : 56;
    }

    static double bottom(HeatmapViewModel vm) {
        return vm.hasColLabels() ? 90 : 40;
    }

    static void draw(GraphicsContext g, HeatmapViewModel vm, double px, double py, double w, double h) {
        Viewport v = vm.viewport();
        g.setFill(INK);
        g.setStroke(INK);
        g.setLineWidth(1);
        g.setFont(FONT);
        // rows, on the left
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        boolean rowWords = vm.rowLabelsReadable(h);
        int step = rowWords ? 1 : niceStep(v.pixelsPerRow(h), 28);
        for (int i = firstTick(v.row0(), step); i < Math.min(v.row0() + v.rows(), vm.source().rows()); i += step) {
            double y = py + v.yOf(i + 0.5, h);
            if (y < py - 1 || y > py + h + 1) continue;
            g.strokeLine(px - 3, y, px, y);
            g.fillText(rowWords ? shorten(vm.rowLabel(i)) : Integer.toString(i), px - 5, y);
        }
        // columns, at the bottom, written upwards
        boolean colWords = vm.colLabelsReadable(w);
        step = colWords ? 1 : niceStep(v.pixelsPerCol(w), 40);
        for (int j = firstTick(v.col0(), step); j < Math.min(v.col0() + v.cols(), vm.source().cols()); j += step) {
            double x = px + v.xOf(j + 0.5, w);
            if (x < px - 1 || x > px + w + 1) continue;
            g.strokeLine(x, py + h, x, py + h + 3);
            if (colWords) {
                g.save();
                g.translate(x, py + h + 5);
                g.rotate(-90);
                g.setTextAlign(TextAlignment.RIGHT);
                g.fillText(shorten(vm.colLabel(j)), 0, 0);
                g.restore();
            } else {
                g.setTextAlign(TextAlignment.CENTER);
                g.setTextBaseline(VPos.TOP);
                g.fillText(Integer.toString(j), x, py + h + 5);
            }
        }
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.BOTTOM);
        g.fillText(vm.colAxis() + " \u2192", px + w, py + h + bottom(vm) - 2);
        g.save();
        g.translate(12, py);
        g.rotate(-90);
        g.setTextAlign(TextAlignment.RIGHT);
        g.setTextBaseline(VPos.CENTER);
        g.fillText(vm.rowAxis() + " \u2192", 0, 0);
        g.restore();
        g.setStroke(Color.web("#999999"));
        g.strokeRect(px - 0.5, py - 0.5, w + 1, h + 1);
    }

    /** The colour bar: the map from its low end (bottom) to its high end, five ticks with values. */
    static void colorBar(GraphicsContext g, ColorScale scale, Colormap map, double width, double height) {
        g.clearRect(0, 0, width, height);
        double top = 10;
        double barH = Math.max(1, height - 60);
        double x = 6;
        double barW = 16;
        for (int i = 0; i < (int) barH; i++) {
            double t = 1 - i / (barH - 1);
            int c = map.argb(t);
            g.setFill(Color.rgb((c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff));
            g.fillRect(x, top + i, barW, 1);
        }
        g.setStroke(Color.web("#999999"));
        g.strokeRect(x - 0.5, top - 0.5, barW + 1, barH + 1);
        g.setFill(INK);
        g.setFont(FONT);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.CENTER);
        for (int k = 0; k <= 4; k++) {
            double t = k / 4.0;
            double y = top + (1 - t) * (barH - 1);
            g.strokeLine(x + barW, y, x + barW + 3, y);
            String s = HeatmapViewModel.format(scale.value(t));
            if (scale.log() && !scale.signed() && k == 0) s = "\u2264" + HeatmapViewModel.format(scale.max() * scale.floor());
            g.fillText(s, x + barW + 5, y);
        }
        g.setTextBaseline(VPos.TOP);
        g.fillText(scale.log() ? "log" : "linear", x, top + barH + 8);
    }

    /** The smallest step of 1, 2, 5, 10, 20, 50 ... cells that puts ticks at least {@code minPixels} apart. */
    static int niceStep(double pixelsPerCell, double minPixels) {
        long step = 1;
        while (step * pixelsPerCell < minPixels && step < Integer.MAX_VALUE / 10) {
            long s2 = step * 2;
            long s5 = step * 5;
            if (s2 * pixelsPerCell >= minPixels) return (int) s2;
            if (s5 * pixelsPerCell >= minPixels) return (int) s5;
            step *= 10;
        }
        return (int) step;
    }

    private static int firstTick(double start, int step) {
        int i = (int) Math.floor(Math.max(0, start));
        return (i + step - 1) / step * step;
    }

    private static String shorten(String s) {
        if (s == null) return "";
        return s.length() <= MAX_LABEL_CHARS ? s : s.substring(0, MAX_LABEL_CHARS - 1) + "\u2026";
    }
}
