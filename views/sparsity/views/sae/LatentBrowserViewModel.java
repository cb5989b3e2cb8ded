package sparsity.views.sae;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import org.jfree.chart.JFreeChart;
import sparsity.analysis.ProgressListener;
import sparsity.sae.features.ExampleCodes;
import sparsity.sae.features.ExampleImages;
import sparsity.sae.features.LatentAtlas;
import sparsity.views.export.TableData;
import sparsity.views.model.Formats;
import sparsity.views.report.ReportItem;

/**
 * What the latent browser shows: the table of every latent (density, log10 density, max and mean
 * activation), and for the selected latent its histogram, its top-activating examples with each
 * token's value of the latent, examples from bands of its activation range, and its nearest
 * latents by decoder cosine. The atlas comes from a scan run as a background task
 * ({@link #scan}); the selected latent's examples are encoded by another background task through
 * the {@link ExampleSource}. Knows nothing of its view; use it on the JavaFX thread.
 */
public final class LatentBrowserViewModel {

    /** Tokens shown of a long example, around its row. */
    public static final int MAX_CONTEXT = 48;
    /** Tokens shown before the row when an example is cut. */
    public static final int BEFORE = 32;

    private static final Executor DEFAULT = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "latent-browser");
        t.setDaemon(true);
        return t;
    });

    /** One latent, as the table shows it. */
    public record LatentRow(int latent, long fires, double density, double log10Density, float max, double meanActive) {
    }

    /** A token with its display text (with the space before it) and the selected latent's value on it. */
    public record TokenValue(String text, float value) {
    }

    /**
     * An example as a list shows it: the tokens around {@code focus} (the row the example was
     * picked for) with the latent's value on each, whether tokens were cut before or after, and
     * for image inputs the thumbnail (or why there is none).
     */
    public record ExampleLine(int example, String name, long row, float value, List<TokenValue> tokens, int focus,
                              boolean cutBefore, boolean cutAfter, ExampleImages.Result image) {
        public ExampleLine {
            tokens = List.copyOf(tokens);
        }

        /** The shown tokens as one line of text. */
        public String text() {
            StringBuilder sb = new StringBuilder(cutBefore ? "\u2026" : "");
            for (TokenValue t : tokens) sb.append(t.text());
            return sb.append(cutAfter ? "\u2026" : "").toString();
        }

        /** The focus token's text (stripped), or "" when there is none. */
        public String focusToken() {
            return focus >= 0 && focus < tokens.size() ? tokens.get(focus).text().strip() : "";
        }
    }

    /** A band of the activation range, with a title such as "0.90-1.00 x max (5.12-5.69): 0.5 % of activations". */
    public record BandView(LatentAtlas.Band band, String title, List<ExampleLine> examples) {
        public BandView {
            examples = List.copyOf(examples);
        }
    }

    /** A nearest latent by decoder cosine. */
    public record NeighbourRow(int latent, float cosine, double density, float max) {
    }

    /** Runs the scan; given a listener for progress. */
    @FunctionalInterface
    public interface Scanner {
        LatentAtlas scan(ProgressListener progress) throws Exception;
    }

    private record Loaded(int latent, List<ExampleLine> top, List<BandView> bands) {
    }

    private final String title;
    private final ExampleSource source;
    private final Executor executor;
    private final ReadOnlyObjectWrapper<LatentAtlas> atlas = new ReadOnlyObjectWrapper<>();
    private final ObservableList<LatentRow> latents = FXCollections.observableArrayList();
    private final IntegerProperty selected = new SimpleIntegerProperty(-1);
    private final ObservableList<ExampleLine> top = FXCollections.observableArrayList();
    private final ObservableList<BandView> bands = FXCollections.observableArrayList();
    private final ObservableList<NeighbourRow> neighbours = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper headline = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper overview = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper loadingExamples = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(-1);
    private final BooleanProperty logCounts = new SimpleBooleanProperty(false);
    private Task<LatentAtlas> scanTask;
    private Task<Loaded> examplesTask;

    /**
     * @param title    what is browsed, e.g. "sae-l3 on /encoder/layer.3/output/LayerNorm/Add_1_output_0"
     * @param source   example codes and thumbnails
     * @param executor where the scan and the example encoding run (background threads)
     */
    public LatentBrowserViewModel(String title, ExampleSource source, Executor executor) {
        this.title = Objects.requireNonNull(title, "title");
        this.source = Objects.requireNonNull(source, "source");
        this.executor = Objects.requireNonNull(executor, "executor");
        selected.addListener((o, was, now) -> showLatent(now.intValue()));
    }

    public LatentBrowserViewModel(String title, ExampleSource source) {
        this(title, source, DEFAULT);
    }

    public String title() {
        return title;
    }

    public ExampleSource source() {
        return source;
    }

    // ------------------------------------------------------------------ the scan

    /** Runs a scan in the background (cancelling one in progress); its atlas is shown when it ends. */
    public Task<LatentAtlas> scan(Scanner scanner) {
        Objects.requireNonNull(scanner, "scanner");
        if (scanTask != null) scanTask.cancel();
        Task<LatentAtlas> t = new Task<>() {
            @Override
            protected LatentAtlas call() throws Exception {
                return scanner.scan((f, msg) -> {
                    if (f >= 0) updateProgress(f, 1);
                    updateMessage(msg);
                });
            }
        };
        t.setOnRunning(e -> {
            if (t == scanTask) running.set(true);
        });
        scanTask = t;
        running.set(true);
        error.set("");
        status.unbind();
        status.bind(t.messageProperty());
        progress.unbind();
        progress.bind(t.progressProperty());
        t.setOnSucceeded(e -> {
            if (scanTask != t) return;
            endScan();
            setAtlas(t.getValue());
        });
        t.setOnFailed(e -> {
            if (scanTask != t) return;
            endScan();
            Throwable x = t.getException();
            error.set(x.getMessage() == null ? x.toString() : x.getMessage());
            status.set("The scan failed");
        });
        t.setOnCancelled(e -> {
            if (scanTask != t) return;
            endScan();
            status.set("Scan cancelled");
        });
        executor.execute(t);
        return t;
    }

    /** Stops a scan or an example encoding in progress. */
    public void cancel() {
        if (scanTask != null) scanTask.cancel();
        if (examplesTask != null) examplesTask.cancel();
    }

    private void endScan() {
        status.unbind();
        progress.unbind();
        progress.set(1);
        running.set(false);
        scanTask = null;
    }

    /** Shows an atlas (from a scan, or computed elsewhere) and selects its first live latent. */
    public void setAtlas(LatentAtlas a) {
        atlas.set(Objects.requireNonNull(a, "atlas"));
        List<LatentRow> rows = new ArrayList<>(a.latents());
        for (LatentAtlas.LatentSummary s : a.summaries()) {
            rows.add(new LatentRow(s.latent(), s.fires(), s.density(), s.log10Density(), s.max(), s.meanActive()));
        }
        latents.setAll(rows);
        overview.set(String.format(Locale.ROOT, "%,d latents \u00b7 %,d %s of %,d examples \u00b7 L0 %.1f \u00b7 %,d dead \u00b7 %,d dense (> %.0f %% of rows)",
                a.latents(), a.rows(), source.perToken() ? "tokens" : "rows", a.examples(), a.l0(), a.dead(), a.dense(),
                LatentAtlas.DENSE * 100));
        status.set(String.format(Locale.ROOT, "Scanned %,d rows", a.rows()));
        int first = 0;
        while (first < a.latents() - 1 && a.summary(first).dead()) first++;
        if (selected.get() == first) showLatent(first);
        else selected.set(first);
    }

    public ReadOnlyObjectProperty<LatentAtlas> atlasProperty() {
        return atlas.getReadOnlyProperty();
    }

    public LatentAtlas atlas() {
        return atlas.get();
    }

    // ------------------------------------------------------------------ selection

    /** The selected latent (-1: none). */
    public IntegerProperty selectedLatentProperty() {
        return selected;
    }

    public int selectedLatent() {
        return selected.get();
    }

    /** Selects a latent (e.g. a clicked neighbour). */
    public void select(int latent) {
        LatentAtlas a = atlas.get();
        if (a == null || latent < 0 || latent >= a.latents()) return;
        selected.set(latent);
    }

    private void showLatent(int latent) {
        LatentAtlas a = atlas.get();
        if (examplesTask != null) examplesTask.cancel();
        examplesTask = null;
        top.clear();
        bands.clear();
        if (a == null || latent < 0 || latent >= a.latents()) {
            neighbours.clear();
            headline.set("");
            return;
        }
        LatentAtlas.LatentSummary s = a.summary(latent);
        headline.set(headline(s, a.rows()));
        List<NeighbourRow> nb = new ArrayList<>();
        for (LatentAtlas.Neighbour n : a.neighbours(latent)) {
            nb.add(new NeighbourRow(n.latent(), n.cosine(), a.density(n.latent()), a.summary(n.latent()).max()));
        }
        neighbours.setAll(nb);
        if (s.dead()) return;
        List<LatentAtlas.Activation> topActs = a.top(latent);
        List<LatentAtlas.Band> bandList = a.bands(latent);
        float max = s.max();
        Task<Loaded> t = new Task<>() {
            @Override
            protected Loaded call() {
                Map<Integer, ExampleCodes> codes = new HashMap<>();
                Map<Integer, ExampleImages.Result> images = new HashMap<>();
                Set<Integer> wanted = new LinkedHashSet<>();
                for (LatentAtlas.Activation x : topActs) wanted.add(x.example());
                for (LatentAtlas.Band b : bandList) for (LatentAtlas.Activation x : b.samples()) wanted.add(x.example());
                int done = 0;
                for (int e : wanted) {
                    if (isCancelled()) return null;
                    codes.put(e, source.codes(e));
                    if (source.hasImages()) images.put(e, source.image(e));
                    updateProgress(++done, wanted.size());
                }
                List<ExampleLine> lines = new ArrayList<>();
                for (LatentAtlas.Activation x : topActs) lines.add(line(codes.get(x.example()), images.get(x.example()), x, latent));
                List<BandView> bs = new ArrayList<>();
                for (int i = bandList.size() - 1; i >= 0; i--) {
                    LatentAtlas.Band b = bandList.get(i);
                    List<ExampleLine> ex = new ArrayList<>();
                    for (LatentAtlas.Activation x : b.samples()) ex.add(line(codes.get(x.example()), images.get(x.example()), x, latent));
                    bs.add(new BandView(b, bandTitle(b, max, bandList.size()), ex));
                }
                return new Loaded(latent, lines, bs);
            }
        };
        examplesTask = t;
        loadingExamples.set(true);
        t.setOnSucceeded(e -> {
            if (examplesTask != t) return;
            examplesTask = null;
            loadingExamples.set(false);
            Loaded l = t.getValue();
            if (l == null || l.latent() != selected.get()) return;
            top.setAll(l.top());
            bands.setAll(l.bands());
        });
        t.setOnFailed(e -> {
            if (examplesTask != t) return;
            examplesTask = null;
            loadingExamples.set(false);
            Throwable x = t.getException();
            error.set("Could not encode the examples of latent " + latent + ": " + (x.getMessage() == null ? x : x.getMessage()));
        });
        executor.execute(t);
    }

    /** An example's line for a latent: the tokens around the activation's row with the latent's values. */
    static ExampleLine line(ExampleCodes c, ExampleImages.Result image, LatentAtlas.Activation act, int latent) {
        float[] v = c.valuesOf(latent);
        List<String> pieces = TokenPieces.pieces(c.tokens());
        int focus = (int) Math.max(0, Math.min(c.rows() - 1, act.row() - c.firstRow()));
        int from = 0;
        int to = c.rows();
        if (to > MAX_CONTEXT) {
            from = Math.max(0, focus - BEFORE);
            to = Math.min(c.rows(), from + MAX_CONTEXT);
            from = Math.max(0, to - MAX_CONTEXT);
        }
        List<TokenValue> tokens = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            String p = pieces.get(i);
            tokens.add(new TokenValue(i == from ? p.stripLeading() : p, v[i]));
        }
        String name = c.name() == null ? "example " + c.example() : c.name();
        return new ExampleLine(c.example(), name, act.row(), act.value(), tokens, focus - from, from > 0, to < c.rows(), image);
    }

    static String bandTitle(LatentAtlas.Band b, float max, int count) {
        double lo = (double) b.index() / count;
        double hi = (double) (b.index() + 1) / count;
        return String.format(Locale.ROOT, "%.2f\u2013%.2f \u00d7 max (%s\u2013%s): %,d activation%s, %s %%", lo, hi,
                Formats.magnitude(b.lower()), Formats.magnitude(b.upper()), b.count(), b.count() == 1 ? "" : "s",
                Formats.magnitude(b.share() * 100));
    }

    static String headline(LatentAtlas.LatentSummary s, long rows) {
        if (s.dead()) return String.format(Locale.ROOT, "Latent %d \u00b7 dead: never active on %,d rows", s.latent(), rows);
        return String.format(Locale.ROOT, "Latent %d \u00b7 active on %,d of %,d rows (%s %%) \u00b7 max %s \u00b7 mean %s when active",
                s.latent(), s.fires(), rows, Formats.magnitude(s.density() * 100), Formats.magnitude(s.max()),
                Formats.magnitude(s.meanActive()));
    }

    // ------------------------------------------------------------------ what the view binds

    public ObservableList<LatentRow> latents() {
        return latents;
    }

    /** The selected latent's top-activating examples, highest first. */
    public ObservableList<ExampleLine> topExamples() {
        return top;
    }

    /** The selected latent's activation bands, highest first. */
    public ObservableList<BandView> bands() {
        return bands;
    }

    public ObservableList<NeighbourRow> neighbours() {
        return neighbours;
    }

    /** e.g. "Latent 12 · active on 537 of 124,488 rows (0.4314 %) · max 7.21 · mean 2.1 when active". */
    public ReadOnlyStringProperty headlineProperty() {
        return headline.getReadOnlyProperty();
    }

    /** e.g. "1,536 latents · 124,488 tokens of 4,000 examples · L0 32.0 · 0 dead · 35 dense (> 10 % of rows)". */
    public ReadOnlyStringProperty overviewProperty() {
        return overview.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** True while the selected latent's examples are being encoded. */
    public ReadOnlyBooleanProperty loadingExamplesProperty() {
        return loadingExamples.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Why the scan or the examples failed ("" when they did not). */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** Progress of the scan in [0, 1] (-1 before it starts). */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** Whether the histogram counts are drawn on a log axis. */
    public BooleanProperty logCountsProperty() {
        return logCounts;
    }

    // ------------------------------------------------------------------ charts and tables

    /** The selected latent's activation histogram (null when none is selected). */
    public JFreeChart histogramChart() {
        LatentAtlas a = atlas.get();
        int l = selected.get();
        return a == null || l < 0 ? null : SaeCharts.activationHistogram(a, l, logCounts.get());
    }

    /** The log10 density histogram of every live latent (null before the scan). */
    public JFreeChart densityChart() {
        LatentAtlas a = atlas.get();
        return a == null ? null : SaeCharts.densityHistogram(a);
    }

    public TableData latentsTable() {
        return SaeTables.latents(require(), title);
    }

    public TableData topExamplesTable() {
        return SaeTables.examples("Top activations of latent " + selected.get(), top);
    }

    public TableData bandsTable() {
        return SaeTables.bands("Activation bands of latent " + selected.get(), bands);
    }

    public TableData neighboursTable() {
        return SaeTables.neighbours("Decoder neighbours of latent " + selected.get(), neighbours);
    }

    /** The latent table, the density chart and the selected latent's parts as report items. */
    public List<ReportItem> reportItems(Map<String, String> provenance) {
        LatentAtlas a = require();
        String section = "Latents: " + title;
        List<ReportItem> items = new ArrayList<>();
        items.add(new ReportItem("latents", "Latents", section, provenance, null, latentsTable()));
        JFreeChart d = densityChart();
        items.add(new ReportItem("latent-density", "log10 density of the latents", section, provenance,
                sparsity.views.export.ImageSource.of(d), sparsity.views.charts.Charts.datasetTable(d)));
        int l = selected.get();
        if (l >= 0 && !a.summary(l).dead()) {
            JFreeChart h = histogramChart();
            items.add(new ReportItem("latent-" + l + "-histogram", "Activations of latent " + l, section, provenance,
                    sparsity.views.export.ImageSource.of(h), sparsity.views.charts.Charts.datasetTable(h)));
            items.add(new ReportItem("latent-" + l + "-top", "Top activations of latent " + l, section, provenance, null, topExamplesTable()));
            items.add(new ReportItem("latent-" + l + "-bands", "Activation bands of latent " + l, section, provenance, null, bandsTable()));
            items.add(new ReportItem("latent-" + l + "-neighbours", "Decoder neighbours of latent " + l, section, provenance, null,
                    neighboursTable()));
        }
        return items;
    }

    private LatentAtlas require() {
        LatentAtlas a = atlas.get();
        if (a == null) throw new IllegalStateException("the latents of " + title + " are not scanned yet");
        return a;
    }
}
