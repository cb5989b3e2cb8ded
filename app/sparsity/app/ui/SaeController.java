package sparsity.app.ui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.Tooltip;
import javafx.stage.Stage;
import javafx.stage.Window;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.app.capture.StoreRecord;
import sparsity.app.jobs.JobManager;
import sparsity.app.jobs.ProgressTask;
import sparsity.app.sae.SaeRecord;
import sparsity.app.workspace.Artifact;
import sparsity.sae.eval.Downstream;
import sparsity.sae.eval.DownstreamSummary;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.features.FeatureScan;
import sparsity.sae.features.LatentExplorer;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.train.RunSummary;
import sparsity.sae.train.TrainingRun;
import sparsity.views.sae.RunsView;
import sparsity.views.sae.SaeFeaturesView;
import sparsity.views.sae.RunsViewModel;
import sparsity.views.sae.TrainDialogView;
import sparsity.views.sae.TrainDialogViewModel;
import sparsity.views.sae.TrainingView;
import sparsity.views.sae.TrainingViewModel;

/**
 * Autoencoders in the window: the train dialog (from a capture's tab or context menu, or the
 * Autoencoders menu), runs as background jobs one after another (a sweep queues several), each
 * with its live {@link TrainingView} tab (Stop checkpoints; Resume continues exactly), the
 * comparison of finished runs ({@link RunsView}), and the autoencoders under Autoencoders in the
 * sidebar as workspace artifacts with their provenance.
 */
final class SaeController {

    private final MainWindow window;
    private final Map<String, SaeRecord> saes = new LinkedHashMap<>();
    private final Map<String, TrainingViewModel> models = new LinkedHashMap<>();
    private final Map<String, Tab> tabs = new LinkedHashMap<>();
    private final Map<String, JobManager.Job> jobs = new LinkedHashMap<>();
    private final Map<String, Tab> browsers = new LinkedHashMap<>();
    private final Deque<Queued> queue = new ArrayDeque<>();
    private final RunsViewModel runs = new RunsViewModel();
    private Tab runsTab;
    private Stage dialog;
    private String running;
    /** Whether a finished run is spliced into its model at once (when the capture's inputs are known). */
    private boolean autoDownstream = true;

    private record Queued(String id, TrainingRun.Settings settings, boolean resume) {
    }

    SaeController(MainWindow window) {
        this.window = window;
    }

    RunsViewModel runs() {
        return runs;
    }

    // ---- the dialog -----------------------------------------------------------------------------

    /** Opens the train dialog on a store (its tensors are read first, in the background). */
    void openDialog(StoreRecord store) {
        if (store.state() != StoreRecord.State.COMPLETE && store.state() != StoreRecord.State.UNKNOWN) {
            window.status(store.name() + " is not a complete capture: train on a complete one");
            return;
        }
        ProgressTask<TrainDialogViewModel> task = ProgressTask.of("Read " + store.name(), progress -> {
            try (ActivationStore s = ActivationStore.open(store.dir())) {
                List<StoredTensor> rows = s.tensors().stream().filter(t -> !t.isAttention()).toList();
                if (rows.isEmpty()) throw new IllegalArgumentException(store.name() + " holds only attention maps; an autoencoder needs rows");
                List<String> backends = sparsity.kernels.Backends.names().stream().filter(b -> !b.equals("reference")).toList();
                return new TrainDialogViewModel(store.dir(), rows.stream().map(StoredTensor::name).toList(), rows.get(0).rows(), outParent(),
                        backends, gpuName());
            }
        });
        task.setOnSucceeded(e -> showDialog(task.getValue(), store.name()));
        window.jobs().submit(task.getTitle(), task);
    }

    /** Opens the dialog for the capture chosen in the sidebar or in front (the Autoencoders menu). */
    void openDialogForSelected() {
        Optional<StoreRecord> r = window.sidebar().selected().filter(e -> Artifact.STORE.equals(e.kind()))
                .flatMap(e -> window.captures().store(e.id()));
        if (r.isEmpty()) r = window.captures().frontStore();
        if (r.isEmpty()) {
            window.status("Choose a capture under Captures first: autoencoders train on captured activations");
            return;
        }
        openDialog(r.get());
    }

    TrainDialogView showDialog(TrainDialogViewModel vm, String storeName) {
        if (dialog != null) dialog.close();
        TrainDialogView view = new TrainDialogView(vm);
        Stage st = new Stage();
        Window owner = window.stage();
        if (owner != null && owner.isShowing()) st.initOwner(owner);
        st.setTitle("Train an autoencoder \u2014 " + storeName);
        st.setScene(new Scene(view, 640, 640));
        view.setOnClose(st::close);
        view.setOnTrain(list -> {
            st.close();
            enqueue(list);
        });
        st.setOnHidden(e -> {
            if (dialog == st) dialog = null;
        });
        dialog = st;
        st.show();
        return view;
    }

    Optional<Stage> dialogStage() {
        return Optional.ofNullable(dialog);
    }

    /** The GPU's name for the train dialog ("NVIDIA H100 80GB HBM3"), empty without one. */
    private static String gpuName() {
        sparsity.kernels.cuda.Cuda.Availability a = sparsity.kernels.cuda.Cuda.probe();
        if (!a.available()) return "";
        int paren = a.summary().indexOf(" (");
        return paren > 0 ? a.summary().substring(0, paren) : a.summary();
    }

    private Path outParent() {
        return window.workspace().folder().map(w -> w.resolve("autoencoders"))
                .orElse(Path.of(System.getProperty("user.home"), "sparsity-workbench", "autoencoders"));
    }

    // ---- running --------------------------------------------------------------------------------

    /** Queues runs (one after another); the first starts now when nothing trains. */
    void enqueue(List<TrainingRun.Settings> list) {
        for (TrainingRun.Settings s : list) {
            SaeRecord r = SaeRecord.queued(s);
            put(r);
            TrainingViewModel vm = new TrainingViewModel(r.name(), s.asMap());
            models.put(r.id(), vm);
            queue.add(new Queued(r.id(), s, false));
        }
        if (list.size() > 1) window.status("Queued " + list.size() + " autoencoder runs");
        if (running == null) openTab(saes.get(SaeRecord.queued(list.get(0)).id()));
        next();
    }

    private void next() {
        if (running != null) return;
        Queued q = queue.poll();
        if (q == null) return;
        SaeRecord r = saes.get(q.id());
        if (r == null) {
            next();
            return;
        }
        running = q.id();
        TrainingViewModel vm = models.computeIfAbsent(q.id(), id -> new TrainingViewModel(r.name(), q.settings().asMap()));
        vm.starting();
        put(r.withState(SaeRecord.State.TRAINING));
        openTab(saes.get(q.id()));
        ProgressTask<TrainingRun.Result> task = ProgressTask.of("Train " + r.name(), progress -> {
            try {
                TrainingRun.Result res = TrainingRun.run(q.settings(), q.resume(), vm.observer(), progress);
                Platform.runLater(() -> ended(q.id(), res, null));
                return res;
            } catch (Exception | Error e) {
                // said once, by ended(), in words; the job itself ends quietly
                Platform.runLater(() -> ended(q.id(), null, e));
                return null;
            }
        });
        jobs.put(q.id(), window.jobs().submit(task.getTitle(), task));
        window.status((q.resume() ? "Resuming " : "Training ") + r.name());
    }

    /** A run ended (FX thread). */
    private void ended(String id, TrainingRun.Result res, Throwable error) {
        jobs.remove(id);
        if (id.equals(running)) running = null;
        SaeRecord r = saes.get(id);
        TrainingViewModel vm = models.get(id);
        if (r != null) {
            if (res != null) {
                if (vm != null) vm.finished(res);
                try {
                    RunSummary summary = RunSummary.read(r.dir());
                    put(r.withSummary(summary));
                    if (!summary.stopped()) {
                        runs.put(summary);
                        if (autoDownstream) downstream(id);
                    }
                } catch (IOException e) {
                    put(r.withState(res.stopped() ? SaeRecord.State.STOPPED : SaeRecord.State.DONE));
                }
                String msg = res.stopped()
                        ? String.format("Stopped %s after %,d steps; its checkpoint is saved (Resume continues exactly)", r.name(), res.steps())
                        : String.format("Trained %s: %,d tokens in %.1f s%s", r.name(), res.tokens(), res.seconds(), res.eval() == null ? ""
                                : String.format(", held-out FVU %.4f, L0 %.1f, dead %d", res.eval().fvu(), res.eval().l0(), res.eval().dead()));
                window.workspace().folder().ifPresentOrElse(ws -> window.workspace().saveTo(ws, msg), () -> window.status(msg));
            } else {
                String why = JobManager.describe(error);
                if (vm != null) vm.failed(why);
                put(r.withState(SaeRecord.State.FAILED));
                window.error("Training " + r.name() + " failed: " + why);
            }
        }
        next();
    }

    /** Stops a run (its checkpoint is written), or takes a queued one out of the queue. */
    void stop(String id) {
        JobManager.Job j = jobs.get(id);
        if (j != null) {
            j.cancel();
            return;
        }
        if (queue.removeIf(q -> q.id().equals(id))) {
            SaeRecord r = saes.get(id);
            if (r != null) {
                saes.remove(id);
                window.sidebar().remove(id);
                closeTab(id);
                models.remove(id);
                window.status("Took " + r.name() + " out of the queue");
            }
        }
    }

    /** Continues a stopped (or failed) run from its checkpoint. */
    void resume(String id) {
        SaeRecord r = saes.get(id);
        if (r == null) return;
        if (!Files.isDirectory(r.dir().resolve("checkpoint"))) {
            window.status(r.name() + " has no checkpoint to resume from");
            return;
        }
        TrainingRun.Settings s;
        try {
            s = r.runSettings();
        } catch (RuntimeException e) {
            window.error(r.name() + ": its settings cannot be read back (" + e.getMessage() + ")");
            return;
        }
        TrainingViewModel vm = new TrainingViewModel(r.name(), s.asMap());
        models.put(id, vm);
        closeTab(id);
        put(r.withState(SaeRecord.State.QUEUED));
        queue.add(new Queued(id, s, true));
        openTab(saes.get(id));
        next();
    }

    // ---- tabs -----------------------------------------------------------------------------------

    /** Opens (or selects) the tab of an autoencoder: live while training, from its folder after. */
    void open(String id) {
        SaeRecord r = saes.get(id);
        if (r == null) return;
        if (r.state() == SaeRecord.State.MISSING) {
            window.status("Autoencoder " + r.name() + " is missing: " + r.dir() + " not found");
            return;
        }
        if (!models.containsKey(id)) {
            TrainingViewModel vm = new TrainingViewModel(r.name(), r.settings());
            try {
                load(vm, r);
            } catch (IOException | RuntimeException e) {
                window.error("Cannot show " + r.name() + ": " + e.getMessage());
                return;
            }
            models.put(id, vm);
        }
        openTab(r);
    }

    /** Fills a view-model from a folder: run.json, metrics.csv and sparsity.safetensors. */
    static void load(TrainingViewModel vm, SaeRecord r) throws IOException {
        RunSummary s = RunSummary.read(r.dir());
        List<double[]> rows = new ArrayList<>();
        Path csv = r.dir().resolve(TrainingRun.METRICS);
        if (Files.isRegularFile(csv)) {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                String[] p = lines.get(i).split(",");
                if (p.length < 9) continue;
                double[] v = new double[9];
                for (int j = 0; j < 9; j++) v[j] = Double.parseDouble(p[j]);
                rows.add(v);
            }
        }
        float[] logDensity = null;
        if (Files.isRegularFile(r.dir().resolve(SaeLensFormat.SPARSITY))) {
            logDensity = SaeLensFormat.read(r.dir()).logDensity();
        }
        double[] ld = null;
        SaeMetrics.Result ev = null;
        if (logDensity != null) {
            ld = new double[logDensity.length];
            double[] density = new double[logDensity.length];
            for (int i = 0; i < ld.length; i++) {
                ld[i] = logDensity[i];
                density[i] = Math.pow(10, logDensity[i]);
            }
            if (s.hasEval()) {
                ev = new SaeMetrics.Result(Math.max(0, s.start().evalRows()), s.fvu(), s.explainedVariance(), s.cosine(), s.l0(), density,
                        (int) s.dead(), (int) s.dense());
            }
        }
        vm.load(s.start(), rows, ev, ld, s.stopped());
    }

    private void openTab(SaeRecord r) {
        Tab existing = tabs.get(r.id());
        if (existing != null) {
            window.tabs().view().getSelectionModel().select(existing);
            return;
        }
        TrainingViewModel vm = models.get(r.id());
        if (vm == null) return;
        TrainingView view = new TrainingView(vm);
        view.setOnStop(() -> stop(r.id()));
        view.setOnResume(() -> resume(r.id()));
        view.setOnBrowse(() -> browse(r.id()));
        Tab tab = new Tab(r.name(), view);
        tab.setId("saeTab-" + FxIds.safe(r.name()));
        tab.setTooltip(new Tooltip(r.dir().toString()));
        tab.setUserData(view);
        tab.setOnClosed(x -> {
            view.dispose();
            tabs.remove(r.id());
        });
        tabs.put(r.id(), tab);
        window.tabs().view().getTabs().add(tab);
        window.tabs().view().getSelectionModel().select(tab);
    }

    private void closeTab(String id) {
        Tab t = tabs.remove(id);
        if (t == null) return;
        if (t.getUserData() instanceof TrainingView v) v.dispose();
        window.tabs().view().getTabs().remove(t);
    }

    /** The training view of an autoencoder's open tab (tests). */
    Optional<TrainingView> view(String id) {
        Tab t = tabs.get(id);
        return t == null ? Optional.empty() : Optional.of((TrainingView) t.getUserData());
    }

    // ---- latent browser and downstream ------------------------------------------------------------

    /** Opens the latent browser and code raster of a trained autoencoder on its store. */
    void browse(String id) {
        SaeRecord r = saes.get(id);
        if (r == null) return;
        Tab existing = browsers.get(id);
        if (existing != null) {
            window.tabs().view().getSelectionModel().select(existing);
            return;
        }
        if (r.state() != SaeRecord.State.DONE) {
            window.status(r.name() + " is not trained yet: its latents can be browsed once it is done");
            return;
        }
        Path store = Path.of(r.settings().getOrDefault("store", ""));
        String tensor = r.settings().get("tensor");
        String tensorName = tensor == null || tensor.equals("null") || tensor.isBlank() ? null : tensor;
        ProgressTask<LatentExplorer> task = ProgressTask.of("Open latents of " + r.name(), progress -> {
            progress.update(-1, "Reading " + r.dir().getFileName() + " and its store");
            return LatentExplorer.open(store, tensorName, r.dir());
        });
        task.setOnSucceeded(e -> {
            SaeFeaturesView v = new SaeFeaturesView(task.getValue(), FeatureScan.Settings.defaults());
            Tab tab = new Tab("Latents: " + r.name(), v);
            tab.setId("latentsTab-" + FxIds.safe(r.name()));
            tab.setUserData(v);
            tab.setOnClosed(x -> {
                v.close();
                browsers.remove(id);
            });
            browsers.put(id, tab);
            window.tabs().view().getTabs().add(tab);
            window.tabs().view().getSelectionModel().select(tab);
        });
        window.jobs().submit(task.getTitle(), task);
    }

    /** The latent browser of an autoencoder's open tab (tests). */
    Optional<SaeFeaturesView> browser(String id) {
        Tab t = browsers.get(id);
        return t == null ? Optional.empty() : Optional.of((SaeFeaturesView) t.getUserData());
    }

    /**
     * Splices the autoencoder into its model over the capture's own inputs (at most 256 examples
     * of text; the MNIST sample's digits with their labels), as a job; the headline goes to
     * downstream.json and the comparison. Says why when the inputs are not known.
     */
    Optional<JobManager.Job> downstream(String id) {
        SaeRecord r = saes.get(id);
        if (r == null) return Optional.empty();
        Path storeDir = Path.of(r.settings().getOrDefault("store", ""));
        Optional<StoreRecord> store = window.captures().stores().stream().filter(s -> s.dir().equals(storeDir.toAbsolutePath().normalize()))
                .findFirst();
        String input = store.map(s -> s.provenance().settings().get("input.path")).orElse(null);
        if (input == null) {
            window.status("Downstream of " + r.name() + ": the capture's inputs are not known (an imported store?); use sae eval --downstream");
            return Optional.empty();
        }
        Path inputPath = Path.of(input);
        String tok = store.get().provenance().settings().get("tokenizer");
        Path labels = inputPath.getFileName().toString().equals("mnist-test-images.npy")
                ? inputPath.resolveSibling("mnist-test-labels.npy") : null;
        String tensorSetting = r.settings().get("tensor");
        ProgressTask<DownstreamSummary> task = ProgressTask.of("Downstream " + r.name(), progress -> {
            Path modelFile;
            String tensorName;
            try (ActivationStore s = ActivationStore.open(storeDir)) {
                modelFile = s.header().modelFile();
                tensorName = TrainingRun.tensor(s, storeDir, tensorSetting == null || tensorSetting.equals("null") ? null : tensorSetting).name();
            }
            try (Downstream ds = Downstream.open(modelFile, tensorName);
                 sparsity.kernels.Backend be = sparsity.kernels.Backends.cpu();
                 sparsity.sae.model.SparseAutoencoder sae = SaeLensFormat.open(SaeLensFormat.read(r.dir()), be)) {
                progress.update(-1, "Preparing the inputs");
                var batches = Downstream.inputs(modelFile, inputPath, tok == null ? null : Path.of(tok), 16, 128, 256).batches();
                long[] lab = labels != null && Files.isRegularFile(labels) ? Downstream.labels(labels) : null;
                Downstream.Result res = ds.evaluate(sae, batches, lab, progress);
                DownstreamSummary sum = DownstreamSummary.of(res, inputPath.toString());
                sum.write(r.dir());
                return sum;
            }
        });
        task.setOnSucceeded(e -> {
            DownstreamSummary s = task.getValue();
            try {
                runs.put(RunSummary.read(r.dir()));
            } catch (IOException ex) {
                // the comparison keeps the old row
            }
            window.status(String.format(java.util.Locale.ROOT, "Downstream of %s over %,d examples: output cosine %.4f%s%s%s", r.name(),
                    s.examples(), s.cosine(), Double.isNaN(s.kl()) ? "" : String.format(java.util.Locale.ROOT, ", KL %.4f", s.kl()),
                    Double.isNaN(s.splicedAccuracy()) ? "" : String.format(java.util.Locale.ROOT, ", accuracy %.2f%% (clean %.2f%%)",
                            100 * s.splicedAccuracy(), 100 * s.cleanAccuracy()),
                    Double.isNaN(s.ceRecovered()) ? "" : String.format(java.util.Locale.ROOT, ", CE loss recovered %.1f%%", 100 * s.ceRecovered())));
        });
        return Optional.of(window.jobs().submit(task.getTitle(), task));
    }

    /** Shows the comparison of finished runs. */
    RunsView showRuns() {
        if (runsTab == null) {
            RunsView v = new RunsView(runs);
            v.setOnOpen(s -> saes.values().stream().filter(r -> r.dir().equals(s.dir().toAbsolutePath().normalize())).findFirst()
                    .ifPresent(r -> open(r.id())));
            runsTab = new Tab("Autoencoder runs", v);
            runsTab.setId("runsTab");
            runsTab.setUserData(v);
            runsTab.setOnClosed(e -> runsTab = null);
        }
        if (!window.tabs().view().getTabs().contains(runsTab)) window.tabs().view().getTabs().add(runsTab);
        window.tabs().view().getSelectionModel().select(runsTab);
        return (RunsView) runsTab.getUserData();
    }

    /** Report items: the comparison and the curves of every run shown in a tab. */
    List<sparsity.views.report.ReportItem> reportItems() {
        List<sparsity.views.report.ReportItem> items = new ArrayList<>(runs.reportItems());
        for (String id : tabs.keySet()) {
            TrainingViewModel vm = models.get(id);
            if (vm != null) items.addAll(vm.reportItems());
        }
        return items;
    }

    // ---- sidebar and workspace -------------------------------------------------------------------

    ContextMenu contextMenu(SidebarEntry e) {
        SaeRecord r = e == null ? null : saes.get(e.id());
        if (r == null) return null;
        MenuItem open = new MenuItem("Open");
        open.setId("saeOpenItem");
        open.setOnAction(x -> open(r.id()));
        MenuItem stop = new MenuItem(r.state() == SaeRecord.State.QUEUED ? "Remove from queue" : "Stop training");
        stop.setId("saeStopItem");
        stop.setDisable(r.state() != SaeRecord.State.TRAINING && r.state() != SaeRecord.State.QUEUED);
        stop.setOnAction(x -> stop(r.id()));
        MenuItem resume = new MenuItem("Resume training");
        resume.setId("saeResumeItem");
        resume.setDisable(r.state() != SaeRecord.State.STOPPED && r.state() != SaeRecord.State.FAILED);
        resume.setOnAction(x -> resume(r.id()));
        MenuItem browseItem = new MenuItem("Browse latents");
        browseItem.setId("saeBrowseItem");
        browseItem.setDisable(r.state() != SaeRecord.State.DONE);
        browseItem.setOnAction(x -> browse(r.id()));
        MenuItem downstreamItem = new MenuItem("Evaluate spliced into the model");
        downstreamItem.setId("saeDownstreamItem");
        downstreamItem.setDisable(r.state() != SaeRecord.State.DONE);
        downstreamItem.setOnAction(x -> downstream(r.id()));
        MenuItem compare = new MenuItem("Compare runs");
        compare.setOnAction(x -> showRuns());
        return new ContextMenu(open, browseItem, downstreamItem, stop, resume, compare);
    }

    Optional<SaeRecord> sae(String id) {
        return Optional.ofNullable(saes.get(id));
    }

    List<SaeRecord> all() {
        return List.copyOf(saes.values());
    }

    List<Artifact> artifacts(Path workspaceDir) {
        List<Artifact> out = new ArrayList<>();
        for (SaeRecord r : saes.values()) if (r.state() != SaeRecord.State.QUEUED) out.add(r.artifact(workspaceDir));
        return out;
    }

    List<String> missingIds() {
        return saes.values().stream().filter(r -> r.state() == SaeRecord.State.MISSING).map(SaeRecord::id).toList();
    }

    /** Forgets every autoencoder (another workspace opens); stops what trains. */
    void clear() {
        queue.clear();
        for (JobManager.Job j : jobs.values()) j.cancel();
        for (String id : List.copyOf(tabs.keySet())) closeTab(id);
        for (Tab t : List.copyOf(browsers.values())) {
            window.tabs().view().getTabs().remove(t);
            if (t.getUserData() instanceof SaeFeaturesView v) v.close();
        }
        browsers.clear();
        saes.clear();
        models.clear();
        for (var s : List.copyOf(runs.runs())) runs.remove(s.dir());
    }

    /** Lists the autoencoders of an opened workspace; their run summaries join the comparison. */
    void restore(Path workspaceDir, List<Artifact> artifacts) {
        for (Artifact a : artifacts) {
            SaeRecord.fromArtifact(workspaceDir, a).ifPresent(r -> {
                put(r);
                if (r.state() == SaeRecord.State.DONE) {
                    try {
                        runs.put(RunSummary.read(r.dir()));
                    } catch (IOException e) {
                        // listed, but not compared
                    }
                }
            });
        }
    }

    private void put(SaeRecord r) {
        saes.put(r.id(), r);
        window.sidebar().put(new SidebarEntry(r.id(), Artifact.SAE, r.label(), r.state() == SaeRecord.State.MISSING,
                r.dir().toString()));
        Tab t = tabs.get(r.id());
        if (t != null) t.setText(r.label());
    }
}
