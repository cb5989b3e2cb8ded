package sparsity.views.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sparsity.views.charts.Histogram;
import sparsity.views.export.TableData;

/**
 * What one weight mask looks like: its sparsity, per-row and per-column sparsity, N:M compliance
 * along the input dimension, a block-density image small enough to draw, and the bytes of dense
 * and sparse encodings of the kept weights (float32 values).
 *
 * @param keep true where a weight is kept, row-major [out x in] (a row is one output)
 */
public record MaskStats(String name, boolean[] keep, int out, int in) {

    public MaskStats {
        if ((long) out * in != keep.length) throw new IllegalArgumentException("mask of " + keep.length + " is not " + out + " x " + in);
    }

    public long kept() {
        long c = 0;
        for (boolean k : keep) if (k) c++;
        return c;
    }

    public double sparsity() {
        return keep.length == 0 ? 0 : 1 - (double) kept() / keep.length;
    }

    /** Share of pruned weights in each output row. */
    public double[] rowSparsity() {
        double[] s = new double[out];
        for (int r = 0; r < out; r++) {
            int p = 0;
            for (int c = 0; c < in; c++) if (!keep[r * in + c]) p++;
            s[r] = in == 0 ? 0 : (double) p / in;
        }
        return s;
    }

    /** Share of pruned weights in each input column. */
    public double[] colSparsity() {
        double[] s = new double[in];
        for (int r = 0; r < out; r++) for (int c = 0; c < in; c++) if (!keep[r * in + c]) s[c]++;
        for (int c = 0; c < in; c++) s[c] = out == 0 ? 0 : s[c] / out;
        return s;
    }

    /**
     * N:M compliance: the share of groups of m consecutive inputs (per output row; a trailing
     * partial group is left out) that keep at most n weights. 1 means the mask is N:M.
     */
    public double nmCompliance(int n, int m) {
        long groups = 0;
        long ok = 0;
        for (int r = 0; r < out; r++) {
            for (int g = 0; g + m <= in; g += m) {
                int k = 0;
                for (int j = 0; j < m; j++) if (keep[r * in + g + j]) k++;
                groups++;
                if (k <= n) ok++;
            }
        }
        return groups == 0 ? 0 : (double) ok / groups;
    }

    /**
     * Block densities (kept share) of a grid of at most {@code maxCells} x {@code maxCells}
     * blocks; a block is ceil(out / rows) x ceil(in / cols) weights. For a small mask each block
     * is one weight (1 kept, 0 pruned).
     */
    public Density density(int maxCells) {
        int br = Math.max(1, (out + maxCells - 1) / maxCells);
        int bc = Math.max(1, (in + maxCells - 1) / maxCells);
        int rows = (out + br - 1) / br;
        int cols = (in + bc - 1) / bc;
        float[] d = new float[rows * cols];
        int[] n = new int[rows * cols];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                int i = (r / br) * cols + c / bc;
                n[i]++;
                if (keep[r * in + c]) d[i]++;
            }
        }
        for (int i = 0; i < d.length; i++) d[i] = n[i] == 0 ? 0 : d[i] / n[i];
        return new Density(d, rows, cols, br, bc);
    }

    /** A block-density image: {@code values} rows x cols, each block blockRows x blockCols weights. */
    public record Density(float[] values, int rows, int cols, int blockRows, int blockCols) {
    }

    /** Bytes of the kept weights, float32: dense, CSR (int32 column per value, int32 row starts), bitmap + values, and 2:4 compressed. */
    public record Encodings(long dense, long csr, long bitmap, long nm24) {
    }

    public Encodings encodings() {
        long nnz = kept();
        long dense = 4L * out * in;
        long csr = nnz * 8 + 4L * (out + 1);
        long bitmap = ((long) out * in + 7) / 8 + nnz * 4;
        // 2:4 (as sparse tensor cores store it): half the values plus a 2-bit index per kept value
        long nm24 = nmCompliance(2, 4) == 1.0 && in % 4 == 0 ? (long) out * in / 2 * 4 + ((long) out * in / 2 * 2 + 7) / 8 : -1;
        return new Encodings(dense, csr, bitmap, nm24);
    }

    /** What the pattern can buy, in plain words. */
    public String whatItBuys() {
        Encodings e = encodings();
        StringBuilder sb = new StringBuilder();
        double s = sparsity();
        if (e.nm24() > 0) {
            sb.append(String.format(Locale.ROOT, "2:4 pattern: runs faster on hardware with 2:4 sparse units (e.g. NVIDIA Ampere and later "
                    + "tensor cores, up to 2x on the matrix product) and stores in %s instead of %s. ", bytes(e.nm24()), bytes(e.dense())));
        } else if (nmCompliance(4, 8) == 1.0 && in % 8 == 0) {
            sb.append("4:8 pattern: a structured pattern some accelerators run sparse; general GPUs do not. ");
        } else {
            sb.append("Unstructured pattern: no speed-up on dense hardware; it saves memory only when the weights are stored sparse. ");
        }
        long best = Math.min(e.csr(), e.bitmap());
        sb.append(String.format(Locale.ROOT, "At %.1f%% sparsity: dense %s, CSR %s, bitmap + values %s", 100 * s, bytes(e.dense()),
                bytes(e.csr()), bytes(e.bitmap())));
        sb.append(best < e.dense() ? String.format(Locale.ROOT, " (%.2fx smaller at best).", (double) e.dense() / best)
                : " (a sparse encoding is no smaller at this sparsity).");
        return sb.toString();
    }

    static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
    }

    /** Histogram of per-row (or per-column) sparsity over [0, 1] in 20 bins. */
    public static Histogram histogram(double[] values) {
        double[] c = new double[20];
        for (double v : values) c[Math.max(0, Math.min(19, (int) Math.floor(v * 20)))]++;
        return new Histogram(0, 1, c);
    }

    /** Share of the pruned weights of either mask that both prune (Jaccard of the pruned sets). */
    public static double jaccardOfPruned(boolean[] a, boolean[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("masks of different sizes");
        long both = 0;
        long either = 0;
        for (int i = 0; i < a.length; i++) {
            boolean pa = !a[i];
            boolean pb = !b[i];
            if (pa && pb) both++;
            if (pa || pb) either++;
        }
        return either == 0 ? 1 : (double) both / either;
    }

    /** The mask's figures as a table. */
    public TableData summary() {
        Encodings e = encodings();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("shape", out + " x " + in));
        rows.add(List.of("kept", "" + kept()));
        rows.add(List.of("sparsity", String.format(Locale.ROOT, "%.6f", sparsity())));
        rows.add(List.of("2:4 compliance", String.format(Locale.ROOT, "%.6f", nmCompliance(2, 4))));
        rows.add(List.of("4:8 compliance", String.format(Locale.ROOT, "%.6f", nmCompliance(4, 8))));
        rows.add(List.of("dense bytes", "" + e.dense()));
        rows.add(List.of("CSR bytes", "" + e.csr()));
        rows.add(List.of("bitmap+values bytes", "" + e.bitmap()));
        rows.add(List.of("2:4 compressed bytes", e.nm24() < 0 ? "" : "" + e.nm24()));
        return new TableData(name + " mask", List.of("figure", "value"), rows);
    }
}
