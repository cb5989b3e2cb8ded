package sparsity.app.ui;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;

/**
 * The bar above a model's view: "Capture selected tensors..." (enabled while the tensor list has
 * a selection) and, when the model has Softmax nodes, "Capture attention maps...".
 */
final class CaptureToolbar {

    private CaptureToolbar() {
    }

    /** True when the model has Softmax nodes (the dialog's check finds the attention ones among them). */
    static boolean hasSoftmax(OpenModel m) {
        return m.summary().count("Softmax") > 0;
    }

    static Node of(OpenModel m, CaptureController captures) {
        Button tensors = new Button();
        tensors.setId("captureButton");
        var selected = m.model().selectedTensors();
        tensors.textProperty().bind(Bindings.createStringBinding(() -> selected.isEmpty() ? "Capture\u2026"
                : "Capture " + selected.size() + (selected.size() == 1 ? " tensor\u2026" : " tensors\u2026"), selected));
        tensors.disableProperty().bind(Bindings.isEmpty(selected));
        tensors.setTooltip(new Tooltip("Capture the tensors selected in the Tensors tab into an activation store"));
        tensors.setOnAction(e -> captures.openDialog(m, false));
        Label hint = new Label();
        hint.setStyle("-fx-text-fill: #666666;");
        hint.textProperty().bind(Bindings.when(Bindings.isEmpty(selected))
                .then("Select tensors in the Tensors tab to capture them").otherwise(""));
        HBox bar = new HBox(8, tensors);
        if (hasSoftmax(m)) {
            Button attention = new Button("Capture attention maps\u2026");
            attention.setId("captureAttentionButton");
            attention.setTooltip(new Tooltip("Capture every attention map (Softmax of each layer) as [batch, head, query, key]"));
            attention.setOnAction(e -> captures.openDialog(m, true));
            bar.getChildren().add(attention);
        }
        bar.getChildren().add(hint);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 10, 4, 10));
        bar.setId("captureToolbar");
        bar.setStyle("-fx-background-color: #f4f4f4; -fx-border-color: transparent transparent #d0d0d0 transparent;");
        return bar;
    }
}
