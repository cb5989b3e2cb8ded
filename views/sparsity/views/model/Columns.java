package sparsity.views.model;

import java.util.function.Function;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeTableColumn;

/** Small builders for the model view's table columns. */
final class Columns {

    private Columns() {
    }

    /** A text column. */
    static <S> TableColumn<S, String> text(String title, Function<S, String> value, double width) {
        TableColumn<S, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** A right-aligned column that sorts by the number and shows it through {@code format}. */
    static <S, N extends Number & Comparable<N>> TableColumn<S, N> number(String title, Function<S, N> value,
                                                                        Function<N, String> format, double width) {
        TableColumn<S, N> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(N item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : format.apply(item));
            }
        });
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        c.setPrefWidth(width);
        c.setMinWidth(Math.min(width, 64));
        return c;
    }

    /** A tree-table text column. */
    static <S> TreeTableColumn<S, String> tree(String title, Function<S, String> value, double width) {
        TreeTableColumn<S, String> c = new TreeTableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(
                cd.getValue() == null || cd.getValue().getValue() == null ? "" : value.apply(cd.getValue().getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** Caps a column's width so that the extra width of a wide table goes to its other (name) column. */
    static <C extends javafx.scene.control.TableColumnBase<?, ?>> C capped(C column, double maxWidth) {
        column.setMaxWidth(maxWidth);
        return column;
    }

    /** Placeholder text of an empty table and a resize policy that uses the width. */
    static <S> TableView<S> table(String id, String emptyText) {
        TableView<S> t = new TableView<>();
        t.setId(id);
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        t.setPlaceholder(new javafx.scene.control.Label(emptyText));
        return t;
    }
}
