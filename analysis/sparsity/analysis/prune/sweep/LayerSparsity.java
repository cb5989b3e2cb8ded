package sparsity.analysis.prune.sweep;

/**
 * How much of one weight a pruned model has zeroed.
 *
 * @param weight the weight tensor
 * @param node   the node that reads it
 * @param opType that node's op type
 * @param out    output features ([out, in] view)
 * @param in     input features
 * @param zeros  weights that are exactly zero in the pruned model
 */
public record LayerSparsity(String weight, String node, String opType, int out, int in, long zeros) {

    public long count() {
        return (long) out * in;
    }

    /** Share of the weight that is zero. */
    public double sparsity() {
        return count() == 0 ? 0 : (double) zeros / count();
    }
}
