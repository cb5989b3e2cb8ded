package sparsity.views.report;

import java.nio.file.Path;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.views.model.ModelReport;

/** Writes the MiniLM report in a JVM that never starts JavaFX (run by {@link ReportWriterTest}). */
public final class HeadlessReportMain {

    private HeadlessReportMain() {
    }

    public static void main(String[] args) throws Exception {
        var s = OnnxModels.summarize(SampleModels.path(SampleModels.MINILM), ProgressListener.NONE);
        ReportWriter.write("headless", ModelReport.items(s), Path.of(args[0]));
        boolean fx = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("JavaFX Application Thread") || t.getName().startsWith("QuantumRenderer"));
        if (fx) {
            System.out.println("a JavaFX thread was started");
            System.exit(3);
        }
        System.out.println("report written, no JavaFX thread");
    }
}
