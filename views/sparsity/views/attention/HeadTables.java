package sparsity.views.attention;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sparsity.attention.HeadAnalysis;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.attention.metrics.Stat;
import sparsity.views.export.TableData;

/**
 * The per-head attention table: the head table's CSV in the app, {@code heads.csv} of
 * {@code ./workbench attention} and the reports all come from here, so they agree. Also the
 * atlas captions made from the head reports.
 */
public final class HeadTables {

    private HeadTables() {
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

    /** "sparsity 0.94": one minus the coverage density at 0.9 mass, averaged over rows and examples. */
    public static String sparsityFigure(HeadAnalysis.HeadReport h) {
        return String.format(Locale.ROOT, "sparsity %.2f", 1 - h.metrics().coverageAt(0.9).mean());
    }

    /**
     * The atlas with each head captioned by its report: the label (e.g. "previous-token") and
     * "sparsity" = 1 - density at 0.9. Heads without a report keep their captions.
     */
    public static AtlasModel captioned(AtlasModel atlas, List<HeadAnalysis.HeadReport> reports) {
        List<AtlasModel.Head> out = new ArrayList<>(atlas.maps().size());
        for (AtlasModel.Head h : atlas.maps()) {
            HeadAnalysis.HeadReport r = find(reports, h.layer(), h.head());
            out.add(r == null ? h : new AtlasModel.Head(h.layer(), h.head(), h.map(), h.rows(), h.cols(), r.label(), sparsityFigure(r)));
        }
        return new AtlasModel(atlas.title(), atlas.layers(), atlas.heads(), out);
    }

    /** The report of (layer, head), or null. */
    public static HeadAnalysis.HeadReport find(List<HeadAnalysis.HeadReport> reports, int layer, int head) {
        for (HeadAnalysis.HeadReport r : reports) if (r.layer() == layer && r.head() == head) return r;
        return null;
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
