package sparsity.analysis.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.input.NpyWriter;

/**
 * Activations in and out of stores as .npy arrays ({@code ./workbench store import/export}):
 * a {@code [rows, d...]} float array becomes a store of per-example rows; a store's tensor goes
 * out as {@code [rows, d...]}, or for attention maps as {@code [examples, heads, query, key]}
 * zero-padded to the longest example. Both stream in chunks and stop on interrupt.
 */
public final class StoreTransfer {

    private static final int CHUNK_ROWS = 4096;

    private StoreTransfer() {
    }

    /**
     * Imports a float16/float32/float64 .npy of rank 1 or more into a new store at {@code out}
     * (float16 stays float16, the others become float32), one tensor named {@code tensorName}.
     *
     * @throws StoreException for a non-float array, a folder that is not empty, a full disk
     */
    public static void importNpy(Path npy, Path out, String tensorName, ProgressListener progress)
            throws IOException, InterruptedException {
        try (NpyArray a = Npy.read(npy)) {
            if (!a.dtype().isFloat() || a.rank() == 0) {
                throw new StoreException(npy, npy.getFileName() + " holds " + a.dtype().numpyName() + " " + Npy.shapeText(a.shape())
                        + "; a store imports float16/float32 arrays of [rows, d]");
            }
            long[] shape = a.shape();
            int[] rowShape = shape.length == 1 ? new int[] {1}
                    : Arrays.stream(Arrays.copyOfRange(shape, 1, shape.length)).mapToInt(Math::toIntExact).toArray();
            DType dtype = a.dtype() == Npy.DType.FLOAT16 ? DType.FLOAT16 : DType.FLOAT32;
            StoreHeader header = StoreHeader.of(npy, "", dtype, "imported from " + npy.getFileName() + " " + Npy.shapeText(shape));
            TensorLayout layout = TensorLayout.rows(tensorName, TensorLayout.Unit.EXAMPLE, rowShape);
            long rows = a.rows();
            int dim = layout.rowElements();
            try (StoreWriter w = StoreWriter.create(out, header, List.of(layout), StoreWriter.estimateBytes(rows, dim, dtype))) {
                float[] chunk = new float[Math.toIntExact(Math.min(rows, CHUNK_ROWS) * dim)];
                for (long r = 0; r < rows; r += CHUNK_ROWS) {
                    if (Thread.interrupted()) throw new InterruptedException("import cancelled");
                    int n = (int) Math.min(CHUNK_ROWS, rows - r);
                    float[] part = n * dim == chunk.length ? chunk : new float[n * dim];
                    a.readFloats(r * dim, part);
                    for (int i = 0; i < n; i++) w.addExample(null);
                    w.writeRows(0, part, 0, n);
                    w.commit();
                    progress.update((r + n) / (double) rows, String.format("Imported %,d of %,d rows", r + n, rows));
                }
                w.complete();
            }
        }
    }

    /**
     * Exports one tensor of a store: rows as {@code [rows, rowShape...]} in the store's dtype
     * (copied straight from the mapping), attention maps as float {@code [examples, heads, q, k]}
     * zero-padded to the longest example.
     */
    public static void exportNpy(StoredTensor t, Path out, ProgressListener progress) throws IOException, InterruptedException {
        if (!t.isAttention()) {
            int[] rs = t.layout().rowShape();
            long[] shape = new long[rs.length + 1];
            shape[0] = t.rows();
            for (int i = 0; i < rs.length; i++) shape[i + 1] = rs[i];
            Npy.DType dtype = t.dtype() == DType.FLOAT16 ? Npy.DType.FLOAT16 : Npy.DType.FLOAT32;
            try (NpyWriter w = NpyWriter.create(out, dtype, shape)) {
                for (long r = 0; r < t.rows(); r += CHUNK_ROWS) {
                    if (Thread.interrupted()) throw new InterruptedException("export cancelled");
                    long n = Math.min(CHUNK_ROWS, t.rows() - r);
                    w.writeRaw(t.rows(r, n));
                    progress.update((r + n) / (double) t.rows(), String.format("Exported %,d of %,d rows", r + n, t.rows()));
                }
            }
            return;
        }
        int examples = Math.toIntExact(t.rows());
        int len = 0;
        for (int e = 0; e < examples; e++) len = Math.max(len, Math.max(t.mapSize(e)[0], t.mapSize(e)[1]));
        int heads = t.dim();
        Npy.DType dtype = t.dtype() == DType.FLOAT16 ? Npy.DType.FLOAT16 : Npy.DType.FLOAT32;
        try (NpyWriter w = NpyWriter.create(out, dtype, examples, heads, len, len)) {
            float[] padded = new float[heads * len * len];
            for (int e = 0; e < examples; e++) {
                if (Thread.interrupted()) throw new InterruptedException("export cancelled");
                int[] qk = t.mapSize(e);
                float[] map = t.map(e);
                Arrays.fill(padded, 0f);
                for (int h = 0; h < heads; h++) {
                    for (int q = 0; q < qk[0]; q++) {
                        System.arraycopy(map, (h * qk[0] + q) * qk[1], padded, (h * len + q) * len, qk[1]);
                    }
                }
                w.writeFloats(padded, 0, padded.length);
                progress.update((e + 1) / (double) examples, String.format("Exported %,d of %,d attention maps", e + 1, examples));
            }
        }
    }
}
