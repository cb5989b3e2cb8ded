package sparsity.app.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.LoadedWorkspace;
import sparsity.app.workspace.Workspaces;
import sparsity.app.capture.StoreArtifacts;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.ActivationSummary;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.attention.HeadAnalysis;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.views.attention.AtlasImages;
import sparsity.views.attention.AttentionCharts;
import sparsity.views.capture.StoreAtlas;
import sparsity.views.stats.ActivationStatsReport;
import sparsity.views.export.TableData;
import sparsity.views.model.ModelReport;
import sparsity.views.report.ReportItem;

/**
 * The report of a workspace: a table of its artifacts with their provenance, then the charts
 * and tables of every model (and, as features arrive, of every other artifact). The GUI's
 * File &gt; Export report and {@code ./workbench report} both use it.
 */
public final class WorkspaceReport {

    private WorkspaceReport() {
    }

    /** The artifacts table of a workspace. */
    public static ReportItem artifactsItem(LoadedWorkspace ws) {
        List<List<String>> rows = new ArrayList<>();
        for (Artifact a : ws.state().artifacts()) {
            var p = a.provenance();
            rows.add(List.of(a.id(), a.kind(), String.valueOf(a.name()), a.path() == null ? "" : a.path(),
                    p == null || p.source() == null ? "" : p.source(), p == null || p.sha256() == null ? "" : p.sha256(),
                    p == null || p.createdAt() == null ? "" : p.createdAt(),
                    p == null ? "" : p.settings().toString(), ws.isMissing(a) ? "missing" : "ok"));
        }
        TableData t = new TableData("Artifacts", List.of("id", "kind", "name", "path", "source", "sha256", "created",
                "settings", "status"), rows);
        Map<String, String> prov = new LinkedHashMap<>();
        prov.put("workspace", ws.dir().toAbsolutePath().toString());
        prov.put("format version", Integer.toString(ws.state().formatVersion()));
        prov.put("saved", String.valueOf(ws.state().savedAt()));
        prov.put("app version", String.valueOf(ws.state().appVersion()));
        return new ReportItem("workspace-artifacts", "Artifacts of the workspace", "Workspace", prov, null, t);
    }

    /** Every item of the report: the artifacts, then each model that can be read. */
    public static List<ReportItem> items(LoadedWorkspace ws, List<String> warnings, ProgressListener progress)
            throws InterruptedException {
        List<ReportItem> items = new ArrayList<>();
        items.add(artifactsItem(ws));
        List<Artifact> models = ws.state().artifacts().stream().filter(a -> Artifact.MODEL.equals(a.kind())).toList();
        for (int i = 0; i < models.size(); i++) {
            Artifact a = models.get(i);
            progress.update((double) i / Math.max(1, models.size()), "Reading " + a.name());
            Optional<Path> file = Workspaces.resolveModel(ws.dir(), a);
            if (file.isEmpty()) {
                warnings.add("model '" + a.name() + "' is missing; left out of the report");
                continue;
            }
            try {
                ModelSummary s = OnnxModels.summarize(file.get(), ProgressListener.NONE);
                items.addAll(ModelReport.items(s));
            } catch (ModelLoadException e) {
                warnings.add(e.getMessage() + "; left out of the report");
            }
        }
        for (Artifact a : ws.state().artifacts()) {
            if (!Artifact.STORE.equals(a.kind())) continue;
            Optional<Path> dir = StoreArtifacts.fromArtifact(ws.dir(), a).map(r -> r.dir());
            if (dir.isEmpty() || !ActivationStore.isStore(dir.get())) {
                warnings.add("store '" + a.name() + "' is missing; left out of the report");
                continue;
            }
            try {
                items.addAll(storeItems(a.name(), dir.get()));
            } catch (java.io.IOException | RuntimeException e) {
                warnings.add("store '" + a.name() + "': " + e.getMessage() + "; left out of the report");
            }
        }
        progress.update(1, "Report items ready");
        return items;
    }

    /**
     * A store's report items: the statistics of every tensor of rows, and for attention maps the
     * per-head metrics table and the atlas of the first example.
     */
    public static List<ReportItem> storeItems(String name, Path dir) throws java.io.IOException, InterruptedException {
        List<ReportItem> out = new ArrayList<>();
        try (ActivationStore s = ActivationStore.open(dir)) {
            Map<String, String> prov = new LinkedHashMap<>();
            prov.put("store", dir.toAbsolutePath().toString());
            prov.put("model", String.valueOf(s.header().modelFile()));
            prov.put("model sha256", s.header().modelSha256());
            prov.put("inputs", s.header().source());
            prov.put("status", s.isComplete() ? "complete" : "incomplete");
            for (StoredTensor t : s.tensors()) {
                if (t.isAttention()) continue;
                ActivationSummary sum = ActivationStats.compute(t.rowSource(4096), ActivationStats.Settings.defaults(), ProgressListener.NONE);
                for (ReportItem i : ActivationStatsReport.items(sum, t.name(), prov)) {
                    out.add(new ReportItem(name + "-" + i.id(), i.title(), "Store " + name, i.provenance(), i.image(), i.table()));
                }
            }
            if (s.tensors().stream().anyMatch(StoredTensor::isAttention)) {
                List<HeadAnalysis.HeadReport> heads = HeadAnalysis.analyze(s, HeadMetrics.Settings.defaults(), 0.1, null, ProgressListener.NONE);
                out.addAll(AttentionCharts.reportItems(heads, name, "Store " + name, prov));
                StoreAtlas atlas = StoreAtlas.of(s, 0, name + ", example 0");
                out.add(new ReportItem(name + "-attention-atlas", "Attention atlas, example 0", "Store " + name, prov,
                        AtlasImages.imageSource(atlas.atlas(), true), null));
            }
        }
        return out;
    }
}
