package sparsity.analysis.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.BatchEncoding;
import sparsity.analysis.input.ImageInputs;
import sparsity.analysis.input.ImageSpec;
import sparsity.analysis.input.InputMapping;
import sparsity.analysis.input.MappingPlan;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.TensorSpec;

/**
 * Turns what a user points a capture at (a text file or pasted text, a folder of images, an
 * .npy file) into the model's input batches, with the input mapping checked before anything
 * runs. The GUI's capture dialog and {@code ./workbench capture} both use it.
 */
public final class InputSources {

    /** What the inputs are. */
    public sealed interface Source permits Texts, Images, Tensors {
        /** In words, for the mapping step and provenance. */
        String describe();
    }

    /** Texts, one example each (from a file, one per line, or pasted). */
    public record Texts(List<TextInputs.Line> lines, String origin) implements Source {
        public String describe() {
            return lines.size() + " texts from " + origin;
        }
    }

    /** A folder of PNG/JPEG images, read by a stated spec. */
    public record Images(Path folder, ImageSpec spec) implements Source {
        public String describe() {
            return "images in " + folder + " (" + spec.describe() + ")";
        }
    }

    /** An .npy array whose first axis is the examples. */
    public record Tensors(Path file) implements Source {
        public String describe() {
            return "rows of " + file.getFileName();
        }
    }

    /**
     * The batches of a capture and how they map onto the model.
     *
     * @param plan        which model input gets what, checked
     * @param batches     the input batches, in order
     * @param stats       examples and tokens, for the size estimate
     * @param description the source in words
     */
    public record Prepared(MappingPlan plan, List<InputBatch> batches, InputStats stats, String description) {
    }

    private InputSources() {
    }

    /** A source for a path: a folder is images, an .npy file a tensor, anything else text. */
    public static Source of(Path input, ModelSummary model) throws IOException {
        if (Files.isDirectory(input)) return new Images(input, imageSpecFor(model));
        if (!Files.isRegularFile(input)) throw new IOException(input + ": no such file or folder");
        if (input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) return new Tensors(input);
        return new Texts(TextInputs.readFile(input), input.toString());
    }

    /**
     * The image spec that fits a model's single float input: [batch, 784] is the MNIST sample's
     * flat 28x28 grayscale, [batch, C, H, W] is H x W with C channels (ImageNet mean/std for 3).
     */
    public static ImageSpec imageSpecFor(ModelSummary model) {
        TensorSpec in = model.inputs().stream().filter(t -> t.elementType().startsWith("float")).findFirst().orElse(null);
        if (in == null || in.shape() == null) return ImageSpec.mnist();
        List<String> s = in.shape();
        if (s.size() == 2 && "784".equals(s.get(1))) return ImageSpec.mnist();
        if (s.size() == 4 && s.get(2).matches("\\d+") && s.get(3).matches("\\d+")) {
            int h = Integer.parseInt(s.get(2));
            if ("1".equals(s.get(1))) return ImageSpec.mnist().withLayout(ImageSpec.Layout.NCHW);
            if (h == Integer.parseInt(s.get(3))) return ImageSpec.imagenet(h);
        }
        return ImageSpec.mnist();
    }

    /**
     * The tokenizer.json of a model: {@code tokenizer.json} or {@code STEM-tokenizer.json} beside
     * it, if there is one.
     */
    public static Optional<Path> tokenizerBeside(Path model) {
        Path dir = model.toAbsolutePath().getParent();
        String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
        for (Path p : List.of(dir.resolve("tokenizer.json"), dir.resolve(stem + "-tokenizer.json"))) {
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * Prepares the batches.
     *
     * @param tokenizer  needed for texts (null otherwise)
     * @param batchSize  examples per batch
     * @param maxLength  texts are cut to this many tokens
     * @throws CaptureException with a message for the user: no tokenizer, a tokenizer that does
     *                          not match the model, inputs whose shapes do not fit
     */
    public static Prepared prepare(ModelSummary model, Source src, Tokenizer tokenizer, int batchSize, int maxLength,
                                   ProgressListener progress) throws CaptureException, IOException, InterruptedException {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1");
        try {
            return switch (src) {
                case Texts t -> texts(model, t, tokenizer, batchSize, maxLength, progress);
                case Images i -> images(model, i, batchSize, progress);
                case Tensors n -> tensors(model, n, batchSize);
            };
        } catch (IllegalArgumentException e) {
            throw new CaptureException(e.getMessage(), e);
        }
    }

    private static Prepared texts(ModelSummary model, Texts t, Tokenizer tokenizer, int batchSize, int maxLength,
                                  ProgressListener progress) throws CaptureException, InterruptedException {
        if (tokenizer == null) {
            throw new CaptureException(model.file().getFileName() + " takes text, but no tokenizer.json was found "
                    + "(put the model's tokenizer.json beside it, or name one with --tokenizer)");
        }
        if (t.lines().isEmpty()) throw new CaptureException("no texts in " + t.origin());
        Tokenizer tok = tokenizer.withBatchLongestPadding().withMaxLength(maxLength);
        OptionalLong rows = Tokenizers.tokenEmbeddingRows(model.parameters());
        if (rows.isPresent()) {
            try {
                Tokenizers.checkAgainstModel(tok, rows.getAsLong());
            } catch (IllegalArgumentException e) {
                throw new CaptureException(e.getMessage(), e);
            }
        }
        List<String> texts = TextInputs.texts(t.lines());
        List<InputBatch> batches = new ArrayList<>();
        MappingPlan plan = null;
        for (int i = 0; i < texts.size(); i += batchSize) {
            if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
            BatchEncoding enc = tok.encodeBatch(texts.subList(i, Math.min(texts.size(), i + batchSize)));
            MappingPlan p = InputMapping.forText(model.inputs(), enc);
            if (plan == null) {
                if (!p.ok()) throw new CaptureException(p.describe());
                plan = p;
            }
            batches.add(InputBatch.of(p, enc));
            progress.update((double) Math.min(texts.size(), i + batchSize) / texts.size(), "Tokenizing");
        }
        return new Prepared(plan, List.copyOf(batches), InputStats.of(batches), t.describe());
    }

    private static Prepared images(ModelSummary model, Images src, int batchSize, ProgressListener progress)
            throws IOException, CaptureException {
        List<Path> files = ImageInputs.listImages(src.folder());
        if (files.isEmpty()) throw new CaptureException("no PNG or JPEG images in " + src.folder());
        ImageInputs.ImageBatch all = ImageInputs.load(files, src.spec(), progress);
        MappingPlan plan = InputMapping.forImages(model.inputs(), all);
        if (!plan.ok()) throw new CaptureException(plan.describe());
        String input = tensorInput(plan);
        long[] shape = all.shape();
        int per = src.spec().valuesPerImage();
        List<InputBatch> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); i += batchSize) {
            int n = Math.min(batchSize, all.size() - i);
            float[] data = new float[n * per];
            System.arraycopy(all.data(), i * per, data, 0, n * per);
            long[] s = shape.clone();
            s[0] = n;
            batches.add(InputBatch.tensors(Map.of(input, new InputBatch.FloatInput(data, s)), all.names().subList(i, i + n)));
        }
        return new Prepared(plan, List.copyOf(batches), InputStats.of(batches), src.describe());
    }

    private static Prepared tensors(ModelSummary model, Tensors src, int batchSize) throws IOException, CaptureException {
        try (NpyArray a = Npy.read(src.file())) {
            MappingPlan plan = InputMapping.forNpy(model.inputs(), a);
            if (!plan.ok()) throw new CaptureException(plan.describe());
            if (!a.dtype().isFloat()) return tokenIds(model, src, a, plan, batchSize);
            String input = tensorInput(plan);
            long rows = a.rows();
            int per = (int) a.rowSize();
            List<InputBatch> batches = new ArrayList<>();
            String stem = src.file().getFileName().toString();
            for (long i = 0; i < rows; i += batchSize) {
                int n = (int) Math.min(batchSize, rows - i);
                long[] s = a.shape().clone();
                s[0] = n;
                List<String> names = new ArrayList<>(n);
                for (int j = 0; j < n; j++) names.add(stem + "[" + (i + j) + "]");
                batches.add(InputBatch.tensors(Map.of(input, new InputBatch.FloatInput(a.rows(i, n), s)), names));
            }
            return new Prepared(plan, List.copyOf(batches), InputStats.of(batches), src.describe() + " " + Npy.shapeText(a.shape()));
        }
    }

    /**
     * An integer array [examples, positions] of token ids for a model whose input takes them
     * (a language model run without a tokenizer, e.g. the tiny transformer's evaluation set):
     * every position is a real token; token texts are the ids.
     */
    private static Prepared tokenIds(ModelSummary model, Tensors src, NpyArray a, MappingPlan plan, int batchSize)
            throws CaptureException {
        List<TensorSpec> ints = model.inputs().stream().filter(t -> t.elementType().startsWith("int")).toList();
        if (a.rank() != 2 || ints.size() != 1 || model.inputs().size() != 1) {
            throw new CaptureException(src.file() + ": holds " + a.dtype().numpyName() + " " + Npy.shapeText(a.shape())
                    + "; integer arrays are taken as token ids [examples, positions] for a model with one integer input, "
                    + "this model has " + model.inputs().stream().map(t -> t.name() + " " + t.elementType()).toList());
        }
        String input = ints.getFirst().name();
        long[] all = a.toLongArray();
        int rows = (int) a.shape()[0];
        int len = (int) a.shape()[1];
        List<InputBatch> batches = new ArrayList<>();
        String stem = src.file().getFileName().toString();
        for (int i = 0; i < rows; i += batchSize) {
            int n = Math.min(batchSize, rows - i);
            long[][] ids = new long[n][];
            List<String> names = new ArrayList<>(n);
            List<String[]> texts = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                ids[j] = java.util.Arrays.copyOfRange(all, (i + j) * len, (i + j + 1) * len);
                names.add(stem + "[" + (i + j) + "]");
                texts.add(java.util.Arrays.stream(ids[j]).mapToObj(Long::toString).toArray(String[]::new));
            }
            batches.add(new InputBatch(Map.of(input, ids), Map.of(), input, null, names, texts));
        }
        MappingPlan ids = InputMapping.forText(model.inputs(), rows, len);
        return new Prepared(ids.ok() ? ids : plan, List.copyOf(batches), InputStats.of(batches),
                "token ids of " + stem + " " + Npy.shapeText(a.shape()));
    }

    private static String tensorInput(MappingPlan plan) throws CaptureException {
        Map<String, MappingPlan.Assignment> byName = new LinkedHashMap<>();
        for (MappingPlan.Assignment a : plan.assignments()) if (a.source() == MappingPlan.Source.TENSOR) byName.put(a.input().name(), a);
        if (byName.size() != 1) throw new CaptureException("the model needs " + byName.size() + " tensor inputs; one is supported");
        return byName.keySet().iterator().next();
    }
}
