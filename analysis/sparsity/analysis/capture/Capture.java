package sparsity.analysis.capture;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.graph.AttentionFinder;
import sparsity.analysis.graph.GraphSurgery;
import sparsity.analysis.graph.ModelSessions;
import sparsity.analysis.graph.TensorPattern;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.store.StoreHeader;
import sparsity.analysis.store.StoreWriter;
import sparsity.analysis.store.TensorLayout;

/**
 * Captures activations and attention maps: runs the model, with the chosen tensors exposed as
 * extra outputs ({@link GraphSurgery#exposeOutputs}), batch by batch under ONNX Runtime and
 * writes the rows to an activation store (padding left out), committing every few seconds.
 *
 * <pre>{@code
 * try (Capture c = Capture.open(spec)) {
 *     CapturePlan plan = c.plan(firstBatch, InputStats.of(batches));   // sizes, shown first
 *     CaptureResult r = c.run(batches.iterator(), progress);
 * }
 * }</pre>
 *
 * Stops between batches when its thread is interrupted ({@link InterruptedException}; the store
 * keeps every whole batch and stays incomplete, so {@link #resume} can continue it). A NaN/Inf,
 * an input that does not fit, or an ONNX Runtime error ends it with {@link CaptureException} and
 * an incomplete store that records why. One thread runs a capture.
 */
public final class Capture implements AutoCloseable {

    /** Seconds between commits of the store. */
    static final double COMMIT_SECONDS = 2.0;

    private final CaptureSpec spec;
    private final Path modelFile;
    private final List<String> names;
    private final Map<String, String> labels;
    private final List<String> modelInputs;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final String modelSha256;
    private CapturePlan plan;

    private Capture(CaptureSpec spec, ModelProto model, String sha256, List<String> names, Map<String, String> labels, int threads)
            throws OrtException {
        this.spec = spec;
        this.modelSha256 = sha256;
        this.modelFile = spec.model();
        this.names = List.copyOf(names);
        this.labels = Map.copyOf(labels);
        this.modelInputs = GraphSurgery.inputNames(model);
        this.options = new OrtSession.SessionOptions();
        try {
            if (threads > 0) options.setIntraOpNumThreads(threads);
            session = ModelSessions.open(GraphSurgery.exposeOutputs(model, names), modelFile, options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * Reads the model, resolves the tensor names and patterns (and the attention maps when asked
     * for) and opens an ONNX Runtime session on the model with those tensors exposed.
     *
     * @throws CaptureException when a pattern matches nothing or the model has no attention maps
     */
    public static Capture open(CaptureSpec spec) throws ModelLoadException, OrtException, CaptureException {
        return open(spec, 0);
    }

    /**
     * {@link #open(CaptureSpec)} with ONNX Runtime limited to {@code threads} threads (0: its
     * default, all cores), e.g. to keep the desktop responsive during a capture.
     */
    public static Capture open(CaptureSpec spec, int threads) throws ModelLoadException, OrtException, CaptureException {
        ModelProto model = OnnxModels.read(spec.model());
        String sha256;
        try {
            sha256 = OnnxModels.sha256(spec.model());
        } catch (IOException e) {
            throw new ModelLoadException(spec.model(), "cannot be read (" + e.getMessage() + ")", e);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        try {
            if (!spec.tensors().isEmpty()) {
                for (String n : TensorPattern.select(GraphSurgery.tensorNames(model), spec.tensors())) labels.put(n, "");
            }
        } catch (IllegalArgumentException e) {
            throw new CaptureException(e.getMessage(), e);
        }
        if (spec.attention()) {
            List<AttentionFinder.AttentionPoint> points = AttentionFinder.find(model);
            if (points.isEmpty()) throw new CaptureException("no attention maps found in " + spec.model().getFileName());
            for (AttentionFinder.AttentionPoint p : points) labels.put(p.tensorName(), p.label());
        }
        return new Capture(spec, model, sha256, new ArrayList<>(labels.keySet()), labels, threads);
    }

    /** The tensors that will be captured, in store order. */
    public List<String> tensors() {
        return names;
    }

    /**
     * Runs one probe batch to learn every tensor's layout and estimates the store's size for the
     * counted inputs. {@link #run} uses this plan (and checks the free disk space against it).
     */
    public CapturePlan plan(InputBatch probe, InputStats stats) throws OrtException, CaptureException {
        float[][] values = new float[names.size()][];
        long[][] shapes = new long[names.size()][];
        runBatch(probe, values, shapes);
        List<TensorLayout> layouts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            layouts.add(BatchWriter.layoutOf(names.get(i), labels.get(names.get(i)), shapes[i], probe));
        }
        plan = CapturePlan.of(layouts, stats, spec.dtype());
        return plan;
    }

    /**
     * Captures every batch into a new store at {@code spec.out()} and marks it complete.
     *
     * @throws InterruptedException when the thread was interrupted (the store stays incomplete)
     * @throws CaptureException     for NaN/Inf, inputs that do not fit the model, ONNX Runtime errors
     * @throws IOException          for the store (a full disk is a {@link sparsity.analysis.store.StoreException})
     */
    public CaptureResult run(Iterator<InputBatch> batches, ProgressListener progress)
            throws IOException, CaptureException, InterruptedException {
        if (!batches.hasNext()) throw new CaptureException("there are no inputs to capture");
        InputBatch first = batches.next();
        if (plan == null) {
            try {
                plan(first, InputStats.UNKNOWN);
            } catch (OrtException e) {
                throw ortFailure(e);
            }
        }
        StoreHeader header = StoreHeader.of(modelFile, modelSha256, spec.dtype(), spec.source());
        try (StoreWriter w = StoreWriter.create(spec.out(), header, plan.tensors(), plan.estimatedBytes())) {
            Iterator<InputBatch> all = prepend(first, batches);
            return loop(w, all, plan.stats(), progress);
        }
    }

    /**
     * Continues an incomplete store from its last commit, with the same inputs as the first run
     * (the examples already captured are skipped).
     *
     * @throws CaptureException when the model file changed since the store was started
     */
    public static CaptureResult resume(Path store, Iterator<InputBatch> batches, InputStats stats, ProgressListener progress)
            throws IOException, CaptureException, InterruptedException, OrtException, ModelLoadException {
        return resume(store, batches, stats, progress, 0);
    }

    /**
     * {@link #resume(Path, Iterator, InputStats, ProgressListener)} with ONNX Runtime limited to
     * {@code threads} threads (0: all cores), as {@link #open(CaptureSpec, int)}.
     */
    public static CaptureResult resume(Path store, Iterator<InputBatch> batches, InputStats stats, ProgressListener progress,
                                       int threads)
            throws IOException, CaptureException, InterruptedException, OrtException, ModelLoadException {
        try (StoreWriter w = StoreWriter.resume(store)) {
            StoreHeader h = w.header();
            if (!OnnxModels.sha256(h.modelFile()).equals(h.modelSha256())) {
                throw new CaptureException("the model file " + h.modelFile() + " changed since the capture started (sha256 differs)");
            }
            List<String> names = w.tensors().stream().map(TensorLayout::name).toList();
            Map<String, String> labels = new HashMap<>();
            w.tensors().forEach(t -> labels.put(t.name(), t.label()));
            CaptureSpec spec = new CaptureSpec(h.modelFile(), names, false, h.dtype(), store, h.source());
            try (Capture c = new Capture(spec, OnnxModels.read(h.modelFile()), h.modelSha256(), names, labels, threads)) {
                c.plan = CapturePlan.of(w.tensors(), stats, h.dtype());
                int skip = w.committedExamples();
                List<InputBatch> rest = new ArrayList<>();
                while (batches.hasNext() && skip > 0) {
                    InputBatch b = batches.next();
                    if (b.size() <= skip) {
                        skip -= b.size();
                    } else {
                        rest.add(b.drop(skip));
                        skip = 0;
                    }
                }
                if (skip > 0) throw new CaptureException("the inputs have fewer examples than the store already holds");
                return c.loop(w, prepend(rest.isEmpty() ? null : rest.getFirst(), batches), stats, progress);
            }
        }
    }

    private CaptureResult loop(StoreWriter w, Iterator<InputBatch> batches, InputStats stats, ProgressListener progress)
            throws IOException, CaptureException, InterruptedException {
        List<TensorLayout> layouts = w.tensors();
        long start = System.nanoTime();
        long lastCommit = start;
        long rowsThisRun = 0;
        int examplesAtStart = w.examples();
        float[][] values = new float[names.size()][];
        long[][] shapes = new long[names.size()][];
        try {
            while (batches.hasNext()) {
                if (Thread.interrupted()) {
                    w.commit();
                    throw new InterruptedException("capture cancelled after " + w.examples() + " examples");
                }
                InputBatch b = batches.next();
                runBatch(b, values, shapes);
                boolean[][] real = b.realMask();
                for (int i = 0; i < layouts.size(); i++) {
                    BatchWriter.checkShape(layouts.get(i), shapes[i], b);
                    BatchWriter.checkFinite(layouts.get(i), values[i], b, real, w.tokens(), w.examples());
                }
                long tokensBefore = w.tokens();
                BatchWriter.writeProvenance(w, b, real);
                for (int i = 0; i < layouts.size(); i++) BatchWriter.writeTensor(w, i, layouts.get(i), values[i], b, real);
                rowsThisRun += b.isText() ? w.tokens() - tokensBefore : b.size();
                long now = System.nanoTime();
                if ((now - lastCommit) / 1e9 >= COMMIT_SECONDS) {
                    w.commit();
                    lastCommit = now;
                }
                report(progress, w.examples(), examplesAtStart, rowsThisRun, (now - start) / 1e9, stats);
            }
            w.complete();
        } catch (CaptureException e) {
            w.fail(e.getMessage());
            throw e;
        } catch (OrtException e) {
            CaptureException ce = ortFailure(e);
            w.fail(ce.getMessage());
            throw ce;
        } catch (IOException | RuntimeException e) {
            try {
                w.fail(String.valueOf(e.getMessage()));
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.update(1.0, String.format("Captured %,d examples, %,d rows in %.1f s", w.examples(), rowsThisRun, seconds));
        return new CaptureResult(w.dir(), layouts, w.examples(), w.tokens(), seconds, rowsThisRun);
    }

    /** Runs one batch; fills the captured values and shapes. */
    private void runBatch(InputBatch b, float[][] values, long[][] shapes) throws OrtException, CaptureException {
        Set<String> given = new LinkedHashSet<>(b.longInputs().keySet());
        given.addAll(b.floatInputs().keySet());
        for (String in : modelInputs) {
            if (!given.contains(in)) throw new CaptureException("the model needs input '" + in + "', which the inputs do not give (they give " + given + ")");
        }
        for (String in : given) {
            if (!modelInputs.contains(in)) throw new CaptureException("the model has no input '" + in + "' (its inputs: " + modelInputs + ")");
        }
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            for (var e : b.longInputs().entrySet()) {
                long[][] v = e.getValue();
                LongBuffer buf = LongBuffer.allocate(v.length * v[0].length);
                for (long[] row : v) buf.put(row);
                feed.put(e.getKey(), OnnxTensor.createTensor(env, buf.flip(), new long[] {v.length, v[0].length}));
            }
            for (var e : b.floatInputs().entrySet()) {
                feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()), e.getValue().shape()));
            }
            try (OrtSession.Result r = session.run(feed, new LinkedHashSet<>(names))) {
                for (int i = 0; i < names.size(); i++) {
                    OnnxValue v = r.get(names.get(i)).orElseThrow();
                    if (!(v instanceof OnnxTensor t)) throw new CaptureException("'" + names.get(i) + "' is not a tensor");
                    TensorInfo info = t.getInfo();
                    if (info.type != OnnxJavaType.FLOAT && info.type != OnnxJavaType.FLOAT16 && info.type != OnnxJavaType.BFLOAT16) {
                        throw new CaptureException("tensor '" + names.get(i) + "' holds " + info.type.toString().toLowerCase(java.util.Locale.ROOT)
                                + " values; only float tensors can be captured");
                    }
                    FloatBuffer fb = t.getFloatBuffer();
                    if (values[i] == null || values[i].length != fb.remaining()) values[i] = new float[fb.remaining()];
                    fb.get(values[i]);
                    shapes[i] = info.getShape();
                }
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static void report(ProgressListener p, int examples, int examplesAtStart, long rows, double seconds, InputStats stats) {
        double rate = seconds > 0 ? rows / seconds : 0;
        StringBuilder sb = new StringBuilder(String.format("%,d examples, %,d rows, %,.0f rows/s", examples, rows, rate));
        double fraction = -1;
        if (stats.known() && stats.examples() > 0) {
            fraction = Math.min(1.0, examples / (double) stats.examples());
            double done = examples - examplesAtStart;
            if (done > 0) {
                long eta = Math.round(seconds / done * (stats.examples() - examples));
                sb.append(String.format(", ETA %d:%02d", eta / 60, eta % 60));
            }
        }
        p.update(fraction, sb.toString());
    }

    private static CaptureException ortFailure(OrtException e) {
        String m = String.valueOf(e.getMessage()).replaceAll("\\s+", " ").replaceFirst("^Error code - \\w+ - message: ", "");
        return new CaptureException("ONNX Runtime failed on the inputs: " + m, e);
    }

    private static <T> Iterator<T> prepend(T first, Iterator<T> rest) {
        return new Iterator<>() {
            private T head = first;

            @Override
            public boolean hasNext() {
                return head != null || rest.hasNext();
            }

            @Override
            public T next() {
                if (head != null) {
                    T h = head;
                    head = null;
                    return h;
                }
                return rest.next();
            }
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing a session only frees memory
        } finally {
            options.close();
        }
    }
}
