package sparsity.app.ui;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import sparsity.app.AppInfo;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.LoadedWorkspace;
import sparsity.app.workspace.Selection;
import sparsity.app.workspace.WorkspaceState;
import sparsity.app.workspace.Workspaces;

/**
 * What the window holds, as a workspace: taken on the FX thread, turned into a
 * {@link WorkspaceState} on a job's thread (recording a model's provenance may copy a bundled
 * sample out of its jar to compare it).
 *
 * @param dir        the workspace folder, or null when it was never saved nor opened
 * @param models     the open models in tab order
 * @param activeKey  key of the model in front, or null
 * @param others     the other artifacts the sidebar lists (missing models, captures, reports...)
 * @param missingIds which of {@code others} are missing
 */
record WorkspaceSnapshot(Path dir, List<ModelEntry> models, String activeKey, List<Artifact> others,
                         Set<String> missingIds) {

    /**
     * One open model.
     *
     * @param artifact its artifact when it has one already (from an earlier save or the opened
     *                 workspace), else null
     * @param selected names of the tensors selected in its tensor list
     */
    record ModelEntry(String key, Path file, String sha256, Artifact artifact, List<String> selected) {
    }

    /** The state to save, and the artifact given to each open model (by model key). */
    record Built(WorkspaceState state, Map<String, Artifact> artifactsByKey) {

        /** The state as an opened workspace in a folder (what the report's artifact table reads). */
        LoadedWorkspace asLoaded(Path folder, Set<String> missingIds) {
            return new LoadedWorkspace(folder, state, missingIds, List.of());
        }
    }

    WorkspaceSnapshot {
        models = List.copyOf(models);
        others = List.copyOf(others);
        missingIds = Set.copyOf(missingIds);
    }

    /** Builds the workspace state; gives each open model without an artifact one, with a unique id. */
    Built build() throws InterruptedException {
        Map<String, Artifact> byKey = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        others.forEach(a -> ids.add(a.id()));
        List<Artifact> artifacts = new ArrayList<>();
        List<String> openIds = new ArrayList<>();
        Map<String, List<String>> selected = new LinkedHashMap<>();
        String activeId = null;
        for (ModelEntry e : models) {
            Artifact a = e.artifact() != null ? e.artifact() : Workspaces.modelArtifact(e.file(), e.sha256());
            a = withUniqueId(a, ids);
            byKey.put(e.key(), a);
            artifacts.add(a);
            openIds.add(a.id());
            if (!e.selected().isEmpty()) selected.put(a.id(), e.selected());
            if (e.key().equals(activeKey)) activeId = a.id();
            if (Thread.interrupted()) throw new InterruptedException();
        }
        artifacts.addAll(others);
        WorkspaceState state = new WorkspaceState(Workspaces.FORMAT_VERSION, AppInfo.version(),
                Instant.now().toString(), artifacts, new Selection(activeId, openIds, selected));
        return new Built(state, byKey);
    }

    private static Artifact withUniqueId(Artifact a, Set<String> taken) {
        String id = a.id();
        for (int n = 2; taken.contains(id); n++) id = a.id() + "-" + n;
        taken.add(id);
        return id.equals(a.id()) ? a : new Artifact(id, a.kind(), a.name(), a.path(), a.provenance());
    }
}
