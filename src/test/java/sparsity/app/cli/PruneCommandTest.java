package sparsity.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Masks;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.samples.SampleModels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparsity.app.cli.InspectCommandTest.cli;

/**
 * prune apply on the MNIST sample: the written model runs under ONNX Runtime and gives the
 * logits of the masked computation done by hand; the asked share is pruned in every layer.
 */
class PruneCommandTest {

    @TempDir
    Path tmp;

    @Test
    void prunedModelRunsAndMatchesTheMaskedComputation() throws Exception {
        Path out = tmp.resolve("pruned.onnx");
        Path original = SampleModels.path(SampleModels.MNIST_MLP);
        byte[] before = Files.readAllBytes(original);
        InspectCommandTest.Run r = cli("prune", "apply", "--model", "mnist-mlp", "--method", "magnitude", "--sparsity", "0.5",
                "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(before, Files.readAllBytes(original), "the original model is untouched");

        ModelProto dense = OnnxModels.read(original);
        ModelProto pruned = OnnxModels.read(out);
        List<PrunableWeight> ws = PrunedModels.supported(pruned);
        assertEquals(3, ws.size());
        float[][] w = new float[3][];
        float[][] b = new float[3][];
        for (int i = 0; i < 3; i++) {
            float[] p = ws.get(i).toOutIn(PrunedModels.stored(pruned, ws.get(i)));
            boolean[] keep = new boolean[p.length];
            for (int j = 0; j < p.length; j++) keep[j] = p[j] != 0;
            assertEquals(0.5, Masks.sparsity(keep), 1e-6, ws.get(i).name() + " is half pruned");
            float[] d = ws.get(i).toOutIn(PrunedModels.stored(dense, ws.get(i)));
            boolean[] magnitude = Masks.unstructured(sparsity.analysis.prune.Scores.magnitude(d), 0.5);
            for (int j = 0; j < p.length; j++) assertEquals(magnitude[j] ? d[j] : 0f, p[j], 0f);
            w[i] = p;
            b[i] = Initializers.bias(pruned, "fc" + (i + 1) + ".bias");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (NpyArray images = Npy.read(SampleModels.dataFile("mnist-test-images.npy"));
             OrtSession s = env.createSession(out.toString(), new OrtSession.SessionOptions())) {
            int n = 50;
            float[][] x = new float[n][];
            for (int i = 0; i < n; i++) x[i] = images.row(i);
            float[][] logits;
            try (OnnxTensor t = OnnxTensor.createTensor(env, x); OrtSession.Result res = s.run(Map.of("input", t))) {
                logits = (float[][]) res.get(0).getValue();
            }
            int[] sizes = {784, 256, 128, 10};
            for (int i = 0; i < n; i++) {
                float[] h = x[i];
                for (int l = 0; l < 3; l++) {
                    float[] next = new float[sizes[l + 1]];
                    for (int o = 0; o < next.length; o++) {
                        double acc = b[l][o];
                        for (int k = 0; k < sizes[l]; k++) acc += w[l][o * sizes[l] + k] * h[k];
                        next[o] = l < 2 ? (float) Math.max(0, acc) : (float) acc;
                    }
                    h = next;
                }
                assertArrayEquals(h, logits[i], 1e-3f, "image " + i);
            }
        }
        assertTrue(r.out().contains("sparse encoding"), r.out());
    }

    @Test
    void nmAndBadArguments() throws Exception {
        Path out = tmp.resolve("nm.onnx");
        InspectCommandTest.Run r = cli("prune", "apply", "--model", "mnist-mlp", "--method", "magnitude", "--nm", "2:4",
                "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        ModelProto pruned = OnnxModels.read(out);
        for (PrunableWeight w : PrunedModels.supported(pruned)) {
            float[] p = w.toOutIn(PrunedModels.stored(pruned, w));
            boolean[] keep = new boolean[p.length];
            for (int j = 0; j < p.length; j++) keep[j] = p[j] != 0;
            assertTrue(Masks.satisfiesNm(keep, w.out(), w.in(), 2, 4), w.name());
        }
        assertEquals(2, cli("prune", "apply", "--model", "mnist-mlp", "--method", "nonsense", "--out", tmp.resolve("x.onnx").toString()).status());
        assertEquals(2, cli("prune", "apply", "--model", "mnist-mlp", "--method", "lamp", "--nm", "2:4", "--out", tmp.resolve("y.onnx").toString()).status());
    }

    /** Reads a bias initializer. */
    static final class Initializers {
        static float[] bias(ModelProto m, String name) {
            var t = m.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
            var buf = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[buf.remaining() / 4];
            buf.asFloatBuffer().get(f);
            return f;
        }
    }
}
