package sparsity.views.attention;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;

import sparsity.views.export.ImageSource;
import sparsity.views.heatmap.ColorScale;
import sparsity.views.heatmap.Colormap;
import sparsity.views.heatmap.HeatmapImage;
import sparsity.views.heatmap.MatrixSource;
import sparsity.views.heatmap.ValueRange;
import sparsity.views.heatmap.Viewport;

/**
 * Atlas thumbnails and the whole atlas as one image, without JavaFX: each map max-pooled to a
 * square thumbnail and coloured by its own range (so a weak head's pattern still shows), and the
 * grid drawn with captions for a PNG export or the headless report ({@code ./workbench attention}).
 */
public final class AtlasImages {

    private AtlasImages() {
    }

    /** One map as {@code size x size} ARGB pixels, max-pooled, on viridis, by its own range. */
    public static int[] thumbnail(AtlasModel.Head h, int size, boolean log) {
        MatrixSource m = h.source();
        ValueRange r = ValueRange.of(m);
        ColorScale s = log ? ColorScale.log(r) : ColorScale.linear(r);
        return HeatmapImage.render(m, Viewport.full(h.rows(), h.cols()), size, size, s, r.signed() ? Colormap.DIVERGING : Colormap.VIRIDIS);
    }

    /** Thumbnails of every map, keyed by "layer.head". Stops early (returning what it has) when interrupted. */
    public static Map<String, int[]> thumbnails(AtlasModel model, int size, boolean log) {
        Map<String, int[]> out = new HashMap<>();
        for (AtlasModel.Head h : model.maps()) {
            if (Thread.currentThread().isInterrupted()) break;
            out.put(h.name(), thumbnail(h, size, log));
        }
        return out;
    }

    /** The atlas as an image of any size: the grid scaled to fit, captions under each thumbnail. */
    public static ImageSource imageSource(AtlasModel model, boolean log) {
        return (width, height) -> {
            BufferedImage full = render(model, 96, log);
            BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            double k = Math.min((double) width / full.getWidth(), (double) height / full.getHeight());
            int w = (int) (full.getWidth() * k);
            int h = (int) (full.getHeight() * k);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(full, (width - w) / 2, (height - h) / 2, w, h, null);
            g.dispose();
            return out;
        };
    }

    /** The atlas at {@code cell} pixels per thumbnail, with layer/head headers and captions. */
    public static BufferedImage render(AtlasModel model, int cell, boolean log) {
        int caption = 30;
        int gap = 8;
        int left = 40;
        int top = 44;
        int w = left + model.heads() * (cell + gap) + gap;
        int h = top + model.layers() * (cell + caption + gap) + gap;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(0x222222));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(model.title() + (log ? " (log colour scale)" : ""), gap, 18);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        for (int hd = 0; hd < model.heads(); hd++) {
            String s = "head " + hd;
            g.drawString(s, left + hd * (cell + gap) + (cell - fm.stringWidth(s)) / 2, top - 6);
        }
        for (int l = 0; l < model.layers(); l++) {
            int y = top + l * (cell + caption + gap);
            g.setColor(new Color(0x222222));
            g.drawString("L" + l, 6, y + cell / 2);
            for (int hd = 0; hd < model.heads(); hd++) {
                int x = left + hd * (cell + gap);
                AtlasModel.Head head = model.head(l, hd);
                if (head == null) {
                    g.setColor(new Color(0xeeeeee));
                    g.fillRect(x, y, cell, cell);
                    continue;
                }
                int[] px = thumbnail(head, cell, log);
                img.setRGB(x, y, cell, cell, px, 0, cell);
                g.setColor(new Color(0x222222));
                g.drawString(fit(head.name() + " " + head.label(), fm, cell), x, y + cell + 11);
                g.setColor(new Color(0x555555));
                g.drawString(fit(head.figure(), fm, cell), x, y + cell + 23);
            }
        }
        g.dispose();
        return img;
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        String t = s;
        while (!t.isEmpty() && fm.stringWidth(t + "\u2026") > width) t = t.substring(0, t.length() - 1);
        return t + "\u2026";
    }
}
