package sparsity.views.sae;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import sparsity.sae.train.RunSummary;
import sparsity.views.export.TableData;

/**
 * The runs to compare: one row per autoencoder (architecture, latents, k, tokens, held-out FVU,
 * explained variance, cosine, L0, dead and dense counts, speed), and the L0-vs-FVU points, one
 * series per architecture. Rows are replaced by folder, so a run trained again updates its row.
 */
public final class RunsViewModel {

    private final ObservableList<RunSummary> runs = FXCollections.observableArrayList();
    private final XYSeriesCollection points = new XYSeriesCollection();

    public ObservableList<RunSummary> runs() {
        return runs;
    }

    public XYSeriesCollection points() {
        return points;
    }

    /** Adds a run, or replaces the run of the same folder (FX thread). */
    public void put(RunSummary r) {
        runs.removeIf(x -> x.dir().toAbsolutePath().equals(r.dir().toAbsolutePath()));
        runs.add(r);
        rebuild();
    }

    public void remove(java.nio.file.Path dir) {
        runs.removeIf(x -> x.dir().toAbsolutePath().equals(dir.toAbsolutePath()));
        rebuild();
    }

    private void rebuild() {
        Map<String, XYSeries> byArch = new TreeMap<>();
        for (RunSummary r : runs) {
            if (!r.hasEval()) continue;
            byArch.computeIfAbsent(r.architecture(), a -> new XYSeries(a, false, true)).add(r.l0(), r.fvu());
        }
        points.removeAllSeries();
        byArch.values().forEach(points::addSeries);
    }

    /** The label of the point (series s, item i): the run's name. */
    public String label(int series, int item) {
        String arch = (String) points.getSeriesKey(series);
        int i = 0;
        for (RunSummary r : runs) {
            if (!r.hasEval() || !r.architecture().equals(arch)) continue;
            if (i++ == item) return r.name();
        }
        return "";
    }

    /** The comparison for a report: the table and the L0-vs-FVU chart. */
    public List<sparsity.views.report.ReportItem> reportItems() {
        if (runs.isEmpty()) return List.of();
        org.jfree.chart.JFreeChart chart = org.jfree.chart.ChartFactory.createScatterPlot("L0 vs FVU (held out)", "L0", "FVU", points,
                org.jfree.chart.plot.PlotOrientation.VERTICAL, true, false, false);
        sparsity.views.charts.Charts.themed(chart);
        return List.of(new sparsity.views.report.ReportItem("sae-runs", "Autoencoder runs", "Autoencoders", Map.of(), null, table()),
                new sparsity.views.report.ReportItem("sae-runs-l0-fvu", "L0 vs FVU of the runs", "Autoencoders", Map.of(),
                        sparsity.views.export.ImageSource.of(chart), null));
    }

    public TableData table() {
        List<List<String>> rows = new ArrayList<>();
        for (RunSummary r : runs) {
            rows.add(List.of(r.name(), r.architecture(), "" + r.n(), "" + r.k(), "" + r.tokens(), f(r.fvu()), f(r.explainedVariance()),
                    f(r.cosine()), f(r.l0()), r.dead() < 0 ? "" : "" + r.dead(), r.dense() < 0 ? "" : "" + r.dense(),
                    String.format(Locale.ROOT, "%.0f", r.tokensPerSecond()), r.stopped() ? "stopped" : "done",
                    r.downstream() == null ? "" : f(r.downstream().cosine()), r.downstream() == null ? "" : f(r.downstream().kl()),
                    r.downstream() == null ? "" : f(r.downstream().splicedAccuracy()), r.downstream() == null ? "" : f(r.downstream().cleanAccuracy()),
                    r.downstream() == null ? "" : f(r.downstream().ceRecovered()), r.dir().toString()));
        }
        return new TableData("autoencoder runs", List.of("run", "architecture", "latents", "k", "tokens", "fvu", "explained_variance",
                "cosine", "l0", "dead", "dense", "tokens_per_s", "state", "spliced_output_cosine", "spliced_kl", "spliced_accuracy",
                "clean_accuracy", "ce_loss_recovered", "folder"), rows);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
