package sparsity.analysis.evaluate;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.graph.GraphSurgery;

/** ONNX Runtime plumbing shared by the evaluator and the tensor runs: feeds, sessions, outputs. */
final class Ort {

    /** ONNX Runtime session option: folder of external initializer files when loading from bytes. */
    private static final String EXTERNAL_FOLDER_KEY = "session.model_external_initializers_file_folder_path";

    private Ort() {
    }

    static OrtSession session(byte[] onnx, boolean externalData, Path modelFile, OrtSession.SessionOptions opt) throws OrtException {
        if (externalData) opt.addConfigEntry(EXTERNAL_FOLDER_KEY, modelFile.toAbsolutePath().getParent().toString());
        return OrtEnvironment.getEnvironment().createSession(onnx, opt);
    }

    static List<Map<String, OnnxTensor>> feeds(ModelProto model, EvalData data) throws EvaluationException {
        List<String> modelInputs = GraphSurgery.inputNames(model);
        List<Map<String, OnnxTensor>> out = new ArrayList<>();
        try {
            for (InputBatch b : data.batches()) {
                String why = InputFeeds.mismatch(modelInputs, b);
                if (why != null) throw new EvaluationException(why);
                out.add(InputFeeds.tensors(b));
            }
        } catch (OrtException e) {
            closeAll(out);
            throw new EvaluationException("cannot pass the inputs to ONNX Runtime: " + oneLine(e), e);
        } catch (EvaluationException | RuntimeException e) {
            closeAll(out);
            throw e;
        }
        return out;
    }

    static void closeAll(List<Map<String, OnnxTensor>> feeds) {
        for (Map<String, OnnxTensor> f : feeds) f.values().forEach(OnnxTensor::close);
    }

    static OnnxTensor floatTensor(OrtSession.Result r, String name) throws EvaluationException {
        OnnxValue v = r.get(name).orElseThrow(() -> new EvaluationException("the model gave no output '" + name + "'"));
        if (!(v instanceof OnnxTensor t)) throw new EvaluationException("output '" + name + "' is not a tensor");
        if (t.getInfo().type != OnnxJavaType.FLOAT) {
            throw new EvaluationException("output '" + name + "' holds " + t.getInfo().type.toString().toLowerCase(Locale.ROOT)
                    + " values; float32 outputs are compared");
        }
        return t;
    }

    static float[] floats(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return f;
    }

    static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).replaceAll("\\s+", " ").replaceFirst("^Error code - \\w+ - message: ", "");
    }

}
