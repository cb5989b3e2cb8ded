package sparsity.sae.eval;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.InputFeeds;
import sparsity.analysis.evaluate.OutputKind;
import sparsity.analysis.evaluate.RowLayout;
import sparsity.sae.eval.DownstreamSums.Out;
import sparsity.sae.eval.DownstreamSums.Reconstruction;
import sparsity.sae.eval.DownstreamSums.Scores;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.graph.GraphSurgery;
import sparsity.analysis.graph.ModelSessions;
import sparsity.analysis.graph.SplicedModel;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.model.SparseAutoencoder;

/**
 * The downstream effect of an autoencoder spliced into its model (ALGORITHMS.md, "Metrics"):
 * the model's prefix gives x at the tensor, the autoencoder reconstructs x_hat, and the rest of
 * the model ({@link SplicedModel}) runs three times, on x (clean), on x_hat (spliced) and on
 * zeros (zero ablation, the floor). Per model output that depends on the tensor:
 * <ul>
 *   <li>every output: mean cosine of the spliced (and zero-ablated) output rows to the clean
 *       ones; for a per-token embedding output also the cosine of the mean-pooled (over real
 *       tokens) example embeddings, as a sentence-embedding model pools;</li>
 *   <li>logits or probabilities ({@link OutputKind}): mean KL(clean || spliced) of the softmax
 *       over the last axis and top-1 agreement;</li>
 *   <li>a per-example classifier output with labels: accuracy clean, spliced, zero-ablated;</li>
 *   <li>per-token logits of a language model (token ids as input): next-token cross-entropy
 *       clean, spliced and zero-ablated, and CE loss recovered
 *       = (L_zero - L_spliced) / (L_zero - L_clean).</li>
 * </ul>
 * Only real tokens count: rows of a token-level tensor {@code [batch, seq, d]} at padding
 * (attention mask 0) are neither reconstructed nor ablated (they keep their clean value) nor
 * scored. The autoencoder sees the raw activations; an exported SAELens folder has any training
 * scale folded into its weights.
 *
 * <pre>{@code
 * try (Downstream ds = Downstream.open(model, "/relu1/Relu_output_0")) {
 *     Downstream.Result r = ds.evaluate(sae, batches, labels, ProgressListener.NONE);
 *     r.lines().forEach(System.out::println);
 * }
 * }</pre>
 *
 * One thread uses an instance; it stops between batches when its thread is interrupted.
 */
public final class Downstream implements AutoCloseable {

    /** Rows the autoencoder reconstructs at most at a time (a chunk is zero-padded to a multiple of 32 rows). */
    static final int CHUNK = 256;

    /** Rows x [rows x d] to reconstructions out [rows x d] (an autoencoder, a threshold ...). */
    @FunctionalInterface
    public interface Reconstructor {
        void reconstruct(FloatMatrix x, FloatMatrix out);
    }

    /**
     * One output run on a changed tensor compared with the clean run; NaN where a metric does not
     * apply.
     *
     * @param cosine        mean cosine of the output rows (tokens or examples) to the clean ones
     * @param pooledCosine  per-token embedding outputs: mean cosine of the mean-pooled examples
     * @param kl            distributions: mean KL(clean || this) in nats
     * @param top1Agreement distributions: share of rows whose argmax is the clean argmax
     */
    public record Comparison(double cosine, double pooledCosine, double kl, double top1Agreement) {
    }

    /** Correct examples (argmax = label) of a classifier output, clean, spliced and zero-ablated. */
    public record Accuracy(long examples, long clean, long spliced, long zeroAblation) {
        public double cleanAccuracy() {
            return (double) clean / examples;
        }

        public double splicedAccuracy() {
            return (double) spliced / examples;
        }

        public double zeroAblationAccuracy() {
            return (double) zeroAblation / examples;
        }
    }

    /** Mean next-token cross-entropy (nats) over {@code predictions} positions. */
    public record CrossEntropy(long predictions, double clean, double spliced, double zeroAblation) {
        /** (L_zero - L_spliced) / (L_zero - L_clean): 1 when splicing costs nothing, 0 as bad as zeros. */
        public double recovered() {
            return (zeroAblation - spliced) / (zeroAblation - clean);
        }
    }

    /**
     * The metrics of one output.
     *
     * @param tokenLevel   rows are tokens ({@code [batch, seq, C]}) rather than examples
     * @param rows         rows scored (real tokens or examples)
     * @param spliced      the spliced run against the clean one
     * @param zeroAblation the zero-ablated run against the clean one
     * @param accuracy     with labels, for a per-example distribution output; else null
     * @param crossEntropy for per-token logits of a model fed token ids; else null
     */
    public record OutputMetrics(String output, OutputKind kind, boolean tokenLevel, long rows, Comparison spliced,
                                Comparison zeroAblation, Accuracy accuracy, CrossEntropy crossEntropy) {
    }

    /**
     * A downstream evaluation.
     *
     * @param examples examples run
     * @param rows     rows of the tensor reconstructed (real tokens, or examples)
     * @param fvu      FVU of the reconstruction on those rows
     * @param cosine   mean cosine of x_hat to x on those rows
     * @param notes    what was skipped and why, in words
     */
    public record Result(Path model, String tensor, int inputDim, long examples, long rows, double fvu, double cosine,
                         List<OutputMetrics> outputs, List<String> notes, double seconds) {

        public Result {
            outputs = List.copyOf(outputs);
            notes = List.copyOf(notes);
        }

        /** The metrics of one output. */
        public Optional<OutputMetrics> output(String name) {
            return outputs.stream().filter(o -> o.output().equals(name)).findFirst();
        }

        /** The result in lines of text, as the command line prints it. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            out.add(String.format(Locale.ROOT, "downstream  %s spliced into %s: %,d examples, %,d rows reconstructed "
                    + "(FVU %.4f, cosine %.4f), %.1f s", tensor, model.getFileName(), examples, rows, fvu, cosine, seconds));
            for (OutputMetrics o : outputs) {
                Comparison s = o.spliced();
                Comparison z = o.zeroAblation();
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %s (%s, per %s, %,d rows): cosine %.4f (zero ablation %.4f)",
                        o.output(), o.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), o.tokenLevel() ? "token" : "example",
                        o.rows(), s.cosine(), z.cosine()));
                if (!Double.isNaN(s.pooledCosine())) {
                    sb.append(String.format(Locale.ROOT, ", mean-pooled cosine %.4f (zero ablation %.4f)", s.pooledCosine(), z.pooledCosine()));
                }
                if (o.kind().isDistribution()) {
                    sb.append(String.format(Locale.ROOT, ", KL %.4g (zero ablation %.4g), top-1 agreement %.2f%% (zero ablation %.2f%%)",
                            s.kl(), z.kl(), 100 * s.top1Agreement(), 100 * z.top1Agreement()));
                }
                out.add(sb.toString());
                Accuracy a = o.accuracy();
                if (a != null) {
                    out.add(String.format(Locale.ROOT, "    accuracy on %,d labelled examples: clean %.2f%% (%d), spliced %.2f%% (%d), zero ablation %.2f%% (%d)",
                            a.examples(), 100 * a.cleanAccuracy(), a.clean(), 100 * a.splicedAccuracy(), a.spliced(),
                            100 * a.zeroAblationAccuracy(), a.zeroAblation()));
                }
                CrossEntropy ce = o.crossEntropy();
                if (ce != null) {
                    out.add(String.format(Locale.ROOT, "    next-token CE over %,d positions: clean %.4f, spliced %.4f, zero ablation %.4f; "
                            + "CE loss recovered %.2f%%", ce.predictions(), ce.clean(), ce.spliced(), ce.zeroAblation(), 100 * ce.recovered()));
                }
            }
            for (String n : notes) out.add("  note: " + n);
            return out;
        }
    }

    private final Path modelFile;
    private final String tensor;
    private final List<String> modelInputs;
    private final Map<String, OutputKind> kinds;
    private final OrtSession.SessionOptions options;
    private final OrtSession prefix;
    private final SplicedModel tail;

    private Downstream(Path modelFile, String tensor, ModelProto model, SplicedModel tail) throws OrtException {
        this.modelFile = modelFile;
        this.tensor = tensor;
        this.modelInputs = GraphSurgery.inputNames(model);
        this.tail = tail;
        this.kinds = new LinkedHashMap<>();
        for (String o : tail.outputs()) kinds.put(o, OutputKind.of(model, o));
        this.options = new OrtSession.SessionOptions();
        try {
            this.prefix = ModelSessions.open(GraphSurgery.exposeOutputs(model, List.of(tensor)), modelFile, options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * Opens a model for splicing at {@code tensorName}: a session that exposes the tensor and the
     * tail that runs from it.
     *
     * @throws DownstreamException when the model cannot be read or run, has no such tensor, or
     *                             no output depends on the tensor
     */
    public static Downstream open(Path modelFile, String tensorName) throws DownstreamException {
        ModelProto model;
        try {
            model = OnnxModels.read(modelFile);
        } catch (ModelLoadException e) {
            throw new DownstreamException(e.getMessage(), e);
        }
        if (!GraphSurgery.tensorNames(model).contains(tensorName)) {
            String why = GraphSurgery.inputNames(model).contains(tensorName)
                    ? " ('" + tensorName + "' is an input of the model, not a tensor computed inside it)" : "";
            throw new DownstreamException(modelFile.getFileName() + " has no tensor named '" + tensorName + "'" + why
                    + "; `./workbench inspect MODEL --tensors` lists its tensors");
        }
        SplicedModel tail = null;
        try {
            tail = SplicedModel.open(modelFile, tensorName);
            return new Downstream(modelFile, tensorName, model, tail);
        } catch (IllegalArgumentException e) {
            if (tail != null) tail.close();
            throw new DownstreamException(modelFile.getFileName() + ": " + e.getMessage(), e);
        } catch (ModelLoadException e) {
            throw new DownstreamException(e.getMessage(), e);
        } catch (OrtException e) {
            if (tail != null) tail.close();
            throw new DownstreamException("ONNX Runtime cannot open " + modelFile.getFileName() + " cut at '" + tensorName + "': "
                    + oneLine(e), e);
        }
    }

    /** The spliced tensor. */
    public String tensor() {
        return tensor;
    }

    /** The model outputs that depend on the tensor, in model order. */
    public List<String> outputs() {
        return tail.outputs();
    }

    /** What an output holds, as read from the graph (its producing op and its name). */
    public OutputKind kind(String output) {
        OutputKind k = kinds.get(output);
        if (k == null) throw new IllegalArgumentException("no output '" + output + "' depends on '" + tensor + "'");
        return k;
    }

    /** Overrides what an output holds (e.g. class scores under a name that does not say logits). */
    public Downstream withKind(String output, OutputKind kind) {
        kind(output);
        kinds.put(output, kind);
        return this;
    }

    /** Evaluates an autoencoder (any architecture); see {@link #evaluate(int, Reconstructor, List, long[], ProgressListener)}. */
    public Result evaluate(SparseAutoencoder sae, List<InputBatch> batches, long[] labels, ProgressListener progress)
            throws DownstreamException, InterruptedException {
        return evaluate(sae.inputDim(), sae::reconstruct, batches, labels, progress);
    }

    /**
     * Runs the batches clean, spliced and zero-ablated and scores every output.
     *
     * @param inputDim the width of the rows the reconstructor takes (the tensor's last axis)
     * @param labels   one class per example, in batch order, or null
     * @throws DownstreamException  for a width that does not fit, inputs or labels that do not fit
     *                              the model, NaN/Inf in the tensor, the reconstruction or an output
     * @throws InterruptedException when the thread was interrupted
     */
    public Result evaluate(int inputDim, Reconstructor sae, List<InputBatch> batches, long[] labels, ProgressListener progress)
            throws DownstreamException, InterruptedException {
        if (batches.isEmpty()) throw new DownstreamException("there are no inputs to evaluate on");
        long examples = batches.stream().mapToLong(InputBatch::size).sum();
        if (labels != null && labels.length != examples) {
            throw new DownstreamException(labels.length + " labels for " + examples + " examples; give one label per example");
        }
        long t0 = System.nanoTime();
        Reconstruction rec = new Reconstruction(inputDim);
        Map<String, Scores> scores = new LinkedHashMap<>();
        for (String o : outputs()) scores.put(o, new Scores(o, kinds.get(o)));
        Set<String> notes = new LinkedHashSet<>();
        long offset = 0;
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = s.floats(CHUNK, inputDim);
            FloatMatrix xHat = s.floats(CHUNK, inputDim);
            for (int i = 0; i < batches.size(); i++) {
                if (Thread.interrupted()) throw new InterruptedException("downstream evaluation cancelled after " + offset + " examples");
                InputBatch b = batches.get(i);
                runBatch(b, offset, inputDim, sae, x, xHat, rec, scores, labels, notes);
                offset += b.size();
                progress.update((double) offset / examples, String.format(Locale.ROOT, "Downstream: %,d of %,d examples", offset, examples));
            }
        }
        List<OutputMetrics> metrics = new ArrayList<>();
        for (Scores sc : scores.values()) {
            if (sc.rows > 0) metrics.add(sc.result(notes));
        }
        return new Result(modelFile, tensor, inputDim, examples, rec.rows, rec.fvu(), rec.rows == 0 ? Double.NaN : rec.cos / rec.rows,
                metrics, new ArrayList<>(notes), (System.nanoTime() - t0) / 1e9);
    }

    private void runBatch(InputBatch b, long offset, int d, Reconstructor sae, FloatMatrix xm, FloatMatrix hm, Reconstruction rec,
                          Map<String, Scores> scores, long[] labels, Set<String> notes) throws DownstreamException {
        Map<String, OnnxTensor> feed = feed(b);
        try {
            float[] x;
            long[] shape;
            try (OrtSession.Result r = prefix.run(feed, Set.of(tensor))) {
                OnnxTensor t = floatTensor(r, tensor, "tensor");
                shape = t.getInfo().getShape();
                x = floats(t);
            }
            if (shape.length < 2 || shape[shape.length - 1] != d) {
                throw new DownstreamException("the autoencoder takes rows of " + d + ", but tensor '" + tensor + "' has shape "
                        + Arrays.toString(shape) + (shape.length < 2 ? "" : " (rows of " + shape[shape.length - 1] + ")"));
            }
            RowLayout rows = RowLayout.of(b, shape);
            checkFinite(x, rows, b, "tensor '" + tensor + "'", "");
            float[] spliced = x.clone();
            float[] zero = x.clone();
            int[] real = rows.realIndices();
            for (int c0 = 0; c0 < real.length; c0 += CHUNK) {
                int m = Math.min(CHUNK, real.length - c0);
                // a multiple of 32 rows, so that an autoencoder sees few distinct batch sizes
                int h = Math.min(CHUNK, (m + 31) / 32 * 32);
                FloatMatrix xs = xm.rowRange(0, h);
                FloatMatrix hs = hm.rowRange(0, h);
                for (int i = 0; i < m; i++) {
                    MemorySegment.copy(x, real[c0 + i] * d, xs.segment(), ValueLayout.JAVA_FLOAT, xs.byteOffset(i, 0), d);
                }
                if (m < h) xs.view(m, 0, h - m, d).fill(0f);
                sae.reconstruct(xs, hs);
                for (int i = 0; i < m; i++) hs.copyRow(i, spliced, real[c0 + i] * d);
            }
            for (int r : real) Arrays.fill(zero, r * d, (r + 1) * d, 0f);
            checkFinite(spliced, rows, b, "the reconstruction of '" + tensor + "'", "");
            rec.add(x, spliced, real, d);

            Map<String, OnnxTensor> others = new HashMap<>();
            for (String in : tail.otherInputs()) others.put(in, feed.get(in));
            Map<String, Out> clean = runTail(x, shape, others, b, "clean", notes);
            Map<String, Out> sp = runTail(spliced, shape, others, b, "spliced", notes);
            Map<String, Out> zr = runTail(zero, shape, others, b, "zero-ablated", notes);
            for (var e : clean.entrySet()) {
                scores.get(e.getKey()).add(b, offset, e.getValue(), sp.get(e.getKey()), zr.get(e.getKey()), labels, notes);
            }
        } catch (OrtException e) {
            throw new DownstreamException("ONNX Runtime failed on the inputs: " + oneLine(e), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private Map<String, Out> runTail(float[] value, long[] shape, Map<String, OnnxTensor> others, InputBatch b, String what,
                                     Set<String> notes) throws OrtException, DownstreamException {
        Map<String, Out> out = new LinkedHashMap<>();
        try (OrtSession.Result r = tail.run(value, shape, others)) {
            for (String o : outputs()) {
                OnnxValue v = r.get(o).orElseThrow();
                if (!(v instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
                    notes.add("output '" + o + "' is not a float tensor; not scored");
                    continue;
                }
                long[] s = t.getInfo().getShape();
                if (s.length < 2) {
                    notes.add("output '" + o + "' has shape " + Arrays.toString(s) + ", no rows to compare; not scored");
                    continue;
                }
                float[] f = floats(t);
                RowLayout rows = RowLayout.of(b, s);
                checkFinite(f, rows, b, "output '" + o + "'", " with the " + what + " tensor");
                out.put(o, new Out(f, s, rows));
            }
        }
        return out;
    }

    private Map<String, OnnxTensor> feed(InputBatch b) throws DownstreamException {
        String why = InputFeeds.mismatch(modelInputs, b);
        if (why != null) throw new DownstreamException(why);
        try {
            return InputFeeds.tensors(b);
        } catch (OrtException e) {
            throw new DownstreamException("cannot pass the inputs to ONNX Runtime: " + oneLine(e), e);
        }
    }

    private static OnnxTensor floatTensor(OrtSession.Result r, String name, String what) throws DownstreamException {
        OnnxValue v = r.get(name).orElseThrow();
        if (!(v instanceof OnnxTensor t)) throw new DownstreamException(what + " '" + name + "' is not a tensor");
        if (t.getInfo().type != OnnxJavaType.FLOAT) {
            throw new DownstreamException(what + " '" + name + "' holds " + t.getInfo().type.toString().toLowerCase(Locale.ROOT)
                    + " values; an autoencoder is spliced into a float32 tensor");
        }
        return t;
    }

    private static float[] floats(OnnxTensor t) {
        FloatBuffer fb = t.getFloatBuffer();
        float[] f = new float[fb.remaining()];
        fb.get(f);
        return f;
    }

    private static void checkFinite(float[] v, RowLayout rows, InputBatch b, String what, String when) throws DownstreamException {
        int w = rows.width();
        for (int r = 0; r < rows.rows(); r++) {
            if (!rows.real()[r]) continue;
            for (int c = 0; c < w; c++) {
                float f = v[r * w + c];
                if (!Float.isFinite(f)) {
                    int e = rows.tokens() ? r / rows.seq() : rows.examples() ? r : -1;
                    String where = e < 0 ? "row " + r : "example " + e + (b.names().get(e) == null ? "" : " (" + abbreviate(b.names().get(e)) + ")")
                            + (rows.tokens() ? ", position " + r % rows.seq() : "");
                    throw new DownstreamException(what + " holds " + (Float.isNaN(f) ? "NaN" : "Inf") + when + " at " + where
                            + " of the batch");
                }
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String oneLine(Exception e) {
        return String.valueOf(e.getMessage()).replaceAll("\\s+", " ").replaceFirst("^Error code - \\w+ - message: ", "");
    }

    /**
     * The batches of an input as capture takes it: a text file (one text per line; through the
     * model's tokenizer: {@code tokenizer}, or a tokenizer.json beside the model), a folder of
     * images, or an .npy array (float rows, or int token ids).
     *
     * @param limit use only the first N texts (0: all)
     */
    public static InputSources.Prepared inputs(Path modelFile, Path input, Path tokenizer, int batchSize, int maxLength, int limit)
            throws DownstreamException, IOException, InterruptedException {
        try {
            ModelSummary summary = OnnxModels.summarize(modelFile, ProgressListener.NONE);
            InputSources.Source source = InputSources.of(input, summary);
            Tokenizer tok = null;
            if (source instanceof InputSources.Texts t) {
                if (limit > 0 && t.lines().size() > limit) source = new InputSources.Texts(t.lines().subList(0, limit), t.origin());
                Optional<Path> tf = tokenizer != null ? Optional.of(tokenizer) : InputSources.tokenizerBeside(modelFile);
                if (tf.isPresent()) tok = Tokenizers.load(tf.get());
            }
            return InputSources.prepare(summary, source, tok, batchSize, maxLength, ProgressListener.NONE);
        } catch (ModelLoadException | CaptureException e) {
            throw new DownstreamException(e.getMessage(), e);
        }
    }

    /** Class labels from an .npy file of integers, one per example ([N] or [N, 1]). */
    public static long[] labels(Path npy) throws IOException, DownstreamException {
        try (NpyArray a = Npy.read(npy)) {
            if (a.dtype().isFloat() || !(a.rank() == 1 || a.rank() == 2 && a.shape()[1] == 1)) {
                throw new DownstreamException(npy + ": labels are integers [examples], not " + a.describe());
            }
            return a.toLongArray();
        }
    }

    @Override
    public void close() {
        try {
            prefix.close();
        } catch (OrtException ignored) {
            // closing only frees memory
        } finally {
            options.close();
            tail.close();
        }
    }
}
