package sparsity.analysis.evaluate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;

/**
 * The inputs a changed model is evaluated on, in batches, with one class label per example or
 * none.
 *
 * @param batches     model inputs as capture prepares them (text through the tokenizer, images, .npy)
 * @param labels      one class per example in batch order, or null
 * @param description the data in words (for reports and CSV provenance)
 */
public record EvalData(List<InputBatch> batches, long[] labels, String description) {

    public EvalData {
        batches = List.copyOf(batches);
        if (batches.isEmpty()) throw new IllegalArgumentException("there are no inputs to evaluate on");
        long n = batches.stream().mapToLong(InputBatch::size).sum();
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " examples; give one label per example");
        }
    }

    /** Examples in all batches. */
    public long examples() {
        return batches.stream().mapToLong(InputBatch::size).sum();
    }

    /** The first {@code n} examples (all when there are fewer), labels cut to match. */
    public EvalData first(int n) {
        if (n <= 0) throw new IllegalArgumentException("need at least one example, asked for " + n);
        if (n >= examples()) return this;
        List<InputBatch> out = new ArrayList<>();
        int left = n;
        for (InputBatch b : batches) {
            if (left == 0) break;
            out.add(b.size() <= left ? b : take(b, left));
            left -= Math.min(left, b.size());
        }
        return new EvalData(out, labels == null ? null : Arrays.copyOf(labels, n), "first " + n + " of " + description);
    }

    /** The first {@code n} examples of a batch. */
    static InputBatch take(InputBatch b, int n) {
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

    /**
     * Evaluation data from a file: a text file (one text per line, through the model's
     * tokenizer: {@code tokenizer}, or a tokenizer.json beside the model), a folder of images, or
     * an .npy array (float rows, or int token ids); labels from an .npy of integers.
     *
     * @param limit use only the first N examples (0: all)
     * @throws EvaluationException for inputs or labels that do not fit the model, with a message for the user
     */
    public static EvalData load(Path modelFile, Path input, Path tokenizer, Path labels, int batchSize, int maxLength, int limit)
            throws EvaluationException, IOException, InterruptedException {
        try {
            ModelSummary summary = OnnxModels.summarize(modelFile, ProgressListener.NONE);
            InputSources.Source source = InputSources.of(input, summary);
            Tokenizer tok = null;
            if (source instanceof InputSources.Texts t) {
                if (limit > 0 && t.lines().size() > limit) source = new InputSources.Texts(t.lines().subList(0, limit), t.origin());
                Optional<Path> tf = tokenizer != null ? Optional.of(tokenizer) : InputSources.tokenizerBeside(modelFile);
                if (tf.isPresent()) tok = Tokenizers.load(tf.get());
            }
            InputSources.Prepared p = InputSources.prepare(summary, source, tok, batchSize, maxLength, ProgressListener.NONE);
            long[] y = labels == null ? null : readLabels(labels);
            long n = p.batches().stream().mapToLong(InputBatch::size).sum();
            // texts are cut before tokenizing, so a longer label file is cut to match
            if (y != null && limit > 0 && n == limit && y.length > n) y = Arrays.copyOf(y, limit);
            if (y != null && y.length != n) {
                throw new EvaluationException(labels + " holds " + y.length + " labels for " + n + " examples of " + input
                        + "; give one label per example");
            }
            EvalData all = new EvalData(p.batches(), y, p.description());
            return limit > 0 ? all.first(limit) : all;
        } catch (ModelLoadException | CaptureException e) {
            throw new EvaluationException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new EvaluationException(e.getMessage(), e);
        }
    }

    /**
     * The default evaluation data of a bundled sample: the MNIST MLP's held-out digits with their
     * labels, the first {@code limit} corpus sentences for all-MiniLM-L6-v2 (through its
     * tokenizer), the tiny transformer's evaluation token ids.
     *
     * @param limit the first N examples (0: the sample's default: all digits, 200 sentences, all sequences)
     */
    public static EvalData forSample(SampleModels.Sample s, int limit, int batchSize) throws EvaluationException, IOException,
            InterruptedException {
        Path model = SampleModels.path(s);
        if (s == SampleModels.MNIST_MLP) {
            return load(model, SampleModels.dataFile("mnist-test-images.npy"), null, SampleModels.dataFile("mnist-test-labels.npy"),
                    batchSize, 128, limit);
        }
        if (s == SampleModels.MINILM) {
            return load(model, SampleModels.corpus(), SampleModels.tokenizer(s).orElseThrow(), null, batchSize, 128,
                    limit > 0 ? limit : 200);
        }
        if (s == SampleModels.TINY_TRANSFORMER) {
            return load(model, SampleModels.dataFile("tiny-transformer-eval.npy"), null, null, batchSize, 128, limit);
        }
        throw new EvaluationException("sample " + s.id() + " has no default evaluation data; name some");
    }

    /** Class labels from an .npy file of integers, one per example ([N] or [N, 1]). */
    public static long[] readLabels(Path npy) throws IOException, EvaluationException {
        try (NpyArray a = Npy.read(npy)) {
            if (a.dtype().isFloat() || !(a.rank() == 1 || a.rank() == 2 && a.shape()[1] == 1)) {
                throw new EvaluationException(npy + ": labels are integers [examples], not " + a.describe());
            }
            return a.toLongArray();
        }
    }
}
