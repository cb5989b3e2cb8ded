package sparsity.views.sae;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import sparsity.sae.features.LatentAtlas;
import sparsity.views.export.Exporter;

/**
 * Screenshots of the latent browser and the code raster on a real store and autoencoder, not a
 * test: {@code main(STORE, SAE_DIR, OUT_DIR [, WIDTH, HEIGHT])} opens a window, waits for the
 * scan, picks a mid-density latent with a high maximum, and writes latent-browser.png and
 * code-raster.png. Run it under Xvfb for a real window, e.g. on a MiniLM store made with
 * {@code ./workbench capture} and an autoencoder from {@code ./workbench sae train}.
 */
public final class LatentBrowserScreens {

    private LatentBrowserScreens() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        Path sae = Path.of(args[1]);
        Path out = Path.of(args[2]);
        int w = args.length > 3 ? Integer.parseInt(args[3]) : 1600;
        int h = args.length > 4 ? Integer.parseInt(args[4]) : 1000;
        Integer pick = args.length > 5 ? Integer.valueOf(args[5]) : null;
        Files.createDirectories(out);
        Platform.startup(() -> { });
        AtomicReference<SaeFeaturesView> view = new AtomicReference<>();
        long t0 = System.nanoTime();
        fx(() -> {
            try {
                SaeFeaturesView v = SaeFeaturesView.open(store, null, sae);
                view.set(v);
                Stage stage = new Stage();
                stage.setTitle("Latents");
                stage.setScene(new Scene(v, w, h));
                stage.show();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        LatentBrowserViewModel vm = view.get().browser().viewModel();
        await(() -> vm.atlas() != null || !vm.errorProperty().get().isEmpty(), 600);
        if (vm.atlas() == null) throw new IllegalStateException(vm.errorProperty().get());
        System.out.printf("scan: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, vm.overviewProperty().get());
        LatentAtlas a = vm.atlas();
        int best = pick != null ? pick : interesting(a);
        fx(() -> vm.select(best));
        await(() -> !vm.topExamples().isEmpty() && !vm.loadingExamplesProperty().get(), 60);
        Thread.sleep(1500);
        fx(() -> shot(view.get().getScene().getRoot(), out.resolve("latent-browser.png")));
        int ex = vm.topExamples().getFirst().example();
        fx(() -> view.get().showExample(ex));
        await(() -> view.get().raster().viewModel().codesProperty().get() != null
                && view.get().raster().viewModel().codesProperty().get().example() == ex
                && view.get().raster().heatmapView() != null
                && view.get().raster().heatmapView().frameProperty().get() != null, 60);
        Thread.sleep(1500);
        fx(() -> shot(view.get().getScene().getRoot(), out.resolve("code-raster.png")));
        System.out.println("latent " + best + ", example " + ex + "; wrote " + out);
        fx(() -> view.get().close());
        Platform.exit();
        System.exit(0);
    }

    /** A latent active on 0.2 % to 3 % of rows with the highest max. */
    static int interesting(LatentAtlas a) {
        int best = 0;
        float max = -1;
        for (LatentAtlas.LatentSummary s : a.summaries()) {
            if (s.density() >= 0.002 && s.density() <= 0.03 && s.max() > max) {
                max = s.max();
                best = s.latent();
            }
        }
        return best;
    }

    private static void shot(javafx.scene.Node node, Path file) {
        try {
            Exporter.writePng(node, file);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private static void fx(Runnable r) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<RuntimeException> err = new AtomicReference<>();
        Platform.runLater(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                err.set(e);
            } finally {
                done.countDown();
            }
        });
        done.await(60, TimeUnit.SECONDS);
        if (err.get() != null) throw err.get();
    }

    private static void await(BooleanSupplier cond, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            AtomicReference<Boolean> ok = new AtomicReference<>(false);
            fx(() -> ok.set(cond.getAsBoolean()));
            if (ok.get()) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out");
    }
}
