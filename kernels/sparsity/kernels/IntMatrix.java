package sparsity.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A row-major int matrix on an FFM {@link MemorySegment} (indices: top-k results, sparse
 * supports, histogram counts). Same layout rules as {@link FloatMatrix}.
 */
public final class IntMatrix {

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    private final MemorySegment segment;
    private final int rows;
    private final int cols;
    private final long stride;

    private IntMatrix(MemorySegment segment, int rows, int cols, long stride) {
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
        this.stride = stride;
    }

    /** Views {@code segment} as a rows x cols int matrix with the given row stride, without copying. */
    public static IntMatrix wrap(MemorySegment segment, int rows, int cols, long stride) {
        Objects.requireNonNull(segment, "segment");
        if (rows < 0 || cols < 0 || stride < cols || stride < 1) {
            throw new IllegalArgumentException("bad shape " + rows + "x" + cols + " stride " + stride);
        }
        long need = rows == 0 || cols == 0 ? 0 : 4L * ((rows - 1L) * stride + cols);
        if (segment.byteSize() < need) {
            throw new IllegalArgumentException("segment holds " + segment.byteSize() + " bytes, needs " + need);
        }
        return new IntMatrix(need == 0 ? segment : segment.asSlice(0, need), rows, cols, stride);
    }

    public int rows() { return rows; }

    public int cols() { return cols; }

    /** Row stride in ints. */
    public long stride() { return stride; }

    public MemorySegment segment() { return segment; }

    public long size() { return (long) rows * cols; }

    public int get(int r, int c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return segment.getAtIndex(I, r * stride + c);
    }

    public void set(int r, int c, int v) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        segment.setAtIndex(I, r * stride + c, v);
    }

    /** Element i of a vector (1 x n or n x 1). */
    public int at(int i) {
        return rows == 1 ? get(0, i) : get(i, 0);
    }

    /** Rows [from, to) as a view. */
    public IntMatrix rowRange(int from, int to) {
        Objects.checkFromToIndex(from, to, rows);
        if (to == from || cols == 0) {
            return new IntMatrix(segment.asSlice(0, 0), to - from, cols, stride);
        }
        long start = 4L * from * stride;
        long len = 4L * ((to - from - 1L) * stride + cols);
        return new IntMatrix(segment.asSlice(start, len), to - from, cols, stride);
    }

    public void fill(int v) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                segment.setAtIndex(I, r * stride + c, v);
            }
        }
    }

    /** Copies {@code src} (same shape, any stride) into this matrix. */
    public void copyFrom(IntMatrix src) {
        requireShape(src, rows, cols, "src");
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(src.segment, 4L * r * src.stride, segment, 4L * r * stride, 4L * cols);
        }
    }

    /** The elements, row-major, as a new array. */
    public int[] toArray() {
        int[] out = new int[Math.toIntExact(size())];
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(segment, I, 4L * r * stride, out, r * cols, cols);
        }
        return out;
    }

    /** Throws unless m is rows x cols. */
    public static void requireShape(IntMatrix m, int rows, int cols, String what) {
        if (m.rows != rows || m.cols != cols) {
            throw new IllegalArgumentException(what + " is " + m.rows + "x" + m.cols + ", expected " + rows + "x" + cols);
        }
    }

    @Override
    public String toString() {
        return "IntMatrix[" + rows + "x" + cols + ", stride " + stride + "]";
    }
}
