package sparsity.views.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.analysis.onnx.TensorSpec;
import sparsity.views.export.TableData;

/**
 * The model view's tables as {@link TableData}, free of JavaFX: the same columns and text in
 * the view's CSV exports and in the headless report.
 */
public final class ModelTables {

    public static final List<String> TENSOR_SPEC_COLUMNS = List.of("name", "element type", "shape");
    public static final List<String> OP_COLUMNS = List.of("op type", "nodes");
    public static final List<String> PARAMETER_COLUMNS =
            List.of("name", "element type", "shape", "count", "bytes", "% exact zeros", "max |w|", "from Constant");
    public static final List<String> TENSOR_COLUMNS = List.of("group", "name", "producing op", "node", "element type", "shape");

    private ModelTables() {
    }

    /** The header facts as "property, value" rows, in the order the view shows them. */
    public static Map<String, String> facts(ModelSummary s) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("file", s.file().getFileName().toString());
        m.put("producer", Formats.producer(s.producerName(), s.producerVersion()));
        m.put("graph", s.graphName());
        m.put("IR version", Long.toString(s.irVersion()));
        m.put("opsets", Formats.opsets(s.opsets()));
        m.put("sha256", s.sha256());
        m.put("file size", Formats.bytes(s.fileBytes()) + " (" + Formats.count(s.fileBytes()) + " bytes)");
        m.put("nodes", Formats.count(s.nodeCount()));
        m.put("parameters", Formats.count(s.totalParameters()));
        m.put("parameter bytes", Formats.bytes(s.totalParameterBytes()) + " (" + Formats.count(s.totalParameterBytes()) + " bytes)");
        m.put("intermediate tensors", Formats.count(s.tensors().size()));
        if (!s.externalDataFiles().isEmpty()) m.put("external data", String.join(", ", s.externalDataFiles()));
        return m;
    }

    public static TableData summary(ModelSummary s) {
        List<List<String>> rows = new ArrayList<>();
        facts(s).forEach((k, v) -> rows.add(List.of(k, v)));
        return new TableData("Model " + s.file().getFileName(), List.of("property", "value"), rows);
    }

    public static TableData inputs(List<TensorSpec> inputs) {
        return specs("Inputs", inputs);
    }

    public static TableData outputs(List<TensorSpec> outputs) {
        return specs("Outputs", outputs);
    }

    private static TableData specs(String title, List<TensorSpec> specs) {
        List<List<String>> rows = new ArrayList<>();
        for (TensorSpec t : specs) rows.add(List.of(t.name(), t.elementType(), t.shapeText()));
        return new TableData(title, TENSOR_SPEC_COLUMNS, rows);
    }

    public static TableData ops(List<OpCount> ops) {
        List<List<String>> rows = new ArrayList<>();
        for (OpCount o : ops) rows.add(List.of(o.opType(), Integer.toString(o.count())));
        return new TableData("Op types", OP_COLUMNS, rows);
    }

    public static TableData parameters(List<ParameterStats> params) {
        List<List<String>> rows = new ArrayList<>();
        for (ParameterStats p : params) {
            rows.add(List.of(p.name(), p.elementType(), p.shapeText(), Long.toString(p.count()), Long.toString(p.bytes()),
                    Formats.percent(p.zeroFraction()), Formats.magnitude(p.maxAbs()), p.fromConstantNode() ? "yes" : "no"));
        }
        return new TableData("Parameters", PARAMETER_COLUMNS, rows);
    }

    public static TableData tensors(List<GraphTensor> tensors) {
        List<List<String>> rows = new ArrayList<>();
        for (GraphTensor t : tensors) {
            rows.add(List.of(t.group(), t.name(), t.producerOp(), t.producerNode(), t.elementType(), t.shapeText()));
        }
        return new TableData("Intermediate tensors", TENSOR_COLUMNS, rows);
    }

    /** Op types with their node counts, most frequent first (as the summary orders them). */
    public static List<OpCount> opCounts(ModelSummary s) {
        List<OpCount> out = new ArrayList<>();
        s.opCounts().forEach((op, n) -> out.add(new OpCount(op, n)));
        return List.copyOf(out);
    }

    /** One row of the op table. */
    public record OpCount(String opType, int count) {
    }
}
