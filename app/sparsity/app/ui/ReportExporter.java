package sparsity.app.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import sparsity.analysis.onnx.ModelSummary;
import sparsity.app.jobs.JobManager;
import sparsity.app.jobs.ProgressTask;
import sparsity.app.report.WorkspaceReport;
import sparsity.views.model.ModelReport;
import sparsity.views.report.ReportItem;
import sparsity.views.report.ReportWriter;

/**
 * File &gt; Export report: the same report as {@code ./workbench report} — the workspace's artifact
 * table (once the workspace has a folder) and every chart and table of every open model —
 * written by the views room's {@link ReportWriter} (PNG + CSV and an index.html) into a folder,
 * as a background job. The open models are not read again: their summaries are at hand.
 */
final class ReportExporter {

    private final MainWindow window;

    ReportExporter(MainWindow window) {
        this.window = window;
    }

    /** Writes the report of the open models into a folder; empty when no model is open. */
    Optional<JobManager.Job> export(Path dir) {
        List<OpenModel> open = window.tabs().all();
        List<ReportItem> captureItems = new ArrayList<>(window.captures().tabs().reportItems());
        captureItems.addAll(window.autoencoders().reportItems());
        if (open.isEmpty() && captureItems.isEmpty()) {
            window.status("Nothing to report: open a model first");
            return Optional.empty();
        }
        List<ModelSummary> models = open.stream().map(OpenModel::summary).toList();
        String title = "Sparsity Workbench report — " + (open.isEmpty() ? "captures"
                : String.join(", ", open.stream().map(OpenModel::displayName).toList()));
        WorkspaceSnapshot snapshot = window.workspace().snapshot();
        ProgressTask<Path> task = ProgressTask.of("Export report", progress -> {
            List<ReportItem> items = new ArrayList<>();
            if (snapshot.dir() != null) {
                progress.update(0.02, "Listing the workspace's artifacts");
                WorkspaceSnapshot.Built built = snapshot.build();
                items.add(WorkspaceReport.artifactsItem(built.asLoaded(snapshot.dir(), snapshot.missingIds())));
            }
            int i = 0;
            for (ModelSummary s : models) {
                progress.update(0.05 + 0.4 * i++ / models.size(), "Collecting " + s.file().getFileName());
                items.addAll(ModelReport.items(s));
                if (Thread.interrupted()) throw new InterruptedException();
            }
            items.addAll(captureItems);
            progress.update(0.5, "Writing " + items.size() + " items into " + dir);
            Files.createDirectories(dir);
            Path index = ReportWriter.write(title, items, dir);
            progress.update(1.0, "Written");
            return index;
        });
        task.setOnSucceeded(e -> {
            Path index = task.getValue();
            window.workspace().reportWritten(dir, "Report " + dir.getFileName());
            window.status("Report written to " + index.toAbsolutePath());
        });
        return Optional.of(window.jobs().submit("Export report", task));
    }
}
