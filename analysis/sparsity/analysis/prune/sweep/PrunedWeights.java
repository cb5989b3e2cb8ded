package sparsity.analysis.prune.sweep;

import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import sparsity.analysis.prune.PrunedModels;

/**
 * The weights a method produced at one level, ready to be written into the model.
 *
 * @param stored new values by weight name, in each weight's stored layout
 * @param layers the zeros of each weight, in the order of the context's weights
 */
public record PrunedWeights(Map<String, float[]> stored, List<LayerSparsity> layers) {

    public PrunedWeights {
        stored = Map.copyOf(stored);
        layers = List.copyOf(layers);
    }

    /** Zeros over all weights of the context (the sparsity the model reached). */
    public double sparsity() {
        long z = 0;
        long n = 0;
        for (LayerSparsity l : layers) {
            z += l.zeros();
            n += l.count();
        }
        return n == 0 ? 0 : (double) z / n;
    }

    /** A copy of the model with these weights written in. */
    public ModelProto applyTo(ModelProto model) {
        return PrunedModels.withWeights(model, stored);
    }
}
