package sparsity.sae.eval;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.json.Json;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.model.Architectures;
import sparsity.sae.model.SaeSpec;
import sparsity.sae.model.SparseAutoencoder;
import sparsity.sae.train.ArrayBatches;
import sparsity.sae.train.LearningRate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quality against the numpy peer (/work/shared/peer/topk_sae.py) on the same rows: synth.py data
 * (d = 32, 128 true features, 5 to 20 active per row), checked in under
 * src/test/resources/sae/peer-d32 with the peer's held-out FVU and feature recovery in
 * peer_topk.json (README.md there says how each file was made). The workbench trains on the same
 * rows in the same order (the peer cycles through the file without shuffling), with the same
 * settings, and is evaluated on the same held-out rows.
 */
class PeerComparisonTest {

    static final String DIR = "/sae/peer-d32/";

    @TempDir
    Path tmp;

    record Data(float[] train, int trainRows, float[] eval, int evalRows, float[] features, int m, int d) {
    }

    Data load() throws Exception {
        try (NpyArray tr = npy("synth_d32_train.npy"); NpyArray ev = npy("synth_d32_eval.npy"); NpyArray f = npy("synth_d32_features.npy")) {
            int d = (int) tr.rowSize();
            return new Data(tr.toFloatArray(), (int) tr.rows(), ev.toFloatArray(), (int) ev.rows(), f.toFloatArray(), (int) f.rows(), d);
        }
    }

    NpyArray npy(String name) throws Exception {
        Path p = tmp.resolve(name);
        try (InputStream in = PeerComparisonTest.class.getResourceAsStream(DIR + name)) {
            Files.copy(in, p);
        }
        return Npy.read(p);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> golden(String name) throws Exception {
        try (InputStream in = PeerComparisonTest.class.getResourceAsStream(DIR + name)) {
            return Json.asObject(Json.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)), name);
        }
    }

    /** Trains like the peer's {@code train}: batch j = rows [(step mod nb) B, ...), constant lr. */
    static SparseAutoencoder train(Data data, int n, SaeSpec spec, int batch, long tokens, float lr, long seed, Backend be) {
        return train(data, n, spec, batch, tokens, lr, 0, seed, be);
    }

    /** As above, with a linear decay of the learning rate to 0 over the last {@code decay} share of the steps. */
    static SparseAutoencoder train(Data data, int n, SaeSpec spec, int batch, long tokens, float lr, double decay, long seed,
                                   Backend be) {
        int d = data.d;
        SparseAutoencoder sae = Architectures.create(be, d, n, spec, seed);
        int sampleRows = Math.min(data.trainRows, 32768);
        sae.initFromData(java.util.Arrays.copyOf(data.train, sampleRows * d), sampleRows, seed);
        int nb = data.trainRows / batch;
        long steps = tokens / batch;
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix[] batches = new FloatMatrix[nb];
            for (int j = 0; j < nb; j++) {
                batches[j] = s.floats(batch, d, java.util.Arrays.copyOfRange(data.train, j * batch * d, (j + 1) * batch * d));
            }
            LearningRate rate = new LearningRate(lr, 0, decay, steps);
            for (long step = 0; step < steps; step++) sae.trainStep(batches[(int) (step % nb)], (float) rate.at(step));
        }
        return sae;
    }

    record Quality(double fvu, double mmcs, double l0, int dead) {
    }

    static Quality quality(Data data, SparseAutoencoder sae) throws Exception {
        int n = sae.latents();
        SaeMetrics.Result ev = SaeMetrics.evaluate(sae, new ArrayBatches(data.eval, data.d, 1), 512, data.evalRows / 512);
        double mmcs = FeatureRecovery.meanMaxCosine(data.features, data.m, sae.params().wDec.toArray(), n, data.d);
        return new Quality(ev.fvu(), mmcs, ev.l0(), ev.dead());
    }

    static double num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).doubleValue();
    }

    /**
     * TopK with the peer's settings: n = 256, k = 8, k_aux = d / 2, AuxK coefficient 1/32, dead
     * after 20,000 tokens, batch 512, constant lr 3e-3, 524,288 tokens (32 epochs), b_pre at the
     * geometric median of the first 32768 rows, Adam eps 6.25e-10. Measured: FVU 0.1634, mean
     * max cosine 0.966 (seeds 1, 2: 0.1614 / 0.969, 0.1615 / 0.971); the peer 0.1620 / 0.969
     * (its seeds 1-4: 0.1619-0.1628).
     */
    @Test
    void topKReachesThePeersFvuAndRecoversTheFeatures() throws Exception {
        Data data = load();
        Map<String, Object> peer = golden("peer_topk.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> set = (Map<String, Object>) peer.get("settings");
        int n = (int) num(set, "n");
        int k = (int) num(set, "k");
        SaeSpec spec = new SaeSpec("topk", k, (int) num(set, "k_aux"), num(set, "auxk_coef"), (long) num(set, "dead_tokens"),
                1e-3, 5, k, 0, 1, 0.999);
        assertEquals(data.d / 2, spec.kAux());
        try (Backend be = Backends.cpu();
             SparseAutoencoder sae = train(data, n, spec, (int) num(set, "batch"), (long) num(set, "tokens"), (float) num(set, "lr"), 0, be)) {
            Quality q = quality(data, sae);
            System.out.printf("topk: fvu %.4f (peer %.4f) mmcs %.4f (peer %.4f) l0 %.2f dead %d%n", q.fvu, num(peer, "fvu"), q.mmcs,
                    num(peer, "mean_max_cos"), q.l0, q.dead);
            assertTrue(q.fvu <= 1.05 * num(peer, "fvu"), "FVU " + q.fvu + " vs the peer's " + num(peer, "fvu"));
            assertTrue(q.mmcs >= 0.9, "mean max cosine " + q.mmcs);
            assertEquals(k, q.l0, 1e-9);
        }
    }

    /**
     * The k-sparse autoencoder at its own settings reaches the peer's TopK figure at the same
     * L0 (k = 8, alpha = 1): 4 x the latents (n = 1024), k from 16 down to 8 over the first 30%
     * of the steps, lr 1e-2 decaying linearly to 0 over the last 30%, the same 524,288 tokens.
     * Measured: FVU 0.1676, mean max cosine 0.923 (seeds 1-3: 0.1671-0.1676). With the peer's
     * n = 256 it stays above the bar: FVU 0.172 (6% over the peer), 0.177 at a constant lr
     * (the tied encoder cannot unmix overlapping features as TopK's free one does); encoding
     * alpha * k = 10 units instead gives 0.162 at L0 10.
     */
    @Test
    void kSparseAtItsOwnSettingsReachesThePeersFvuAndRecoversTheFeatures() throws Exception {
        Data data = load();
        Map<String, Object> peer = golden("peer_topk.json");
        int k = 8;
        int batch = 512;
        long tokens = 524288;
        long steps = tokens / batch;
        SaeSpec spec = SaeSpec.defaults("ksparse", data.d, k).withDeadWindow(20_000).withKSchedule(16, Math.round(0.3 * steps));
        try (Backend be = Backends.cpu(); SparseAutoencoder sae = train(data, 1024, spec, batch, tokens, 1e-2f, 0.3, 0, be)) {
            Quality q = quality(data, sae);
            System.out.printf("ksparse: fvu %.4f (peer topk %.4f) mmcs %.4f l0 %.2f dead %d%n", q.fvu, num(peer, "fvu"), q.mmcs, q.l0, q.dead);
            assertTrue(q.fvu <= 1.05 * num(peer, "fvu"), "FVU " + q.fvu + " vs the peer's TopK " + num(peer, "fvu"));
            assertTrue(q.mmcs >= 0.9, "mean max cosine " + q.mmcs);
            assertEquals(k, q.l0, 1e-9);
            assertEquals(0, java.util.Arrays.compare(sae.params().wEnc.toArray(), sae.params().wDec.toArray()), "tied");
        }
    }

    /** By hand: -Dt.grid="arch=ksparse,k=8,kstart=32,sched=0.5,lr=3e-3,tokens=524288,n=256,alpha=1;..." */
    @Test
    void explore() throws Exception {
        String grid = System.getProperty("t.grid");
        if (grid == null) return;
        Data data = load();
        for (String cfg : grid.split(";")) {
            Map<String, String> a = new java.util.HashMap<>(Map.of("arch", "topk", "n", "256", "k", "8", "batch", "512",
                    "tokens", "524288", "lr", "3e-3", "dead", "20000", "sched", "0", "alpha", "1", "seed", "0"));
            a.put("decay", "0");
            for (String kv : cfg.split(",")) a.put(kv.split("=")[0].trim(), kv.split("=")[1].trim());
            int k = Integer.parseInt(a.get("k"));
            int n = Integer.parseInt(a.get("n"));
            int batch = Integer.parseInt(a.get("batch"));
            long tokens = Long.parseLong(a.get("tokens"));
            int kStart = Integer.parseInt(a.getOrDefault("kstart", a.get("k")));
            double sched = Double.parseDouble(a.get("sched"));
            SaeSpec spec = new SaeSpec(a.get("arch"), k, data.d / 2, 1.0 / 32, Long.parseLong(a.get("dead")), 1e-3, 5, kStart,
                    Math.round(sched * tokens / batch), Double.parseDouble(a.get("alpha")), 0.999);
            long t0 = System.nanoTime();
            try (Backend be = Backends.cpu();
                 SparseAutoencoder sae = train(data, n, spec, batch, tokens, Float.parseFloat(a.get("lr")),
                         Double.parseDouble(a.get("decay")), Long.parseLong(a.get("seed")), be)) {
                Quality q = quality(data, sae);
                System.out.printf("%s: fvu %.4f mmcs %.4f l0 %.2f dead %d (%.1f s)%n", cfg, q.fvu, q.mmcs, q.l0, q.dead,
                        (System.nanoTime() - t0) / 1e9);
            }
        }
    }
}
