package sparsity.app.workspace;

import java.util.List;

/**
 * The contents of {@code workspace.json}.
 *
 * @param formatVersion {@link Workspaces#FORMAT_VERSION} when written by this app
 * @param appVersion    version of the app that wrote it
 * @param savedAt       ISO-8601 instant of the save
 * @param artifacts     everything the workspace holds
 * @param selection     what was open and selected
 */
public record WorkspaceState(int formatVersion, String appVersion, String savedAt, List<Artifact> artifacts,
                             Selection selection) {

    public WorkspaceState {
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        selection = selection == null ? Selection.empty() : selection;
    }
}
