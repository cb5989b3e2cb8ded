package sparsity.analysis.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code strings.bin}: per string an int byte length (little-endian) and its UTF-8 bytes. */
final class StringTable {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private StringTable() {
    }

    static List<String> read(Path file, int count, long bytes) throws IOException {
        List<String> out = new ArrayList<>(count);
        if (count == 0) return out;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            if (ch.size() < bytes) throw new StoreException(file, file + " is shorter than the store's metadata says");
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena);
            long at = 0;
            for (int i = 0; i < count; i++) {
                int len = seg.get(INT, at);
                if (len < 0 || at + 4 + len > bytes) throw new StoreException(file, file + " is damaged at string " + i);
                byte[] utf8 = seg.asSlice(at + 4, len).toArray(ValueLayout.JAVA_BYTE);
                out.add(new String(utf8, StandardCharsets.UTF_8));
                at += 4 + len;
            }
        }
        return out;
    }
}
