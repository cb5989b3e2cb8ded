package sparsity.sae.features;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoreHeader;
import sparsity.analysis.store.StoreWriter;
import sparsity.analysis.store.TensorLayout;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.model.SaeParams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A store and a SAELens folder opened together: the scan through the store, an example's codes and raster, thumbnails. */
class LatentExplorerTest {

    @TempDir
    Path tmp;

    @Test
    void scansTheStoreAndEncodesOneExample() throws Exception {
        Path store = TinySae.store(tmp);
        Path sae;
        try (Backend be = Backends.reference()) {
            sae = TinySae.saeFolder(tmp, be);
        }
        try (LatentExplorer x = LatentExplorer.open(store, null, sae)) {
            assertEquals("hidden", x.tensorName(), "the hook_name of cfg.json");
            assertTrue(x.perToken());
            assertEquals(3, x.examples());
            assertEquals(4, x.latents());
            assertEquals(2, x.codeWidth());
            assertTrue(x.describe().contains("topk, 3 \u2192 4 latents, 2 code slots, on hidden (5 token rows of 3 examples)"), x.describe());
            LatentAtlas a = x.scan(FeatureScan.Settings.defaults(), ProgressListener.NONE);
            assertEquals(0.6, a.density(0), 1e-12);
            assertEquals(List.of(new LatentAtlas.Activation(2, 4, 4f), new LatentAtlas.Activation(0, 0, 3f)), a.top(0));

            ExampleCodes c = x.codes(0);
            assertEquals(List.of("the", "cat"), c.tokens());
            assertEquals("the cat", c.name());
            assertArrayEquals(new float[] {3, 1}, c.valuesOf(0));
            assertArrayEquals(new float[] {1, 0}, c.valuesOf(1));
            assertArrayEquals(new float[] {0, 2}, c.valuesOf(2));
            // raster: token "the" has L0 3, L1 1; token "cat" has L2 2, L0 1
            ExampleCodes.Raster first = c.raster(ExampleCodes.Order.FIRST_TOKEN);
            assertArrayEquals(new int[] {0, 1, 2}, first.latents(), "L0 and L1 start on 'the' (L0 larger), L2 on 'cat'");
            assertArrayEquals(new float[] {3, 1, 0, 1, 0, 2}, first.values());
            assertArrayEquals(new int[] {0, 2, 1}, c.raster(ExampleCodes.Order.TOTAL).latents(), "sums 4, 2, 1");
            assertArrayEquals(new int[] {0, 1, 2}, c.raster(ExampleCodes.Order.INDEX).latents());

            ExampleCodes one = x.codes(1);
            assertEquals(List.of("sat"), one.tokens());
            assertEquals(2, one.firstRow());
            assertEquals(1, one.raster(ExampleCodes.Order.INDEX).latents().length, "the zero slot is not a column");
            assertInstanceOf(ExampleImages.Unavailable.class, x.image(0));
            assertFalse(x.hasImages());
            x.close();
            assertThrows(java.util.concurrent.CancellationException.class, () -> x.codes(2), "closed");
            assertThrows(java.util.concurrent.CancellationException.class,
                    () -> x.scan(FeatureScan.Settings.defaults(), ProgressListener.NONE));
        }
    }

    /**
     * A ReLU + L1 autoencoder with the same weights: no row of TinySae has more than two positive
     * pre-activations, so its codes (all 4 latents wide, zeros inactive) give the same atlas.
     */
    @Test
    void anotherArchitectureThroughTheSameSeam() throws Exception {
        Path store = TinySae.store(tmp);
        Path topk;
        Path relu = tmp.resolve("relu");
        try (Backend be = Backends.reference()) {
            topk = TinySae.saeFolder(tmp, be);
            try (var r = new sparsity.sae.model.ReluL1Autoencoder(be, TinySae.D, TinySae.N,
                    sparsity.sae.model.ReluL1Autoencoder.Config.from(sparsity.sae.model.SaeSpec.defaults("relu", TinySae.D, 1)), 0)) {
                TinySae.setWeights(r.params());
                SaeLensFormat.write(relu, r, 1, "hidden", "model.onnx", null, null);
            }
        }
        try (LatentExplorer a = LatentExplorer.open(store, null, topk); LatentExplorer b = LatentExplorer.open(store, null, relu)) {
            assertEquals("relu", b.architecture());
            assertEquals(4, b.codeWidth(), "ReLU codes are as wide as the latents");
            LatentAtlas x = a.scan(FeatureScan.Settings.defaults(), ProgressListener.NONE);
            LatentAtlas y = b.scan(FeatureScan.Settings.defaults(), ProgressListener.NONE);
            for (int l = 0; l < TinySae.N; l++) {
                assertEquals(x.summary(l), y.summary(l));
                assertEquals(x.top(l), y.top(l));
                assertEquals(x.bands(l), y.bands(l));
                assertEquals(x.neighbours(l), y.neighbours(l));
            }
            assertArrayEquals(a.codes(0).valuesOf(0), b.codes(0).valuesOf(0));
            assertArrayEquals(new int[] {0, 1, 2}, b.codes(0).raster(ExampleCodes.Order.INDEX).latents());
        }
    }

    @Test
    void refusesAMismatchWithAMessage() throws Exception {
        Path store = TinySae.store(tmp);
        Path sae = tmp.resolve("wide");
        try (SaeParams p = new SaeParams(5, 4)) {
            SaeLensFormat.writeTopK(sae, p, 2, 1, "hidden", "model.onnx", null, null);
        }
        var e = assertThrows(java.io.IOException.class, () -> LatentExplorer.open(store, null, sae));
        assertTrue(e.getMessage().contains("takes rows of 5 values; hidden") && e.getMessage().contains("has 3"), e.getMessage());
        var missing = assertThrows(java.io.IOException.class, () -> LatentExplorer.open(store, "nope", sae));
        assertTrue(missing.getMessage().contains("no tensor 'nope'"), missing.getMessage());
    }

    /** A per-example store of 2x2 "images" from an .npy beside the model: thumbnails come from the .npy rows. */
    @Test
    void thumbnailsOfNpyRowsAndOfAnImageFolder() throws Exception {
        Path data = tmp.resolve("models");
        Files.createDirectories(data);
        Npy.write(data.resolve("digits.npy"), new float[] {0, 1, 1, 0, 0.5f, 0.5f, 0.5f, 0.5f}, 2, 4);
        Path store = tmp.resolve("img-store");
        try (StoreWriter w = StoreWriter.create(store, StoreHeader.of(data.resolve("m.onnx"), "", DType.FLOAT32,
                "rows of digits.npy [2, 4]"), List.of(TensorLayout.rows("h", TensorLayout.Unit.EXAMPLE, 3)), 0)) {
            for (int e = 0; e < 3; e++) {
                w.addExample("digits.npy[" + e + "]");
                w.writeRows(0, new float[] {e, 0, 0}, 0, 1);
            }
            w.complete();
        }
        Path sae;
        try (Backend be = Backends.reference()) {
            sae = TinySae.saeFolder(tmp, be);
        }
        try (LatentExplorer x = LatentExplorer.open(store, null, sae)) {
            assertFalse(x.perToken());
            assertTrue(x.hasImages());
            var pic = assertInstanceOf(ExampleImages.Picture.class, x.image(0));
            assertEquals(2, pic.width());
            assertEquals(List.of(0xff000000, 0xffffffff, 0xffffffff, 0xff000000),
                    java.util.Arrays.stream(pic.argb()).boxed().toList());
            var flat = assertInstanceOf(ExampleImages.Picture.class, x.image(1));
            assertEquals(0xff000000, flat.argb()[0], "a constant image is drawn black, not divided by zero");
            var gone = assertInstanceOf(ExampleImages.Unavailable.class, x.image(2));
            assertTrue(gone.reason().contains("has 2 rows, not row 2"), gone.reason());
            assertEquals(List.of("digits.npy[0]"), x.codes(0).tokens());
            assertArrayEquals(new float[] {0}, x.codes(0).valuesOf(0));
            assertArrayEquals(new float[] {2}, x.codes(2).valuesOf(0));
        }

        Path folder = tmp.resolve("pngs");
        Files.createDirectories(folder);
        BufferedImage img = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        ImageIO.write(img, "png", folder.resolve("a.png").toFile());
        Path store2 = tmp.resolve("folder-store");
        try (StoreWriter w = StoreWriter.create(store2, StoreHeader.of(data.resolve("m.onnx"), "", DType.FLOAT32,
                "images in " + folder + " (28x28 grayscale, nchw [N, 1, 28, 28])"), List.of(TensorLayout.rows("h", TensorLayout.Unit.EXAMPLE, 3)), 0)) {
            for (String n : new String[] {"a.png", "b.png"}) {
                w.addExample(n);
                w.writeRows(0, new float[] {1, 0, 0}, 0, 1);
            }
            w.complete();
        }
        try (var s = sparsity.analysis.store.ActivationStore.open(store2)) {
            var pic = assertInstanceOf(ExampleImages.Picture.class, ExampleImages.find(s, 0));
            assertEquals(ExampleImages.MAX_SIDE, pic.width(), "scaled down to the thumbnail size");
            assertEquals(ExampleImages.MAX_SIDE / 2, pic.height());
            var gone = assertInstanceOf(ExampleImages.Unavailable.class, ExampleImages.find(s, 1));
            assertTrue(gone.reason().contains("b.png is no longer at"), gone.reason());
        }
    }

    @Test
    void aStoreOfTextSaysItHasNoImages() throws Exception {
        Path store = TinySae.store(tmp);
        try (var s = sparsity.analysis.store.ActivationStore.open(store)) {
            var r = assertInstanceOf(ExampleImages.Unavailable.class, ExampleImages.find(s, 0));
            assertTrue(r.reason().contains("not images (unit test)"), r.reason());
        }
    }
}
