package sparsity.kernels.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The device buffers of one batch of a GPU autoencoder step ({@link CudaTopKSae}), for up to
 * {@code rows} rows: the batch and its centered copy, the pre-activations, the kept latents
 * and their gradients, AuxK's, the (row, latent) pairs sorted by latent, the codes and
 * reconstructions of inference, and the row offsets of varying-width codes.
 */
final class SaeBatch implements AutoCloseable {
    final int rows;
    private final CudaDevice dev;
    private final List<DeviceBuffer> bufs = new ArrayList<>();
    /** The centered batch in bf16 (bf16 encoder product only, else null). */
    final DeviceBuffer xc16;
    /** Rows of the kept latents (BatchTopK only, else null). */
    final DeviceBuffer rowOf;
    final DeviceBuffer x, xc, h, vals, idx, gz, gx, resid, avals, aidx, gzaux, gaux, erow, ez, egz, z, out, rowStart;

    /**
     * @param k  latents kept per row (BatchTopK: on average)
     * @param kw AuxK's latents per row
     */
    SaeBatch(CudaDevice dev, int rows, int d, int n, int k, int kw, boolean bf16, boolean batchTopK) {
        this.dev = dev;
        this.rows = rows;
        long rd = (long) rows * d;
        try {
            x = b(4 * rd, "the input batch");
            xc = b(4 * rd, "the centered batch");
            xc16 = bf16 ? b(2 * rd, "the centered batch in bf16") : null;
            h = b(4L * rows * n, "the pre-activations (batch x latents)");
            vals = b(4L * rows * k, "top-k values");
            idx = b(4L * rows * k, "top-k indices");
            gz = b(4L * rows * k, "latent gradients");
            gx = b(4 * rd, "the output gradient");
            resid = b(4 * rd, "the residual");
            avals = b(4L * rows * kw, "AuxK values");
            aidx = b(4L * rows * kw, "AuxK indices");
            gzaux = b(4L * rows * kw, "AuxK latent gradients");
            gaux = b(4 * rd, "the AuxK output gradient");
            long pairs = (long) rows * (k + kw);
            erow = b(4 * pairs, "latent pairs");
            ez = b(4 * pairs, "latent pairs");
            egz = b(4 * pairs, "latent pairs");
            z = b(4L * rows * k, "codes");
            out = b(4 * rd, "reconstructions");
            rowStart = b(4L * (rows + 1), "row offsets");
            rowOf = batchTopK ? b(4L * rows * k, "rows of the kept latents") : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private DeviceBuffer b(long bytes, String what) {
        DeviceBuffer buf = dev.alloc(bytes, what + " at a batch of " + rows + " rows");
        bufs.add(buf);
        return buf;
    }

    @Override
    public void close() {
        for (DeviceBuffer b : bufs) b.close();
    }
}
