package sparsity.views.stats;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.ActivationSummary;
import sparsity.analysis.stats.RowSource;
import sparsity.views.export.TableData;
import sparsity.views.report.ReportItem;
import sparsity.views.stats.ActivationStatsReport.OutlierRow;

/**
 * What the activation statistics view shows for one captured tensor: the summary, eps, log
 * counts, and the texts and rows derived from them. Setting eps to a new value re-runs the
 * statistics as an {@link ActivationStatsTask} on the executor, reading the rows again through
 * the {@code Supplier<RowSource>} it was given; a newer run cancels an older one. Knows nothing
 * of its view; use it on the JavaFX thread.
 */
public final class ActivationStatsViewModel {

    private static final Executor DEFAULT = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "activation-stats");
        t.setDaemon(true);
        return t;
    });

    private final String tensorName;
    private final Supplier<RowSource> rows;
    private final ActivationStats.Settings baseSettings;
    private final Executor executor;
    private final ReadOnlyObjectWrapper<ActivationSummary> summary = new ReadOnlyObjectWrapper<>();
    private final DoubleProperty eps;
    private final BooleanProperty logCounts = new SimpleBooleanProperty(true);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper zeroText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper nearZeroText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper neverActiveText = new ReadOnlyStringWrapper("");
    private final ObservableList<OutlierRow> outliers = FXCollections.observableArrayList();
    private ActivationStatsTask task;

    /**
     * @param tensorName the captured tensor, e.g. "/encoder/layer.0/intermediate/act_fn/Mul_1_output_0"
     * @param rows       reads the tensor's rows afresh each time the statistics are recomputed
     * @param settings   eps, bins and outlier factor of the first run
     * @param executor   where the statistics run (a background thread)
     */
    public ActivationStatsViewModel(String tensorName, Supplier<RowSource> rows, ActivationStats.Settings settings,
                                    Executor executor) {
        this.tensorName = Objects.requireNonNull(tensorName, "tensorName");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.baseSettings = Objects.requireNonNull(settings, "settings");
        this.executor = Objects.requireNonNull(executor, "executor");
        eps = new SimpleDoubleProperty(settings.eps());
        eps.addListener((o, was, now) -> {
            ActivationSummary s = summary.get();
            if (s == null || s.settings().eps() != now.doubleValue()) recompute();
        });
        summary.addListener((o, was, now) -> {
            zeroText.set(now == null ? "" : percent(now.zeroFraction()));
            nearZeroText.set(now == null ? "" : percent(now.nearZeroFraction()));
            neverActiveText.set(now == null ? "" : String.format(Locale.ROOT, "%,d of %,d", now.neverActive(), now.dim()));
            outliers.setAll(now == null ? List.of() : ActivationStatsReport.outliers(now));
        });
    }

    /** A view-model that computes on its own background thread. */
    public ActivationStatsViewModel(String tensorName, Supplier<RowSource> rows, ActivationStats.Settings settings) {
        this(tensorName, rows, settings, DEFAULT);
    }

    public String tensorName() {
        return tensorName;
    }

    /** The statistics shown; null until the first run finished. */
    public ReadOnlyObjectProperty<ActivationSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ActivationSummary summary() {
        return summary.get();
    }

    /** Shows statistics computed elsewhere (e.g. read from a workspace); eps follows them. */
    public void setSummary(ActivationSummary s) {
        if (task != null) task.cancel();
        task = null;
        running.set(false);
        summary.set(Objects.requireNonNull(s, "summary"));
        eps.set(s.settings().eps());
    }

    /** The near-zero threshold: |a| &lt; eps is near zero, |a| &gt;= eps fires. */
    public DoubleProperty epsProperty() {
        return eps;
    }

    /** Whether the histogram counts are drawn on a log axis (on at first). */
    public BooleanProperty logCountsProperty() {
        return logCounts;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** Progress and result of the last run, e.g. "Statistics: pass 1, 4096 rows". */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Why the last run failed ("" when it did not). */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    /** e.g. "12.50 %". */
    public ReadOnlyStringProperty zeroFractionTextProperty() {
        return zeroText.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty nearZeroFractionTextProperty() {
        return nearZeroText.getReadOnlyProperty();
    }

    /** e.g. "3 of 1,536". */
    public ReadOnlyStringProperty neverActiveTextProperty() {
        return neverActiveText.getReadOnlyProperty();
    }

    /** The outlier dimensions of the summary, largest RMS first. */
    public ObservableList<OutlierRow> outliers() {
        return outliers;
    }

    /** Runs the statistics with the present eps in the background (cancelling a run in progress). */
    public ActivationStatsTask recompute() {
        if (task != null) task.cancel();
        ActivationStats.Settings s = new ActivationStats.Settings(eps.get(), baseSettings.bins(), baseSettings.outlierFactor());
        ActivationStatsTask t = new ActivationStatsTask(tensorName, rows, s);
        task = t;
        running.set(true);
        error.set("");
        status.unbind();
        status.bind(t.messageProperty());
        t.setOnSucceeded(e -> {
            if (task != t) return;
            finish();
            summary.set(t.getValue());
            status.set(String.format(Locale.ROOT, "%,d rows x %,d dimensions, eps %s", t.getValue().rows(),
                    t.getValue().dim(), ActivationStatsReport.eps(t.getValue())));
        });
        t.setOnFailed(e -> {
            if (task != t) return;
            finish();
            Throwable x = t.getException();
            error.set(x.getMessage() == null ? x.toString() : x.getMessage());
            status.set("Statistics failed");
        });
        executor.execute(t);
        return t;
    }

    private void finish() {
        status.unbind();
        running.set(false);
        task = null;
    }

    public TableData summaryTable() {
        return ActivationStatsReport.summaryTable(require(), tensorName);
    }

    public TableData histogramTable() {
        return ActivationStatsReport.histogramTable(require(), tensorName);
    }

    public TableData firingTable() {
        return ActivationStatsReport.firingTable(require(), tensorName);
    }

    public TableData dimensionsTable() {
        return ActivationStatsReport.dimensionsTable(require(), tensorName);
    }

    public TableData outliersTable() {
        return ActivationStatsReport.outliersTable(require(), tensorName);
    }

    /** The statistics as report items ({@link ActivationStatsReport#items}). */
    public List<ReportItem> reportItems(String tensorName, Map<String, String> provenance) {
        return ActivationStatsReport.items(require(), tensorName, provenance);
    }

    private ActivationSummary require() {
        ActivationSummary s = summary.get();
        if (s == null) throw new IllegalStateException("no statistics of " + tensorName + " yet");
        return s;
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f %%", fraction * 100);
    }
}
