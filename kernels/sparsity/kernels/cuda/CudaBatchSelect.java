package sparsity.kernels.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Batch-wide top-k on the device (the kernels of {@code batch_topk.cu}): the {@code total} largest
 * values of a rows x n matrix (plus a bias row), in the CPU's {@code batchTopk} order (Float.compare,
 * ties to the lower row, then column), written as CSR lists with each row's columns ascending; and,
 * with the same kernels, each row's entries above a threshold (JumpReLU inference). A radix select
 * on the float keys: three histogram passes over the matrix, then per-row counts, a scan over the
 * rows and the compaction. Queues its work on the given stream and never waits, except
 * {@link #countAbove}'s total. Owns small work buffers, sized for the largest row count seen.
 */
final class CudaBatchSelect implements AutoCloseable {

    private static final int[] SHIFT = {21, 10, 0};
    private static final int[] BITS = {11, 11, 10};
    private static final int[] MASK = {0, 0xffe00000, 0xfffffc00};

    private final CudaDevice dev;
    private final CudaDevice.Kernel kHist, kPick, kCount, kScan, kWrite;
    private final DeviceBuffer hist;
    private final DeviceBuffer state;
    private final List<DeviceBuffer> rowBufs = new ArrayList<>();
    private DeviceBuffer greater, equal, takeEq;
    private int capacity;

    /** The kernels from a module compiled with {@code batch_topk.cu}. */
    CudaBatchSelect(CudaDevice dev, CudaDevice.Module mod) {
        this.dev = dev;
        kHist = mod.kernel("bsel_hist");
        kPick = mod.kernel("bsel_pick");
        kCount = mod.kernel("bsel_count");
        kScan = mod.kernel("bsel_scan");
        kWrite = mod.kernel("bsel_write");
        hist = dev.alloc(3L * 2048 * 8, "the batch top-k histograms");
        DeviceBuffer st;
        try {
            st = dev.alloc(16, "the batch top-k state");
        } catch (RuntimeException e) {
            hist.close();
            throw e;
        }
        state = st;
    }

    private void ensure(int rows) {
        if (rows <= capacity) return;
        for (DeviceBuffer b : rowBufs) b.close();
        rowBufs.clear();
        greater = equal = takeEq = null;
        capacity = 0;
        greater = row(rows);
        equal = row(rows);
        takeEq = row(rows);
        capacity = rows;
    }

    private DeviceBuffer row(int rows) {
        DeviceBuffer b = dev.alloc(4L * rows, "batch top-k row counts at " + rows + " rows");
        rowBufs.add(b);
        return b;
    }

    /** The order-preserving key of the kernels' f2key (as an int's bits): NaN above +Inf, -0.0 below +0.0. */
    static int key(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return 0xffffffff;
        return (u & 0x80000000) != 0 ? ~u : (u | 0x80000000);
    }

    /**
     * The {@code total} (1 .. rows n) largest values of x [rows x n] (row stride ldx) plus bias (a
     * device row of n values, or 0 for none) into rowStart [rows + 1], vals and idx [total], each
     * row's entries in column order; rowOf [total] (0: not wanted) gets each entry's row, minPos
     * (0: not wanted) the smallest positive kept value as float bits when it is below what it holds.
     */
    void select(CudaDevice.Stream stream, long x, long ldx, long bias, int rows, int n, long total, long rowStart, long vals,
                long idx, long rowOf, long minPos) {
        if (total < 1 || total > (long) rows * n) throw new IllegalArgumentException("total " + total + " outside [1, rows n]");
        ensure(rows);
        stream.fill32(hist.ptr(), 0, 3L * 2048 * 2);
        stream.fill32(state.ptr(), 0, 2);
        stream.fill32(state.ptr() + 8, (int) total, 1);
        stream.fill32(state.ptr() + 12, (int) (total >>> 32), 1);
        int blocks = Math.max(1, Math.min(rows, 4 * dev.multiprocessors()));
        for (int p = 0; p < 3; p++) {
            long h = hist.ptr() + 8L * 2048 * p;
            dev.launch(kHist, blocks, 1, 512, 1, 0, stream, x, ldx, bias, rows, n, state, MASK[p], SHIFT[p], BITS[p], h);
            dev.launch(kPick, 1, 1, 1024, 1, 0, stream, h, BITS[p], SHIFT[p], state);
        }
        rows(stream, x, ldx, bias, rows, n, 0, rowStart);
        dev.launch(kWrite, rows, 1, 256, 1, 0, stream, x, ldx, bias, n, state, 0, rowStart, takeEq, vals, idx, rowOf, minPos);
    }

    private void rows(CudaDevice.Stream stream, long x, long ldx, long bias, int rows, int n, int noNan, long rowStart) {
        dev.launch(kCount, rows, 1, 256, 1, 0, stream, x, ldx, bias, n, state, noNan, greater, equal);
        dev.launch(kScan, 1, 1, 1024, 1, 0, stream, greater, equal, rows, state, rowStart, takeEq);
    }

    /**
     * Row by row, the entries of x (+ bias) above theta (v > theta; NaN never): their counts as
     * offsets into rowStart [rows + 1]. Waits for and returns the total, so that the caller can size
     * the lists for {@link #writeAbove}, which must follow on the same stream with the same arguments.
     */
    int countAbove(CudaDevice.Stream stream, long x, long ldx, long bias, int rows, int n, float theta, long rowStart) {
        ensure(rows);
        stream.fill32(state.ptr(), key(theta), 1);
        stream.fill32(state.ptr() + 4, 0, 3);
        rows(stream, x, ldx, bias, rows, n, 1, rowStart);
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment h = a.allocate(4, 4);
            stream.synchronize();
            dev.download(h, rowStart + 4L * rows, 4);
            return h.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        }
    }

    /** The entries counted by {@link #countAbove} into vals and idx, each row's in column order. */
    void writeAbove(CudaDevice.Stream stream, long x, long ldx, long bias, int rows, int n, long rowStart, long vals, long idx) {
        dev.launch(kWrite, rows, 1, 256, 1, 0, stream, x, ldx, bias, n, state, 1, rowStart, takeEq, vals, idx, 0L, 0L);
    }

    @Override
    public void close() {
        for (DeviceBuffer b : rowBufs) b.close();
        rowBufs.clear();
        hist.close();
        state.close();
    }
}
