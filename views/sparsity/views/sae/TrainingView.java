package sparsity.views.sae;

import java.util.Locale;
import java.util.Map;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.util.Duration;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.train.TrainingRun;
import sparsity.views.charts.Charts;
import sparsity.views.charts.Histogram;
import sparsity.views.export.ExportActions;

/**
 * One training run, live: a header (what is trained on what, progress, Stop and Resume), the
 * curves (loss with the AuxK or L1 term, FVU, L0, dead fraction, by tokens), the log10
 * feature-density histogram of the latest interval, and the dead-latent strip (a cell per latent,
 * coloured by the tokens since it last fired: blue when it just fired, fading to sand as it nears
 * the dead window, red when dead). Curves update a few times a second while the run goes on; every
 * chart exports PNG and CSV from its context menu.
 */
public final class TrainingView extends BorderPane {

    private final TrainingViewModel vm;
    private final Canvas strip = new Canvas(360, 220);
    private final Label stripLabel = new Label("Dead-latent strip: waiting for the first snapshot");
    private final ChartViewer densityViewer = new ChartViewer();
    private final Label evalLabel = new Label();
    private final Button stop = new Button("Stop");
    private final Button resume = new Button("Resume");
    private final Button browse = new Button("Browse latents\u2026");
    private Runnable onBrowse = () -> { };
    private final Timeline pump;
    private Runnable onStop = () -> { };
    private Runnable onResume = () -> { };

    public TrainingView(TrainingViewModel vm) {
        this.vm = vm;
        setId("trainingView");
        String base = vm.name();
        setTop(header());

        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.setPadding(new Insets(6));
        for (int i = 0; i < 3; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(100 / 3.0);
            c.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(c);
        }
        for (int i = 0; i < 2; i++) {
            RowConstraints r = new RowConstraints();
            r.setPercentHeight(50);
            r.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(r);
        }
        grid.add(lossChart(base + "-loss"), 0, 0);
        grid.add(chart("fvuChart", "Fraction of variance unexplained", "FVU", vm.fvuData(), false, false, base + "-fvu"), 1, 0);
        grid.add(chart("l0Chart", "L0 (active latents per row)", "L0", vm.l0Data(), false, true, base + "-l0"), 2, 0);
        grid.add(chart("deadChart", "Dead latents", "fraction of latents", vm.deadData(), false, true, base + "-dead"), 0, 1);
        densityViewer.setId("densityChart");
        densityViewer.setChart(densityChart(vm.density().get()));
        ExportActions.install(densityViewer, densityViewer.getChart(), base + "-density");
        grid.add(densityViewer, 1, 1);
        grid.add(stripPane(base), 2, 1);
        setCenter(grid);

        evalLabel.setId("trainingEval");
        evalLabel.setPadding(new Insets(4, 10, 6, 10));
        evalLabel.setWrapText(true);
        setBottom(evalLabel);

        vm.density().addListener((o, was, now) -> densityViewer.setChart(densityChart(now)));
        vm.latents().addListener((o, was, now) -> drawStrip(now));
        vm.eval().addListener((o, was, now) -> showEval(now));
        vm.state().addListener((o, was, now) -> buttons());
        showEval(vm.eval().get());
        drawStrip(vm.latents().get());
        buttons();
        pump = new Timeline(new KeyFrame(Duration.millis(250), e -> vm.drain()));
        pump.setCycleCount(Timeline.INDEFINITE);
        pump.play();
    }

    public TrainingViewModel viewModel() {
        return vm;
    }

    /** What Stop does (the app cancels the job; the trainer checkpoints). */
    public void setOnStop(Runnable r) {
        onStop = r;
    }

    /** What Resume does (the app continues from the checkpoint). */
    public void setOnResume(Runnable r) {
        onResume = r;
    }

    /** What "Browse latents..." does (the app opens the latent browser on the trained autoencoder). */
    public void setOnBrowse(Runnable r) {
        onBrowse = r;
    }

    /** Stops the timer that applies training events. */
    public void dispose() {
        pump.stop();
    }

    private HBox header() {
        Map<String, String> s = vm.settings();
        Label title = new Label(vm.name());
        title.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        Label what = new Label();
        what.setId("trainingWhat");
        what.setText(describe(s, null));
        javafx.scene.control.Tooltip whole = new javafx.scene.control.Tooltip();
        whole.textProperty().bind(what.textProperty());
        what.setTooltip(whole);
        vm.start().addListener((o, was, now) -> what.setText(describe(s, now)));
        ProgressBar bar = new ProgressBar();
        bar.setId("trainingProgress");
        bar.setPrefWidth(220);
        bar.progressProperty().bind(vm.progress());
        Label msg = new Label();
        msg.setId("trainingMessage");
        msg.textProperty().bind(vm.message());
        stop.setId("trainingStop");
        stop.setOnAction(e -> onStop.run());
        resume.setId("trainingResume");
        resume.setOnAction(e -> onResume.run());
        browse.setId("trainingBrowse");
        browse.setOnAction(e -> onBrowse.run());
        Button csv = ExportActions.exportButton(vm::curvesTable, vm.name() + "-curves");
        csv.setText("Export curves CSV\u2026");
        VBox text = new VBox(2, title, what, new HBox(8, bar, msg));
        for (Button b : new Button[] {stop, resume, browse, csv}) b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        what.setMaxWidth(Double.MAX_VALUE);
        text.setMinWidth(0);
        HBox.setHgrow(text, Priority.ALWAYS);
        HBox h = new HBox(10, text, new Pane(), stop, resume, browse, csv);
        HBox.setHgrow(h.getChildren().get(1), Priority.ALWAYS);
        h.setAlignment(Pos.CENTER_LEFT);
        h.setPadding(new Insets(6, 10, 6, 10));
        h.setStyle("-fx-background-color: #f4f4f4; -fx-border-color: transparent transparent #d0d0d0 transparent;");
        return h;
    }

    static String describe(Map<String, String> s, TrainingRun.Start st) {
        String arch = s.getOrDefault("architecture", "?");
        String k = s.getOrDefault("k", "?");
        if (st == null) {
            return String.format(Locale.ROOT, "%s, k %s, %s tokens, batch %s, lr %s, on %s", arch, k, s.getOrDefault("tokens", "?"),
                    s.getOrDefault("batch", "?"), s.getOrDefault("lr", "?"), s.getOrDefault("store", "?"));
        }
        String where = st.backend().startsWith("cuda") ? "on the GPU (" + st.backend() + ")"
                : String.format(Locale.ROOT, "on the CPU (%s, %d threads)", st.backend(), st.threads());
        return String.format(Locale.ROOT, "%s, %,d \u2192 %,d latents, k %s, %s; rows of %s (%,d training, %,d held out); %,d steps of %s rows, lr %s",
                arch, st.d(), st.n(), k, where, st.tensor(), st.trainRows(), st.evalRows(), st.totalSteps(), s.getOrDefault("batch", "?"),
                s.getOrDefault("lr", "?"));
    }

    private void buttons() {
        TrainingViewModel.State st = vm.state().get();
        boolean running = st == TrainingViewModel.State.RUNNING || st == TrainingViewModel.State.STARTING
                || st == TrainingViewModel.State.QUEUED;
        stop.setDisable(!running);
        resume.setDisable(st != TrainingViewModel.State.STOPPED && st != TrainingViewModel.State.FAILED);
        browse.setDisable(st != TrainingViewModel.State.DONE);
    }

    /** Loss on the left axis, the AuxK (or L1) term on its own axis on the right. */
    private ChartViewer lossChart(String base) {
        JFreeChart c = ChartFactory.createXYLineChart("Loss", "tokens", "loss", vm.lossData(), PlotOrientation.VERTICAL, true, true, false);
        Charts.themed(c);
        XYPlot p = c.getXYPlot();
        tidy((NumberAxis) p.getRangeAxis(), false);
        tidy((NumberAxis) p.getDomainAxis(), false);
        NumberAxis auxAxis = new NumberAxis("AuxK / L1 term");
        tidy(auxAxis, true);
        p.setRangeAxis(1, auxAxis);
        p.setDataset(1, vm.auxData());
        p.mapDatasetToRangeAxis(1, 1);
        org.jfree.chart.renderer.xy.XYLineAndShapeRenderer r2 = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, false);
        r2.setSeriesPaint(0, new java.awt.Color(0xd0603a));
        p.setRenderer(1, r2);
        p.getRenderer().setSeriesPaint(0, Charts.BAR);
        ChartViewer v = new ChartViewer(c);
        v.setId("lossChart");
        v.setMinSize(120, 120);
        ExportActions.install(v, c, base);
        return v;
    }

    private static void tidy(NumberAxis a, boolean includeZero) {
        a.setAutoRangeIncludesZero(includeZero);
        // counts and shares start at 0; a flat curve at 0 still gets a readable axis
        if (includeZero) a.setRangeType(org.jfree.data.RangeType.POSITIVE);
        a.setAutoRangeMinimumSize(includeZero ? 0.01 : 1e-3);
        a.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
    }

    private static ChartViewer chart(String id, String title, String yLabel, XYDataset data, boolean legend, boolean zero, String base) {
        JFreeChart c = ChartFactory.createXYLineChart(title, "tokens", yLabel, data, PlotOrientation.VERTICAL, legend, true, false);
        Charts.themed(c);
        XYPlot p = c.getXYPlot();
        tidy((NumberAxis) p.getRangeAxis(), zero);
        tidy((NumberAxis) p.getDomainAxis(), false);
        p.getRenderer().setSeriesPaint(0, Charts.BAR);
        p.getRenderer().setSeriesPaint(1, new java.awt.Color(0xd0603a));
        ChartViewer v = new ChartViewer(c);
        v.setId(id);
        v.setMinSize(120, 120);
        ExportActions.install(v, c, base);
        return v;
    }

    private static JFreeChart densityChart(Histogram h) {
        Histogram shown = h != null ? h : new Histogram(TrainingViewModel.DENSITY_LOW, 0, new double[TrainingViewModel.DENSITY_BINS]);
        return Charts.histogram(shown, "Feature density (latest interval)", "log10 density", false);
    }

    private VBox stripPane(String base) {
        strip.setId("deadStrip");
        Pane holder = new Pane(strip);
        holder.setMinSize(100, 100);
        strip.widthProperty().bind(holder.widthProperty());
        strip.heightProperty().bind(holder.heightProperty());
        strip.widthProperty().addListener(o -> drawStrip(vm.latents().get()));
        strip.heightProperty().addListener(o -> drawStrip(vm.latents().get()));
        stripLabel.setId("deadStripLabel");
        stripLabel.setWrapText(true);
        Label head = new Label("Dead-latent strip: tokens since each latent fired");
        head.setStyle("-fx-font-weight: bold;");
        Button png = ExportActions.exportButton(strip, base + "-dead-strip");
        Button csv = ExportActions.exportButton(vm::strip, base + "-latents");
        VBox box = new VBox(4, head, holder, stripLabel, new HBox(6, png, csv));
        VBox.setVgrow(holder, Priority.ALWAYS);
        box.setPadding(new Insets(4));
        return box;
    }

    /** Colour of a latent that last fired {@code since} tokens ago with dead window {@code window}. */
    static Color cellColor(long since, long window) {
        if (since >= window) return Color.web("#c62828");
        double f = Math.min(1, Math.log1p(since) / Math.log1p(window));
        return Color.web("#1f4f82").interpolate(Color.web("#f2d7a6"), f);
    }

    private void drawStrip(TrainingRun.LatentSnapshot s) {
        GraphicsContext g = strip.getGraphicsContext2D();
        double w = strip.getWidth();
        double h = strip.getHeight();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        if (s == null || w < 4 || h < 4) return;
        long[] since = s.tokensSinceFired();
        int n = since.length;
        int cols = Math.max(1, (int) Math.ceil(Math.sqrt(n * w / h)));
        int rows = (n + cols - 1) / cols;
        double cw = w / cols;
        double ch = h / rows;
        for (int i = 0; i < n; i++) {
            g.setFill(cellColor(since[i], s.window()));
            g.fillRect((i % cols) * cw, (i / cols) * ch, Math.max(1, cw - (cw > 3 ? 0.5 : 0)), Math.max(1, ch - (ch > 3 ? 0.5 : 0)));
        }
        stripLabel.setText(String.format(Locale.ROOT, "%,d latents, %,d dead (no firing in %,d tokens), %,d dense (> 10%% of rows) at step %,d",
                n, s.dead(), s.window(), s.dense(), s.step() + 1));
    }

    private void showEval(SaeMetrics.Result e) {
        if (e == null) {
            evalLabel.setText("Held-out metrics appear when training ends.");
            return;
        }
        evalLabel.setText(String.format(Locale.ROOT,
                "Held out (%,d rows): FVU %.4f \u00b7 explained variance %.4f \u00b7 cosine %.4f \u00b7 L0 %.2f \u00b7 dead %,d of %,d (%.2f%%) \u00b7 dense %,d",
                e.rows(), e.fvu(), e.explainedVariance(), e.cosine(), e.l0(), e.dead(), e.density().length,
                100.0 * e.dead() / e.density().length, e.dense()));
    }
}
