package sparsity.analysis.store;

import java.util.Arrays;

/**
 * How one captured tensor is laid out in a store.
 *
 * @param name     tensor name in the model
 * @param label    a short name for views, e.g. "layer 3" for an attention map ("" when none)
 * @param kind     {@link Kind#ROWS}: one row of {@code rowShape} per token or example;
 *                 {@link Kind#MAPS}: one {@code [heads, query, key]} map per example, of varying
 *                 query and key length (padding cut away)
 * @param unit     what a row is for {@link Kind#ROWS}: a token or an example
 * @param rowShape ROWS: the shape of one row, e.g. [384]; MAPS: [heads]
 */
public record TensorLayout(String name, String label, Kind kind, Unit unit, int[] rowShape) {

    /** Rows of a fixed shape, or attention maps of varying size. */
    public enum Kind { ROWS, MAPS }

    /** One row per non-padding token, or one per example. */
    public enum Unit { TOKEN, EXAMPLE }

    public TensorLayout {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a tensor needs a name");
        label = label == null ? "" : label;
        rowShape = rowShape.clone();
        if (kind == Kind.MAPS && rowShape.length != 1) throw new IllegalArgumentException("an attention map's row shape is [heads]");
        for (int d : rowShape) if (d <= 0) throw new IllegalArgumentException("bad row shape " + Arrays.toString(rowShape));
    }

    /** Per-token (or per-example) rows of the given shape. */
    public static TensorLayout rows(String name, Unit unit, int... rowShape) {
        return new TensorLayout(name, "", Kind.ROWS, unit, rowShape);
    }

    /** Attention maps with {@code heads} heads, one per example. */
    public static TensorLayout maps(String name, String label, int heads) {
        return new TensorLayout(name, label, Kind.MAPS, Unit.EXAMPLE, new int[] {heads});
    }

    /** Values per row (ROWS), or the number of heads (MAPS). */
    public int rowElements() {
        int n = 1;
        for (int d : rowShape) n = Math.multiplyExact(n, d);
        return n;
    }

    @Override
    public int[] rowShape() {
        return rowShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorLayout t && t.name.equals(name) && t.label.equals(label) && t.kind == kind
                && t.unit == unit && Arrays.equals(t.rowShape, rowShape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(rowShape);
    }

    @Override
    public String toString() {
        return name + " " + kind + "/" + unit + " " + Arrays.toString(rowShape);
    }
}
