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
import sparsity.kernels.Backend;
import sparsity.sae.model.Architectures;
import sparsity.sae.model.BatchTopKAutoencoder;
import sparsity.sae.model.CudaTopKAutoencoder;
import sparsity.sae.model.InferenceThreshold;
import sparsity.sae.model.KSparseAutoencoder;
import sparsity.sae.model.ReluL1Autoencoder;
import sparsity.sae.model.SaeParams;
import sparsity.sae.model.SaeSpec;
import sparsity.sae.model.SparseAutoencoder;
import sparsity.sae.model.TopKAutoencoder;

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
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("architecture", "topk");
        arch.put("activation_fn_str", "topk");
        arch.put("activation_fn_kwargs", Map.of("k", k));
        arch.put("k", k);
        arch.put("apply_b_dec_to_input", true);
        writeFolder(dir, p, arch, null, scale, hookName, modelName, logDensity, extra);
    }

    /**
     * Writes any workbench autoencoder: topk as "topk"; batchtopk as "jumprelu" with its
     * inference threshold for every latent; relu as "standard"; ksparse as "topk" with k = alpha k
     * and {@code apply_b_dec_to_input: false} (SAELens applies a ReLU after its top-k, which the
     * linear k-sparse code has not: a kept negative value differs; the workbench reads it back
     * exactly from {@code workbench_spec}). The architecture's settings go to
     * {@code workbench_architecture} and {@code workbench_spec}.
     */
    public static void write(Path dir, SparseAutoencoder sae, double scale, String hookName, String modelName,
                             float[] logDensity, Map<String, Object> extra) throws IOException {
        Map<String, Object> arch = new LinkedHashMap<>();
        float[] threshold = null;
        switch (sae) {
            case TopKAutoencoder t -> {
                arch.put("architecture", "topk");
                arch.put("activation_fn_str", "topk");
                arch.put("activation_fn_kwargs", Map.of("k", t.config().k()));
                arch.put("k", t.config().k());
                arch.put("apply_b_dec_to_input", true);
            }
            case CudaTopKAutoencoder t -> {
                arch.put("architecture", "topk");
                arch.put("activation_fn_str", "topk");
                arch.put("activation_fn_kwargs", Map.of("k", t.config().k()));
                arch.put("k", t.config().k());
                arch.put("apply_b_dec_to_input", true);
            }
            case InferenceThreshold b -> {
                if (Double.isNaN(b.threshold())) throw new IOException("the batchtopk autoencoder has no inference threshold yet (train it first)");
                arch.put("architecture", "jumprelu");
                arch.put("activation_fn_str", "relu");
                arch.put("apply_b_dec_to_input", true);
                threshold = new float[sae.latents()];
                java.util.Arrays.fill(threshold, (float) b.threshold());
            }
            case KSparseAutoencoder ks -> {
                arch.put("architecture", "topk");
                arch.put("activation_fn_str", "topk");
                arch.put("activation_fn_kwargs", Map.of("k", ks.codeWidth()));
                arch.put("k", ks.codeWidth());
                arch.put("apply_b_dec_to_input", false);
            }
            case ReluL1Autoencoder r -> {
                arch.put("architecture", "standard");
                arch.put("activation_fn_str", "relu");
                arch.put("apply_b_dec_to_input", true);
            }
            default -> throw new IOException("cannot write architecture " + sae.architecture());
        }
        arch.put("workbench_architecture", sae.architecture());
        arch.put("workbench_spec", new LinkedHashMap<>(sae.spec().asMap()));
        if (sae instanceof InferenceThreshold b) arch.put("workbench_threshold", b.threshold());
        writeFolder(dir, sae.params(), arch, threshold, scale, hookName, modelName, logDensity, extra);
    }

    private static void writeFolder(Path dir, SaeParams p, Map<String, Object> arch, float[] threshold, double scale,
                                    String hookName, String modelName, float[] logDensity, Map<String, Object> extra)
            throws IOException {
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
        cfg.put("architecture", arch.get("architecture"));
        cfg.put("d_in", d);
        cfg.put("d_sae", n);
        arch.forEach(cfg::putIfAbsent);
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
        if (threshold != null) t.put("threshold", SafeTensors.Tensor.of(threshold, n));
        SafeTensors.write(dir.resolve(WEIGHTS), t, Map.of("format", "pt"));
        if (logDensity != null) {
            SafeTensors.write(dir.resolve(SPARSITY), Map.of("sparsity", SafeTensors.Tensor.of(logDensity, n)), Map.of("format", "pt"));
        } else {
            Files.deleteIfExists(dir.resolve(SPARSITY));
        }
        Path tmp = dir.resolve(CFG + ".tmp");
        Files.writeString(tmp, JsonWriter.pretty(cfg), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(CFG), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes a workbench autoencoder from a read folder, for encoding and evaluation: from
     * {@code workbench_spec} when the workbench wrote it, otherwise from SAELens' architecture
     * ("topk", "standard", "jumprelu" with one threshold for all latents). SAELens encodes
     * {@code (x - b_dec) W_enc + b_enc} when {@code apply_b_dec_to_input} is true (the default)
     * and {@code x W_enc + b_enc} when it is false (Gemma Scope's files, for one); the workbench
     * always subtracts b_dec, so for false it folds b_dec into the encoder bias
     * ({@code b_enc + b_dec W_enc}: the same pre-activations up to float rounding). Other layouts
     * get a clear IOException.
     */
    public static SparseAutoencoder open(SaeLensSae s, Backend backend) throws IOException {
        int d = s.dIn();
        int n = s.dSae();
        SaeSpec spec;
        boolean foldBDec = false;
        if (s.cfg().get("workbench_spec") instanceof Map<?, ?> m) {
            Map<String, String> sm = new LinkedHashMap<>();
            m.forEach((key, v) -> sm.put(String.valueOf(key), String.valueOf(v)));
            try {
                spec = SaeSpec.fromMap(sm);
            } catch (IllegalArgumentException e) {
                throw new IOException("cfg.json workbench_spec: " + e.getMessage(), e);
            }
        } else {
            foldBDec = Boolean.FALSE.equals(s.cfg().get("apply_b_dec_to_input"));
            spec = switch (s.architecture()) {
                case "topk" -> SaeSpec.defaults(TopKAutoencoder.NAME, d, s.k());
                case "standard" -> SaeSpec.defaults(ReluL1Autoencoder.NAME, d, 1);
                case "jumprelu" -> SaeSpec.defaults(BatchTopKAutoencoder.NAME, d, 1);
                default -> throw new IOException("architecture \"" + s.architecture() + "\" is not supported (topk, standard, jumprelu are)");
            };
        }
        SparseAutoencoder sae;
        try {
            sae = Architectures.create(backend, d, n, spec, 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        load(s, sae.params());
        if (foldBDec) foldBDecIntoEncoderBias(sae.params());
        if (sae instanceof InferenceThreshold b) {
            float[] th = s.threshold();
            if (th == null) {
                sae.close();
                throw new IOException("a jumprelu autoencoder without a threshold tensor");
            }
            for (float v : th) {
                if (v != th[0]) {
                    sae.close();
                    throw new IOException("per-latent JumpReLU thresholds are not supported (this file's differ; the workbench's BatchTopK uses one)");
                }
            }
            b.setThreshold(th[0]);
        }
        return sae;
    }

    /** b_enc += b_dec W_enc (in double), so that (x - b_dec) W_enc + b_enc gives x W_enc + the old b_enc. */
    private static void foldBDecIntoEncoderBias(SaeParams p) {
        int d = p.inputDim();
        float[] bDec = p.bPre.toArray();
        for (int i = 0; i < p.latents(); i++) {
            double s = p.bEnc.get(0, i);
            for (int c = 0; c < d; c++) s += (double) p.wEnc.get(i, c) * bDec[c];
            p.bEnc.set(0, i, (float) s);
        }
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
        float[] threshold = w.containsKey("threshold") ? take(w, "threshold", wf, dSae) : null;
        return new SaeLensSae(arch, dIn, dSae, k, wEnc, bEnc, wDec, bDec, cfg, logDensity, threshold);
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
