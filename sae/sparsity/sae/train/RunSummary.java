package sparsity.sae.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import sparsity.analysis.json.Json;
import sparsity.analysis.json.JsonException;

/**
 * A finished (or stopped) run as {@code run.json} records it: what was trained and the held-out
 * metrics (NaN when there are none), for the table that compares runs.
 */
public record RunSummary(Path dir, String name, String architecture, String tensor, int d, int n, int k, long steps, long tokens,
                         boolean stopped, double seconds, double tokensPerSecond, double fvu, double explainedVariance,
                         double cosine, double l0, long dead, long dense, Map<String, String> settings, TrainingRun.Start start,
                         sparsity.sae.eval.DownstreamSummary downstream) {

    /** Reads {@code dir/run.json}; a clear IOException when it is missing or not a run summary. */
    public static RunSummary read(Path dir) throws IOException {
        Path f = dir.resolve(TrainingRun.SUMMARY);
        if (!Files.isRegularFile(f)) throw new IOException(dir + ": no " + TrainingRun.SUMMARY + " (not a trained autoencoder folder)");
        try {
            Map<String, Object> m = Json.asObject(Json.parse(f), TrainingRun.SUMMARY);
            Map<String, String> settings = new LinkedHashMap<>();
            if (m.get("settings") instanceof Map<?, ?> s) s.forEach((key, v) -> settings.put(String.valueOf(key), String.valueOf(v)));
            Map<?, ?> ev = m.get("eval") instanceof Map<?, ?> e ? e : Map.of();
            return new RunSummary(dir, dir.getFileName() == null ? dir.toString() : dir.getFileName().toString(),
                    Json.asString(m.get("architecture"), "architecture"), String.valueOf(m.get("tensor")),
                    (int) Json.asLong(m.get("d_in"), "d_in"), (int) Json.asLong(m.get("d_sae"), "d_sae"),
                    (int) Json.asLong(m.get("k"), "k"), Json.asLong(m.get("steps"), "steps"), Json.asLong(m.get("tokens"), "tokens"),
                    Boolean.TRUE.equals(m.get("stopped")), dbl(m.get("seconds")), dbl(m.get("tokens_per_second")), dbl(ev.get("fvu")),
                    dbl(ev.get("explained_variance")), dbl(ev.get("cosine")), dbl(ev.get("l0")),
                    ev.get("dead") == null ? -1 : Json.asLong(ev.get("dead"), "dead"),
                    ev.get("dense") == null ? -1 : Json.asLong(ev.get("dense"), "dense"), settings,
                    new TrainingRun.Start(Json.asString(m.get("architecture"), "architecture"), String.valueOf(m.get("tensor")),
                            (int) Json.asLong(m.get("d_in"), "d_in"), (int) Json.asLong(m.get("d_sae"), "d_sae"), lng(m.get("train_rows")),
                            lng(m.get("eval_rows")), lng(m.get("total_steps")), 0, (float) dbl(m.get("activation_scale")),
                            String.valueOf(m.get("backend")), (int) lng(m.get("threads"))),
                    sparsity.sae.eval.DownstreamSummary.read(dir).orElse(null));
        } catch (JsonException | IllegalArgumentException e) {
            throw new IOException(f + ": " + e.getMessage(), e);
        }
    }

    private static long lng(Object o) {
        return o instanceof Number x ? x.longValue() : 0;
    }

    private static double dbl(Object o) {
        return o instanceof Number x ? x.doubleValue() : Double.NaN;
    }

    public boolean hasEval() {
        return !Double.isNaN(fvu);
    }
}
