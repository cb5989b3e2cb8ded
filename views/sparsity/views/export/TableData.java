package sparsity.views.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A table as the exporter and the report see it: a title, column names and rows of text cells.
 * Immutable; every row has exactly as many cells as there are columns (a null cell becomes "").
 *
 * @param title   what the table shows, e.g. "Op types"
 * @param columns column names, at least one
 * @param rows    rows of cells, each {@code columns.size()} long
 */
public record TableData(String title, List<String> columns, List<List<String>> rows) {

    public TableData {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(columns, "columns");
        Objects.requireNonNull(rows, "rows");
        if (columns.isEmpty()) throw new IllegalArgumentException("a table needs at least one column");
        columns = cells(columns);
        List<List<String>> copy = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = Objects.requireNonNull(rows.get(i), "row " + i);
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row " + i + " of table '" + title + "' has " + row.size()
                        + " cells, but the table has " + columns.size() + " columns");
            }
            copy.add(cells(row));
        }
        rows = List.copyOf(copy);
    }

    /** Number of rows (the header not counted). */
    public int rowCount() {
        return rows.size();
    }

    private static List<String> cells(List<String> in) {
        List<String> out = new ArrayList<>(in.size());
        for (String s : in) out.add(s == null ? "" : s);
        return List.copyOf(out);
    }
}
