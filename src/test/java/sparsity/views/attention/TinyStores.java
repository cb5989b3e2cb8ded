package sparsity.views.attention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.DType;

/** A store of the tiny sample transformer's attention maps on its evaluation set (as KnownHeadsTest captures it). */
public final class TinyStores {

    private TinyStores() {
    }

    /** Captures the maps of the 64 evaluation sequences (41 tokens each) into {@code dir}/maps and returns that folder. */
    public static Path capture(Path dir) throws Exception {
        Path model = SampleModels.path(SampleModels.TINY_TRANSFORMER);
        var summary = OnnxModels.summarize(model, ProgressListener.NONE);
        var prepared = InputSources.prepare(summary, new InputSources.Tensors(SampleModels.dataFile("tiny-transformer-eval.npy")),
                null, 16, 64, ProgressListener.NONE);
        Path store = dir.resolve("maps");
        Files.createDirectories(dir);
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(), true, DType.FLOAT32, store, prepared.description()))) {
            c.run(prepared.batches().iterator(), ProgressListener.NONE);
        }
        return store;
    }
}
