package sparsity.views.model;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;

/** The all-MiniLM-L6-v2 summary, read once per test JVM (it takes a few seconds). */
final class MiniLm {

    private static ModelSummary summary;

    private MiniLm() {
    }

    static synchronized ModelSummary summary() throws Exception {
        if (summary == null) {
            summary = OnnxModels.summarize(SampleModels.path(SampleModels.MINILM), ProgressListener.NONE);
        }
        return summary;
    }
}
