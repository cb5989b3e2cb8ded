package sparsity.app.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.util.Duration;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;

/**
 * Not a test: drives the real window through autoencoder training for a human to look at,
 * writing PNGs of the window as it goes (run under Xvfb with a real glass platform):
 * {@code java -cp target/workbench.jar:target/test-classes sparsity.app.ui.UiTour STORE OUTDIR [TOKENS] [K,K...]}.
 */
public final class UiTour {

    static Path store;
    static Path out;
    static String tokens = "1000000";
    static String ks = "32";
    static List<String> archs = List.of("topk");

    public static void main(String[] args) {
        store = Path.of(args[0]).toAbsolutePath();
        out = Path.of(args[1]).toAbsolutePath();
        if (args.length > 2) tokens = args[2];
        if (args.length > 3) ks = args[3];
        if (args.length > 4) archs = List.of(args[4].split(","));
        Application.launch(App.class, args);
    }

    /** The JavaFX application of the tour. */
    public static final class App extends Application {
        @Override
        public void start(Stage stage) throws Exception {
            tour(stage);
        }
    }

    static void tour(Stage stage) throws Exception {
        Files.createDirectories(out);
        Path cfg = Files.createTempDirectory("tour-cfg");
        MainWindow w = new MainWindow(stage, cfg);
        stage.setWidth(1600);
        stage.setHeight(1000);
        stage.show();
        Artifact a = new Artifact("store-tour", Artifact.STORE, store.getFileName().toString(), null,
                new Provenance(store.toString(), null, Map.of("folder", store.toString()), Instant.now().toString(), "tour"));
        w.captures().restore(out, List.of(a));
        after(3, () -> {
            w.captures().open("store-tour");
            after(3, () -> queue(w, 0));
        });
    }

    /** Opens the dialog for each architecture in turn and queues its runs (k sweep). */
    private static void queue(MainWindow w, int i) throws Exception {
        var r = w.captures().store("store-tour").orElseThrow();
        w.autoencoders().openDialog(r);
        after(3, () -> {
            Stage d = w.autoencoders().dialogStage().orElseThrow();
            var view = (sparsity.views.sae.TrainDialogView) d.getScene().getRoot();
            var vm = viewModel(view);
            vm.architecture().set(archs.get(i));
            vm.tokens().set(tokens);
            vm.k().set(ks);
            vm.batch().set("4096");
            vm.lr().set("4e-4");
            vm.l1().set("1");
            vm.out().set(out.resolve("autoencoders").toString());
            if (i == 0) shot(d.getScene(), "train-dialog.png");
            view.start();
            if (i + 1 < archs.size()) after(1, () -> queue(w, i + 1));
            else every(w, 0);
        });
    }

    private static sparsity.views.sae.TrainDialogViewModel viewModel(sparsity.views.sae.TrainDialogView v) throws Exception {
        var f = sparsity.views.sae.TrainDialogView.class.getDeclaredField("vm");
        f.setAccessible(true);
        return (sparsity.views.sae.TrainDialogViewModel) f.get(v);
    }

    /** Every 10 s a PNG of the window; when nothing trains and nothing is queued, the comparison, then exit. */
    private static void every(MainWindow w, int i) {
        after(10, () -> {
            shot(w.scene(), String.format("training-%02d.png", i));
            boolean busy = w.autoencoders().all().stream().anyMatch(r -> r.state() == sparsity.app.sae.SaeRecord.State.TRAINING
                    || r.state() == sparsity.app.sae.SaeRecord.State.QUEUED);
            if (busy && i < 200) {
                every(w, i + 1);
            } else {
                after(2, () -> {
                    shot(w.scene(), "trained.png");
                    w.autoencoders().showRuns();
                    after(3, () -> {
                        shot(w.scene(), "runs.png");
                        Platform.exit();
                    });
                });
            }
        });
    }

    private static void shot(javafx.scene.Scene scene, String name) {
        try {
            Screenshot.write(scene, out.resolve(name));
            System.out.println("tour: wrote " + out.resolve(name));
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    private static void after(double seconds, Thrower r) {
        PauseTransition p = new PauseTransition(Duration.seconds(seconds));
        p.setOnFinished(e -> {
            try {
                r.run();
            } catch (Exception ex) {
                ex.printStackTrace();
                Platform.exit();
            }
        });
        p.play();
    }

    private interface Thrower {
        void run() throws Exception;
    }
}
