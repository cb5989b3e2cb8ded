package sparsity.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import sparsity.analysis.samples.SampleModels;

/** A MODEL argument of the CLI: a path to an .onnx file, or the id of a bundled sample. */
final class ModelArgument {

    private ModelArgument() {
    }

    /**
     * The tokenizer.json for a text model: the one named on the command line, else one beside
     * the model, else the bundled sample's own.
     */
    static Optional<Path> tokenizer(Path modelFile, Path named) throws IOException {
        if (named != null) return Optional.of(named);
        Optional<Path> beside = sparsity.analysis.capture.InputSources.tokenizerBeside(modelFile);
        if (beside.isPresent()) return beside;
        for (SampleModels.Sample s : SampleModels.all()) {
            Optional<Path> t = SampleModels.tokenizer(s);
            if (t.isPresent() && t.get().getParent().equals(modelFile.toAbsolutePath().getParent())) return t;
        }
        return Optional.empty();
    }

    static Path resolve(String arg) {
        Path p = Path.of(arg);
        if (Files.exists(p)) return p;
        Optional<SampleModels.Sample> s = SampleModels.byId(arg);
        if (s.isPresent()) {
            try {
                return SampleModels.path(s.get());
            } catch (IOException e) {
                throw new UserInputException("sample " + arg + ": " + e.getMessage(), e);
            }
        }
        throw new UserInputException(arg + ": no such file (nor a bundled sample: "
                + String.join(", ", SampleModels.all().stream().map(SampleModels.Sample::id).toList()) + ")");
    }
}
