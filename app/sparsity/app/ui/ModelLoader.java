package sparsity.app.ui;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.app.jobs.JobManager;
import sparsity.app.jobs.ProgressTask;
import sparsity.views.model.ModelViewModel;

/**
 * Opens models: each load is a background job ({@link OnnxModels#summarize} with progress, and
 * the view-model built off the FX thread), after which the model gets a tab. A file that cannot be read fails the job with a message that
 * names the file and the problem, which the window shows; what was open stays open. A file that
 * is already open just gets its tab selected; one that is loading is not loaded twice.
 */
final class ModelLoader {

    /** What the loader needs from the window. */
    interface Host {
        JobManager jobs();

        ModelTabs tabs();

        /** A model was opened (add it to the sidebar, the recent list, the title). */
        void opened(OpenModel model);

        void status(String message);

        void error(String message);
    }

    private final Host host;
    private final Set<String> loading = new HashSet<>();

    ModelLoader(Host host) {
        this.host = host;
    }

    /**
     * Loads a model file as a job and shows it in a tab.
     *
     * @param then called on the FX thread with the open model once it is shown (or at once when
     *             it was already open); not called when loading fails or is cancelled
     * @return the job, or empty when the file is already open or loading
     */
    Optional<JobManager.Job> open(Path file, Consumer<OpenModel> then) {
        Optional<OpenModel> already = host.tabs().find(file);
        if (already.isPresent()) {
            host.tabs().select(already.get());
            host.status(already.get().displayName() + " is already open");
            then.accept(already.get());
            return Optional.empty();
        }
        String key = OpenModel.keyOf(file);
        if (!loading.add(key)) {
            host.status(file.getFileName() + " is already loading");
            return Optional.empty();
        }
        ProgressTask<ModelViewModel> task = ProgressTask.of("Open " + file.getFileName(),
                progress -> new ModelViewModel(summarize(file, progress)));
        return Optional.of(submit(file, key, task, then));
    }

    /** Loads a bundled sample (copied out of the class path first when it lives there). */
    Optional<JobManager.Job> openSample(SampleModels.Sample sample, Consumer<OpenModel> then) {
        String key = "sample:" + sample.id();
        if (!loading.add(key)) {
            host.status(sample.title() + " is already loading");
            return Optional.empty();
        }
        ProgressTask<ModelViewModel> task = ProgressTask.of("Open sample " + sample.id(), progress -> {
            progress.update(0.01, "Preparing sample " + sample.id());
            return new ModelViewModel(summarize(SampleModels.path(sample), progress));
        });
        return Optional.of(submit(null, key, task, then));
    }

    private JobManager.Job submit(Path file, String key, ProgressTask<ModelViewModel> task, Consumer<OpenModel> then) {
        task.setOnSucceeded(e -> {
            loading.remove(key);
            ModelViewModel vm = task.getValue();
            ModelSummary s = vm.summary();
            Path shown = file != null ? file : s.file();
            Optional<OpenModel> already = host.tabs().find(shown);
            if (already.isPresent()) {
                host.tabs().select(already.get());
                then.accept(already.get());
                return;
            }
            OpenModel m;
            try {
                m = host.tabs().add(shown, vm);
            } catch (RuntimeException ex) {
                host.error(shown + ": the model view could not be built (" + JobManager.describe(ex) + ")");
                return;
            }
            host.opened(m);
            host.status("Opened " + shown.toAbsolutePath() + " (" + String.format("%,d", s.totalParameters())
                    + " parameters, " + s.nodeCount() + " nodes)");
            then.accept(m);
        });
        task.setOnFailed(e -> loading.remove(key));
        task.setOnCancelled(e -> loading.remove(key));
        return host.jobs().submit(task.getTitle(), task);
    }

    /**
     * Reads a model; any failure other than an interruption becomes a {@link ModelLoadException}
     * naming the file.
     */
    private static ModelSummary summarize(Path file, ProgressListener progress)
            throws ModelLoadException, InterruptedException {
        try {
            return OnnxModels.summarize(file, progress);
        } catch (ModelLoadException | InterruptedException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            throw new ModelLoadException(file, "could not be read (" + JobManager.describe(e) + ")", e);
        }
    }
}
