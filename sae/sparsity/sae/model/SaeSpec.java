package sparsity.sae.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a user gives for an autoencoder, whatever its architecture; each architecture
 * reads the ones it uses into its own config record ({@link TopKAutoencoder.Config},
 * {@link BatchTopKAutoencoder.Config}, {@link KSparseAutoencoder.Config},
 * {@link ReluL1Autoencoder.Config}).
 *
 * @param architecture   registered name (see {@link Architectures})
 * @param k              latents kept per row (TopK, k-sparse target) or on average (BatchTopK)
 * @param kAux           dead latents per row for AuxK (TopK, BatchTopK)
 * @param auxAlpha       AuxK coefficient
 * @param deadWindow     tokens without firing after which a latent is dead
 * @param fireThreshold  a latent fires on a row when its value exceeds this
 * @param l1             sparsity coefficient lambda (ReLU + L1)
 * @param kStart         k at step 0 of the k-sparse schedule (down to k)
 * @param kScheduleSteps steps over which the k-sparse schedule goes from kStart to k
 * @param encodeAlpha    k-sparse: alpha, keep alpha * k latents when encoding for use
 * @param thresholdBeta  BatchTopK: decay of the running mean of the smallest kept activation
 */
public record SaeSpec(String architecture, int k, int kAux, double auxAlpha, long deadWindow, double fireThreshold,
                      double l1, int kStart, long kScheduleSteps, double encodeAlpha, double thresholdBeta) {

    public SaeSpec {
        if (architecture == null || architecture.isBlank()) throw new IllegalArgumentException("no architecture");
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, was " + k);
        if (kAux < 0) throw new IllegalArgumentException("k_aux must be >= 0");
        if (!(auxAlpha >= 0)) throw new IllegalArgumentException("AuxK alpha must be >= 0");
        if (deadWindow < 1) throw new IllegalArgumentException("dead-latent window must be >= 1 token");
        if (!(l1 >= 0)) throw new IllegalArgumentException("L1 coefficient must be >= 0");
        if (kScheduleSteps < 0) throw new IllegalArgumentException("k schedule steps must be >= 0");
        if (!(encodeAlpha >= 1)) throw new IllegalArgumentException("encoding alpha must be >= 1, was " + encodeAlpha);
        if (!(thresholdBeta >= 0 && thresholdBeta < 1)) throw new IllegalArgumentException("threshold decay must be in [0, 1)");
    }

    /** Defaults of the papers for input width d: k_aux = d / 2, alpha = 1/32, 10M-token window. */
    public static SaeSpec defaults(String architecture, int d, int k) {
        return new SaeSpec(architecture, k, Math.max(1, d / 2), 1.0 / 32, 10_000_000L, 1e-3, 5.0, k, 0, 1.0, 0.999);
    }

    public SaeSpec withDeadWindow(long window) {
        return new SaeSpec(architecture, k, kAux, auxAlpha, window, fireThreshold, l1, kStart, kScheduleSteps, encodeAlpha, thresholdBeta);
    }

    public SaeSpec withKSchedule(int start, long steps) {
        return new SaeSpec(architecture, k, kAux, auxAlpha, deadWindow, fireThreshold, l1, start, steps, encodeAlpha, thresholdBeta);
    }

    /** The settings as strings (checkpoints, provenance, cfg.json). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", architecture);
        m.put("k", Integer.toString(k));
        m.put("k_aux", Integer.toString(kAux));
        m.put("aux_alpha", Double.toString(auxAlpha));
        m.put("dead_window", Long.toString(deadWindow));
        m.put("fire_threshold", Double.toString(fireThreshold));
        m.put("l1", Double.toString(l1));
        m.put("k_start", Integer.toString(kStart));
        m.put("k_schedule_steps", Long.toString(kScheduleSteps));
        m.put("encode_alpha", Double.toString(encodeAlpha));
        m.put("threshold_beta", Double.toString(thresholdBeta));
        return m;
    }

    /** The inverse of {@link #asMap()}. */
    public static SaeSpec fromMap(Map<String, String> m) {
        try {
            return new SaeSpec(req(m, "architecture"), Integer.parseInt(req(m, "k")), Integer.parseInt(req(m, "k_aux")),
                    Double.parseDouble(req(m, "aux_alpha")), Long.parseLong(req(m, "dead_window")),
                    Double.parseDouble(req(m, "fire_threshold")), Double.parseDouble(req(m, "l1")),
                    Integer.parseInt(req(m, "k_start")), Long.parseLong(req(m, "k_schedule_steps")),
                    Double.parseDouble(req(m, "encode_alpha")), Double.parseDouble(req(m, "threshold_beta")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad autoencoder setting: " + e.getMessage(), e);
        }
    }

    private static String req(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("autoencoder setting '" + key + "' is missing");
        return v;
    }
}
