package sparsity.analysis.graph;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.OnnxModels;

/**
 * A model cut at one tensor ({@link GraphSurgery#splice}), ready to run from a value supplied in
 * that tensor's place: an autoencoder's reconstruction, a thresholded activation. The other
 * inputs the tail still reads (e.g. attention_mask) are passed as usual.
 *
 * <pre>{@code
 * try (SplicedModel tail = SplicedModel.open(model, "/encoder/layer.3/output/LayerNorm/Add_1_output_0")) {
 *     try (OrtSession.Result r = tail.run(reconstruction, new long[] {batch, seq, 384}, Map.of("attention_mask", mask))) { ... }
 * }
 * }</pre>
 */
public final class SplicedModel implements AutoCloseable {

    private final String tensor;
    private final List<String> otherInputs;
    private final List<String> outputs;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;

    private SplicedModel(String tensor, ModelProto tail, Path file) throws OrtException {
        this.tensor = tensor;
        List<String> inputs = GraphSurgery.inputNames(tail);
        this.otherInputs = List.copyOf(inputs.subList(1, inputs.size()));
        this.outputs = GraphSurgery.outputNames(tail);
        this.options = new OrtSession.SessionOptions();
        try {
            this.session = ModelSessions.open(tail, file, options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * Reads a model and opens the tail that runs from {@code tensorName} onward.
     *
     * @throws IllegalArgumentException when the model has no such tensor or no output depends on it
     */
    public static SplicedModel open(Path modelFile, String tensorName) throws ModelLoadException, OrtException {
        return new SplicedModel(tensorName, GraphSurgery.splice(OnnxModels.read(modelFile), tensorName), modelFile);
    }

    /** The tensor whose value is supplied. */
    public String tensor() {
        return tensor;
    }

    /** The original inputs the tail still needs besides the spliced tensor, in model order. */
    public List<String> otherInputs() {
        return otherInputs;
    }

    /** The model outputs that depend on the spliced tensor (the tail's outputs). */
    public List<String> outputs() {
        return outputs;
    }

    /** Runs the tail with {@code value} in the spliced tensor's place; close the result after use. */
    public OrtSession.Result run(OnnxTensorLike value, Map<String, ? extends OnnxTensorLike> others) throws OrtException {
        Map<String, OnnxTensorLike> feed = new HashMap<>(others);
        for (String in : otherInputs) {
            if (!feed.containsKey(in)) throw new IllegalArgumentException("the tail also needs input '" + in + "'");
        }
        feed.put(tensor, value);
        return session.run(feed);
    }

    /** Runs the tail with a float value of the given shape. */
    public OrtSession.Result run(float[] value, long[] shape, Map<String, ? extends OnnxTensorLike> others) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(value), shape)) {
            return run(t, others);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing only frees memory
        } finally {
            options.close();
        }
    }
}
