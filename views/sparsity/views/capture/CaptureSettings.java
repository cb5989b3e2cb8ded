package sparsity.views.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.ImageSpec;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.store.DType;

/**
 * Everything a capture was asked with: what to capture, the inputs and how they are read, and
 * where the store goes. Plain data (no JavaFX): the dialog makes it, a capture job runs it, and
 * {@link #toMap()} / {@link #fromMap} keep it in a store's provenance so that an incomplete
 * capture can be resumed with the same inputs.
 *
 * @param tensors    tensor names, globs or {@code re:} patterns (may be empty with attention)
 * @param attention  also capture every attention map
 * @param input      what kind of input
 * @param inputPath  the text file, image folder or .npy file (null for pasted text)
 * @param pastedText the pasted texts, one per line ("" unless {@code input} is PASTED)
 * @param tokenizer  the tokenizer.json for texts (null: none)
 * @param imageSpec  how images are read (image folders only; null otherwise)
 * @param dtype      float32 or float16 on disk
 * @param batchSize  examples per batch
 * @param maxLength  texts are cut to this many tokens
 * @param out        the store folder
 */
public record CaptureSettings(List<String> tensors, boolean attention, InputKind input, Path inputPath, String pastedText,
                              Path tokenizer, ImageSpec imageSpec, DType dtype, int batchSize, int maxLength, Path out) {

    /** What a capture reads. */
    public enum InputKind {
        PASTED("Pasted text", true), TEXT_FILE("Text file (one text per line)", true),
        SAMPLE_CORPUS("Sample corpus (sentences.txt)", true), IMAGE_FOLDER("Image folder (PNG/JPEG)", false),
        NPY(".npy file (first axis: examples)", false), SAMPLE_NPY("Sample data (.npy)", false);

        private final String title;
        private final boolean text;

        InputKind(String title, boolean text) {
            this.title = title;
            this.text = text;
        }

        public String title() {
            return title;
        }

        /** True for inputs that are texts (and need a tokenizer). */
        public boolean isText() {
            return text;
        }

        @Override
        public String toString() {
            return title;
        }
    }

    public CaptureSettings {
        tensors = List.copyOf(tensors);
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(out, "out");
        pastedText = pastedText == null ? "" : pastedText;
        if (tensors.isEmpty() && !attention) throw new IllegalArgumentException("choose tensors to capture, or attention maps");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
        if (maxLength < 2) throw new IllegalArgumentException("max length must be at least 2 tokens");
        if (input != InputKind.PASTED && inputPath == null) throw new IllegalArgumentException("choose the " + input.title().toLowerCase(Locale.ROOT));
        if (input == InputKind.IMAGE_FOLDER && imageSpec == null) throw new IllegalArgumentException("an image folder needs an image spec");
    }

    /** The same settings with another store folder. */
    public CaptureSettings withOut(Path folder) {
        return new CaptureSettings(tensors, attention, input, inputPath, pastedText, tokenizer, imageSpec, dtype, batchSize, maxLength, folder);
    }

    /** The capture spec for a model. */
    public CaptureSpec spec(Path model, String sourceDescription) {
        return new CaptureSpec(model, tensors, attention, dtype, out, sourceDescription);
    }

    /** Reads the inputs (a file, a folder listing); call off the JavaFX thread. */
    public InputSources.Source source() throws IOException {
        return switch (input) {
            case PASTED -> new InputSources.Texts(TextInputs.fromPasted(pastedText), "pasted text");
            case TEXT_FILE, SAMPLE_CORPUS -> {
                if (!Files.isRegularFile(inputPath)) throw new IOException(inputPath + ": no such text file");
                yield new InputSources.Texts(TextInputs.readFile(inputPath), inputPath.toString());
            }
            case IMAGE_FOLDER -> {
                if (!Files.isDirectory(inputPath)) throw new IOException(inputPath + ": no such image folder");
                yield new InputSources.Images(inputPath, imageSpec);
            }
            case NPY, SAMPLE_NPY -> {
                if (!Files.isRegularFile(inputPath)) throw new IOException(inputPath + ": no such .npy file");
                yield new InputSources.Tensors(inputPath);
            }
        };
    }

    /** The tokenizer for text inputs, or null (images, tensors, or none chosen). */
    public Tokenizer loadTokenizer() throws IOException {
        if (!input.isText() || tokenizer == null) return null;
        try {
            return Tokenizers.load(tokenizer);
        } catch (IllegalArgumentException e) {
            throw new IOException(tokenizer + ": not a usable tokenizer.json (" + e.getMessage() + ")", e);
        }
    }

    /** The model's tokenizer.json: beside the model file (the MiniLM sample keeps its own there). */
    public static Path defaultTokenizer(ModelSummary model) {
        return InputSources.tokenizerBeside(model.file()).orElse(null);
    }

    /** As provenance settings (strings), the inverse of {@link #fromMap}. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tensors", String.join("\n", tensors));
        m.put("attention", Boolean.toString(attention));
        m.put("input.kind", input.name());
        if (inputPath != null) m.put("input.path", inputPath.toAbsolutePath().toString());
        if (input == InputKind.PASTED) m.put("input.text", pastedText);
        if (tokenizer != null && input.isText()) m.put("tokenizer", tokenizer.toAbsolutePath().toString());
        if (imageSpec != null && input == InputKind.IMAGE_FOLDER) {
            ImageSpec s = imageSpec;
            m.put("image.size", s.width() + "x" + s.height());
            m.put("image.channels", Integer.toString(s.channels()));
            m.put("image.channelOrder", s.channelOrder().name());
            m.put("image.layout", s.layout().name());
            m.put("image.scaleToUnit", Boolean.toString(s.scaleToUnit()));
            m.put("image.invert", Boolean.toString(s.invert()));
            m.put("image.mean", floats(s.mean()));
            m.put("image.std", floats(s.std()));
            m.put("image.resize", s.resize().name());
        }
        m.put("dtype", dtype.id());
        m.put("batchSize", Integer.toString(batchSize));
        m.put("maxLength", Integer.toString(maxLength));
        m.put("out", out.toAbsolutePath().toString());
        return m;
    }

    /**
     * Settings from provenance, with the store folder given (it may have moved with its workspace).
     *
     * @throws IllegalArgumentException when a needed entry is missing or malformed
     */
    public static CaptureSettings fromMap(Map<String, String> m, Path out) {
        InputKind kind = InputKind.valueOf(need(m, "input.kind"));
        String tensorText = m.getOrDefault("tensors", "");
        List<String> tensors = tensorText.isBlank() ? List.of() : List.of(tensorText.split("\n"));
        ImageSpec spec = null;
        if (kind == InputKind.IMAGE_FOLDER) {
            String[] size = need(m, "image.size").split("x");
            spec = new ImageSpec(Integer.parseInt(size[0]), Integer.parseInt(size[1]), Integer.parseInt(need(m, "image.channels")),
                    ImageSpec.ChannelOrder.valueOf(need(m, "image.channelOrder")), ImageSpec.Layout.valueOf(need(m, "image.layout")),
                    Boolean.parseBoolean(need(m, "image.scaleToUnit")), Boolean.parseBoolean(need(m, "image.invert")),
                    parseFloats(need(m, "image.mean")), parseFloats(need(m, "image.std")),
                    ImageSpec.Resize.valueOf(need(m, "image.resize")));
        }
        String path = m.get("input.path");
        String tok = m.get("tokenizer");
        return new CaptureSettings(tensors, Boolean.parseBoolean(m.getOrDefault("attention", "false")), kind,
                path == null ? null : Path.of(path), m.getOrDefault("input.text", ""), tok == null ? null : Path.of(tok), spec,
                DType.parse(m.getOrDefault("dtype", "float32")), Integer.parseInt(need(m, "batchSize")),
                Integer.parseInt(need(m, "maxLength")), out);
    }

    /** "1.5/2" as floats; commas, slashes and spaces separate. */
    public static float[] parseFloats(String text) {
        String[] parts = text.strip().split("[\\s,/]+");
        float[] v = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Float.parseFloat(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + parts[i] + "' is not a number");
            }
        }
        return v;
    }

    /** Floats joined with "/", e.g. "0.485/0.456/0.406". */
    public static String floats(float[] v) {
        return String.join("/", Arrays.stream(box(v)).map(f -> f == f.longValue() ? Long.toString(f.longValue()) : f.toString()).toList());
    }

    private static Float[] box(float[] v) {
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return b;
    }

    private static String need(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("the capture's settings have no '" + key + "'");
        return v;
    }
}
