package sparsity.app.ui;

import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import sparsity.app.jobs.JobManager;

/**
 * The bottom bar: a message label ({@code #statusMessage}) and the background jobs
 * ({@code #jobsPane}), each with a progress bar, its current message and a Cancel button.
 */
final class StatusBar extends HBox {

    private final Label message = new Label("Ready");
    private final HBox jobsPane = new HBox(12);

    StatusBar(JobManager jobs) {
        setId("statusBar");
        getStyleClass().add("status-bar");
        setSpacing(12);
        setPadding(new Insets(3, 8, 3, 8));
        setAlignment(Pos.CENTER_LEFT);
        message.setId("statusMessage");
        message.setMinWidth(120); // the message gives way to the jobs
        Tooltip full = new Tooltip();
        full.textProperty().bind(message.textProperty());
        message.setTooltip(full);
        message.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(message, Priority.ALWAYS);
        jobsPane.setId("jobsPane");
        jobsPane.setAlignment(Pos.CENTER_RIGHT);
        jobsPane.setMinWidth(Region.USE_PREF_SIZE);
        getChildren().addAll(message, jobsPane);
        jobs.running().addListener((ListChangeListener<JobManager.Job>) change -> rebuild(jobs));
        rebuild(jobs);
    }

    /** Shows a line in the status bar (call on the FX thread). */
    void show(String text) {
        message.setText(text);
    }

    String text() {
        return message.getText();
    }

    private void rebuild(JobManager jobs) {
        jobsPane.getChildren().clear();
        for (JobManager.Job job : jobs.running()) jobsPane.getChildren().add(row(job));
    }

    private static Region row(JobManager.Job job) {
        Label name = new Label(job.name());
        name.getStyleClass().add("job-name");
        ProgressBar bar = new ProgressBar();
        bar.setPrefWidth(140);
        bar.progressProperty().bind(job.task().progressProperty());
        bar.getStyleClass().add("job-progress");
        Label text = new Label();
        text.textProperty().bind(job.task().messageProperty());
        text.getStyleClass().add("job-message");
        text.setMaxWidth(260);
        Button cancel = new Button("Cancel");
        cancel.getStyleClass().add("job-cancel");
        cancel.setOnAction(e -> {
            cancel.setDisable(true);
            job.cancel();
        });
        for (Region r : new Region[] {name, bar, cancel}) r.setMinWidth(Region.USE_PREF_SIZE);
        text.setMinWidth(Region.USE_PREF_SIZE);
        HBox box = new HBox(6, name, bar, text, cancel);
        box.setAlignment(Pos.CENTER_LEFT);
        box.getStyleClass().add("job-row");
        box.setUserData(job);
        return box;
    }
}
