package sparsity.app.settings;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The recently opened models, newest first, at most {@link #MAX} paths, kept in
 * {@code recent.json} of the config folder: {@code {"formatVersion":1,"models":["/a.onnx",...]}}.
 * Whether that file exists tells a first start from a later one.
 */
public final class RecentModels {

    /** How many paths are kept. */
    public static final int MAX = 10;
    /** File name inside the config folder. */
    public static final String FILE_NAME = "recent.json";

    /** The JSON form of the file. */
    public record RecentFile(int formatVersion, List<String> models) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final List<Path> paths = new ArrayList<>();
    private final boolean existedAtLoad;

    private RecentModels(Path file, List<Path> paths, boolean existed) {
        this.file = file;
        this.paths.addAll(paths);
        this.existedAtLoad = existed;
    }

    /**
     * Reads {@code recent.json} of the folder; a missing file gives an empty list (a first start),
     * an unreadable one an empty list too (it is rewritten on the next change).
     */
    public static RecentModels load(Path configDir) {
        Path f = configDir.resolve(FILE_NAME);
        if (!Files.exists(f)) return new RecentModels(f, List.of(), false);
        List<Path> list = new ArrayList<>();
        try {
            RecentFile rf = JSON.readValue(f.toFile(), RecentFile.class);
            if (rf.models() != null) {
                for (String s : rf.models()) {
                    if (s == null || s.isBlank()) continue;
                    Path p = Path.of(s);
                    if (!list.contains(p) && list.size() < MAX) list.add(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            list.clear();
        }
        return new RecentModels(f, list, true);
    }

    /** True when there was no {@code recent.json} when it was loaded: the app's first start. */
    public boolean firstStart() {
        return !existedAtLoad;
    }

    /** The paths, newest first. */
    public List<Path> paths() {
        return List.copyOf(paths);
    }

    /** Puts a path first (moving it when it is already listed) and drops the oldest beyond {@link #MAX}. */
    public void add(Path model) {
        Path p = model.toAbsolutePath().normalize();
        paths.remove(p);
        paths.addFirst(p);
        while (paths.size() > MAX) paths.removeLast();
    }

    /** Removes a path. */
    public void remove(Path model) {
        paths.remove(model.toAbsolutePath().normalize());
        paths.remove(model);
    }

    /** Removes the paths whose files no longer exist and returns them. */
    public List<Path> pruneMissing() {
        List<Path> gone = paths.stream().filter(p -> !Files.isRegularFile(p)).toList();
        paths.removeAll(gone);
        return gone;
    }

    /** Writes {@code recent.json} (through a temporary file, so a crash never leaves half a file). */
    public void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), new RecentFile(1, paths.stream().map(Path::toString).toList()));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file it is kept in. */
    public Path file() {
        return file;
    }
}
