package sparsity.sae.features;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sparsity.analysis.input.ImageInputs;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.store.ActivationStore;

/**
 * Finds the image an example of a store was captured from, for thumbnails. A store records its
 * inputs only in words (its header's source line) and each example's name, so this follows what
 * capture writes: "images in FOLDER (spec)" with the file name as the example's name, or "rows
 * of FILE.npy [shape]" with "FILE.npy[i]" as the name (the .npy is looked for beside the model,
 * beside the store and in the working folder). When the input cannot be reached the answer says
 * why instead of showing something else.
 */
public final class ExampleImages {

    /** Largest side of a thumbnail, in pixels. */
    public static final int MAX_SIDE = 96;

    private static final Pattern FOLDER = Pattern.compile("^images in (.+) \\(\\d+x\\d+ .*\\)$");
    private static final Pattern NPY = Pattern.compile("^rows of (.+\\.npy)( \\[.*\\])?$");
    private static final Pattern NPY_NAME = Pattern.compile("^(.+\\.npy)\\[(\\d+)\\]$");

    /** A thumbnail, or why there is none. */
    public sealed interface Result permits Picture, Unavailable {
    }

    /**
     * An image as opaque ARGB pixels, row-major, at most {@value #MAX_SIDE} pixels a side.
     *
     * @param origin the file (and row) it came from
     */
    public record Picture(int width, int height, int[] argb, String origin) implements Result {
        public Picture {
            if (width < 1 || height < 1 || argb.length != width * height) throw new IllegalArgumentException("bad picture " + width + "x" + height);
        }
    }

    /** No thumbnail: the reason in words. */
    public record Unavailable(String reason) implements Result {
    }

    private ExampleImages() {
    }

    /** Whether the store's inputs were images (a folder) or image-shaped .npy rows. */
    public static boolean looksLikeImages(ActivationStore store) {
        String src = store.header().source();
        return FOLDER.matcher(src).matches() || NPY.matcher(src).matches();
    }

    /** The thumbnail of an example. */
    public static Result find(ActivationStore store, int example) {
        String src = store.header().source();
        String name = store.exampleName(example);
        if (name == null) return new Unavailable("the store recorded no name for example " + example);
        Matcher f = FOLDER.matcher(src);
        if (f.matches()) {
            Path file = Path.of(f.group(1)).resolve(name);
            if (!Files.isRegularFile(file)) {
                return new Unavailable("image " + name + " is no longer at " + file + " (the store keeps activations, not the images)");
            }
            try {
                return picture(ImageInputs.read(file), file.toString());
            } catch (IOException e) {
                return new Unavailable(e.getMessage());
            }
        }
        Matcher npy = NPY.matcher(src);
        Matcher row = NPY_NAME.matcher(name);
        if (npy.matches() && row.matches()) {
            String fileName = row.group(1);
            long index = Long.parseLong(row.group(2));
            List<Path> tried = new ArrayList<>();
            for (Path dir : candidates(store)) {
                Path p = dir.resolve(fileName);
                tried.add(p);
                if (Files.isRegularFile(p)) return npyRow(p, index);
            }
            return new Unavailable(fileName + " was not found (looked at " + tried + "); the store records only its name");
        }
        return new Unavailable("the store's inputs are not images (" + src + ")");
    }

    private static Set<Path> candidates(ActivationStore store) {
        Set<Path> dirs = new LinkedHashSet<>();
        Path model = store.header().modelFile();
        if (model.getParent() != null) dirs.add(model.toAbsolutePath().getParent());
        Path s = store.dir().toAbsolutePath();
        if (s.getParent() != null) dirs.add(s.getParent());
        dirs.add(s);
        dirs.add(Path.of("").toAbsolutePath());
        return dirs;
    }

    private static Result npyRow(Path file, long index) {
        try (NpyArray a = Npy.read(file)) {
            if (!a.dtype().isFloat() && a.rank() < 2) return new Unavailable(file + " does not hold image rows");
            if (index >= a.rows()) return new Unavailable(file + " has " + a.rows() + " rows, not row " + index);
            long[] shape = a.shape();
            float[] v = a.row(index);
            int w;
            int h;
            int channels;
            boolean channelsLast = false;
            if (shape.length == 2) {
                int side = (int) Math.round(Math.sqrt(v.length));
                if (side * side != v.length) return new Unavailable(file + " rows of " + v.length + " values are not square images");
                w = h = side;
                channels = 1;
            } else if (shape.length == 3) {
                h = (int) shape[1];
                w = (int) shape[2];
                channels = 1;
            } else if (shape.length == 4 && (shape[1] == 1 || shape[1] == 3)) {
                channels = (int) shape[1];
                h = (int) shape[2];
                w = (int) shape[3];
            } else if (shape.length == 4 && (shape[3] == 1 || shape[3] == 3)) {
                channels = (int) shape[3];
                h = (int) shape[1];
                w = (int) shape[2];
                channelsLast = true;
            } else {
                return new Unavailable(file + " has shape " + Npy.shapeText(shape) + ", not images");
            }
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (float x : v) {
                if (Float.isFinite(x)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
            float span = hi > lo ? hi - lo : 1;
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] c = new int[3];
                    for (int ch = 0; ch < 3; ch++) {
                        int k = Math.min(ch, channels - 1);
                        int at = channelsLast ? (y * w + x) * channels + k : (k * h + y) * w + x;
                        float t = Float.isFinite(v[at]) ? (v[at] - lo) / span : 0;
                        c[ch] = Math.round(255 * Math.max(0, Math.min(1, t)));
                    }
                    img.setRGB(x, y, c[0] << 16 | c[1] << 8 | c[2]);
                }
            }
            return picture(img, file + "[" + index + "]");
        } catch (IOException | RuntimeException e) {
            return new Unavailable("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Picture picture(BufferedImage img, String origin) {
        int w = img.getWidth();
        int h = img.getHeight();
        double scale = Math.min(1, (double) MAX_SIDE / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * scale));
        int th = Math.max(1, (int) Math.round(h * scale));
        BufferedImage out = new BufferedImage(tw, th, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, tw, th, null);
        g.dispose();
        int[] argb = out.getRGB(0, 0, tw, th, null, 0, tw);
        for (int i = 0; i < argb.length; i++) argb[i] |= 0xff000000;
        return new Picture(tw, th, argb, origin);
    }
}
