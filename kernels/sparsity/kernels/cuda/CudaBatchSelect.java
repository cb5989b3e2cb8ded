package sparsity.kernels.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * Batch-wide top-k on the device (the kernels of {@code batch_topk.cu}): the {@code total} largest
 * values of a rows x n matrix (plus a bias row), in the CPU's {@code batchTopk} order (Float.compare,
 * ties to the lower row, then column), written as CSR lists with each row's columns ascending; and,
 * with the same kernels, each row's entries above a threshold (JumpReLU inference). A radix select
 * on the float keys (see {@code batch_topk.cu}): with a hint kept from the previous call (a key a
 * little below its threshold) two reads of the matrix, else three. Queues its work on the given
 * stream and never waits, except {@link #countAbove}'s total. Owns small work buffers, sized for
 * the largest row count seen. Not thread-safe.
 */
final class CudaBatchSelect implements AutoCloseable {

    private static final int[] SHIFT = {21, 10, 0};
    private static final int[] BITS = {11, 11, 10};
    private static final int[] MASK = {0, 0xffe00000, 0xfffffc00};

    private final CudaDevice dev;
    private final CudaDevice.Kernel kHist, kHist4, kGather, kGather4, kHistCand, kPick, kCount, kCountCand, kScan, kWrite, kWrite4,
            kBound, kBound4, kCheck, kHint;
    private final DeviceBuffer hist;
    /** state (2 u64), then the flags (5 u32: candidate counts, which path, the hint). */
    private final DeviceBuffer state;
    private final List<DeviceBuffer> rowBufs = new ArrayList<>();
    private final List<DeviceBuffer> candBufs = new ArrayList<>();
    private DeviceBuffer greater, equal, takeEq, rowAbove, candKey, candRow;
    private int capacity;
    private long candCap;
    private long capOverride = -1;
    private boolean fresh = true;
    private static final String[] STAGES = {"clear", "0. keys above the hint as candidates, check", "0. select among them",
            "1. histogram of the top 11 bits", "2. counts above the bucket, its keys as candidates", "3. last 10 bits, row counts",
            "4. row offsets", "5. each row's kept entries in column order"};
    private CudaDevice.Event[] marks;
    private double[] stageMs;
    private int profiled, hinted;
    private java.lang.foreign.MemorySegment hostFlags;

    /** The kernels from a module compiled with {@code batch_topk.cu}. */
    CudaBatchSelect(CudaDevice dev, CudaDevice.Module mod) {
        this.dev = dev;
        kHist = mod.kernel("bsel_hist");
        kHist4 = mod.kernel("bsel_hist4");
        kGather = mod.kernel("bsel_gather");
        kGather4 = mod.kernel("bsel_gather4");
        kHistCand = mod.kernel("bsel_hist_cand");
        kPick = mod.kernel("bsel_pick");
        kCount = mod.kernel("bsel_count");
        kCountCand = mod.kernel("bsel_count_cand");
        kScan = mod.kernel("bsel_scan");
        kWrite = mod.kernel("bsel_write");
        kWrite4 = mod.kernel("bsel_write4");
        kBound = mod.kernel("bsel_bound");
        kBound4 = mod.kernel("bsel_bound4");
        kCheck = mod.kernel("bsel_check");
        kHint = mod.kernel("bsel_hint");
        hist = dev.alloc(3L * 2048 * 8, "the batch top-k histograms");
        DeviceBuffer st;
        try {
            st = dev.alloc(48, "the batch top-k state");
        } catch (RuntimeException e) {
            hist.close();
            throw e;
        }
        state = st;
    }

    /** For tests: at most this many candidates (the rest of the select then reads the matrix again); negative: the default. */
    void candidateCapacity(long cap) {
        capOverride = cap;
    }

    /** Times each stage of {@link #select} from now on (each select then waits for its end); {@link #profile} reports. */
    void startProfiling() {
        if (marks == null) {
            marks = new CudaDevice.Event[STAGES.length + 1];
            for (int i = 0; i < marks.length; i++) marks[i] = dev.event(true);
            hostFlags = dev.allocPinned(32);
        }
        stageMs = new double[STAGES.length];
        profiled = 0;
        hinted = 0;
    }

    /** Mean milliseconds per stage since {@link #startProfiling}, one indented line each; "" when not profiling. */
    String profile() {
        if (stageMs == null || profiled == 0) return "";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < STAGES.length; i++) {
            sb.append(String.format(java.util.Locale.ROOT, "      %-52s %8.3f ms%n", STAGES[i], stageMs[i] / profiled));
        }
        sb.append(String.format(java.util.Locale.ROOT, "      (the hint's candidates used in %d of %d selects)%n", hinted, profiled));
        return sb.toString();
    }

    private void mark(CudaDevice.Stream stream, int i) {
        if (stageMs != null) stream.record(marks[i]);
    }

    /** For tests: forgets the hint, so that the next select reads the matrix three times. */
    void forgetHint() {
        fresh = true;
    }

    private void ensure(int rows) {
        if (rows <= capacity) return;
        free(rowBufs);
        capacity = 0;
        greater = buf(rowBufs, 4L * rows, "batch top-k row counts");
        equal = buf(rowBufs, 4L * rows, "batch top-k row counts");
        takeEq = buf(rowBufs, 4L * rows, "batch top-k row counts");
        rowAbove = buf(rowBufs, 4L * rows, "batch top-k row counts");
        capacity = rows;
    }

    /**
     * Room for the candidates, the keys in the bucket of the threshold's top 11 bits: for pre-
     * activations a few times the kept count (a bucket spans a quarter of a power of two).
     */
    private long ensureCandidates(long total, long size) {
        long cap = capOverride >= 0 ? capOverride : Math.min(size, Math.max(1L << 21, 16 * total));
        cap = Math.min(cap, 0xffffffffL);
        if (cap > candCap || candBufs.isEmpty()) {
            free(candBufs);
            candCap = 0;
            candKey = buf(candBufs, 4 * Math.max(1, cap), "batch top-k candidates");
            candRow = buf(candBufs, 4 * Math.max(1, cap), "batch top-k candidates");
            candCap = cap;
        }
        return cap;
    }

    private DeviceBuffer buf(List<DeviceBuffer> into, long bytes, String what) {
        DeviceBuffer b = dev.alloc(bytes, what);
        into.add(b);
        return b;
    }

    private static void free(List<DeviceBuffer> bufs) {
        for (DeviceBuffer b : bufs) b.close();
        bufs.clear();
    }

    /** The order-preserving key of the kernels' f2key (as an int's bits): NaN above +Inf, -0.0 below +0.0. */
    static int key(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return 0xffffffff;
        return (u & 0x80000000) != 0 ? ~u : (u | 0x80000000);
    }

    private static boolean vec4(long x, long ldx, long bias, int n) {
        return n % 4 == 0 && ldx % 4 == 0 && x % 16 == 0 && bias % 16 == 0;
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
        long cap = ensureCandidates(total, (long) rows * n);
        long flags = state.ptr() + 16;
        mark(stream, 0);
        stream.fill32(hist.ptr(), 0, 3L * 2048 * 2);
        stream.fill32(state.ptr(), 0, 2);
        stream.fill32(state.ptr() + 8, (int) total, 1);
        stream.fill32(state.ptr() + 12, (int) (total >>> 32), 1);
        stream.fill32(flags, 0, fresh ? 5 : 3);
        fresh = false;
        stream.fill32(greater.ptr(), 0, rows);
        stream.fill32(equal.ptr(), 0, rows);
        boolean v4 = vec4(x, ldx, bias, n);
        int blocks = Math.max(1, Math.min(rows, 4 * dev.multiprocessors()));
        int candBlocks = Math.max(1, 2 * dev.multiprocessors());
        long h0 = hist.ptr(), h1 = h0 + 8L * 2048, h2 = h1 + 8L * 2048;
        int c = (int) cap;
        mark(stream, 1);
        // 0. the keys at or above the hint as candidates; used when they hold the total and fit
        dev.launch(v4 ? kBound4 : kBound, blocks, 1, 512, 1, 0, stream, x, ldx, bias, rows, n, candKey, candRow, flags, c);
        dev.launch(kCheck, 1, 1, 1, 1, 0, stream, flags, c, total);
        mark(stream, 2);
        for (int p = 0; p < 3; p++) {
            long h = h0 + 8L * 2048 * p;
            dev.launch(kHistCand, candBlocks, 1, 512, 1, 0, stream, candKey, flags, c, state, MASK[p], SHIFT[p], BITS[p], h, 3);
            dev.launch(kPick, 1, 1, 1024, 1, 0, stream, h, BITS[p], SHIFT[p], state, 3, flags, c);
        }
        dev.launch(kCountCand, candBlocks, 1, 256, 1, 0, stream, candKey, candRow, flags, c, state, greater, equal, 3);
        mark(stream, 3);
        // without a usable hint: 1. top 11 bits over the matrix
        dev.launch(v4 ? kHist4 : kHist, blocks, 1, 512, 1, 0, stream, x, ldx, bias, rows, n, state, 0, 21, 11, h0, 2, flags, c);
        dev.launch(kPick, 1, 1, 1024, 1, 0, stream, h0, 11, 21, state, 2, flags, c);
        mark(stream, 4);
        // 2. per-row counts above the bucket, the bucket's keys as candidates, bits [10, 21)
        dev.launch(v4 ? kGather4 : kGather, blocks, 1, 512, 1, 0, stream, x, ldx, bias, rows, n, state, h1, rowAbove, candKey,
                candRow, flags, c);
        dev.launch(kPick, 1, 1, 1024, 1, 0, stream, h1, 11, 10, state, 2, flags, c);
        mark(stream, 5);
        // 3. bits [0, 10) over the candidates (over the matrix when they overflowed), per-row counts
        dev.launch(kHistCand, candBlocks, 1, 512, 1, 0, stream, candKey, flags, c, state, MASK[2], SHIFT[2], BITS[2], h2, 4);
        dev.launch(v4 ? kHist4 : kHist, blocks, 1, 512, 1, 0, stream, x, ldx, bias, rows, n, state, MASK[2], SHIFT[2], BITS[2], h2, 1,
                flags, c);
        dev.launch(kPick, 1, 1, 1024, 1, 0, stream, h2, 10, 0, state, 2, flags, c);
        dev.launch(kCountCand, candBlocks, 1, 256, 1, 0, stream, candKey, candRow, flags, c, state, greater, equal, 4);
        dev.launch(kCount, rows, 1, 256, 1, 0, stream, x, ldx, bias, n, state, 0, greater, equal, 1, flags, c);
        mark(stream, 6);
        // 4. offsets, 5. each row's kept entries in column order; the next hint
        dev.launch(kScan, 1, 1, 1024, 1, 0, stream, greater, equal, rowAbove, flags, c, rows, state, rowStart, takeEq);
        mark(stream, 7);
        dev.launch(v4 ? kWrite4 : kWrite, rows, 1, 256, 1, 0, stream, x, ldx, bias, n, state, 0, rowStart, takeEq, vals, idx, rowOf,
                minPos);
        dev.launch(kHint, 1, 1, 1, 1, 0, stream, state, flags);
        if (stageMs != null) {
            stream.record(marks[STAGES.length]);
            stream.downloadAsync(hostFlags, flags, 20);
            marks[STAGES.length].synchronize();
            stream.synchronize();
            for (int i = 0; i < STAGES.length; i++) stageMs[i] += marks[i + 1].millisSince(marks[i]);
            profiled++;
            if (hostFlags.get(java.lang.foreign.ValueLayout.JAVA_INT, 8) != 0) hinted++;
        }
    }

    /**
     * Row by row, the entries of x (+ bias) above theta (v > theta; NaN never): their counts as
     * offsets into rowStart [rows + 1]. Waits for and returns the total, so that the caller can size
     * the lists for {@link #writeAbove}, which must follow on the same stream with the same arguments.
     */
    int countAbove(CudaDevice.Stream stream, long x, long ldx, long bias, int rows, int n, float theta, long rowStart) {
        ensure(rows);
        long flags = state.ptr() + 16;
        stream.fill32(state.ptr(), key(theta), 1);
        stream.fill32(state.ptr() + 4, 0, 3);
        dev.launch(kCount, rows, 1, 256, 1, 0, stream, x, ldx, bias, n, state, 1, greater, equal, 0, flags, 0);
        dev.launch(kScan, 1, 1, 1024, 1, 0, stream, greater, equal, 0L, flags, 0, rows, state, rowStart, takeEq);
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment h = a.allocate(4, 4);
            stream.synchronize();
            dev.download(h, rowStart + 4L * rows, 4);
            return h.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
        }
    }

    /** The entries counted by {@link #countAbove} into vals and idx, each row's in column order. */
    void writeAbove(CudaDevice.Stream stream, long x, long ldx, long bias, int rows, int n, long rowStart, long vals, long idx) {
        dev.launch(vec4(x, ldx, bias, n) ? kWrite4 : kWrite, rows, 1, 256, 1, 0, stream, x, ldx, bias, n, state, 1, rowStart, takeEq,
                vals, idx, 0L, 0L);
    }

    @Override
    public void close() {
        if (marks != null) for (CudaDevice.Event e : marks) e.close();
        if (hostFlags != null) dev.freePinned(hostFlags);
        free(rowBufs);
        free(candBufs);
        hist.close();
        state.close();
    }
}
