package sparsity.analysis.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import ai.onnx.proto.OnnxMl.ModelProto;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.graph.TensorPattern;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

/**
 * The one entry to weight pruning, for the CLI, the sweeps and the views:
 *
 * <pre>{@code
 * Calibration cal = Calibration.collect(model, file, batches, "512 texts of corpus", true, backend, progress); // wanda, sparsegpt
 * PruneResult r = Pruning.apply(model, PruneSpec.of("sparsegpt", 0.5).withNm(NM.TWO_FOUR), cal, progress);
 * ModelProto pruned = r.applyTo(model);
 * }</pre>
 *
 * Methods ({@link #methods()}, ALGORITHMS.md "Pruning masks"): magnitude (layer-wise),
 * magnitude-global, random, lamp (global), wanda, sparsegpt (each unstructured, and N:M except
 * the global ones), heads and channels (structured). Which weights are prunable comes from the
 * graph ({@link PrunableWeights}); quantized and non-float32 weights are reported as unsupported
 * and left alone. Counts are exact: round(sparsity x weights) per layer for layer-wise methods,
 * over all selected weights for global ones, round(sparsity x heads) heads per attention block
 * and round(sparsity x channels) channels per MLP for the structured ones.
 *
 * <p>Structured pruning zeroes what it removes and keeps the model's shapes: a removed head's
 * query, key and value columns and biases and its output-projection rows; a removed channel's
 * up-projection row(s) and bias entry and its down-projection column. The head (or channel) then
 * adds exactly nothing to the block's output; a later step could cut the tensors physically.
 */
public final class Pruning {

    private Pruning() {
    }

    /** Every method, in menu order. */
    public static List<PruneMethod> methods() {
        return PruneMethod.ALL;
    }

    /**
     * A method by name.
     *
     * @throws IllegalArgumentException naming the methods there are
     */
    public static PruneMethod method(String name) {
        for (PruneMethod m : PruneMethod.ALL) if (m.name().equalsIgnoreCase(name)) return m;
        throw new IllegalArgumentException("no pruning method '" + name + "'; there are "
                + String.join(", ", PruneMethod.ALL.stream().map(PruneMethod::name).toList()));
    }

    /** {@link #apply(ModelProto, PruneSpec, Calibration, Backend, ProgressListener)} on the fastest CPU backend. */
    public static PruneResult apply(ModelProto model, PruneSpec spec, Calibration calibration, ProgressListener progress)
            throws InterruptedException {
        try (Backend be = Backends.cpu()) {
            return apply(model, spec, calibration, be, progress);
        }
    }

    /**
     * Chooses the masks (and SparseGPT's updated weights) for a model; the model is not changed
     * ({@link PruneResult#applyTo} writes them in).
     *
     * @param calibration statistics of the layer inputs, or null for data-free methods (and the
     *                    weight-only importance of the structured ones)
     * @throws IllegalArgumentException for an unknown method, an N:M pattern it does not take,
     *                                  missing calibration, a model with nothing it can prune
     * @throws InterruptedException     when the thread is interrupted (between layers)
     */
    public static PruneResult apply(ModelProto model, PruneSpec spec, Calibration calibration, Backend be, ProgressListener progress)
            throws InterruptedException {
        PruneMethod method = method(spec.method());
        if (spec.nm() != null && !method.nm()) {
            throw new IllegalArgumentException(method.name() + " does not take an N:M pattern"
                    + (method.scope() == PruneMethod.Scope.GLOBAL ? " (it prunes by one threshold over all layers)" : ""));
        }
        if (method.needsCalibration() && calibration == null) {
            throw new IllegalArgumentException(method.name() + " needs calibration data (the inputs of every layer over real examples)");
        }
        if (method.name().equals("sparsegpt") && !calibration.hasGram()) {
            throw new IllegalArgumentException("sparsegpt needs a calibration with the Gram matrices X^T X (collect it with gram = true)");
        }
        Selection sel = new Selection(spec);
        return method.structured()
                ? structured(model, spec, method, calibration, sel, progress)
                : unstructured(model, spec, method, calibration, sel, be, progress);
    }

    // ------------------------------------------------------------------ unstructured

    private static PruneResult unstructured(ModelProto model, PruneSpec spec, PruneMethod method, Calibration cal, Selection sel,
                                            Backend be, ProgressListener progress) throws InterruptedException {
        List<PrunableWeight> all = PrunableWeights.find(model);
        Map<String, LayerReport> reports = new LinkedHashMap<>();
        List<PrunableWeight> chosen = new ArrayList<>();
        NM nm = spec.nm();
        Map<String, String> noInput = new java.util.HashMap<>();
        if (method.needsCalibration()) Calibration.layerInputs(model, PrunedModels.supported(model), noInput);
        for (PrunableWeight w : all) {
            if (!w.supported()) {
                reports.put(w.name(), new LayerReport(w, LayerReport.Status.UNSUPPORTED, w.count(), 0, w.note()));
            } else if (!sel.selected(w)) {
                reports.put(w.name(), new LayerReport(w, LayerReport.Status.EXCLUDED, w.count(), 0, sel.why(w)));
            } else if (method.needsCalibration() && cal.input(w.name()).isEmpty()) {
                reports.put(w.name(), new LayerReport(w, LayerReport.Status.LEFT_DENSE, w.count(), 0,
                        noInput.getOrDefault(w.name(), cal.whyNot(w.name()))));
            } else if (nm != null && w.in() % nm.m() != 0) {
                reports.put(w.name(), new LayerReport(w, LayerReport.Status.LEFT_DENSE, w.count(), 0,
                        "N:M " + nm + " needs an input width that is a multiple of " + nm.m() + ", this layer has " + w.in()));
            } else {
                reports.put(w.name(), null);
                chosen.add(w);
            }
        }
        if (chosen.isEmpty()) throw new IllegalArgumentException(nothingToPrune(reports.values()));
        List<float[]> values = new ArrayList<>();
        for (PrunableWeight w : chosen) values.add(w.toOutIn(PrunedModels.stored(model, w)));
        List<boolean[]> keep = new ArrayList<>();
        List<float[]> updated = new ArrayList<>();
        if (method.scope() == PruneMethod.Scope.GLOBAL) {
            List<float[]> scores = new ArrayList<>();
            for (float[] v : values) scores.add(method.name().equals("lamp") ? Scores.lamp(v) : Scores.magnitude(v));
            keep.addAll(Masks.global(scores, spec.sparsity()));
            for (int i = 0; i < chosen.size(); i++) updated.add(null);
        } else {
            for (int i = 0; i < chosen.size(); i++) {
                if (Thread.interrupted()) throw new InterruptedException("pruning cancelled");
                PrunableWeight w = chosen.get(i);
                progress.update((double) i / chosen.size(), String.format(Locale.ROOT, "%s: layer %d of %d, %s", method.name(), i + 1,
                        chosen.size(), w.node()));
                float[] v = values.get(i);
                float[] upd = null;
                boolean[] k = switch (method.name()) {
                    case "magnitude" -> cut(Scores.magnitude(v), w, spec);
                    case "random" -> cut(Scores.random(v.length, spec.seed() * 1_000_003L + w.name().hashCode()), w, spec);
                    case "wanda" -> {
                        float[] s = Scores.wanda(v, w.out(), w.in(), cal.input(w.name()).orElseThrow().norms());
                        yield nm != null ? Masks.nm(s, w.out(), w.in(), nm.n(), nm.m()) : Masks.perRow(s, w.out(), w.in(), spec.sparsity());
                    }
                    case "sparsegpt" -> {
                        Calibration.LayerInput in = cal.input(w.name()).orElseThrow();
                        SparseGpt.Result r;
                        try {
                            r = SparseGpt.pruneWithHessian(be, v, w.out(), w.in(), in.gram(), spec.sparsity(),
                                    nm != null ? nm.n() : 0, nm != null ? nm.m() : 0);
                        } catch (SparseGpt.CancelledException e) {
                            throw new InterruptedException("pruning cancelled");
                        }
                        upd = r.weights();
                        yield r.keep();
                    }
                    default -> throw new IllegalStateException("no unstructured method " + method.name());
                };
                keep.add(k);
                updated.add(upd);
            }
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        for (int i = 0; i < chosen.size(); i++) {
            PrunableWeight w = chosen.get(i);
            boolean[] k = keep.get(i);
            float[] v = updated.get(i) != null ? updated.get(i) : values.get(i).clone();
            long pruned = 0;
            for (int j = 0; j < v.length; j++) {
                if (!k[j]) {
                    v[j] = 0;
                    pruned++;
                }
            }
            weights.put(w.name(), w.toStored(v));
            masks.put(w.name(), w.toStored(k));
            reports.put(w.name(), new LayerReport(w, LayerReport.Status.PRUNED, w.count(), pruned, ""));
        }
        progress.update(1, method.name() + ": " + chosen.size() + " layers pruned");
        return new PruneResult(spec, method, weights, masks, List.copyOf(reports.values()), List.of(),
                method.needsCalibration() ? cal.description() : "", method.needsCalibration() ? cal.tokens() : 0, "");
    }

    private static boolean[] cut(float[] scores, PrunableWeight w, PruneSpec spec) {
        NM nm = spec.nm();
        return nm != null ? Masks.nm(scores, w.out(), w.in(), nm.n(), nm.m()) : Masks.unstructured(scores, spec.sparsity());
    }

    // ------------------------------------------------------------------ structured

    private static PruneResult structured(ModelProto model, PruneSpec spec, PruneMethod method, Calibration cal, Selection sel,
                                          ProgressListener progress) throws InterruptedException {
        boolean heads = method.name().equals("heads");
        List<PrunableWeight> all = PrunableWeights.find(model);
        Map<String, boolean[]> keep = new LinkedHashMap<>(); // [out, in] views
        Map<String, boolean[]> biasKeep = new LinkedHashMap<>();
        Map<String, PrunableWeight> byName = new LinkedHashMap<>();
        for (PrunableWeight w : all) byName.put(w.name(), w);
        Map<String, float[]> values = new LinkedHashMap<>();
        List<PruneResult.Removed> removed = new ArrayList<>();
        java.util.Set<String> partOfBlock = new java.util.HashSet<>();
        java.util.Set<String> notSelected = new java.util.HashSet<>();
        boolean usedCalibration = false;
        boolean usedGram = false;
        int blocks;
        if (heads) {
            List<Structures.AttentionBlock> found = Structures.attention(model);
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no attention blocks with separate query, key, value and output projections were found "
                        + "(fused QKV projections and grouped-query attention are not supported)");
            }
            blocks = found.size();
            for (int bi = 0; bi < found.size(); bi++) {
                if (Thread.interrupted()) throw new InterruptedException("pruning cancelled");
                Structures.AttentionBlock b = found.get(bi);
                b.weights().forEach(w -> partOfBlock.add(w.name()));
                if (!sel.selected(b.weights())) {
                    b.weights().forEach(w -> notSelected.add(w.name()));
                    continue;
                }
                progress.update((double) bi / found.size(), "heads: " + b.label());
                PrunableWeight o = b.output();
                float[] ov = values.computeIfAbsent(o.name(), n -> o.toOutIn(PrunedModels.stored(model, o)));
                Optional<Calibration.LayerInput> in = cal == null ? Optional.empty() : cal.input(o.name());
                usedCalibration |= in.isPresent();
                usedGram |= in.isPresent() && in.get().hasGram();
                float[] imp = headImportance(ov, o.out(), o.in(), b.heads(), b.headDim(), in.orElse(null));
                int[] gone = lowest(imp, Masks.pruneCount(b.heads(), spec.sparsity()));
                removed.add(new PruneResult.Removed(b.label(), "head", b.heads(), gone, imp));
                for (PrunableWeight w : List.of(b.query(), b.key(), b.value())) {
                    boolean[] k = keep.computeIfAbsent(w.name(), n -> filled(w.out() * w.in()));
                    for (int h : gone) for (int f = h * b.headDim(); f < (h + 1) * b.headDim(); f++) for (int i = 0; i < w.in(); i++) k[f * w.in() + i] = false;
                }
                boolean[] k = keep.computeIfAbsent(o.name(), n -> filled(o.out() * o.in()));
                for (int h : gone) for (int r = 0; r < o.out(); r++) for (int f = h * b.headDim(); f < (h + 1) * b.headDim(); f++) k[r * o.in() + f] = false;
                for (String bias : b.qkvBiases()) {
                    boolean[] bk = biasKeep.computeIfAbsent(bias, n -> filled(b.heads() * b.headDim()));
                    for (int h : gone) for (int f = h * b.headDim(); f < (h + 1) * b.headDim(); f++) bk[f] = false;
                }
            }
        } else {
            List<Structures.Mlp> found = Structures.mlps(model);
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no MLPs were found (an up-projection feeding a down-projection through element-wise "
                        + "ops only, such as a bias Add and an activation)");
            }
            blocks = found.size();
            for (int bi = 0; bi < found.size(); bi++) {
                if (Thread.interrupted()) throw new InterruptedException("pruning cancelled");
                Structures.Mlp mlp = found.get(bi);
                mlp.weights().forEach(w -> partOfBlock.add(w.name()));
                if (!sel.selected(mlp.weights())) {
                    mlp.weights().forEach(w -> notSelected.add(w.name()));
                    continue;
                }
                progress.update((double) bi / found.size(), "channels: " + mlp.label());
                PrunableWeight d = mlp.down();
                float[] dv = values.computeIfAbsent(d.name(), n -> d.toOutIn(PrunedModels.stored(model, d)));
                int f = mlp.channels();
                double[] col = new double[f];
                for (int r = 0; r < d.out(); r++) for (int j = 0; j < f; j++) col[j] += (double) dv[r * f + j] * dv[r * f + j];
                Optional<Calibration.LayerInput> in = cal == null ? Optional.empty() : cal.input(d.name());
                usedCalibration |= in.isPresent();
                float[] imp = new float[f];
                if (in.isPresent()) {
                    for (int j = 0; j < f; j++) imp[j] = (float) Math.sqrt(in.get().sumSquares()[j] * col[j]);
                } else {
                    double[] row = new double[f];
                    for (PrunableWeight u : mlp.ups()) {
                        float[] uv = values.computeIfAbsent(u.name(), n -> u.toOutIn(PrunedModels.stored(model, u)));
                        for (int j = 0; j < f; j++) for (int i = 0; i < u.in(); i++) row[j] += (double) uv[j * u.in() + i] * uv[j * u.in() + i];
                    }
                    for (int j = 0; j < f; j++) imp[j] = (float) Math.sqrt(row[j] * col[j]);
                }
                int[] gone = lowest(imp, Masks.pruneCount(f, spec.sparsity()));
                removed.add(new PruneResult.Removed(mlp.label(), "channel", f, gone, imp));
                for (PrunableWeight u : mlp.ups()) {
                    boolean[] k = keep.computeIfAbsent(u.name(), n -> filled(u.out() * u.in()));
                    for (int j : gone) for (int i = 0; i < u.in(); i++) k[j * u.in() + i] = false;
                }
                boolean[] k = keep.computeIfAbsent(d.name(), n -> filled(d.out() * d.in()));
                for (int j : gone) for (int r = 0; r < d.out(); r++) k[r * f + j] = false;
                for (String bias : mlp.biases()) {
                    boolean[] bk = biasKeep.computeIfAbsent(bias, n -> filled(f));
                    for (int j : gone) bk[j] = false;
                }
            }
        }
        if (keep.isEmpty()) {
            throw new IllegalArgumentException("the include/exclude patterns leave none of the model's " + blocks
                    + (heads ? " attention blocks" : " MLPs") + " to prune (a block is pruned only when none of its weights is excluded)");
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        List<LayerReport> reports = new ArrayList<>();
        for (PrunableWeight w : all) {
            boolean[] k = keep.get(w.name());
            if (k != null) {
                float[] v = values.computeIfAbsent(w.name(), n -> w.toOutIn(PrunedModels.stored(model, w))).clone();
                long pruned = 0;
                for (int j = 0; j < v.length; j++) {
                    if (!k[j]) {
                        v[j] = 0;
                        pruned++;
                    }
                }
                weights.put(w.name(), w.toStored(v));
                masks.put(w.name(), w.toStored(k));
                reports.add(new LayerReport(w, LayerReport.Status.PRUNED, w.count(), pruned, ""));
            } else if (!w.supported()) {
                reports.add(new LayerReport(w, LayerReport.Status.UNSUPPORTED, w.count(), 0, w.note()));
            } else if (notSelected.contains(w.name()) || !sel.selected(w)) {
                reports.add(new LayerReport(w, LayerReport.Status.EXCLUDED, w.count(), 0, partOfBlock.contains(w.name())
                        ? "its " + (heads ? "attention block" : "MLP") + " is not selected by the include/exclude patterns" : sel.why(w)));
            } else {
                reports.add(new LayerReport(w, LayerReport.Status.LEFT_DENSE, w.count(), 0,
                        heads ? "not a projection of a recognised attention block" : "not part of a recognised MLP"));
            }
        }
        for (var e : biasKeep.entrySet()) {
            float[] v = PrunedModels.stored(model, e.getKey()).clone();
            for (int j = 0; j < v.length; j++) if (!e.getValue()[j]) v[j] = 0;
            weights.put(e.getKey(), v);
            masks.put(e.getKey(), e.getValue());
        }
        String importance;
        if (heads) {
            importance = !usedCalibration ? "the Frobenius norm of each head's rows of the output projection (no calibration)"
                    : (usedGram ? "the energy of each head's output (||X_h W_h||^2 through the output projection) over "
                    : "the diagonal part of each head's output energy (sum_j ||X_j||^2 ||W_j||^2; no X^T X collected) over ")
                    + String.format(Locale.ROOT, "%,d", cal.tokens()) + " calibration tokens";
        } else {
            importance = usedCalibration ? "||X_j|| x ||W_down[:, j]|| over " + String.format(Locale.ROOT, "%,d", cal.tokens())
                    + " calibration tokens" : "||W_up[j, :]|| x ||W_down[:, j]|| (no calibration)";
        }
        progress.update(1, method.name() + ": " + removed.size() + " blocks pruned");
        return new PruneResult(spec, method, weights, masks, reports, removed, usedCalibration ? cal.description() : "",
                usedCalibration ? cal.tokens() : 0, importance);
    }

    /**
     * Importance of each head: with the Gram matrix G of the output projection's input, the
     * energy sum_o w_ho^T G_hh w_ho of the head's contribution; with only the sums of squares,
     * its diagonal part; without calibration the squared Frobenius norm of the head's slice.
     */
    static float[] headImportance(float[] o, int out, int in, int heads, int dim, Calibration.LayerInput x) {
        float[] imp = new float[heads];
        for (int h = 0; h < heads; h++) {
            double e = 0;
            int f0 = h * dim;
            for (int r = 0; r < out; r++) {
                int base = r * in;
                if (x != null && x.hasGram()) {
                    for (int i = 0; i < dim; i++) {
                        double wi = o[base + f0 + i];
                        if (wi == 0) continue;
                        double acc = 0;
                        for (int j = 0; j < dim; j++) acc += x.gram()[(f0 + i) * in + f0 + j] * (double) o[base + f0 + j];
                        e += wi * acc;
                    }
                } else {
                    for (int i = 0; i < dim; i++) {
                        double wi = o[base + f0 + i];
                        e += wi * wi * (x != null ? x.sumSquares()[f0 + i] : 1);
                    }
                }
            }
            imp[h] = (float) e;
        }
        return imp;
    }

    private static int[] lowest(float[] importance, int k) {
        int[] order = Masks.ascending(importance, 0, importance.length);
        int[] r = java.util.Arrays.copyOf(order, k);
        java.util.Arrays.sort(r);
        return r;
    }

    private static boolean[] filled(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    private static String nothingToPrune(java.util.Collection<LayerReport> reports) {
        StringBuilder sb = new StringBuilder("nothing to prune");
        java.util.Set<String> why = new java.util.LinkedHashSet<>();
        for (LayerReport r : reports) if (r != null && !r.note().isEmpty()) why.add(r.note());
        if (!why.isEmpty()) sb.append(": ").append(String.join("; ", why));
        return sb.toString();
    }

    /** The include/exclude patterns. */
    private static final class Selection {
        final List<TensorPattern> include = new ArrayList<>();
        final List<TensorPattern> exclude = new ArrayList<>();

        Selection(PruneSpec spec) {
            for (String p : spec.include()) include.add(TensorPattern.parse(p));
            for (String p : spec.exclude()) exclude.add(TensorPattern.parse(p));
        }

        boolean selected(PrunableWeight w) {
            for (TensorPattern p : exclude) if (matches(p, w)) return false;
            if (include.isEmpty()) return true;
            for (TensorPattern p : include) if (matches(p, w)) return true;
            return false;
        }

        /** A block: none of its weights excluded, one of them included. */
        boolean selected(List<PrunableWeight> ws) {
            for (PrunableWeight w : ws) for (TensorPattern p : exclude) if (matches(p, w)) return false;
            if (include.isEmpty()) return true;
            for (PrunableWeight w : ws) for (TensorPattern p : include) if (matches(p, w)) return true;
            return false;
        }

        String why(PrunableWeight w) {
            for (TensorPattern p : exclude) if (matches(p, w)) return "excluded by " + p.text();
            return "not matched by the include patterns";
        }

        private static boolean matches(TensorPattern p, PrunableWeight w) {
            return p.matches(w.name()) || p.matches(w.node());
        }
    }
}
