package sparsity.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA driver API (libcuda.so.1) through Java's foreign function API: the calls the GPU
 * backend needs, each checked, a failure thrown as {@link CudaException} with the driver's error
 * name and what was being done. Handles (contexts, streams, events, modules, functions) are
 * {@link MemorySegment} addresses; device pointers are longs.
 */
final class Driver {

    static final int CU_STREAM_NON_BLOCKING = 1;
    static final int CU_EVENT_DEFAULT = 0;
    static final int CU_EVENT_DISABLE_TIMING = 2;
    static final int ATTR_CLOCK_RATE = 13;
    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    static final int ATTR_MEMORY_CLOCK_RATE = 36;
    static final int ATTR_GLOBAL_MEMORY_BUS_WIDTH = 37;
    static final int ATTR_L2_CACHE_SIZE = 38;
    static final int ATTR_CC_MAJOR = 75;
    static final int ATTR_CC_MINOR = 76;
    static final int ATTR_MAX_SHARED_PER_BLOCK_OPTIN = 97;
    static final int FUNC_ATTR_MAX_DYNAMIC_SHARED = 8;

    final String path;
    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease, cuCtxSetCurrent,
            cuMemGetInfo, cuMemAlloc, cuMemFree, cuMemAllocHost, cuMemFreeHost, cuMemHostRegister, cuMemHostUnregister,
            cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD32Async,
            cuStreamCreate, cuStreamDestroy, cuStreamSynchronize, cuStreamWaitEvent, cuEventCreate, cuEventRecord,
            cuEventSynchronize, cuEventElapsedTime, cuEventDestroy, cuModuleLoadData, cuModuleGetFunction, cuModuleUnload,
            cuFuncSetAttribute, cuLaunchKernel, cuGetErrorName, cuGetErrorString;

    private Driver(SymbolLookup l, String path) {
        this.path = path;
        cuInit = h(l, "cuInit", JAVA_INT);
        cuDriverGetVersion = h(l, "cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = h(l, "cuDeviceGetCount", ADDRESS);
        cuDeviceGet = h(l, "cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = h(l, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceGetAttribute = h(l, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceTotalMem = h(l, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRetain = h(l, "cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRelease = h(l, "cuDevicePrimaryCtxRelease_v2", JAVA_INT);
        cuCtxSetCurrent = h(l, "cuCtxSetCurrent", ADDRESS);
        cuMemGetInfo = h(l, "cuMemGetInfo_v2", ADDRESS, ADDRESS);
        cuMemAlloc = h(l, "cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = h(l, "cuMemFree_v2", JAVA_LONG);
        cuMemAllocHost = h(l, "cuMemAllocHost_v2", ADDRESS, JAVA_LONG);
        cuMemFreeHost = h(l, "cuMemFreeHost", ADDRESS);
        cuMemHostRegister = h(l, "cuMemHostRegister_v2", ADDRESS, JAVA_LONG, JAVA_INT);
        cuMemHostUnregister = h(l, "cuMemHostUnregister", ADDRESS);
        cuMemcpyHtoD = h(l, "cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        cuMemcpyDtoH = h(l, "cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        cuMemcpyHtoDAsync = h(l, "cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
        cuMemcpyDtoHAsync = h(l, "cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
        cuMemcpyDtoDAsync = h(l, "cuMemcpyDtoDAsync_v2", JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS);
        cuMemsetD32Async = h(l, "cuMemsetD32Async", JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS);
        cuStreamCreate = h(l, "cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamDestroy = h(l, "cuStreamDestroy_v2", ADDRESS);
        cuStreamSynchronize = h(l, "cuStreamSynchronize", ADDRESS);
        cuStreamWaitEvent = h(l, "cuStreamWaitEvent", ADDRESS, ADDRESS, JAVA_INT);
        cuEventCreate = h(l, "cuEventCreate", ADDRESS, JAVA_INT);
        cuEventRecord = h(l, "cuEventRecord", ADDRESS, ADDRESS);
        cuEventSynchronize = h(l, "cuEventSynchronize", ADDRESS);
        cuEventElapsedTime = l.find("cuEventElapsedTime_v2").isPresent()
                ? h(l, "cuEventElapsedTime_v2", ADDRESS, ADDRESS, ADDRESS) : h(l, "cuEventElapsedTime", ADDRESS, ADDRESS, ADDRESS);
        cuEventDestroy = h(l, "cuEventDestroy_v2", ADDRESS);
        cuModuleLoadData = h(l, "cuModuleLoadData", ADDRESS, ADDRESS);
        cuModuleGetFunction = h(l, "cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
        cuModuleUnload = h(l, "cuModuleUnload", ADDRESS);
        cuFuncSetAttribute = h(l, "cuFuncSetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuLaunchKernel = h(l, "cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        cuGetErrorName = h(l, "cuGetErrorName", JAVA_INT, ADDRESS);
        cuGetErrorString = h(l, "cuGetErrorString", JAVA_INT, ADDRESS);
    }

    private static MethodHandle h(SymbolLookup l, String name, MemoryLayout... args) {
        MemorySegment f = l.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libcuda has no " + name));
        return Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(JAVA_INT, args));
    }

    private static Driver instance;
    private static String loadFailure;

    /** The driver library, loaded once; null when it cannot be loaded ({@link #loadFailure()} says why). */
    static synchronized Driver get() {
        if (instance == null && loadFailure == null) {
            try {
                NativeLibs.Found f = NativeLibs.load("libcuda.so.1", "libcuda.so");
                if (!f.ok()) loadFailure = "no CUDA driver: " + f.failure();
                else instance = new Driver(f.lookup(), f.path());
            } catch (Throwable t) {
                loadFailure = "the CUDA driver library could not be bound: " + t;
            }
        }
        return instance;
    }

    static synchronized String loadFailure() {
        get();
        return loadFailure;
    }

    // ------------------------------------------------------------------ errors

    String errorName(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) cuGetErrorName.invokeExact(rc, p);
            if (r != 0) return "CUDA error " + rc;
            return p.get(ADDRESS, 0).reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "CUDA error " + rc;
        }
    }

    String errorString(int rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int r = (int) cuGetErrorString.invokeExact(rc, p);
            if (r != 0) return "";
            return p.get(ADDRESS, 0).reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "";
        }
    }

    void check(int rc, String what) {
        if (rc == 0) return;
        String name = errorName(rc);
        String text = errorString(rc);
        throw new CudaException("CUDA " + what + " failed: " + name + (text.isEmpty() ? "" : " (" + text + ")"), rc, name);
    }

    private static CudaException wrap(Throwable t, String what) {
        if (t instanceof CudaException c) return c;
        if (t instanceof RuntimeException r) return new CudaException("CUDA " + what + " failed: " + r, r);
        return new CudaException("CUDA " + what + " failed: " + t, t);
    }

    // ------------------------------------------------------------------ calls

    /** cuInit(0); returns the raw result so that probing can report it without throwing. */
    int init() {
        try {
            return (int) cuInit.invokeExact(0);
        } catch (Throwable t) {
            throw wrap(t, "cuInit");
        }
    }

    int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check((int) cuDriverGetVersion.invokeExact(p), "cuDriverGetVersion");
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuDriverGetVersion");
        }
    }

    /** cuDeviceGetCount; returns the raw result in [0] and the count in [1]. */
    int[] deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            int rc = (int) cuDeviceGetCount.invokeExact(p);
            return new int[] {rc, rc == 0 ? p.get(JAVA_INT, 0) : 0};
        } catch (Throwable t) {
            throw wrap(t, "cuDeviceGetCount");
        }
    }

    int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            check((int) cuDeviceGet.invokeExact(p, ordinal), "cuDeviceGet");
            return p.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuDeviceGet");
        }
    }

    String deviceName(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(256);
            check((int) cuDeviceGetName.invokeExact(p, 256, dev), "cuDeviceGetName");
            return p.getString(0);
        } catch (Throwable t) {
            throw wrap(t, "cuDeviceGetName");
        }
    }

    int attribute(int attr, int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_INT);
            int rc = (int) cuDeviceGetAttribute.invokeExact(p, attr, dev);
            return rc == 0 ? p.get(JAVA_INT, 0) : -1;
        } catch (Throwable t) {
            throw wrap(t, "cuDeviceGetAttribute");
        }
    }

    long totalMem(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            check((int) cuDeviceTotalMem.invokeExact(p, dev), "cuDeviceTotalMem");
            return p.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuDeviceTotalMem");
        }
    }

    MemorySegment primaryCtxRetain(int dev) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuDevicePrimaryCtxRetain.invokeExact(p, dev), "cuDevicePrimaryCtxRetain");
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuDevicePrimaryCtxRetain");
        }
    }

    void primaryCtxRelease(int dev) {
        try {
            check((int) cuDevicePrimaryCtxRelease.invokeExact(dev), "cuDevicePrimaryCtxRelease");
        } catch (Throwable t) {
            throw wrap(t, "cuDevicePrimaryCtxRelease");
        }
    }

    void ctxSetCurrent(MemorySegment ctx) {
        try {
            check((int) cuCtxSetCurrent.invokeExact(ctx), "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw wrap(t, "cuCtxSetCurrent");
        }
    }

    /** {free, total} bytes of device memory. */
    long[] memInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(JAVA_LONG);
            MemorySegment t = a.allocate(JAVA_LONG);
            check((int) cuMemGetInfo.invokeExact(f, t), "cuMemGetInfo");
            return new long[] {f.get(JAVA_LONG, 0), t.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw wrap(t, "cuMemGetInfo");
        }
    }

    /** cuMemAlloc; returns the raw result in rc[0] and the pointer. */
    long memAlloc(long bytes, int[] rc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            rc[0] = (int) cuMemAlloc.invokeExact(p, bytes);
            return rc[0] == 0 ? p.get(JAVA_LONG, 0) : 0;
        } catch (Throwable t) {
            throw wrap(t, "cuMemAlloc");
        }
    }

    void memFree(long ptr) {
        try {
            check((int) cuMemFree.invokeExact(ptr), "cuMemFree");
        } catch (Throwable t) {
            throw wrap(t, "cuMemFree");
        }
    }

    MemorySegment memAllocHost(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuMemAllocHost.invokeExact(p, bytes), "cuMemAllocHost (" + bytes + " bytes of pinned host memory)");
            return p.get(ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) {
            throw wrap(t, "cuMemAllocHost");
        }
    }

    void memFreeHost(MemorySegment p) {
        try {
            check((int) cuMemFreeHost.invokeExact(p), "cuMemFreeHost");
        } catch (Throwable t) {
            throw wrap(t, "cuMemFreeHost");
        }
    }

    /** Page-locks host memory; returns the raw result (registration is an optimization). */
    int memHostRegister(MemorySegment p, long bytes) {
        try {
            return (int) cuMemHostRegister.invokeExact(p, bytes, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuMemHostRegister");
        }
    }

    void memHostUnregister(MemorySegment p) {
        try {
            check((int) cuMemHostUnregister.invokeExact(p), "cuMemHostUnregister");
        } catch (Throwable t) {
            throw wrap(t, "cuMemHostUnregister");
        }
    }

    void memcpyHtoD(long dst, MemorySegment src, long bytes) {
        try {
            check((int) cuMemcpyHtoD.invokeExact(dst, src, bytes), "copy of " + bytes + " bytes to the GPU");
        } catch (Throwable t) {
            throw wrap(t, "cuMemcpyHtoD");
        }
    }

    void memcpyDtoH(MemorySegment dst, long src, long bytes) {
        try {
            check((int) cuMemcpyDtoH.invokeExact(dst, src, bytes), "copy of " + bytes + " bytes from the GPU");
        } catch (Throwable t) {
            throw wrap(t, "cuMemcpyDtoH");
        }
    }

    void memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            check((int) cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream), "asynchronous copy to the GPU");
        } catch (Throwable t) {
            throw wrap(t, "cuMemcpyHtoDAsync");
        }
    }

    void memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try {
            check((int) cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream), "asynchronous copy from the GPU");
        } catch (Throwable t) {
            throw wrap(t, "cuMemcpyDtoHAsync");
        }
    }

    void memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try {
            check((int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream), "copy on the GPU");
        } catch (Throwable t) {
            throw wrap(t, "cuMemcpyDtoDAsync");
        }
    }

    void memsetD32Async(long dst, int value, long count, MemorySegment stream) {
        try {
            check((int) cuMemsetD32Async.invokeExact(dst, value, count, stream), "cuMemsetD32Async");
        } catch (Throwable t) {
            throw wrap(t, "cuMemsetD32Async");
        }
    }

    MemorySegment streamCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuStreamCreate.invokeExact(p, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuStreamCreate");
        }
    }

    void streamDestroy(MemorySegment s) {
        try {
            check((int) cuStreamDestroy.invokeExact(s), "cuStreamDestroy");
        } catch (Throwable t) {
            throw wrap(t, "cuStreamDestroy");
        }
    }

    void streamSynchronize(MemorySegment s) {
        try {
            check((int) cuStreamSynchronize.invokeExact(s), "work on the GPU (cuStreamSynchronize)");
        } catch (Throwable t) {
            throw wrap(t, "cuStreamSynchronize");
        }
    }

    void streamWaitEvent(MemorySegment s, MemorySegment e) {
        try {
            check((int) cuStreamWaitEvent.invokeExact(s, e, 0), "cuStreamWaitEvent");
        } catch (Throwable t) {
            throw wrap(t, "cuStreamWaitEvent");
        }
    }

    MemorySegment eventCreate(boolean timing) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuEventCreate.invokeExact(p, timing ? CU_EVENT_DEFAULT : CU_EVENT_DISABLE_TIMING), "cuEventCreate");
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuEventCreate");
        }
    }

    void eventRecord(MemorySegment e, MemorySegment s) {
        try {
            check((int) cuEventRecord.invokeExact(e, s), "cuEventRecord");
        } catch (Throwable t) {
            throw wrap(t, "cuEventRecord");
        }
    }

    void eventSynchronize(MemorySegment e) {
        try {
            check((int) cuEventSynchronize.invokeExact(e), "work on the GPU (cuEventSynchronize)");
        } catch (Throwable t) {
            throw wrap(t, "cuEventSynchronize");
        }
    }

    float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_FLOAT);
            check((int) cuEventElapsedTime.invokeExact(p, start, end), "cuEventElapsedTime");
            return p.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuEventElapsedTime");
        }
    }

    void eventDestroy(MemorySegment e) {
        try {
            check((int) cuEventDestroy.invokeExact(e), "cuEventDestroy");
        } catch (Throwable t) {
            throw wrap(t, "cuEventDestroy");
        }
    }

    MemorySegment moduleLoadData(byte[] image) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment img = a.allocate(image.length + 1L);
            MemorySegment.copy(image, 0, img, JAVA_BYTE, 0, image.length);
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuModuleLoadData.invokeExact(p, img), "loading compiled kernels (cuModuleLoadData)");
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuModuleLoadData");
        }
    }

    MemorySegment moduleGetFunction(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) cuModuleGetFunction.invokeExact(p, module, a.allocateFrom(name)), "finding kernel " + name);
            return p.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw wrap(t, "cuModuleGetFunction");
        }
    }

    void moduleUnload(MemorySegment module) {
        try {
            check((int) cuModuleUnload.invokeExact(module), "cuModuleUnload");
        } catch (Throwable t) {
            throw wrap(t, "cuModuleUnload");
        }
    }

    void funcSetAttribute(MemorySegment f, int attr, int value) {
        try {
            check((int) cuFuncSetAttribute.invokeExact(f, attr, value), "cuFuncSetAttribute");
        } catch (Throwable t) {
            throw wrap(t, "cuFuncSetAttribute");
        }
    }

    void launch(MemorySegment f, int gx, int gy, int gz, int bx, int by, int bz, int smem, MemorySegment stream,
                MemorySegment params, String name) {
        int rc;
        try {
            rc = (int) cuLaunchKernel.invokeExact(f, gx, gy, gz, bx, by, bz, smem, stream, params, MemorySegment.NULL);
        } catch (Throwable t) {
            throw wrap(t, "cuLaunchKernel");
        }
        check(rc, "launch of kernel " + name + " (grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by + "x" + bz + ")");
    }
}
