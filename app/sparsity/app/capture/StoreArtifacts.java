package sparsity.app.capture;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import sparsity.analysis.store.TensorLayout;
import sparsity.app.AppInfo;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;
import sparsity.app.workspace.WorkspaceException;
import sparsity.app.workspace.Workspaces;
import sparsity.views.capture.PreparedCapture;

/**
 * Stores as workspace artifacts: the provenance of a new capture (model source and sha256, the
 * tensors, the inputs in words, dtype and every setting, so that an incomplete capture can be
 * resumed with the same inputs), the artifact saved in workspace.json (a path relative to the
 * workspace folder when the store lies inside it, else the absolute folder in the settings), and
 * the record read back from one.
 */
public final class StoreArtifacts {

    /** Settings key of a store folder outside the workspace folder. */
    public static final String FOLDER = "folder";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private StoreArtifacts() {
    }

    /** A record for a capture about to start: provenance from its settings and plan. */
    public static StoreRecord started(PreparedCapture pc) {
        Path model = pc.model().file();
        String sha = pc.model().sha256();
        String source = Workspaces.modelArtifact(model, sha).provenance().source();
        Map<String, String> s = new LinkedHashMap<>(pc.settings().toMap());
        s.put("model", model.toAbsolutePath().toString());
        s.put("inputs", pc.prepared().description());
        s.put("tensors.captured", String.join("\n", pc.plan().tensors().stream().map(TensorLayout::name).toList()));
        s.put("estimate", pc.plan().summary());
        Provenance p = new Provenance(source, sha, s, Instant.now().toString(), AppInfo.version());
        Path dir = pc.settings().out().toAbsolutePath().normalize();
        String id = "store-" + Integer.toHexString(dir.toString().hashCode());
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        return new StoreRecord(id, name, dir, p, StoreRecord.State.RUNNING, -1, -1, "");
    }

    /**
     * The artifact for workspace.json: the path relative to {@code workspaceDir} when the store is
     * inside it, else no path and the absolute folder in the settings.
     */
    public static Artifact artifact(StoreRecord r, Path workspaceDir) {
        Map<String, String> s = new LinkedHashMap<>(r.provenance().settings());
        String rel = relativeInside(r.dir(), workspaceDir).orElse(null);
        if (rel == null) s.put(FOLDER, r.dir().toString());
        else s.remove(FOLDER);
        if (r.state() == StoreRecord.State.COMPLETE || r.state() == StoreRecord.State.INCOMPLETE) {
            s.put("status", r.state() == StoreRecord.State.COMPLETE ? "complete" : "incomplete");
        }
        if (r.examples() >= 0) {
            s.put("examples", Integer.toString(r.examples()));
            s.put("tokens", Long.toString(r.tokens()));
        }
        Provenance p = r.provenance();
        return new Artifact(r.id(), Artifact.STORE, r.name(), rel,
                new Provenance(p.source(), p.sha256(), s, p.createdAt(), p.appVersion()));
    }

    /** The record of a workspace's store artifact (state not read yet, or missing). */
    public static Optional<StoreRecord> fromArtifact(Path workspaceDir, Artifact a) {
        if (!Artifact.STORE.equals(a.kind()) || a.provenance() == null) return Optional.empty();
        Path dir;
        try {
            if (a.path() != null) dir = Workspaces.confined(workspaceDir, a);
            else if (a.provenance().settings().containsKey(FOLDER)) dir = Path.of(a.provenance().settings().get(FOLDER));
            else return Optional.empty();
        } catch (WorkspaceException e) {
            return Optional.empty();
        }
        StoreRecord.State state = Files.isDirectory(dir) ? StoreRecord.State.UNKNOWN : StoreRecord.State.MISSING;
        return Optional.of(new StoreRecord(a.id(), a.name() == null ? dir.getFileName().toString() : a.name(), dir,
                a.provenance(), state, -1, -1, ""));
    }

    /** Where a new store goes: {@code captures/MODEL-STAMP} in the workspace folder, else in the home folder. */
    public static Path defaultFolder(Path workspaceDir, Path modelFile) {
        Path parent = workspaceDir != null ? workspaceDir.resolve("captures")
                : Path.of(System.getProperty("user.home"), "sparsity-workbench", "captures");
        String stem = modelFile.getFileName().toString().replaceFirst("\\.onnx$", "");
        String base = stem + "-" + LocalDateTime.now().format(STAMP);
        Path p = parent.resolve(base);
        for (int n = 2; Files.exists(p); n++) p = parent.resolve(base + "-" + n);
        return p.toAbsolutePath();
    }

    /** The path of {@code dir} relative to {@code base} with '/' separators, when it lies strictly inside. */
    public static Optional<String> relativeInside(Path dir, Path base) {
        if (base == null) return Optional.empty();
        Path b = base.toAbsolutePath().normalize();
        Path d = dir.toAbsolutePath().normalize();
        if (!d.startsWith(b) || d.equals(b)) return Optional.empty();
        return Optional.of(b.relativize(d).toString().replace(File.separatorChar, '/'));
    }
}
