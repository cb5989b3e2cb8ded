package sparsity.analysis.prune;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureSpec;
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
import sparsity.kernels.MemoryScope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SparseGPT against magnitude pruning at the same sparsity, on real captured inputs: the layer
 * output error ||X (W' - W)^T||^2 on held-out rows is smaller, for the MNIST sample's first layer
 * and for an MLP layer of all-MiniLM-L6-v2; masks prune exactly the asked share (and N:M holds).
 */
class SparseGptTest {

    @TempDir
    Path tmp;

    static float[] initializer(ModelProto m, String name) {
        TensorProto t = m.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
        ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    /** Squared error of the layer outputs X [rows, in] times (a - b)^T, both [out, in]. */
    static double outputError(float[] x, int rows, float[] a, float[] b, int out, int in) {
        double err = 0;
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int i = 0; i < in; i++) s += x[r * in + i] * (a[o * in + i] - b[o * in + i]);
                err += s * s;
            }
        }
        return err;
    }

    static float[] masked(float[] w, boolean[] keep) {
        float[] r = w.clone();
        for (int i = 0; i < r.length; i++) if (!keep[i]) r[i] = 0;
        return r;
    }

    void compare(float[] w, int out, int in, float[] calib, int calibRows, float[] eval, int evalRows, String what) {
        try (Backend be = Backends.cpu()) {
            SparseGpt.Result sg = SparseGpt.prune(be, w, out, in, calib, calibRows, 0.5, 0, 0);
            assertEquals(0.5, Masks.sparsity(sg.keep()), 1.0 / w.length * in, what + ": half the weights pruned");
            float[] mag = masked(w, Masks.unstructured(Scores.magnitude(w), 0.5));
            double eSg = outputError(eval, evalRows, sg.weights(), w, out, in);
            double eMag = outputError(eval, evalRows, mag, w, out, in);
            System.out.printf("%s: layer output error at 50%%: SparseGPT %.4g, magnitude %.4g (%.2fx)%n", what, eSg, eMag, eMag / eSg);
            assertTrue(eSg < eMag, what + ": SparseGPT " + eSg + " vs magnitude " + eMag);

            SparseGpt.Result nm = SparseGpt.prune(be, w, out, in, calib, calibRows, 0.5, 2, 4);
            assertTrue(Masks.satisfiesNm(nm.keep(), out, in, 2, 4), what + ": 2:4 holds");
            float[] magNm = masked(w, Masks.nm(Scores.magnitude(w), out, in, 2, 4));
            assertTrue(outputError(eval, evalRows, nm.weights(), w, out, in) < outputError(eval, evalRows, magNm, w, out, in),
                    what + ": 2:4 SparseGPT beats 2:4 magnitude");
        }
    }

    /**
     * The paper's algorithm one column at a time in double precision, every update applied to
     * all later columns at once (no lazy blocks): the blocked version must choose the same mask
     * and nearly the same weights.
     */
    static float[] columnByColumn(float[] w, int out, int in, float[] xtx, double share, boolean[] keepOut) {
        float[] u;
        try (Backend be = Backends.create("reference", 1); MemoryScope s = MemoryScope.open()) {
            u = SparseGpt.upperInverseHessianFactor(be, s, xtx, in).toArray();
        }
        double[] wd = new double[w.length];
        for (int i = 0; i < w.length; i++) wd[i] = w[i];
        java.util.Arrays.fill(keepOut, true);
        long total = (long) out * in;
        for (int i1 = 0; i1 < in; i1 += SparseGpt.BLOCK) {
            int i2 = Math.min(in, i1 + SparseGpt.BLOCK);
            int cnt = i2 - i1;
            int prune = (int) (Math.round(share * total * i2 / in) - Math.round(share * total * i1 / in));
            float[] score = new float[out * cnt];
            for (int r = 0; r < out; r++) {
                for (int j = 0; j < cnt; j++) {
                    double d = u[(i1 + j) * in + i1 + j];
                    score[r * cnt + j] = (float) (wd[r * in + i1 + j] * wd[r * in + i1 + j] / (d * d));
                }
            }
            int[] order = Masks.ascending(score, 0, score.length);
            for (int t = 0; t < prune; t++) keepOut[(order[t] / cnt) * in + i1 + order[t] % cnt] = false;
            for (int j = i1; j < i2; j++) {
                for (int r = 0; r < out; r++) {
                    if (keepOut[r * in + j]) continue;
                    double e = wd[r * in + j] / u[j * in + j];
                    wd[r * in + j] = 0;
                    for (int k = j + 1; k < in; k++) wd[r * in + k] -= e * u[j * in + k];
                }
            }
        }
        float[] res = new float[w.length];
        for (int i = 0; i < res.length; i++) res[i] = keepOut[i] ? (float) wd[i] : 0f;
        return res;
    }

    @Test
    void inverseHessianFactorIsTheUpperCholeskyFactorOfTheInverse() {
        java.util.Random r = new java.util.Random(5);
        int in = 150;
        int tokens = 400;
        float[] x = new float[tokens * in];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        double[] h = new double[in * in];
        float[] xtx = new float[in * in];
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < in; i++) for (int j = 0; j < in; j++) h[i * in + j] += (double) x[t * in + i] * x[t * in + j];
        }
        double mean = 0;
        for (int i = 0; i < in; i++) mean += h[i * in + i];
        for (int i = 0; i < in * in; i++) xtx[i] = (float) h[i];
        for (int i = 0; i < in; i++) h[i * in + i] += SparseGpt.DAMPING * mean / in;
        float[] u;
        try (Backend be = Backends.cpu(); MemoryScope s = MemoryScope.open()) {
            u = SparseGpt.upperInverseHessianFactor(be, s, xtx, in).toArray();
        }
        for (int i = 0; i < in; i++) {
            assertTrue(u[i * in + i] > 0, "positive diagonal");
            for (int j = 0; j < i; j++) assertEquals(0f, u[i * in + j], "upper triangular");
        }
        // (U^T U) H = I
        double worst = 0;
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < in; j++) {
                double acc = 0;
                for (int k = 0; k < in; k++) {
                    double utu = 0;
                    for (int t = 0; t <= Math.min(i, k); t++) utu += (double) u[t * in + i] * u[t * in + k];
                    acc += utu * h[k * in + j];
                }
                worst = Math.max(worst, Math.abs(acc - (i == j ? 1 : 0)));
            }
        }
        assertTrue(worst < 1e-3, "largest error of (U^T U) H - I: " + worst);
    }

    @Test
    void lazyBlocksMatchTheColumnByColumnAlgorithm() {
        java.util.Random r = new java.util.Random(11);
        int out = 9;
        int in = 300; // three blocks, the last one short
        int tokens = 500;
        float[] w = new float[out * in];
        float[] x = new float[tokens * in];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        for (int t = 0; t < tokens; t++) {
            double common = r.nextGaussian();
            for (int i = 0; i < in; i++) x[t * in + i] = (float) (r.nextGaussian() + 0.5 * common);
        }
        float[] xtx = new float[in * in];
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < in; i++) for (int j = 0; j < in; j++) xtx[i * in + j] += x[t * in + i] * x[t * in + j];
        }
        boolean[] keepRef = new boolean[w.length];
        float[] ref = columnByColumn(w, out, in, xtx, 0.37, keepRef);
        try (Backend be = Backends.cpu()) {
            SparseGpt.Result got = SparseGpt.pruneWithHessian(be, w, out, in, xtx, 0.37, 0, 0);
            assertEquals(Math.round(0.37 * out * in), countPruned(got.keep()), "exactly the share of the layer");
            int same = 0;
            for (int i = 0; i < w.length; i++) if (got.keep()[i] == keepRef[i]) same++;
            assertEquals(w.length, same, "the same mask");
            for (int i = 0; i < w.length; i++) assertEquals(ref[i], got.weights()[i], 2e-3f * (1 + Math.abs(ref[i])), "weight " + i);
        }
    }

    static long countPruned(boolean[] keep) {
        long n = 0;
        for (boolean k : keep) if (!k) n++;
        return n;
    }

    @Test
    void mnistFirstLayerOnHeldOutDigits() throws Exception {
        ModelProto m = OnnxModels.read(SampleModels.path(SampleModels.MNIST_MLP));
        float[] w = initializer(m, "fc1.weight"); // Gemm transB: stored [out=256, in=784]
        try (NpyArray images = Npy.read(SampleModels.dataFile("mnist-test-images.npy"))) {
            compare(w, 256, 784, images.rows(0, 1000), 1000, images.rows(1000, 300), 300, "MNIST fc1");
        }
    }

    @Test
    void miniLmMlpLayerOnCapturedSentences() throws Exception {
        Path model = SampleModels.path(SampleModels.MINILM);
        var summary = OnnxModels.summarize(model, ProgressListener.NONE);
        var lines = TextInputs.readFile(SampleModels.corpus()).subList(0, 120);
        var prepared = InputSources.prepare(summary, new InputSources.Texts(lines, "corpus"),
                Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow()), 16, 64, ProgressListener.NONE);
        String input = "/encoder/layer.0/attention/output/LayerNorm/Add_1_output_0";
        Path store = tmp.resolve("x");
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(input), false, DType.FLOAT32, store, "corpus"))) {
            c.run(prepared.batches().iterator(), ProgressListener.NONE);
        }
        ModelProto m = OnnxModels.read(model);
        PrunableWeight pw = PrunableWeights.find(m).stream()
                .filter(p -> p.node().startsWith("/encoder/layer.0/intermediate/dense")).findFirst().orElseThrow();
        assertEquals(1536, pw.out());
        assertEquals(384, pw.in());
        float[] w = pw.toOutIn(initializer(m, pw.name()));
        try (ActivationStore s = ActivationStore.open(store)) {
            StoredTensor t = s.first();
            int rows = (int) t.rows();
            int calib = rows * 3 / 4;
            float[] all = t.read(0, rows, new float[rows * 384]);
            float[] eval = java.util.Arrays.copyOfRange(all, calib * 384, Math.min(rows, calib + 200) * 384);
            compare(w, 1536, 384, java.util.Arrays.copyOf(all, calib * 384), calib, eval, eval.length / 384, "MiniLM layer.0 intermediate");
        }
    }
}
