package sparsity.app.settings;

import java.nio.file.Path;

/**
 * Where the app keeps its settings (the recent-models list): {@code -Dworkbench.config=DIR}
 * when set (tests use a temporary folder), else {@code $XDG_CONFIG_HOME/sparsity-workbench},
 * else {@code ~/.config/sparsity-workbench}.
 */
public final class ConfigDir {

    /** System property that overrides the folder. */
    public static final String PROPERTY = "workbench.config";

    private ConfigDir() {
    }

    public static Path resolve() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("sparsity-workbench");
    }
}
