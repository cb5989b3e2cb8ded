package sparsity.kernels.cuda;

/**
 * Is there a usable CUDA GPU here? {@link #probe()} answers without ever throwing: on a machine
 * without the driver, without a visible device, or without cuBLAS or NVRTC it says why, and the
 * GPU backend is not offered. Set {@code SPARSITY_CUDA=off} to hide a GPU from the workbench.
 */
public final class Cuda {

    /**
     * The answer.
     *
     * @param available true when the GPU backend can run here
     * @param reason    why not (empty when available)
     * @param summary   the device, e.g. "NVIDIA H100 80GB HBM3 (sm_90, 132 SMs, 79.2 GiB), driver 13.0" (empty when not)
     */
    public record Availability(boolean available, String reason, String summary) {
    }

    private static Availability cached;

    private Cuda() {
    }

    /** Probes once per process (the result is cached). */
    public static synchronized Availability probe() {
        if (cached == null) cached = doProbe();
        return cached;
    }

    /** True when {@link #probe()} found a usable GPU. */
    public static boolean available() {
        return probe().available();
    }

    private static Availability doProbe() {
        try {
            String off = System.getenv("SPARSITY_CUDA");
            if (off != null && (off.equalsIgnoreCase("off") || off.equals("0"))) {
                return new Availability(false, "the GPU backend is turned off (SPARSITY_CUDA=" + off + ")", "");
            }
            String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
            if (!os.contains("linux")) return new Availability(false, "the CUDA backend runs on Linux only", "");
            Driver d = Driver.get();
            if (d == null) return new Availability(false, Driver.loadFailure(), "");
            int rc = d.init();
            if (rc != 0) return new Availability(false, "cuInit failed: " + d.errorName(rc) + " (no usable NVIDIA driver or GPU)", "");
            int[] count = d.deviceCount();
            if (count[0] != 0) return new Availability(false, "cuDeviceGetCount failed: " + d.errorName(count[0]), "");
            if (count[1] < 1) return new Availability(false, "the CUDA driver sees no GPU", "");
            if (Cublas.get() == null) return new Availability(false, Cublas.loadFailure(), "");
            if (Nvrtc.get() == null) return new Availability(false, Nvrtc.loadFailure(), "");
            int dev = d.device(0);
            int major = d.attribute(Driver.ATTR_CC_MAJOR, dev);
            if (major < 7) {
                return new Availability(false, d.deviceName(dev) + " has compute capability " + major
                        + ".x; the GPU backend needs 7.0 or later", "");
            }
            int minor = d.attribute(Driver.ATTR_CC_MINOR, dev);
            int v = d.driverVersion();
            String summary = String.format(java.util.Locale.ROOT, "%s (sm_%d%d, %d SMs, %.1f GiB), driver %d.%d, NVRTC %s",
                    d.deviceName(dev), major, minor, d.attribute(Driver.ATTR_MULTIPROCESSOR_COUNT, dev),
                    d.totalMem(dev) / (double) (1L << 30), v / 1000, (v % 1000) / 10, Nvrtc.get().version());
            return new Availability(true, "", summary);
        } catch (Throwable t) {
            return new Availability(false, "probing CUDA failed: " + t, "");
        }
    }
}
