package sparsity.analysis.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A store that cannot be written or read: a full disk (with the path and the bytes needed), a
 * folder that is not a store, damaged metadata.
 */
public class StoreException extends IOException {

    private final Path path;
    private final long bytesNeeded;

    public StoreException(Path path, String message) {
        this(path, message, -1, null);
    }

    public StoreException(Path path, String message, long bytesNeeded, Throwable cause) {
        super(message, cause);
        this.path = path;
        this.bytesNeeded = bytesNeeded;
    }

    /** The file or folder concerned. */
    public Path path() {
        return path;
    }

    /** Bytes that were needed when the disk was too full, else -1. */
    public long bytesNeeded() {
        return bytesNeeded;
    }

    /** True when the disk was full. */
    public boolean diskFull() {
        return bytesNeeded >= 0;
    }

    /** The error for a store that needs {@code needed} bytes on a disk that has {@code free}. */
    public static StoreException noSpace(Path path, long needed, long free, Throwable cause) {
        String msg = "not enough disk space for the store at " + path + ": it needs " + human(needed)
                + (free >= 0 ? " more, only " + human(free) + " free" : "") + " (No space left on device)";
        return new StoreException(path, msg, needed, cause);
    }

    /**
     * A write error as the store reports it: a full disk (ENOSPC, "No space left on device", or a
     * quota) becomes {@link #noSpace}; anything else keeps its message and names the file.
     */
    public static StoreException whenWriting(Path file, long needed, IOException e) {
        if (e instanceof StoreException se) return se;
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("ENOSPC") || m.contains("Disk quota exceeded")) {
            long free = -1;
            try {
                free = java.nio.file.Files.getFileStore(file.toAbsolutePath().getParent()).getUsableSpace();
            } catch (IOException ignored) {
                // the size is only for the message
            }
            return noSpace(file, needed, free, e);
        }
        return new StoreException(file, "cannot write " + file + ": " + m, -1, e);
    }

    /** Bytes as "1.5 GB" (decimal units, as disk tools show them). */
    public static String human(long bytes) {
        if (bytes < 1000) return bytes + " bytes";
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
