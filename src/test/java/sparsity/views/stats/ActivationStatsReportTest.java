package sparsity.views.stats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.ActivationSummary;
import sparsity.analysis.stats.RowSource;
import sparsity.views.charts.Charts;
import sparsity.views.export.TableData;
import sparsity.views.report.ReportItem;
import sparsity.views.report.ReportWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The statistics' tables, charts and report items, headless. */
class ActivationStatsReportTest {

    private static float[] data;
    private static ActivationSummary s;

    @BeforeAll
    static void compute() throws Exception {
        data = StatsData.make();
        s = ActivationStats.compute(RowSource.of(data, StatsData.DIM, 128), ActivationStats.Settings.defaults(),
                ProgressListener.NONE);
    }

    @Test
    void outliersAreTheLoudDimensionWithItsRatioToTheMedian() {
        List<ActivationStatsReport.OutlierRow> o = ActivationStatsReport.outliers(s);
        assertEquals(1, o.size());
        assertEquals(7, o.getFirst().dim());
        assertEquals(s.rms()[7] / s.medianRms(), o.getFirst().timesMedian(), 1e-12);
        assertTrue(o.getFirst().timesMedian() > 30, "about 50x the median rms");
        TableData t = ActivationStatsReport.outliersTable(s, "h");
        assertEquals(List.of("dim", "rms", "x median", "max |a|"), t.columns());
        assertEquals("7", t.rows().getFirst().getFirst());
    }

    @Test
    void firingTableRanksNeuronsAndKeepsTheirIndex() {
        TableData t = ActivationStatsReport.firingTable(s, "h");
        assertEquals(StatsData.DIM, t.rowCount());
        // dims 3-7 fire almost always, 1 about half the time, 2 (5e-4 < eps) and 0 never
        assertEquals(List.of("6", "0", "0"), t.rows().get(6), "ties in index order");
        assertEquals(List.of("7", "2", "0"), t.rows().get(7));
        assertEquals("1", t.rows().get(5).get(1));
        double[] sorted = s.sortedFiringFrequency();
        for (int i = 0; i < sorted.length; i++) assertEquals(sorted[i], Double.parseDouble(t.rows().get(i).get(2)), 1e-6);
    }

    @Test
    void summaryAndHistogramTablesMatchTheData() {
        TableData sum = ActivationStatsReport.summaryTable(s, "h");
        assertEquals(List.of("never active neurons", "2"), sum.rows().get(6));
        assertEquals(StatsData.zeros(data), Double.parseDouble(sum.rows().get(4).get(1)), 1e-6);
        assertEquals(StatsData.below(data, 1e-3), Double.parseDouble(sum.rows().get(5).get(1)), 1e-6);
        TableData h = ActivationStatsReport.histogramTable(s, "h");
        assertEquals(100, h.rowCount());
        assertEquals(StatsData.ROWS * StatsData.DIM, h.rows().stream().mapToLong(r -> Long.parseLong(r.get(2))).sum());
        assertEquals(s.min(), Double.parseDouble(h.rows().getFirst().get(0)), 1e-4);
        assertEquals(s.max(), Double.parseDouble(h.rows().getLast().get(1)), 1e-4);
    }

    @Test
    void chartsCarryTheDataAndTheLogToggle() {
        JFreeChart log = ActivationStatsReport.histogram(s, "h", true);
        assertInstanceOf(LogAxis.class, ((XYPlot) log.getPlot()).getRangeAxis());
        JFreeChart lin = ActivationStatsReport.histogram(s, "h", false);
        assertTrue(!(((XYPlot) lin.getPlot()).getRangeAxis() instanceof LogAxis));
        TableData ms = Charts.datasetTable(ActivationStatsReport.meanStd(s, "h"));
        assertEquals(List.of("series", "dimension", "y"), ms.columns());
        assertEquals(2 * StatsData.DIM, ms.rowCount());
        TableData f = Charts.datasetTable(ActivationStatsReport.firing(s, "h"));
        assertEquals(StatsData.DIM, f.rowCount());
        assertEquals("0", f.rows().getLast().get(1), "the sorted plot ends at the never-active neurons");
    }

    @Test
    void reportItemsWriteHeadlessWithProvenance(@TempDir Path dir) throws Exception {
        List<ReportItem> items = ActivationStatsReport.items(s, "/encoder/layer.0/Gelu_output_0", Map.of("model", "m.onnx"));
        assertEquals(List.of("summary", "histogram", "firing", "mean-std", "outliers"),
                items.stream().map(i -> i.id().replace("stats-encoder-layer.0-gelu_output_0-", "")).toList());
        assertEquals("m.onnx", items.get(1).provenance().get("model"));
        assertEquals("eps 0.001, 100 bins, outlier factor 5", items.get(1).provenance().get("statistics"));
        Path index = ReportWriter.write("stats", items, dir);
        assertTrue(Files.readString(index).contains("Firing frequency per neuron of /encoder/layer.0/Gelu_output_0"));
        assertTrue(Files.size(dir.resolve(items.get(1).id() + ".png")) > 5_000);
        assertTrue(Files.exists(dir.resolve(items.get(4).id() + ".csv")));
    }
}
