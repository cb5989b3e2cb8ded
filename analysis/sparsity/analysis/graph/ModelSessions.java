package sparsity.analysis.graph;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Runs and saves edited models. An edited model goes to ONNX Runtime as bytes, so nothing is
 * written for a capture; when the model keeps weights in external data files, ONNX Runtime is
 * told to look for them in the original model's folder.
 */
public final class ModelSessions {

    /** ONNX Runtime session option: folder of external initializer files when loading from bytes. */
    static final String EXTERNAL_FOLDER_KEY = "session.model_external_initializers_file_folder_path";

    private ModelSessions() {
    }

    /**
     * An ONNX Runtime session on an (edited) model.
     *
     * @param model      the model, e.g. from {@link GraphSurgery#exposeOutputs}
     * @param sourceFile the file the model was read from (its folder holds any external data)
     * @param options    session options (threads, optimisation); the caller keeps and closes them
     */
    public static OrtSession open(ModelProto model, Path sourceFile, OrtSession.SessionOptions options) throws OrtException {
        if (hasExternalData(model.getGraph())) {
            Path dir = sourceFile.toAbsolutePath().getParent();
            options.addConfigEntry(EXTERNAL_FOLDER_KEY, dir.toString());
        }
        return OrtEnvironment.getEnvironment().createSession(model.toByteArray(), options);
    }

    /** An ONNX Runtime session with default options (all optimisations, default threads). */
    public static OrtSession open(ModelProto model, Path sourceFile) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            return open(model, sourceFile, options);
        }
    }

    /**
     * Writes a model atomically (a temporary file beside {@code target}, then a rename). External
     * data locations stay relative, so save next to the original model when it has external data.
     */
    public static void save(ModelProto model, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static boolean hasExternalData(GraphProto g) {
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) return true;
        }
        return false;
    }
}
