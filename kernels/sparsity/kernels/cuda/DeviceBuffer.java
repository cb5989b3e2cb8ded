package sparsity.kernels.cuda;

/**
 * A block of device memory (cuMemAlloc), freed by {@link #close()}. Pointers into it are
 * {@link #ptr()} plus a byte offset.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final CudaDevice device;
    private final long bytes;
    private long ptr;

    DeviceBuffer(CudaDevice device, long ptr, long bytes) {
        this.device = device;
        this.ptr = ptr;
        this.bytes = bytes;
    }

    /** The device address; throws once closed. */
    public long ptr() {
        if (ptr == 0) throw new IllegalStateException("device buffer already freed");
        return ptr;
    }

    /** The device address of float (or int) element i. */
    public long at(long i) {
        return ptr() + 4 * i;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (ptr != 0) {
            device.free(ptr, bytes);
            ptr = 0;
        }
    }
}
