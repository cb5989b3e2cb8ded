package sparsity.analysis.capture;

import java.nio.file.Path;
import java.util.List;

import sparsity.analysis.store.TensorLayout;

/**
 * A finished capture.
 *
 * @param store    the store folder (complete)
 * @param tensors  what it holds
 * @param examples examples captured (all of them, also those of an earlier run when resumed)
 * @param tokens   token rows captured
 * @param seconds  wall time of this run
 * @param rowsThisRun rows (tokens, or examples for per-example inputs) captured by this run
 */
public record CaptureResult(Path store, List<TensorLayout> tensors, int examples, long tokens, double seconds, long rowsThisRun) {

    /** Rows (tokens for text) per second of this run. */
    public double rowsPerSecond() {
        return seconds > 0 ? rowsThisRun / seconds : 0;
    }
}
