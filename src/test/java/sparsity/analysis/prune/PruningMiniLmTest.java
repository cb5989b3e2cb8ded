package sparsity.analysis.prune;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * all-MiniLM-L6-v2 through the facade on real sentences: SparseGPT's layer outputs stay closer to
 * the dense ones than magnitude's in every one of the 36 layers (on held-out sentences); head and
 * channel pruning find the 6 blocks, remove exactly the asked heads and channels, and the pruned
 * model runs with those heads' and channels' outputs exactly zero.
 */
class PruningMiniLmTest {

    static List<InputBatch> sentences(int from, int count) throws Exception {
        Path model = SampleModels.path(SampleModels.MINILM);
        var summary = OnnxModels.summarize(model, ProgressListener.NONE);
        var lines = TextInputs.readFile(SampleModels.corpus()).subList(from, from + count);
        return InputSources.prepare(summary, new InputSources.Texts(lines, "corpus"),
                Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow()), 16, 64, ProgressListener.NONE).batches();
    }

    static Calibration calibrate(ModelProto m, List<InputBatch> batches, boolean gram) throws Exception {
        try (Backend be = Backends.cpu()) {
            return Calibration.collect(m, SampleModels.path(SampleModels.MINILM), batches, batches.size() + " batches", gram, be,
                    ProgressListener.NONE);
        }
    }

    /** ||X (W' - W)^T||^2 from the Gram matrix G = X^T X: tr(D G D^T), D = W' - W [out, in]. */
    static double outputError(Backend be, float[] a, float[] b, int out, int in, float[] gram) {
        float[] d = new float[a.length];
        for (int i = 0; i < d.length; i++) d[i] = a[i] - b[i];
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix dm = s.floats(out, in, d);
            FloatMatrix p = s.floats(out, in);
            be.gemm(false, false, 1f, dm, s.floats(in, in, gram), 0f, p);
            float[] pv = p.toArray();
            double e = 0;
            for (int i = 0; i < d.length; i++) e += (double) pv[i] * d[i];
            return e;
        }
    }

    @Test
    void sparseGptBeatsMagnitudeInEveryLayerOnHeldOutSentences() throws Exception {
        ModelProto m = OnnxModels.read(SampleModels.path(SampleModels.MINILM));
        Calibration cal = calibrate(m, sentences(0, 128), true);
        Calibration held = calibrate(m, sentences(128, 64), true);
        Map<String, PruneResult> results = new java.util.LinkedHashMap<>();
        for (String method : List.of("magnitude", "wanda", "sparsegpt")) {
            for (NM nm : new NM[] {null, NM.TWO_FOUR}) {
                results.put(method + (nm == null ? "" : " " + nm), Pruning.apply(m, PruneSpec.of(method, 0.5).withNm(nm), cal, ProgressListener.NONE));
            }
        }
        List<PrunableWeight> ws = PrunedModels.supported(m);
        assertEquals(36, ws.size());
        Map<String, Double> totals = new java.util.LinkedHashMap<>();
        try (Backend be = Backends.cpu()) {
            for (PrunableWeight w : ws) {
                float[] dense = w.toOutIn(PrunedModels.stored(m, w));
                float[] g = held.input(w.name()).orElseThrow().gram();
                Map<String, Double> err = new java.util.LinkedHashMap<>();
                for (var e : results.entrySet()) {
                    float[] p = w.toOutIn(e.getValue().weights().get(w.name()));
                    err.put(e.getKey(), outputError(be, p, dense, w.out(), w.in(), g));
                    totals.merge(e.getKey(), err.get(e.getKey()), Double::sum);
                }
                assertTrue(err.get("sparsegpt") < err.get("magnitude"), w.node() + ": " + err);
                assertTrue(err.get("sparsegpt 2:4") < err.get("magnitude 2:4"), w.node() + ": " + err);
            }
        }
        StringBuilder sb = new StringBuilder("MiniLM, 36 layers at 50%, summed layer-output error on 64 held-out sentences "
                + String.format(Locale.ROOT, "(%,d tokens; calibration %,d tokens):", held.tokens(), cal.tokens()));
        totals.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.4g;", k, v)));
        System.out.println(sb);
        assertTrue(totals.get("sparsegpt") < totals.get("wanda") && totals.get("wanda") < totals.get("magnitude"), totals.toString());
    }

    @Test
    void headsAndChannelsAreRemovedWhole() throws Exception {
        ModelProto m = OnnxModels.read(SampleModels.path(SampleModels.MINILM));
        List<Structures.AttentionBlock> blocks = Structures.attention(m);
        assertEquals(6, blocks.size());
        for (Structures.AttentionBlock b : blocks) {
            assertEquals(12, b.heads());
            assertEquals(32, b.headDim());
            assertEquals(3, b.qkvBiases().size(), b.qkvBiases().toString());
            assertTrue(b.output().node().endsWith("attention/output/dense/MatMul"), b.output().node());
        }
        List<Structures.Mlp> mlps = Structures.mlps(m);
        assertEquals(6, mlps.size());
        for (Structures.Mlp x : mlps) {
            assertEquals(1536, x.channels());
            assertTrue(x.down().node().endsWith("/output/dense/MatMul"), x.down().node());
            assertEquals(1, x.biases().size());
        }
        List<InputBatch> batches = sentences(0, 48);
        Calibration cal = calibrate(m, batches, true);

        PruneResult heads = Pruning.apply(m, PruneSpec.of("heads", 0.25), cal, ProgressListener.NONE);
        assertEquals(6, heads.removed().size());
        assertTrue(heads.importance().contains("calibration tokens"), heads.importance());
        ModelProto prunedHeads = heads.applyTo(m);
        Calibration after = calibrate(prunedHeads, batches, false);
        for (int bi = 0; bi < 6; bi++) {
            Structures.AttentionBlock b = blocks.get(bi);
            PruneResult.Removed r = heads.removed().get(bi);
            assertEquals(3, r.indices().length, "a quarter of 12 heads");
            for (PrunableWeight w : b.weights()) {
                LayerReport l = heads.layers().stream().filter(x -> x.name().equals(w.name())).findFirst().orElseThrow();
                assertEquals(w.count() / 4, l.pruned(), w.node());
            }
            // the context entering the output projection is exactly 0 for the removed heads, and not for the others
            double[] sq = after.input(b.output().name()).orElseThrow().sumSquares();
            java.util.Set<Integer> gone = new java.util.HashSet<>();
            for (int h : r.indices()) gone.add(h);
            for (int h = 0; h < 12; h++) {
                double e = 0;
                for (int f = h * 32; f < (h + 1) * 32; f++) e += sq[f];
                if (gone.contains(h)) assertEquals(0.0, e, b.label() + " head " + h);
                else assertTrue(e > 0, b.label() + " head " + h);
            }
        }
        // weight-only importance: the output projection's rows
        PruneResult noCal = Pruning.apply(m, PruneSpec.of("heads", 0.5), null, ProgressListener.NONE);
        assertEquals(6, noCal.removed().getFirst().indices().length);
        assertTrue(noCal.importance().contains("no calibration"), noCal.importance());

        PruneResult channels = Pruning.apply(m, PruneSpec.of("channels", 0.5).withInclude(List.of("**/layer.2/**")), cal,
                ProgressListener.NONE);
        assertEquals(1, channels.removed().size(), "only layer 2 is included");
        assertEquals(768, channels.removed().getFirst().indices().length);
        Calibration afterCh = calibrate(channels.applyTo(m), batches, false);
        double[] sq = afterCh.input(mlps.get(2).down().name()).orElseThrow().sumSquares();
        java.util.Set<Integer> gone = new java.util.HashSet<>();
        for (int j : channels.removed().getFirst().indices()) gone.add(j);
        for (int j = 0; j < 1536; j++) {
            if (gone.contains(j)) assertEquals(0.0, sq[j], "channel " + j + ": GELU(0) = 0");
            else assertTrue(sq[j] > 0, "channel " + j);
        }
        long changed = channels.layers().stream().filter(l -> l.status() == LayerReport.Status.PRUNED).count();
        assertEquals(2, changed, "the intermediate and output dense layers of layer 2");
    }

    @Test
    void tinyTransformerBlocksAreFound() throws Exception {
        ModelProto m = OnnxModels.read(SampleModels.path(SampleModels.TINY_TRANSFORMER));
        List<Structures.AttentionBlock> blocks = Structures.attention(m);
        assertEquals(2, blocks.size());
        assertTrue(blocks.getFirst().heads() > 1, "heads " + blocks.getFirst().heads());
        assertEquals(2, Structures.mlps(m).size());
    }
}
