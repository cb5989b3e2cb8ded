package sparsity.analysis.prune.sweep;

/** Receives each point of a sweep as soon as it is measured (on the sweep's thread), e.g. to draw a live chart. */
@FunctionalInterface
public interface SweepListener {

    void point(SweepPoint point);

    /** A listener that ignores every point. */
    SweepListener NONE = p -> { };
}
