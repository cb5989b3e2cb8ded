package sparsity.views.sae;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.beans.property.SimpleObjectProperty;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.labels.XYToolTipGenerator;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import sparsity.sae.train.RunSummary;
import sparsity.views.charts.Charts;
import sparsity.views.export.ExportActions;

/**
 * Finished runs side by side: a sortable table (double-click opens the run) and the L0-vs-FVU
 * chart with one series per architecture (hover shows the run). CSV and PNG export.
 */
public final class RunsView extends BorderPane {

    private final RunsViewModel vm;
    private final TableView<RunSummary> table = new TableView<>();
    private Consumer<RunSummary> onOpen = r -> { };

    public RunsView(RunsViewModel vm) {
        this.vm = vm;
        setId("runsView");
        table.setId("runsTable");
        table.setPlaceholder(new Label("No finished runs yet: train an autoencoder on a capture (Autoencoders > Train\u2026)"));
        table.getColumns().add(text("run", RunSummary::name, 260));
        table.getColumns().add(text("architecture", RunSummary::architecture, 90));
        table.getColumns().add(num("latents", r -> (double) r.n(), "%.0f", 70));
        table.getColumns().add(num("k", r -> (double) r.k(), "%.0f", 45));
        table.getColumns().add(num("tokens", r -> (double) r.tokens(), "%,.0f", 100));
        table.getColumns().add(num("FVU", RunSummary::fvu, "%.4f", 70));
        table.getColumns().add(num("explained var.", RunSummary::explainedVariance, "%.4f", 95));
        table.getColumns().add(num("cosine", RunSummary::cosine, "%.4f", 70));
        table.getColumns().add(num("L0", RunSummary::l0, "%.2f", 60));
        table.getColumns().add(num("dead", r -> (double) r.dead(), "%.0f", 60));
        table.getColumns().add(num("dense", r -> (double) r.dense(), "%.0f", 60));
        table.getColumns().add(num("tokens/s", RunSummary::tokensPerSecond, "%,.0f", 85));
        table.getColumns().add(num("spliced: output cos", r -> r.downstream() == null ? Double.NaN : r.downstream().cosine(), "%.4f", 120));
        table.getColumns().add(num("KL", r -> r.downstream() == null ? Double.NaN : r.downstream().kl(), "%.4f", 70));
        table.getColumns().add(num("accuracy %", r -> r.downstream() == null ? Double.NaN : 100 * r.downstream().splicedAccuracy(), "%.2f", 85));
        table.getColumns().add(num("CE recovered %", r -> r.downstream() == null ? Double.NaN : 100 * r.downstream().ceRecovered(), "%.1f", 100));
        table.setItems(vm.runs());
        table.setRowFactory(t -> {
            var row = new javafx.scene.control.TableRow<RunSummary>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && row.getItem() != null) onOpen.accept(row.getItem());
            });
            return row;
        });
        ExportActions.install(table, vm::table, "autoencoder-runs");

        JFreeChart chart = ChartFactory.createScatterPlot("L0 vs FVU (held out)", "L0 (active latents per row)",
                "FVU", vm.points(), PlotOrientation.VERTICAL, true, true, false);
        Charts.themed(chart);
        XYPlot p = chart.getXYPlot();
        for (NumberAxis a : new NumberAxis[] {(NumberAxis) p.getDomainAxis(), (NumberAxis) p.getRangeAxis()}) {
            a.setAutoRangeIncludesZero(true);
            a.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
        }
        XYToolTipGenerator tips = (data, s, i) -> String.format(Locale.ROOT, "%s: L0 %.2f, FVU %.4f", vm.label(s, i),
                data.getXValue(s, i), data.getYValue(s, i));
        p.getRenderer().setDefaultToolTipGenerator(tips);
        ChartViewer viewer = new ChartViewer(chart);
        viewer.setId("runsChart");
        ExportActions.install(viewer, chart, "autoencoder-runs-l0-fvu");

        Label head = new Label("Autoencoder runs: held-out metrics (right-click to export; double-click a run to open it)");
        head.setStyle("-fx-font-weight: bold;");
        VBox top = new VBox(4, head, table);
        VBox.setVgrow(table, javafx.scene.layout.Priority.ALWAYS);
        top.setPadding(new Insets(6));
        SplitPane split = new SplitPane(top, viewer);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.45);
        setCenter(split);
    }

    public TableView<RunSummary> table() {
        return table;
    }

    public void setOnOpen(Consumer<RunSummary> c) {
        onOpen = c;
    }

    private static TableColumn<RunSummary, String> text(String title, Function<RunSummary, String> f, double w) {
        TableColumn<RunSummary, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new SimpleObjectProperty<>(f.apply(d.getValue())));
        c.setPrefWidth(w);
        return c;
    }

    private static TableColumn<RunSummary, Double> num(String title, Function<RunSummary, Double> f, String fmt, double w) {
        TableColumn<RunSummary, Double> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new SimpleObjectProperty<>(f.apply(d.getValue())));
        c.setCellFactory(col -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null || v.isNaN() || v < 0 ? "" : String.format(Locale.ROOT, fmt, v));
                setStyle("-fx-alignment: CENTER-RIGHT;");
            }
        });
        c.setPrefWidth(w);
        return c;
    }
}
