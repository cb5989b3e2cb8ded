package sparsity.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The desktop app (the main window is built in the GUI work; this opens the shell). */
public class WorkbenchApp extends Application {

    public static void launchApp(String[] args) {
        Application.launch(WorkbenchApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        stage.setTitle("Sparsity Workbench");
        stage.setScene(new Scene(new Label("Sparsity Workbench"), 800, 600));
        stage.show();
    }
}
