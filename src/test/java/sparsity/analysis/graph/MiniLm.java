package sparsity.analysis.graph;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import sparsity.analysis.samples.SampleModels;

/**
 * all-MiniLM-L6-v2 with a few sentences tokenized by hand (ids looked up in its tokenizer.json,
 * lower-cased WordPiece; every word here is a single vocabulary entry).
 */
public final class MiniLm {

    /** Hidden state after layer 3 (the output of its last LayerNorm). */
    public static final String LAYER3_OUT = "/encoder/layer.3/output/LayerNorm/Add_1_output_0";
    public static final String OUTPUT = "last_hidden_state";
    public static final int HIDDEN = 384;

    /** "the cat sat on the mat", "hello world", "attention is all you need today". */
    public static final long[][] IDS = {
            {101, 1996, 4937, 2938, 2006, 1996, 13523, 102},
            {101, 7592, 2088, 102},
            {101, 3086, 2003, 2035, 2017, 2342, 2651, 102},
    };
    public static final String[][] TOKENS = {
            {"[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"},
            {"[CLS]", "hello", "world", "[SEP]"},
            {"[CLS]", "attention", "is", "all", "you", "need", "today", "[SEP]"},
    };

    private MiniLm() {
    }

    public static Path model() throws IOException {
        return SampleModels.path(SampleModels.MINILM);
    }

    /** input_ids, attention_mask, token_type_ids of some of {@link #IDS}, right-padded with 0. */
    public static Map<String, long[][]> batch(int... sentences) {
        int len = 0;
        for (int s : sentences) len = Math.max(len, IDS[s].length);
        long[][] ids = new long[sentences.length][len];
        long[][] mask = new long[sentences.length][len];
        for (int b = 0; b < sentences.length; b++) {
            long[] src = IDS[sentences[b]];
            System.arraycopy(src, 0, ids[b], 0, src.length);
            for (int i = 0; i < src.length; i++) mask[b][i] = 1;
        }
        Map<String, long[][]> m = new HashMap<>();
        m.put("input_ids", ids);
        m.put("attention_mask", mask);
        m.put("token_type_ids", new long[sentences.length][len]);
        return m;
    }

    /** The arrays as ONNX Runtime tensors (close them after use). */
    public static Map<String, OnnxTensor> tensors(Map<String, long[][]> batch) throws OrtException {
        Map<String, OnnxTensor> m = new HashMap<>();
        for (var e : batch.entrySet()) m.put(e.getKey(), longTensor(e.getValue()));
        return m;
    }

    public static OnnxTensor longTensor(long[][] v) throws OrtException {
        int cols = v.length == 0 ? 0 : v[0].length;
        LongBuffer b = LongBuffer.allocate(v.length * cols);
        for (long[] row : v) b.put(row);
        b.flip();
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), b, new long[] {v.length, cols});
    }

    public static float[] floats(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    public static void closeAll(Map<String, OnnxTensor> tensors) {
        tensors.values().forEach(OnnxTensor::close);
    }

    public static List<String> inputs() {
        return List.of("input_ids", "attention_mask", "token_type_ids");
    }
}
