package sparsity.analysis.input;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An array read from a .npy file, its data memory-mapped (not loaded): values are read on
 * demand, so files larger than the heap work. Close it to unmap the file.
 *
 * @param source file it was read from (null when made in memory)
 * @param dtype  element type
 * @param order  byte order of the data
 * @param shape  dimensions, C (row-major) order
 * @param data   the raw data, {@code size() * dtype.size()} bytes
 * @param arena  the arena that owns the mapping, closed by {@link #close()} (may be null)
 */
public record NpyArray(Path source, Npy.DType dtype, ByteOrder order, long[] shape, MemorySegment data, Arena arena)
        implements AutoCloseable {

    public NpyArray {
        shape = shape.clone();
        long expected = Npy.elementCount(shape) * dtype.size();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("data has " + data.byteSize() + " bytes, the shape " + Arrays.toString(shape)
                    + " of " + dtype + " needs " + expected);
        }
    }

    /** Number of elements. */
    public long size() {
        return Npy.elementCount(shape);
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Elements per row: the product of all dims but the first (1 for a 0-d or 1-d array). */
    public long rowSize() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) n *= shape[i];
        return n;
    }

    /** Rows: the first dim (1 for a 0-d array). */
    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** The element at flat (C-order) index {@code i}, converted to float. */
    public float getFloat(long i) {
        return switch (dtype) {
            case FLOAT32 -> data.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), i * 4);
            case FLOAT16 -> Float.float16ToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), i * 2));
            case FLOAT64 -> (float) data.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), i * 8);
            default -> (float) getLong(i);
        };
    }

    /** The element at flat index {@code i}, converted to double. */
    public double getDouble(long i) {
        return dtype == Npy.DType.FLOAT64 ? data.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), i * 8)
                : dtype.isFloat() ? getFloat(i) : getLong(i);
    }

    /** The element at flat index {@code i} as an integer (floats are truncated toward zero). */
    public long getLong(long i) {
        return switch (dtype) {
            case INT64 -> data.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), i * 8);
            case INT32 -> data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), i * 4);
            case INT16 -> data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), i * 2);
            case INT8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case UINT8 -> data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            case BOOL -> data.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
            case FLOAT32, FLOAT16 -> (long) getFloat(i);
            case FLOAT64 -> (long) getDouble(i);
        };
    }

    /** Elements [from, from + out.length) as floats into {@code out}. */
    public void readFloats(long from, float[] out) {
        if (dtype == Npy.DType.FLOAT32) {
            MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), from * 4, out, 0, out.length);
            return;
        }
        for (int k = 0; k < out.length; k++) out[k] = getFloat(from + k);
    }

    /** One row ({@link #rowSize()} elements) as floats. */
    public float[] row(long row) {
        if (row < 0 || row >= rows()) throw new IndexOutOfBoundsException("row " + row + " of " + rows());
        float[] out = new float[Math.toIntExact(rowSize())];
        readFloats(row * rowSize(), out);
        return out;
    }

    /** Rows [first, first + count) as floats, row-major: one batch of a [rows, ...] array. */
    public float[] rows(long first, int count) {
        if (first < 0 || count < 0 || first + count > rows()) {
            throw new IndexOutOfBoundsException("rows " + first + ".." + (first + count) + " of " + rows());
        }
        float[] out = new float[Math.toIntExact(rowSize() * count)];
        readFloats(first * rowSize(), out);
        return out;
    }

    /** All elements as floats (for arrays under 2^31 elements). */
    public float[] toFloatArray() {
        float[] out = new float[checkedSize()];
        readFloats(0, out);
        return out;
    }

    /** All elements as longs (for arrays under 2^31 elements). */
    public long[] toLongArray() {
        long[] out = new long[checkedSize()];
        for (int i = 0; i < out.length; i++) out[i] = getLong(i);
        return out;
    }

    private int checkedSize() {
        long n = size();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("the array has " + n + " elements, too many for one Java array; read it by rows");
        return (int) n;
    }

    /** E.g. "float32 [10000, 784]". */
    public String describe() {
        return dtype.numpyName() + " " + Npy.shapeText(shape);
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "NpyArray[" + describe() + (source == null ? "" : ", " + source) + "]";
    }
}
