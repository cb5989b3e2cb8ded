package sparsity.views.sae;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.model.StepStats;
import sparsity.sae.train.TrainingRun;
import sparsity.views.charts.Histogram;
import sparsity.views.export.TableData;

/**
 * The state of one training run for its view: curves (loss, AuxK loss, FVU, L0, dead fraction by
 * tokens), the latest latent snapshot (dead-latent strip, log10 density histogram, dead and dense
 * counts), progress and state, and at the end the held-out metrics. {@link #observer()} may be
 * called from the training thread; {@link #drain()} applies what arrived, on the FX thread (the
 * view calls it a few times a second), so the charts redraw once per batch of steps and not once
 * per step.
 */
public final class TrainingViewModel {

    /** Where a run is. */
    public enum State { QUEUED, STARTING, RUNNING, STOPPED, DONE, FAILED }

    /** Bins of the log10 density histogram, over [-8, 0]. */
    static final int DENSITY_BINS = 40;
    static final double DENSITY_LOW = -8;

    private record Point(long step, long tokens, StepStats stats, double lr) {
    }

    private final String name;
    private final ConcurrentLinkedQueue<Point> pending = new ConcurrentLinkedQueue<>();
    private final AtomicReference<TrainingRun.LatentSnapshot> pendingLatents = new AtomicReference<>();
    private final AtomicReference<TrainingRun.Start> pendingStart = new AtomicReference<>();
    private final XYSeries loss = new XYSeries("loss", true, true);
    private final XYSeries aux = new XYSeries("AuxK / L1 term", true, true);
    private final XYSeries fvu = new XYSeries("FVU", true, true);
    private final XYSeries l0 = new XYSeries("L0", true, true);
    private final XYSeries deadFraction = new XYSeries("dead fraction", true, true);
    private final XYSeriesCollection lossData = new XYSeriesCollection(loss);
    private final XYSeriesCollection auxData = new XYSeriesCollection(aux);
    private final XYSeriesCollection fvuData = new XYSeriesCollection(fvu);
    private final XYSeriesCollection l0Data = new XYSeriesCollection(l0);
    private final XYSeriesCollection deadData = new XYSeriesCollection(deadFraction);
    private final ObjectProperty<State> state = new SimpleObjectProperty<>(State.QUEUED);
    private final StringProperty message = new SimpleStringProperty("Queued");
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final ObjectProperty<TrainingRun.Start> start = new SimpleObjectProperty<>();
    private final ObjectProperty<TrainingRun.LatentSnapshot> latents = new SimpleObjectProperty<>();
    private final ObjectProperty<SaeMetrics.Result> eval = new SimpleObjectProperty<>();
    private final ObjectProperty<Histogram> density = new SimpleObjectProperty<>();
    private final List<Object[]> steps = new ArrayList<>();
    private final Map<String, String> settings;
    private long totalSteps = 1;

    /**
     * @param name     what the run is called (its folder's name)
     * @param settings its settings, shown in the header and exported with the curves
     */
    public TrainingViewModel(String name, Map<String, String> settings) {
        this.name = name;
        this.settings = Map.copyOf(settings);
    }

    public String name() {
        return name;
    }

    public Map<String, String> settings() {
        return settings;
    }

    /** The events of a run, accepted on any thread. */
    public TrainingRun.Observer observer() {
        return new TrainingRun.Observer() {
            @Override
            public void started(TrainingRun.Start s) {
                pendingStart.set(s);
            }

            @Override
            public void step(long step, long tokens, StepStats stats, double lr) {
                pending.add(new Point(step, tokens, stats, lr));
            }

            @Override
            public void latents(TrainingRun.LatentSnapshot s) {
                pendingLatents.set(s);
            }
        };
    }

    /** Applies the events that arrived (FX thread). Returns true when anything changed. */
    public boolean drain() {
        boolean changed = false;
        TrainingRun.Start s = pendingStart.getAndSet(null);
        if (s != null) {
            start.set(s);
            totalSteps = Math.max(1, s.totalSteps());
            if (state.get() == State.QUEUED || state.get() == State.STARTING) state.set(State.RUNNING);
            changed = true;
        }
        if (!pending.isEmpty()) {
            for (XYSeries x : all()) x.setNotify(false);
            Point p;
            Point last = null;
            while ((p = pending.poll()) != null) {
                add(p.step(), p.tokens(), p.stats(), p.lr());
                last = p;
            }
            for (XYSeries x : all()) x.setNotify(true);
            if (last != null) {
                progress.set((double) (last.step() + 1) / totalSteps);
                message.set(String.format(Locale.ROOT, "step %,d of %,d \u00b7 %,d tokens \u00b7 FVU %.4f \u00b7 L0 %.1f \u00b7 dead %d",
                        last.step() + 1, totalSteps, last.tokens(), last.stats().fvu(), last.stats().l0(), last.stats().dead()));
            }
            changed = true;
        }
        TrainingRun.LatentSnapshot ls = pendingLatents.getAndSet(null);
        if (ls != null) {
            latents.set(ls);
            density.set(densityHistogram(ls.density()));
            changed = true;
        }
        return changed;
    }

    private void add(long step, long tokens, StepStats st, double lr) {
        loss.add(tokens, st.loss());
        aux.add(tokens, st.auxLoss());
        fvu.add(tokens, st.fvu());
        l0.add(tokens, st.l0());
        TrainingRun.Start s = start.get();
        int n = s == null ? 0 : s.n();
        deadFraction.add(tokens, n == 0 ? 0 : (double) st.dead() / n);
        steps.add(new Object[] {step + 1, tokens, st.loss(), st.nmse(), st.fvu(), st.l0(), st.auxLoss(), st.dead(), lr});
    }

    /**
     * Fills the curves from a finished run's metrics.csv rows (a run opened from a workspace):
     * columns step, tokens, loss, nmse, fvu, l0, aux_loss, dead, lr.
     */
    public void load(TrainingRun.Start s, List<double[]> rows, SaeMetrics.Result heldOut, double[] log10Density, boolean stopped) {
        start.set(s);
        totalSteps = Math.max(1, s.totalSteps());
        for (XYSeries x : all()) x.setNotify(false);
        for (double[] r : rows) {
            add((long) r[0] - 1, (long) r[1], new StepStats(r[2], r[3], r[4], r[5], r[6], (int) r[7]), r[8]);
        }
        for (XYSeries x : all()) x.setNotify(true);
        if (log10Density != null) {
            double[] d = new double[log10Density.length];
            for (int i = 0; i < d.length; i++) d[i] = Math.pow(10, log10Density[i]);
            density.set(densityHistogram(d));
        }
        eval.set(heldOut);
        progress.set(rows.isEmpty() ? 0 : rows.get(rows.size() - 1)[0] / totalSteps);
        state.set(stopped ? State.STOPPED : State.DONE);
        message.set(stopped ? "Stopped after " + (rows.isEmpty() ? 0 : (long) rows.get(rows.size() - 1)[0]) + " steps"
                : "Done: " + rows.size() + " steps");
    }

    private List<XYSeries> all() {
        return List.of(loss, aux, fvu, l0, deadFraction);
    }

    /** Histogram of log10 density over [-8, 0] (latents with density 0 are left out: they are the dead ones). */
    static Histogram densityHistogram(double[] density) {
        double[] counts = new double[DENSITY_BINS];
        double w = -DENSITY_LOW / DENSITY_BINS;
        for (double v : density) {
            if (!(v > 0)) continue;
            double lg = Math.log10(v);
            int b = (int) Math.floor((lg - DENSITY_LOW) / w);
            counts[Math.max(0, Math.min(DENSITY_BINS - 1, b))]++;
        }
        return new Histogram(DENSITY_LOW, 0, counts);
    }

    /** Latents with density 0 in the latest snapshot or evaluation. */
    public int zeroDensity() {
        SaeMetrics.Result e = eval.get();
        if (e != null) return e.dead();
        TrainingRun.LatentSnapshot s = latents.get();
        if (s == null) return 0;
        int c = 0;
        for (double v : s.density()) if (v == 0) c++;
        return c;
    }

    // ---- lifecycle, set by the app on the FX thread --------------------------------------------

    public void starting() {
        state.set(State.STARTING);
        message.set("Starting");
    }

    public void finished(TrainingRun.Result r) {
        drain();
        eval.set(r.eval());
        if (r.stopped()) {
            state.set(State.STOPPED);
            message.set(String.format(Locale.ROOT, "Stopped after %,d steps (%,d tokens); the checkpoint is saved: Resume continues exactly",
                    r.steps(), r.tokens()));
        } else {
            state.set(State.DONE);
            progress.set(1);
            message.set(String.format(Locale.ROOT, "Done: %,d steps, %,d tokens in %.1f s (%,.0f tokens/s)", r.steps(), r.tokens(),
                    r.seconds(), r.tokensPerSecond()));
            if (r.eval() != null) {
                double[] d = r.eval().density();
                density.set(densityHistogram(d));
            }
        }
    }

    public void failed(String why) {
        drain();
        state.set(State.FAILED);
        message.set("Failed: " + why);
    }

    // ---- read by the view ----------------------------------------------------------------------

    public ReadOnlyObjectProperty<State> state() {
        return state;
    }

    public StringProperty message() {
        return message;
    }

    public DoubleProperty progress() {
        return progress;
    }

    public ReadOnlyObjectProperty<TrainingRun.Start> start() {
        return start;
    }

    public ReadOnlyObjectProperty<TrainingRun.LatentSnapshot> latents() {
        return latents;
    }

    public ReadOnlyObjectProperty<SaeMetrics.Result> eval() {
        return eval;
    }

    public ReadOnlyObjectProperty<Histogram> density() {
        return density;
    }

    public XYSeriesCollection lossData() {
        return lossData;
    }

    public XYSeriesCollection auxData() {
        return auxData;
    }

    public XYSeriesCollection fvuData() {
        return fvuData;
    }

    public XYSeriesCollection l0Data() {
        return l0Data;
    }

    public XYSeriesCollection deadData() {
        return deadData;
    }

    /** Steps recorded so far. */
    public int stepCount() {
        return steps.size();
    }

    /** The curves as a table (CSV export). */
    public TableData curvesTable() {
        List<List<String>> rows = new ArrayList<>();
        for (Object[] r : steps) {
            List<String> row = new ArrayList<>();
            for (Object v : r) row.add(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(v));
            rows.add(row);
        }
        return new TableData(name + " training", List.of("step", "tokens", "loss", "nmse", "fvu", "l0", "aux_loss", "dead", "lr"), rows);
    }

    /** The run's curves for a report: FVU, L0 and dead fraction by tokens, with the settings. */
    public List<sparsity.views.report.ReportItem> reportItems() {
        if (steps.isEmpty()) return List.of();
        String id = "sae-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
        org.jfree.data.xy.XYSeriesCollection all = new org.jfree.data.xy.XYSeriesCollection();
        try {
            all.addSeries((XYSeries) fvu.clone());
            all.addSeries((XYSeries) deadFraction.clone());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        org.jfree.chart.JFreeChart chart = org.jfree.chart.ChartFactory.createXYLineChart(name + ": FVU and dead fraction", "tokens",
                "value", all, org.jfree.chart.plot.PlotOrientation.VERTICAL, true, false, false);
        sparsity.views.charts.Charts.themed(chart);
        return List.of(new sparsity.views.report.ReportItem(id + "-curves", name + " training curves", "Autoencoders", settings,
                sparsity.views.export.ImageSource.of(chart), curvesTable()));
    }

    /** The latest dead-latent strip as a table: latent, tokens since it fired, dead. */
    public TableData strip() {
        TrainingRun.LatentSnapshot s = latents.get();
        List<List<String>> rows = new ArrayList<>();
        if (s != null) {
            for (int i = 0; i < s.tokensSinceFired().length; i++) {
                rows.add(List.of("" + i, "" + s.tokensSinceFired()[i], s.tokensSinceFired()[i] >= s.window() ? "yes" : "no",
                        String.format(Locale.ROOT, "%.6g", s.density()[i])));
            }
        }
        return new TableData(name + " latents", List.of("latent", "tokens_since_fired", "dead", "density"), rows);
    }
}
