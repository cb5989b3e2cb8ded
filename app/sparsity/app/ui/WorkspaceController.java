package sparsity.app.ui;

import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javafx.application.Platform;
import javafx.concurrent.Worker;
import javafx.stage.DirectoryChooser;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.app.AppInfo;
import sparsity.app.jobs.JobManager;
import sparsity.app.jobs.ProgressTask;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.LoadedWorkspace;
import sparsity.app.workspace.Provenance;
import sparsity.app.workspace.Selection;
import sparsity.app.workspace.Workspaces;

/**
 * File > Open / Save / Save as workspace: the glue between the window and {@link Workspaces}.
 * Saving writes the open models (as artifacts with provenance), the active tab and each model's
 * selected tensors, plus the other artifacts the sidebar lists; opening restores them, loading
 * each model as a job. Reading and writing run as jobs, since finding a bundled sample may copy it
 * out of its jar. A refused workspace leaves everything as it was.
 */
final class WorkspaceController {

    private final MainWindow window;
    /** The folder of the current workspace, once it was saved or opened. */
    private Path dir;
    /** Artifacts of the open models, by model key (kept so ids stay the same from save to save). */
    private final Map<String, Artifact> modelArtifacts = new HashMap<>();
    /** Artifacts listed in the sidebar that are not open models (missing models, stores, reports...). */
    private final Map<String, Artifact> otherArtifacts = new LinkedHashMap<>();
    /** Where the opened workspace's model artifacts are on this machine, by artifact id. */
    private final Map<String, Path> modelFiles = new HashMap<>();

    WorkspaceController(MainWindow window) {
        this.window = window;
    }

    /** The current workspace folder, if the workspace was saved or opened. */
    Optional<Path> folder() {
        return Optional.ofNullable(dir);
    }

    // ---- save -------------------------------------------------------------------------------

    /** File > Save workspace: into the current folder, or asks for one. */
    void save() {
        if (dir == null) saveAsDialog();
        else saveTo(dir);
    }

    /** File > Save workspace as...: asks for a folder. */
    void saveAsDialog() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Save workspace into folder");
        if (dir != null && dir.toFile().isDirectory()) dc.setInitialDirectory(dir.toFile());
        File f = dc.showDialog(window.stage());
        if (f != null) saveTo(f.toPath());
    }

    /** What the window holds now, as a workspace (FX thread). */
    WorkspaceSnapshot snapshot() {
        return snapshot(dir);
    }

    /** As {@link #snapshot()}, with store paths relative to {@code folder} (the folder it is saved into). */
    private WorkspaceSnapshot snapshot(Path folder) {
        List<WorkspaceSnapshot.ModelEntry> models = new ArrayList<>();
        for (OpenModel m : window.tabs().all()) {
            List<String> selected = m.model().selectedTensors().stream().map(GraphTensor::name).toList();
            models.add(new WorkspaceSnapshot.ModelEntry(m.key(), m.file(), m.summary().sha256(),
                    modelArtifacts.get(m.key()), selected));
        }
        String activeKey = window.tabs().active().map(OpenModel::key).orElse(null);
        List<Artifact> others = new ArrayList<>();
        Set<String> missing = new HashSet<>();
        for (Artifact a : otherArtifacts.values()) {
            window.sidebar().entry(a.id()).ifPresent(entry -> {
                others.add(a);
                if (entry.missing()) missing.add(a.id());
            });
        }
        others.addAll(window.captures().artifacts(folder));
        missing.addAll(window.captures().missingIds());
        others.addAll(window.autoencoders().artifacts(folder));
        others.addAll(window.pruning().artifacts(folder));
        missing.addAll(window.autoencoders().missingIds());
        return new WorkspaceSnapshot(dir, models, activeKey, others, missing);
    }

    /** Writes the workspace into a folder as a job. */
    JobManager.Job saveTo(Path target) {
        return saveTo(target, null);
    }

    /** As {@link #saveTo(Path)}; {@code before} (e.g. what was just captured) leads the status line. */
    JobManager.Job saveTo(Path target, String before) {
        WorkspaceSnapshot snapshot = snapshot(target);
        ProgressTask<Map<String, Artifact>> task = ProgressTask.of("Save workspace", progress -> {
            progress.update(0.1, "Recording provenance");
            WorkspaceSnapshot.Built built = snapshot.build();
            progress.update(0.6, "Writing " + Workspaces.FILE_NAME);
            Workspaces.save(target, built.state());
            return built.artifactsByKey();
        });
        int count = snapshot.models().size();
        task.setOnSucceeded(e -> {
            dir = target;
            modelArtifacts.putAll(task.getValue());
            window.status((before == null ? "" : before + " \u2014 ") + "Saved workspace to " + target.toAbsolutePath()
                    + " (" + count + " model" + (count == 1 ? "" : "s") + ")");
        });
        return window.jobs().submit("Save workspace", task);
    }

    // ---- open -------------------------------------------------------------------------------

    /** File > Open workspace...: asks for a workspace folder. */
    void openDialog() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open workspace folder");
        File f = dc.showDialog(window.stage());
        if (f != null) open(f.toPath());
    }

    /** A workspace as read, with where its models are on this machine. */
    private record Opened(LoadedWorkspace workspace, Map<String, Path> modelFiles) {
    }

    /**
     * Opens a workspace folder as a job: on success the open models are replaced by the
     * workspace's, each loaded as a job; a refused workspace shows why and changes nothing.
     */
    JobManager.Job open(Path folder) {
        ProgressTask<Opened> task = ProgressTask.of("Open workspace", progress -> {
            progress.update(0.1, "Reading " + folder.resolve(Workspaces.FILE_NAME));
            LoadedWorkspace ws = Workspaces.open(folder);
            Map<String, Path> files = new HashMap<>();
            for (Artifact a : ws.state().artifacts()) {
                if (Artifact.MODEL.equals(a.kind()) && !ws.isMissing(a)) {
                    Workspaces.resolveModel(folder, a).ifPresent(p -> files.put(a.id(), p));
                }
            }
            return new Opened(ws, files);
        });
        task.setOnSucceeded(e -> restore(task.getValue()));
        return window.jobs().submit("Open workspace", task);
    }

    private void restore(Opened opened) {
        LoadedWorkspace ws = opened.workspace();
        window.tabs().closeAll();
        window.captures().clear();
        window.autoencoders().clear();
        window.pruning().clear();
        window.sidebar().clear();
        modelArtifacts.clear();
        otherArtifacts.clear();
        dir = ws.dir();
        modelFiles.clear();
        modelFiles.putAll(opened.modelFiles());

        Selection sel = ws.state().selection();
        Set<String> open = new HashSet<>(sel.openArtifactIds());
        window.captures().restore(ws.dir(), ws.state().artifacts().stream().filter(a -> Artifact.STORE.equals(a.kind())).toList());
        window.autoencoders().restore(ws.dir(), ws.state().artifacts().stream().filter(a -> Artifact.SAE.equals(a.kind())).toList());
        window.pruning().restore(ws.dir(), ws.state().artifacts().stream().filter(a -> Artifact.MASK.equals(a.kind())).toList());
        for (Artifact a : ws.state().artifacts()) {
            if (Artifact.STORE.equals(a.kind()) || Artifact.SAE.equals(a.kind()) || Artifact.MASK.equals(a.kind())) continue; // their controllers list them
            boolean missing = ws.isMissing(a) || (Artifact.MODEL.equals(a.kind()) && !opened.modelFiles().containsKey(a.id()));
            boolean loads = Artifact.MODEL.equals(a.kind()) && !missing && open.contains(a.id());
            if (!loads) keepUnopened(a, missing); // the loaded ones are listed once their tab is there
        }
        String message = "Opened workspace " + ws.dir().toAbsolutePath();
        if (!ws.missingArtifactIds().isEmpty()) {
            message += " — " + ws.missingArtifactIds().size() + " missing: " + String.join("; ", ws.warnings());
        }
        Map<String, Artifact> byId = new HashMap<>();
        ws.state().artifacts().forEach(a -> byId.put(a.id(), a));
        // the summary goes to the status bar once every model has loaded (each load says "Opened ...")
        int[] pending = {0};
        String summary = message;
        Runnable oneDone = () -> {
            if (--pending[0] == 0) window.status(summary);
        };
        for (String id : sel.openArtifactIds()) {
            Artifact a = byId.get(id);
            Path file = opened.modelFiles().get(id);
            if (a == null || file == null) continue;
            Optional<JobManager.Job> job = window.openFile(file, m -> {
                modelArtifacts.put(m.key(), a);
                selectTensors(m, sel.selectedTensors().getOrDefault(id, List.of()));
                activate(sel.activeArtifactId());
            });
            job.ifPresent(j -> {
                pending[0]++;
                // state listeners run before the task's onSucceeded (which posts "Opened ..."): go after it
                j.task().stateProperty().addListener((obs, old, state) -> {
                    if (state == Worker.State.FAILED || state == Worker.State.CANCELLED) keepUnopened(a, false);
                    if (state == Worker.State.SUCCEEDED || state == Worker.State.FAILED
                            || state == Worker.State.CANCELLED) Platform.runLater(oneDone);
                });
            });
        }
        if (pending[0] == 0) window.status(message);
    }

    /** Lists an artifact that has no tab in the sidebar; it stays part of the workspace. */
    private void keepUnopened(Artifact a, boolean missing) {
        otherArtifacts.put(a.id(), a);
        window.sidebar().put(new SidebarEntry(a.id(), a.kind(), a.name(), missing, tooltip(a)));
    }

    /**
     * The user chose a workspace model that has no tab: opens it (it then gets its tab and its
     * line under Models); a missing one says so.
     */
    void openArtifact(String id) {
        Artifact a = otherArtifacts.get(id);
        if (a == null || !Artifact.MODEL.equals(a.kind())) return;
        Path file = modelFiles.get(id);
        if (file == null) {
            window.status("Model '" + a.name() + "' is missing: " + tooltip(a) + " not found");
            return;
        }
        window.openFile(file, m -> {
            modelArtifacts.put(m.key(), a);
            otherArtifacts.remove(id);
            window.sidebar().remove(id);
            window.sidebar().select(m.key());
        });
    }

    private static String tooltip(Artifact a) {
        if (a.path() != null) return a.path();
        return a.provenance() == null ? null : a.provenance().source();
    }

    private static void selectTensors(OpenModel m, List<String> names) {
        if (names.isEmpty()) return;
        Set<String> wanted = new HashSet<>(names);
        List<GraphTensor> chosen = m.summary().tensors().stream().filter(t -> wanted.contains(t.name())).toList();
        m.model().selectedTensors().setAll(chosen);
    }

    /** Brings the tab of an artifact to the front once it is open. */
    private void activate(String artifactId) {
        if (artifactId == null) return;
        for (Map.Entry<String, Artifact> e : modelArtifacts.entrySet()) {
            if (e.getValue().id().equals(artifactId)) window.tabs().byKey(e.getKey()).ifPresent(window.tabs()::select);
        }
    }

    // ---- from the window ----------------------------------------------------------------------

    /** A model's tab was closed: it is no longer part of the workspace. */
    void modelClosed(OpenModel m) {
        modelArtifacts.remove(m.key());
    }

    /** A report was written: listed under Reports, and saved with the workspace when it lies inside it. */
    void reportWritten(Path reportDir, String name) {
        String id = "report-" + Integer.toHexString(reportDir.toAbsolutePath().normalize().toString().hashCode());
        window.sidebar().put(new SidebarEntry(id, Artifact.REPORT, name, false, reportDir.toAbsolutePath().toString()));
        if (dir != null) {
            Path base = dir.toAbsolutePath().normalize();
            Path abs = reportDir.toAbsolutePath().normalize();
            if (abs.startsWith(base) && !abs.equals(base)) {
                String rel = base.relativize(abs).toString().replace(File.separatorChar, '/');
                otherArtifacts.put(id, new Artifact(id, Artifact.REPORT, name, rel,
                        new Provenance("workbench report", null, Map.of(),
                                Instant.now().toString(), AppInfo.version())));
            }
        }
    }
}
