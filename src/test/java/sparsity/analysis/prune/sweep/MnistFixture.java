package sparsity.analysis.prune.sweep;

import java.nio.file.Path;

import ai.onnx.proto.OnnxMl.ModelProto;
import sparsity.analysis.evaluate.EvalData;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;

/** The MNIST sample, its held-out digits and labels, read once for the sweep tests. */
final class MnistFixture {

    static final Path FILE;
    static final ModelProto MODEL;
    static final EvalData DATA;

    static {
        try {
            FILE = SampleModels.path(SampleModels.MNIST_MLP);
            MODEL = OnnxModels.read(FILE);
            DATA = EvalData.forSample(SampleModels.MNIST_MLP, 0, 500);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private MnistFixture() {
    }

    /** Logits of the MLP 784-256-128-10 computed in Java from [out, in] weights and biases (the masked computation). */
    static float[][] logits(float[][] w, float[][] b, float[] images, int n) {
        int[] sizes = {784, 256, 128, 10};
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] h = java.util.Arrays.copyOfRange(images, i * 784, (i + 1) * 784);
            for (int l = 0; l < 3; l++) {
                float[] next = new float[sizes[l + 1]];
                for (int o = 0; o < next.length; o++) {
                    double acc = b[l][o];
                    for (int k = 0; k < sizes[l]; k++) acc += (double) w[l][o * sizes[l] + k] * h[k];
                    next[o] = l < 2 ? (float) Math.max(0, acc) : (float) acc;
                }
                h = next;
            }
            out[i] = h;
        }
        return out;
    }

    /** A bias initializer. */
    static float[] bias(ModelProto m, String name) {
        var t = m.getGraph().getInitializerList().stream().filter(i -> i.getName().equals(name)).findFirst().orElseThrow();
        var buf = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(f);
        return f;
    }
}
