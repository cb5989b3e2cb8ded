package sparsity.app.ui;

/**
 * One line of the workspace sidebar.
 *
 * @param id      the artifact id (a model's key for open models); null for a category heading
 * @param kind    artifact kind: model, data, store, sae, mask, report (see {@link WorkspaceSidebar})
 * @param name    what the line says
 * @param missing true when the workspace refers to a file that is gone (shown greyed, "(missing)")
 * @param tooltip longer text shown on hover (e.g. the file path); may be null
 */
record SidebarEntry(String id, String kind, String name, boolean missing, String tooltip) {

    static SidebarEntry heading(String name) {
        return new SidebarEntry(null, null, name, false, null);
    }

    boolean isHeading() {
        return id == null;
    }

    /** The text the tree shows. */
    String label() {
        return missing ? name + " (missing)" : name;
    }
}
