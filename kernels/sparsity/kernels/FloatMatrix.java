package sparsity.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A row-major float matrix on an FFM {@link MemorySegment}: element (r, c) lives at float index
 * {@code r * stride + c} of the segment (native byte order, 4-byte aligned). A matrix does not
 * own its memory: it is allocated in a {@link MemoryScope} or wraps an existing segment (a
 * memory-mapped activation store chunk, say) without copying. Views share memory with their
 * parent. A vector is a 1 x n (row) or n x 1 (column) matrix; operations say which they take.
 */
public final class FloatMatrix {

    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private final MemorySegment segment;
    private final int rows;
    private final int cols;
    private final long stride;

    private FloatMatrix(MemorySegment segment, int rows, int cols, long stride) {
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
        this.stride = stride;
    }

    /**
     * Views {@code segment} as a rows x cols matrix with the given row stride (in floats), without
     * copying. The segment must start 4-byte aligned and hold at least
     * {@code ((rows - 1) * stride + cols)} floats.
     */
    public static FloatMatrix wrap(MemorySegment segment, int rows, int cols, long stride) {
        Objects.requireNonNull(segment, "segment");
        if (rows < 0 || cols < 0 || stride < cols || stride < 1) {
            throw new IllegalArgumentException("bad shape " + rows + "x" + cols + " stride " + stride);
        }
        if (segment.address() % 4 != 0 && segment.isNative()) {
            throw new IllegalArgumentException("segment is not 4-byte aligned");
        }
        long need = rows == 0 || cols == 0 ? 0 : 4L * ((rows - 1L) * stride + cols);
        if (segment.byteSize() < need) {
            throw new IllegalArgumentException("segment holds " + segment.byteSize() + " bytes, "
                    + rows + "x" + cols + " stride " + stride + " needs " + need);
        }
        return new FloatMatrix(need == 0 ? segment : segment.asSlice(0, need), rows, cols, stride);
    }

    /** Views a contiguous rows x cols matrix at {@code byteOffset} of {@code segment}. */
    public static FloatMatrix wrapAt(MemorySegment segment, long byteOffset, int rows, int cols) {
        return wrap(segment.asSlice(byteOffset), rows, cols, (long) Math.max(1, cols));
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** Row stride in floats. */
    public long stride() { return stride; }

    /** The memory, starting at element (0, 0). */
    public MemorySegment segment() { return segment; }

    /** Number of elements, rows * cols. */
    public long size() { return (long) rows * cols; }

    /** True when rows follow each other without gaps (stride == cols). */
    public boolean isContiguous() { return stride == cols || rows <= 1; }

    /** Byte offset of element (r, c) in {@link #segment()}. */
    public long byteOffset(int r, int c) { return 4L * (r * stride + c); }

    public float get(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return segment.getAtIndex(F, r * stride + c);
    }

    public void set(int r, int c, float v) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        segment.setAtIndex(F, r * stride + c, v);
    }

    /** Element i of a vector (1 x n or n x 1). */
    public float at(int i) {
        return rows == 1 ? get(0, i) : get(i, 0);
    }

    /** Rows [from, to) as a view. */
    public FloatMatrix rowRange(int from, int to) {
        Objects.checkFromToIndex(from, to, rows);
        return view(from, 0, to - from, cols);
    }

    /** Row r as a 1 x cols view. */
    public FloatMatrix row(int r) {
        return rowRange(r, r + 1);
    }

    /** The nr x nc block starting at (r0, c0), as a view with the same stride. */
    public FloatMatrix view(int r0, int c0, int nr, int nc) {
        Objects.checkFromIndexSize(r0, nr, rows);
        Objects.checkFromIndexSize(c0, nc, cols);
        if (nr == 0 || nc == 0) {
            return new FloatMatrix(segment.asSlice(0, 0), nr, nc, Math.max(stride, nc));
        }
        long start = 4L * (r0 * stride + c0);
        long len = 4L * ((nr - 1L) * stride + nc);
        return new FloatMatrix(segment.asSlice(start, len), nr, nc, stride);
    }

    /** A contiguous matrix seen with another shape of the same size (no copy). */
    public FloatMatrix reshape(int newRows, int newCols) {
        if (!isContiguous() || (long) newRows * newCols != size()) {
            throw new IllegalArgumentException("cannot reshape " + this + " to " + newRows + "x" + newCols);
        }
        return new FloatMatrix(segment, newRows, newCols, Math.max(1, newCols));
    }

    /** Sets every element to v. */
    public void fill(float v) {
        for (int r = 0; r < rows; r++) {
            long base = r * stride;
            if (Float.floatToRawIntBits(v) == 0) {
                segment.asSlice(4L * base, 4L * cols).fill((byte) 0);
            } else {
                for (int c = 0; c < cols; c++) {
                    segment.setAtIndex(F, base + c, v);
                }
            }
        }
    }

    /** Copies {@code src} (same shape, any stride) into this matrix. */
    public void copyFrom(FloatMatrix src) {
        requireShape(src, rows, cols, "src");
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(src.segment, 4L * r * src.stride, segment, 4L * r * stride, 4L * cols);
        }
    }

    /** Copies row-major {@code data} (length rows * cols) into this matrix. */
    public void copyFrom(float[] data) {
        if (data.length != size()) {
            throw new IllegalArgumentException("data has " + data.length + " values, matrix " + size());
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(data, r * cols, segment, F, 4L * r * stride, cols);
        }
    }

    /** The elements, row-major, as a new array. */
    public float[] toArray() {
        float[] out = new float[Math.toIntExact(size())];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(segment, F, 4L * r * stride, out, r * cols, cols);
        }
        return out;
    }

    /** Copies row r into dst[off, off + cols). */
    public void copyRow(int r, float[] dst, int off) {
        Objects.checkIndex(r, rows);
        MemorySegment.copy(segment, F, 4L * r * stride, dst, off, cols);
    }

    /** Throws unless m is rows x cols. */
    public static void requireShape(FloatMatrix m, int rows, int cols, String what) {
        if (m.rows != rows || m.cols != cols) {
            throw new IllegalArgumentException(what + " is " + m.rows + "x" + m.cols + ", expected " + rows + "x" + cols);
        }
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + "x" + cols + ", stride " + stride + "]";
    }
}
