package sparsity.sae.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import sparsity.analysis.json.Json;
import sparsity.analysis.json.JsonException;
import sparsity.analysis.json.JsonWriter;

/**
 * The headline of a downstream evaluation, kept in an autoencoder's folder as
 * {@code downstream.json} so that the comparison of runs shows it: the first output's cosine to
 * the clean output (mean-pooled for token-level embeddings), its KL and top-1 agreement when it
 * is a distribution, accuracy clean and spliced when labels were given, and CE loss recovered for
 * next-token logits. NaN where a metric does not apply.
 */
public record DownstreamSummary(String output, long examples, double cosine, double kl, double top1, double cleanAccuracy,
                                double splicedAccuracy, double ceRecovered, String input) {

    public static final String FILE = "downstream.json";

    /** The headline of a result (its first output). */
    public static DownstreamSummary of(Downstream.Result r, String input) {
        List<Downstream.OutputMetrics> outs = r.outputs();
        if (outs.isEmpty()) return new DownstreamSummary("", r.examples(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, input);
        Downstream.OutputMetrics o = outs.get(0);
        Downstream.Comparison c = o.spliced();
        double cos = o.tokenLevel() && !Double.isNaN(c.pooledCosine()) ? c.pooledCosine() : c.cosine();
        Downstream.Accuracy a = o.accuracy();
        Downstream.CrossEntropy ce = o.crossEntropy();
        return new DownstreamSummary(o.output(), r.examples(), cos, c.kl(), c.top1Agreement(), a == null ? Double.NaN : a.cleanAccuracy(),
                a == null ? Double.NaN : a.splicedAccuracy(), ce == null ? Double.NaN : ce.recovered(), input);
    }

    public void write(Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", output);
        m.put("examples", examples);
        put(m, "cosine", cosine);
        put(m, "kl", kl);
        put(m, "top1_agreement", top1);
        put(m, "clean_accuracy", cleanAccuracy);
        put(m, "spliced_accuracy", splicedAccuracy);
        put(m, "ce_loss_recovered", ceRecovered);
        m.put("input", input);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.writeString(tmp, JsonWriter.pretty(m), StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void put(Map<String, Object> m, String key, double v) {
        if (!Double.isNaN(v)) m.put(key, v);
    }

    /** The summary in {@code dir}, if one was written. */
    public static Optional<DownstreamSummary> read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            Map<String, Object> m = Json.asObject(Json.parse(f), FILE);
            return Optional.of(new DownstreamSummary(String.valueOf(m.get("output")), m.get("examples") instanceof Number n ? n.longValue() : 0,
                    d(m.get("cosine")), d(m.get("kl")), d(m.get("top1_agreement")), d(m.get("clean_accuracy")), d(m.get("spliced_accuracy")),
                    d(m.get("ce_loss_recovered")), String.valueOf(m.get("input"))));
        } catch (JsonException | IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
    }

    private static double d(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
