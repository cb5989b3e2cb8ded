package sparsity.analysis.input;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageInputsTest {

    @TempDir
    Path dir;

    private static BufferedImage gray(int w, int h, int[] values) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setPixels(0, 0, w, h, values);
        return img;
    }

    private Path png(String name, BufferedImage img) throws IOException {
        Path p = dir.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void mnistSpecGivesFlat784ValuesInUnitRange() throws IOException {
        int[] px = new int[28 * 28];
        px[0] = 255;      // white stroke pixel
        px[29] = 128;
        png("digit-7.png", gray(28, 28, px));
        ImageInputs.ImageBatch b = ImageInputs.loadFolder(dir, ImageSpec.mnist());
        assertArrayEquals(new long[] {1, 784}, b.shape());
        assertEquals(List.of("digit-7.png"), b.names());
        float[] v = b.image(0);
        assertEquals(1f, v[0]);
        assertEquals(128f / 255f, v[29], 1e-6);
        assertEquals(0f, v[1]);
        assertEquals("28x28 grayscale, flat [N, 784], scaled to [0, 1], mean 0 std 1, area resize", ImageSpec.mnist().describe());
    }

    @Test
    void areaResizeAveragesBlocksAndInvertHandlesBlackOnWhite() {
        // 4x2 -> 2x1: each output pixel is the mean of a 2x2 block
        BufferedImage img = gray(4, 2, new int[] {0, 255, 10, 20, 255, 0, 30, 40});
        ImageSpec spec = new ImageSpec(2, 1, 1, ImageSpec.ChannelOrder.RGB, ImageSpec.Layout.FLAT, false, false,
                null, null, ImageSpec.Resize.AREA);
        assertArrayEquals(new float[] {127.5f, 25f}, ImageInputs.toTensor(img, spec), 1e-4f);
        float[] inverted = ImageInputs.toTensor(img, spec.withInvert(true));
        assertArrayEquals(new float[] {127.5f, 230f}, inverted, 1e-4f);
        // a black digit on white, inverted to the MNIST convention
        float[] mnist = ImageInputs.toTensor(gray(28, 28, filled(28 * 28, 255)), ImageSpec.mnist().withInvert(true));
        assertEquals(0f, mnist[100]);
    }

    @Test
    void bilinearResizeUsesPixelCentres() {
        BufferedImage img = gray(2, 1, new int[] {0, 255});
        ImageSpec spec = new ImageSpec(4, 1, 1, ImageSpec.ChannelOrder.RGB, ImageSpec.Layout.FLAT, false, false,
                null, null, ImageSpec.Resize.BILINEAR);
        assertArrayEquals(new float[] {0f, 63.75f, 191.25f, 255f}, ImageInputs.toTensor(img, spec), 1e-3f);
    }

    @Test
    void colourLayoutsChannelOrderAndNormalization() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000); // red
        img.setRGB(1, 0, 0x0000FF); // blue
        ImageSpec rgb = new ImageSpec(2, 1, 3, ImageSpec.ChannelOrder.RGB, ImageSpec.Layout.NCHW, true, false,
                null, null, ImageSpec.Resize.BILINEAR);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, ImageInputs.toTensor(img, rgb));
        assertArrayEquals(new long[] {5, 3, 1, 2}, rgb.shape(5));
        ImageSpec bgr = new ImageSpec(2, 1, 3, ImageSpec.ChannelOrder.BGR, ImageSpec.Layout.NCHW, true, false,
                null, null, ImageSpec.Resize.BILINEAR);
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0}, ImageInputs.toTensor(img, bgr));
        ImageSpec nhwc = rgb.withLayout(ImageSpec.Layout.NHWC);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, ImageInputs.toTensor(img, nhwc));
        assertArrayEquals(new long[] {5, 1, 2, 3}, nhwc.shape(5));
        ImageSpec net = new ImageSpec(2, 1, 3, ImageSpec.ChannelOrder.RGB, ImageSpec.Layout.NCHW, true, false,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, ImageSpec.Resize.BILINEAR);
        float[] v = ImageInputs.toTensor(img, net);
        assertEquals((1 - 0.485f) / 0.229f, v[0], 1e-5);
        assertEquals((0 - 0.406f) / 0.225f, v[4], 1e-5);
        // grayscale from colour: ITU-R 601 luma
        ImageSpec g = new ImageSpec(2, 1, 1, ImageSpec.ChannelOrder.RGB, ImageSpec.Layout.FLAT, false, false,
                null, null, ImageSpec.Resize.AREA);
        assertArrayEquals(new float[] {0.299f * 255, 0.114f * 255}, ImageInputs.toTensor(img, g), 1e-3f);
    }

    @Test
    void sixteenBitGrayAndJpeg() throws IOException {
        BufferedImage g16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = g16.getRaster();
        r.setSample(0, 0, 0, 65535);
        png("a16.png", g16);
        BufferedImage jpg = gray(8, 8, filled(64, 100));
        ImageIO.write(jpg, "jpeg", dir.resolve("b.jpg").toFile());
        ImageSpec spec = new ImageSpec(1, 1, 1, ImageSpec.ChannelOrder.RGB, ImageSpec.Layout.FLAT, true, false,
                null, null, ImageSpec.Resize.AREA);
        ImageInputs.ImageBatch b = ImageInputs.loadFolder(dir, spec);
        assertEquals(List.of("a16.png", "b.jpg"), b.names());
        assertEquals(1f, b.data()[0], 1e-6);
        assertEquals(100f / 255f, b.data()[1], 3f / 255f);
    }

    @Test
    void foldersAreSortedByNameAndOtherFilesIgnored() throws IOException {
        png("b.png", gray(1, 1, new int[] {2}));
        png("a.PNG", gray(1, 1, new int[] {1}));
        ImageIO.write(gray(1, 1, new int[] {3}), "jpeg", dir.resolve("c.jpeg").toFile());
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        Files.createDirectory(dir.resolve("sub.png"));
        List<Path> files = ImageInputs.listImages(dir);
        assertEquals(List.of("a.PNG", "b.png", "c.jpeg"), files.stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void clearErrorsForUnreadableFilesAndEmptyFolders() throws IOException {
        png("a.png", gray(2, 2, new int[4]));
        Files.writeString(dir.resolve("broken.png"), "this is not a PNG");
        IOException e = assertThrows(IOException.class, () -> ImageInputs.loadFolder(dir, ImageSpec.mnist()));
        assertTrue(e.getMessage().startsWith("cannot read image broken.png"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        IOException none = assertThrows(IOException.class, () -> ImageInputs.listImages(empty));
        assertTrue(none.getMessage().contains("no PNG or JPEG files"), none.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ImageInputs.listImages(dir.resolve("missing")));
        assertThrows(IllegalArgumentException.class, () -> new ImageSpec(28, 28, 2, ImageSpec.ChannelOrder.RGB,
                ImageSpec.Layout.FLAT, true, false, null, null, ImageSpec.Resize.AREA));
        assertThrows(IllegalArgumentException.class, () -> new ImageSpec(28, 28, 3, ImageSpec.ChannelOrder.RGB,
                ImageSpec.Layout.FLAT, true, false, new float[] {0, 0}, null, ImageSpec.Resize.AREA));
    }

    @Test
    void loadingStopsWhenInterrupted() throws IOException {
        Path a = png("a.png", gray(1, 1, new int[] {1}));
        Thread.currentThread().interrupt();
        try {
            assertThrows(java.io.InterruptedIOException.class, () -> ImageInputs.load(List.of(a), ImageSpec.mnist(),
                    sparsity.analysis.ProgressListener.NONE));
        } finally {
            Thread.interrupted();
        }
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
