package sparsity.analysis.onnx;

import java.nio.file.Path;

/**
 * A model file that cannot be used, with a message that names the file and the problem, e.g.
 * {@code model.onnx: not an ONNX model (the file is empty)}.
 */
public class ModelLoadException extends Exception {

    private final Path file;
    private final String problem;

    public ModelLoadException(Path file, String problem) {
        this(file, problem, null);
    }

    public ModelLoadException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }

    /** The problem alone, without the file name. */
    public String problem() {
        return problem;
    }
}
