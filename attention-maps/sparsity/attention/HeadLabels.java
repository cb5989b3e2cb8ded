package sparsity.attention;

import sparsity.attention.metrics.HeadMetrics;

/**
 * Names a head's pattern from its metrics. The strongest of the three positional scores
 * (previous-token p[i, i-1], induction, first-token mass) names the head when it holds at least
 * {@link #STRONG} of the attention; otherwise a head whose mass stays within the local window is
 * "local", one spread over its keys (normalized entropy at least {@link #BROAD}) is "broad", and
 * the rest are "mixed".
 */
public final class HeadLabels {

    public static final String PREVIOUS_TOKEN = "previous-token";
    public static final String INDUCTION = "induction";
    public static final String FIRST_TOKEN = "first-token";
    public static final String LOCAL = "local";
    public static final String BROAD = "broad";
    public static final String MIXED = "mixed";

    /** Share of attention that makes a positional pattern the head's name. */
    public static final double STRONG = 0.5;
    /** Normalized entropy of a broad head. */
    public static final double BROAD_ENTROPY = 0.8;
    /** Mass within the local window of a local head. */
    public static final double LOCAL_MASS = 0.8;

    private HeadLabels() {
    }

    public static String of(HeadMetrics.Result r) {
        String best = null;
        double score = STRONG;
        if (r.previousToken().n() > 0 && r.previousToken().mean() >= score) {
            best = PREVIOUS_TOKEN;
            score = r.previousToken().mean();
        }
        if (r.induction().n() > 0 && r.induction().mean() >= score) {
            best = INDUCTION;
            score = r.induction().mean();
        }
        if (r.sink().n() > 0 && r.sink().mean() >= score) {
            best = FIRST_TOKEN;
        }
        if (best != null) return best;
        if (r.local().mean() >= LOCAL_MASS) return LOCAL;
        if (r.normalizedEntropy().mean() >= BROAD_ENTROPY) return BROAD;
        return MIXED;
    }
}
