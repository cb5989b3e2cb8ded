package sparsity.views.model;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.views.export.TableData;
import sparsity.views.model.ModelTables.OpCount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model view-model on the real all-MiniLM-L6-v2, without a window. */
class ModelViewModelTest {

    private static ModelSummary summary;

    @BeforeAll
    static void read() throws Exception {
        summary = MiniLm.summary();
    }

    @Test
    void headerFacts() {
        ModelViewModel vm = new ModelViewModel(summary);
        assertEquals("all-minilm-l6-v2.onnx", vm.fileNameProperty().get());
        assertEquals("pytorch 2.0.1", vm.producerProperty().get());
        assertEquals("6", vm.irVersionProperty().get());
        assertEquals("ai.onnx 11", vm.opsetsProperty().get());
        assertEquals(summary.sha256().substring(0, 12), vm.sha256ShortProperty().get());
        assertEquals("86.2 MiB", vm.fileSizeProperty().get());
        assertEquals("22,566,034 parameters (86.1 MiB)", vm.totalParamsProperty().get());
        long sum = vm.parameters().stream().mapToLong(ParameterStats::count).sum();
        assertEquals(22_566_034L, sum, "the total is the sum of the parameter rows");
    }

    @Test
    void inputsOutputsAndOps() {
        ModelViewModel vm = new ModelViewModel(summary);
        assertEquals(List.of(
                List.of("input_ids", "int64", "[batch_size, sequence_length]"),
                List.of("attention_mask", "int64", "[batch_size, sequence_length]"),
                List.of("token_type_ids", "int64", "[batch_size, sequence_length]")), vm.inputsTable().rows());
        assertEquals(List.of(List.of("last_hidden_state", "float", "[batch_size, sequence_length, 384]")),
                vm.outputsTable().rows());
        assertEquals(new OpCount("Constant", 146), vm.ops().getFirst());
        assertTrue(vm.ops().contains(new OpCount("Softmax", 6)));
        assertEquals(637, vm.ops().stream().mapToInt(OpCount::count).sum());
        TableData ops = vm.opsTable();
        assertEquals(List.of("op type", "nodes"), ops.columns());
        assertTrue(ops.rows().contains(List.of("Softmax", "6")));
        assertEquals(19, ops.rowCount());
    }

    @Test
    void parameterRowsAndTheDefaultHistogram() {
        ModelViewModel vm = new ModelViewModel(summary);
        assertEquals(248, vm.parameters().size());
        ParameterStats largest = vm.selectedParameterProperty().get();
        assertEquals("embeddings.word_embeddings.weight", largest.name());
        TableData t = vm.parametersTable(vm.parameters());
        assertEquals(List.of("embeddings.word_embeddings.weight", "float", "[30522, 384]", "11720448", "46881792",
                "0.00", "1.049", "no"), t.rows().get(1));
        assertEquals(List.of("embeddings.position_ids", "int64", "[1, 512]", "512", "4096", "0.20", "511", "no"),
                t.rows().get(0));
    }

    @Test
    void tensorFilterCountsMatches() {
        ModelViewModel vm = new ModelViewModel(summary);
        assertEquals(637, vm.matchCountProperty().get());
        assertEquals("637 tensors", vm.matchTextProperty().get());
        vm.tensorFilterProperty().set("Softmax");
        assertEquals(6, vm.matchCountProperty().get());
        assertEquals("6 of 637 tensors match", vm.matchTextProperty().get());
        assertTrue(vm.filteredTensors().stream().allMatch(t -> t.producerOp().equals("Softmax")));
        vm.tensorFilterProperty().set("  LAYER.0   softmax ");
        assertEquals(List.of("/encoder/layer.0/attention/self/Softmax_output_0"),
                vm.filteredTensors().stream().map(GraphTensor::name).toList());
        vm.tensorFilterProperty().set("no such tensor");
        assertEquals(0, vm.matchCountProperty().get());
        assertEquals(0, vm.tensorsTable().rowCount());
        vm.tensorFilterProperty().set("");
        assertEquals(637, vm.tensorsTable().rowCount());
    }

    @Test
    void tensorsAreGroupedByLayer() {
        ModelViewModel vm = new ModelViewModel(summary);
        Map<String, List<GraphTensor>> groups = vm.groupedTensors();
        assertEquals(List.of("(top level)", "/embeddings", "/encoder/layer.0", "/encoder/layer.1", "/encoder/layer.2",
                "/encoder/layer.3", "/encoder/layer.4", "/encoder/layer.5"), List.copyOf(groups.keySet()));
        assertEquals(637, groups.values().stream().mapToInt(List::size).sum());
        assertTrue(groups.get("/encoder/layer.0").stream()
                .anyMatch(t -> t.name().equals("/encoder/layer.0/attention/self/Softmax_output_0")));
        vm.tensorFilterProperty().set("Softmax");
        assertEquals(List.of("/encoder/layer.0", "/encoder/layer.1", "/encoder/layer.2", "/encoder/layer.3",
                "/encoder/layer.4", "/encoder/layer.5"), List.copyOf(vm.groupedTensors().keySet()));
    }
}
