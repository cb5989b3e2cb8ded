package sparsity.app.workspace;

/**
 * One thing a workspace holds.
 *
 * @param id         unique within the workspace
 * @param kind       {@code model}, {@code store}, {@code sae}, {@code mask} or {@code report}
 * @param name       shown in the sidebar
 * @param path       file or folder relative to the workspace folder (never {@code ../}); null for
 *                   a model that is referenced by its {@link Provenance#source()}
 * @param provenance where it came from
 */
public record Artifact(String id, String kind, String name, String path, Provenance provenance) {

    public static final String MODEL = "model";
    public static final String STORE = "store";
    public static final String SAE = "sae";
    public static final String MASK = "mask";
    public static final String REPORT = "report";
}
