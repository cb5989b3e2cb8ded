package sparsity.views.export;

import java.awt.image.BufferedImage;
import java.util.Objects;

import org.jfree.chart.JFreeChart;

/**
 * Something that draws itself into an image of a given size, without JavaFX: a chart for a PNG
 * export or for a headless report.
 */
@FunctionalInterface
public interface ImageSource {

    /** Draws an image of exactly {@code width} x {@code height} pixels. */
    BufferedImage render(int width, int height);

    /** A JFreeChart drawn at the requested size. */
    static ImageSource of(JFreeChart chart) {
        Objects.requireNonNull(chart, "chart");
        return (width, height) -> chart.createBufferedImage(width, height, BufferedImage.TYPE_INT_RGB, null);
    }
}
