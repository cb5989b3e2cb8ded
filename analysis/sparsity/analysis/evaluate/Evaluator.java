package sparsity.analysis.evaluate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.graph.GraphSurgery;

/**
 * Measures changed versions of one model against the dense model on fixed evaluation data. The
 * dense model runs once when the evaluator opens and its outputs are kept; each changed model
 * (pruned weights, thresholded activations) goes to ONNX Runtime as the bytes of its ONNX file,
 * so what is measured is what an exported model computes, and its output is compared with the
 * dense output batch by batch ({@link TaskMetric}).
 *
 * <pre>{@code
 * try (Evaluator ev = Evaluator.open(file, dense, EvalData.forSample(SampleModels.MNIST_MLP, 0, 256), null, null)) {
 *     double dense = ev.dense().value();                       // 0.9745 on the MNIST sample
 *     double pruned = ev.evaluate(prunedModel).value();
 * }
 * }</pre>
 *
 * One thread uses an instance; it stops between batches when its thread is interrupted.
 */
public final class Evaluator implements AutoCloseable {

    /** Receives extra tensors of a changed model (see {@link #evaluate(byte[], List, TensorSink)}), batch by batch. */
    @FunctionalInterface
    public interface TensorSink {
        void accept(InputBatch batch, String tensor, float[] values, long[] shape);
    }

    private final Path modelFile;
    private final ModelProto dense;
    private final boolean externalData;
    private final EvalData data;
    private final String output;
    private final TaskMetric metric;
    private final List<Map<String, OnnxTensor>> feeds;
    private final List<float[]> denseOut = new ArrayList<>();
    private final List<long[]> denseShape = new ArrayList<>();
    private OutputKind kind;
    private Evaluation denseEval;

    private Evaluator(Path modelFile, ModelProto dense, EvalData data, String output, TaskMetric metric,
                      List<Map<String, OnnxTensor>> feeds) {
        this.modelFile = modelFile;
        this.dense = dense;
        this.externalData = dense.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
        this.data = data;
        this.output = output;
        this.metric = metric;
        this.feeds = feeds;
    }

    /**
     * Runs the dense model on the data and keeps its outputs.
     *
     * @param modelFile where the model was read from (its folder holds any external data)
     * @param metric    the metric to report, or null for the default: accuracy with labels, top-1
     *                  agreement for logits or probabilities, cosine for anything else
     * @param output    the model output to score, or null for the first float output
     * @throws EvaluationException inputs that do not fit the model, a metric that does not apply to
     *                             the output (accuracy without labels, KL of an embedding), labels out of range
     */
    public static Evaluator open(Path modelFile, ModelProto dense, EvalData data, TaskMetric metric, String output)
            throws EvaluationException, InterruptedException {
        String out = chooseOutput(dense, output);
        List<Map<String, OnnxTensor>> feeds = Ort.feeds(dense, data);
        Evaluator ev = new Evaluator(modelFile, dense, data, out, metric, feeds);
        try {
            ev.runDense(metric);
            return ev;
        } catch (EvaluationException | InterruptedException | RuntimeException e) {
            ev.close();
            throw e;
        }
    }

    private static String chooseOutput(ModelProto model, String output) throws EvaluationException {
        List<String> outs = GraphSurgery.outputNames(model);
        if (output != null) {
            if (!outs.contains(output)) throw new EvaluationException("the model has no output '" + output + "' (its outputs: " + outs + ")");
            return output;
        }
        for (ValueInfoProto v : model.getGraph().getOutputList()) {
            if (v.getType().getTensorType().getElemType() == TensorProto.DataType.FLOAT_VALUE) return v.getName();
        }
        throw new EvaluationException("the model has no float output to score (its outputs: " + outs + ")");
    }

    private void runDense(TaskMetric asked) throws EvaluationException, InterruptedException {
        kind = OutputKind.of(dense, output);
        long t0 = System.nanoTime();
        try (OrtSession.SessionOptions opt = new OrtSession.SessionOptions(); OrtSession s = session(dense.toByteArray(), opt)) {
            long t1 = System.nanoTime();
            for (int i = 0; i < data.batches().size(); i++) {
                if (Thread.interrupted()) throw new InterruptedException("evaluation cancelled");
                try (OrtSession.Result r = s.run(feeds.get(i), Set.of(output))) {
                    OnnxTensor t = Ort.floatTensor(r, output);
                    long[] shape = t.getInfo().getShape();
                    if (shape.length < 1) throw new EvaluationException("output '" + output + "' is a scalar; there is nothing to compare");
                    denseShape.add(shape);
                    denseOut.add(Ort.floats(t));
                }
            }
            RowLayout first = RowLayout.of(data.batches().getFirst(), denseShape.getFirst());
            if (data.labels() != null && first.examples() && kind == OutputKind.EMBEDDING && first.width() > 1) kind = OutputKind.LOGITS;
            TaskMetric m = asked != null ? asked : data.labels() != null ? TaskMetric.ACCURACY
                    : kind.isDistribution() ? TaskMetric.TOP1 : TaskMetric.COSINE;
            check(m, first);
            long t2 = System.nanoTime();
            denseEval = score(m, denseOut, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        } catch (OrtException e) {
            throw new EvaluationException("ONNX Runtime cannot run " + modelFile.getFileName() + " on the inputs: " + Ort.oneLine(e), e);
        }
    }

    private void check(TaskMetric m, RowLayout first) throws EvaluationException {
        switch (m) {
            case ACCURACY -> {
                if (data.labels() == null) {
                    throw new EvaluationException("accuracy needs one class label per example (an .npy of integers); "
                            + "without labels pick cosine, kl or top1");
                }
                if (!first.examples()) {
                    throw new EvaluationException("accuracy needs a per-example output [batch, classes]; output '" + output + "' has shape "
                            + Arrays.toString(denseShape.getFirst()) + "; pick cosine, kl or top1");
                }
                for (int i = 0; i < data.labels().length; i++) {
                    long y = data.labels()[i];
                    if (y < 0 || y >= first.width()) {
                        throw new EvaluationException("label " + y + " of example " + i + " is not a class of output '" + output + "' ("
                                + first.width() + " classes)");
                    }
                }
            }
            case KL, TOP1 -> {
                if (!kind.isDistribution()) {
                    throw new EvaluationException(m.id() + " compares distributions, but output '" + output + "' holds embeddings "
                            + "(not logits or probabilities); pick cosine");
                }
            }
            case COSINE -> { }
        }
    }

    /** The metric reported. */
    public TaskMetric metric() {
        return denseEval.metric();
    }

    /** The output scored. */
    public String output() {
        return output;
    }

    /** What the scored output holds. */
    public OutputKind kind() {
        return kind;
    }

    public EvalData data() {
        return data;
    }

    /** The dense model. */
    public ModelProto denseModel() {
        return dense;
    }

    /** The file the dense model was read from. */
    public Path modelFile() {
        return modelFile;
    }

    /** The dense model against itself: its accuracy; cosine and top-1 1, KL 0. */
    public Evaluation dense() {
        return denseEval;
    }

    /** A changed model, exported to bytes and run by ONNX Runtime. */
    public Evaluation evaluate(ModelProto candidate) throws EvaluationException, InterruptedException {
        return evaluate(candidate.toByteArray(), List.of(), null);
    }

    /** A changed model given as the bytes of an ONNX file. */
    public Evaluation evaluate(byte[] onnx) throws EvaluationException, InterruptedException {
        return evaluate(onnx, List.of(), null);
    }

    /**
     * A changed model given as the bytes of an ONNX file; the float tensors named in {@code extra}
     * (graph outputs of that model) are handed to {@code sink} batch by batch.
     *
     * @throws EvaluationException when ONNX Runtime cannot load or run the model, or its output
     *                             has another shape than the dense one
     */
    public Evaluation evaluate(byte[] onnx, List<String> extra, TensorSink sink) throws EvaluationException, InterruptedException {
        long t0 = System.nanoTime();
        List<float[]> outs = new ArrayList<>(denseOut.size());
        Set<String> wanted = new LinkedHashSet<>();
        wanted.add(output);
        wanted.addAll(extra);
        double metricSeconds = 0;
        long t1;
        try (OrtSession.SessionOptions opt = new OrtSession.SessionOptions(); OrtSession s = session(onnx, opt)) {
            t1 = System.nanoTime();
            for (int i = 0; i < data.batches().size(); i++) {
                if (Thread.interrupted()) throw new InterruptedException("evaluation cancelled");
                try (OrtSession.Result r = s.run(feeds.get(i), wanted)) {
                    OnnxTensor t = Ort.floatTensor(r, output);
                    long[] shape = t.getInfo().getShape();
                    if (!Arrays.equals(shape, denseShape.get(i))) {
                        throw new EvaluationException("output '" + output + "' of the changed model has shape " + Arrays.toString(shape)
                                + ", the dense model's " + Arrays.toString(denseShape.get(i)));
                    }
                    outs.add(Ort.floats(t));
                    if (sink != null) {
                        long m0 = System.nanoTime();
                        for (String x : extra) {
                            OnnxTensor xt = Ort.floatTensor(r, x);
                            sink.accept(data.batches().get(i), x, Ort.floats(xt), xt.getInfo().getShape());
                        }
                        metricSeconds += (System.nanoTime() - m0) / 1e9;
                    }
                }
            }
        } catch (OrtException e) {
            throw new EvaluationException("ONNX Runtime cannot run the changed model: " + Ort.oneLine(e), e);
        }
        long t2 = System.nanoTime();
        Evaluation e = score(denseEval.metric(), outs, (t1 - t0) / 1e9, (t2 - t1) / 1e9 - metricSeconds);
        return new Evaluation(e.metric(), e.value(), e.examples(), e.rows(), e.accuracy(), e.correct(), e.cosine(), e.tokenCosine(),
                e.kl(), e.top1(), e.sessionSeconds(), e.runSeconds(), e.metricSeconds() + metricSeconds);
    }

    private OrtSession session(byte[] onnx, OrtSession.SessionOptions opt) throws OrtException {
        return Ort.session(onnx, externalData, modelFile, opt);
    }

    /** Compares outputs (batch by batch) with the dense ones. */
    private Evaluation score(TaskMetric m, List<float[]> outs, double sessionSeconds, double runSeconds) {
        long t0 = System.nanoTime();
        boolean dist = kind.isDistribution();
        long rows = 0;
        double tokCos = 0;
        long pooledN = 0;
        double pooledCos = 0;
        double kl = 0;
        long top1 = 0;
        long labelled = 0;
        long correct = 0;
        long offset = 0;
        long[] labels = data.labels();
        boolean tokenLevel = false;
        for (int i = 0; i < outs.size(); i++) {
            InputBatch b = data.batches().get(i);
            float[] d = denseOut.get(i);
            float[] c = outs.get(i);
            RowLayout L = RowLayout.of(b, denseShape.get(i));
            tokenLevel = L.tokens();
            int w = L.width();
            double[] ld = new double[w];
            double[] lc = new double[w];
            for (int r = 0; r < L.rows(); r++) {
                if (!L.real()[r]) continue;
                int o = r * w;
                rows++;
                tokCos += RowMath.rowCosine(d, c, o, w);
                if (!dist) continue;
                RowMath.logSoftmax(d, o, w, kind == OutputKind.PROBABILITIES, ld);
                RowMath.logSoftmax(c, o, w, kind == OutputKind.PROBABILITIES, lc);
                kl += RowMath.kl(ld, lc);
                int ad = RowMath.argmax(ld);
                int ac = RowMath.argmax(lc);
                if (ad == ac) top1++;
                if (labels != null && L.examples()) {
                    labelled++;
                    if (ac == labels[(int) (offset + r)]) correct++;
                }
            }
            if (L.tokens()) {
                double[] md = new double[w];
                double[] mc = new double[w];
                for (int e = 0; e < b.size(); e++) {
                    Arrays.fill(md, 0);
                    Arrays.fill(mc, 0);
                    int n = 0;
                    for (int p = 0; p < L.seq(); p++) {
                        int r = e * L.seq() + p;
                        if (!L.real()[r]) continue;
                        n++;
                        for (int k = 0; k < w; k++) {
                            md[k] += d[r * w + k];
                            mc[k] += c[r * w + k];
                        }
                    }
                    if (n == 0) continue;
                    pooledN++;
                    pooledCos += RowMath.cosine(md, mc);
                }
            }
            offset += b.size();
        }
        double nan = Double.NaN;
        double accuracy = labelled > 0 ? (double) correct / labelled : nan;
        double tc = rows > 0 ? tokCos / rows : nan;
        double cos = tokenLevel ? (pooledN > 0 ? pooledCos / pooledN : nan) : tc;
        double klv = dist && rows > 0 ? kl / rows : nan;
        double t1v = dist && rows > 0 ? (double) top1 / rows : nan;
        double value = switch (m) {
            case ACCURACY -> accuracy;
            case COSINE -> cos;
            case KL -> klv;
            case TOP1 -> t1v;
        };
        return new Evaluation(m, value, offset, rows, accuracy, labelled > 0 ? correct : -1, cos, tc, klv, t1v, sessionSeconds, runSeconds,
                (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public void close() {
        Ort.closeAll(feeds);
    }
}
