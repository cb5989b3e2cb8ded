package sparsity.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One CUDA GPU (device 0) with its primary context: device memory, pinned host memory, streams,
 * events, kernels compiled at run time from the CUDA sources kept beside these classes (loaded
 * from the class path, compiled by NVRTC for this device's architecture, cached per set of
 * defines), kernel launches and cuBLAS handles. Opened once per process by {@link #get()}.
 *
 * <p>Each thread that works with the device calls {@link #makeCurrent()} first (the classes of
 * this package do so in their public methods).
 */
public final class CudaDevice {

    private static CudaDevice instance;

    final Driver driver;
    final Cublas cublas;
    private final Nvrtc nvrtc;
    private final int dev;
    private final MemorySegment ctx;
    private final String name;
    private final int ccMajor;
    private final int ccMinor;
    private final int sms;
    private final long totalMemory;
    private final int clockKHz;
    private final int memClockKHz;
    private final int busWidth;
    private final Map<String, Module> modules = new HashMap<>();
    private final Arena scratchArena = Arena.ofShared();
    private final MemorySegment argValues = scratchArena.allocate(8L * 64, 8);
    private final MemorySegment argPointers = scratchArena.allocate(ADDRESS.byteSize() * 64, 8);
    private long allocated;

    private CudaDevice() {
        Cuda.Availability a = Cuda.probe();
        if (!a.available()) throw new CudaException("no usable CUDA GPU: " + a.reason(), -1, "");
        driver = Driver.get();
        cublas = Cublas.get();
        nvrtc = Nvrtc.get();
        dev = driver.device(0);
        ctx = driver.primaryCtxRetain(dev);
        driver.ctxSetCurrent(ctx);
        name = driver.deviceName(dev);
        ccMajor = driver.attribute(Driver.ATTR_CC_MAJOR, dev);
        ccMinor = driver.attribute(Driver.ATTR_CC_MINOR, dev);
        sms = driver.attribute(Driver.ATTR_MULTIPROCESSOR_COUNT, dev);
        totalMemory = driver.totalMem(dev);
        clockKHz = driver.attribute(Driver.ATTR_CLOCK_RATE, dev);
        memClockKHz = driver.attribute(Driver.ATTR_MEMORY_CLOCK_RATE, dev);
        busWidth = driver.attribute(Driver.ATTR_GLOBAL_MEMORY_BUS_WIDTH, dev);
    }

    /** The GPU, opened on first use; throws {@link CudaException} (with the reason) where there is none. */
    public static synchronized CudaDevice get() {
        if (instance == null) instance = new CudaDevice();
        instance.makeCurrent();
        return instance;
    }

    /** Makes this device's context current on the calling thread. */
    public void makeCurrent() {
        driver.ctxSetCurrent(ctx);
    }

    public String name() {
        return name;
    }

    /** Compute capability, e.g. 90 for sm_90. */
    public int computeCapability() {
        return ccMajor * 10 + ccMinor;
    }

    public int multiprocessors() {
        return sms;
    }

    public long totalMemory() {
        return totalMemory;
    }

    /** The SM clock in kHz as the driver reports it (-1 when it does not). */
    public int clockKHz() {
        return clockKHz;
    }

    /** Peak DRAM bandwidth in bytes/s from the memory clock and bus width (0 when unknown). */
    public double memoryBandwidth() {
        return memClockKHz > 0 && busWidth > 0 ? 2.0 * memClockKHz * 1e3 * busWidth / 8 : 0;
    }

    /** {free, total} bytes of device memory now. */
    public long[] memoryInfo() {
        makeCurrent();
        return driver.memInfo();
    }

    /** Bytes this process holds through {@link #alloc}. */
    public synchronized long allocatedBytes() {
        return allocated;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (sm_%d%d, %d SMs, %.1f GiB)", name, ccMajor, ccMinor, sms,
                totalMemory / (double) (1L << 30));
    }

    // ------------------------------------------------------------------ memory

    /**
     * Device memory of {@code bytes} for {@code what} (named in the message when it runs out, with
     * how much was asked and how much is free, and the advice to use a smaller batch).
     */
    public DeviceBuffer alloc(long bytes, String what) {
        makeCurrent();
        int[] rc = new int[1];
        long p = driver.memAlloc(Math.max(4, bytes), rc);
        if (rc[0] == 2) {
            long[] info = driver.memInfo();
            throw new CudaException.OutOfMemory(String.format(Locale.ROOT,
                    "the GPU ran out of memory: %s needs %s, and %s of the %s on %s are free (this process holds %s). "
                            + "Try a smaller batch (--batch) or fewer latents.",
                    what, gib(bytes), gib(info[0]), gib(info[1]), name, gib(allocatedBytes())), bytes);
        }
        driver.check(rc[0], "allocation of " + gib(bytes) + " for " + what);
        synchronized (this) {
            allocated += Math.max(4, bytes);
        }
        return new DeviceBuffer(this, p, bytes);
    }

    void free(long ptr, long bytes) {
        makeCurrent();
        driver.memFree(ptr);
        synchronized (this) {
            allocated -= Math.max(4, bytes);
        }
    }

    static String gib(long bytes) {
        if (bytes >= 1L << 30) return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        return bytes + " bytes";
    }

    /** Page-locked host memory (for fast, asynchronous copies); free with {@link #freePinned}. */
    public MemorySegment allocPinned(long bytes) {
        makeCurrent();
        return driver.memAllocHost(bytes);
    }

    public void freePinned(MemorySegment s) {
        makeCurrent();
        driver.memFreeHost(s);
    }

    /** Page-locks existing host memory; false when the driver refuses (copies then stay synchronous). */
    public boolean register(MemorySegment s) {
        makeCurrent();
        return driver.memHostRegister(s, s.byteSize()) == 0;
    }

    public void unregister(MemorySegment s) {
        makeCurrent();
        driver.memHostUnregister(s);
    }

    /** Synchronous copy host to device. */
    public void upload(long dst, MemorySegment src, long bytes) {
        makeCurrent();
        if (bytes > 0) driver.memcpyHtoD(dst, src, bytes);
    }

    /** Synchronous copy device to host. */
    public void download(MemorySegment dst, long src, long bytes) {
        makeCurrent();
        if (bytes > 0) driver.memcpyDtoH(dst, src, bytes);
    }

    // ------------------------------------------------------------------ streams and events

    /** A stream that does not synchronize with the legacy default stream. */
    public Stream stream() {
        makeCurrent();
        return new Stream(driver.streamCreate());
    }

    /** A CUDA stream; work on it runs in order. */
    public final class Stream implements AutoCloseable {
        final MemorySegment handle;

        private Stream(MemorySegment handle) {
            this.handle = handle;
        }

        public void synchronize() {
            driver.streamSynchronize(handle);
        }

        public void uploadAsync(long dst, MemorySegment src, long bytes) {
            if (bytes > 0) driver.memcpyHtoDAsync(dst, src, bytes, handle);
        }

        public void downloadAsync(MemorySegment dst, long src, long bytes) {
            if (bytes > 0) driver.memcpyDtoHAsync(dst, src, bytes, handle);
        }

        public void copyAsync(long dst, long src, long bytes) {
            if (bytes > 0) driver.memcpyDtoDAsync(dst, src, bytes, handle);
        }

        /** Sets {@code count} 32-bit words at dst to {@code value}. */
        public void fill32(long dst, int value, long count) {
            if (count > 0) driver.memsetD32Async(dst, value, count, handle);
        }

        public void record(Event e) {
            driver.eventRecord(e.handle, handle);
        }

        /** Later work on this stream waits for {@code e}. */
        public void waitFor(Event e) {
            driver.streamWaitEvent(handle, e.handle);
        }

        @Override
        public void close() {
            makeCurrent();
            driver.streamDestroy(handle);
        }
    }

    public Event event(boolean timing) {
        makeCurrent();
        return new Event(driver.eventCreate(timing));
    }

    /** A CUDA event. */
    public final class Event implements AutoCloseable {
        final MemorySegment handle;

        private Event(MemorySegment handle) {
            this.handle = handle;
        }

        public void synchronize() {
            driver.eventSynchronize(handle);
        }

        /** Milliseconds from {@code start} to this event (both recorded, this one completed). */
        public float millisSince(Event start) {
            return driver.eventElapsedMs(start.handle, handle);
        }

        @Override
        public void close() {
            makeCurrent();
            driver.eventDestroy(handle);
        }
    }

    // ------------------------------------------------------------------ kernels

    /** A compiled module: the kernels of some CUDA source files under one set of defines. */
    public final class Module {
        private final MemorySegment handle;
        private final Map<String, Kernel> kernels = new HashMap<>();

        private Module(MemorySegment handle) {
            this.handle = handle;
        }

        public synchronized Kernel kernel(String kernelName) {
            return kernels.computeIfAbsent(kernelName, k -> new Kernel(driver.moduleGetFunction(handle, k), k));
        }
    }

    /** A kernel function. */
    public record Kernel(MemorySegment function, String name) {
    }

    /**
     * The module compiled from {@code common.cuh} followed by {@code files} (resources of this
     * package), with {@code -Dkey=value} for each define; compiled once per process and key.
     */
    public synchronized Module module(List<String> files, Map<String, String> defines) {
        Map<String, String> sorted = new TreeMap<>(defines);
        String key = files + " " + sorted;
        Module m = modules.get(key);
        if (m != null) return m;
        makeCurrent();
        StringBuilder src = new StringBuilder(resource("common.cuh"));
        for (String f : files) src.append("\n// ---- ").append(f).append('\n').append(resource(f));
        List<String> opts = new ArrayList<>();
        opts.add("--gpu-architecture=sm_" + ccMajor + ccMinor);
        opts.add("-std=c++17");
        opts.add("-default-device");
        for (Map.Entry<String, String> e : sorted.entrySet()) opts.add("-D" + e.getKey() + "=" + e.getValue());
        byte[] cubin = nvrtc.compile(src.toString(), String.join("+", files), opts);
        m = new Module(driver.moduleLoadData(cubin));
        modules.put(key, m);
        return m;
    }

    static String resource(String file) {
        try (InputStream in = CudaDevice.class.getResourceAsStream(file)) {
            if (in == null) throw new CudaException("CUDA source " + file + " is missing from the class path "
                    + "(sparsity/kernels/cuda/" + file + ")", -1, "");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CudaException("cannot read CUDA source " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Launches {@code k} on {@code stream} with a grid gx x gy of blocks bx x by and {@code smem}
     * bytes of dynamic shared memory. Arguments, in the kernel's order: {@link Long} (a 64-bit
     * integer or device pointer), {@link DeviceBuffer} (its pointer), {@link Integer},
     * {@link Float}, {@link Double}.
     */
    public synchronized void launch(Kernel k, int gx, int gy, int bx, int by, int smem, Stream stream, Object... args) {
        if (args.length > 64) throw new IllegalArgumentException("at most 64 kernel arguments");
        if (gx <= 0 || gy <= 0) return;
        for (int i = 0; i < args.length; i++) {
            long off = 8L * i;
            Object a = args[i];
            switch (a) {
                case Long v -> argValues.set(JAVA_LONG, off, v);
                case DeviceBuffer b -> argValues.set(JAVA_LONG, off, b.ptr());
                case Integer v -> argValues.set(JAVA_INT, off, v);
                case Float v -> argValues.set(JAVA_FLOAT, off, v);
                case Double v -> argValues.set(JAVA_DOUBLE, off, v);
                case null -> argValues.set(JAVA_LONG, off, 0L);
                default -> throw new IllegalArgumentException("kernel argument of type " + a.getClass());
            }
            argPointers.setAtIndex(ADDRESS, i, argValues.asSlice(off, 8));
        }
        driver.launch(k.function(), gx, gy, 1, bx, by, 1, smem, stream.handle, argPointers, k.name());
    }

    // ------------------------------------------------------------------ cuBLAS

    /** A cuBLAS handle on {@code stream}: plain fp32, or TF32 tensor cores allowed. */
    public Blas blas(Stream stream, boolean tf32) {
        makeCurrent();
        return new Blas(cublas.handle(stream.handle, tf32 ? Cublas.TF32_TENSOR_OP_MATH : Cublas.DEFAULT_MATH));
    }

    /** Row-major products through cuBLAS. */
    public final class Blas implements AutoCloseable {
        private final MemorySegment handle;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment one = Cublas.scalar(arena, 1f);
        private final MemorySegment zero = Cublas.scalar(arena, 0f);
        private final MemorySegment minusOne = Cublas.scalar(arena, -1f);
        private final MemorySegment alphaS = Cublas.scalar(arena, 0f);
        private final MemorySegment betaS = Cublas.scalar(arena, 0f);

        private Blas(MemorySegment handle) {
            this.handle = handle;
        }

        /**
         * Row-major C [M x N] = alpha op(A) op(B) + beta C; A, B, C contiguous with row strides lda, ldb, ldc
         * (in elements); op(A) M x K, op(B) K x N.
         */
        public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
                                      long b, int ldb, float beta, long c, int ldc) {
            alphaS.set(JAVA_FLOAT, 0, alpha);
            betaS.set(JAVA_FLOAT, 0, beta);
            // row-major C = op(A) op(B)  <=>  column-major C^T = op(B)^T op(A)^T
            cublas.sgemm(handle, transB ? Cublas.OP_T : Cublas.OP_N, transA ? Cublas.OP_T : Cublas.OP_N, n, m, k,
                    alphaS, b, ldb, a, lda, betaS, c, ldc);
        }

        /**
         * As {@link #gemm}, with A and B in bfloat16 (2 bytes an element; C fp32, fp32 accumulation,
         * on the tensor cores).
         */
        public synchronized void gemmBf16(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda,
                                          long b, int ldb, float beta, long c, int ldc) {
            alphaS.set(JAVA_FLOAT, 0, alpha);
            betaS.set(JAVA_FLOAT, 0, beta);
            cublas.gemmEx(handle, transB ? Cublas.OP_T : Cublas.OP_N, transA ? Cublas.OP_T : Cublas.OP_N, n, m, k,
                    alphaS, b, ldb, a, lda, Cublas.CUDA_R_16BF, betaS, c, ldc);
        }

        /** y [1 x cols] += -1 * x [1 x rows] * A [rows x cols] (row-major A): y -= A^T x. */
        public synchronized void subtractTransposedProduct(long a, int rows, int cols, long x, long y) {
            cublas.sgemv(handle, Cublas.OP_N, cols, rows, minusOne, a, cols, x, one, y);
        }

        @Override
        public void close() {
            makeCurrent();
            cublas.destroy(handle);
            arena.close();
        }

        MemorySegment zero() {
            return zero;
        }
    }
}
