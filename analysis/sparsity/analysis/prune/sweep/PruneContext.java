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
 * calibration statistics ({@link #facadeCalibration}) are read once and shared by every method
 * and level of a sweep, and by the one-layer contexts of {@link #only}.
 */
public final class PruneContext {

    private final Path modelFile;
    private final ModelProto model;
    private final List<PrunableWeight> weights;
    private final EvalData calibration;
    private final long seed;
    private final Shared shared;

    /** Caches shared by a context and its one-layer views. */
    private static final class Shared {
        final Map<String, float[]> dense = new HashMap<>();
        sparsity.analysis.prune.Calibration facade;
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
     * The facade's calibration statistics (input sums of squares; with {@code gram} also X^T X)
     * of every prunable weight's input over the calibration data, gathered on first use and
     * shared by the methods of a sweep and the one-layer contexts.
     *
     * @throws EvaluationException without calibration data, or when the model cannot run on it
     */
    public sparsity.analysis.prune.Calibration facadeCalibration(String method, boolean gram, ProgressListener progress)
            throws EvaluationException, InterruptedException {
        if (calibration == null) throw new EvaluationException(method + " needs calibration data (inputs the model runs on)");
        synchronized (shared) {
            if (shared.facade == null || gram && !shared.facade.hasGram()) {
                try (sparsity.kernels.Backend be = sparsity.kernels.Backends.cpu()) {
                    shared.facade = sparsity.analysis.prune.Calibration.collect(model, modelFile, calibration.batches(), calibration.description(),
                            gram, be, progress);
                } catch (sparsity.analysis.prune.CalibrationException e) {
                    throw new EvaluationException(method + ": " + e.getMessage(), e);
                }
            }
            return shared.facade;
        }
    }

    /**
     * Pruned weights from new stored values (by tensor name, as {@link sparsity.analysis.prune.PruneResult#weights}
     * gives them, biases of structured methods included); the zeros are counted for this
     * context's weights, in the new values or, for a weight not among them, in the dense ones.
     */
    public PrunedWeights fromStored(Map<String, float[]> stored) {
        List<LayerSparsity> layers = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            PrunableWeight w = weights.get(i);
            float[] v = stored.containsKey(w.name()) ? stored.get(w.name()) : dense(i);
            long z = 0;
            for (float f : v) if (f == 0f) z++;
            layers.add(new LayerSparsity(w.name(), w.node(), w.opType(), w.out(), w.in(), z));
        }
        return new PrunedWeights(stored, layers);
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
