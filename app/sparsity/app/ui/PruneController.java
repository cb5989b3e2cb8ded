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
            masks.put("mask-" + Integer.toHexString(maskFile.toString().hashCode()), new MaskRecord(maskFile, r, m.displayName(), label, m.key()));
            String msg = String.format(Locale.ROOT, "Pruned %s: %s, %,d of %,d weights (%.2f%%); mask saved to %s", m.displayName(), label,
                    r.pruned(), r.prunable(), 100 * r.sparsity(), maskFile);
            window.workspace().folder().ifPresentOrElse(ws -> window.workspace().saveTo(ws, msg), () -> window.status(msg));
        });
        return window.jobs().submit(task.getTitle(), task);
    }

    /** A saved mask: its result and the model tab it was made on, or (from a reopened workspace) only its file. */
    private record MaskRecord(Path file, PruneResult result, String model, String label, String modelKey) {
    }

    /**
     * Lists a reopened workspace's masks under Masks (missing files marked); their results are
     * rebuilt from the mask files when chosen ({@link #open}).
     */
    void restore(Path workspaceDir, List<Artifact> artifacts) {
        for (Artifact a : artifacts) {
            String where = a.path() != null ? a.path() : a.provenance() == null ? null : a.provenance().settings().get("file");
            if (where == null) continue;
            Path file = workspaceDir.resolve(where).normalize();
            String model = a.provenance() == null ? "" : a.provenance().source();
            masks.put(a.id(), new MaskRecord(file, null, model, null, null));
            window.sidebar().put(new SidebarEntry(a.id(), Artifact.MASK, a.name(), !Files.isRegularFile(file), file.toString()));
        }
    }

    /**
     * Shows a mask chosen under Masks: its result tab when it is open; else the result is
     * rebuilt from the mask file on the open model it was made for (matched by the file's
     * sha256, then by name) as a job. Says what to open first when that model is not open.
     */
    void open(String id) {
        MaskRecord r = masks.get(id);
        if (r == null) return;
        if (r.result() != null && r.modelKey() != null) {
            Tab t = tabs.get(r.modelKey() + "|" + r.label());
            if (t != null) {
                window.tabs().view().getSelectionModel().select(t);
                return;
            }
            Optional<OpenModel> m = window.tabs().all().stream().filter(o -> o.key().equals(r.modelKey())).findFirst();
            if (m.isPresent()) {
                show(m.get(), r.label(), r.result());
                return;
            }
        }
        if (!Files.isRegularFile(r.file())) {
            window.status("Mask " + r.file().getFileName() + " is missing: " + r.file() + " not found");
            return;
        }
        List<OpenModel> open = window.tabs().all();
        record Rebuilt(OpenModel model, String label, PruneResult result) {
        }
        ProgressTask<Rebuilt> task = ProgressTask.of("Open mask " + r.file().getFileName(), progress -> {
            MaskArtifact a = MaskFile.read(r.file());
            OpenModel match = null;
            for (OpenModel o : open) {
                if (o.file() != null && a.provenance().modelSha256().equalsIgnoreCase(OnnxModels.sha256(o.file()))) match = o;
            }
            if (match == null) {
                for (OpenModel o : open) {
                    if (o.file() != null && o.displayName().equals(a.provenance().model())) match = o;
                }
            }
            if (match == null) {
                throw new IllegalArgumentException("open the model this mask was made for first: " + a.provenance().model()
                        + " (sha256 " + a.provenance().modelSha256() + ")");
            }
            PruneResult result = a.toResult(OnnxModels.read(match.file()));
            return new Rebuilt(match, result.spec().describe(), result);
        });
        task.setOnSucceeded(e -> {
            Rebuilt b = task.getValue();
            results.computeIfAbsent(b.model().key(), k -> new LinkedHashMap<>()).put(b.label(), b.result());
            masks.put(id, new MaskRecord(r.file(), b.result(), b.model().displayName(), b.label(), b.model().key()));
            show(b.model(), b.label(), b.result());
            window.status(String.format(Locale.ROOT, "Opened the mask %s on %s: %s, %,d of %,d weights (%.2f%%)", r.file().getFileName(),
                    b.model().displayName(), b.label(), b.result().pruned(), b.result().prunable(), 100 * b.result().sparsity()));
        });
        task.setOnFailed(e -> window.status("Could not open the mask " + r.file().getFileName() + ": " + task.getException().getMessage()));
        window.jobs().submit(task.getTitle(), task);
    }

    // ---- sweeps ---------------------------------------------------------------------------------

    private final Map<String, sparsity.views.prune.CurveViewModel> curves = new LinkedHashMap<>();

    void openSweepDialogForActive() {
        Optional<OpenModel> m = window.tabs().active();
        if (m.isEmpty() && window.tabs().all().size() == 1) m = Optional.of(window.tabs().all().getFirst());
        if (m.isEmpty()) {
            window.status("Open a model first (or bring it to the front): a sweep prunes the model in front");
            return;
        }
        OpenModel model = m.get();
        boolean sample;
        try {
            sample = PruneWork.sampleData(model.file()).isPresent();
        } catch (java.io.IOException e) {
            sample = false;
        }
        sparsity.views.prune.SweepDialogView view = new sparsity.views.prune.SweepDialogView(model.displayName(),
                sparsity.analysis.prune.sweep.SweepMethods.NAMES, sample);
        Stage st = new Stage();
        if (window.stage() != null && window.stage().isShowing()) st.initOwner(window.stage());
        st.setTitle("Sweep \u2014 " + model.displayName());
        st.setScene(new Scene(view, 640, 420));
        view.setOnClose(st::close);
        view.setOnSweep(r -> {
            st.close();
            sweep(model, r);
        });
        sweepDialog = st;
        st.show();
    }

    private Stage sweepDialog;

    Optional<Stage> sweepDialogStage() {
        return Optional.ofNullable(sweepDialog);
    }

    /** The curves of a sweep's tab, by model display name (tests). */
    Optional<sparsity.views.prune.CurveViewModel> curve(String modelName) {
        return Optional.ofNullable(curves.get(modelName));
    }

    /**
     * Runs a sweep as a job: each point lands on the live curve as it is measured; then the layer
     * sensitivity and the TEAL curve when asked, each in its own tab.
     */
    JobManager.Job sweep(OpenModel m, sparsity.views.prune.SweepDialogView.Request req) {
        Path file = m.file();
        sparsity.views.prune.CurveViewModel vm = new sparsity.views.prune.CurveViewModel("Sweep of " + m.displayName(),
                "weight sparsity (%)", "metric");
        curves.put(m.displayName(), vm);
        sparsity.views.prune.CurveView cv = new sparsity.views.prune.CurveView(vm, "sweepCurve");
        Tab tab = new Tab("Sweep: " + m.displayName(), cv);
        tab.setId("sweepTab-" + FxIds.safe(m.displayName()));
        tab.setOnClosed(e -> cv.dispose());
        window.tabs().view().getTabs().add(tab);
        window.tabs().view().getSelectionModel().select(tab);
        record Outcome(sparsity.analysis.prune.sweep.SweepResult sweep, sparsity.analysis.prune.sweep.SensitivityResult sensitivity,
                       sparsity.analysis.prune.sweep.Teal.Result teal, String metric) {
        }
        ProgressTask<Outcome> task = ProgressTask.of("Sweep " + m.displayName(), progress -> {
            ModelProto model = OnnxModels.read(file);
            List<sparsity.analysis.prune.PrunableWeight> weights = sparsity.analysis.prune.PrunedModels.supported(model);
            sparsity.analysis.evaluate.EvalData data;
            Optional<sparsity.analysis.samples.SampleModels.Sample> sample = sampleOf(file);
            if (!req.eval().isEmpty()) {
                data = sparsity.analysis.evaluate.EvalData.load(file, Path.of(req.eval()),
                        sparsity.analysis.capture.InputSources.tokenizerBeside(file).orElse(null), null, 16, 128, 512);
            } else if (sample.isPresent()) {
                data = sparsity.analysis.evaluate.EvalData.forSample(sample.get(), sample.get() == sparsity.analysis.samples.SampleModels.MINILM ? 64 : 2000, 64);
            } else {
                throw new IllegalArgumentException("name the evaluation data: " + m.displayName() + " is not a bundled sample");
            }
            sparsity.analysis.evaluate.TaskMetric chosen = req.metric() == null || req.metric().equals("auto") ? null
                    : sparsity.analysis.evaluate.TaskMetric.parse(req.metric());
            try (sparsity.analysis.evaluate.Evaluator ev = sparsity.analysis.evaluate.Evaluator.open(file, model, data, chosen, null)) {
                sparsity.analysis.evaluate.TaskMetric mt = ev.metric();
                double dense = ev.dense().value();
                javafx.application.Platform.runLater(() -> {
                    vm.baseline().set(dense);
                    vm.metricLabel().set(mt.label());
                    vm.message().set("Dense model: " + mt.description() + String.format(Locale.ROOT, " %.4f", dense) + " on " + data.description());
                });
                List<sparsity.analysis.prune.sweep.SweepMethod> methods = new java.util.ArrayList<>();
                for (String name : req.methods()) methods.add(sparsity.analysis.prune.sweep.SweepMethods.of(name));
                if (req.nm24()) {
                    for (String name : req.methods()) {
                        if (sparsity.analysis.prune.sweep.SweepMethods.NM_NAMES.contains(name)) {
                            methods.add(sparsity.analysis.prune.sweep.SweepMethods.nm(name, 2, 4));
                        }
                    }
                }
                boolean needCal = methods.stream().anyMatch(sparsity.analysis.prune.sweep.SweepMethod::needsCalibration) || !req.teal().isEmpty();
                sparsity.analysis.prune.sweep.PruneContext ctx = sparsity.analysis.prune.sweep.PruneContext.of(file, model, weights,
                        needCal ? data.first(512) : null, 0);
                sparsity.analysis.prune.sweep.SweepResult r = sparsity.analysis.prune.sweep.Sweep.run(ev, ctx, methods, req.levels(), null,
                        p -> vm.add(new sparsity.views.prune.CurveViewModel.Point(p.method(), p.actualSparsity(), p.value(), p.actualSparsity(),
                                p.seconds())), progress);
                sparsity.analysis.prune.sweep.SensitivityResult sens = null;
                if (req.sensitivity()) {
                    progress.update(-1, "Layer sensitivity");
                    sens = sparsity.analysis.prune.sweep.Sensitivity.run(ev, ctx, sparsity.analysis.prune.sweep.SweepMethods.of("magnitude"),
                            req.levels().stream().filter(l -> l > 0).toList(), p -> { }, progress);
                }
                sparsity.analysis.prune.sweep.Teal.Result teal = null;
                if (!req.teal().isEmpty()) {
                    progress.update(-1, "TEAL activation thresholds");
                    sparsity.analysis.prune.sweep.Teal.Calibration c = sparsity.analysis.prune.sweep.Teal.calibrate(file, model, weights,
                            data.first(512), sparsity.analysis.prune.sweep.Teal.DEFAULT_ROWS, 0, progress);
                    teal = sparsity.analysis.prune.sweep.Teal.run(ev, c, req.teal(), p -> { }, progress);
                }
                return new Outcome(r, sens, teal, mt.description());
            }
        });
        task.setOnSucceeded(e -> {
            Outcome o = task.getValue();
            vm.drain();
            vm.message().set(vm.message().get() + String.format(Locale.ROOT, " \u2014 %d points in %.1f s", o.sweep().points().size(),
                    o.sweep().seconds()));
            if (o.sensitivity() != null) {
                var s = o.sensitivity();
                double at = s.levels().get(s.levels().size() / 2);
                double[] lv = s.levels().stream().mapToDouble(Double::doubleValue).toArray();
                Map<String, double[]> chosen = s.chosen(o.sweep(), at);
                sparsity.views.prune.SensitivityView sv = new sparsity.views.prune.SensitivityView(s.layerNames(), lv, s.dropMatrix(), o.metric(),
                        chosen, at);
                Tab st = new Tab("Sensitivity: " + m.displayName(), sv);
                st.setId("sensitivityTab");
                window.tabs().view().getTabs().add(st);
            }
            if (o.teal() != null) {
                sparsity.views.prune.CurveViewModel tv = new sparsity.views.prune.CurveViewModel("TEAL on " + m.displayName(),
                        "activation sparsity (%)", "metric");
                tv.baseline().set(vm.baseline().get());
                tv.metricLabel().set(vm.metricLabel().get());
                for (var p : o.teal().points()) tv.add(new sparsity.views.prune.CurveViewModel.Point("TEAL", p.sparsity(), p.value(), p.sparsity(), p.seconds()));
                tv.drain();
                tv.message().set("Per-layer magnitude thresholds on the inputs of the linear layers, spliced into the graph");
                Tab tt = new Tab("TEAL: " + m.displayName(), new sparsity.views.prune.CurveView(tv, "tealCurve"));
                tt.setId("tealTab");
                window.tabs().view().getTabs().add(tt);
            }
            window.status(String.format(Locale.ROOT, "Sweep of %s: %d points in %.1f s", m.displayName(), o.sweep().points().size(), o.sweep().seconds()));
        });
        return window.jobs().submit(task.getTitle(), task);
    }

    private static Optional<sparsity.analysis.samples.SampleModels.Sample> sampleOf(Path file) throws java.io.IOException {
        Path f = file.toAbsolutePath().normalize();
        for (sparsity.analysis.samples.SampleModels.Sample s : sparsity.analysis.samples.SampleModels.all()) {
            try {
                if (sparsity.analysis.samples.SampleModels.path(s).toAbsolutePath().normalize().equals(f)) return Optional.of(s);
            } catch (java.io.IOException e) {
                // not made here
            }
        }
        return Optional.empty();
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
                s.put("method", r.label() != null ? r.label() : r.file().getFileName().toString());
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
