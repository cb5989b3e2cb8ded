package sparsity.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the desktop app was started with: {@code ./workbench [gui] [--screenshot FILE] [MODEL...]}.
 * The screenshot may also be asked for with {@code -Dworkbench.screenshot=FILE}.
 *
 * @param models     model files to open
 * @param screenshot where to write a PNG of the window once the first model is shown, after
 *                   which the app exits
 */
public record LaunchOptions(List<Path> models, Optional<Path> screenshot) {

    /** System property that asks for a screenshot. */
    public static final String SCREENSHOT_PROPERTY = "workbench.screenshot";

    public LaunchOptions {
        models = List.copyOf(models);
    }

    /**
     * Parses the arguments of the desktop app.
     *
     * @throws IllegalArgumentException for an option it does not know or one without its value
     */
    public static LaunchOptions parse(List<String> args) {
        List<Path> models = new ArrayList<>();
        String shot = System.getProperty(SCREENSHOT_PROPERTY);
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--screenshot")) {
                if (i + 1 >= args.size()) throw new IllegalArgumentException("--screenshot needs a FILE (a .png to write)");
                shot = args.get(++i);
            } else if (a.startsWith("--screenshot=")) {
                shot = a.substring("--screenshot=".length());
            } else if (a.startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + a + " (the app takes [--screenshot FILE] [MODEL...])");
            } else {
                models.add(Path.of(a));
            }
        }
        Optional<Path> screenshot = shot == null || shot.isBlank() ? Optional.empty() : Optional.of(Path.of(shot));
        return new LaunchOptions(models, screenshot);
    }

    /** True when the arguments are for the desktop app rather than the command line. */
    public static boolean isForApp(String[] args) {
        if (args.length == 0) return true;
        String first = args[0];
        if (first.equals("gui") || first.equals("--screenshot") || first.startsWith("--screenshot=")) return true;
        return !first.startsWith("-") && java.nio.file.Files.isRegularFile(Path.of(first));
    }
}
