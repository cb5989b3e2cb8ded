package sparsity.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An arena-scoped owner of off-heap buffers. Every {@link FloatMatrix} and {@link IntMatrix}
 * allocated here is freed, all at once, by {@link #close()}; using one afterwards throws
 * {@link IllegalStateException}. The arena is shared, so the matrices can be read and written by
 * the worker threads of a multithreaded backend. New memory is zeroed and 64-byte aligned.
 */
public final class MemoryScope implements AutoCloseable {

    /** Byte alignment of every allocation: one cache line, one 512-bit vector. */
    public static final long ALIGNMENT = 64;

    private final Arena arena;

    private MemoryScope(Arena arena) {
        this.arena = arena;
    }

    /** A new scope over a fresh shared arena. */
    public static MemoryScope open() {
        return new MemoryScope(Arena.ofShared());
    }

    /** The arena, e.g. to memory-map a file into this scope ({@code FileChannel.map(..., arena())}). */
    public Arena arena() {
        return arena;
    }

    /** A zeroed rows x cols float matrix, row-major, stride = cols. */
    public FloatMatrix floats(int rows, int cols) {
        checkShape(rows, cols);
        MemorySegment seg = arena.allocate(Math.max(4L, 4L * rows * cols), ALIGNMENT);
        return FloatMatrix.wrap(seg, rows, cols, (long) Math.max(1, cols));
    }

    /** A rows x cols float matrix holding a copy of {@code data} (row-major, length rows*cols). */
    public FloatMatrix floats(int rows, int cols, float... data) {
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException("data has " + data.length + " values, shape needs " + (long) rows * cols);
        }
        FloatMatrix m = floats(rows, cols);
        MemorySegment.copy(data, 0, m.segment(), ValueLayout.JAVA_FLOAT, 0, data.length);
        return m;
    }

    /** A zeroed rows x cols int matrix, row-major, stride = cols. */
    public IntMatrix ints(int rows, int cols) {
        checkShape(rows, cols);
        MemorySegment seg = arena.allocate(Math.max(4L, 4L * rows * cols), ALIGNMENT);
        return IntMatrix.wrap(seg, rows, cols, (long) Math.max(1, cols));
    }

    /** A rows x cols int matrix holding a copy of {@code data}. */
    public IntMatrix ints(int rows, int cols, int... data) {
        if (data.length != (long) rows * cols) {
            throw new IllegalArgumentException("data has " + data.length + " values, shape needs " + (long) rows * cols);
        }
        IntMatrix m = ints(rows, cols);
        MemorySegment.copy(data, 0, m.segment(), ValueLayout.JAVA_INT, 0, data.length);
        return m;
    }

    /** A contiguous copy of {@code src} (any stride) owned by this scope. */
    public FloatMatrix copyOf(FloatMatrix src) {
        FloatMatrix m = floats(src.rows(), src.cols());
        m.copyFrom(src);
        return m;
    }

    private static void checkShape(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
