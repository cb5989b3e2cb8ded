package sparsity.views.heatmap;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Objects;

import sparsity.views.export.ImageSource;

/**
 * A whole heatmap drawn without JavaFX, for reports and the CLI: a title, the max-pooled map
 * with its row and column axis names and index ticks at both ends, and a colour bar with five
 * values. The map keeps square cells when the matrix is square.
 */
public final class HeatmapPicture {

    private HeatmapPicture() {
    }

    /**
     * @param title   drawn above the map
     * @param m       the matrix
     * @param rowAxis e.g. "query"
     * @param colAxis e.g. "key"
     * @param log     log colour scale
     */
    public static ImageSource of(String title, MatrixSource m, String rowAxis, String colAxis, boolean log) {
        Objects.requireNonNull(m, "matrix");
        return (width, height) -> draw(title, m, rowAxis, colAxis, log, width, height);
    }

    static BufferedImage draw(String title, MatrixSource m, String rowAxis, String colAxis, boolean log, int width, int height) {
        ValueRange r = ValueRange.of(m);
        ColorScale scale = log ? ColorScale.log(r) : ColorScale.linear(r);
        Colormap map = r.signed() ? Colormap.DIVERGING : Colormap.VIRIDIS;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0x222222));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 12, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        int left = 60;
        int top = 36;
        int barW = 90;
        int availW = Math.max(1, width - left - barW - 16);
        int availH = Math.max(1, height - top - 40);
        int w = availW;
        int h = availH;
        if (m.rows() == m.cols()) w = h = Math.min(availW, availH);
        if (m.rows() > 0 && m.cols() > 0) {
            int[] px = HeatmapImage.render(m, Viewport.full(m.rows(), m.cols()), w, h, scale, map);
            img.setRGB(left, top, w, h, px, 0, w);
        }
        g.setColor(new Color(0x999999));
        g.drawRect(left - 1, top - 1, w + 1, h + 1);
        g.setColor(new Color(0x333333));
        g.drawString("0", left - 4 - fm.stringWidth("0"), top + fm.getAscent());
        String lastRow = Integer.toString(m.rows() - 1);
        g.drawString(lastRow, left - 4 - fm.stringWidth(lastRow), top + h);
        g.drawString("0", left, top + h + 14);
        String lastCol = Integer.toString(m.cols() - 1);
        g.drawString(lastCol, left + w - fm.stringWidth(lastCol), top + h + 14);
        g.drawString(colAxis + " \u2192", left + (w - fm.stringWidth(colAxis)) / 2, top + h + 28);
        g.rotate(-Math.PI / 2);
        g.drawString(rowAxis + " \u2192", -(top + h / 2 + fm.stringWidth(rowAxis) / 2), 20);
        g.rotate(Math.PI / 2);
        int bx = left + w + 20;
        for (int i = 0; i < h; i++) {
            g.setColor(new Color(map.argb(1 - i / Math.max(1.0, h - 1.0)), false));
            g.fillRect(bx, top + i, 16, 1);
        }
        g.setColor(new Color(0x333333));
        for (int k = 0; k <= 4; k++) {
            double t = k / 4.0;
            int y = top + (int) Math.round((1 - t) * (h - 1));
            String s = HeatmapViewModel.format(scale.value(t));
            if (log && !scale.signed() && k == 0) s = "\u2264" + HeatmapViewModel.format(scale.max() * scale.floor());
            g.drawLine(bx + 16, y, bx + 19, y);
            g.drawString(s, bx + 22, y + fm.getAscent() / 2);
        }
        g.dispose();
        return img;
    }
}
