package sparsity.analysis.input;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import sparsity.analysis.ProgressListener;

/**
 * Images as model inputs: a folder of PNG/JPEG files, sorted by name, each resized and
 * normalized by an {@link ImageSpec} into one float tensor; every image keeps its file name.
 * Decoding is Java's ImageIO (8- and 16-bit PNG, palette PNG, baseline and progressive JPEG);
 * gray images are read as stored (no colour-space conversion), an alpha channel is ignored and
 * JPEG EXIF orientation is not applied. CMYK JPEGs cannot be decoded and are reported.
 */
public final class ImageInputs {

    /** Images as one tensor. */
    public record ImageBatch(List<String> names, float[] data, long[] shape, ImageSpec spec) {
        public ImageBatch {
            names = List.copyOf(names);
            shape = shape.clone();
        }

        public int size() {
            return names.size();
        }

        /** The values of image {@code i}. */
        public float[] image(int i) {
            int n = spec.valuesPerImage();
            float[] out = new float[n];
            System.arraycopy(data, i * n, out, 0, n);
            return out;
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }
    }

    private ImageInputs() {
    }

    /** The PNG and JPEG files of a folder (not its subfolders), sorted by file name. */
    public static List<Path> listImages(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) throw new NoSuchFileException(folder.toString(), null, "image folder not found");
        List<Path> out;
        try (Stream<Path> s = Files.list(folder)) {
            out = new ArrayList<>(s.filter(Files::isRegularFile).filter(ImageInputs::isImageName)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList());
        }
        if (out.isEmpty()) throw new IOException(folder + ": no PNG or JPEG files (.png, .jpg, .jpeg) in this folder");
        return out;
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /** All images of a folder as one tensor. */
    public static ImageBatch loadFolder(Path folder, ImageSpec spec) throws IOException {
        return load(listImages(folder), spec, ProgressListener.NONE);
    }

    /**
     * The given image files as one tensor, in the given order. Stops with an
     * InterruptedIOException when the thread is interrupted.
     */
    public static ImageBatch load(List<Path> files, ImageSpec spec, ProgressListener progress) throws IOException {
        int per = spec.valuesPerImage();
        if ((long) per * files.size() > Integer.MAX_VALUE - 8) {
            throw new IOException(files.size() + " images of " + per + " values do not fit in one tensor; load them in batches");
        }
        float[] data = new float[per * files.size()];
        List<String> names = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            if (Thread.currentThread().isInterrupted()) throw new InterruptedIOException("loading images was cancelled");
            Path f = files.get(i);
            float[] one = toTensor(read(f), spec);
            System.arraycopy(one, 0, data, i * per, per);
            names.add(f.getFileName().toString());
            progress.update((i + 1) / (double) files.size(), "image " + (i + 1) + " of " + files.size());
        }
        return new ImageBatch(names, data, spec.shape(files.size()), spec);
    }

    /** Reads one PNG or JPEG, with a message that names the file when it cannot. */
    public static BufferedImage read(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read image " + file.getFileName() + " (" + file + "): " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("cannot read image " + file.getFileName() + " (" + file + "): not a PNG or JPEG that "
                    + "Java can decode (damaged, empty, or another format under a .png/.jpg name)");
        }
        return img;
    }

    /** One image as the spec's values (channel planes, or interleaved for NHWC). */
    public static float[] toTensor(BufferedImage img, ImageSpec spec) {
        float[][] planes = planes(img, spec.channels(), spec.channelOrder());
        int w = spec.width();
        int h = spec.height();
        for (int c = 0; c < planes.length; c++) {
            if (img.getWidth() != w || img.getHeight() != h) {
                planes[c] = spec.resize() == ImageSpec.Resize.AREA
                        ? area(planes[c], img.getWidth(), img.getHeight(), w, h)
                        : bilinear(planes[c], img.getWidth(), img.getHeight(), w, h);
            }
        }
        float[] mean = spec.mean();
        float[] std = spec.std();
        float top = spec.scaleToUnit() ? 1f : 255f;
        int hw = w * h;
        float[] out = new float[hw * planes.length];
        for (int c = 0; c < planes.length; c++) {
            for (int p = 0; p < hw; p++) {
                float v = planes[c][p];
                if (spec.scaleToUnit()) v /= 255f;
                if (spec.invert()) v = top - v;
                v = (v - mean[c]) / std[c];
                if (spec.layout() == ImageSpec.Layout.NHWC) out[p * planes.length + c] = v;
                else out[c * hw + p] = v;
            }
        }
        return out;
    }

    /** The image as planes of 0..255 values in the requested channel count and order. */
    static float[][] planes(BufferedImage img, int channels, ImageSpec.ChannelOrder order) {
        int w = img.getWidth();
        int h = img.getHeight();
        boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(img.getColorModel() instanceof IndexColorModel);
        if (gray) {
            // read the stored gray level itself; getRGB would convert linear gray to sRGB
            Raster r = img.getRaster();
            int bits = img.getColorModel().getComponentSize(0);
            float scale = 255f / ((1 << bits) - 1);
            float[] g = new float[w * h];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) g[y * w + x] = r.getSample(x, y, 0) * scale;
            if (channels == 1) return new float[][] {g};
            return new float[][] {g, g.clone(), g.clone()};
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        if (channels == 1) {
            float[] g = new float[w * h];
            for (int i = 0; i < argb.length; i++) {
                int p = argb[i];
                g[i] = 0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF);
            }
            return new float[][] {g};
        }
        float[] r = new float[w * h];
        float[] gr = new float[w * h];
        float[] b = new float[w * h];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            r[i] = (p >> 16) & 0xFF;
            gr[i] = (p >> 8) & 0xFF;
            b[i] = p & 0xFF;
        }
        return order == ImageSpec.ChannelOrder.RGB ? new float[][] {r, gr, b} : new float[][] {b, gr, r};
    }

    /** Bilinear resize with pixel centres aligned (half-pixel offsets), edges clamped. */
    static float[] bilinear(float[] src, int sw, int sh, int dw, int dh) {
        float[] out = new float[dw * dh];
        double sx = (double) sw / dw;
        double sy = (double) sh / dh;
        for (int y = 0; y < dh; y++) {
            double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, sh - 1);
            double wy = fy - y0;
            for (int x = 0; x < dw; x++) {
                double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, sw - 1);
                double wx = fx - x0;
                double top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
                double bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
                out[y * dw + x] = (float) (top * (1 - wy) + bottom * wy);
            }
        }
        return out;
    }

    /** Area resize: each target pixel is the mean of the source area it covers (fractions weighted). */
    static float[] area(float[] src, int sw, int sh, int dw, int dh) {
        float[] out = new float[dw * dh];
        double sx = (double) sw / dw;
        double sy = (double) sh / dh;
        for (int y = 0; y < dh; y++) {
            double ya = y * sy;
            double yb = (y + 1) * sy;
            for (int x = 0; x < dw; x++) {
                double xa = x * sx;
                double xb = (x + 1) * sx;
                double sum = 0;
                double weight = 0;
                for (int yy = (int) Math.floor(ya); yy < Math.min(sh, (int) Math.ceil(yb)); yy++) {
                    double wy = Math.min(yb, yy + 1) - Math.max(ya, yy);
                    if (wy <= 0) continue;
                    for (int xx = (int) Math.floor(xa); xx < Math.min(sw, (int) Math.ceil(xb)); xx++) {
                        double wx = Math.min(xb, xx + 1) - Math.max(xa, xx);
                        if (wx <= 0) continue;
                        sum += src[yy * sw + xx] * wx * wy;
                        weight += wx * wy;
                    }
                }
                out[y * dw + x] = (float) (sum / weight);
            }
        }
        return out;
    }
}
