package sparsity.app;

import java.nio.file.Path;

import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import javafx.util.Duration;
import sparsity.app.jobs.JobManager;
import sparsity.app.settings.ConfigDir;
import sparsity.app.ui.MainWindow;
import sparsity.app.ui.Screenshot;

/**
 * The desktop app: opens the {@link MainWindow}, then the models named on the command line, or
 * on the first start the bundled sample. With {@code --screenshot FILE} it writes a PNG of the
 * window once the first model is shown and exits (status 1 when that fails).
 */
public class WorkbenchApp extends Application {

    /** How long the screenshot mode waits for a model before it gives up. */
    static final Duration SCREENSHOT_TIMEOUT = Duration.minutes(3);

    private static volatile int exitStatus;
    private MainWindow window;

    /** Starts the app and returns its exit status once the last window closed. */
    public static int launchApp(String[] args) {
        Application.launch(WorkbenchApp.class, args);
        return exitStatus;
    }

    @Override
    public void start(Stage stage) {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(getParameters().getRaw());
        } catch (IllegalArgumentException e) {
            System.err.println("workbench: " + e.getMessage());
            exit(2);
            return;
        }
        window = new MainWindow(stage, ConfigDir.resolve());
        // a bug in an event handler shows as an error instead of passing unnoticed; the app stays up
        Thread.currentThread().setUncaughtExceptionHandler((thread, error) -> {
            error.printStackTrace();
            window.error("Unexpected error: " + JobManager.describe(error) + " (details on the console)");
        });
        options.screenshot().ifPresent(png -> armScreenshot(png));
        stage.show();
        if (!options.models().isEmpty()) {
            for (Path m : options.models()) window.openFile(m);
        } else if (window.firstStart() || options.screenshot().isPresent()) {
            window.openFirstStartSample();
        }
    }

    private void armScreenshot(Path png) {
        Screenshot.whenFirstModelShown(window, png, error -> {
            if (error == null) {
                System.out.println("workbench: screenshot written to " + png.toAbsolutePath());
                exit(0);
            } else {
                System.err.println("workbench: screenshot failed: " + error.getMessage());
                exit(1);
            }
        });
        window.addErrorListener(message -> {
            System.err.println("workbench: no screenshot, the model did not open: " + message);
            exit(1);
        });
        PauseTransition timeout = new PauseTransition(SCREENSHOT_TIMEOUT);
        timeout.setOnFinished(e -> {
            System.err.println("workbench: no screenshot, no model was shown within " + SCREENSHOT_TIMEOUT.toMinutes() + " minutes");
            exit(1);
        });
        timeout.play();
    }

    private void exit(int status) {
        exitStatus = status;
        if (window != null) window.close();
        Platform.exit();
    }

    @Override
    public void stop() {
        if (window != null) window.close();
    }
}
