package sparsity.app.workspace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import sparsity.analysis.samples.SampleModels;
import sparsity.app.AppInfo;

/**
 * Reads and writes workspace folders: {@code workspace.json} plus artifact files beside it.
 * Saves are atomic (a temp file, then a rename), so a crash mid-save leaves the previous
 * workspace intact. Artifact paths are relative and confined to the folder.
 */
public final class Workspaces {

    /** The format this app writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** The file inside a workspace folder. */
    public static final String FILE_NAME = "workspace.json";
    /** Prefix of a model source that names a bundled sample. */
    public static final String SAMPLE_PREFIX = "sample:";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Workspaces() {
    }

    /** A new, empty workspace state. */
    public static WorkspaceState empty() {
        return new WorkspaceState(FORMAT_VERSION, AppInfo.version(), Instant.now().toString(), List.of(),
                Selection.empty());
    }

    /**
     * The artifact for an opened model file; a model inside the sample-models folder or the
     * sample cache is recorded as {@code sample:ID} so the workspace opens on another machine.
     */
    public static Artifact modelArtifact(Path modelFile, String sha256) {
        Path abs = modelFile.toAbsolutePath().normalize();
        String source = abs.toString();
        for (SampleModels.Sample s : SampleModels.all()) {
            try {
                if (Files.isSameFile(SampleModels.path(s), abs)) {
                    source = SAMPLE_PREFIX + s.id();
                    break;
                }
            } catch (IOException e) {
                // that sample is not available here: compare with the next one
            }
        }
        String id = "model-" + (sha256 == null || sha256.length() < 12 ? Integer.toHexString(source.hashCode())
                : sha256.substring(0, 12));
        Provenance p = new Provenance(source, sha256, Map.of(), Instant.now().toString(), AppInfo.version());
        return new Artifact(id, Artifact.MODEL, abs.getFileName().toString(), null, p);
    }

    /** Where a model artifact's file is on this machine, if it can be found. */
    public static Optional<Path> resolveModel(Path dir, Artifact a) {
        if (a.path() != null) {
            try {
                Path p = confined(dir, a);
                return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
            } catch (WorkspaceException e) {
                return Optional.empty();
            }
        }
        String src = a.provenance() == null ? null : a.provenance().source();
        if (src == null) return Optional.empty();
        if (src.startsWith(SAMPLE_PREFIX)) {
            Optional<SampleModels.Sample> s = SampleModels.byId(src.substring(SAMPLE_PREFIX.length()));
            if (s.isEmpty()) return Optional.empty();
            try {
                return Optional.of(SampleModels.path(s.get()));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        Path p = Path.of(src);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Opens a workspace folder. A newer format, a bad file or a path outside the folder is refused
     * with a {@link WorkspaceException}; artifacts whose files are missing are listed, not refused.
     */
    public static LoadedWorkspace open(Path dir) throws WorkspaceException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isDirectory(dir)) throw new WorkspaceException(dir + ": not a workspace folder (no such folder)");
        if (!Files.isRegularFile(file)) throw new WorkspaceException(dir + ": not a workspace (no " + FILE_NAME + " in it)");
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new WorkspaceException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new WorkspaceException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (tree == null || !tree.isObject() || !tree.has("formatVersion")) {
            throw new WorkspaceException(file + ": not a workspace file (no formatVersion)");
        }
        int version = tree.get("formatVersion").asInt(-1);
        if (version > FORMAT_VERSION) {
            throw new WorkspaceException(file + ": workspace format version " + version
                    + " is newer than this app reads (" + FORMAT_VERSION + "); open it with a newer Sparsity Workbench");
        }
        if (version < 1) throw new WorkspaceException(file + ": unknown workspace format version " + tree.get("formatVersion"));
        WorkspaceState state;
        try {
            state = JSON.treeToValue(tree, WorkspaceState.class);
        } catch (JsonProcessingException e) {
            throw new WorkspaceException(file + ": malformed workspace (" + e.getOriginalMessage() + ")", e);
        }
        Set<String> ids = new HashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        for (Artifact a : state.artifacts()) {
            if (a.id() == null || a.kind() == null) throw new WorkspaceException(file + ": an artifact has no id or kind");
            if (!ids.add(a.id())) throw new WorkspaceException(file + ": artifact id '" + a.id() + "' appears twice");
            if (a.path() != null) {
                Path p = confined(dir, a);
                if (!Files.exists(p)) {
                    missing.add(a.id());
                    warnings.add(a.kind() + " '" + a.name() + "' is missing: " + a.path() + " not found in the workspace");
                }
            } else if (Artifact.MODEL.equals(a.kind()) && resolveModel(dir, a).isEmpty()) {
                missing.add(a.id());
                warnings.add("model '" + a.name() + "' is missing: " + (a.provenance() == null ? "no source"
                        : a.provenance().source()) + " not found");
            }
        }
        return new LoadedWorkspace(dir, state, Set.copyOf(missing), List.copyOf(warnings));
    }

    /** Saves atomically: the previous workspace.json stays whole until the new one is complete. */
    public static void save(Path dir, WorkspaceState state) throws IOException, WorkspaceException {
        save(dir, state, tmp -> { });
    }

    /** As {@link #save(Path, WorkspaceState)}; {@code beforeRename} sees the finished temp file (tests). */
    static void save(Path dir, WorkspaceState state, Consumer<Path> beforeRename) throws IOException, WorkspaceException {
        for (Artifact a : state.artifacts()) {
            if (a.path() != null) confined(dir, a);
        }
        Files.createDirectories(dir);
        WorkspaceState stamped = new WorkspaceState(FORMAT_VERSION, AppInfo.version(), Instant.now().toString(),
                state.artifacts(), state.selection());
        byte[] bytes = JSON.writeValueAsBytes(stamped);
        Path tmp = Files.createTempFile(dir, ".workspace-", ".json.tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(bytes);
                out.flush();
                ch.force(true);
            }
            beforeRename.accept(tmp);
            try {
                Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The absolute path of an artifact's file, refusing absolute paths and paths that leave the folder. */
    public static Path confined(Path dir, Artifact a) throws WorkspaceException {
        String rel = a.path();
        Path p;
        try {
            p = Path.of(rel);
        } catch (java.nio.file.InvalidPathException e) {
            throw new WorkspaceException("artifact '" + a.id() + "': invalid path '" + rel + "'", e);
        }
        boolean upward = false;
        for (Path part : p) if (part.toString().equals("..")) upward = true;
        if (p.isAbsolute() || upward || rel.startsWith("/") || rel.startsWith("\\")) {
            throw new WorkspaceException("artifact '" + a.id() + "' has path '" + rel
                    + "': artifact paths must be relative and stay inside the workspace folder (refused)");
        }
        Path base = dir.toAbsolutePath().normalize();
        Path resolved = base.resolve(p).normalize();
        if (!resolved.startsWith(base)) {
            throw new WorkspaceException("artifact '" + a.id() + "' has path '" + rel + "' outside the workspace folder (refused)");
        }
        return resolved;
    }
}
