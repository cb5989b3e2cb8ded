package sparsity.app.prune;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.onnx.proto.OnnxMl.ModelProto;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Calibration;
import sparsity.analysis.prune.CalibrationException;
import sparsity.analysis.samples.SampleModels;
import sparsity.kernels.Backend;

/**
 * Pruning work the command line and the window share: the calibration data of a model (given, or
 * a bundled sample's own data), cut to a number of examples, and the calibration pass.
 */
public final class PruneWork {

    private PruneWork() {
    }

    /** The bundled sample's own data, when the model is a bundled sample. */
    public static Optional<InputSources.Source> sampleData(Path file) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        for (SampleModels.Sample s : SampleModels.all()) {
            Path p;
            try {
                p = SampleModels.path(s).toAbsolutePath().normalize();
            } catch (IOException e) {
                continue;
            }
            if (!p.equals(f)) continue;
            if (s == SampleModels.MNIST_MLP) return Optional.of(new InputSources.Tensors(SampleModels.dataFile("mnist-test-images.npy")));
            if (s == SampleModels.TINY_TRANSFORMER) return Optional.of(new InputSources.Tensors(SampleModels.dataFile("tiny-transformer-eval.npy")));
            if (s == SampleModels.MINILM) {
                Path corpus = SampleModels.corpus();
                return Optional.of(new InputSources.Texts(TextInputs.readFile(corpus), "sample-models/corpus/sentences.txt"));
            }
        }
        return Optional.empty();
    }

    /**
     * Collects calibration statistics over the first {@code limit} examples of {@code source}
     * (null: the sample's own data; an IllegalArgumentException names what is missing).
     *
     * @param tokenizer tokenizer.json for texts, or null (beside the model)
     * @param gram      whether to accumulate X^T X (SparseGPT, heads) or only the input norms
     */
    public static Calibration calibrate(Path file, ModelProto m, Path source, Path tokenizer, int limit, int batch, int maxLength,
                                        boolean gram, Backend be, ProgressListener progress)
            throws IOException, CaptureException, CalibrationException, InterruptedException, ModelLoadException {
        if (limit < 1 || batch < 1 || maxLength < 1) throw new IllegalArgumentException("calibration limit, batch and max length must be >= 1");
        ModelSummary summary = OnnxModels.summarize(file, ProgressListener.NONE);
        InputSources.Source src;
        if (source != null) {
            src = InputSources.of(source, summary);
        } else {
            src = sampleData(file).orElseThrow(() -> new IllegalArgumentException(file.getFileName() + " needs calibration data: "
                    + "a text file with one text per line, a folder of images, or an .npy array of the model's inputs"));
        }
        if (src instanceof InputSources.Texts t && t.lines().size() > limit) src = new InputSources.Texts(t.lines().subList(0, limit), t.origin());
        Tokenizer tok = null;
        if (src instanceof InputSources.Texts) {
            Path tf = tokenizer != null ? tokenizer : InputSources.tokenizerBeside(file).orElse(null);
            if (tf == null && file.getFileName().toString().equals(SampleModels.MINILM.fileName())) {
                tf = SampleModels.tokenizer(SampleModels.MINILM).orElse(null);
            }
            if (tf != null) tok = Tokenizers.load(tf);
        }
        InputSources.Prepared prepared = InputSources.prepare(summary, src, tok, Math.min(batch, limit), maxLength, ProgressListener.NONE);
        List<InputBatch> batches = first(prepared.batches(), limit);
        int examples = batches.stream().mapToInt(InputBatch::size).sum();
        String description = prepared.description() + (src instanceof InputSources.Texts ? "" : ", first " + examples);
        return Calibration.collect(m, file, batches, description, gram, be, progress);
    }

    /** The first {@code limit} examples of the batches (the last batch cut if need be). */
    public static List<InputBatch> first(List<InputBatch> batches, int limit) {
        List<InputBatch> out = new ArrayList<>();
        int n = 0;
        for (InputBatch b : batches) {
            if (n >= limit) break;
            int take = Math.min(b.size(), limit - n);
            out.add(take == b.size() ? b : head(b, take));
            n += take;
        }
        return out;
    }

    private static InputBatch head(InputBatch b, int n) {
        Map<String, long[][]> longs = new LinkedHashMap<>();
        b.longInputs().forEach((k, v) -> longs.put(k, Arrays.copyOf(v, n)));
        Map<String, InputBatch.FloatInput> floats = new LinkedHashMap<>();
        b.floatInputs().forEach((k, v) -> {
            long[] shape = v.shape().clone();
            int per = (int) (v.data().length / shape[0]);
            shape[0] = n;
            floats.put(k, new InputBatch.FloatInput(Arrays.copyOf(v.data(), n * per), shape));
        });
        return new InputBatch(longs, floats, b.idsInput(), b.maskInput(), b.names().subList(0, n), b.tokenTexts().subList(0, n));
    }
}
