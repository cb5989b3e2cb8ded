package sparsity.app.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import javafx.stage.Window;
import sparsity.analysis.capture.CaptureResult;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.app.capture.CaptureWork;
import sparsity.app.capture.StoreArtifacts;
import sparsity.app.capture.StoreRecord;
import sparsity.app.jobs.JobManager;
import sparsity.app.jobs.ProgressTask;
import sparsity.app.workspace.Artifact;
import sparsity.views.capture.CaptureDialogView;
import sparsity.views.capture.CaptureDialogViewModel;
import sparsity.views.capture.PreparedCapture;

/**
 * Captures in the window: the capture dialog (from a model's toolbar or the Capture menu), the
 * capture as a job in the status bar (rows/s, ETA, Cancel), and the stores under Captures in the
 * sidebar as workspace artifacts: an incomplete one says so and offers Resume and Delete in its
 * context menu; choosing one opens its tab ({@link StoreTabs}).
 */
final class CaptureController {

    private final MainWindow window;
    private final Map<String, StoreRecord> stores = new LinkedHashMap<>();
    private final StoreTabs tabs;
    private Stage dialog;

    CaptureController(MainWindow window) {
        this.window = window;
        this.tabs = new StoreTabs(window);
    }

    StoreTabs tabs() {
        return tabs;
    }

    // ---- the dialog -----------------------------------------------------------------------------

    /** ONNX Runtime threads of a capture: all cores but one, so the window stays responsive. */
    static int captureThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The dialog's view-model for a model: its selected tensors, the samples' data, a store folder. */
    CaptureDialogViewModel dialogModel(OpenModel m, boolean attention) {
        List<String> selected = m.model().selectedTensors().stream().map(GraphTensor::name).toList();
        Path out = StoreArtifacts.defaultFolder(window.workspace().folder().orElse(null), m.file());
        return new CaptureDialogViewModel(m.summary(), selected, attention, out, sampleData(m), captureThreads());
    }

    /** The sample data files of a model's own sample, by model file name. */
    private static final Map<String, String> SAMPLE_NPY = Map.of(
            SampleModels.MNIST_MLP.fileName(), "mnist-test-images.npy",
            SampleModels.TINY_TRANSFORMER.fileName(), "tiny-transformer-eval.npy");

    private static CaptureDialogViewModel.SampleData sampleData(OpenModel m) {
        Path corpus = null;
        Path npy = null;
        try {
            corpus = SampleModels.corpus();
        } catch (java.io.IOException e) {
            // no corpus here: not offered
        }
        String data = SAMPLE_NPY.get(m.file().getFileName().toString());
        if (data != null) {
            try {
                npy = SampleModels.dataFile(data);
            } catch (java.io.IOException e) {
                // not made yet: not offered
            }
        }
        return new CaptureDialogViewModel.SampleData(corpus, npy);
    }

    /** Opens the capture dialog for the active model (Capture menu). */
    void openDialogForActive(boolean attention) {
        Optional<OpenModel> m = window.tabs().active();
        if (m.isEmpty()) {
            window.status("Open a model first: captures run on the model in front");
            return;
        }
        openDialog(m.get(), attention);
    }

    /** Opens the capture dialog for a model (one dialog at a time). */
    CaptureDialogView openDialog(OpenModel m, boolean attention) {
        if (dialog != null) dialog.close();
        CaptureDialogViewModel vm = dialogModel(m, attention);
        CaptureDialogView view = new CaptureDialogView(vm);
        Stage st = new Stage();
        Window owner = window.stage();
        if (owner != null && owner.isShowing()) st.initOwner(owner);
        st.setTitle("Capture \u2014 " + m.displayName());
        st.setScene(new Scene(view, 820, 860));
        view.setOnClose(st::close);
        view.setOnStart(pc -> {
            st.close();
            start(pc);
        });
        st.setOnHidden(e -> {
            vm.dispose();
            if (dialog == st) dialog = null;
        });
        dialog = st;
        st.show();
        return view;
    }

    /** The open dialog's window, if any (tests). */
    Optional<Stage> dialogStage() {
        return Optional.ofNullable(dialog);
    }

    // ---- running --------------------------------------------------------------------------------

    /** Runs a checked capture as a job; its store is listed at once, as "capturing". */
    JobManager.Job start(PreparedCapture pc) {
        StoreRecord r = StoreArtifacts.started(pc);
        put(r);
        ProgressTask<CaptureWork.Outcome> task = ProgressTask.of("Capture " + r.name(), progress -> {
            CaptureWork.Outcome o = CaptureWork.run(pc, progress);
            Platform.runLater(() -> ended(r.id(), "Capture", o));
            return o;
        });
        window.status("Capturing " + pc.plan().summary() + " into " + r.dir());
        return window.jobs().submit(task.getTitle(), task);
    }

    /** Resumes an incomplete store as a job. */
    Optional<JobManager.Job> resume(String id) {
        StoreRecord r = stores.get(id);
        if (r == null || r.state() != StoreRecord.State.INCOMPLETE) {
            window.status(r == null ? "No such store" : r.name() + " is not an incomplete capture");
            return Optional.empty();
        }
        var model = window.tabs().all().stream().map(OpenModel::summary).toList();
        tabs.close(id); // its mapping would be stale
        put(r.withState(StoreRecord.State.RUNNING));
        ProgressTask<CaptureWork.Outcome> task = ProgressTask.of("Resume " + r.name(), progress -> {
            var open = model.stream().filter(s -> r.provenance().sha256() != null && r.provenance().sha256().equals(s.sha256()))
                    .findFirst().orElse(null);
            CaptureWork.Outcome o = CaptureWork.resume(r, open, captureThreads(), progress);
            Platform.runLater(() -> ended(r.id(), "Resumed capture", o));
            return o;
        });
        return Optional.of(window.jobs().submit(task.getTitle(), task));
    }

    /** A capture or resume ended (FX thread): the sidebar shows the store's state; a message says how. */
    private void ended(String id, String what, CaptureWork.Outcome o) {
        StoreRecord r = stores.get(id);
        if (r == null) return;
        CaptureWork.Probe p = o.store();
        if (p.state() == StoreRecord.State.MISSING && !o.ok()) {
            stores.remove(id);
            window.sidebar().remove(id);
            window.error(what + " " + r.name() + " failed before writing a store: " + o.failure());
            return;
        }
        put(r.withState(p.state(), p.examples(), p.tokens(), p.failure()));
        String incomplete = "; the store is incomplete: right-click it under Captures to Resume or Delete it";
        if (o.ok()) {
            CaptureResult res = o.result();
            String msg = String.format("%s %s: %,d examples, %,d rows this run at %,.0f rows/s in %.1f s, into %s", what, r.name(),
                    res.examples(), res.rowsThisRun(), res.rowsPerSecond(), res.seconds(), res.store());
            window.workspace().folder().ifPresentOrElse(ws -> window.workspace().saveTo(ws, msg), () -> window.status(msg));
        } else if (o.cancelled()) {
            window.status(String.format("%s %s cancelled after %,d examples%s", what, r.name(), Math.max(0, p.examples()), incomplete));
        } else {
            window.error(what + " " + r.name() + " failed: " + o.failure() + incomplete);
        }
    }

    /** Deletes a store folder after asking. */
    void deleteDialog(String id) {
        StoreRecord r = stores.get(id);
        if (r == null) return;
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Delete the store " + r.dir() + " and all its files?",
                ButtonType.OK, ButtonType.CANCEL);
        a.initOwner(window.stage());
        a.setHeaderText("Delete capture " + r.name());
        a.getDialogPane().setId("deleteStoreDialog");
        a.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> delete(id));
    }

    /** Deletes a store folder (as a job) and its line; refused while a capture writes it. */
    Optional<JobManager.Job> delete(String id) {
        StoreRecord r = stores.get(id);
        if (r == null) return Optional.empty();
        if (r.state() == StoreRecord.State.RUNNING) {
            window.status(r.name() + " is being written: cancel the capture first");
            return Optional.empty();
        }
        tabs.close(id);
        ProgressTask<Void> task = ProgressTask.of("Delete " + r.name(), progress -> {
            if (r.state() != StoreRecord.State.MISSING) ActivationStore.delete(r.dir());
            return null;
        });
        task.setOnSucceeded(e -> {
            stores.remove(id);
            window.sidebar().remove(id);
            window.status("Deleted store " + r.dir());
        });
        return Optional.of(window.jobs().submit(task.getTitle(), task));
    }

    /** Opens the tab of a store (the sidebar's choice). */
    void open(String id) {
        StoreRecord r = stores.get(id);
        if (r == null) return;
        switch (r.state()) {
            case RUNNING -> window.status(r.name() + " is being written; it opens once the capture is done");
            case MISSING -> window.status("Store " + r.name() + " is missing: " + r.dir() + " not found");
            default -> tabs.open(r);
        }
    }

    // ---- sidebar and workspace -------------------------------------------------------------------

    /** The context menu of a sidebar line (stores only). */
    ContextMenu contextMenu(SidebarEntry e) {
        StoreRecord r = e == null ? null : stores.get(e.id());
        if (r == null) return null;
        MenuItem open = new MenuItem("Open");
        open.setId("storeOpenItem");
        open.setOnAction(x -> open(r.id()));
        MenuItem resume = new MenuItem("Resume capture");
        resume.setId("storeResumeItem");
        resume.setDisable(r.state() != StoreRecord.State.INCOMPLETE);
        resume.setOnAction(x -> resume(r.id()));
        MenuItem delete = new MenuItem("Delete store\u2026");
        delete.setId("storeDeleteItem");
        delete.setDisable(r.state() == StoreRecord.State.RUNNING);
        delete.setOnAction(x -> deleteDialog(r.id()));
        return new ContextMenu(open, resume, delete);
    }

    /** A store by id. */
    Optional<StoreRecord> store(String id) {
        return Optional.ofNullable(stores.get(id));
    }

    /** The store whose tab is in front, if any. */
    Optional<StoreRecord> frontStore() {
        return tabs.frontId().flatMap(this::store);
    }

    List<StoreRecord> stores() {
        return List.copyOf(stores.values());
    }

    /** The store artifacts to save in a workspace folder (null: not saved yet). */
    List<Artifact> artifacts(Path workspaceDir) {
        List<Artifact> out = new ArrayList<>();
        for (StoreRecord r : stores.values()) out.add(StoreArtifacts.artifact(r, workspaceDir));
        return out;
    }

    /** Ids of the stores whose folders are gone. */
    List<String> missingIds() {
        return stores.values().stream().filter(r -> r.state() == StoreRecord.State.MISSING).map(StoreRecord::id).toList();
    }

    /** Forgets every store (another workspace is opening); closes their tabs. */
    void clear() {
        for (String id : List.copyOf(stores.keySet())) tabs.close(id);
        stores.clear();
    }

    /** Lists the stores of an opened workspace and reads their state in the background. */
    void restore(Path workspaceDir, List<Artifact> artifacts) {
        List<StoreRecord> found = new ArrayList<>();
        for (Artifact a : artifacts) StoreArtifacts.fromArtifact(workspaceDir, a).ifPresent(found::add);
        found.forEach(this::put);
        List<StoreRecord> toRead = found.stream().filter(r -> r.state() == StoreRecord.State.UNKNOWN).toList();
        if (toRead.isEmpty()) return;
        ProgressTask<Map<String, CaptureWork.Probe>> task = ProgressTask.of("Read captures", progress -> {
            Map<String, CaptureWork.Probe> probes = new LinkedHashMap<>();
            for (StoreRecord r : toRead) probes.put(r.id(), CaptureWork.probe(r.dir()));
            return probes;
        });
        task.setOnSucceeded(e -> task.getValue().forEach((id, p) -> {
            StoreRecord r = stores.get(id);
            if (r != null && r.state() == StoreRecord.State.UNKNOWN) put(r.withState(p.state(), p.examples(), p.tokens(), p.failure()));
        }));
        window.jobs().submit(task.getTitle(), task);
    }

    private void put(StoreRecord r) {
        stores.put(r.id(), r);
        window.sidebar().put(new SidebarEntry(r.id(), Artifact.STORE, r.label(), r.state() == StoreRecord.State.MISSING,
                r.tooltip()));
    }
}
