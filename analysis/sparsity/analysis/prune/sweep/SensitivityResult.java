package sparsity.analysis.prune.sweep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sparsity.analysis.evaluate.TaskMetric;
import sparsity.analysis.prune.PrunableWeight;

/**
 * Layer sensitivity: the metric with one layer at a time pruned to each level.
 *
 * @param metric  the task metric
 * @param method  the method each layer was pruned with
 * @param dense   the dense model's value
 * @param layers  the weights, one row each
 * @param levels  the sparsity levels, one column each
 * @param values  the metric, {@code [layers][levels]}
 * @param seconds wall time
 */
public record SensitivityResult(TaskMetric metric, String method, double dense, List<PrunableWeight> layers, List<Double> levels,
                                double[][] values, double seconds) {

    public SensitivityResult {
        layers = List.copyOf(layers);
        levels = List.copyOf(levels);
    }

    /** How much worse than dense layer {@code i} alone at level {@code j} is (positive = worse, for every metric). */
    public double drop(int i, int j) {
        return metric.drop(dense, values[i][j]);
    }

    /** The drops row-major {@code [layers x levels]}, as the sensitivity view takes them. */
    public float[] dropMatrix() {
        float[] d = new float[layers.size() * levels.size()];
        for (int i = 0; i < layers.size(); i++) for (int j = 0; j < levels.size(); j++) d[i * levels.size() + j] = (float) drop(i, j);
        return d;
    }

    /** Weight names, one per row. */
    public List<String> layerNames() {
        return layers.stream().map(PrunableWeight::name).toList();
    }

    /**
     * Per method of a sweep, the sparsity it chose for each of these layers at {@code level} (for
     * a global method the interesting part; a layer-wise one gives the level everywhere).
     * Methods without a point at that level are left out.
     */
    public Map<String, double[]> chosen(SweepResult sweep, double level) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (SweepPoint p : sweep.points()) {
            if (Math.abs(p.level() - level) > 1e-9 || out.containsKey(p.method())) continue;
            double[] s = new double[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                String w = layers.get(i).name();
                s[i] = p.layers().stream().filter(l -> l.weight().equals(w)).mapToDouble(LayerSparsity::sparsity).findFirst().orElse(Double.NaN);
            }
            out.put(p.method(), s);
        }
        return out;
    }
}
