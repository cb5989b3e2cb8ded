package sparsity.analysis.evaluate;

/**
 * A changed model's outputs against the dense model's on the evaluation data; NaN where a
 * metric does not apply (no labels, an embedding output).
 *
 * @param metric         the metric asked for
 * @param value          its value
 * @param examples       examples run
 * @param rows           rows scored (real tokens, or examples)
 * @param accuracy       share of labelled examples whose argmax is the label
 * @param correct        how many that is (-1 without labels)
 * @param cosine         cosine to the dense output (per-token outputs: of the mean-pooled examples)
 * @param tokenCosine    mean cosine of the output rows (real tokens or examples) to the dense ones
 * @param kl             mean KL(dense || changed), nats, for distribution outputs
 * @param top1           share of rows whose argmax is the dense argmax, for distribution outputs
 * @param sessionSeconds ONNX Runtime: loading the changed model's bytes into a session
 * @param runSeconds     ONNX Runtime: running the batches
 * @param metricSeconds  comparing outputs and computing the metrics
 */
public record Evaluation(TaskMetric metric, double value, long examples, long rows, double accuracy, long correct, double cosine,
                         double tokenCosine, double kl, double top1, double sessionSeconds, double runSeconds,
                         double metricSeconds) {

    /** Seconds spent in ONNX Runtime (session and runs). */
    public double ortSeconds() {
        return sessionSeconds + runSeconds;
    }

    /** The value of any metric, NaN where it does not apply. */
    public double get(TaskMetric m) {
        return switch (m) {
            case ACCURACY -> accuracy;
            case COSINE -> cosine;
            case KL -> kl;
            case TOP1 -> top1;
        };
    }
}
