package sparsity.analysis.prune;

/**
 * What a pruning did to one prunable weight.
 *
 * @param weight the weight, with its shape and [out, in] view
 * @param status whether it was pruned, and if not why
 * @param count  weights in it
 * @param pruned weights set to zero by the mask
 * @param note   "" for a pruned layer, else why it was left dense (excluded, quantized, no
 *               calibration statistics for a Conv ...)
 */
public record LayerReport(PrunableWeight weight, Status status, long count, long pruned, String note) {

    /** What happened to a weight. */
    public enum Status {
        /** The method chose its mask (possibly pruning nothing, at sparsity 0). */
        PRUNED,
        /** Not selected by the include/exclude patterns. */
        EXCLUDED,
        /** A weight masks cannot be applied to (quantized integers, non-float32). */
        UNSUPPORTED,
        /** Selected, but the method cannot prune it (see the note). */
        LEFT_DENSE
    }

    public String name() {
        return weight.name();
    }

    /** Share of the layer pruned. */
    public double sparsity() {
        return count == 0 ? 0 : (double) pruned / count;
    }
}
