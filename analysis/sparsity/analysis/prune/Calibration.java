package sparsity.analysis.prune;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.graph.GraphSurgery;
import sparsity.analysis.graph.ModelSessions;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

/**
 * What the data-aware pruning methods know of the calibration data: for the input X of every
 * prunable MatMul and Gemm (the activation entering the layer, [tokens, in]), the sum of squares
 * of each input feature (Wanda's ||X_j||^2, the channel and head scores) and, when asked for,
 * the Gram matrix X^T X (SparseGPT's Hessian up to a factor 2).
 *
 * <p>{@link #collect} runs the model once over the calibration batches under ONNX Runtime, with
 * the layer inputs exposed as extra outputs ({@link GraphSurgery#exposeOutputs}), and folds each
 * batch into the sums (the Gram matrices through the backend's gemm, a few thousand rows at a
 * time from a buffer of about 4 MB per layer input): only one batch of activations and those
 * buffers are ever held, never all tokens of all layers. Only real tokens count: positions
 * whose attention mask is 0 (padding) are left out. Every layer sees the inputs of the dense
 * model (one pass; not the sequential variant that re-runs the data through the pruned layers).
 *
 * <p>Conv weights get no statistics (their input would have to be unrolled into patches, im2col,
 * which this version does not do), nor does a Gemm that transposes its input (transA = 1);
 * {@link #whyNot} says so, and the data-aware methods leave such layers dense.
 */
public final class Calibration {

    /**
     * The statistics of one layer input.
     *
     * @param tensor     the activation tensor(s) the layer reads ("a + b" for a weight shared by
     *                   several nodes, whose statistics are summed)
     * @param width      input features (the layer's {@code in})
     * @param rows       tokens (or examples) seen
     * @param sumSquares per feature, the sum of x_j^2 over the rows
     * @param gram       X^T X [width, width] row-major, or null when only the sums were collected
     * @param padded     true when the tensor's rows could not be matched to token positions, so
     *                   padding (if any) was counted too
     */
    public record LayerInput(String tensor, int width, long rows, double[] sumSquares, float[] gram, boolean padded) {

        /** ||X_j||_2 of every input feature (Wanda's input norms). */
        public float[] norms() {
            float[] n = new float[width];
            for (int i = 0; i < width; i++) n[i] = (float) Math.sqrt(sumSquares[i]);
            return n;
        }

        public boolean hasGram() {
            return gram != null;
        }
    }

    private final String description;
    private final long examples;
    private final long tokens;
    private final boolean gram;
    private final Map<String, LayerInput> byWeight;
    private final Map<String, String> whyNot;
    private final double onnxSeconds;
    private final double foldSeconds;

    /** Floats of layer inputs buffered per tensor before they are folded into X^T X. */
    static final int BUFFER_FLOATS = 1 << 20;

    private Calibration(String description, long examples, long tokens, boolean gram, Map<String, LayerInput> byWeight,
                        Map<String, String> whyNot, double onnxSeconds, double foldSeconds) {
        this.onnxSeconds = onnxSeconds;
        this.foldSeconds = foldSeconds;
        this.description = description;
        this.examples = examples;
        this.tokens = tokens;
        this.gram = gram;
        this.byWeight = Map.copyOf(byWeight);
        this.whyNot = Map.copyOf(whyNot);
    }

    /** The calibration data in words (e.g. "512 texts from corpus/sentences.txt"). */
    public String description() {
        return description;
    }

    /** Examples run. */
    public long examples() {
        return examples;
    }

    /** Real tokens seen (examples, for models without a sequence axis). */
    public long tokens() {
        return tokens;
    }

    /** True when the Gram matrices were collected (SparseGPT needs them). */
    public boolean hasGram() {
        return gram;
    }

    /** Seconds spent running the model under ONNX Runtime (0 for a calibration made elsewhere). */
    public double onnxSeconds() {
        return onnxSeconds;
    }

    /** Seconds spent folding the layer inputs into the sums and Gram matrices. */
    public double foldSeconds() {
        return foldSeconds;
    }

    /** The input statistics of a weight, by its tensor name. */
    public Optional<LayerInput> input(String weightName) {
        return Optional.ofNullable(byWeight.get(weightName));
    }

    /** Why a weight has no statistics ("" when it has them or is unknown). */
    public String whyNot(String weightName) {
        return whyNot.getOrDefault(weightName, byWeight.containsKey(weightName) ? "" : "not a prunable weight of the calibrated model");
    }

    /** A calibration from statistics computed elsewhere (tests, a saved calibration). */
    public static Calibration of(String description, long examples, long tokens, Map<String, LayerInput> byWeight) {
        boolean g = !byWeight.isEmpty() && byWeight.values().stream().allMatch(LayerInput::hasGram);
        return new Calibration(description, examples, tokens, g, byWeight, Map.of(), 0, 0);
    }

    /**
     * The activation tensors each weight multiplies: weight name to the tensor names (several for
     * a weight shared by several nodes). Weights that get none are in {@code whyNot}.
     */
    static Map<String, List<String>> layerInputs(ModelProto model, List<PrunableWeight> weights, Map<String, String> whyNot) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        for (PrunableWeight w : weights) names.add(w.name());
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (n.getInputCount() < 2 || !names.contains(n.getInput(1))) continue;
            String w = n.getInput(1);
            switch (n.getOpType()) {
                case "MatMul" -> out.computeIfAbsent(w, k -> new ArrayList<>()).add(n.getInput(0));
                case "Gemm" -> {
                    if (intAttr(n, "transA") == 1) {
                        whyNot.put(w, "Gemm " + n.getName() + " transposes its input (transA = 1); not supported for data-aware methods");
                    } else {
                        out.computeIfAbsent(w, k -> new ArrayList<>()).add(n.getInput(0));
                    }
                }
                case "Conv" -> whyNot.put(w, "Conv inputs would have to be unrolled into patches (im2col), which this version "
                        + "does not do; data-aware methods leave Conv layers dense");
                default -> whyNot.put(w, n.getOpType() + " weights have no calibration statistics");
            }
        }
        for (String w : whyNot.keySet()) out.remove(w);
        return out;
    }

    /** {@link #collect(ModelProto, Path, List, String, boolean, Backend, ProgressListener)} on the fastest CPU backend. */
    public static Calibration collect(ModelProto model, Path modelFile, List<InputBatch> batches, String description, boolean gram,
                                      ProgressListener progress) throws CalibrationException, InterruptedException {
        try (Backend be = sparsity.kernels.Backends.cpu()) {
            return collect(model, modelFile, batches, description, gram, be, progress);
        }
    }

    /**
     * Runs the model over the calibration batches and accumulates the statistics of every
     * supported prunable weight's input.
     *
     * @param model       the model (as read from {@code modelFile})
     * @param modelFile   its file (for weights kept in external data files)
     * @param batches     the calibration inputs, e.g. {@code InputSources.prepare(...).batches()}
     * @param description the calibration data in words, kept in the masks' provenance
     * @param gram        also accumulate X^T X (needed by SparseGPT; in^2 floats per layer)
     * @param be          the backend for the Gram products
     * @throws CalibrationException  for inputs that do not fit, ONNX Runtime errors, NaN/Inf
     * @throws InterruptedException  when the thread is interrupted (between batches)
     */
    public static Calibration collect(ModelProto model, Path modelFile, List<InputBatch> batches, String description, boolean gram,
                                      Backend be, ProgressListener progress) throws CalibrationException, InterruptedException {
        if (batches.isEmpty()) throw new CalibrationException("there are no calibration inputs");
        List<PrunableWeight> weights = PrunedModels.supported(model);
        Map<String, String> whyNot = new LinkedHashMap<>();
        Map<String, List<String>> inputsOf = layerInputs(model, weights, whyNot);
        Map<String, Integer> width = new HashMap<>();
        for (PrunableWeight w : weights) width.put(w.name(), w.in());
        // one accumulator per distinct activation tensor (Q, K and V read the same one)
        Map<String, Integer> tensorWidth = new LinkedHashMap<>();
        for (var e : inputsOf.entrySet()) {
            for (String t : e.getValue()) {
                Integer prev = tensorWidth.putIfAbsent(t, width.get(e.getKey()));
                if (prev != null && prev.intValue() != width.get(e.getKey())) {
                    throw new CalibrationException("tensor '" + t + "' feeds layers of different widths");
                }
            }
        }
        if (tensorWidth.isEmpty()) throw new CalibrationException("the model has no MatMul or Gemm weights to calibrate");
        Set<String> graphInputs = new HashSet<>(GraphSurgery.inputNames(model));
        List<String> exposed = tensorWidth.keySet().stream().filter(t -> !graphInputs.contains(t)).toList();
        Map<String, Accumulator> acc = new LinkedHashMap<>();
        long examples = 0;
        long tokens = 0;
        long onnxNanos = 0;
        long foldNanos = 0;
        long start = System.nanoTime();
        try (MemoryScope scope = MemoryScope.open();
             OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = ModelSessions.open(GraphSurgery.exposeOutputs(model, exposed), modelFile, options)) {
            for (var e : tensorWidth.entrySet()) {
                acc.put(e.getKey(), new Accumulator(e.getKey(), e.getValue(), gram ? scope.floats(e.getValue(), e.getValue()) : null, scope));
            }
            List<String> modelInputs = GraphSurgery.inputNames(model);
            for (int bi = 0; bi < batches.size(); bi++) {
                if (Thread.interrupted()) throw new InterruptedException("calibration cancelled after " + examples + " examples");
                InputBatch b = batches.get(bi);
                Map<String, float[]> values = new HashMap<>();
                Map<String, long[]> shapes = new HashMap<>();
                long running = System.nanoTime();
                run(session, modelInputs, exposed, b, values, shapes);
                for (String t : tensorWidth.keySet()) {
                    if (graphInputs.contains(t)) {
                        InputBatch.FloatInput fi = b.floatInputs().get(t);
                        if (fi == null) throw new CalibrationException("input '" + t + "' is not a float input of the batches");
                        values.put(t, fi.data());
                        shapes.put(t, fi.shape());
                    }
                }
                boolean[][] real = b.realMask();
                long batchTokens = 0;
                for (int i = 0; i < b.size(); i++) for (boolean r : real[i]) if (r) batchTokens++;
                tokens += b.isText() ? batchTokens : b.size();
                examples += b.size();
                long folding = System.nanoTime();
                onnxNanos += folding - running;
                for (Accumulator a : acc.values()) a.add(values.get(a.tensor), shapes.get(a.tensor), b, real, be);
                foldNanos += System.nanoTime() - folding;
                double secs = (System.nanoTime() - start) / 1e9;
                progress.update((bi + 1.0) / batches.size(), String.format(Locale.ROOT, "Calibrating: %,d examples, %,d tokens, %.1f s",
                        examples, tokens, secs));
            }
            long folding = System.nanoTime();
            for (Accumulator a : acc.values()) if (a.gram != null) a.flush(be);
            foldNanos += System.nanoTime() - folding;
            Map<String, LayerInput> byTensor = new HashMap<>();
            for (Accumulator a : acc.values()) byTensor.put(a.tensor, a.result()); // Q, K and V share one
            Map<String, LayerInput> byWeight = new LinkedHashMap<>();
            for (var e : inputsOf.entrySet()) {
                List<LayerInput> parts = new ArrayList<>();
                for (String t : e.getValue()) parts.add(byTensor.get(t));
                byWeight.put(e.getKey(), parts.size() == 1 ? parts.getFirst() : sum(parts));
            }
            return new Calibration(description, examples, tokens, gram, byWeight, whyNot, onnxNanos / 1e9, foldNanos / 1e9);
        } catch (OrtException e) {
            String m = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").replaceFirst("^Error code - \\w+ - message: ", "");
            throw new CalibrationException("ONNX Runtime failed on the calibration inputs: " + m, e);
        }
    }

    private static LayerInput sum(List<LayerInput> parts) {
        LayerInput f = parts.getFirst();
        double[] sq = new double[f.width()];
        float[] g = f.hasGram() ? new float[f.gram().length] : null;
        long rows = 0;
        boolean padded = false;
        List<String> names = new ArrayList<>();
        for (LayerInput p : parts) {
            for (int i = 0; i < sq.length; i++) sq[i] += p.sumSquares()[i];
            if (g != null) for (int i = 0; i < g.length; i++) g[i] += p.gram()[i];
            rows += p.rows();
            padded |= p.padded();
            names.add(p.tensor());
        }
        return new LayerInput(String.join(" + ", names), f.width(), rows, sq, g, padded);
    }

    /** The running sums of one activation tensor. */
    private static final class Accumulator {
        final String tensor;
        final int width;
        final FloatMatrix gram;
        final FloatMatrix buffer;
        final double[] sumSquares;
        long rows;
        int buffered;
        boolean padded;

        Accumulator(String tensor, int width, FloatMatrix gram, MemoryScope scope) {
            this.tensor = tensor;
            this.width = width;
            this.gram = gram;
            this.buffer = gram == null ? null : scope.floats(Math.max(64, BUFFER_FLOATS / width), width);
            this.sumSquares = new double[width];
        }

        void add(float[] v, long[] shape, InputBatch b, boolean[][] real, Backend be) throws CalibrationException {
            if (v == null) throw new CalibrationException("no values for '" + tensor + "'");
            if (shape.length == 0 || shape[shape.length - 1] != width) {
                throw new CalibrationException("tensor '" + tensor + "' has shape " + java.util.Arrays.toString(shape)
                        + "; its last axis should be the layer's " + width + " input features");
            }
            int all = v.length / width;
            int seq = b.seqLength();
            boolean tokenRows = b.isText() && b.maskInput() != null && seq > 0
                    && (shape.length == 3 && shape[0] == b.size() && shape[1] == seq
                    || shape.length == 2 && shape[0] == (long) b.size() * seq);
            int n = 0;
            int[] pick = new int[all];
            for (int r = 0; r < all; r++) {
                if (tokenRows && !real[r / seq][r % seq]) continue;
                pick[n++] = r;
            }
            if (b.isText() && b.maskInput() != null && !tokenRows) padded = true;
            float[] x = new float[n * width];
            for (int i = 0; i < n; i++) {
                int off = pick[i] * width;
                for (int j = 0; j < width; j++) {
                    float f = v[off + j];
                    if (!Float.isFinite(f)) {
                        throw new CalibrationException("tensor '" + tensor + "' holds " + f + " (row " + pick[i] + " of this batch)");
                    }
                    x[i * width + j] = f;
                    sumSquares[j] += (double) f * f;
                }
            }
            rows += n;
            if (gram == null || n == 0) return;
            // rows wait in a buffer of about 4 MB, so that each X^T X product is large enough to run fast
            for (int i = 0; i < n; ) {
                int take = Math.min(n - i, buffer.rows() - buffered);
                java.lang.foreign.MemorySegment.copy(x, i * width, buffer.segment(), java.lang.foreign.ValueLayout.JAVA_FLOAT,
                        buffer.byteOffset(buffered, 0), take * width);
                buffered += take;
                i += take;
                if (buffered == buffer.rows()) flush(be);
            }
        }

        void flush(Backend be) {
            if (buffered == 0) return;
            FloatMatrix xm = buffer.rowRange(0, buffered);
            be.gemm(true, false, 1f, xm, xm, 1f, gram);
            buffered = 0;
        }

        LayerInput result() {
            return new LayerInput(tensor, width, rows, sumSquares.clone(), gram == null ? null : gram.toArray(), padded);
        }
    }

    /** Runs one batch and fills the exposed tensors' values and shapes. */
    private static void run(OrtSession session, List<String> modelInputs, List<String> exposed, InputBatch b, Map<String, float[]> values,
                            Map<String, long[]> shapes) throws OrtException, CalibrationException {
        Set<String> given = new LinkedHashSet<>(b.longInputs().keySet());
        given.addAll(b.floatInputs().keySet());
        for (String in : modelInputs) {
            if (!given.contains(in)) throw new CalibrationException("the model needs input '" + in + "', which the calibration inputs do not give");
        }
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            for (var e : b.longInputs().entrySet()) {
                if (!modelInputs.contains(e.getKey())) continue;
                long[][] v = e.getValue();
                LongBuffer buf = LongBuffer.allocate(v.length * v[0].length);
                for (long[] row : v) buf.put(row);
                feed.put(e.getKey(), OnnxTensor.createTensor(env, buf.flip(), new long[] {v.length, v[0].length}));
            }
            for (var e : b.floatInputs().entrySet()) {
                if (!modelInputs.contains(e.getKey())) continue;
                feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()), e.getValue().shape()));
            }
            if (exposed.isEmpty()) return;
            try (OrtSession.Result r = session.run(feed, new LinkedHashSet<>(exposed))) {
                for (String name : exposed) {
                    OnnxValue v = r.get(name).orElseThrow();
                    if (!(v instanceof OnnxTensor t)) throw new CalibrationException("'" + name + "' is not a tensor");
                    TensorInfo info = t.getInfo();
                    if (info.type != OnnxJavaType.FLOAT) {
                        throw new CalibrationException("layer input '" + name + "' holds " + info.type.toString().toLowerCase(Locale.ROOT)
                                + " values; calibration reads float32 activations");
                    }
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] a = new float[fb.remaining()];
                    fb.get(a);
                    values.put(name, a);
                    shapes.put(name, info.getShape());
                }
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static long intAttr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return 0;
    }
}
