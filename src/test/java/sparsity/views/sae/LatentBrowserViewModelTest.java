package sparsity.views.sae;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoreHeader;
import sparsity.analysis.store.StoreWriter;
import sparsity.analysis.store.TensorLayout;
import sparsity.kernels.Backends;
import sparsity.sae.features.ExampleCodes;
import sparsity.sae.features.FeatureScan;
import sparsity.sae.features.LatentExplorer;
import sparsity.sae.features.TinySae;
import sparsity.views.export.Exporter;
import sparsity.views.sae.LatentBrowserViewModel.ExampleLine;
import sparsity.views.sae.LatentBrowserViewModel.TokenValue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The latent browser's and code raster's view-models without a window, on the hand-made
 * autoencoder and store of {@link TinySae} (whose codes are worked out there by hand).
 */
class LatentBrowserViewModelTest {

    @TempDir
    Path tmp;
    private LatentExplorer explorer;
    private ExecutorService executor;
    private final AtomicReference<String> thread = new AtomicReference<>();

    @BeforeAll
    static void startFx() {
        try {
            Platform.startup(() -> { });
        } catch (IllegalStateException alreadyRunning) {
            // another test class of this JVM started it
        }
    }

    @BeforeEach
    void open() throws Exception {
        Path sae;
        try (var be = Backends.reference()) {
            sae = TinySae.saeFolder(tmp, be);
        }
        explorer = LatentExplorer.open(TinySae.store(tmp), null, sae);
        executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "vm-test-worker"));
    }

    @AfterEach
    void close() {
        executor.shutdownNow();
        explorer.close();
    }

    static <T> T onFx(Supplier<T> s) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<RuntimeException> err = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                out.set(s.get());
            } catch (RuntimeException e) {
                err.set(e);
            } finally {
                done.countDown();
            }
        });
        assertTrue(done.await(20, TimeUnit.SECONDS));
        if (err.get() != null) throw err.get();
        return out.get();
    }

    static void await(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!onFx(cond::getAsBoolean)) {
            assertTrue(System.nanoTime() < end, "timed out");
            Thread.sleep(20);
        }
    }

    private LatentBrowserViewModel scanned() throws InterruptedException {
        ExampleSource src = ExampleSource.of(explorer);
        LatentBrowserViewModel vm = onFx(() -> new LatentBrowserViewModel("tiny on hidden", src, executor));
        FeatureScan.Settings s = new FeatureScan.Settings(5, 4, 2, 5, 2, 2, 0, 1 << 20);
        onFx(() -> vm.scan(p -> {
            thread.set(Thread.currentThread().getName());
            return explorer.scan(s, p);
        }));
        await(() -> vm.atlas() != null && !vm.runningProperty().get());
        await(() -> !vm.loadingExamplesProperty().get() && !vm.topExamples().isEmpty());
        return vm;
    }

    private static List<Float> values(ExampleLine l) {
        return l.tokens().stream().map(TokenValue::value).toList();
    }

    @Test
    void scanFillsTheTableAndSelectsTheFirstLiveLatentWithItsExamples() throws Exception {
        LatentBrowserViewModel vm = scanned();
        assertEquals("vm-test-worker", thread.get(), "the scan runs off the FX thread");
        assertEquals(4, onFx(() -> vm.latents().size()));
        var row0 = onFx(() -> vm.latents().getFirst());
        assertEquals(0.6, row0.density(), 1e-12);
        assertEquals(4f, row0.max());
        assertEquals(8.0 / 3, row0.meanActive(), 1e-6);
        assertEquals("4 latents \u00b7 5 tokens of 3 examples \u00b7 L0 1.6 \u00b7 0 dead \u00b7 4 dense (> 10 % of rows)",
                onFx(() -> vm.overviewProperty().get()), "every latent fires on at least 20 % of the 5 rows");
        assertEquals(0, onFx(vm::selectedLatent));
        assertEquals("Latent 0 \u00b7 active on 3 of 5 rows (60 %) \u00b7 max 4 \u00b7 mean 2.667 when active",
                onFx(() -> vm.headlineProperty().get()));

        // top examples of L0: example 2 ("on mat", 4 on "mat") then example 0 ("the cat", 3 on "the")
        List<ExampleLine> top = onFx(() -> List.copyOf(vm.topExamples()));
        assertEquals(2, top.size());
        assertEquals(2, top.get(0).example());
        assertEquals("on mat", top.get(0).text());
        assertEquals(List.of(0f, 4f), values(top.get(0)));
        assertEquals(1, top.get(0).focus());
        assertEquals("mat", top.get(0).focusToken());
        assertEquals(List.of(3f, 1f), values(top.get(1)));
        assertEquals(0, top.get(1).focus());

        // bands, highest first: [2, 4] holds 3 and 4, [0, 2) holds the 1 on "cat"
        var bands = onFx(() -> List.copyOf(vm.bands()));
        assertEquals(2, bands.size());
        assertEquals("0.50\u20131.00 \u00d7 max (2\u20134): 2 activations, 66.67 %", bands.get(0).title());
        assertEquals(List.of(2, 0), bands.get(0).examples().stream().map(ExampleLine::example).toList());
        assertEquals("0.00\u20130.50 \u00d7 max (0\u20132): 1 activation, 33.33 %", bands.get(1).title());
        assertEquals("cat", bands.get(1).examples().getFirst().focusToken());

        // neighbours of L0 (two kept): L1 and L2 at cosine 0
        var nb = onFx(() -> List.copyOf(vm.neighbours()));
        assertEquals(List.of(1, 2), nb.stream().map(LatentBrowserViewModel.NeighbourRow::latent).toList());
        assertNull(onFx(() -> vm.errorProperty().get().isEmpty() ? null : vm.errorProperty().get()));
    }

    @Test
    void selectingANeighbourShowsItsExamplesAndTablesExport() throws Exception {
        LatentBrowserViewModel vm = scanned();
        onFx(() -> {
            vm.select(3);
            return null;
        });
        await(() -> !vm.loadingExamplesProperty().get() && !vm.topExamples().isEmpty());
        assertEquals("Latent 3 \u00b7 active on 1 of 5 rows (20 %) \u00b7 max 2 \u00b7 mean 2 when active",
                onFx(() -> vm.headlineProperty().get()));
        List<ExampleLine> top = onFx(() -> List.copyOf(vm.topExamples()));
        assertEquals(1, top.size());
        assertEquals("on", top.getFirst().focusToken(), "L3 fires on row 3, the first token of example 2");
        assertEquals(List.of(1, 2), onFx(() -> vm.neighbours().stream().map(LatentBrowserViewModel.NeighbourRow::latent).toList()));
        assertEquals(0.8f, onFx(() -> vm.neighbours().getFirst().cosine()), 1e-6);

        String latents = Exporter.toCsv(onFx(vm::latentsTable));
        assertTrue(latents.startsWith("latent,active rows,density,log10 density,max activation,mean activation when active\r\n"
                + "0,3,0.6,-0.2218487,4,2.666667\r\n"), latents);
        assertEquals("rank,example,row,token,activation,text\r\n1,2,3,on,2,on mat\r\n", Exporter.toCsv(onFx(vm::topExamplesTable)));
        assertTrue(Exporter.toCsv(onFx(vm::neighboursTable)).startsWith("latent,decoder cosine,density,max activation\r\n1,0.8,0.4,5\r\n"));
        assertTrue(Exporter.toCsv(onFx(vm::bandsTable)).contains("\r\n1,1,2,1,1,2,3,on,2,on mat\r\n"));
        assertEquals(6, onFx(() -> vm.reportItems(java.util.Map.of())).size());
        assertEquals("Latent 3: 1 nonzero activation", onFx(() -> vm.histogramChart().getTitle().getText()));
        assertEquals("log10 density of 4 latents", onFx(() -> vm.densityChart().getTitle().getText()));
    }

    @Test
    void aNanRowFailsTheScanWithItsRow() throws Exception {
        Path store = tmp.resolve("nan-store");
        try (StoreWriter w = StoreWriter.create(store, StoreHeader.of(Path.of("m.onnx"), "", DType.FLOAT32, "test"),
                List.of(TensorLayout.rows("hidden", TensorLayout.Unit.TOKEN, TinySae.D)), 0)) {
            w.addExample("a b");
            w.addToken(0, 1, "a");
            w.addToken(1, 2, "b");
            w.writeRows(0, new float[] {1, 0, 0, Float.NaN, 0, 0}, 0, 2);
            w.complete();
        }
        try (LatentExplorer x = LatentExplorer.of(sparsity.analysis.store.ActivationStore.open(store), null,
                sparsity.sae.format.SaeLensFormat.read(tmp.resolve("sae")), "tiny")) {
            LatentBrowserViewModel vm = onFx(() -> new LatentBrowserViewModel("nan", ExampleSource.of(x), executor));
            onFx(() -> vm.scan(p -> x.scan(FeatureScan.Settings.defaults(), p)));
            await(() -> !vm.runningProperty().get());
            String err = onFx(() -> vm.errorProperty().get());
            assertTrue(err.contains("row 1 of hidden (example 0 'a b', token 1 'b') holds NaN at dimension 0"), err);
            assertNull(onFx(vm::atlas));
            assertEquals("The scan failed", onFx(() -> vm.statusProperty().get()));
        }
    }

    @Test
    void theRasterOfAnExampleAndItsOrders() throws Exception {
        ExampleSource src = ExampleSource.of(explorer);
        CodeRasterViewModel vm = onFx(() -> new CodeRasterViewModel("tiny", src, executor));
        onFx(() -> {
            vm.show(0);
            return null;
        });
        await(() -> vm.rasterProperty().get() != null);
        ExampleCodes.Raster r = onFx(() -> vm.rasterProperty().get());
        assertArrayEquals(new int[] {0, 1, 2}, r.latents());
        assertArrayEquals(new float[] {3, 1, 0, 1, 0, 2}, r.values());
        assertEquals("2 tokens \u00d7 3 active latents \u00b7 2.0 active per token (2 code slots) \u00b7 raster 66.7 % filled",
                onFx(() -> vm.summaryProperty().get()));
        var h = onFx(() -> vm.heatmapProperty().get());
        assertEquals("the", h.rowLabel(0));
        assertEquals("L2", h.colLabel(2));
        assertEquals(2, onFx(() -> vm.latentOfColumn(2)));
        onFx(() -> {
            vm.orderProperty().set(ExampleCodes.Order.TOTAL);
            return null;
        });
        assertArrayEquals(new int[] {0, 2, 1}, onFx(() -> vm.rasterProperty().get().latents()));
        assertEquals("row,token or example,latent 0,latent 2,latent 1\r\n0,the,3,0,1\r\n1,cat,1,2,0\r\n",
                Exporter.toCsv(onFx(vm::rasterTable)));
        onFx(() -> {
            vm.show(1);
            return null;
        });
        await(() -> vm.codesProperty().get() != null && vm.codesProperty().get().example() == 1);
        assertEquals(1, onFx(() -> vm.rasterProperty().get().latents().length));
        assertFalse(onFx(() -> vm.loadingProperty().get()));
        assertTrue(Files.exists(tmp.resolve("sae")));
    }

    @Test
    void tokenPiecesReadAsText() {
        assertEquals("the cat's (big) mat, backporting.", TokenPieces.text(List.of("the", "cat", "'", "s", "(", "big", ")",
                "mat", ",", "back", "##port", "##ing", ".")));
        assertEquals("Hello world", TokenPieces.text(List.of("Hello", "\u0120world")));
        assertEquals(List.of("[CLS]", " a", " b"), TokenPieces.pieces(List.of("[CLS]", "a", "b")));
    }
}
