package sparsity.views.export;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * Where an export goes: asked with a suggested file name (e.g. "op-counts.csv"), answers the
 * path to write, or null when the user cancelled. The app uses {@link #chooser()}; tests plug in
 * a fixed folder with {@link #folder(Path)}.
 */
@FunctionalInterface
public interface FileTarget {

    /**
     * @param owner         the window the export was started from (may be null)
     * @param suggestedName a file name with its extension
     * @return the file to write, or null to cancel
     */
    Path choose(Window owner, String suggestedName);

    /** A save dialog that starts in the folder of the previous export and filters by the extension. */
    static FileTarget chooser() {
        return new FileTarget() {
            private File lastDir;

            @Override
            public Path choose(Window owner, String suggestedName) {
                FileChooser fc = new FileChooser();
                fc.setTitle("Export " + suggestedName);
                fc.setInitialFileName(suggestedName);
                int dot = suggestedName.lastIndexOf('.');
                if (dot > 0) {
                    String ext = suggestedName.substring(dot + 1);
                    fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(
                            ext.toUpperCase(Locale.ROOT) + " files", "*." + ext));
                }
                if (lastDir != null && lastDir.isDirectory()) fc.setInitialDirectory(lastDir);
                File f = fc.showSaveDialog(owner);
                if (f == null) return null;
                lastDir = f.getParentFile();
                return f.toPath();
            }
        };
    }

    /** Always the suggested name inside {@code dir}, without asking (tests, batch exports). */
    static FileTarget folder(Path dir) {
        return (owner, suggestedName) -> {
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return dir.resolve(suggestedName);
        };
    }
}
