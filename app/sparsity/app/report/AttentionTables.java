package sparsity.app.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sparsity.attention.HeadAnalysis;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.attention.metrics.Stat;
import sparsity.views.export.TableData;

/** The per-head attention table, the same in {@code ./workbench attention} and in reports. */
public final class AttentionTables {

    private AttentionTables() {
    }

    /** One row per head: label, entropy, coverage densities, recall curve, scores and pattern fit. */
    public static TableData heads(List<HeadAnalysis.HeadReport> heads) {
        List<String> cols = new ArrayList<>(List.of("layer", "layer_label", "head", "label", "entropy", "entropy_sd", "norm_entropy",
                "norm_entropy_sd", "density_0.9", "density_0.95", "density_0.99", "sparsity_0.9"));
        HeadMetrics.Settings st = heads.getFirst().metrics().settings();
        for (double r : st.recallDensities()) cols.add("recall@" + r);
        cols.addAll(List.of("sink", "previous_token", "local", "induction", "pattern", "vertical_size", "slash_size", "pattern_score"));
        List<List<String>> rows = new ArrayList<>();
        for (HeadAnalysis.HeadReport h : heads) {
            HeadMetrics.Result m = h.metrics();
            List<String> row = new ArrayList<>(List.of("" + h.layer(), h.layerLabel(), "" + h.head(), h.label(), f(m.entropy().mean()),
                    f(m.entropy().std()), f(m.normalizedEntropy().mean()), f(m.normalizedEntropy().std()), f(m.coverageAt(0.9).mean()),
                    f(m.coverageAt(0.95).mean()), f(m.coverageAt(0.99).mean()), f(1 - m.coverageAt(0.9).mean())));
            for (Stat s : m.recall()) row.add(f(s.mean()));
            row.addAll(List.of(f(m.sink().mean()), f(m.previousToken().mean()), f(m.local().mean()),
                    m.induction().n() > 0 ? f(m.induction().mean()) : "", h.pattern().best().pattern(),
                    "" + h.pattern().best().verticalSize(), "" + h.pattern().best().slashSize(), f(h.pattern().best().score())));
            rows.add(row);
        }
        return new TableData("Attention heads", cols, rows);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
