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
        progress.update(1, "Report items ready");
        return items;
    }
}
