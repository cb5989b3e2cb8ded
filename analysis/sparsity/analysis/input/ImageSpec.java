package sparsity.analysis.input;

import java.util.Arrays;

/**
 * How images become a model's input tensor.
 *
 * @param width        target width in pixels
 * @param height       target height in pixels
 * @param channels     1 (grayscale, ITU-R 601 luma of a colour image) or 3 (colour)
 * @param channelOrder RGB or BGR (colour only)
 * @param layout       NCHW, NHWC, or FLAT ([N, channels * height * width], C-H-W order)
 * @param scaleToUnit  divide 0..255 values by 255 first
 * @param invert       use 1 - v (or 255 - v) before normalizing: for black-on-white drawings given
 *                     to a model trained on white-on-black digits
 * @param mean         per channel (or one for all), subtracted after scaling
 * @param std          per channel (or one for all), divided by after subtracting the mean
 * @param resize       how images of another size are brought to width x height
 */
public record ImageSpec(int width, int height, int channels, ChannelOrder channelOrder, Layout layout,
                        boolean scaleToUnit, boolean invert, float[] mean, float[] std, Resize resize) {

    public enum ChannelOrder { RGB, BGR }

    public enum Layout { NCHW, NHWC, FLAT }

    public enum Resize {
        /** Bilinear interpolation with pixel centres aligned (OpenCV INTER_LINEAR, PyTorch align_corners=False). */
        BILINEAR,
        /** Each target pixel averages the source area it covers (OpenCV INTER_AREA); good for shrinking. */
        AREA
    }

    public ImageSpec {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
        mean = broadcast(mean, channels, "mean");
        std = broadcast(std, channels, "std");
        for (float s : std) if (!(s > 0)) throw new IllegalArgumentException("std must be > 0, is " + Arrays.toString(std));
        if (channelOrder == null || layout == null || resize == null) throw new IllegalArgumentException("null field in ImageSpec");
    }

    private static float[] broadcast(float[] v, int channels, String what) {
        if (v == null || v.length == 0) {
            float[] d = new float[channels];
            if (what.equals("std")) Arrays.fill(d, 1f);
            return d;
        }
        if (v.length == channels) return v.clone();
        if (v.length == 1) {
            float[] d = new float[channels];
            Arrays.fill(d, v[0]);
            return d;
        }
        throw new IllegalArgumentException(what + " has " + v.length + " values for " + channels + " channels");
    }

    /** The MNIST sample: 28x28 grayscale, flat 784 values in [0, 1], white digit on black. */
    public static ImageSpec mnist() {
        return new ImageSpec(28, 28, 1, ChannelOrder.RGB, Layout.FLAT, true, false, new float[] {0}, new float[] {1}, Resize.AREA);
    }

    /** torchvision's ImageNet preprocessing at {@code size} x {@code size}: RGB, NCHW, ImageNet mean and std. */
    public static ImageSpec imagenet(int size) {
        return new ImageSpec(size, size, 3, ChannelOrder.RGB, Layout.NCHW, true, false,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, Resize.BILINEAR);
    }

    /** A copy with another layout. */
    public ImageSpec withLayout(Layout l) {
        return new ImageSpec(width, height, channels, channelOrder, l, scaleToUnit, invert, mean, std, resize);
    }

    /** A copy that inverts (or not). */
    public ImageSpec withInvert(boolean inv) {
        return new ImageSpec(width, height, channels, channelOrder, layout, scaleToUnit, inv, mean, std, resize);
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Values per image. */
    public int valuesPerImage() {
        return width * height * channels;
    }

    /** The tensor shape of {@code n} images. */
    public long[] shape(long n) {
        return switch (layout) {
            case NCHW -> new long[] {n, channels, height, width};
            case NHWC -> new long[] {n, height, width, channels};
            case FLAT -> new long[] {n, (long) channels * height * width};
        };
    }

    /** E.g. "28x28 grayscale, flat [N, 784], scaled to [0, 1], mean 0 std 1, area resize". */
    public String describe() {
        String dims = Npy.shapeText(shape(0)).replaceFirst("\\[0", "[N");
        return width + "x" + height + " " + (channels == 1 ? "grayscale" : channelOrder.name()) + ", "
                + layout.name().toLowerCase(java.util.Locale.ROOT) + " " + dims
                + (scaleToUnit ? ", scaled to [0, 1]" : ", values 0-255") + (invert ? ", inverted" : "")
                + ", mean " + join(mean) + " std " + join(std) + ", " + resize.name().toLowerCase(java.util.Locale.ROOT) + " resize";
    }

    private static String join(float[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append('/');
            sb.append(v[i] == (long) v[i] ? String.valueOf((long) v[i]) : String.valueOf(v[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageSpec s && width == s.width && height == s.height && channels == s.channels
                && channelOrder == s.channelOrder && layout == s.layout && scaleToUnit == s.scaleToUnit && invert == s.invert
                && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std) && resize == s.resize;
    }

    @Override
    public int hashCode() {
        return describe().hashCode();
    }

    @Override
    public String toString() {
        return "ImageSpec[" + describe() + "]";
    }
}
