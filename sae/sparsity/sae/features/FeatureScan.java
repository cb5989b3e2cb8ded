package sparsity.sae.features;

import java.util.Locale;
import java.util.SplittableRandom;

import sparsity.analysis.ProgressListener;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.model.SparseAutoencoder;

/**
 * Streams rows through an autoencoder in batches and gathers, per latent, what a feature
 * dashboard shows (ALGORITHMS.md "Feature dashboards"; Neuronpedia, SAEDashboard):
 * <ul>
 * <li>density (share of rows where it is active, i.e. its code value is not 0), maximum, and mean
 * over the rows where it is active;</li>
 * <li>a histogram of its nonzero values in equal bins over [0, max] (each bin [lo, hi), the last
 * one [lo, max]);</li>
 * <li>the top examples: the examples whose largest value of the latent is highest, one entry per
 * example with its best row (a bounded min-heap per latent);</li>
 * <li>bands of the activation range: [0, max] cut into equal-width bands (SAEDashboard's
 * "interval" groups), with the share of the latent's nonzero values in each and rows drawn
 * uniformly at random from it (reservoir sampling, seeded);</li>
 * <li>nearest latents by the cosine of their decoder directions, from W_dec W_dec^T computed a
 * chunk of latents at a time with the backend's gemm and top-k.</li>
 * </ul>
 * Histogram and bands need each latent's maximum, so the codes are read twice: the codes of the
 * first pass are kept in memory when they fit in {@link Settings#maxCachedSlots()} slots, and the
 * rows are encoded again otherwise. Progress goes to a {@link ProgressListener}; the scan stops
 * with {@link InterruptedException} when its thread is interrupted; a row with NaN or an infinity
 * stops it with a {@link NonFiniteRowException} naming the row.
 */
public final class FeatureScan {

    /**
     * @param topExamples    top examples kept per latent
     * @param histogramBins  bins of each latent's value histogram
     * @param bands          bands of each latent's activation range
     * @param perBand        rows sampled per band
     * @param neighbours     nearest latents kept per latent (0: none computed)
     * @param batchRows      rows encoded at a time
     * @param seed           seed of the band sampling
     * @param maxCachedSlots code slots (rows x code width) kept between the passes, 8 bytes each
     */
    public record Settings(int topExamples, int histogramBins, int bands, int perBand, int neighbours, int batchRows,
                           long seed, long maxCachedSlots) {
        public Settings {
            if (topExamples < 1 || histogramBins < 1 || bands < 1 || perBand < 1 || neighbours < 0 || batchRows < 1
                    || maxCachedSlots < 0) {
                throw new IllegalArgumentException("bad feature scan settings " + this);
            }
        }

        /** 20 top examples, 40 bins, 10 bands of 5 rows, 10 neighbours, batches of 1,024, up to 16M cached slots. */
        public static Settings defaults() {
            return new Settings(20, 40, 10, 5, 10, 1024, 0, 16L << 20);
        }

        public Settings withBatchRows(int b) {
            return new Settings(topExamples, histogramBins, bands, perBand, neighbours, b, seed, maxCachedSlots);
        }

        public Settings withMaxCachedSlots(long m) {
            return new Settings(topExamples, histogramBins, bands, perBand, neighbours, batchRows, seed, m);
        }
    }

    private FeatureScan() {
    }

    /**
     * Scans every row.
     *
     * @param sae      the autoencoder (not thread-safe: nothing else may use it meanwhile)
     * @param backend  the backend for the decoder-cosine products
     * @param rows     the rows, example by example
     * @param rowsName what the rows are, for the result
     */
    public static LatentAtlas run(SparseAutoencoder sae, Backend backend, LatentRows rows, String rowsName, Settings s,
                                  ProgressListener progress) throws InterruptedException {
        return run(CodeModel.of(sae), backend, rows, rowsName, s, progress);
    }

    static LatentAtlas run(CodeModel sae, Backend backend, LatentRows rows, String rowsName, Settings s,
                           ProgressListener progress) throws InterruptedException {
        int d = sae.inputDim();
        int n = sae.latents();
        int w = sae.codeWidth();
        if (rows.dim() != d) throw new IllegalArgumentException("the autoencoder takes rows of " + d + " values, " + rowsName + " has " + rows.dim());
        long total = rows.rows();
        boolean cache = total * w <= s.maxCachedSlots() && total * w <= Integer.MAX_VALUE - 8;
        int[] cIdx = cache ? new int[(int) (total * w)] : null;
        float[] cVal = cache ? new float[(int) (total * w)] : null;
        double encodeShare = cache ? 0.75 : 0.4;
        double secondShare = cache ? 0.05 : 0.4;

        long[] fires = new long[n];
        double[] sums = new double[n];
        float[] max = new float[n];
        long[] maxRow = new long[n];
        TopHeaps top = new TopHeaps(n, s.topExamples());
        ExampleMax ex = new ExampleMax(n);
        int[] examples = {0};

        // pass 1: density, max, mean, top examples
        Encoder enc = new Encoder(sae, rows, s.batchRows(), d, w);
        try {
            enc.forEach((start, count, idx, z) -> {
                for (int r = 0; r < count; r++) {
                    long row = start + r;
                    int e = rows.example(row);
                    if (e != ex.example) {
                        if (ex.example >= 0) ex.flushInto(top);
                        ex.example = e;
                        examples[0]++;
                    }
                    for (int j = 0; j < w; j++) {
                        int l = idx.get(r, j);
                        float v = z.get(r, j);
                        if (cache) {
                            cIdx[(int) (row * w + j)] = l;
                            cVal[(int) (row * w + j)] = v;
                        }
                        if (l < 0 || v == 0) continue;
                        if (!Float.isFinite(v)) {
                            throw new NonFiniteRowException(row, "the autoencoder gives " + v + " for latent " + l + " on "
                                    + rows.describe(row) + "; its weights may hold NaN or infinities");
                        }
                        fires[l]++;
                        sums[l] += v;
                        if (fires[l] == 1 || v > max[l]) {
                            max[l] = v;
                            maxRow[l] = row;
                        }
                        ex.offer(l, v, row);
                    }
                }
                progress.update(encodeShare * (start + count) / Math.max(1, total),
                        String.format(Locale.ROOT, "Encoding rows: %,d of %,d", start + count, total));
            });
            if (ex.example >= 0) ex.flushInto(top);
            top.sortAll();

            // pass 2: histograms and band samples, from the cached codes or by encoding again
            int bins = s.histogramBins();
            int nb = s.bands();
            int per = s.perBand();
            long[] hist = new long[n * bins];
            long[] bandCount = new long[n * nb];
            int[] bandSamples = new int[n * nb];
            int[] bandExample = new int[n * nb * per];
            long[] bandRow = new long[n * nb * per];
            float[] bandValue = new float[n * nb * per];
            SplittableRandom rnd = new SplittableRandom(s.seed());
            SlotSink second = (row, l, v) -> {
                float m = max[l];
                int bin = Math.min(bins - 1, (int) ((double) v / m * bins));
                hist[l * bins + Math.max(0, bin)]++;
                int b = Math.max(0, Math.min(nb - 1, (int) ((double) v / m * nb)));
                int at = l * nb + b;
                long seen = ++bandCount[at];
                int slot = -1;
                if (seen <= per) {
                    slot = (int) seen - 1;
                    bandSamples[at]++;
                } else {
                    long j = rnd.nextLong(seen);
                    if (j < per) slot = (int) j;
                }
                if (slot >= 0) {
                    int k = at * per + slot;
                    bandRow[k] = row;
                    bandValue[k] = v;
                    bandExample[k] = -1; // resolved below, once per kept sample
                }
            };
            if (cache) {
                long step = Math.max(1, total / 20);
                for (long row = 0; row < total; row++) {
                    if (row % step == 0) {
                        if (Thread.interrupted()) throw new InterruptedException();
                        progress.update(encodeShare + secondShare * row / Math.max(1, total), "Histograms and activation bands");
                    }
                    for (int j = 0; j < w; j++) {
                        int at = (int) (row * w + j);
                        if (cIdx[at] >= 0 && cVal[at] != 0) second.accept(row, cIdx[at], cVal[at]);
                    }
                }
            } else {
                enc.forEach((start, count, idx, z) -> {
                    for (int r = 0; r < count; r++) {
                        for (int j = 0; j < w; j++) {
                            int l = idx.get(r, j);
                            float v = z.get(r, j);
                            if (l >= 0 && v != 0) second.accept(start + r, l, v);
                        }
                    }
                    progress.update(encodeShare + secondShare * (start + count) / Math.max(1, total),
                            String.format(Locale.ROOT, "Histograms and activation bands: %,d of %,d rows", start + count, total));
                });
            }
            for (int k = 0; k < bandRow.length; k++) {
                int at = k / per;
                if (k % per < bandSamples[at]) bandExample[k] = rows.example(bandRow[k]);
            }

            // nearest latents by decoder cosine
            int m = Math.min(s.neighbours(), n - 1);
            int[] nb1 = new int[n * Math.max(0, m)];
            float[] nbCos = new float[n * Math.max(0, m)];
            if (m > 0) neighbours(sae, backend, m, nb1, nbCos, encodeShare + secondShare, progress);
            progress.update(1, String.format(Locale.ROOT, "Scanned %,d rows, %,d latents", total, n));
            return new LatentAtlas(s, rowsName, total, examples[0], n, w, fires, sums, max, maxRow, hist,
                    top.count, top.example, top.row, top.value, bandCount, bandSamples, bandExample, bandRow, bandValue,
                    Math.max(0, m), nb1, nbCos);
        } finally {
            enc.close();
        }
    }

    /**
     * For every latent, the {@code m} other latents with the highest cosine between decoder rows,
     * highest first: W_n W_n^T for row-normalized W_dec, a chunk of rows at a time.
     */
    static void neighbours(CodeModel sae, Backend backend, int m, int[] idxOut, float[] cosOut, double from,
                           ProgressListener progress) throws InterruptedException {
        int n = sae.latents();
        int chunk = (int) Math.max(1, Math.min(n, (4L << 20) / n));
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix wn = s.floats(n, sae.inputDim());
            sae.decoderRows(wn);
            backend.normalizeRows(wn, 1e-30f);
            FloatMatrix c = s.floats(chunk, n);
            FloatMatrix vals = s.floats(chunk, m + 1);
            IntMatrix ix = s.ints(chunk, m + 1);
            for (int i0 = 0; i0 < n; i0 += chunk) {
                if (Thread.interrupted()) throw new InterruptedException();
                int cnt = Math.min(chunk, n - i0);
                FloatMatrix cv = c.rowRange(0, cnt);
                backend.gemm(false, true, 1f, wn.rowRange(i0, i0 + cnt), wn, 0f, cv);
                for (int r = 0; r < cnt; r++) cv.set(r, i0 + r, Float.NEGATIVE_INFINITY); // never its own neighbour
                FloatMatrix vv = vals.rowRange(0, cnt);
                IntMatrix iv = ix.rowRange(0, cnt);
                backend.topkRows(cv, vv, iv);
                for (int r = 0; r < cnt; r++) {
                    int at = (i0 + r) * m;
                    int j = 0;
                    for (int t = 0; t <= m && j < m; t++) {
                        if (iv.get(r, t) == i0 + r) continue;
                        idxOut[at + j] = iv.get(r, t);
                        cosOut[at + j] = vv.get(r, t);
                        j++;
                    }
                }
                progress.update(from + (1 - from) * (i0 + cnt) / n,
                        String.format(Locale.ROOT, "Decoder neighbours: %,d of %,d latents", i0 + cnt, n));
            }
        }
    }

    // ------------------------------------------------------------------ parts

    @FunctionalInterface
    private interface BatchSink {
        void accept(long start, int count, IntMatrix idx, FloatMatrix z) throws InterruptedException;
    }

    @FunctionalInterface
    private interface SlotSink {
        void accept(long row, int latent, float value);
    }

    /** Reads, checks and encodes the rows a batch at a time, into off-heap buffers it owns. */
    private static final class Encoder implements AutoCloseable {
        private final CodeModel sae;
        private final LatentRows rows;
        private final int batch;
        private final int d;
        private final MemoryScope scope = MemoryScope.open();
        private final FloatMatrix x;
        private final IntMatrix idx;
        private final FloatMatrix z;
        private final float[] buf;

        Encoder(CodeModel sae, LatentRows rows, int batchRows, int d, int w) {
            this.sae = sae;
            this.rows = rows;
            this.batch = (int) Math.max(1, Math.min(batchRows, rows.rows()));
            this.d = d;
            x = scope.floats(batch, d);
            idx = scope.ints(batch, w);
            z = scope.floats(batch, w);
            buf = new float[batch * d];
        }

        void forEach(BatchSink sink) throws InterruptedException {
            long total = rows.rows();
            for (long start = 0; start < total; start += batch) {
                if (Thread.interrupted()) throw new InterruptedException();
                int count = (int) Math.min(batch, total - start);
                rows.read(start, count, buf);
                for (int i = 0; i < count * d; i++) {
                    if (!Float.isFinite(buf[i])) {
                        long row = start + i / d;
                        throw new NonFiniteRowException(row, rows.describe(row) + " holds " + buf[i] + " at dimension " + (i % d)
                                + "; the autoencoder cannot encode it (recapture, or leave the row out)");
                    }
                }
                FloatMatrix xv = count == batch ? x : x.rowRange(0, count);
                IntMatrix iv = count == batch ? idx : idx.rowRange(0, count);
                FloatMatrix zv = count == batch ? z : z.rowRange(0, count);
                if (count == batch) {
                    x.copyFrom(buf);
                } else {
                    for (int r = 0; r < count; r++) for (int c = 0; c < d; c++) xv.set(r, c, buf[r * d + c]);
                }
                sae.encode(xv, iv, zv);
                sink.accept(start, count, iv, zv);
            }
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    /** The largest value of each latent on the current example, and its row. */
    private static final class ExampleMax {
        int example = -1;
        private final float[] value;
        private final long[] row;
        private final boolean[] touched;
        private final int[] list;
        private int size;

        ExampleMax(int n) {
            value = new float[n];
            row = new long[n];
            touched = new boolean[n];
            list = new int[n];
        }

        void offer(int l, float v, long r) {
            if (!touched[l]) {
                touched[l] = true;
                list[size++] = l;
                value[l] = v;
                row[l] = r;
            } else if (v > value[l]) {
                value[l] = v;
                row[l] = r;
            }
        }

        void flushInto(TopHeaps top) {
            for (int i = 0; i < size; i++) {
                int l = list[i];
                top.offer(l, example, row[l], value[l]);
                touched[l] = false;
            }
            size = 0;
        }
    }

    /**
     * Per latent, the {@code n} best (example, row, value) entries: a min-heap on (value, then
     * later example) so that ties keep the earlier example; sorted best first by {@link #sortAll}.
     */
    static final class TopHeaps {
        final int n;
        final int[] count;
        final int[] example;
        final long[] row;
        final float[] value;

        TopHeaps(int latents, int n) {
            this.n = n;
            count = new int[latents];
            example = new int[latents * n];
            row = new long[latents * n];
            value = new float[latents * n];
        }

        /** True when entry a is worse than entry b (lower value, or equal value and later example). */
        private boolean worse(int a, int b) {
            return value[a] < value[b] || (value[a] == value[b] && example[a] > example[b]);
        }

        void offer(int l, int ex, long r, float v) {
            int base = l * n;
            int c = count[l];
            if (c < n) {
                int i = base + c;
                set(i, ex, r, v);
                count[l] = c + 1;
                // sift up
                while (i > base) {
                    int p = base + (i - base - 1) / 2;
                    if (!worse(i, p)) break;
                    swap(i, p);
                    i = p;
                }
                return;
            }
            // replace the root (the worst) when the new entry is better
            boolean better = v > value[base] || (v == value[base] && ex < example[base]);
            if (!better) return;
            set(base, ex, r, v);
            int i = base;
            while (true) {
                int a = base + 2 * (i - base) + 1;
                if (a >= base + n) break;
                int b = a + 1;
                int m = b < base + n && worse(b, a) ? b : a;
                if (!worse(m, i)) break;
                swap(i, m);
                i = m;
            }
        }

        /** Sorts every latent's entries best first (highest value, then earlier example). */
        void sortAll() {
            for (int l = 0; l < count.length; l++) {
                int base = l * n;
                int c = count[l];
                Integer[] order = new Integer[c];
                for (int j = 0; j < c; j++) order[j] = base + j;
                java.util.Arrays.sort(order, (a, b) -> worse(a, b) ? 1 : worse(b, a) ? -1 : 0);
                int[] e = new int[c];
                long[] r = new long[c];
                float[] v = new float[c];
                for (int j = 0; j < c; j++) {
                    e[j] = example[order[j]];
                    r[j] = row[order[j]];
                    v[j] = value[order[j]];
                }
                for (int j = 0; j < c; j++) set(base + j, e[j], r[j], v[j]);
            }
        }

        private void set(int i, int ex, long r, float v) {
            example[i] = ex;
            row[i] = r;
            value[i] = v;
        }

        private void swap(int i, int j) {
            int e = example[i];
            long r = row[i];
            float v = value[i];
            set(i, example[j], row[j], value[j]);
            set(j, e, r, v);
        }
    }
}
