package sparsity.analysis.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import sparsity.analysis.ProgressListener;

/**
 * Reads ONNX model files: parses and checks the protobuf before ONNX Runtime sees it (not ONNX,
 * truncated, empty, unsupported opset, missing external data), then lets ONNX Runtime load it
 * (a model it rejects gives its reason), and builds the {@link ModelSummary}.
 */
public final class OnnxModels {

    /** Oldest default-domain opset that ONNX Runtime runs. */
    public static final long MIN_OPSET = 7;
    /** Newest default-domain opset that the bundled ONNX Runtime (1.29) officially supports (it refuses 27). */
    public static final long MAX_OPSET = 26;

    private OnnxModels() {
    }

    /**
     * Parses and checks a model file, without ONNX Runtime.
     *
     * @throws ModelLoadException naming the file and the problem
     */
    public static ModelProto read(Path file) throws ModelLoadException {
        long size;
        try {
            if (Files.isDirectory(file)) throw new ModelLoadException(file, "is a folder, not an ONNX model file");
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(file, "no such file");
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        if (size == 0) throw new ModelLoadException(file, "not an ONNX model (the file is empty)");
        if (size > Integer.MAX_VALUE) {
            throw new ModelLoadException(file, "is larger than 2 GiB; ONNX keeps such models with external data files");
        }
        ModelProto model;
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            cis.setRecursionLimit(1000);
            model = ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            String m = String.valueOf(e.getMessage());
            if (looksLikeTruncatedModel(file)) {
                throw new ModelLoadException(file, "the file is truncated (it ends in the middle of the model)", e);
            }
            throw new ModelLoadException(file, "not an ONNX model (the file is not an ONNX protobuf: " + m + ")", e);
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        check(file, model);
        return model;
    }

    /** ModelProto's field numbers and their wire types (varint 0, length-delimited 2). */
    private static final java.util.Map<Integer, Integer> MODEL_FIELDS = java.util.Map.of(
            1, 0, 2, 2, 3, 2, 4, 2, 5, 0, 6, 2, 7, 2, 8, 2, 14, 2, 20, 2);

    /**
     * After a failed parse: true when every top-level field up to the break is a ModelProto field
     * of the right wire type and the data simply ends, i.e. a real model cut short; false for
     * other bytes (random data, text, another format).
     */
    static boolean looksLikeTruncatedModel(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            int fields = 0;
            while (true) {
                int tag;
                try {
                    tag = cis.readTag();
                } catch (InvalidProtocolBufferException e) {
                    return false;
                }
                if (tag == 0) return false; // ended cleanly at a field boundary: not a truncation
                Integer wire = MODEL_FIELDS.get(tag >>> 3);
                if (wire == null || wire != (tag & 7)) return false;
                if (fields == 0 && (tag >>> 3) != 1 && (tag >>> 3) != 2 && (tag >>> 3) != 7) return false;
                fields++;
                try {
                    cis.skipField(tag);
                } catch (InvalidProtocolBufferException e) {
                    return String.valueOf(e.getMessage()).contains("ended unexpectedly");
                }
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Checks the parts of a parsed model that every later step relies on. */
    static void check(Path file, ModelProto model) throws ModelLoadException {
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new ModelLoadException(file, "not an ONNX model (it holds no graph nodes)");
        }
        if (model.getIrVersion() <= 0) {
            throw new ModelLoadException(file, "not an ONNX model (no IR version)");
        }
        if (model.getOpsetImportCount() == 0) {
            throw new ModelLoadException(file, "not an ONNX model (it declares no opset)");
        }
        for (OperatorSetIdProto op : model.getOpsetImportList()) {
            boolean defaultDomain = op.getDomain().isEmpty() || op.getDomain().equals("ai.onnx");
            if (defaultDomain && (op.getVersion() < MIN_OPSET || op.getVersion() > MAX_OPSET)) {
                throw new ModelLoadException(file, "unsupported opset " + op.getVersion()
                        + " (this workbench's ONNX Runtime runs opsets " + MIN_OPSET + " to " + MAX_OPSET + ")");
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        for (TensorProto t : model.getGraph().getInitializerList()) {
            if (!TensorValues.isExternal(t)) continue;
            TensorValues.External ext = TensorValues.External.of(t);
            if (ext.location() == null || ext.location().isBlank()) {
                throw new ModelLoadException(file, "initializer '" + t.getName() + "' has external data without a location");
            }
            Path data = dir.resolve(ext.location()).normalize();
            if (!data.startsWith(dir)) {
                throw new ModelLoadException(file, "external data file '" + ext.location() + "' lies outside the model's folder");
            }
            long have = TensorValues.sizeOrMinusOne(data);
            if (have < 0) {
                throw new ModelLoadException(file, "missing external data file '" + ext.location()
                        + "' (needed by initializer '" + t.getName() + "'; it should be beside the model)");
            }
            long need = ext.offset() + Math.max(0, ext.length());
            if (have < need) {
                throw new ModelLoadException(file, "external data file '" + ext.location() + "' is too short ("
                        + have + " bytes, initializer '" + t.getName() + "' needs " + need + ")");
            }
        }
    }

    /**
     * Loads the model with ONNX Runtime (a session on the CPU, no optimisation), so that a model
     * ONNX Runtime rejects is reported before anyone relies on it.
     */
    public static void verifyWithRuntime(Path file) throws ModelLoadException {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            opts.setIntraOpNumThreads(1);
            try (OrtSession ignored = OrtEnvironment.getEnvironment().createSession(file.toString(), opts)) {
                // loading is the check
            }
        } catch (OrtException e) {
            throw new ModelLoadException(file, "ONNX Runtime rejected the model: " + cleanOrtMessage(e.getMessage()), e);
        }
    }

    /**
     * Reads, checks and summarizes a model: {@link #read}, then {@link #verifyWithRuntime}, then
     * the statistics of every parameter. Stops with {@link InterruptedException} when the thread
     * is interrupted.
     */
    public static ModelSummary summarize(Path file, ProgressListener progress)
            throws ModelLoadException, InterruptedException {
        progress.update(0.02, "Reading " + file.getFileName());
        ModelProto model = read(file);
        if (Thread.interrupted()) throw new InterruptedException();
        progress.update(0.15, "Checking with ONNX Runtime");
        verifyWithRuntime(file);
        if (Thread.interrupted()) throw new InterruptedException();
        String sha;
        try {
            sha = sha256(file);
        } catch (IOException e) {
            throw new ModelLoadException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        return new SummaryBuilder(file, model, sha, progress).build();
    }

    /** ONNX Runtime's message without its error-code prefix and C++ source location. */
    static String cleanOrtMessage(String raw) {
        String m = String.valueOf(raw).replaceAll("\\s+", " ").trim();
        m = m.replaceFirst("^Error code - \\w+ - message: ", "");
        m = m.replaceFirst("^Load model from .*? failed: ?", "");
        m = m.replaceFirst("^/onnxruntime_src/\\S+:\\d+ [^()]*\\([^()]*\\) ?", "");
        m = m.replaceFirst("^\\[ONNXRuntimeError] : \\d+ : \\w+ : ", "");
        return m.isBlank() ? String.valueOf(raw) : m;
    }

    /** Hex sha256 of a file. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) md.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
