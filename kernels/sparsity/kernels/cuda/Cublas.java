package sparsity.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * cuBLAS (libcublas) for the dense products: one handle per {@link CudaDevice} user, bound to a
 * stream, in plain fp32 or with TF32 tensor cores allowed. Column-major, as BLAS; callers map
 * their row-major matrices (a row-major A is a column-major A^T).
 */
final class Cublas {

    static final int OP_N = 0;
    static final int OP_T = 1;
    static final int DEFAULT_MATH = 0;
    static final int PEDANTIC_MATH = 2;
    static final int TF32_TENSOR_OP_MATH = 3;
    /** cudaDataType_t values and cublasComputeType_t / cublasGemmAlgo_t for {@link #gemmEx}. */
    static final int CUDA_R_32F = 0, CUDA_R_16BF = 14, COMPUTE_32F = 68, GEMM_DEFAULT = -1;

    final String path;
    private final MethodHandle create, destroy, setStream, setMathMode, sgemm, sgemv, gemmEx, statusName;

    private Cublas(SymbolLookup l, String path) {
        this.path = path;
        Linker k = Linker.nativeLinker();
        create = k.downcallHandle(find(l, "cublasCreate_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = k.downcallHandle(find(l, "cublasDestroy_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = k.downcallHandle(find(l, "cublasSetStream_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setMathMode = k.downcallHandle(find(l, "cublasSetMathMode"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        sgemm = k.downcallHandle(find(l, "cublasSgemm_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        sgemv = k.downcallHandle(find(l, "cublasSgemv_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        gemmEx = k.downcallHandle(find(l, "cublasGemmEx"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        statusName = l.find("cublasGetStatusName").map(f -> k.downcallHandle(f, FunctionDescriptor.of(ADDRESS, JAVA_INT)))
                .orElse(null);
    }

    private static MemorySegment find(SymbolLookup l, String name) {
        return l.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libcublas has no " + name));
    }

    private static Cublas instance;
    private static String loadFailure;

    static synchronized Cublas get() {
        if (instance == null && loadFailure == null) {
            try {
                NativeLibs.Found f = NativeLibs.load("libcublas.so.13", "libcublas.so.12", "libcublas.so");
                if (!f.ok()) loadFailure = "no cuBLAS: " + f.failure();
                else instance = new Cublas(f.lookup(), f.path());
            } catch (Throwable t) {
                loadFailure = "cuBLAS could not be bound: " + t;
            }
        }
        return instance;
    }

    static synchronized String loadFailure() {
        get();
        return loadFailure;
    }

    private String name(int rc) {
        if (statusName != null) {
            try {
                return ((MemorySegment) statusName.invokeExact(rc)).reinterpret(128).getString(0);
            } catch (Throwable ignored) {
                // fall through
            }
        }
        return "CUBLAS_STATUS " + rc;
    }

    private void check(int rc, String what) {
        if (rc == 0) return;
        String n = name(rc);
        String hint = rc == 3 ? " (cuBLAS could not allocate GPU memory: try a smaller batch)" : "";
        throw new CudaException("cuBLAS " + what + " failed: " + n + hint, rc, n);
    }

    private static CudaException wrap(Throwable t, String what) {
        if (t instanceof CudaException c) return c;
        return new CudaException("cuBLAS " + what + " failed: " + t, t);
    }

    /** A handle (the current context's) bound to {@code stream} with the given math mode. */
    MemorySegment handle(MemorySegment stream, int mathMode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            check((int) create.invokeExact(p), "cublasCreate");
            MemorySegment h = p.get(ADDRESS, 0);
            check((int) setStream.invokeExact(h, stream), "cublasSetStream");
            check((int) setMathMode.invokeExact(h, mathMode), "cublasSetMathMode");
            return h;
        } catch (Throwable t) {
            throw wrap(t, "cublasCreate");
        }
    }

    void mathMode(MemorySegment h, int mode) {
        try {
            check((int) setMathMode.invokeExact(h, mode), "cublasSetMathMode");
        } catch (Throwable t) {
            throw wrap(t, "cublasSetMathMode");
        }
    }

    void destroy(MemorySegment h) {
        try {
            check((int) destroy.invokeExact(h), "cublasDestroy");
        } catch (Throwable t) {
            throw wrap(t, "cublasDestroy");
        }
    }

    /** C = alpha op(A) op(B) + beta C, column-major; alpha and beta are host floats in {@code scalars}. */
    void sgemm(MemorySegment h, int opA, int opB, int m, int n, int k, MemorySegment alpha, long a, int lda, long b, int ldb,
               MemorySegment beta, long c, int ldc) {
        try {
            check((int) sgemm.invokeExact(h, opA, opB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc),
                    "sgemm " + m + "x" + n + "x" + k);
        } catch (Throwable t) {
            throw wrap(t, "sgemm");
        }
    }

    /**
     * C = alpha op(A) op(B) + beta C, column-major, with A and B of element type {@code abType}
     * (e.g. {@link #CUDA_R_16BF}), C fp32, fp32 accumulation.
     */
    void gemmEx(MemorySegment h, int opA, int opB, int m, int n, int k, MemorySegment alpha, long a, int lda, long b,
                int ldb, int abType, MemorySegment beta, long c, int ldc) {
        try {
            check((int) gemmEx.invokeExact(h, opA, opB, m, n, k, alpha, a, abType, lda, b, abType, ldb, beta, c, CUDA_R_32F,
                    ldc, COMPUTE_32F, GEMM_DEFAULT), "gemmEx " + m + "x" + n + "x" + k);
        } catch (Throwable t) {
            throw wrap(t, "gemmEx");
        }
    }

    /** y = alpha op(A) x + beta y, column-major A [m x n]. */
    void sgemv(MemorySegment h, int op, int m, int n, MemorySegment alpha, long a, int lda, long x, MemorySegment beta, long y) {
        try {
            check((int) sgemv.invokeExact(h, op, m, n, alpha, a, lda, x, 1, beta, y, 1), "sgemv " + m + "x" + n);
        } catch (Throwable t) {
            throw wrap(t, "sgemv");
        }
    }

    /** A host float (for alpha, beta) that lives as long as the arena. */
    static MemorySegment scalar(Arena arena, float v) {
        MemorySegment s = arena.allocate(JAVA_FLOAT);
        s.set(JAVA_FLOAT, 0, v);
        return s;
    }
}
