package sparsity.analysis.prune;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoredTensor;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calibration statistics against the same sums computed by hand from the inputs (MNIST) and from
 * a capture of the same tensor (MiniLM, where the capture leaves padding out): the streamed
 * statistics count only real tokens and equal the plain sums.
 */
class CalibrationTest {

    @TempDir
    Path tmp;

    /** The first {@code count} MNIST test digits in batches, as the capture's input step makes them. */
    static List<InputBatch> mnistBatches(int count, int batch) throws Exception {
        List<InputBatch> out = new java.util.ArrayList<>();
        try (NpyArray a = Npy.read(SampleModels.dataFile("mnist-test-images.npy"))) {
            for (int i = 0; i < count; i += batch) {
                int n = Math.min(batch, count - i);
                out.add(InputBatch.tensors(Map.of("input", new InputBatch.FloatInput(a.rows(i, n), new long[] {n, 784})),
                        java.util.Collections.nCopies(n, "digit")));
            }
        }
        return out;
    }

    @Test
    void mnistSumsAndGramEqualThePlainSums() throws Exception {
        Path file = SampleModels.path(SampleModels.MNIST_MLP);
        ModelProto m = OnnxModels.read(file);
        List<InputBatch> batches = mnistBatches(1500, 100);
        Calibration c;
        try (Backend be = Backends.cpu()) {
            c = Calibration.collect(m, file, batches, "1,500 digits", true, be, ProgressListener.NONE);
        }
        assertEquals(1500, c.examples());
        assertEquals(1500, c.tokens());
        Calibration.LayerInput fc1 = c.input("fc1.weight").orElseThrow();
        assertEquals("input", fc1.tensor(), "the first layer reads the graph input itself");
        assertEquals(1500, fc1.rows()); // more rows than one X^T X buffer holds (1,337 of 784)
        float[] x;
        try (NpyArray a = Npy.read(SampleModels.dataFile("mnist-test-images.npy"))) {
            x = a.rows(0, 1500);
        }
        for (int j = 0; j < 784; j += 7) {
            double s = 0;
            for (int r = 0; r < 1500; r++) s += (double) x[r * 784 + j] * x[r * 784 + j];
            assertEquals(s, fc1.sumSquares()[j], 1e-6 * (1 + s), "feature " + j);
            for (int k = 0; k < 784; k += 97) {
                double g = 0;
                for (int r = 0; r < 1500; r++) g += (double) x[r * 784 + j] * x[r * 784 + k];
                assertEquals(g, fc1.gram()[j * 784 + k], 1e-4 * (1 + Math.abs(g)), "X^T X " + j + "," + k);
            }
        }
        // fc2 reads relu(fc1 x + b): check the sums against that computed by hand
        float[] w1 = SparseGptTest.initializer(m, "fc1.weight");
        float[] b1 = SparseGptTest.initializer(m, "fc1.bias");
        double[] sq = new double[256];
        for (int r = 0; r < 1500; r++) {
            for (int o = 0; o < 256; o++) {
                double a = b1[o];
                for (int i = 0; i < 784; i++) a += w1[o * 784 + i] * x[r * 784 + i];
                a = Math.max(0, a);
                sq[o] += a * a;
            }
        }
        Calibration.LayerInput fc2 = c.input("fc2.weight").orElseThrow();
        for (int o = 0; o < 256; o++) assertEquals(sq[o], fc2.sumSquares()[o], 1e-4 * (1 + sq[o]), "hidden " + o);
        assertTrue(c.input("fc3.weight").isPresent());
        assertTrue(c.hasGram());
    }

    @Test
    void miniLmCountsOnlyRealTokens() throws Exception {
        Path model = SampleModels.path(SampleModels.MINILM);
        var summary = OnnxModels.summarize(model, ProgressListener.NONE);
        var lines = TextInputs.readFile(SampleModels.corpus()).subList(0, 40);
        var prepared = InputSources.prepare(summary, new InputSources.Texts(lines, "corpus"),
                Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow()), 16, 64, ProgressListener.NONE);
        long padded = 0;
        for (InputBatch b : prepared.batches()) padded += (long) b.size() * b.seqLength();
        assertTrue(padded > prepared.stats().tokens(), "the batches hold padding");

        ModelProto m = OnnxModels.read(model);
        Calibration c;
        try (Backend be = Backends.cpu()) {
            c = Calibration.collect(m, model, prepared.batches(), prepared.description(), false, be, ProgressListener.NONE);
        }
        assertEquals(40, c.examples());
        assertEquals(prepared.stats().tokens(), c.tokens());
        assertFalse(c.hasGram());

        List<PrunableWeight> ws = PrunableWeights.find(m);
        for (PrunableWeight w : ws) {
            Calibration.LayerInput in = c.input(w.name()).orElseThrow();
            assertEquals(c.tokens(), in.rows(), w.name());
            assertEquals(w.in(), in.width());
            assertNull(in.gram());
            assertFalse(in.padded());
        }
        // query, key and value read one tensor: the same statistics
        PrunableWeight q = ws.stream().filter(w -> w.node().equals("/encoder/layer.2/attention/self/query/MatMul")).findFirst().orElseThrow();
        PrunableWeight v = ws.stream().filter(w -> w.node().equals("/encoder/layer.2/attention/self/value/MatMul")).findFirst().orElseThrow();
        assertSame(c.input(q.name()).orElseThrow(), c.input(v.name()).orElseThrow());

        // against a capture of the intermediate layer's input (the capture leaves padding out)
        PrunableWeight down = ws.stream().filter(w -> w.node().equals("/encoder/layer.1/output/dense/MatMul")).findFirst().orElseThrow();
        Calibration.LayerInput din = c.input(down.name()).orElseThrow();
        assertEquals(1536, din.width());
        Path store = tmp.resolve("gelu");
        try (Capture cap = Capture.open(new CaptureSpec(model, List.of(din.tensor()), false, DType.FLOAT32, store, "corpus"))) {
            cap.run(prepared.batches().iterator(), ProgressListener.NONE);
        }
        try (ActivationStore s = ActivationStore.open(store)) {
            StoredTensor t = s.first();
            assertEquals(c.tokens(), t.rows());
            double[] sq = new double[1536];
            float[] all = t.read(0, (int) t.rows(), new float[(int) t.rows() * 1536]);
            for (int r = 0; r < t.rows(); r++) for (int j = 0; j < 1536; j++) sq[j] += (double) all[r * 1536 + j] * all[r * 1536 + j];
            for (int j = 0; j < 1536; j++) assertEquals(sq[j], din.sumSquares()[j], 1e-5 * (1 + sq[j]), "feature " + j);
        }
        Map<String, String> none = new java.util.HashMap<>();
        assertEquals(36, Calibration.layerInputs(m, ws, none).size());
        assertTrue(none.isEmpty());
    }

    @Test
    void convAndTransposedGemmAreNamedNotCalibrated() {
        ModelProto m = PruningTest.convAndGemmModel();
        Map<String, String> why = new java.util.LinkedHashMap<>();
        var inputs = Calibration.layerInputs(m, PrunableWeights.find(m), why);
        assertTrue(why.get("conv.w").contains("im2col"), why.toString());
        assertTrue(why.get("t.w").contains("transA"), why.toString());
        assertEquals(List.of("fc.w"), List.copyOf(inputs.keySet()));
    }
}
