package sparsity.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * NVRTC (libnvrtc): compiles CUDA C source to a cubin for the device's architecture at run time,
 * so that no native code is built with the workbench. A compile error throws with NVRTC's log.
 */
final class Nvrtc {

    final String path;
    private final MethodHandle create, compile, logSize, log, cubinSize, cubin, destroy, errorString, version;

    private Nvrtc(SymbolLookup l, String path) {
        this.path = path;
        Linker k = Linker.nativeLinker();
        create = k.downcallHandle(find(l, "nvrtcCreateProgram"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = k.downcallHandle(find(l, "nvrtcCompileProgram"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        logSize = k.downcallHandle(find(l, "nvrtcGetProgramLogSize"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = k.downcallHandle(find(l, "nvrtcGetProgramLog"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cubinSize = k.downcallHandle(find(l, "nvrtcGetCUBINSize"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cubin = k.downcallHandle(find(l, "nvrtcGetCUBIN"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = k.downcallHandle(find(l, "nvrtcDestroyProgram"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = k.downcallHandle(find(l, "nvrtcGetErrorString"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        version = k.downcallHandle(find(l, "nvrtcVersion"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    private static MemorySegment find(SymbolLookup l, String name) {
        return l.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libnvrtc has no " + name));
    }

    private static Nvrtc instance;
    private static String loadFailure;

    static synchronized Nvrtc get() {
        if (instance == null && loadFailure == null) {
            try {
                NativeLibs.Found f = NativeLibs.load("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so");
                if (!f.ok()) loadFailure = "no NVRTC (the CUDA run-time compiler): " + f.failure();
                else instance = new Nvrtc(f.lookup(), f.path());
            } catch (Throwable t) {
                loadFailure = "NVRTC could not be bound: " + t;
            }
        }
        return instance;
    }

    static synchronized String loadFailure() {
        get();
        return loadFailure;
    }

    String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ma = a.allocate(JAVA_INT);
            MemorySegment mi = a.allocate(JAVA_INT);
            int rc = (int) version.invokeExact(ma, mi);
            return rc == 0 ? ma.get(JAVA_INT, 0) + "." + mi.get(JAVA_INT, 0) : "?";
        } catch (Throwable t) {
            return "?";
        }
    }

    private String err(int rc) {
        try {
            MemorySegment s = (MemorySegment) errorString.invokeExact(rc);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "NVRTC error " + rc;
        }
    }

    /** Compiles {@code source} (named {@code name} in messages) with {@code options}; returns the cubin. */
    byte[] compile(String source, String name, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDRESS);
            int rc = (int) create.invokeExact(prog, a.allocateFrom(source), a.allocateFrom(name), 0, MemorySegment.NULL,
                    MemorySegment.NULL);
            if (rc != 0) throw new CudaException("NVRTC could not create a program for " + name + ": " + err(rc), rc, err(rc));
            MemorySegment p = prog.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(MemoryLayout.sequenceLayout(Math.max(1, options.size()), ADDRESS));
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                rc = (int) compile.invokeExact(p, options.size(), opts);
                if (rc != 0) {
                    throw new CudaException("NVRTC could not compile " + name + " (" + err(rc) + "):\n" + programLog(a, p), rc, err(rc));
                }
                MemorySegment sz = a.allocate(JAVA_LONG);
                check((int) cubinSize.invokeExact(p, sz), "nvrtcGetCUBINSize");
                long n = sz.get(JAVA_LONG, 0);
                MemorySegment out = a.allocate(n);
                check((int) cubin.invokeExact(p, out), "nvrtcGetCUBIN");
                return out.toArray(JAVA_BYTE);
            } finally {
                int ignored = (int) destroy.invokeExact(prog);
            }
        } catch (CudaException e) {
            throw e;
        } catch (Throwable t) {
            throw new CudaException("NVRTC failed on " + name + ": " + t, t);
        }
    }

    private String programLog(Arena a, MemorySegment p) throws Throwable {
        MemorySegment sz = a.allocate(JAVA_LONG);
        if ((int) logSize.invokeExact(p, sz) != 0) return "";
        long n = sz.get(JAVA_LONG, 0);
        if (n <= 1) return "";
        MemorySegment buf = a.allocate(n);
        if ((int) log.invokeExact(p, buf) != 0) return "";
        return buf.getString(0);
    }

    private void check(int rc, String what) {
        if (rc != 0) throw new CudaException(what + " failed: " + err(rc), rc, err(rc));
    }
}
