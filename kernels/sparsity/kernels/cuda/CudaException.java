package sparsity.kernels.cuda;

/**
 * A failed call into the CUDA driver, cuBLAS or NVRTC, with the library's own name for the error
 * (e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}) and what was being done, so that the message can be shown
 * to the user as it is.
 */
public class CudaException extends RuntimeException {

    private final int code;
    private final String errorName;

    public CudaException(String message, int code, String errorName) {
        super(message);
        this.code = code;
        this.errorName = errorName;
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
        this.code = -1;
        this.errorName = "";
    }

    /** The library's numeric result (CUresult, cublasStatus_t, nvrtcResult), or -1. */
    public int code() {
        return code;
    }

    /** The library's name of the result, e.g. CUDA_ERROR_OUT_OF_MEMORY ("" when not from a call). */
    public String errorName() {
        return errorName;
    }

    /** Device memory ran out: says how much was asked for and suggests a smaller batch. */
    public static final class OutOfMemory extends CudaException {
        private final long requested;

        public OutOfMemory(String message, long requested) {
            super(message, 2, "CUDA_ERROR_OUT_OF_MEMORY");
            this.requested = requested;
        }

        /** Bytes that were asked for. */
        public long requested() {
            return requested;
        }
    }
}
