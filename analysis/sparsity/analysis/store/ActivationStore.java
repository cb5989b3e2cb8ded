package sparsity.analysis.store;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An activation store on disk, opened for reading: a folder with {@code meta.properties}, one
 * memory-mapped data file per captured tensor and the provenance of every row (see
 * {@link StoreWriter} for the files). Reading never loads a data file into the heap: rows come as
 * slices of the mapping, or through {@link ShuffledBatches}. An incomplete store (a capture that
 * was cancelled or failed) opens too, showing what was committed; {@link #isComplete()} says so.
 */
public final class ActivationStore implements AutoCloseable {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path dir;
    private final StoreMeta meta;
    private final Arena arena;
    private final List<StoredTensor> tensors;
    private final MemorySegment tokens;
    private final MemorySegment examples;
    private final List<String> strings;

    private ActivationStore(Path dir, StoreMeta meta, Arena arena, List<StoredTensor> tensors,
                            MemorySegment tokens, MemorySegment examples, List<String> strings) {
        this.dir = dir;
        this.meta = meta;
        this.arena = arena;
        this.tensors = tensors;
        this.tokens = tokens;
        this.examples = examples;
        this.strings = strings;
    }

    /**
     * Opens a store, complete or not.
     *
     * @throws StoreException when the folder is not a store or its files are damaged
     */
    public static ActivationStore open(Path dir) throws IOException {
        StoreMeta meta = StoreMeta.read(dir);
        Arena arena = Arena.ofShared();
        try {
            DType dtype = meta.header.dtype();
            List<StoredTensor> list = new ArrayList<>();
            for (int i = 0; i < meta.tensors.size(); i++) {
                TensorLayout t = meta.tensors.get(i);
                MemorySegment data = map(dir.resolve(StoreMeta.dataFile(i, dtype)), meta.elements[i] * dtype.bytes(), arena);
                MemorySegment index = t.kind() == TensorLayout.Kind.MAPS
                        ? map(dir.resolve(StoreMeta.indexFile(i)), meta.rows[i] * StoreWriter.INDEX_BYTES, arena) : null;
                list.add(new StoredTensor(i, t, dtype, meta.rows[i], data, index));
            }
            MemorySegment tok = map(dir.resolve("tokens.bin"), meta.tokens * StoreWriter.TOKEN_BYTES, arena);
            MemorySegment ex = map(dir.resolve("examples.bin"), (long) meta.examples * StoreWriter.EXAMPLE_BYTES, arena);
            List<String> strings = StringTable.read(dir.resolve("strings.bin"), meta.strings, meta.stringBytes);
            return new ActivationStore(dir, meta, arena, List.copyOf(list), tok, ex, strings);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** True when {@code dir} holds a store's metadata (complete or not). */
    public static boolean isStore(Path dir) {
        return StoreMeta.isStore(dir);
    }

    /**
     * Deletes a store folder and everything in it.
     *
     * @throws StoreException when the folder is not a store (nothing is deleted then)
     */
    public static void delete(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        StoreMeta.read(dir);
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    public Path dir() {
        return dir;
    }

    /** False for a capture that was cancelled, failed, or is still running. */
    public boolean isComplete() {
        return meta.complete;
    }

    /** Why an incomplete capture stopped, when it recorded a reason. */
    public Optional<String> failure() {
        return meta.failure.isEmpty() ? Optional.empty() : Optional.of(meta.failure);
    }

    /** Model file, sha256, dtype, input description, creation time. */
    public StoreHeader header() {
        return meta.header;
    }

    /** Examples captured (committed). */
    public int examples() {
        return meta.examples;
    }

    /** Token rows captured (non-padding tokens; 0 for per-example inputs). */
    public long tokens() {
        return meta.tokens;
    }

    /** The captured tensors, in the order they were chosen. */
    public List<StoredTensor> tensors() {
        return tensors;
    }

    /** The first captured tensor, the default of export and statistics. */
    public StoredTensor first() {
        return tensors.getFirst();
    }

    /** A tensor by name. */
    public Optional<StoredTensor> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Where a token row came from. */
    public RowProvenance token(long row) {
        if (row < 0 || row >= meta.tokens) throw new IndexOutOfBoundsException("token row " + row + " of " + meta.tokens);
        long at = row * StoreWriter.TOKEN_BYTES;
        return new RowProvenance(tokens.get(INT, at), tokens.get(INT, at + 4), tokens.get(INT, at + 8), string(tokens.get(INT, at + 12)));
    }

    /** The name an example was given (its text or image name), or null. */
    public String exampleName(int example) {
        return string(examples.get(INT, exampleAt(example) + 12));
    }

    /** The first token row of an example. */
    public long exampleFirstToken(int example) {
        return examples.get(LONG, exampleAt(example));
    }

    /** The number of token rows of an example (its non-padding tokens). */
    public int exampleTokens(int example) {
        return examples.get(INT, exampleAt(example) + 8);
    }

    /** Where a row of a tensor came from: a token, or for per-example rows and maps an example. */
    public RowProvenance source(StoredTensor tensor, long row) {
        TensorLayout t = tensor.layout();
        if (t.kind() == TensorLayout.Kind.ROWS && t.unit() == TensorLayout.Unit.TOKEN) return token(row);
        return new RowProvenance((int) row, -1, -1, exampleName((int) row));
    }

    /** Bytes of all files of the store. */
    public long sizeOnDisk() throws IOException {
        try (var files = Files.list(dir)) {
            long sum = 0;
            for (Path p : files.toList()) sum += Files.size(p);
            return sum;
        }
    }

    /** Unmaps the files; segments obtained from this store become invalid. */
    @Override
    public void close() {
        arena.close();
    }

    private long exampleAt(int example) {
        if (example < 0 || example >= meta.examples) throw new IndexOutOfBoundsException("example " + example + " of " + meta.examples);
        return (long) example * StoreWriter.EXAMPLE_BYTES;
    }

    private String string(int id) {
        return id < 0 ? null : strings.get(id);
    }

    private static MemorySegment map(Path file, long bytes, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < bytes) {
                throw new StoreException(file, file + " is shorter (" + ch.size() + " bytes) than the store's metadata says ("
                        + bytes + "); the store is damaged");
            }
            if (bytes == 0) return MemorySegment.ofArray(new byte[0]);
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena);
        }
    }
}
