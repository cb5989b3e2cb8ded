package sparsity.views.export;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * The one exporter behind every "Export CSV..." and "Export PNG..." of the workbench and behind
 * the report writer. Every file is written atomically: into a temp file beside the target, then
 * renamed over it, so a failed export never leaves half a file under the target name.
 */
public final class Exporter {

    private Exporter() {
    }

    /** Writes the bytes a callback produces to {@code file} through a temp file and a rename. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a table as CSV (RFC 4180: comma separated, CRLF line ends, a field is quoted when it
     * holds a comma, a double quote, CR or LF, and a quote inside is doubled), UTF-8 without a
     * byte order mark, the column names first.
     */
    public static void writeCsv(TableData table, Path file) throws IOException {
        byte[] bytes = toCsv(table).getBytes(StandardCharsets.UTF_8);
        writeAtomically(file, out -> out.write(bytes));
    }

    /** The CSV text {@link #writeCsv} writes. */
    public static String toCsv(TableData table) {
        StringBuilder sb = new StringBuilder();
        appendRow(sb, table.columns());
        for (List<String> row : table.rows()) appendRow(sb, row);
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(csvField(cells.get(i)));
        }
        sb.append("\r\n");
    }

    /** One CSV field, quoted where RFC 4180 needs it. */
    public static String csvField(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** Draws {@code image} at {@code width} x {@code height} and writes it as a PNG. */
    public static void writePng(ImageSource image, int width, int height, Path file) throws IOException {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        writePng(image.render(width, height), file);
    }

    /** Writes an image as a PNG. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", buf)) throw new IOException("no PNG writer for this image");
        byte[] bytes = buf.toByteArray();
        writeAtomically(file, out -> out.write(bytes));
    }

    /**
     * Writes a snapshot of a JavaFX node (as it is laid out now) as a PNG. Must be called on the
     * JavaFX application thread; for the README's screenshots and for views that are not charts.
     */
    public static void writePng(javafx.scene.Node node, Path file) throws IOException {
        writePng(FxSnapshots.snapshot(node), file);
    }

    /** Writes {@code file} through a temp file in the same folder and an (atomic where possible) rename. */
    public static void writeAtomically(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
