package sparsity.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.GraphTensor;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.onnx.ParameterStats;
import sparsity.analysis.onnx.TensorSpec;

/** {@code ./workbench inspect MODEL [--json]}: the numbers the model view shows. */
@Command(name = "inspect", description = "Print the summary of an ONNX model (what the model view shows).")
final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx file, or a bundled sample's name.")
    String model;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--tensors", description = "Also list every intermediate tensor.")
    boolean tensors;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path file = ModelArgument.resolve(model);
        ModelSummary s;
        try {
            s = OnnxModels.summarize(file, ProgressListener.NONE);
        } catch (ModelLoadException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(om.writeValueAsString(s));
        } else {
            print(s, out, tensors);
        }
        out.flush();
        return 0;
    }

    static void print(ModelSummary s, PrintWriter out, boolean withTensors) {
        out.printf("model      %s%n", s.file());
        out.printf("sha256     %s%n", s.sha256());
        out.printf("size       %,d bytes%n", s.fileBytes());
        out.printf("producer   %s %s%n", s.producerName(), s.producerVersion());
        out.printf("ir version %d%n", s.irVersion());
        StringBuilder ops = new StringBuilder();
        for (Map.Entry<String, Long> e : s.opsets().entrySet()) {
            if (!ops.isEmpty()) ops.append(", ");
            ops.append(e.getKey().isEmpty() ? "ai.onnx" : e.getKey()).append(' ').append(e.getValue());
        }
        out.printf("opsets     %s%n", ops);
        out.println("inputs");
        for (TensorSpec t : s.inputs()) out.printf("  %-28s %-8s %s%n", t.name(), t.elementType(), t.shapeText());
        out.println("outputs");
        for (TensorSpec t : s.outputs()) out.printf("  %-28s %-8s %s%n", t.name(), t.elementType(), t.shapeText());
        out.printf("nodes      %d%n", s.nodeCount());
        out.println("op types");
        for (Map.Entry<String, Integer> e : s.opCounts().entrySet()) out.printf("  %-24s %d%n", e.getKey(), e.getValue());
        out.printf("parameters %,d in %d tensors (%,d bytes)%n", s.totalParameters(), s.parameters().size(),
                s.totalParameterBytes());
        for (ParameterStats p : s.parameters()) {
            out.printf(Locale.ROOT, "  %-50s %-8s %-16s %,12d  zeros %6.2f%%  max|w| %.4g%s%n", p.name(), p.elementType(),
                    p.shapeText(), p.count(), 100 * p.zeroFraction(), p.maxAbs(), p.fromConstantNode() ? "  (Constant)" : "");
        }
        out.printf("tensors    %d intermediate%n", s.tensors().size());
        if (withTensors) {
            for (GraphTensor t : s.tensors()) {
                out.printf("  %-20s %-60s %-12s %s%n", t.group(), t.name(), t.producerOp(), t.shapeText());
            }
        }
        if (!s.externalDataFiles().isEmpty()) out.printf("external   %s%n", String.join(", ", s.externalDataFiles()));
    }
}
