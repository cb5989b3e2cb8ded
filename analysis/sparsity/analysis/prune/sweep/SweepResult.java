package sparsity.analysis.prune.sweep;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import sparsity.analysis.evaluate.Evaluation;
import sparsity.analysis.evaluate.TaskMetric;

/**
 * A finished (or stopped) sweep.
 *
 * @param metric         the task metric
 * @param output         the model output it was measured on
 * @param data           the evaluation data in words
 * @param dense          the dense model's evaluation (the baseline)
 * @param points         the points in the order they were measured (method by method, level by level)
 * @param prepareSeconds per method: the time spent before its first level (scores, calibration)
 * @param skipped        methods that could not prune the model, each "name: why"
 * @param seconds        wall time of the whole sweep
 */
public record SweepResult(TaskMetric metric, String output, String data, Evaluation dense, List<SweepPoint> points,
                          Map<String, Double> prepareSeconds, List<String> skipped, double seconds) {

    public SweepResult {
        points = List.copyOf(points);
        prepareSeconds = Map.copyOf(prepareSeconds);
        skipped = List.copyOf(skipped);
    }

    /** The point of a method at a level, if measured. */
    public Optional<SweepPoint> point(String method, double level) {
        return points.stream().filter(p -> p.method().equals(method) && Math.abs(p.level() - level) < 1e-9).findFirst();
    }

    /** The points of one method, by level. */
    public List<SweepPoint> curve(String method) {
        return points.stream().filter(p -> p.method().equals(method)).toList();
    }
}
