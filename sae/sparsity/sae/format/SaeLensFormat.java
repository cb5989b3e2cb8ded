package sparsity.sae.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import sparsity.analysis.json.Json;
import sparsity.analysis.json.JsonException;
import sparsity.analysis.json.JsonWriter;
import sparsity.sae.model.SaeParams;

/**
 * Reads and writes the SAELens folder format: {@code cfg.json}, {@code sae_weights.safetensors}
 * and optionally {@code sparsity.safetensors}. An activation scale used in training (inputs
 * multiplied by s) is folded into the weights on export (W_enc s, b_dec / s, W_dec / s), so the
 * exported autoencoder takes raw activations and says {@code normalize_activations: "none"}.
 */
public final class SaeLensFormat {

    public static final String CFG = "cfg.json";
    public static final String WEIGHTS = "sae_weights.safetensors";
    public static final String SPARSITY = "sparsity.safetensors";

    private SaeLensFormat() {
    }

    /**
     * Writes a TopK autoencoder.
     *
     * @param scale      the activation scale it was trained with (1 for none)
     * @param hookName   the captured tensor's name
     * @param modelName  the model's file name
     * @param logDensity log10 feature density per latent, or null
     */
    public static void writeTopK(Path dir, SaeParams p, int k, double scale, String hookName, String modelName,
                                 float[] logDensity, Map<String, Object> extra) throws IOException {
        int d = p.inputDim();
        int n = p.latents();
        float[] wEnc = new float[d * n]; // [d_in, d_sae]
        float[] wDec = new float[n * d]; // [d_sae, d_in]
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                wEnc[c * n + i] = (float) (p.wEnc.get(i, c) * scale);
                wDec[i * d + c] = (float) (p.wDec.get(i, c) / scale);
            }
        }
        float[] bDec = p.bPre.toArray();
        for (int c = 0; c < d; c++) bDec[c] = (float) (bDec[c] / scale);
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("architecture", "topk");
        cfg.put("d_in", d);
        cfg.put("d_sae", n);
        cfg.put("activation_fn_str", "topk");
        cfg.put("activation_fn_kwargs", Map.of("k", k));
        cfg.put("k", k);
        cfg.put("apply_b_dec_to_input", true);
        cfg.put("normalize_activations", "none");
        cfg.put("dtype", "float32");
        cfg.put("device", "cpu");
        cfg.put("hook_name", hookName);
        cfg.put("model_name", modelName);
        if (extra != null) extra.forEach(cfg::putIfAbsent);
        Files.createDirectories(dir);
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        t.put("W_enc", SafeTensors.Tensor.of(wEnc, d, n));
        t.put("b_enc", SafeTensors.Tensor.of(p.bEnc.toArray(), n));
        t.put("W_dec", SafeTensors.Tensor.of(wDec, n, d));
        t.put("b_dec", SafeTensors.Tensor.of(bDec, d));
        SafeTensors.write(dir.resolve(WEIGHTS), t, Map.of("format", "pt"));
        if (logDensity != null) {
            SafeTensors.write(dir.resolve(SPARSITY), Map.of("sparsity", SafeTensors.Tensor.of(logDensity, n)), Map.of("format", "pt"));
        }
        Path tmp = dir.resolve(CFG + ".tmp");
        Files.writeString(tmp, JsonWriter.pretty(cfg), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(CFG), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a SAELens folder; clear IOExceptions for a missing file or a shape that does not fit. */
    public static SaeLensSae read(Path dir) throws IOException {
        Path cfgFile = dir.resolve(CFG);
        if (!Files.isRegularFile(cfgFile)) throw new IOException(dir + ": not a SAELens folder (no " + CFG + ")");
        Map<String, Object> cfg;
        try {
            cfg = Json.asObject(Json.parse(cfgFile), CFG);
        } catch (JsonException e) {
            throw new IOException(cfgFile + ": " + e.getMessage(), e);
        }
        int dIn = (int) Json.asLong(cfg.get("d_in"), "d_in in " + CFG);
        int dSae = (int) Json.asLong(cfg.get("d_sae"), "d_sae in " + CFG);
        String arch = cfg.get("architecture") == null ? "standard" : Json.asString(cfg.get("architecture"), "architecture");
        int k = 0;
        if (cfg.get("activation_fn_kwargs") instanceof Map<?, ?> kw && kw.get("k") != null) {
            k = (int) Json.asLong(kw.get("k"), "activation_fn_kwargs.k");
        } else if (cfg.get("k") != null) {
            k = (int) Json.asLong(cfg.get("k"), "k");
        }
        if (arch.equals("topk") && (k < 1 || k > dSae)) throw new IOException(cfgFile + ": a topk autoencoder needs k in [1, d_sae], got " + k);
        Object norm = cfg.get("normalize_activations");
        if (norm != null && !"none".equals(norm) && !"null".equals(String.valueOf(norm))) {
            throw new IOException(cfgFile + ": normalize_activations \"" + norm + "\" is not supported (export with the scaling folded in)");
        }
        Path wf = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(wf)) throw new IOException(dir + ": no " + WEIGHTS);
        Map<String, SafeTensors.Tensor> w = SafeTensors.read(wf);
        float[] wEnc = take(w, "W_enc", wf, (long) dIn, dSae);
        float[] bEnc = take(w, "b_enc", wf, dSae);
        float[] wDec = take(w, "W_dec", wf, (long) dSae, dIn);
        float[] bDec = take(w, "b_dec", wf, dIn);
        float[] logDensity = null;
        Path sf = dir.resolve(SPARSITY);
        if (Files.isRegularFile(sf)) {
            Map<String, SafeTensors.Tensor> s = SafeTensors.read(sf);
            SafeTensors.Tensor t = s.containsKey("sparsity") ? s.get("sparsity") : s.values().stream().findFirst().orElse(null);
            if (t != null) logDensity = t.data();
        }
        return new SaeLensSae(arch, dIn, dSae, k, wEnc, bEnc, wDec, bDec, cfg, logDensity);
    }

    private static float[] take(Map<String, SafeTensors.Tensor> w, String name, Path file, long... shape) throws IOException {
        SafeTensors.Tensor t = w.get(name);
        if (t == null) throw new IOException(file + ": no tensor " + name);
        if (t.shape().size() != shape.length) throw new IOException(file + ": " + name + " has shape " + t.shape());
        for (int i = 0; i < shape.length; i++) {
            if (t.shape().get(i) != shape[i]) {
                throw new IOException(file + ": " + name + " has shape " + t.shape() + ", cfg.json says " + java.util.Arrays.toString(shape));
            }
        }
        return t.data();
    }

    /** Loads SAELens weights into latent-major parameters (the inverse of {@link #writeTopK} with scale 1). */
    public static void load(SaeLensSae s, SaeParams p) {
        if (p.inputDim() != s.dIn() || p.latents() != s.dSae()) throw new IllegalArgumentException("shape mismatch");
        int d = s.dIn();
        int n = s.dSae();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                p.wEnc.set(i, c, s.wEnc()[c * n + i]);
                p.wDec.set(i, c, s.wDec()[i * d + c]);
            }
        }
        p.bEnc.copyFrom(s.bEnc());
        p.bPre.copyFrom(s.bDec());
    }
}
