package sparsity.analysis.prune;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * A pruning mask as a workspace artifact ({@link MaskFile} reads and writes it): a keep-mask per
 * tensor in the tensor's stored shape, the values to write for methods that also change the
 * weights they keep (SparseGPT), and where it came from.
 *
 * @param provenance how it was made
 * @param masks      tensor name to its mask; tensors are weights and, for structured methods,
 *                   the biases of removed heads or channels
 * @param weights    tensor name to the values to write instead of the masked original (only for
 *                   methods that update kept weights; empty otherwise)
 */
public record MaskArtifact(Provenance provenance, Map<String, Mask> masks, Map<String, float[]> weights) {

    /** The current format version of mask files. */
    public static final int FORMAT_VERSION = 1;

    /** One tensor's keep-mask ({@code true} = kept), row-major in the stored shape. */
    public record Mask(List<Long> shape, boolean[] keep) {
        public Mask {
            shape = List.copyOf(shape);
            long n = 1;
            for (long d : shape) n *= d;
            if (n != keep.length) throw new IllegalArgumentException("shape " + shape + " holds " + n + " values, the mask " + keep.length);
        }

        public long pruned() {
            long p = 0;
            for (boolean k : keep) if (!k) p++;
            return p;
        }
    }

    /**
     * Where a mask came from.
     *
     * @param formatVersion     the mask file format version
     * @param model             the model's file name (or sample id)
     * @param modelSha256       hex sha256 of the model file
     * @param method            the method name
     * @param sparsity          the asked share
     * @param nm                "2:4", or "" for unstructured
     * @param scope             over what the share is exact (LAYER, GLOBAL, HEADS, CHANNELS)
     * @param include           include patterns
     * @param exclude           exclude patterns
     * @param seed              the seed (random)
     * @param calibration       the calibration data in words, "" for data-free methods
     * @param calibrationTokens tokens of calibration data
     * @param importance        structured methods: the importance score, in words
     * @param removed           structured methods: one line per block ("layer 0: heads 1, 5 of 12")
     * @param appVersion        the workbench version that made it
     * @param created           ISO-8601 instant
     */
    public record Provenance(int formatVersion, String model, String modelSha256, String method, double sparsity, String nm, String scope,
                             List<String> include, List<String> exclude, long seed, String calibration, long calibrationTokens,
                             String importance, List<String> removed, String appVersion, String created) {
        public Provenance {
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
            removed = List.copyOf(removed);
        }

        /**
         * The settings as strings, in a fixed order (method, sparsity, nm, scope, include,
         * exclude, seed, calibration, calibration_tokens, importance; empty ones left out), e.g.
         * for a workspace artifact's provenance.
         */
        public Map<String, String> settings() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("method", method);
            m.put("sparsity", Double.toString(sparsity));
            if (!nm.isEmpty()) m.put("nm", nm);
            m.put("scope", scope);
            if (!include.isEmpty()) m.put("include", String.join(",", include));
            if (!exclude.isEmpty()) m.put("exclude", String.join(",", exclude));
            m.put("seed", Long.toString(seed));
            if (!calibration.isEmpty()) {
                m.put("calibration", calibration);
                m.put("calibration_tokens", Long.toString(calibrationTokens));
            }
            if (!importance.isEmpty()) m.put("importance", importance);
            return m;
        }
    }

    public MaskArtifact {
        masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
        weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        for (String w : weights.keySet()) {
            if (!masks.containsKey(w)) throw new IllegalArgumentException("values for " + w + " without a mask");
            if (weights.get(w).length != masks.get(w).keep().length) throw new IllegalArgumentException(w + ": values and mask differ in size");
        }
    }

    /**
     * The artifact of a pruning result.
     *
     * @param model       the model that was pruned (for the tensors' shapes)
     * @param modelName   its file name or sample id
     * @param modelSha256 hex sha256 of its file
     * @param appVersion  the workbench version
     */
    public static MaskArtifact of(PruneResult r, ModelProto model, String modelName, String modelSha256, String appVersion) {
        Map<String, Mask> masks = new LinkedHashMap<>();
        for (var e : r.masks().entrySet()) {
            List<Long> shape = PrunedModels.shape(model, e.getKey());
            if (shape == null) throw new IllegalArgumentException("the model has no tensor " + e.getKey());
            masks.put(e.getKey(), new Mask(shape, e.getValue()));
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        if (r.method().updatesKept()) weights.putAll(r.weights());
        List<String> removed = new ArrayList<>();
        for (PruneResult.Removed x : r.removed()) {
            StringBuilder sb = new StringBuilder(x.block()).append(": ").append(x.unit()).append("s ");
            for (int i = 0; i < x.indices().length; i++) sb.append(i > 0 ? ", " : "").append(x.indices()[i]);
            removed.add(sb.append(" of ").append(x.total()).toString());
        }
        PruneSpec s = r.spec();
        Provenance p = new Provenance(FORMAT_VERSION, modelName, modelSha256, s.method(), s.sparsity(), s.nm() == null ? "" : s.nm().toString(),
                r.method().scope().name(), s.include(), s.exclude(), s.seed(), r.calibration(), r.calibrationTokens(), r.importance(),
                removed, appVersion, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return new MaskArtifact(p, masks, weights);
    }

    /**
     * Checks that the artifact fits a model file: a mask that carries updated weights
     * (SparseGPT) only applies to the very model it was made from.
     *
     * @return "" when the file is the one the mask was made from, else a warning to show
     * @throws IllegalArgumentException for updated weights of another model file
     */
    public String checkModel(String sha256) {
        if (provenance.modelSha256().isEmpty() || provenance.modelSha256().equalsIgnoreCase(sha256)) return "";
        if (!weights.isEmpty()) {
            throw new IllegalArgumentException("this mask holds " + provenance.method() + "'s updated weights for another model file (sha256 "
                    + provenance.modelSha256() + "), so it cannot be applied to this one (sha256 " + sha256 + ")");
        }
        return "the mask was made from another file of the model (sha256 " + provenance.modelSha256() + "); the shapes fit, so it is applied";
    }

    /**
     * The pruning result this mask file records, against {@code model} (the model it was made
     * for: each masked weight must be there with the mask's shape), as a reopened workspace shows
     * it: the method and settings from the provenance, the masks and any updated weights, a
     * report per prunable weight (PRUNED for the masked ones, EXCLUDED "not in this mask file"
     * for the rest). Structured methods' per-block lists of removed units are not kept in the
     * file (only their lines in words, {@link Provenance#removed()}), so {@code removed()} is empty.
     *
     * @throws IllegalArgumentException for a mask of another model (a masked tensor missing or of
     *                                  another shape) or of a method this version does not know
     */
    public PruneResult toResult(ai.onnx.proto.OnnxMl.ModelProto model) {
        Map<String, float[]> values = PrunedModels.values(model, this);
        List<LayerReport> layers = new ArrayList<>();
        for (PrunableWeight w : PrunableWeights.find(model)) {
            Mask m = masks.get(w.name());
            layers.add(m == null ? new LayerReport(w, LayerReport.Status.EXCLUDED, w.count(), 0, "not in this mask file")
                    : new LayerReport(w, LayerReport.Status.PRUNED, w.count(), m.pruned(), ""));
        }
        Provenance p = provenance;
        PruneMethod method = Pruning.method(p.method());
        PruneSpec spec = new PruneSpec(p.method(), p.sparsity(), p.nm().isEmpty() ? null : NM.parse(p.nm()), p.include(), p.exclude(),
                p.seed());
        Map<String, boolean[]> keep = new LinkedHashMap<>();
        masks.forEach((name, m) -> keep.put(name, m.keep()));
        return new PruneResult(spec, method, values, keep, layers, List.of(), p.calibration(), p.calibrationTokens(), p.importance());
    }

    /** Weights the masks cover, and how many of them are pruned. */
    public long count() {
        return masks.values().stream().mapToLong(m -> m.keep().length).sum();
    }

    public long pruned() {
        return masks.values().stream().mapToLong(Mask::pruned).sum();
    }

    /** One line: "sparsegpt 2:4 on all-minilm-l6-v2, 512 texts of ... (12,345 tokens)". */
    public String describe() {
        Provenance p = provenance;
        String what = p.method() + " " + (p.nm().isEmpty() ? String.format(Locale.ROOT, "%.4g%%", 100 * p.sparsity()) : p.nm());
        return what + " of " + p.model() + (p.calibration().isEmpty() ? "" : String.format(Locale.ROOT, ", calibrated on %s (%,d tokens)",
                p.calibration(), p.calibrationTokens()));
    }
}
