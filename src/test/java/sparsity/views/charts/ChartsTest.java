package sparsity.views.charts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.views.export.Exporter;
import sparsity.views.export.ImageSource;
import sparsity.views.export.TableData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    @TempDir
    Path dir;

    static ParameterStats param(String name, String type, double maxAbs, long[] hist) {
        long n = 0;
        for (long c : hist) n += c;
        return new ParameterStats(name, type, List.of(n), n, n * 4, 0, maxAbs, hist, false);
    }

    static long[] bins(int... nonZero) {
        long[] h = new long[ParameterStats.HISTOGRAM_BINS];
        for (int i = 0; i + 1 < nonZero.length; i += 2) h[nonZero[i]] = nonZero[i + 1];
        return h;
    }

    @Test
    void opCountChartExportsItsCounts() {
        Map<String, Integer> ops = new LinkedHashMap<>();
        ops.put("MatMul", 96);
        ops.put("Softmax", 6);
        JFreeChart chart = Charts.opCounts(ops, "ops");
        TableData t = Charts.datasetTable(chart);
        assertEquals(List.of("op type", "nodes"), t.columns());
        assertEquals(List.of(List.of("MatMul", "96"), List.of("Softmax", "6")), t.rows());
    }

    @Test
    void parameterHistogramHasOneRowPerBin() {
        ParameterStats p = param("w", "float", 2.0, bins(0, 10, 63, 5));
        JFreeChart chart = Charts.parameterHistogram(p, false);
        TableData t = Charts.datasetTable(chart);
        assertEquals(List.of("|w| from", "|w| to", "count"), t.columns());
        assertEquals(64, t.rowCount());
        assertEquals(List.of("0", "0.03125", "10"), t.rows().get(0));
        assertEquals(List.of("1.96875", "2", "5"), t.rows().get(63));
        assertEquals(List.of("0.03125", "0.0625", "0"), t.rows().get(1));
    }

    @Test
    void logHistogramUsesALogAxisAndDraws() throws Exception {
        ParameterStats p = param("w", "float", 1.0, bins(0, 1000, 10, 3, 63, 1));
        JFreeChart chart = Charts.parameterHistogram(p, true);
        assertInstanceOf(LogAxis.class, ((XYPlot) chart.getPlot()).getRangeAxis());
        Path f = dir.resolve("h.png");
        Exporter.writePng(ImageSource.of(chart), 600, 400, f);
        var img = ImageIO.read(f.toFile());
        assertEquals(600, img.getWidth());
        assertEquals(400, img.getHeight());
        assertTrue(Files.size(f) > 1000);
    }

    @Test
    void aggregateKeepsAlignedBinsAndTheTotal() {
        // a: range [0, 4]: its bins are the common bins
        ParameterStats a = param("a", "float", 4.0, bins(0, 7, 63, 2));
        // b: range [0, 2]: its bins 2k and 2k+1 fall inside common bin k
        ParameterStats b = param("b", "float", 2.0, bins(0, 5, 1, 3, 10, 4, 63, 1));
        // an int64 tensor is not a float parameter and is left out
        ParameterStats c = param("shape", "int64", 1000.0, bins(63, 1));
        Histogram h = Histogram.aggregate(List.of(a, b, c), 64);
        assertEquals(4.0, h.upper());
        double[] k = h.counts();
        assertEquals(7 + 5 + 3, k[0], 1e-9);
        assertEquals(4, k[5], 1e-9);
        assertEquals(1, k[31], 1e-9);
        assertEquals(2, k[63], 1e-9);
        assertEquals(7 + 2 + 5 + 3 + 4 + 1, h.total(), 1e-9);
    }

    @Test
    void aggregateSpreadsABinThatStraddlesTwoCommonBins() {
        ParameterStats a = param("a", "float", 64.0, bins(0, 1));
        // one bin [0, 1.5): 2/3 of it lies in common bin 0 = [0, 1), 1/3 in bin 1 = [1, 2)
        ParameterStats b = param("b", "float", 1.5 * 64, bins(0, 300));
        Histogram h = Histogram.aggregate(List.of(a, b), 64);
        assertEquals(96.0, h.upper());
        // common bins are 1.5 wide now: b's first bin [0, 1.5) is exactly common bin 0
        assertEquals(301, h.counts()[0], 1e-9);
        ParameterStats d = param("d", "float", 2 * 64, bins(0, 90));
        Histogram h2 = Histogram.aggregate(List.of(b, d), 64);
        // common bin width 2; b's bin [0, 1.5) lies in [0, 2); d's bin [0, 2) is bin 0
        assertEquals(390, h2.counts()[0], 1e-9);
        ParameterStats e = param("e", "float", 3 * 64, bins(1, 60));
        // common width 3 over [0, 192]; e's bin [3, 6) is common bin 1; b's [0,1.5) in bin 0
        Histogram h3 = Histogram.aggregate(List.of(b, e, param("f", "float", 192, bins())), 64);
        assertEquals(300, h3.counts()[0], 1e-9);
        assertEquals(60, h3.counts()[1], 1e-9);
        ParameterStats g = param("g", "float", 64, bins(1, 90));
        // g's bin [1, 2) against common width 1.5 over [0, 96): 1/2 in [0, 1.5), 1/2 in [1.5, 3)
        Histogram h4 = Histogram.aggregate(List.of(g, b), 64);
        assertEquals(300 + 45, h4.counts()[0], 1e-9);
        assertEquals(45, h4.counts()[1], 1e-9);
    }

    @Test
    void modelHistogramLeavesOutIntegersAndConstantNodes() {
        ParameterStats mask = new ParameterStats("/Constant_output_0", "float", List.of(), 1, 4, 0, 3.4028234663852886e38,
                bins(63, 1), true);
        JFreeChart chart = Charts.modelHistogram(List.of(
                param("a", "float", 1, bins(0, 1)), param("i", "int64", 5, bins(0, 1)), mask), false);
        assertTrue(chart.getTitle().getText().contains("(1 initializers)"), chart.getTitle().getText());
        assertEquals(1.0, Histogram.aggregate(List.of(param("a", "float", 1, bins(0, 1)), mask), 64).upper());
        assertEquals(64, Charts.datasetTable(chart).rowCount());
    }

    @Test
    void numbersReadAsPlainCsvText() {
        assertEquals("3", Charts.number(3.0));
        assertEquals("0.1", Charts.number(0.1));
        assertEquals("1.5e-05", Charts.number(1.5e-5));
        assertEquals("0.333333333", Charts.number(1.0 / 3));
    }
}
