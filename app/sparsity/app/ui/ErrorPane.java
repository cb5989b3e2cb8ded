package sparsity.app.ui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Error notifications above the tabs, newest first; each names the file and the problem and
 * stays until dismissed. Non-modal, so what was open stays usable. The newest message label has
 * the id {@code #errorMessage}; every message label has the style class {@code error-message}.
 */
final class ErrorPane extends VBox {

    /** The most notifications kept; older ones are dropped. */
    static final int MAX_SHOWN = 5;

    ErrorPane() {
        setId("errorPane");
        getStyleClass().add("error-pane");
        setSpacing(2);
        managedProperty().bind(visibleProperty());
        setVisible(false);
    }

    /** Shows one error (call on the FX thread). */
    void show(String text) {
        for (var n : getChildren()) {
            if (n instanceof HBox row && row.getChildren().getFirst() instanceof Label l) l.setId(null);
        }
        Label message = new Label(text);
        message.setId("errorMessage");
        message.getStyleClass().add("error-message");
        message.setWrapText(true);
        message.setMaxWidth(Double.MAX_VALUE);
        message.setMinWidth(0);
        message.setMinHeight(Region.USE_PREF_SIZE); // wrap onto more lines rather than cut the message
        HBox.setHgrow(message, Priority.ALWAYS);
        Button dismiss = new Button("Dismiss");
        dismiss.setMinWidth(Region.USE_PREF_SIZE);
        dismiss.getStyleClass().add("error-dismiss");
        HBox row = new HBox(8, message, dismiss);
        row.getStyleClass().add("error-notification");
        row.setAlignment(Pos.CENTER_LEFT);
        row.setPadding(new Insets(6, 10, 6, 10));
        row.setStyle("-fx-background-color: #fde2e1; -fx-border-color: #d9534f; -fx-border-width: 0 0 0 4;");
        dismiss.setOnAction(e -> remove(row));
        getChildren().addFirst(row);
        while (getChildren().size() > MAX_SHOWN) getChildren().removeLast();
        setVisible(true);
    }

    /** Removes every notification. */
    void clear() {
        getChildren().clear();
        setVisible(false);
    }

    private void remove(HBox row) {
        boolean wasNewest = !getChildren().isEmpty() && getChildren().getFirst() == row;
        getChildren().remove(row);
        if (wasNewest && !getChildren().isEmpty()
                && getChildren().getFirst() instanceof HBox first
                && first.getChildren().getFirst() instanceof Label l) {
            l.setId("errorMessage");
        }
        setVisible(!getChildren().isEmpty());
    }
}
