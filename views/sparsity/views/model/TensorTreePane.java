package sparsity.views.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.controlsfx.control.textfield.CustomTextField;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.views.export.ExportActions;

/**
 * The tensors tab: every intermediate tensor, grouped by layer, filtered as you type. The tree's
 * selection and {@link ModelViewModel#selectedTensors()} follow each other both ways (the app
 * restores a saved selection by setting the view-model's list); tensors the filter hides drop out
 * of the selection.
 */
final class TensorTreePane extends BorderPane {

    /** A row of the tree: a layer group (tensor null) or one tensor. */
    record Row(String label, GraphTensor tensor, int members) {
        static Row group(String name, int members) {
            return new Row(name, null, members);
        }

        static Row of(GraphTensor t) {
            return new Row(t.name(), t, 1);
        }

        String name() {
            return tensor == null ? label + "  (" + members + ")" : label;
        }
    }

    private final ModelViewModel vm;
    private final TreeTableView<Row> tree = new TreeTableView<>();
    private final Map<GraphTensor, TreeItem<Row>> leaves = new HashMap<>();
    private boolean updating;

    TensorTreePane(ModelViewModel vm) {
        this.vm = vm;
        CustomTextField filter = new CustomTextField();
        filter.setId("tensorFilter");
        filter.setPromptText("Filter tensors: words in the name, op or node, e.g. \"layer.0 softmax\"");
        filter.textProperty().bindBidirectional(vm.tensorFilterProperty());
        Label clear = new Label("\u2715");
        clear.setStyle("-fx-cursor: hand; -fx-padding: 0 6 0 6;");
        clear.setOnMouseClicked(e -> filter.clear());
        clear.visibleProperty().bind(filter.textProperty().isNotEmpty());
        filter.setRight(clear);
        HBox.setHgrow(filter, Priority.ALWAYS);
        Label matches = new Label();
        matches.setId("tensorMatches");
        matches.textProperty().bind(vm.matchTextProperty());
        matches.setMinWidth(180);
        HBox top = new HBox(10, filter, matches);
        top.setPadding(new Insets(6, 8, 6, 8));
        top.setAlignment(javafx.geometry.Pos.CENTER_LEFT);

        tree.setId("tensorTree");
        tree.setShowRoot(false);
        tree.setColumnResizePolicy(TreeTableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        tree.getColumns().add(Columns.tree("name", Row::name, 560));
        tree.getColumns().add(Columns.capped(
                Columns.tree("producing op", r -> r.tensor() == null ? "" : r.tensor().producerOp(), 140), 220));
        tree.getColumns().add(Columns.capped(
                Columns.tree("shape", r -> r.tensor() == null ? "" : r.tensor().shapeText(), 170), 320));
        tree.getColumns().add(Columns.capped(
                Columns.tree("type", r -> r.tensor() == null ? "" : r.tensor().elementType(), 80), 120));
        tree.setPlaceholder(new Label("No tensor matches the filter"));
        tree.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        tree.getSelectionModel().getSelectedItems().addListener((ListChangeListener<TreeItem<Row>>) c -> {
            if (!updating) syncSelection();
        });
        vm.selectedTensors().addListener((ListChangeListener<GraphTensor>) c -> {
            if (!updating) select(List.copyOf(vm.selectedTensors()));
        });
        ExportActions.install(tree, vm::tensorsTable, vm.fileNameProperty().get() + "-tensors");
        vm.filteredTensors().addListener((ListChangeListener<GraphTensor>) c -> rebuild());
        rebuild();

        setTop(top);
        setCenter(tree);
    }

    TreeTableView<Row> tree() {
        return tree;
    }

    /** Rebuilds the groups for the current filter, keeping the selected tensors selected. */
    private void rebuild() {
        List<GraphTensor> keep = List.copyOf(vm.selectedTensors());
        boolean filtered = ModelViewModel.words(vm.tensorFilterProperty().get()).length > 0;
        TreeItem<Row> root = new TreeItem<>(Row.group("tensors", vm.filteredTensors().size()));
        leaves.clear();
        for (Map.Entry<String, List<GraphTensor>> g : vm.groupedTensors().entrySet()) {
            TreeItem<Row> group = new TreeItem<>(Row.group(g.getKey(), g.getValue().size()));
            for (GraphTensor t : g.getValue()) {
                TreeItem<Row> leaf = new TreeItem<>(Row.of(t));
                group.getChildren().add(leaf);
                leaves.put(t, leaf);
            }
            group.setExpanded(filtered);
            root.getChildren().add(group);
        }
        updating = true;
        try {
            tree.getSelectionModel().clearSelection();
            tree.setRoot(root);
        } finally {
            updating = false;
        }
        select(keep);
    }

    /**
     * Selects these tensors in the tree (those the filter shows), opening their groups; the
     * view-model's selection then holds exactly the tensors selected in the tree.
     */
    private void select(Collection<GraphTensor> tensors) {
        updating = true;
        try {
            tree.getSelectionModel().clearSelection();
            for (GraphTensor t : tensors) {
                TreeItem<Row> leaf = leaves.get(t);
                if (leaf == null) continue;
                leaf.getParent().setExpanded(true);
                tree.getSelectionModel().select(leaf);
            }
        } finally {
            updating = false;
        }
        syncSelection();
    }

    private void syncSelection() {
        List<GraphTensor> chosen = new ArrayList<>();
        for (TreeItem<Row> item : tree.getSelectionModel().getSelectedItems()) {
            if (item != null && item.getValue() != null && item.getValue().tensor() != null) chosen.add(item.getValue().tensor());
        }
        if (!chosen.equals(vm.selectedTensors())) {
            updating = true;
            try {
                vm.selectedTensors().setAll(chosen);
            } finally {
                updating = false;
            }
        }
    }
}
