package sparsity.analysis.prune.sweep;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvaluationException;

/**
 * A pruning method as a sweep sees it: a name, and, once prepared on a context (scores computed,
 * calibration statistics gathered), a function from a sparsity level to pruned weights.
 * {@link SweepMethods} has the built-in ones.
 */
public interface SweepMethod {

    /** The name in the curve (e.g. "magnitude", "wanda 2:4"). */
    String name();

    /**
     * The one sparsity this method reaches whatever level is asked (N:M: 1 - N/M), or NaN when it
     * follows the level. A sweep evaluates such a method once.
     */
    default double fixedLevel() {
        return Double.NaN;
    }

    /** True when the method removes whole heads or channels (blocks of layers) rather than single weights. */
    default boolean structured() {
        return false;
    }

    /** True when the method reads calibration data (activations). */
    default boolean needsCalibration() {
        return false;
    }

    /** Computes what does not depend on the level. */
    Pruner prepare(PruneContext ctx, ProgressListener progress) throws EvaluationException, InterruptedException;

    /** A prepared method. */
    @FunctionalInterface
    interface Pruner {
        /** The weights pruned to {@code level} (share of the context's weights, in [0, 1]). */
        PrunedWeights apply(double level) throws InterruptedException;
    }
}
