package sparsity.views.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import sparsity.views.export.TableData;

/**
 * Metric-vs-sparsity curves, one per method, filled point by point while a sweep runs: points
 * arrive on any thread ({@link #add}) and are applied on the FX thread by {@link #drain}. The
 * dense model's value is the baseline. A method can be hidden (its series leaves the chart, its
 * points stay).
 */
public final class CurveViewModel {

    /** One measured point. */
    public record Point(String method, double level, double value, double actualSparsity, double seconds) {
    }

    private final String title;
    private final String xLabel;
    private final String metric;
    private final ConcurrentLinkedQueue<Point> pending = new ConcurrentLinkedQueue<>();
    private final Map<String, XYSeries> series = new LinkedHashMap<>();
    private final XYSeriesCollection shown = new XYSeriesCollection();
    private final ObservableList<String> methods = FXCollections.observableArrayList();
    private final List<Point> points = new ArrayList<>();
    private final Map<String, Boolean> visible = new LinkedHashMap<>();
    private final DoubleProperty baseline = new SimpleDoubleProperty(Double.NaN);
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty metricLabel = new SimpleStringProperty();

    /**
     * @param title  chart title
     * @param xLabel e.g. "weight sparsity (%)"
     * @param metric e.g. "accuracy (%)"
     */
    public CurveViewModel(String title, String xLabel, String metric) {
        this.title = title;
        this.xLabel = xLabel;
        this.metric = metric;
        metricLabel.set(metric);
    }

    /** The y axis' label (set once the metric is known). */
    public StringProperty metricLabel() {
        return metricLabel;
    }

    public String title() {
        return title;
    }

    public String xLabel() {
        return xLabel;
    }

    public String metric() {
        return metric;
    }

    /** Accepts a point (any thread). */
    public void add(Point p) {
        pending.add(p);
    }

    /** Applies the points that arrived (FX thread); true when anything changed. */
    public boolean drain() {
        Point p;
        boolean changed = false;
        while ((p = pending.poll()) != null) {
            points.add(p);
            XYSeries s = series.get(p.method());
            if (s == null) {
                s = new XYSeries(p.method(), true, true);
                series.put(p.method(), s);
                methods.add(p.method());
                visible.put(p.method(), true);
                shown.addSeries(s);
            }
            s.addOrUpdate(100 * p.level(), p.value());
            changed = true;
        }
        return changed;
    }

    /** Shows or hides a method's line (FX thread). */
    public void setVisible(String method, boolean show) {
        XYSeries s = series.get(method);
        if (s == null || visible.get(method) == show) return;
        visible.put(method, show);
        if (show) {
            // keep the series in method order so colours stay put
            shown.removeAllSeries();
            for (Map.Entry<String, XYSeries> e : series.entrySet()) if (visible.get(e.getKey())) shown.addSeries(e.getValue());
        } else {
            shown.removeSeries(s);
        }
    }

    public boolean isVisible(String method) {
        return visible.getOrDefault(method, false);
    }

    public XYSeriesCollection data() {
        return shown;
    }

    public ObservableList<String> methods() {
        return methods;
    }

    public DoubleProperty baseline() {
        return baseline;
    }

    public StringProperty message() {
        return message;
    }

    /** The points measured so far. */
    public List<Point> points() {
        return List.copyOf(points);
    }

    /** The index of a method in the full method order (its colour). */
    public int colourIndex(String method) {
        return new ArrayList<>(series.keySet()).indexOf(method);
    }

    public String describe(String method, double levelPercent, double value) {
        for (Point p : points) {
            if (p.method().equals(method) && Math.abs(100 * p.level() - levelPercent) < 1e-9) {
                return String.format(Locale.ROOT, "%s at %.1f%%: %s %.4f (actual sparsity %.2f%%, %.1f s)", method, levelPercent, metric,
                        value, 100 * p.actualSparsity(), p.seconds());
            }
        }
        return String.format(Locale.ROOT, "%s at %.1f%%: %.4f", method, levelPercent, value);
    }

    public TableData table() {
        List<List<String>> rows = new ArrayList<>();
        for (Point p : points) {
            rows.add(List.of(p.method(), f(p.level()), f(p.value()), f(p.actualSparsity()), f(p.seconds())));
        }
        return new TableData(title, List.of("method", "level", metric, "actual_sparsity", "seconds"), rows);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
