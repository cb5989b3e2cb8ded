package sparsity.views.heatmap;

/**
 * A colour map as a 256-entry table of opaque ARGB colours, looked up by t in [0, 1].
 * {@link #VIRIDIS} (perceptually uniform, dark purple to yellow) for non-negative data such as
 * attention weights and magnitudes; {@link #DIVERGING} (blue, white at the middle, red) for
 * signed data centred on zero.
 */
public final class Colormap {

    /** Matplotlib's viridis, from its 11 published stops (0, 0.1, ..., 1). */
    public static final Colormap VIRIDIS = new Colormap("viridis", new int[] {
        0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c, 0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725});
    /** ColorBrewer RdBu, reversed: negative blue, zero near white, positive red. */
    public static final Colormap DIVERGING = new Colormap("blue-white-red", new int[] {
        0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f});
    /** Colour of a pixel with no finite value under it. */
    public static final int NO_DATA = 0xffd0d0d0;

    private final String name;
    private final int[] lut = new int[256];

    private Colormap(String name, int[] stops) {
        this.name = name;
        for (int i = 0; i < 256; i++) {
            double pos = i / 255.0 * (stops.length - 1);
            int k = Math.min(stops.length - 2, (int) pos);
            double f = pos - k;
            lut[i] = 0xff000000 | mix(stops[k], stops[k + 1], f);
        }
    }

    public String name() {
        return name;
    }

    /** The colour at t (clamped to [0, 1]; NaN gives {@link #NO_DATA}). */
    public int argb(double t) {
        if (Double.isNaN(t)) return NO_DATA;
        return lut[index(t)];
    }

    /** Table index of t: 0 ... 255. */
    static int index(double t) {
        if (!(t > 0)) return 0;
        if (t >= 1) return 255;
        return (int) (t * 255 + 0.5);
    }

    int lut(int i) {
        return lut[i];
    }

    private static int mix(int a, int b, double f) {
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
        int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
        return (r << 16) | (g << 8) | bl;
    }

    @Override
    public String toString() {
        return name;
    }
}
