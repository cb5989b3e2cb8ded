package sparsity.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import sparsity.kernels.FloatMatrix;

/**
 * The page-locked host buffers a GPU trainer owns: two for the trainer's batches (slot 0 or 1, a
 * reader fills one while a step runs on the other) and one to stage other host memory through.
 * Ordinary memory of our own, page-locked in place (cuMemHostRegister): written by the CPU as fast
 * as any memory (cuMemAllocHost's was slower to fill), and registered for exactly as long as we
 * hold it. Host memory the trainer does not own is never page-locked in place: its owner may
 * free it while the driver still has it registered.
 */
final class PinnedBatches implements AutoCloseable {

    private static final int STAGING = 2;

    private final CudaDevice dev;
    private final Runnable quiesce;
    private final MemorySegment[] pinned = new MemorySegment[3];
    private final Arena[] arenas = new Arena[3];
    private final boolean[] registered = new boolean[3];

    /**
     * @param quiesce waits until no copy or kernel uses the buffers (run before one is replaced)
     */
    PinnedBatches(CudaDevice dev, Runnable quiesce) {
        this.dev = dev;
        this.quiesce = quiesce;
    }

    /** A rows x d matrix in trainer slot 0 or 1, valid until the next call for more rows or close. */
    FloatMatrix hostBatch(int slot, int rows, int d) {
        if (slot < 0 || slot > 1) throw new IllegalArgumentException("slot 0 or 1");
        return FloatMatrix.wrap(buffer(slot, 4L * rows * d), rows, d, d);
    }

    /** True when x lies in a trainer slot that the driver page-locked (an asynchronous copy can read it). */
    boolean owns(FloatMatrix x) {
        if (!x.isContiguous()) return false;
        MemorySegment seg = x.segment();
        for (int slot = 0; slot < 2; slot++) {
            MemorySegment p = pinned[slot];
            if (registered[slot] && p != null && seg.address() >= p.address()
                    && seg.address() + seg.byteSize() <= p.address() + p.byteSize()) {
                return true;
            }
        }
        return false;
    }

    /** x copied into the staging buffer; the caller makes sure that the buffer's last copy is done. */
    MemorySegment stage(FloatMatrix x, int d) {
        long bytes = 4 * x.size();
        MemorySegment src = buffer(STAGING, bytes).asSlice(0, bytes);
        if (x.isContiguous()) {
            MemorySegment.copy(x.segment(), 0, src, 0, bytes);
        } else {
            FloatMatrix.wrap(src, x.rows(), d, d).copyFrom(x);
        }
        return src;
    }

    private MemorySegment buffer(int slot, long bytes) {
        if (pinned[slot] == null || pinned[slot].byteSize() < bytes) {
            quiesce.run();
            free(slot);
            Arena a = Arena.ofShared();
            MemorySegment m = a.allocate(bytes, 4096);
            arenas[slot] = a;
            registered[slot] = dev.register(m);
            pinned[slot] = m;
        }
        return pinned[slot];
    }

    private void free(int slot) {
        if (pinned[slot] == null) return;
        if (registered[slot]) {
            try {
                dev.unregister(pinned[slot]);
            } catch (RuntimeException ignored) {
                // freeing anyway
            }
        }
        arenas[slot].close();
        pinned[slot] = null;
        arenas[slot] = null;
        registered[slot] = false;
    }

    @Override
    public void close() {
        for (int slot = 0; slot < pinned.length; slot++) free(slot);
    }
}
