package sparsity.analysis.prune.sweep;

import java.util.List;

import sparsity.analysis.evaluate.Evaluation;

/**
 * One point of a sweep: a method at a level, measured on the exported pruned model.
 *
 * @param method         the method's name
 * @param level          the sparsity asked for (an N:M method: 1 - N/M)
 * @param value          the task metric
 * @param actualSparsity zeros over all pruned weights in the exported model
 * @param seconds        wall time of the point: pruning, export, evaluation
 * @param pruneSeconds   computing the pruned weights (masks, SparseGPT updates)
 * @param exportSeconds  writing them into the model and serializing it to ONNX bytes
 * @param evaluation     every metric of the point and the ONNX Runtime time
 * @param layers         the sparsity of each weight (what a global method chose per layer)
 */
public record SweepPoint(String method, double level, double value, double actualSparsity, double seconds, double pruneSeconds,
                         double exportSeconds, Evaluation evaluation, List<LayerSparsity> layers) {

    public SweepPoint {
        layers = List.copyOf(layers);
    }
}
