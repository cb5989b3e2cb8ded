package sparsity.analysis.prune.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvalData;
import sparsity.analysis.evaluate.Evaluation;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.evaluate.Evaluator;
import sparsity.analysis.evaluate.RowLayout;
import sparsity.analysis.evaluate.TaskMetric;
import sparsity.analysis.graph.GraphSurgery;
import sparsity.analysis.prune.PrunableWeight;

/**
 * TEAL-style activation sparsity (ALGORITHMS.md, "Activation sparsity"): per input of a linear
 * layer (the tensor a MatMul or Gemm multiplies with a weight), a magnitude threshold t_p such
 * that a share p of that input's entries on the calibration data lies below it; the entries
 * below are zeroed in the graph itself, before the linear layers read them, so ONNX Runtime runs
 * the thresholded model:
 *
 * <pre>
 *   x --Abs--> |x| --Less(t_p)--> below --Where(below, 0, x)--> x_sparse --> MatMul/Gemm (the pruned layers only)
 * </pre>
 *
 * Other readers of x (a residual Add) keep the dense value. One threshold per tensor: layers that
 * read the same tensor (query, key and value projections) share it. With p = 0 the threshold is 0
 * and nothing changes. The curve is the task metric against the activation sparsity measured on
 * the evaluation data (zeros over all entries of the thresholded tensors, natural zeros of a ReLU
 * included). Thresholds come from the dense model's activations, as TEAL's do; in the
 * thresholded model a later input sees the already thresholded earlier layers, so its measured
 * sparsity can differ from p (on the MNIST MLP it is higher: the ReLUs leave more zeros), which
 * is why each point reports both the sparsity on the calibration sample and the measured one.
 */
public final class Teal {

    /** Rows of each linear input sampled for the thresholds (a seeded uniform sample). */
    public static final int DEFAULT_ROWS = 2048;

    /** Suffix of the thresholded copy of a tensor. */
    public static final String SPARSE_SUFFIX = "/teal_sparse";

    /**
     * Calibration: the magnitudes of each linear input, sorted, from a sample of its rows.
     *
     * @param sites     the linear inputs
     * @param sortedAbs per site, |a| of the sampled entries, ascending
     * @param rows      per site, the real rows seen
     */
    public record Calibration(List<LinearInputs.Site> sites, List<float[]> sortedAbs, long[] rows, String data) {

        /** The threshold of site {@code i} for a target sparsity p: the share p of the sample lies below it. */
        public float threshold(int i, double p) {
            return Teal.threshold(sortedAbs.get(i), p);
        }

        /** The share of site {@code i}'s sample zeroed by a threshold (|a| below it, or a natural zero). */
        public double sparsity(int i, float t) {
            float[] s = sortedAbs.get(i);
            if (s.length == 0) return 0;
            return (double) lowerBound(s, t > 0 ? t : Float.MIN_VALUE) / s.length;
        }
    }

    /**
     * One thresholded input at one level.
     *
     * @param tensor              the linear input
     * @param nodes               the layers that read its thresholded copy
     * @param threshold           t_p
     * @param calibrationSparsity share zeroed on the calibration sample
     * @param measuredSparsity    share zero on the evaluation data (real rows)
     */
    public record Layer(String tensor, List<String> nodes, float threshold, double calibrationSparsity, double measuredSparsity) {
    }

    /**
     * One point of the curve.
     *
     * @param target              p, the share asked for per input
     * @param value               the task metric
     * @param sparsity            zeros over all entries of the thresholded inputs, on the evaluation data
     * @param calibrationSparsity the same on the calibration sample
     */
    public record Point(double target, double value, double sparsity, double calibrationSparsity, double seconds, Evaluation evaluation,
                        List<Layer> layers) {
        public Point {
            layers = List.copyOf(layers);
        }
    }

    /** A TEAL curve. */
    public record Result(TaskMetric metric, Evaluation dense, List<Point> points, double seconds) {
        public Result {
            points = List.copyOf(points);
        }
    }

    private Teal() {
    }

    /**
     * Gathers the magnitudes of the inputs of the given weights' layers over calibration data.
     *
     * @param maxRows rows kept per input (a seeded uniform sample)
     * @throws EvaluationException when no given weight is read by a MatMul or Gemm, or the model cannot run on the data
     */
    public static Calibration calibrate(Path modelFile, ModelProto model, List<PrunableWeight> weights, EvalData data, int maxRows,
                                        long seed, ProgressListener progress) throws EvaluationException, InterruptedException {
        List<LinearInputs.Site> sites = LinearInputs.sites(model, weights.stream().map(PrunableWeight::name).toList());
        if (sites.isEmpty()) throw new EvaluationException("TEAL thresholds the inputs of MatMul and Gemm layers; the model has none with prunable weights");
        Map<String, LinearInputs.Stats> stats = LinearInputs.collect(modelFile, model, data, sites.stream().map(LinearInputs.Site::tensor).toList(),
                maxRows, seed, progress);
        List<float[]> sorted = new ArrayList<>();
        long[] rows = new long[sites.size()];
        for (int i = 0; i < sites.size(); i++) {
            LinearInputs.Stats s = stats.get(sites.get(i).tensor());
            float[] a = new float[s.sampleRows() * s.width()];
            for (int k = 0; k < a.length; k++) a[k] = Math.abs(s.sample()[k]);
            Arrays.sort(a);
            sorted.add(a);
            rows[i] = s.rows();
        }
        return new Calibration(sites, sorted, rows, data.description());
    }

    /** t_p of sorted magnitudes: 0 for p = 0 (nothing zeroed), +Inf for p = 1 (everything), else the value at rank round(p n). */
    public static float threshold(float[] sortedAbs, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("a target sparsity is in [0, 1], got " + p);
        int n = sortedAbs.length;
        int k = (int) Math.round(p * n);
        if (k <= 0 || n == 0) return 0f;
        if (k >= n) return Float.POSITIVE_INFINITY;
        return sortedAbs[k];
    }

    /**
     * The model with each site's tensor thresholded before its linear layers read it.
     *
     * @param thresholds per site tensor; sites without one are left alone
     * @throws IllegalArgumentException for a model older than opset 9 (no Where) or a non-float tensor
     */
    public static ModelProto sparsify(ModelProto model, List<LinearInputs.Site> sites, Map<String, Float> thresholds) {
        long opset = 0;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) opset = o.getVersion();
        }
        if (opset < 9) throw new IllegalArgumentException("thresholding activations needs opset 9 or later (Where); the model has opset " + opset);
        GraphProto g = model.getGraph();
        Map<String, Integer> types = new HashMap<>();
        for (LinearInputs.Site s : sites) types.put(s.tensor(), GraphSurgery.elementType(model, s.tensor()));
        Map<String, Set<String>> readers = new HashMap<>();
        for (LinearInputs.Site s : sites) {
            if (!thresholds.containsKey(s.tensor())) continue;
            int t = types.get(s.tensor());
            if (t != 0 && t != TensorProto.DataType.FLOAT_VALUE) {
                throw new IllegalArgumentException("tensor " + s.tensor() + " is not float32; only float activations are thresholded");
            }
            readers.put(s.tensor(), new HashSet<>(s.weights()));
        }
        GraphProto.Builder gb = g.toBuilder().clearNode();
        Set<String> inserted = new HashSet<>();
        for (NodeProto n : g.getNodeList()) {
            boolean linear = (n.getOpType().equals("MatMul") || n.getOpType().equals("Gemm")) && n.getInputCount() >= 2;
            String x = linear ? n.getInput(0) : null;
            if (x != null && readers.containsKey(x) && readers.get(x).contains(n.getInput(1))) {
                if (inserted.add(x)) {
                    String abs = x + "/teal_abs";
                    String below = x + "/teal_below";
                    String t = x + "/teal_threshold";
                    String zero = x + "/teal_zero";
                    gb.addInitializer(scalar(t, thresholds.get(x)));
                    gb.addInitializer(scalar(zero, 0f));
                    gb.addNode(NodeProto.newBuilder().setOpType("Abs").setName(x + "/TealAbs").addInput(x).addOutput(abs));
                    gb.addNode(NodeProto.newBuilder().setOpType("Less").setName(x + "/TealLess").addInput(abs).addInput(t).addOutput(below));
                    gb.addNode(NodeProto.newBuilder().setOpType("Where").setName(x + "/TealWhere").addInput(below).addInput(zero).addInput(x)
                            .addOutput(x + SPARSE_SUFFIX));
                }
                gb.addNode(n.toBuilder().setInput(0, x + SPARSE_SUFFIX));
            } else {
                gb.addNode(n);
            }
        }
        return model.toBuilder().setGraph(gb).build();
    }

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(v).build();
    }

    /**
     * The curve: for each target p, thresholds from the calibration, the thresholded model run
     * on the evaluator's data, its metric and its measured activation sparsity. Stops when the
     * thread is interrupted.
     */
    public static Result run(Evaluator ev, Calibration cal, List<Double> levels, Consumer<Point> listener, ProgressListener progress)
            throws EvaluationException, InterruptedException {
        Sweep.checkLevels(levels);
        long t0 = System.nanoTime();
        List<Point> points = new ArrayList<>();
        List<LinearInputs.Site> sites = cal.sites();
        List<String> sparse = sites.stream().map(s -> s.tensor() + SPARSE_SUFFIX).toList();
        for (int li = 0; li < levels.size(); li++) {
            if (Thread.interrupted()) throw new InterruptedException("TEAL cancelled");
            double p = levels.get(li);
            progress.update((double) li / levels.size(), String.format(Locale.ROOT, "TEAL at %s", Sweep.percent(p)));
            long s0 = System.nanoTime();
            Map<String, Float> th = new LinkedHashMap<>();
            for (int i = 0; i < sites.size(); i++) th.put(sites.get(i).tensor(), cal.threshold(i, p));
            ModelProto m = GraphSurgery.exposeOutputs(sparsify(ev.denseModel(), sites, th), sparse);
            Map<String, long[]> counts = new HashMap<>();
            Evaluation e = ev.evaluate(m.toByteArray(), sparse, (batch, tensor, values, shape) -> {
                RowLayout L = RowLayout.of(batch, shape);
                long[] c = counts.computeIfAbsent(tensor, k -> new long[2]);
                int w = L.width();
                for (int r = 0; r < L.rows(); r++) {
                    if (!L.real()[r]) continue;
                    for (int k = r * w; k < (r + 1) * w; k++) if (values[k] == 0f) c[0]++;
                    c[1] += w;
                }
            });
            List<Layer> layers = new ArrayList<>();
            long zeros = 0;
            long all = 0;
            double calZeros = 0;
            double calAll = 0;
            for (int i = 0; i < sites.size(); i++) {
                LinearInputs.Site s = sites.get(i);
                long[] c = counts.getOrDefault(s.tensor() + SPARSE_SUFFIX, new long[2]);
                float t = th.get(s.tensor());
                double cs = cal.sparsity(i, t);
                layers.add(new Layer(s.tensor(), s.nodes(), t, cs, c[1] == 0 ? Double.NaN : (double) c[0] / c[1]));
                zeros += c[0];
                all += c[1];
                calZeros += cs * cal.sortedAbs().get(i).length;
                calAll += cal.sortedAbs().get(i).length;
            }
            Point pt = new Point(p, e.value(), all == 0 ? Double.NaN : (double) zeros / all, calAll == 0 ? Double.NaN : calZeros / calAll,
                    (System.nanoTime() - s0) / 1e9, e, layers);
            points.add(pt);
            listener.accept(pt);
        }
        progress.update(1, "TEAL done");
        return new Result(ev.metric(), ev.dense(), points, (System.nanoTime() - t0) / 1e9);
    }

    /** Index of the first element >= v. */
    static int lowerBound(float[] s, float v) {
        int lo = 0;
        int hi = s.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (s[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
