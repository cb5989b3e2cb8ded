package sparsity.app.sae;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import sparsity.app.AppInfo;
import sparsity.app.workspace.Artifact;
import sparsity.app.workspace.Provenance;
import sparsity.app.workspace.WorkspaceException;
import sparsity.app.workspace.Workspaces;
import sparsity.sae.train.RunSummary;
import sparsity.sae.train.TrainingRun;

/**
 * An autoencoder the workspace lists: its folder, the settings it is (or was) trained with, and
 * where it is. As a workspace artifact (kind {@code sae}) it keeps its provenance: the store it
 * was trained on, every setting, and once trained the held-out metrics.
 *
 * @param id       artifact id
 * @param name     the folder's name
 * @param dir      the autoencoder folder (absolute)
 * @param settings the run's settings (as {@link TrainingRun.Settings#asMap()} and the metrics)
 * @param state    what the sidebar shows
 */
public record SaeRecord(String id, String name, Path dir, Map<String, String> settings, State state) {

    /** Where an autoencoder is. */
    public enum State {
        QUEUED(" (queued)"), TRAINING(" (training\u2026)"), STOPPED(" (stopped)"), FAILED(" (failed)"), DONE(""), MISSING("");

        private final String suffix;

        State(String suffix) {
            this.suffix = suffix;
        }
    }

    /** Settings key of a folder outside the workspace folder. */
    public static final String FOLDER = "folder";

    public SaeRecord {
        Objects.requireNonNull(id, "id");
        dir = dir.toAbsolutePath().normalize();
        settings = Map.copyOf(settings);
    }

    public static SaeRecord queued(TrainingRun.Settings s) {
        Path dir = s.out().toAbsolutePath().normalize();
        return new SaeRecord("sae-" + Integer.toHexString(dir.toString().hashCode()), dir.getFileName().toString(), dir, s.asMap(),
                State.QUEUED);
    }

    public SaeRecord withState(State st) {
        return new SaeRecord(id, name, dir, settings, st);
    }

    /** The record with the held-out metrics of its run.json added to its settings. */
    public SaeRecord withSummary(RunSummary r) {
        Map<String, String> m = new LinkedHashMap<>(settings);
        m.put("latents", "" + r.n());
        m.put("steps", "" + r.steps());
        m.put("tokens.trained", "" + r.tokens());
        if (r.hasEval()) {
            m.put("eval.fvu", "" + r.fvu());
            m.put("eval.l0", "" + r.l0());
            m.put("eval.dead", "" + r.dead());
            m.put("eval.dense", "" + r.dense());
        }
        return new SaeRecord(id, name, dir, m, r.stopped() ? State.STOPPED : State.DONE);
    }

    public String label() {
        return name + state.suffix;
    }

    /** The artifact for workspace.json. */
    public Artifact artifact(Path workspaceDir) {
        Map<String, String> s = new LinkedHashMap<>(settings);
        String rel = relativeInside(dir, workspaceDir).orElse(null);
        if (rel == null) s.put(FOLDER, dir.toString());
        else s.remove(FOLDER);
        s.put("status", state.name().toLowerCase(java.util.Locale.ROOT));
        return new Artifact(id, Artifact.SAE, name, rel,
                new Provenance(settings.getOrDefault("store", ""), null, s, Instant.now().toString(), AppInfo.version()));
    }

    /** The record of a workspace's autoencoder artifact: DONE or STOPPED as its folder says, or MISSING. */
    public static Optional<SaeRecord> fromArtifact(Path workspaceDir, Artifact a) {
        if (!Artifact.SAE.equals(a.kind()) || a.provenance() == null) return Optional.empty();
        Path dir;
        try {
            if (a.path() != null) dir = Workspaces.confined(workspaceDir, a);
            else if (a.provenance().settings().containsKey(FOLDER)) dir = Path.of(a.provenance().settings().get(FOLDER));
            else return Optional.empty();
        } catch (WorkspaceException e) {
            return Optional.empty();
        }
        State st;
        if (Files.isRegularFile(dir.resolve(TrainingRun.SUMMARY))) {
            st = "stopped".equals(a.provenance().settings().get("status")) ? State.STOPPED : State.DONE;
        } else if (Files.isDirectory(dir.resolve("checkpoint"))) {
            st = State.STOPPED;
        } else {
            st = State.MISSING;
        }
        return Optional.of(new SaeRecord(a.id(), a.name() == null ? dir.getFileName().toString() : a.name(), dir,
                a.provenance().settings(), st));
    }

    static Optional<String> relativeInside(Path dir, Path base) {
        if (base == null) return Optional.empty();
        Path b = base.toAbsolutePath().normalize();
        Path d = dir.toAbsolutePath().normalize();
        if (!d.startsWith(b) || d.equals(b)) return Optional.empty();
        return Optional.of(b.relativize(d).toString().replace(File.separatorChar, '/'));
    }

    /** Settings back as a training run (for Resume). */
    public TrainingRun.Settings runSettings() {
        Map<String, String> m = settings;
        Path store = Path.of(m.get("store"));
        TrainingRun.Settings d = TrainingRun.Settings.defaults(store, m.getOrDefault("architecture", "topk"),
                Integer.parseInt(m.getOrDefault("k", "32")), Long.parseLong(m.getOrDefault("tokens", "1000000")), dir);
        String tensor = m.get("tensor");
        return new TrainingRun.Settings(store, tensor == null || tensor.equals("null") ? null : tensor, d.architecture(), d.k(),
                Integer.parseInt(m.getOrDefault("latents", "0")), Integer.parseInt(m.getOrDefault("expansion", "8")), d.tokens(),
                Integer.parseInt(m.getOrDefault("batch", "4096")), Double.parseDouble(m.getOrDefault("lr", "4e-4")),
                Long.parseLong(m.getOrDefault("warmup_steps", "0")), Double.parseDouble(m.getOrDefault("decay_fraction", "0")),
                Long.parseLong(m.getOrDefault("seed", "0")), m.getOrDefault("normalize", "none"),
                Long.parseLong(m.getOrDefault("dead_window", "0")), Integer.parseInt(m.getOrDefault("k_aux", "0")),
                Double.parseDouble(m.getOrDefault("aux_alpha", "" + d.auxAlpha())), Double.parseDouble(m.getOrDefault("l1", "5")),
                Integer.parseInt(m.getOrDefault("k_start", "0")), Double.parseDouble(m.getOrDefault("k_schedule", "" + d.kSchedule())),
                Double.parseDouble(m.getOrDefault("encode_alpha", "" + d.encodeAlpha())),
                Double.parseDouble(m.getOrDefault("holdout", "0.05")), Long.parseLong(m.getOrDefault("checkpoint_every", "0")),
                Integer.parseInt(m.getOrDefault("threads", "0")), m.getOrDefault("backend", "vector"), dir);
    }
}
