package sparsity.sae.format;

import java.util.Map;

/**
 * An autoencoder in SAELens' layout (ALGORITHMS.md, "SAELens file format"): W_enc [d_in, d_sae],
 * b_enc [d_sae], W_dec [d_sae, d_in], b_dec [d_in], row-major, plus its cfg.json values and, when
 * present, the log10 feature density of sparsity.safetensors.
 *
 * @param architecture "topk", "standard", "jumprelu" ...
 * @param k            latents kept per row for topk (0 otherwise)
 * @param cfg          every top-level value of cfg.json, as read
 * @param logDensity   log10 feature density per latent, or null
 * @param threshold    per-latent JumpReLU threshold (architecture "jumprelu"), or null
 */
public record SaeLensSae(String architecture, int dIn, int dSae, int k, float[] wEnc, float[] bEnc, float[] wDec,
                         float[] bDec, Map<String, Object> cfg, float[] logDensity, float[] threshold) {

    public SaeLensSae {
        if ((long) dIn * dSae != wEnc.length || (long) dIn * dSae != wDec.length || bEnc.length != dSae || bDec.length != dIn) {
            throw new IllegalArgumentException("weights do not match d_in = " + dIn + ", d_sae = " + dSae);
        }
        if (logDensity != null && logDensity.length != dSae) throw new IllegalArgumentException("sparsity has " + logDensity.length + " latents");
        if (threshold != null && threshold.length != dSae) throw new IllegalArgumentException("threshold has " + threshold.length + " latents");
    }
}
