package sparsity.app.ui;

import java.nio.file.Path;

import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.api.FxToolkit;

/**
 * The setup the main-window UI tests share: a real {@link MainWindow} on the headless stage
 * with its own temporary config folder (the user's recent list is never touched), closed after
 * each test.
 */
@ExtendWith(ApplicationExtension.class)
abstract class MainWindowUiTest {

    @TempDir
    static Path tmp;

    protected MainWindow window;
    protected Stage stage;

    /** (TestFX runs only the test class's own @Start methods, so the base opens the window here.) */
    @BeforeEach
    void openWindow() throws Exception {
        Path config = UiFixtures.configDir(tmp);
        stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            window = new MainWindow(stage, config);
            stage.show();
        });
    }

    @AfterEach
    void closeWindow() {
        UiFixtures.close(stage);
    }
}
