package sparsity.analysis.prune.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvalData;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;

/**
 * What a pruning method works on: the dense model, the weights it may prune (each seen as
 * [out, in]), calibration data for data-aware methods and a seed. The dense values and the
 * calibration statistics are read once and shared by every method and level of a sweep, and by
 * the one-layer contexts of {@link #only}.
 */
public final class PruneContext {

    /** Rows of each linear layer's input kept for SparseGPT and TEAL (a seeded sample). */
    public static final int DEFAULT_CALIBRATION_ROWS = 2048;

    private final Path modelFile;
    private final ModelProto model;
    private final List<PrunableWeight> weights;
    private final EvalData calibration;
    private final long seed;
    private final Shared shared;

    /** Caches shared by a context and its one-layer views. */
    private static final class Shared {
        final Map<String, float[]> dense = new HashMap<>();
        Map<String, LinearInputs.Stats> stats;
        int rows = DEFAULT_CALIBRATION_ROWS;
    }

    private PruneContext(Path modelFile, ModelProto model, List<PrunableWeight> weights, EvalData calibration, long seed, Shared shared) {
        this.modelFile = modelFile;
        this.model = model;
        this.weights = List.copyOf(weights);
        this.calibration = calibration;
        this.seed = seed;
        this.shared = shared;
    }

    /**
     * @param weights     the weights to prune (e.g. {@link PrunedModels#supported}, minus exclusions)
     * @param calibration data for Wanda, SparseGPT and TEAL, or null when only data-free methods run
     */
    public static PruneContext of(Path modelFile, ModelProto model, List<PrunableWeight> weights, EvalData calibration, long seed) {
        if (weights.isEmpty()) throw new IllegalArgumentException("there are no weights to prune");
        for (PrunableWeight w : weights) {
            if (!w.supported()) throw new IllegalArgumentException(w.name() + ": " + w.note());
        }
        return new PruneContext(modelFile, model, weights, calibration, seed, new Shared());
    }

    /** The same context with another number of calibration rows kept per layer input. */
    public PruneContext withCalibrationRows(int rows) {
        if (rows < 1) throw new IllegalArgumentException("keep at least one calibration row");
        Shared s = new Shared();
        s.dense.putAll(shared.dense);
        s.rows = rows;
        return new PruneContext(modelFile, model, weights, calibration, seed, s);
    }

    /** The context of weight {@code i} alone (sensitivity), sharing this one's caches. */
    public PruneContext only(int i) {
        return new PruneContext(modelFile, model, List.of(weights.get(i)), calibration, seed, shared);
    }

    public Path modelFile() {
        return modelFile;
    }

    public ModelProto model() {
        return model;
    }

    public List<PrunableWeight> weights() {
        return weights;
    }

    public EvalData calibration() {
        return calibration;
    }

    public long seed() {
        return seed;
    }

    /** The dense values of weight {@code i} as [out, in], row-major (shared; do not change). */
    public float[] dense(int i) {
        PrunableWeight w = weights.get(i);
        synchronized (shared) {
            return shared.dense.computeIfAbsent(w.name(), k -> w.toOutIn(PrunedModels.stored(model, w)));
        }
    }

    /**
     * The calibration statistics of the input of weight {@code i}'s layer, gathered (for every
     * weight of the full context at once) on first use.
     *
     * @throws EvaluationException without calibration data, for a weight that is not read by a
     *                             MatMul or Gemm, or when the model cannot run on the data
     */
    public LinearInputs.Stats inputs(int i, String method, ProgressListener progress) throws EvaluationException, InterruptedException {
        PrunableWeight w = weights.get(i);
        if (calibration == null) throw new EvaluationException(method + " needs calibration data (inputs the model runs on)");
        Map<String, LinearInputs.Stats> stats;
        synchronized (shared) {
            if (shared.stats == null) {
                List<PrunableWeight> all = PrunedModels.supported(model);
                List<LinearInputs.Site> sites = LinearInputs.sites(model, all.stream().map(PrunableWeight::name).toList());
                List<String> tensors = sites.stream().map(LinearInputs.Site::tensor).toList();
                Map<String, LinearInputs.Stats> byTensor = LinearInputs.collect(modelFile, model, calibration, tensors, shared.rows, seed, progress);
                Map<String, LinearInputs.Stats> byWeight = new LinkedHashMap<>();
                for (LinearInputs.Site s : sites) for (String name : s.weights()) byWeight.put(name, byTensor.get(s.tensor()));
                shared.stats = byWeight;
            }
            stats = shared.stats;
        }
        LinearInputs.Stats s = stats.get(w.name());
        if (s == null) {
            throw new EvaluationException(method + " works on the inputs of MatMul and Gemm layers; " + w.name() + " is read by "
                    + w.opType() + " (" + w.node() + ")");
        }
        if (s.sampleRows() == 0) throw new EvaluationException(method + ": the calibration data gave no rows at the input of " + w.node());
        if (s.width() != w.in()) {
            throw new EvaluationException(method + ": the input of " + w.node() + " has rows of " + s.width() + ", the weight "
                    + w.name() + " takes " + w.in());
        }
        return s;
    }

    /** Pruned weights from [out, in] values (one array per weight of this context). */
    public PrunedWeights fromOutIn(List<float[]> outIn) {
        if (outIn.size() != weights.size()) throw new IllegalArgumentException(outIn.size() + " arrays for " + weights.size() + " weights");
        Map<String, float[]> stored = new LinkedHashMap<>();
        List<LayerSparsity> layers = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            PrunableWeight w = weights.get(i);
            float[] v = outIn.get(i);
            long z = 0;
            for (float f : v) if (f == 0f) z++;
            stored.put(w.name(), w.toStored(v));
            layers.add(new LayerSparsity(w.name(), w.node(), w.opType(), w.out(), w.in(), z));
        }
        return new PrunedWeights(stored, layers);
    }

    /** Pruned weights from keep-masks over the dense values (one mask per weight of this context). */
    public PrunedWeights fromMasks(List<boolean[]> keep) {
        List<float[]> v = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            float[] d = dense(i).clone();
            boolean[] k = keep.get(i);
            for (int j = 0; j < d.length; j++) if (!k[j]) d[j] = 0f;
            v.add(d);
        }
        return fromOutIn(v);
    }
}
