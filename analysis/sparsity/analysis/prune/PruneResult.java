package sparsity.analysis.prune;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * The outcome of {@link Pruning#apply}.
 *
 * @param spec              what was asked
 * @param method            the method that ran
 * @param weights           the new values of every changed tensor, in its stored layout (the
 *                          masked weights; SparseGPT's updated weights; for structured methods
 *                          also the zeroed bias entries)
 * @param masks             keep-masks ({@code true} = kept) of the same tensors, stored layout
 * @param layers            one report per prunable weight of the model, in graph order
 * @param removed           for structured methods, what each block lost (empty otherwise)
 * @param calibration       the calibration data in words, or "" for data-free methods
 * @param calibrationTokens tokens (or examples) of calibration data, 0 without
 * @param importance        for structured methods, the importance used, in words ("" otherwise)
 */
public record PruneResult(PruneSpec spec, PruneMethod method, Map<String, float[]> weights, Map<String, boolean[]> masks,
                          List<LayerReport> layers, List<Removed> removed, String calibration, long calibrationTokens,
                          String importance) {

    /**
     * The heads or channels a structured method removed from one block.
     *
     * @param block      the attention block or MLP (its label)
     * @param unit       "head" or "channel"
     * @param total      heads or channels the block had
     * @param indices    the ones removed, ascending
     * @param importance every unit's importance score (higher is kept longer)
     */
    public record Removed(String block, String unit, int total, int[] indices, float[] importance) {
    }

    public PruneResult {
        weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(weights));
        masks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(masks));
        layers = List.copyOf(layers);
        removed = List.copyOf(removed);
    }

    /** Weights in the layers the method pruned. */
    public long prunable() {
        return layers.stream().filter(l -> l.status() == LayerReport.Status.PRUNED).mapToLong(LayerReport::count).sum();
    }

    /** Weights it set to zero. */
    public long pruned() {
        return layers.stream().filter(l -> l.status() == LayerReport.Status.PRUNED).mapToLong(LayerReport::pruned).sum();
    }

    /** Share of the pruned layers' weights set to zero. */
    public double sparsity() {
        long p = prunable();
        return p == 0 ? 0 : (double) pruned() / p;
    }

    /**
     * The keep-mask of a pruned weight in its [out, in] view (row o = the weights feeding output
     * o), as the mask views show it; null for a tensor that was not masked (or a bias).
     */
    public boolean[] keepOutIn(String weightName) {
        boolean[] stored = masks.get(weightName);
        if (stored == null) return null;
        for (LayerReport l : layers) if (l.name().equals(weightName)) return l.weight().toOutIn(stored);
        return null;
    }

    /** The pruned model: the model with {@link #weights} written in. */
    public ModelProto applyTo(ModelProto model) {
        return PrunedModels.withWeights(model, weights);
    }
}
