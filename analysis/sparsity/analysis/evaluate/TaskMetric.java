package sparsity.analysis.evaluate;

import java.util.Arrays;
import java.util.Locale;

/**
 * The number a sweep plots for a changed model, measured against the dense model on the
 * evaluation inputs.
 */
public enum TaskMetric {
    /** Share of examples whose argmax is the label (needs labels and a per-example class output). */
    ACCURACY("accuracy", true, "accuracy on the labelled examples", "accuracy"),
    /**
     * Cosine of the output to the dense output: for a per-token output [batch, seq, d] the cosine of
     * the mean-pooled (over real tokens) example embeddings, as a sentence-embedding model pools;
     * for any other output the mean cosine of its rows.
     */
    COSINE("cosine", true, "cosine to the dense output (per-token outputs mean-pooled over real tokens)", "cosine to dense (mean-pooled)"),
    /** Mean KL(dense || changed) of the softmax over the last axis, in nats, over rows (real tokens or examples). */
    KL("kl", false, "KL(dense || pruned) of the output distribution, nats", "KL(dense || pruned), nats"),
    /** Share of rows whose argmax is the dense argmax. */
    TOP1("top1", true, "top-1 agreement with the dense model", "top-1 agreement with dense");

    private final String id;
    private final boolean higherIsBetter;
    private final String description;
    private final String label;

    TaskMetric(String id, boolean higherIsBetter, String description, String label) {
        this.id = id;
        this.higherIsBetter = higherIsBetter;
        this.description = description;
        this.label = label;
    }

    /** A short axis label. */
    public String label() {
        return label;
    }

    /** The name used on the command line and in CSV headers. */
    public String id() {
        return id;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** In words, for axis labels and reports. */
    public String description() {
        return description;
    }

    /** How much worse {@code value} is than {@code dense}: positive means worse, for every metric. */
    public double drop(double dense, double value) {
        return higherIsBetter ? dense - value : value - dense;
    }

    /** The metric named {@code id} (case-insensitive; "top-1" and "top_1" also name TOP1). */
    public static TaskMetric parse(String id) {
        String s = id.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (TaskMetric m : values()) if (m.id.equals(s)) return m;
        throw new IllegalArgumentException("unknown metric '" + id + "'; choose one of "
                + String.join(", ", Arrays.stream(values()).map(TaskMetric::id).toList()));
    }
}
