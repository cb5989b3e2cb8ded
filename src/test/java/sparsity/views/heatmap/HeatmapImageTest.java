package sparsity.views.heatmap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeatmapImageTest {

    private static final int N = 2048;

    private static float[] spike(int row, int col, float value) {
        float[] m = new float[N * N];
        m[row * N + col] = value;
        return m;
    }

    @Test
    void maxPoolingKeepsASingleSpikeVisibleAt2048PooledTo256() {
        MatrixSource m = MatrixSource.of(spike(1000, 1337, 0.9f), N, N);
        ValueRange r = ValueRange.of(m);
        assertEquals(0.9f, r.max(), 1e-6);
        int[] img = HeatmapImage.render(m, Viewport.full(N, N), 256, 256, ColorScale.linear(r), Colormap.VIRIDIS);
        int top = Colormap.VIRIDIS.argb(1);
        int bottom = Colormap.VIRIDIS.argb(0);
        int spikeX = 1337 / 8;
        int spikeY = 1000 / 8;
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                int expected = x == spikeX && y == spikeY ? top : bottom;
                if (img[y * 256 + x] != expected) {
                    throw new AssertionError("pixel " + x + "," + y + " is " + Integer.toHexString(img[y * 256 + x]));
                }
            }
        }
        // averaging the same 8x8 block would give 0.9 / 64: nearly the background colour
        int averaged = Colormap.VIRIDIS.argb(ColorScale.linear(r).t(0.9 / 64));
        assertNotEquals(top, averaged);
    }

    @Test
    void aSpikeSurvivesPoolingToASizeThatDoesNotDivideTheMatrix() {
        MatrixSource m = MatrixSource.of(spike(2047, 0, 1f), N, N);
        HeatmapImage.Pooled p = HeatmapImage.pool(m, Viewport.full(N, N), 900, 701, HeatmapImage.Pooling.MAX);
        assertEquals(1f, p.value(0, 700));
        float sum = 0;
        for (float v : p.values()) sum += v;
        assertTrue(sum >= 1f && sum <= 4f, "the spike lands in one pixel, or two where a pixel edge cuts its cell: " + sum);
    }

    @Test
    void signedDataKeepsTheLargestMagnitudeWithItsSign() {
        float[] d = new float[16 * 16];
        d[3 * 16 + 3] = -5f;
        d[3 * 16 + 2] = 2f;
        d[12 * 16 + 12] = 1f;
        MatrixSource m = MatrixSource.of(d, 16, 16);
        HeatmapImage.Pooled p = HeatmapImage.pool(m, Viewport.full(16, 16), 4, 4, HeatmapImage.Pooling.MAX_ABS);
        assertEquals(-5f, p.value(0, 0));
        assertEquals(1f, p.value(3, 3));
        assertEquals(0f, p.value(1, 2));
        ValueRange r = ValueRange.of(m);
        assertTrue(r.signed());
        ColorScale s = ColorScale.linear(r);
        assertEquals(0.0, s.t(-5), 1e-12);
        assertEquals(0.5, s.t(0), 1e-12);
        int[] img = HeatmapImage.colorize(p, s, Colormap.DIVERGING);
        assertEquals(Colormap.DIVERGING.argb(0), img[0]);
    }

    @Test
    void aZoomedViewportPoolsOnlyItsCellsAndUpsamples() {
        float[] d = new float[8 * 8];
        for (int i = 0; i < d.length; i++) d[i] = i;
        MatrixSource m = MatrixSource.of(d, 8, 8);
        // rows 2..3, cols 4..5 at 4x4 pixels: each cell becomes a 2x2 block
        HeatmapImage.Pooled p = HeatmapImage.pool(m, new Viewport(2, 4, 2, 2), 4, 4, HeatmapImage.Pooling.MAX);
        assertArrayEquals(new float[] {20, 20, 21, 21, 20, 20, 21, 21, 28, 28, 29, 29, 28, 28, 29, 29}, p.values());
        // half a cell off the edge: the pixel covers two cells in part and takes their max
        HeatmapImage.Pooled q = HeatmapImage.pool(m, new Viewport(0.5, 0.5, 2, 2), 1, 1, HeatmapImage.Pooling.MAX);
        assertEquals(2 * 8 + 2, q.value(0, 0));
    }

    @Test
    void pixelsOutsideTheMatrixHaveNoData() {
        MatrixSource m = MatrixSource.of(new float[] {1, 2, 3, 4}, 2, 2);
        HeatmapImage.Pooled p = HeatmapImage.pool(m, new Viewport(0, 0, 4, 4), 4, 4, HeatmapImage.Pooling.MAX);
        assertEquals(4f, p.value(1, 1));
        assertTrue(Float.isNaN(p.value(3, 3)));
        int[] img = HeatmapImage.colorize(p, ColorScale.linear(ValueRange.of(m)), Colormap.VIRIDIS);
        assertEquals(Colormap.NO_DATA, img[15]);
    }

    @Test
    void logScaleIsMonotonicClampedAtTheFloorAndInvertible() {
        ColorScale s = ColorScale.log(new ValueRange(0, 0.5, 0.5, 10, 0));
        double prev = -1;
        for (double v = 0; v <= 0.5; v += 1e-5) {
            double t = s.t(v);
            assertTrue(t >= prev, "t must not fall: " + v);
            if (v > 0.5 * 1e-4 * 1.01) assertTrue(t > prev, "t must rise above the floor: " + v);
            prev = t;
        }
        assertEquals(1.0, s.t(0.5), 1e-12);
        assertEquals(0.0, s.t(0), 1e-12);
        assertEquals(0.0, s.t(0.5e-5), 1e-12, "below the floor clamps");
        assertEquals(0.75, s.t(0.05), 1e-12, "one decade below max of four");
        for (double t : new double[] {0.1, 0.25, 0.5, 0.9, 1}) assertEquals(t, s.t(s.value(t)), 1e-9);
        int[] lut = new int[5];
        for (int i = 0; i < 5; i++) lut[i] = Colormap.VIRIDIS.argb(s.t(0.5 * Math.pow(10, -4 + i)));
        for (int i = 1; i < 5; i++) assertNotEquals(lut[i - 1], lut[i]);
        ColorScale signed = ColorScale.log(new ValueRange(-2, 1, 2, 3, 0));
        assertTrue(signed.t(-2) < signed.t(-0.02) && signed.t(-0.02) < signed.t(0) && signed.t(0) < signed.t(0.02));
    }

    @Test
    void viridisRunsFromDarkPurpleToYellowWithRisingLightness() {
        assertEquals(0xff440154, Colormap.VIRIDIS.argb(0));
        assertEquals(0xfffde725, Colormap.VIRIDIS.argb(1));
        double prev = -1;
        for (int i = 0; i < 256; i++) {
            int c = Colormap.VIRIDIS.argb(i / 255.0);
            double lum = 0.2126 * ((c >> 16) & 0xff) + 0.7152 * ((c >> 8) & 0xff) + 0.0722 * (c & 0xff);
            assertTrue(lum >= prev - 0.5, "lightness rises at " + i);
            prev = lum;
        }
        int mid = Colormap.DIVERGING.argb(0.5);
        assertTrue(((mid >> 16) & 0xff) > 0xe0 && ((mid >> 8) & 0xff) > 0xe0, "the diverging map is near white at zero");
    }

    @Test
    void matrixSourceReadsASliceWithoutCopying() {
        float[] data = new float[2 * 3 * 3];
        for (int i = 0; i < data.length; i++) data[i] = i;
        MatrixSource head1 = MatrixSource.of(data, 9, 3, 3);
        assertEquals(13f, head1.get(1, 1));
        float[] b = new float[4];
        head1.block(1, 1, 2, 2, b);
        assertArrayEquals(new float[] {13, 14, 16, 17}, b);
        assertThrows(IllegalArgumentException.class, () -> MatrixSource.of(data, 10, 3, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> head1.block(2, 2, 2, 2, b));
    }

    @Test
    void aPictureForReportsKeepsTheSpikeAndSquareCells() {
        MatrixSource m = MatrixSource.of(spike(0, N - 1, 1f), N, N);
        java.awt.image.BufferedImage img = HeatmapPicture.of("spike", m, "query", "key", true).render(1200, 700);
        assertEquals(1200, img.getWidth());
        // a square map of 700 - 36 - 40 = 624 pixels from x = 60, y = 36: the spike is its top-right pixel
        assertEquals(Colormap.VIRIDIS.argb(1), img.getRGB(60 + 623, 36));
        assertEquals(Colormap.VIRIDIS.argb(0), img.getRGB(60, 36 + 623));
    }
}
