package sparsity.sae.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparsity.analysis.ProgressListener;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.features.LatentAtlas.Activation;
import sparsity.sae.features.LatentAtlas.Band;
import sparsity.sae.features.LatentAtlas.Neighbour;
import sparsity.sae.model.TopKAutoencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The feature scan on the hand-made autoencoder of {@link TinySae} (answers worked out by hand) and against brute force. */
class FeatureScanTest {

    private static Backend be;

    @BeforeAll
    static void backend() {
        be = Backends.reference();
    }

    @AfterAll
    static void close() {
        be.close();
    }

    private static FeatureScan.Settings settings(int top, int bins, int bands, int perBand, int neighbours, int batch) {
        return new FeatureScan.Settings(top, bins, bands, perBand, neighbours, batch, 7, 1 << 20);
    }

    private static LatentAtlas scanTiny(FeatureScan.Settings s) throws InterruptedException {
        try (TopKAutoencoder sae = TinySae.make(be)) {
            return FeatureScan.run(sae, be, LatentRows.of(TinySae.ROWS, TinySae.D, TinySae.EXAMPLE_OF_ROW), "tiny", s,
                    ProgressListener.NONE);
        }
    }

    @Test
    void densityMaxMeanAndTopExamplesAsWorkedOutByHand() throws Exception {
        LatentAtlas a = scanTiny(settings(5, 4, 2, 5, 2, 1024));
        assertEquals(5, a.rows());
        assertEquals(3, a.examples());
        assertEquals(4, a.latents());
        assertEquals(2, a.codeWidth());
        assertEquals(0, a.dead());
        assertEquals(8.0 / 5, a.l0(), 1e-12, "3 + 2 + 2 + 1 active slots over 5 rows");

        var l0 = a.summary(0);
        assertEquals(3, l0.fires());
        assertEquals(0.6, l0.density(), 1e-12);
        assertEquals(4f, l0.max());
        assertEquals(4, l0.maxRow());
        assertEquals(8.0 / 3, l0.meanActive(), 1e-6);
        assertEquals(List.of(new Activation(2, 4, 4f), new Activation(0, 0, 3f)), a.top(0),
                "one entry per example, with the example's best row");

        assertEquals(List.of(new Activation(1, 2, 5f), new Activation(0, 0, 1f)), a.top(1));
        assertEquals(3.0, a.summary(1).meanActive(), 1e-6);
        assertEquals(List.of(new Activation(0, 1, 2f), new Activation(2, 3, 1f)), a.top(2));
        assertEquals(1.5, a.summary(2).meanActive(), 1e-6);
        assertEquals(0.2, a.density(3), 1e-12);
        assertEquals(List.of(new Activation(2, 3, 2f)), a.top(3));
        assertEquals(Math.log10(0.2), a.summary(3).log10Density(), 1e-12);
    }

    @Test
    void histogramAndBandsSplitTheRangeZeroToMax() throws Exception {
        LatentAtlas a = scanTiny(settings(5, 4, 2, 5, 2, 1024));
        // L0 values 3, 1, 4 on [0, 4] in 4 bins: [1, 2) holds 1, [3, 4] holds 3 and 4
        var h = a.histogram(0);
        assertEquals(0, h.lower());
        assertEquals(4, h.upper());
        assertArrayEquals(new long[] {0, 1, 0, 2}, h.counts());
        List<Band> bands = a.bands(0);
        assertEquals(2, bands.size());
        assertEquals(1, bands.get(0).count());
        assertEquals(1.0 / 3, bands.get(0).share(), 1e-12);
        assertEquals(List.of(new Activation(0, 1, 1f)), bands.get(0).samples());
        assertEquals(2, bands.get(1).lower(), 1e-12, "second band is [2, 4]");
        assertEquals(4, bands.get(1).upper(), 1e-12);
        assertEquals(List.of(new Activation(2, 4, 4f), new Activation(0, 0, 3f)), bands.get(1).samples(),
                "every row is kept when a band has no more than perBand; highest first");
        // L1 values 1 and 5: bins of width 1.25
        assertArrayEquals(new long[] {1, 0, 0, 1}, a.histogram(1).counts());
    }

    @Test
    void nearestLatentsByDecoderCosine() throws Exception {
        LatentAtlas a = scanTiny(settings(5, 4, 2, 5, 2, 1024));
        assertEquals(List.of(new Neighbour(1, 0.8f), new Neighbour(2, 0f)), round(a.neighbours(3)));
        assertEquals(List.of(new Neighbour(3, 0.8f), new Neighbour(0, 0f)), round(a.neighbours(1)));
        assertEquals(List.of(new Neighbour(1, 0f), new Neighbour(2, 0f)), round(a.neighbours(0)),
                "ties rank the lower latent first; L3 (-0.6) comes last");
        assertEquals(List.of(new Neighbour(0, 0f), new Neighbour(1, 0f)), round(a.neighbours(2)),
                "L2's decoder row 2 e2 is normalized: cosine 0, not 0 x 2");
        LatentAtlas all = scanTiny(settings(5, 4, 2, 5, 10, 1024));
        assertEquals(3, all.neighbours(0).size(), "at most n - 1 neighbours");
        assertEquals(-0.6f, all.neighbours(0).get(2).cosine(), 1e-6);
    }

    private static List<Neighbour> round(List<Neighbour> l) {
        List<Neighbour> out = new ArrayList<>();
        for (Neighbour n : l) out.add(new Neighbour(n.latent(), Math.round(n.cosine() * 1e5f) / 1e5f + 0f));
        return out;
    }

    @Test
    void smallBatchesAndNoCacheGiveTheSameAtlas() throws Exception {
        LatentAtlas ref = scanTiny(settings(5, 4, 2, 5, 2, 1024));
        for (int batch : new int[] {1, 2, 3}) {
            for (long cache : new long[] {0, 1 << 20}) {
                LatentAtlas a = scanTiny(settings(5, 4, 2, 5, 2, batch).withMaxCachedSlots(cache));
                for (int l = 0; l < 4; l++) {
                    assertEquals(ref.summary(l), a.summary(l), "batch " + batch + " cache " + cache);
                    assertEquals(ref.top(l), a.top(l));
                    assertArrayEquals(ref.histogram(l).counts(), a.histogram(l).counts());
                    assertEquals(ref.bands(l), a.bands(l));
                }
            }
        }
    }

    @Test
    void topExamplesAreBoundedAndTiesKeepTheEarlierExample() throws Exception {
        LatentAtlas a = scanTiny(settings(1, 4, 2, 1, 0, 2));
        assertEquals(List.of(new Activation(2, 4, 4f)), a.top(0));
        assertEquals(List.of(new Activation(1, 2, 5f)), a.top(1));
        assertEquals(0, a.neighbours(0).size());
        // three examples with the same value: the first one is kept
        float[] rows = {1, 0, 0, 1, 0, 0, 1, 0, 0};
        try (TopKAutoencoder sae = TinySae.make(be)) {
            LatentAtlas t = FeatureScan.run(sae, be, LatentRows.of(rows, 3, null), "ties", settings(2, 4, 2, 1, 0, 2),
                    ProgressListener.NONE);
            assertEquals(List.of(new Activation(0, 0, 1f), new Activation(1, 1, 1f)), t.top(0));
        }
    }

    @Test
    void aNanRowIsNamed() {
        float[] rows = TinySae.ROWS.clone();
        rows[3 * 3 + 1] = Float.NaN;
        try (TopKAutoencoder sae = TinySae.make(be)) {
            NonFiniteRowException e = assertThrows(NonFiniteRowException.class, () -> FeatureScan.run(sae, be,
                    LatentRows.of(rows, 3, TinySae.EXAMPLE_OF_ROW), "tiny", settings(5, 4, 2, 5, 2, 2), ProgressListener.NONE));
            assertEquals(3, e.row());
            assertTrue(e.getMessage().contains("row 3 (example 2)") && e.getMessage().contains("NaN")
                    && e.getMessage().contains("dimension 1"), e.getMessage());
        }
    }

    @Test
    void stopsWhenInterrupted() {
        try (TopKAutoencoder sae = TinySae.make(be)) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> FeatureScan.run(sae, be,
                    LatentRows.of(TinySae.ROWS, 3, TinySae.EXAMPLE_OF_ROW), "tiny", settings(5, 4, 2, 5, 2, 2), ProgressListener.NONE));
        } finally {
            Thread.interrupted();
        }
    }

    /** Random weights and rows: every number of the atlas against a brute-force pass over each row's code. */
    @Test
    void matchesBruteForceOnRandomData() throws Exception {
        int d = 8;
        int n = 24;
        int k = 4;
        int rows = 300;
        Random r = new Random(3);
        float[] x = new float[rows * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        int[] ex = new int[rows];
        for (int i = 1; i < rows; i++) ex[i] = ex[i - 1] + (r.nextInt(4) == 0 ? 1 : 0);
        try (Backend vec = Backends.cpu();
             TopKAutoencoder sae = new TopKAutoencoder(vec, d, n, TopKAutoencoder.Config.defaults(d, k), 11);
             MemoryScope s = MemoryScope.open()) {
            for (int i = 0; i < n; i++) sae.params().bEnc.set(0, i, (float) (r.nextGaussian() * 0.3));
            FeatureScan.Settings set = new FeatureScan.Settings(3, 5, 4, 3, 5, 64, 1, 1 << 20);
            LatentAtlas a = FeatureScan.run(sae, vec, LatentRows.of(x, d, ex), "random", set, ProgressListener.NONE);
            FloatMatrix xm = s.floats(rows, d, x);
            IntMatrix idx = s.ints(rows, k);
            FloatMatrix z = s.floats(rows, k);
            sae.encodeAndReconstruct(xm, idx, z, null);
            long[] fires = new long[n];
            double[] sum = new double[n];
            float[] max = new float[n];
            float[][] exMax = new float[n][ex[rows - 1] + 1];
            List<List<Float>> values = new ArrayList<>();
            for (int i = 0; i < n; i++) values.add(new ArrayList<>());
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < k; j++) {
                    int l = idx.get(i, j);
                    float v = z.get(i, j);
                    if (v == 0) continue;
                    fires[l]++;
                    sum[l] += v;
                    max[l] = Math.max(max[l], v);
                    exMax[l][ex[i]] = Math.max(exMax[l][ex[i]], v);
                    values.get(l).add(v);
                }
            }
            assertEquals(ex[rows - 1] + 1, a.examples());
            for (int l = 0; l < n; l++) {
                var sum1 = a.summary(l);
                assertEquals(fires[l], sum1.fires(), "latent " + l);
                assertEquals(max[l], sum1.max());
                assertEquals(fires[l] == 0 ? 0 : sum[l] / fires[l], sum1.meanActive(), 1e-5);
                float[] best = exMax[l].clone();
                java.util.Arrays.sort(best);
                List<Activation> top = a.top(l);
                for (int j = 0; j < top.size(); j++) {
                    assertEquals(best[best.length - 1 - j], top.get(j).value(), "top " + j + " of latent " + l);
                    assertEquals(ex[(int) top.get(j).row()], top.get(j).example());
                }
                assertEquals(Math.min(3, (int) java.util.Arrays.stream(toDouble(exMax[l])).filter(v -> v > 0).count()), top.size());
                long hist = 0;
                for (long c : a.histogram(l).counts()) hist += c;
                assertEquals(fires[l], hist);
                long inBands = 0;
                for (Band b : a.bands(l)) {
                    inBands += b.count();
                    assertEquals(Math.min(3, b.count()), b.samples().size());
                    for (Activation act : b.samples()) {
                        assertTrue(act.value() >= b.lower() - 1e-6 && act.value() <= b.upper() + 1e-6, act + " in " + b);
                        assertEquals(ex[(int) act.row()], act.example());
                    }
                }
                assertEquals(fires[l], inBands);
                // neighbours: the highest cosines of decoder rows
                List<Neighbour> nb = a.neighbours(l);
                assertEquals(5, nb.size());
                double[] cos = new double[n];
                for (int o = 0; o < n; o++) cos[o] = o == l ? Double.NEGATIVE_INFINITY : cosine(sae, l, o);
                double[] sorted = cos.clone();
                java.util.Arrays.sort(sorted);
                for (int j = 0; j < 5; j++) {
                    assertEquals(sorted[n - 1 - j], nb.get(j).cosine(), 1e-5);
                    assertEquals(cos[nb.get(j).latent()], nb.get(j).cosine(), 1e-5);
                }
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static double cosine(TopKAutoencoder sae, int a, int b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        var w = sae.params().wDec;
        for (int c = 0; c < w.cols(); c++) {
            dot += (double) w.get(a, c) * w.get(b, c);
            na += (double) w.get(a, c) * w.get(a, c);
            nb += (double) w.get(b, c) * w.get(b, c);
        }
        return dot / Math.sqrt(na * nb);
    }
}
