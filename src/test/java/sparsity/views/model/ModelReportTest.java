package sparsity.views.model;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.views.report.ReportItem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class ModelReportTest {

    private static ModelSummary summary;

    @BeforeAll
    static void read() throws Exception {
        summary = MiniLm.summary();
    }

    @Test
    void itemsAreTheViewsTablesAndCharts() {
        List<ReportItem> items = ModelReport.items(summary);
        assertEquals(List.of("all-minilm-l6-v2-summary", "all-minilm-l6-v2-inputs", "all-minilm-l6-v2-outputs",
                "all-minilm-l6-v2-op-types", "all-minilm-l6-v2-parameters", "all-minilm-l6-v2-magnitudes",
                "all-minilm-l6-v2-magnitudes-embeddings.word_embeddings.weight",
                "all-minilm-l6-v2-magnitudes-onnx::MatMul_798", "all-minilm-l6-v2-magnitudes-onnx::MatMul_799",
                "all-minilm-l6-v2-tensors"), items.stream().map(ReportItem::id).toList());
        ModelViewModel vm = new ModelViewModel(summary);
        ReportItem ops = items.get(3);
        assertNotNull(ops.image());
        assertEquals(vm.opsTable(), ops.table(), "the report's op table is the view's");
        assertEquals(vm.inputsTable(), items.get(1).table());
        assertEquals(vm.parametersTable(vm.parameters()), items.get(4).table());
        assertNull(items.get(4).image());
        Map<String, String> prov = ops.provenance();
        assertEquals(summary.sha256(), prov.get("sha256"));
        assertEquals("pytorch 2.0.1", prov.get("producer"));
        assertEquals("ai.onnx 11", prov.get("opset"));
        assertEquals(summary.file().toAbsolutePath().toString(), prov.get("file"));
        assertEquals(64, items.get(5).table().rowCount());
    }
}
