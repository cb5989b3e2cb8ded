package sparsity.app.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import ai.onnx.proto.OnnxMl.ModelProto;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.Tooltip;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import sparsity.analysis.graph.ModelSessions;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Calibration;
import sparsity.analysis.prune.MaskArtifact;
import sparsity.analysis.prune.MaskFile;
import sparsity.analysis.prune.PruneResult;
import sparsity.analysis.prune.PruneSpec;
import sparsity.analysis.prune.Pruning;
import sparsity.app.AppInfo;
import sparsity.app.jobs.JobManager;
import sparsity.app.jobs.ProgressTask;
import sparsity.app.prune.PruneWork;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.views.prune.PruneDialogView;
import sparsity.views.prune.PruneDialogViewModel;
import sparsity.views.prune.PruneResultView;

/**
 * Pruning in the window: the prune dialog on the model in front, the pruning as a job
 * (calibration when the method needs it), its result in a tab (every weight's status and
 * sparsity, each mask's pattern compared with the model's other prunings), the mask saved as a
 * workspace artifact with its provenance, and the pruned model written on request.
 */
final class PruneController {

    private final MainWindow window;
    /** Per model file, its prunings by label, in order. */
    private final Map<String, Map<String, PruneResult>> results = new LinkedHashMap<>();
    private final Map<String, Tab> tabs = new LinkedHashMap<>();
    private Stage dialog;

    PruneController(MainWindow window) {
        this.window = window;
    }

    void openDialogForActive() {
        Optional<OpenModel> m = window.tabs().active();
        if (m.isEmpty() && window.tabs().all().size() == 1) m = Optional.of(window.tabs().all().getFirst());
        if (m.isEmpty()) {
            window.status(window.tabs().all().isEmpty() ? "Open a model first: pruning works on the model in front"
                    : "Bring the model to prune to the front (its tab), then Prune again");
            return;
        }
        openDialog(m.get());
    }

    PruneDialogView openDialog(OpenModel m) {
        if (dialog != null) dialog.close();
        boolean sample;
        try {
            sample = PruneWork.sampleData(m.file()).isPresent();
        } catch (java.io.IOException e) {
            sample = false;
        }
        PruneDialogViewModel vm = new PruneDialogViewModel(sample);
        PruneDialogView view = new PruneDialogView(vm, m.displayName());
        Stage st = new Stage();
        Window owner = window.stage();
        if (owner != null && owner.isShowing()) st.initOwner(owner);
        st.setTitle("Prune \u2014 " + m.displayName());
        st.setScene(new Scene(view, 640, 460));
        view.setOnClose(st::close);
        view.setOnPrune(v -> {
            st.close();
            prune(m, v.spec(), v.calibrationRequest());
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

    /** Prunes a model as a job; the result opens in a tab and its mask is saved. */
    JobManager.Job prune(OpenModel m, PruneSpec spec, PruneDialogViewModel.Calibration cal) {
        Path file = m.file();
        String label = spec.describe();
        Path maskFile = maskFolder().resolve(stem(file) + "-" + label.replaceAll("[^A-Za-z0-9.]+", "-") + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".safetensors");
        ProgressTask<PruneResult> task = ProgressTask.of("Prune " + m.displayName() + " (" + label + ")", progress -> {
            ModelProto model = OnnxModels.read(file);
            String sha = OnnxModels.sha256(file);
            try (Backend be = Backends.cpu()) {
                Calibration c = null;
                if (cal != null) {
                    progress.update(-1, "Calibrating on " + (cal.input() == null ? "the sample's own data" : cal.input().getFileName()));
                    c = PruneWork.calibrate(file, model, cal.input(), null, cal.limit(), 16, 128, Pruning.method(spec.method()).gram(), be, progress);
                }
                PruneResult r = Pruning.apply(model, spec, c, be, progress);
                Files.createDirectories(maskFile.getParent());
                MaskFile.write(maskFile, MaskArtifact.of(r, model, m.displayName(), sha, AppInfo.version()));
                return r;
            }
        });
        task.setOnSucceeded(e -> {
            PruneResult r = task.getValue();
            results.computeIfAbsent(m.key(), k -> new LinkedHashMap<>()).put(label, r);
            show(m, label, r);
            window.sidebar().put(new SidebarEntry("mask-" + Integer.toHexString(maskFile.toString().hashCode()), Artifact.MASK,
                    maskFile.getFileName().toString(), false, maskFile.toString()));
            masks.put("mask-" + Integer.toHexString(maskFile.toString().hashCode()), new MaskRecord(maskFile, r, m.displayName(), label));
            String msg = String.format(Locale.ROOT, "Pruned %s: %s, %,d of %,d weights (%.2f%%); mask saved to %s", m.displayName(), label,
                    r.pruned(), r.prunable(), 100 * r.sparsity(), maskFile);
            window.workspace().folder().ifPresentOrElse(ws -> window.workspace().saveTo(ws, msg), () -> window.status(msg));
        });
        return window.jobs().submit(task.getTitle(), task);
    }

    private record MaskRecord(Path file, PruneResult result, String model, String label) {
    }

    private final Map<String, MaskRecord> masks = new LinkedHashMap<>();

    private void show(OpenModel m, String label, PruneResult r) {
        String key = m.key() + "|" + label;
        Tab old = tabs.remove(key);
        if (old != null) window.tabs().view().getTabs().remove(old);
        PruneResultView v = new PruneResultView(m.displayName() + ": " + label, r, () -> results.getOrDefault(m.key(), Map.of()));
        v.writeModelButton().setOnAction(e -> writeModelDialog(m, r, label));
        Tab tab = new Tab("Pruned: " + label, v);
        tab.setId("pruneTab-" + FxIds.safe(label));
        tab.setTooltip(new Tooltip(m.file().toString()));
        tab.setUserData(v);
        tab.setOnClosed(x -> tabs.remove(key));
        tabs.put(key, tab);
        window.tabs().view().getTabs().add(tab);
        window.tabs().view().getSelectionModel().select(tab);
    }

    /** The result view of a pruning's tab (tests). */
    Optional<PruneResultView> view(String label) {
        return tabs.entrySet().stream().filter(e -> e.getKey().contains("|" + label)).map(e -> (PruneResultView) e.getValue().getUserData())
                .findFirst();
    }

    private void writeModelDialog(OpenModel m, PruneResult r, String label) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Write the pruned model");
        fc.setInitialFileName(stem(m.file()) + "-" + label.replaceAll("[^A-Za-z0-9.]+", "-") + ".onnx");
        File f = fc.showSaveDialog(window.stage());
        if (f != null) writeModel(m, r, f.toPath());
    }

    /** Writes the pruned model as a job and checks that ONNX Runtime loads it. */
    JobManager.Job writeModel(OpenModel m, PruneResult r, Path out) {
        ProgressTask<Path> task = ProgressTask.of("Write pruned " + m.displayName(), progress -> {
            ModelProto model = OnnxModels.read(m.file());
            ModelSessions.save(r.applyTo(model), out);
            OnnxModels.verifyWithRuntime(out);
            return out;
        });
        task.setOnSucceeded(e -> window.status("Wrote the pruned model " + out + " (ONNX Runtime loads it)"));
        return window.jobs().submit(task.getTitle(), task);
    }

    private Path maskFolder() {
        if (maskFolderOverride != null) return maskFolderOverride;
        return window.workspace().folder().map(w -> w.resolve("masks"))
                .orElse(Path.of(System.getProperty("user.home"), "sparsity-workbench", "masks"));
    }

    private Path maskFolderOverride;

    /** Where masks go when no workspace is open (tests keep them out of the home folder). */
    void setMaskFolder(Path dir) {
        maskFolderOverride = dir;
    }

    private static String stem(Path file) {
        return file.getFileName().toString().replaceFirst("\\.onnx$", "");
    }

    /** The mask artifacts for workspace.json (path relative to the workspace when inside it). */
    List<Artifact> artifacts(Path workspaceDir) {
        List<Artifact> out = new java.util.ArrayList<>();
        for (Map.Entry<String, MaskRecord> e : masks.entrySet()) {
            MaskRecord r = e.getValue();
            Map<String, String> s = new LinkedHashMap<>();
            try {
                s.putAll(MaskFile.read(r.file()).provenance().settings());
            } catch (java.io.IOException ex) {
                s.put("method", r.label());
            }
            String rel = null;
            if (workspaceDir != null) {
                Path b = workspaceDir.toAbsolutePath().normalize();
                Path d = r.file().toAbsolutePath().normalize();
                if (d.startsWith(b)) rel = b.relativize(d).toString().replace(File.separatorChar, '/');
            }
            if (rel == null) s.put("file", r.file().toString());
            out.add(new Artifact(e.getKey(), Artifact.MASK, r.file().getFileName().toString(), rel,
                    new Provenance(r.model(), null, s, java.time.Instant.now().toString(), AppInfo.version())));
        }
        return out;
    }

    void clear() {
        for (Tab t : List.copyOf(tabs.values())) window.tabs().view().getTabs().remove(t);
        tabs.clear();
        results.clear();
        masks.clear();
    }
}
