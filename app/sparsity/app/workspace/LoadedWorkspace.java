package sparsity.app.workspace;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A workspace as opened: its state, and which artifacts could not be found.
 *
 * @param dir                the workspace folder
 * @param state              what workspace.json says
 * @param missingArtifactIds artifacts whose file (or model source) is missing
 * @param warnings           one line per problem found, for the status bar and the CLI
 */
public record LoadedWorkspace(Path dir, WorkspaceState state, Set<String> missingArtifactIds, List<String> warnings) {

    public boolean isMissing(Artifact a) {
        return missingArtifactIds.contains(a.id());
    }
}
