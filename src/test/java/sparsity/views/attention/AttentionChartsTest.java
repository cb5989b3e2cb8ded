package sparsity.views.attention;

import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.JFreeChart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.store.ActivationStore;
import sparsity.attention.HeadAnalysis;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.views.charts.Charts;
import sparsity.views.export.TableData;
import sparsity.views.report.ReportItem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-layer charts hold one value per head and layer, export as CSV and draw headless. */
class AttentionChartsTest {

    @TempDir
    static Path tmp;
    static List<HeadAnalysis.HeadReport> heads;

    @BeforeAll
    static void analyze() throws Exception {
        try (ActivationStore s = ActivationStore.open(TinyStores.capture(tmp))) {
            heads = HeadAnalysis.analyze(s, HeadMetrics.Settings.defaults(), 0.1, null, ProgressListener.NONE);
        }
    }

    @Test
    void chartsHoldEveryHeadOfEveryLayer() {
        JFreeChart entropy = AttentionCharts.entropyByLayer(heads);
        TableData t = Charts.datasetTable(entropy);
        assertEquals(List.of("layer", "head 0", "head 1", "head 2", "head 3"), t.columns());
        assertEquals(2, t.rowCount());
        assertEquals("L0", t.rows().get(0).get(0));
        HeadAnalysis.HeadReport prev = HeadTables.find(heads, 0, 2);
        assertEquals(prev.metrics().normalizedEntropy().mean(), Double.parseDouble(t.rows().get(0).get(3)), 1e-6);
        TableData d = Charts.datasetTable(AttentionCharts.densityByLayer(heads));
        assertEquals(prev.metrics().coverageAt(0.9).mean(), Double.parseDouble(d.rows().get(0).get(3)), 1e-6);
        assertTrue(Double.parseDouble(d.rows().get(0).get(3)) < 0.15, "the previous-token head puts 90% of a row on one key");
    }

    @Test
    void reportItemsDrawWithoutJavaFx() {
        List<ReportItem> items = AttentionCharts.reportItems(heads, "tiny store", "Capture tiny", java.util.Map.of("store", "x"));
        assertEquals(List.of("attention-entropy-tiny-store", "attention-density-tiny-store", "attention-heads-tiny-store"),
                items.stream().map(ReportItem::id).toList());
        var img = items.get(0).image().render(800, 500);
        assertEquals(800, img.getWidth());
        assertNotNull(items.get(1).table());
        assertEquals(HeadTables.heads(heads), items.get(2).table());
    }
}
