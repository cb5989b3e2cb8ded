package sparsity.analysis.evaluate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.graph.GraphSurgery;

/**
 * Runs a model over data and hands chosen float tensors to a sink, batch by batch: tensors that
 * nodes compute are exposed as extra outputs; a graph input (e.g. the image a first layer reads)
 * is taken from the batch itself. Calibration statistics (input norms, activation thresholds)
 * are gathered this way.
 */
public final class TensorRuns {

    private TensorRuns() {
    }

    /**
     * @param modelFile where the model was read from (its folder holds any external data)
     * @param tensors   names of computed tensors or float graph inputs
     * @throws EvaluationException a tensor the model has not, a non-float tensor, inputs that do not fit
     */
    public static void run(Path modelFile, ModelProto model, EvalData data, List<String> tensors, Evaluator.TensorSink sink,
                           ProgressListener progress) throws EvaluationException, InterruptedException {
        Set<String> produced = new LinkedHashSet<>(GraphSurgery.tensorNames(model));
        List<String> inputs = GraphSurgery.inputNames(model);
        List<String> computed = new ArrayList<>();
        List<String> fed = new ArrayList<>();
        for (String t : new LinkedHashSet<>(tensors)) {
            if (produced.contains(t)) computed.add(t);
            else if (inputs.contains(t)) fed.add(t);
            else throw new EvaluationException("the model has no tensor '" + t + "'");
        }
        ModelProto exposed = GraphSurgery.exposeOutputs(model, computed);
        boolean external = model.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
        List<Map<String, OnnxTensor>> feeds = Ort.feeds(model, data);
        try (OrtSession.SessionOptions opt = new OrtSession.SessionOptions();
             OrtSession s = Ort.session(exposed.toByteArray(), external, modelFile, opt)) {
            long done = 0;
            long all = data.examples();
            for (int i = 0; i < feeds.size(); i++) {
                if (Thread.interrupted()) throw new InterruptedException("cancelled");
                InputBatch b = data.batches().get(i);
                for (String in : fed) {
                    InputBatch.FloatInput f = b.floatInputs().get(in);
                    if (f == null) throw new EvaluationException("input '" + in + "' is not a float tensor; only float tensors are read");
                    sink.accept(b, in, f.data(), f.shape());
                }
                if (!computed.isEmpty()) {
                    try (OrtSession.Result r = s.run(feeds.get(i), new LinkedHashSet<>(computed))) {
                        for (String t : computed) {
                            OnnxTensor x = Ort.floatTensor(r, t);
                            sink.accept(b, t, Ort.floats(x), x.getInfo().getShape());
                        }
                    }
                }
                done += b.size();
                progress.update((double) done / all, String.format(Locale.ROOT, "Calibration: %,d of %,d examples", done, all));
            }
        } catch (OrtException e) {
            throw new EvaluationException("ONNX Runtime cannot run the model on the calibration inputs: " + Ort.oneLine(e), e);
        } finally {
            Ort.closeAll(feeds);
        }
    }
}
