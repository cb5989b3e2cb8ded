package sparsity.analysis.evaluate;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import sparsity.analysis.capture.InputBatch;

/**
 * A batch of prepared inputs as ONNX Runtime's feed, for the evaluations that run a model over
 * them (pruning sweeps here, autoencoders spliced into a model in the sae room).
 */
public final class InputFeeds {

    private InputFeeds() {
    }

    /** Why the batch does not fit the model's inputs (one missing or one too many), or null when it does. */
    public static String mismatch(List<String> modelInputs, InputBatch b) {
        Set<String> given = new LinkedHashSet<>(b.longInputs().keySet());
        given.addAll(b.floatInputs().keySet());
        for (String in : modelInputs) {
            if (!given.contains(in)) return "the model needs input '" + in + "', which the inputs do not give (they give " + given + ")";
        }
        for (String in : given) {
            if (!modelInputs.contains(in)) return "the model has no input '" + in + "' (its inputs: " + modelInputs + ")";
        }
        return null;
    }

    /** The batch's inputs as tensors (token ids [rows x length], float arrays in their shapes); none left open on failure. */
    public static Map<String, OnnxTensor> tensors(InputBatch b) throws OrtException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            for (var e : b.longInputs().entrySet()) {
                long[][] v = e.getValue();
                LongBuffer buf = LongBuffer.allocate(v.length * v[0].length);
                for (long[] row : v) buf.put(row);
                feed.put(e.getKey(), OnnxTensor.createTensor(env, buf.flip(), new long[] {v.length, v[0].length}));
            }
            for (var e : b.floatInputs().entrySet()) {
                feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()), e.getValue().shape()));
            }
            return feed;
        } catch (OrtException | RuntimeException e) {
            feed.values().forEach(OnnxTensor::close);
            throw e;
        }
    }
}
