package sparsity.analysis.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One captured tensor of an open {@link ActivationStore}: a read-only view of its memory-mapped
 * data file. Valid until the store is closed; safe to read from several threads.
 */
public final class StoredTensor {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int number;
    private final TensorLayout layout;
    private final DType dtype;
    private final long rows;
    private final MemorySegment data;
    private final MemorySegment index;

    StoredTensor(int number, TensorLayout layout, DType dtype, long rows, MemorySegment data, MemorySegment index) {
        this.number = number;
        this.layout = layout;
        this.dtype = dtype;
        this.rows = rows;
        this.data = data;
        this.index = index;
    }

    /** Position of the tensor in the store (0 for the first). */
    public int number() {
        return number;
    }

    public TensorLayout layout() {
        return layout;
    }

    public String name() {
        return layout.name();
    }

    public DType dtype() {
        return dtype;
    }

    /** Rows (ROWS) or attention maps, one per example (MAPS). */
    public long rows() {
        return rows;
    }

    /** Values per row (ROWS); heads (MAPS). */
    public int dim() {
        return layout.rowElements();
    }

    public boolean isAttention() {
        return layout.kind() == TensorLayout.Kind.MAPS;
    }

    /** The whole data file, mapped. */
    public MemorySegment data() {
        return data;
    }

    /**
     * Rows {@code [start, start + count)} of a ROWS tensor as a zero-copy slice of the mapped
     * file: {@code count * dim()} values of {@link #dtype()}, little-endian.
     */
    public MemorySegment rows(long start, long count) {
        requireRows();
        if (start < 0 || count < 0 || start + count > rows) {
            throw new IndexOutOfBoundsException("rows " + start + "+" + count + " of " + rows);
        }
        long rowBytes = (long) dim() * dtype.bytes();
        return data.asSlice(start * rowBytes, count * rowBytes);
    }

    /** Copies rows {@code [start, start + count)} as floats into {@code dst} (from index 0). */
    public float[] read(long start, int count, float[] dst) {
        rows(start, count);
        dtype.decode(data, start * dim(), dst, 0, count * dim());
        return dst;
    }

    /** One row as floats. */
    public float[] row(long row) {
        return read(row, 1, new float[dim()]);
    }

    /** Query and key length of an example's attention map. */
    public int[] mapSize(int example) {
        requireMaps(example);
        return new int[] {index.get(INT, example * 16L + 8), index.get(INT, example * 16L + 12)};
    }

    /** The attention map of one example, {@code [heads, queries, keys]} flattened. */
    public float[] map(int example) {
        int[] qk = mapSize(example);
        long first = index.get(LONG, example * 16L);
        float[] out = new float[dim() * qk[0] * qk[1]];
        dtype.decode(data, first, out, 0, out.length);
        return out;
    }

    /** The attention map of one example as a zero-copy slice of the mapped file. */
    public MemorySegment mapSegment(int example) {
        int[] qk = mapSize(example);
        long first = index.get(LONG, example * 16L);
        return data.asSlice(first * dtype.bytes(), (long) dim() * qk[0] * qk[1] * dtype.bytes());
    }

    /**
     * The rows in store order as a {@link sparsity.analysis.stats.RowSource} (for activation
     * statistics), decoded batch by batch from the mapping; stops when the thread is interrupted.
     */
    public sparsity.analysis.stats.RowSource rowSource(int batchRows) {
        requireRows();
        if (batchRows <= 0) throw new IllegalArgumentException("batch rows must be positive");
        StoredTensor self = this;
        return new sparsity.analysis.stats.RowSource() {
            @Override
            public int dim() {
                return self.dim();
            }

            @Override
            public long rows() {
                return self.rows;
            }

            @Override
            public void forEachBatch(BatchSink sink) throws InterruptedException {
                float[] buf = new float[batchRows * self.dim()];
                for (long r = 0; r < self.rows; r += batchRows) {
                    if (Thread.interrupted()) throw new InterruptedException();
                    int n = (int) Math.min(batchRows, self.rows - r);
                    self.read(r, n, buf);
                    sink.accept(buf, n);
                }
            }
        };
    }

    private void requireRows() {
        if (isAttention()) throw new IllegalStateException(name() + " holds attention maps; read them with map(example)");
    }

    private void requireMaps(int example) {
        if (!isAttention()) throw new IllegalStateException(name() + " holds rows; read them with rows(start, count)");
        if (example < 0 || example >= rows) throw new IndexOutOfBoundsException("example " + example + " of " + rows);
    }

    @Override
    public String toString() {
        return layout + " x " + rows + " " + dtype.id();
    }
}
