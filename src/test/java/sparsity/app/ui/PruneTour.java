package sparsity.app.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Tab;
import javafx.stage.Stage;
import javafx.util.Duration;
import sparsity.analysis.samples.SampleModels;
import sparsity.views.prune.SweepDialogView;

/**
 * Not a test: drives the real window through a pruning sweep on the MNIST sample and a Wanda
 * pruning, writing PNGs for a human to look at (run under Xvfb):
 * {@code java -cp target/workbench.jar:target/test-classes sparsity.app.ui.PruneTour OUTDIR}.
 */
public final class PruneTour {

    static Path out;

    public static void main(String[] args) {
        out = Path.of(args[0]).toAbsolutePath();
        Application.launch(App.class, args);
    }

    /** The JavaFX application of the tour. */
    public static final class App extends Application {
        @Override
        public void start(Stage stage) throws Exception {
            Files.createDirectories(out);
            MainWindow w = new MainWindow(stage, Files.createTempDirectory("tour-cfg"));
            w.pruning().setMaskFolder(out.resolve("masks"));
            stage.setWidth(1600);
            stage.setHeight(1000);
            stage.show();
            w.openSample(SampleModels.MNIST_MLP);
            after(6, () -> {
                OpenModel m = w.tabs().all().getFirst();
                w.pruning().sweep(m, new SweepDialogView.Request(List.of("magnitude", "magnitude-global", "random", "lamp", "wanda", "sparsegpt"),
                        List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99), true, true, List.of(0.0, 0.25, 0.5, 0.7, 0.8, 0.9), ""));
                after(8, () -> shot(w, "sweep-live.png"));
                waitDone(w, 0);
            });
        }
    }

    static void waitDone(MainWindow w, int i) {
        after(5, () -> {
            if (!w.jobs().running().isEmpty() && i < 120) {
                waitDone(w, i + 1);
                return;
            }
            select(w, "sweepTab-");
            after(2, () -> {
                shot(w, "sweep-curve.png");
                select(w, "sensitivityTab");
                after(3, () -> {
                    shot(w, "sensitivity.png");
                    select(w, "tealTab");
                    after(2, () -> {
                        shot(w, "teal.png");
                        OpenModel m = w.tabs().all().getFirst();
                        w.pruning().prune(m, sparsity.analysis.prune.PruneSpec.of("magnitude", 0.5), null);
                        after(6, () -> {
                            w.pruning().prune(m, sparsity.analysis.prune.PruneSpec.of("wanda", 0.5),
                                    new sparsity.views.prune.PruneDialogViewModel.Calibration(null, 256));
                            after(10, () -> {
                                var v = w.pruning().view("wanda").orElseThrow();
                                v.table().getSelectionModel().select(0);
                                after(3, () -> {
                                    shot(w, "mask.png");
                                    Platform.exit();
                                });
                            });
                        });
                    });
                });
            });
        });
    }

    static void select(MainWindow w, String idPrefix) {
        for (Tab t : w.tabs().view().getTabs()) {
            if (t.getId() != null && t.getId().startsWith(idPrefix)) w.tabs().view().getSelectionModel().select(t);
        }
    }

    static void shot(MainWindow w, String name) {
        try {
            Screenshot.write(w.scene(), out.resolve(name));
            System.out.println("tour: wrote " + out.resolve(name));
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    interface Step {
        void run() throws Exception;
    }

    static void after(double s, Step r) {
        PauseTransition p = new PauseTransition(Duration.seconds(s));
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
}
