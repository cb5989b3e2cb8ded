package sparsity.sae.features;

import java.util.Objects;

import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.RowProvenance;
import sparsity.analysis.store.StoredTensor;
import sparsity.analysis.store.TensorLayout;

/**
 * The rows a {@link FeatureScan} reads, in order, with the example each row belongs to. The rows
 * of one example must be consecutive (a store's token rows are: an example's tokens are written
 * together), so that an example's best row is known when the next example starts.
 */
public interface LatentRows {

    long rows();

    int dim();

    /** Copies rows {@code [start, start + count)} as floats into {@code dst} (from index 0). */
    void read(long start, int count, float[] dst);

    /** The example a row belongs to. */
    int example(long row);

    /** A row in words for messages, e.g. "row 17 (example 2, token 3 'cat')". */
    String describe(long row);

    /** The rows of a captured tensor (token or per-example rows). */
    static LatentRows of(ActivationStore store, StoredTensor tensor) {
        Objects.requireNonNull(store, "store");
        if (tensor.isAttention()) throw new IllegalArgumentException(tensor.name() + " holds attention maps, not rows an autoencoder reads");
        boolean perToken = tensor.layout().unit() == TensorLayout.Unit.TOKEN;
        return new LatentRows() {
            @Override
            public long rows() {
                return tensor.rows();
            }

            @Override
            public int dim() {
                return tensor.dim();
            }

            @Override
            public void read(long start, int count, float[] dst) {
                tensor.read(start, count, dst);
            }

            @Override
            public int example(long row) {
                return perToken ? store.token(row).example() : (int) row;
            }

            @Override
            public String describe(long row) {
                RowProvenance p = store.source(tensor, row);
                String name = p.position() < 0 ? p.text() : store.exampleName(p.example());
                StringBuilder sb = new StringBuilder("row ").append(row).append(" of ").append(tensor.name())
                        .append(" (example ").append(p.example());
                if (name != null) sb.append(" '").append(shorten(name)).append('\'');
                if (p.position() >= 0) {
                    sb.append(", token ").append(p.position());
                    if (p.text() != null) sb.append(" '").append(p.text()).append('\'');
                }
                return sb.append(')').toString();
            }
        };
    }

    /**
     * Rows held in memory, row-major {@code [rows x dim]}; {@code exampleOfRow[r]} is row r's
     * example (null: each row is its own example).
     */
    static LatentRows of(float[] data, int dim, int[] exampleOfRow) {
        Objects.requireNonNull(data, "data");
        if (dim < 1 || data.length % dim != 0) throw new IllegalArgumentException(data.length + " values are not rows of " + dim);
        long n = data.length / dim;
        if (exampleOfRow != null && exampleOfRow.length != n) {
            throw new IllegalArgumentException(exampleOfRow.length + " example numbers for " + n + " rows");
        }
        return new LatentRows() {
            @Override
            public long rows() {
                return n;
            }

            @Override
            public int dim() {
                return dim;
            }

            @Override
            public void read(long start, int count, float[] dst) {
                if (start < 0 || count < 0 || start + count > n) throw new IndexOutOfBoundsException("rows " + start + "+" + count + " of " + n);
                System.arraycopy(data, (int) start * dim, dst, 0, count * dim);
            }

            @Override
            public int example(long row) {
                return exampleOfRow == null ? (int) row : exampleOfRow[(int) row];
            }

            @Override
            public String describe(long row) {
                return "row " + row + " (example " + example(row) + ")";
            }
        };
    }

    private static String shorten(String s) {
        String t = s.replaceAll("\\s+", " ").strip();
        return t.length() <= 40 ? t : t.substring(0, 39) + "\u2026";
    }
}
