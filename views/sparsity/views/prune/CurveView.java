package sparsity.views.prune;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.util.Duration;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import sparsity.views.charts.Charts;
import sparsity.views.export.ExportActions;

/**
 * The metric-vs-sparsity chart: one line with points per method, the dense baseline as a dashed
 * line, a check box per method to show or hide it, values on hover; it redraws a few times a
 * second while points arrive. PNG and CSV from the context menu.
 */
public final class CurveView extends BorderPane {

    static final Color[] PALETTE = {new Color(0x3b6ea8), new Color(0xd0603a), new Color(0x3a9a5b), new Color(0x8a4fb0),
            new Color(0xc9a227), new Color(0x2a9fb5), new Color(0xb0406e), new Color(0x6b6b6b)};

    private final CurveViewModel vm;
    private final JFreeChart chart;
    private final FlowPane toggles = new FlowPane(10, 4);
    private final Timeline pump;

    public CurveView(CurveViewModel vm, String id) {
        this.vm = vm;
        setId(id);
        chart = ChartFactory.createXYLineChart(vm.title(), vm.xLabel(), vm.metric(), vm.data(), PlotOrientation.VERTICAL, true, true, false);
        Charts.themed(chart);
        XYPlot p = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setDefaultToolTipGenerator((data, s, i) -> vm.describe((String) data.getSeriesKey(s), data.getXValue(s, i), data.getYValue(s, i)));
        p.setRenderer(r);
        NumberAxis x = (NumberAxis) p.getDomainAxis();
        x.setRange(0, 100);
        NumberAxis y = (NumberAxis) p.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        y.setLabel(vm.metricLabel().get());
        vm.metricLabel().addListener((o, a, b) -> y.setLabel(b));
        colours();
        vm.data().addChangeListener(e -> colours());
        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId(id + "Chart");
        ExportActions.install(viewer, chart, vm.title().replace(' ', '-'));
        setCenter(viewer);

        Label msg = new Label();
        msg.textProperty().bind(vm.message());
        toggles.setPadding(new Insets(4, 8, 4, 8));
        toggles.setAlignment(Pos.CENTER_LEFT);
        toggles.getChildren().add(new Label("Show:"));
        vm.methods().addListener((ListChangeListener<String>) c -> {
            while (c.next()) for (String m : c.getAddedSubList()) toggles.getChildren().add(toggle(m));
        });
        for (String m : vm.methods()) toggles.getChildren().add(toggle(m));
        BorderPane bottom = new BorderPane(toggles);
        bottom.setBottom(msg);
        BorderPane.setMargin(msg, new Insets(0, 8, 4, 8));
        setBottom(bottom);
        vm.baseline().addListener((o, a, b) -> baseline());
        baseline();
        pump = new Timeline(new KeyFrame(Duration.millis(300), e -> vm.drain()));
        pump.setCycleCount(Timeline.INDEFINITE);
        pump.play();
    }

    private CheckBox toggle(String method) {
        CheckBox cb = new CheckBox(method);
        cb.setId("show-" + method);
        cb.setSelected(vm.isVisible(method));
        cb.selectedProperty().addListener((o, a, b) -> vm.setVisible(method, b));
        return cb;
    }

    private void colours() {
        XYPlot p = chart.getXYPlot();
        for (int s = 0; s < vm.data().getSeriesCount(); s++) {
            int idx = vm.colourIndex((String) vm.data().getSeriesKey(s));
            p.getRenderer().setSeriesPaint(s, PALETTE[Math.max(0, idx) % PALETTE.length]);
            p.getRenderer().setSeriesStroke(s, new BasicStroke(2f));
        }
    }

    private void baseline() {
        XYPlot p = chart.getXYPlot();
        p.clearRangeMarkers();
        double b = vm.baseline().get();
        if (Double.isNaN(b)) return;
        ValueMarker m = new ValueMarker(b, new Color(0x444444), new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f));
        m.setLabel(String.format(Locale.ROOT, "dense %.4f", b));
        m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        p.addRangeMarker(m);
    }

    public CurveViewModel viewModel() {
        return vm;
    }

    public JFreeChart chart() {
        return chart;
    }

    public void dispose() {
        pump.stop();
    }
}
