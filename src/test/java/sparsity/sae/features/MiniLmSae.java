package sparsity.sae.features;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.model.TopKAutoencoder;
import sparsity.sae.train.StoreBatches;

/**
 * A small real autoencoder for UI tests: all-MiniLM-L6-v2's layer-3 output captured on the first
 * sentences of the sample corpus, and a TopK autoencoder (128 latents, k 8) trained on it for a
 * few hundred steps. Takes a few seconds.
 */
public final class MiniLmSae {

    public static final String HIDDEN = "/encoder/layer.3/output/LayerNorm/Add_1_output_0";

    /** The store and the SAELens folder. */
    public record Made(Path store, Path sae) {
    }

    private MiniLmSae() {
    }

    public static Made make(Path dir, int sentences) throws Exception {
        Path model = SampleModels.path(SampleModels.MINILM);
        var summary = OnnxModels.summarize(model, ProgressListener.NONE);
        var tok = Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow());
        List<String> lines = Files.readAllLines(SampleModels.corpus()).stream().filter(s -> !s.isBlank()).limit(sentences).toList();
        Path texts = Files.write(dir.resolve("sentences.txt"), lines);
        var prepared = InputSources.prepare(summary, new InputSources.Texts(TextInputs.readFile(texts), texts.toString()), tok, 16, 64,
                ProgressListener.NONE);
        Path store = dir.resolve("store");
        try (Capture c = Capture.open(new CaptureSpec(model, List.of(HIDDEN), false, DType.FLOAT32, store, prepared.description()))) {
            c.run(prepared.batches().iterator(), ProgressListener.NONE);
        }
        Path sae = dir.resolve("sae");
        try (ActivationStore s = ActivationStore.open(store);
             Backend be = Backends.cpu();
             TopKAutoencoder m = new TopKAutoencoder(be, 384, 128, TopKAutoencoder.Config.defaults(384, 8), 1);
             MemoryScope ms = MemoryScope.open()) {
            var t = s.tensor(HIDDEN).orElseThrow();
            StoreBatches batches = new StoreBatches(t, 0, t.rows(), 1, 1f);
            int rows = (int) Math.min(1024, t.rows());
            FloatMatrix sample = ms.floats(rows, 384);
            batches.batch(0, sample);
            m.initFromData(sample.toArray(), rows, 1);
            FloatMatrix x = ms.floats(256, 384);
            for (int step = 0; step < 300; step++) {
                batches.batch(step, x);
                m.trainStep(x, 1e-3f);
            }
            SaeLensFormat.write(sae, m, 1, HIDDEN, model.getFileName().toString(), null, null);
        }
        return new Made(store, sae);
    }
}
