package sparsity.app.ui;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;

/**
 * The workspace sidebar ({@code #sidebar}): a tree with the categories Models, Data, Captures,
 * Autoencoders, Masks and Reports, filled as artifacts come. Artifacts whose files are missing
 * are greyed and say "(missing)" (style class {@code missing-artifact}).
 */
final class WorkspaceSidebar {

    /** Category headings in the order shown, keyed by the artifact kinds they hold. */
    static final Map<String, String> CATEGORIES = categories();

    private static Map<String, String> categories() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "Models");
        m.put("data", "Data");
        m.put("store", "Captures");
        m.put("sae", "Autoencoders");
        m.put("mask", "Masks");
        m.put("report", "Reports");
        return m;
    }

    private final TreeView<SidebarEntry> tree = new TreeView<>();
    private final Map<String, TreeItem<SidebarEntry>> headings = new LinkedHashMap<>();
    private Consumer<SidebarEntry> onSelect = e -> { };
    private java.util.function.Function<SidebarEntry, javafx.scene.control.ContextMenu> contextMenus = e -> null;
    private boolean selecting;

    WorkspaceSidebar() {
        tree.setId("sidebar");
        TreeItem<SidebarEntry> root = new TreeItem<>(SidebarEntry.heading("Workspace"));
        root.setExpanded(true);
        for (Map.Entry<String, String> c : CATEGORIES.entrySet()) {
            TreeItem<SidebarEntry> h = new TreeItem<>(SidebarEntry.heading(c.getValue()));
            h.setExpanded(true);
            headings.put(c.getKey(), h);
            root.getChildren().add(h);
        }
        tree.setRoot(root);
        tree.setShowRoot(false);
        tree.setCellFactory(tv -> new EntryCell(this));
        tree.getSelectionModel().selectedItemProperty().addListener((obs, old, item) -> {
            if (!selecting && item != null && !item.getValue().isHeading()) onSelect.accept(item.getValue());
        });
    }

    TreeView<SidebarEntry> view() {
        return tree;
    }

    /** Called when the user selects an artifact line. */
    void setOnSelect(Consumer<SidebarEntry> handler) {
        onSelect = handler;
    }

    /** Gives an artifact line its context menu (null: none), e.g. Resume and Delete for a store. */
    void setContextMenus(java.util.function.Function<SidebarEntry, javafx.scene.control.ContextMenu> factory) {
        contextMenus = factory;
    }

    /** Adds an artifact, or replaces the line with the same id. Unknown kinds go under Data. */
    void put(SidebarEntry entry) {
        TreeItem<SidebarEntry> existing = find(entry.id()).orElse(null);
        if (existing != null) {
            existing.setValue(entry);
            return;
        }
        TreeItem<SidebarEntry> heading = headings.getOrDefault(entry.kind(), headings.get("data"));
        heading.getChildren().add(new TreeItem<>(entry));
        heading.setExpanded(true);
    }

    /** Removes an artifact line. */
    void remove(String id) {
        find(id).ifPresent(item -> item.getParent().getChildren().remove(item));
    }

    /** Removes every artifact line (the headings stay). */
    void clear() {
        for (TreeItem<SidebarEntry> h : headings.values()) h.getChildren().clear();
    }

    /** Selects an artifact line without telling the select handler. */
    void select(String id) {
        selecting = true;
        try {
            find(id).ifPresentOrElse(item -> tree.getSelectionModel().select(item),
                    () -> tree.getSelectionModel().clearSelection());
        } finally {
            selecting = false;
        }
    }

    /** The artifact line selected now (not a heading). */
    Optional<SidebarEntry> selected() {
        TreeItem<SidebarEntry> item = tree.getSelectionModel().getSelectedItem();
        return item == null || item.getValue() == null || item.getValue().isHeading() ? Optional.empty() : Optional.of(item.getValue());
    }

    /** The line of an artifact. */
    Optional<SidebarEntry> entry(String id) {
        return find(id).map(TreeItem::getValue);
    }

    /** The lines under one category heading (for the kind's category). */
    java.util.List<SidebarEntry> entries(String kind) {
        TreeItem<SidebarEntry> h = headings.get(kind);
        return h == null ? java.util.List.of() : h.getChildren().stream().map(TreeItem::getValue).toList();
    }

    private Optional<TreeItem<SidebarEntry>> find(String id) {
        if (id == null) return Optional.empty();
        for (TreeItem<SidebarEntry> h : headings.values()) {
            for (TreeItem<SidebarEntry> item : h.getChildren()) {
                if (id.equals(item.getValue().id())) return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    private static final class EntryCell extends TreeCell<SidebarEntry> {
        private final WorkspaceSidebar sidebar;

        EntryCell(WorkspaceSidebar sidebar) {
            this.sidebar = sidebar;
        }

        @Override
        protected void updateItem(SidebarEntry item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("missing-artifact", "sidebar-heading");
            setStyle(null);
            if (empty || item == null) {
                setText(null);
                setTooltip(null);
                setContextMenu(null);
                return;
            }
            setContextMenu(item.isHeading() ? null : sidebar.contextMenus.apply(item));
            setText(item.label());
            setTooltip(item.tooltip() == null ? null : new Tooltip(item.tooltip()));
            if (item.isHeading()) {
                getStyleClass().add("sidebar-heading");
                setStyle("-fx-font-weight: bold;");
            } else if (item.missing()) {
                getStyleClass().add("missing-artifact");
                setStyle("-fx-text-fill: #999999; -fx-font-style: italic;");
            } else if (item.label().endsWith("(incomplete)")) {
                setStyle("-fx-text-fill: #b35c00;");
            }
        }
    }
}
