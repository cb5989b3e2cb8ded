package sparsity.views.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sparsity.attention.KeyEntropy;
import sparsity.views.export.TableData;

/** The UNComp key-entropy table: {@code keys.csv} of {@code ./workbench attention} and the store view's tab. */
public final class KeyEntropyTables {

    private KeyEntropyTables() {
    }

    public static TableData table(List<KeyEntropy.Row> rows) {
        List<List<String>> out = new ArrayList<>();
        for (KeyEntropy.Row r : rows) {
            out.add(List.of(r.tensor(), Integer.toString(r.head()), Integer.toString(r.rows()), f(r.entropy()), f(r.normalized())));
        }
        return new TableData("Key matrix entropy (UNComp)", List.of("tensor", "head", "rows", "matrix_entropy", "normalized"), out);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
