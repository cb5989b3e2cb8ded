package sparsity.analysis.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a store while a capture runs. Values are encoded through a staging segment per tensor
 * and appended to the data files with plain positional writes, so that a full disk is an
 * {@link IOException} (reported as {@link StoreException}), never a fault in a mapped page, and
 * so that interrupting the capture thread (how a capture is cancelled) cannot close the files
 * half-way, as it would close an interruptible {@code RandomAccessFile}; readers map the files. {@link #commit} makes everything written so far durable and records
 * it in the metadata; a capture that stops before {@link #complete} leaves a store marked
 * incomplete, which {@link #resume} continues from its last commit.
 *
 * <p>Files: {@code meta.properties}; {@code tN.f32|f16}: the values of tensor N; {@code tN.index}
 * (attention maps): per example (long first value, int queries, int keys); {@code tokens.bin}:
 * per token row (int example, int position, int token id, int text); {@code examples.bin}: per
 * example (long first token row, int tokens, int name); {@code strings.bin}: the texts and
 * names (int byte length, UTF-8). All little-endian; text and name are indexes into the
 * strings, -1 for none.
 *
 * <p>Not thread-safe: one capture thread writes.
 */
public final class StoreWriter implements AutoCloseable {

    static final int TOKEN_BYTES = 16;
    static final int EXAMPLE_BYTES = 16;
    static final int INDEX_BYTES = 16;
    private static final long STAGE_BYTES = 4L << 20;

    private final Path dir;
    private final StoreMeta committed;
    private final StoreMeta current;
    private final long estimatedBytes;
    private final RandomAccessFile[] data;
    private final RandomAccessFile[] index;
    private final RandomAccessFile tokens;
    private final RandomAccessFile examples;
    private final RandomAccessFile strings;
    private final MemorySegment[] stages;
    private final long[] staged;
    private final long[] dataBytes;
    private final Growable tokenBuf = new Growable();
    private final Growable exampleBuf = new Growable();
    private final Growable stringBuf = new Growable();
    private final Growable[] indexBufs;
    private final Map<String, Integer> stringIds = new HashMap<>();
    private long bytesWritten;
    private boolean closed;

    private StoreWriter(Path dir, StoreMeta meta, long estimatedBytes) throws IOException {
        this.dir = dir;
        this.committed = meta;
        this.current = meta.copy();
        this.estimatedBytes = estimatedBytes;
        int n = meta.tensors.size();
        data = new RandomAccessFile[n];
        index = new RandomAccessFile[n];
        stages = new MemorySegment[n];
        staged = new long[n];
        dataBytes = new long[n];
        indexBufs = new Growable[n];
        DType dtype = meta.header.dtype();
        try {
            for (int i = 0; i < n; i++) {
                data[i] = open(dir.resolve(StoreMeta.dataFile(i, dtype)), meta.elements[i] * dtype.bytes());
                dataBytes[i] = meta.elements[i] * dtype.bytes();
                if (meta.tensors.get(i).kind() == TensorLayout.Kind.MAPS) {
                    index[i] = open(dir.resolve(StoreMeta.indexFile(i)), meta.rows[i] * INDEX_BYTES);
                    indexBufs[i] = new Growable();
                }
                stages[i] = MemorySegment.ofArray(new byte[(int) STAGE_BYTES]);
            }
            tokens = open(dir.resolve("tokens.bin"), meta.tokens * TOKEN_BYTES);
            examples = open(dir.resolve("examples.bin"), (long) meta.examples * EXAMPLE_BYTES);
            strings = open(dir.resolve("strings.bin"), meta.stringBytes);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * Starts a new store in {@code dir}, which must not exist or be empty.
     *
     * @param estimatedBytes the expected size (see {@link #estimateBytes}), checked against the
     *                       free disk space before anything is written; 0 or less skips the check
     * @throws StoreException when the folder holds other files or the disk has too little space
     */
    public static StoreWriter create(Path dir, StoreHeader header, List<TensorLayout> tensors, long estimatedBytes)
            throws IOException {
        if (tensors.isEmpty()) throw new IllegalArgumentException("a store holds at least one tensor");
        Files.createDirectories(dir);
        try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new StoreException(dir, (StoreMeta.isStore(dir) ? "a store already exists at " : "the folder is not empty: ")
                        + dir + " (delete it first or choose another folder)");
            }
        }
        if (estimatedBytes > 0) {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < estimatedBytes) throw StoreException.noSpace(dir, estimatedBytes, free, null);
        }
        StoreMeta meta = StoreMeta.fresh(header, tensors);
        meta.write(dir);
        return new StoreWriter(dir, meta, estimatedBytes);
    }

    /**
     * Reopens an incomplete store to continue after its last commit: anything written after it
     * is cut away. The caller feeds the inputs from example {@link #examples()} on.
     *
     * @throws StoreException when the store is complete already, or its files are shorter than
     *                        its metadata says
     */
    public static StoreWriter resume(Path dir) throws IOException {
        StoreMeta meta = StoreMeta.read(dir);
        if (meta.complete) throw new StoreException(dir, "the store at " + dir + " is complete; there is nothing to resume");
        meta.failure = "";
        StoreWriter w = new StoreWriter(dir, meta, 0);
        try {
            w.loadStrings();
        } catch (IOException | RuntimeException e) {
            w.closeQuietly();
            throw e;
        }
        return w;
    }

    /** Bytes of the data of {@code rows} rows of {@code rowElements} values, the size estimate shown before a capture. */
    public static long estimateBytes(long rows, long rowElements, DType dtype) {
        return Math.multiplyExact(Math.multiplyExact(rows, rowElements), dtype.bytes());
    }

    public Path dir() {
        return dir;
    }

    public StoreHeader header() {
        return current.header;
    }

    public List<TensorLayout> tensors() {
        return current.tensors;
    }

    /** Examples added so far (committed or not); the index the next one gets. */
    public int examples() {
        return current.examples;
    }

    /** Examples in the last commit: where a resumed capture starts. */
    public int committedExamples() {
        return committed.examples;
    }

    /** Token rows added so far. */
    public long tokens() {
        return current.tokens;
    }

    /** Rows (ROWS) or maps (MAPS) written to a tensor so far. */
    public long rows(int tensor) {
        return current.rows[tensor];
    }

    /** Adds an example; {@code name} (an image name or the example's text) may be null. Returns its index. */
    public int addExample(String name) throws IOException {
        ByteBuffer b = exampleBuf.reserve(EXAMPLE_BYTES);
        b.putLong(current.tokens).putInt(0).putInt(string(name));
        return current.examples++;
    }

    /** Adds a token row to the last added example. */
    public void addToken(int position, int tokenId, String text) throws IOException {
        if (current.examples == committed.examples && exampleBuf.size() == 0) {
            throw new IllegalStateException("addExample comes before its tokens");
        }
        tokenBuf.reserve(TOKEN_BYTES).putInt(current.examples - 1).putInt(position).putInt(tokenId).putInt(string(text));
        ByteBuffer eb = exampleBuf.buffer();
        int at = exampleBuf.size() - EXAMPLE_BYTES + 8;
        eb.putInt(at, eb.getInt(at) + 1);
        current.tokens++;
    }

    /** Appends {@code count} rows of a ROWS tensor, read from {@code src} starting at {@code offset}. */
    public void writeRows(int tensor, float[] src, int offset, int count) throws IOException {
        TensorLayout t = current.tensors.get(tensor);
        if (t.kind() != TensorLayout.Kind.ROWS) throw new IllegalArgumentException(t.name() + " holds attention maps, not rows");
        put(tensor, src, offset, count * t.rowElements());
        current.rows[tensor] += count;
    }

    /** Appends one attention map {@code [heads, queries, keys]} of a MAPS tensor to the last example. */
    public void writeMap(int tensor, float[] values, int queries, int keys) throws IOException {
        TensorLayout t = current.tensors.get(tensor);
        if (t.kind() != TensorLayout.Kind.MAPS) throw new IllegalArgumentException(t.name() + " holds rows, not attention maps");
        int n = t.rowElements() * queries * keys;
        if (values.length < n) throw new IllegalArgumentException("a map of " + queries + "x" + keys + " needs " + n + " values");
        indexBufs[tensor].reserve(INDEX_BYTES).putLong(current.elements[tensor]).putInt(queries).putInt(keys);
        put(tensor, values, 0, n);
        current.rows[tensor]++;
    }

    /**
     * Makes everything added so far durable (data first, then the metadata that counts it). The
     * store stays incomplete.
     *
     * @throws IllegalStateException when a tensor's row count does not match its tokens/examples
     */
    public void commit() throws IOException {
        for (int i = 0; i < current.tensors.size(); i++) {
            TensorLayout t = current.tensors.get(i);
            long want = t.kind() == TensorLayout.Kind.ROWS && t.unit() == TensorLayout.Unit.TOKEN ? current.tokens : current.examples;
            if (current.rows[i] != want) {
                throw new IllegalStateException(t.name() + " has " + current.rows[i] + " rows, expected " + want);
            }
        }
        DType dtype = current.header.dtype();
        for (int i = 0; i < data.length; i++) {
            flush(i);
            if (index[i] != null) append(index[i], indexBufs[i], committed.rows[i] * INDEX_BYTES);
        }
        append(tokens, tokenBuf, committed.tokens * TOKEN_BYTES);
        append(examples, exampleBuf, (long) committed.examples * EXAMPLE_BYTES);
        append(strings, stringBuf, committed.stringBytes);
        for (RandomAccessFile f : data) sync(f);
        for (RandomAccessFile f : index) if (f != null) sync(f);
        sync(tokens);
        sync(examples);
        sync(strings);
        for (int i = 0; i < data.length; i++) {
            if (dataBytes[i] != current.elements[i] * dtype.bytes()) throw new IllegalStateException("data size out of step");
        }
        current.write(dir);
        copyCounts(current, committed);
    }

    /** Commits and marks the store complete (the last write of a capture). */
    public void complete() throws IOException {
        commit();
        current.complete = true;
        current.write(dir);
        committed.complete = true;
    }

    /**
     * Records why the capture stopped in the metadata of the last commit, which stays
     * incomplete; what was added after that commit is dropped.
     */
    public void fail(String reason) throws IOException {
        StoreMeta m = committed.copy();
        m.failure = reason == null ? "" : reason.replaceAll("[\\r\\n]+", " ");
        m.complete = false;
        m.write(dir);
    }

    /** Closes the files. A store not {@link #complete}d stays incomplete at its last commit. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        IOException first = null;
        for (AutoCloseable c : closeables()) {
            try {
                c.close();
            } catch (IOException e) {
                if (first == null) first = e;
            } catch (Exception e) {
                if (first == null) first = new IOException(e);
            }
        }
        if (first != null) throw first;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    private List<AutoCloseable> closeables() {
        List<AutoCloseable> all = new java.util.ArrayList<>();
        for (RandomAccessFile c : data) if (c != null) all.add(c);
        for (RandomAccessFile c : index) if (c != null) all.add(c);
        if (tokens != null) all.add(tokens);
        if (examples != null) all.add(examples);
        if (strings != null) all.add(strings);
        return all;
    }

    private static void copyCounts(StoreMeta from, StoreMeta to) {
        to.examples = from.examples;
        to.tokens = from.tokens;
        to.strings = from.strings;
        to.stringBytes = from.stringBytes;
        System.arraycopy(from.rows, 0, to.rows, 0, from.rows.length);
        System.arraycopy(from.elements, 0, to.elements, 0, from.elements.length);
    }

    private void put(int tensor, float[] src, int offset, int n) throws IOException {
        DType dtype = current.header.dtype();
        long need = (long) n * dtype.bytes();
        if (staged[tensor] + need > stages[tensor].byteSize()) flush(tensor);
        if (need > stages[tensor].byteSize()) stages[tensor] = MemorySegment.ofArray(new byte[Math.toIntExact(need)]);
        MemorySegment stage = stages[tensor];
        long at = staged[tensor] / dtype.bytes();
        if (dtype == DType.FLOAT32) {
            MemorySegment.copy(src, offset, stage, DType.F32, staged[tensor], n);
        } else {
            for (int i = 0; i < n; i++) stage.setAtIndex(DType.F16, at + i, Float.floatToFloat16(src[offset + i]));
        }
        staged[tensor] += need;
        current.elements[tensor] += n;
    }

    private void flush(int tensor) throws IOException {
        if (staged[tensor] == 0) return;
        byte[] bytes = (byte[]) stages[tensor].heapBase().orElseThrow();
        Path file = dir.resolve(StoreMeta.dataFile(tensor, current.header.dtype()));
        dataBytes[tensor] += writeFully(data[tensor], bytes, (int) staged[tensor], dataBytes[tensor], file);
        staged[tensor] = 0;
    }

    private void append(RandomAccessFile ch, Growable buf, long position) throws IOException {
        if (buf.size() == 0) return;
        writeFully(ch, buf.buffer().array(), buf.size(), position, dir);
        buf.clear();
    }

    private long writeFully(RandomAccessFile f, byte[] bytes, int n, long position, Path file) throws IOException {
        try {
            f.seek(position);
            f.write(bytes, 0, n);
        } catch (IOException e) {
            throw StoreException.whenWriting(file, Math.max(n, estimatedBytes - bytesWritten), e);
        }
        bytesWritten += n;
        return n;
    }

    private int string(String s) throws IOException {
        if (s == null) return -1;
        Integer id = stringIds.get(s);
        if (id != null) return id;
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        stringBuf.reserve(4 + utf8.length).putInt(utf8.length).put(utf8);
        current.stringBytes += 4 + utf8.length;
        stringIds.put(s, current.strings);
        return current.strings++;
    }

    private void loadStrings() throws IOException {
        List<String> all = StringTable.read(dir.resolve("strings.bin"), committed.strings, committed.stringBytes);
        for (int i = 0; i < all.size(); i++) stringIds.putIfAbsent(all.get(i), i);
    }

    /** Opens a file for writing, cut back to {@code length} bytes (the committed part). */
    private static RandomAccessFile open(Path file, long length) throws IOException {
        RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw");
        try {
            if (f.length() < length) {
                throw new StoreException(file, file + " is shorter (" + f.length() + " bytes) than the store's metadata says ("
                        + length + "); the store is damaged");
            }
            if (f.length() > length) f.setLength(length);
            return f;
        } catch (IOException e) {
            f.close();
            throw e;
        }
    }

    private static void sync(RandomAccessFile f) throws IOException {
        f.getFD().sync();
    }

    /** A little-endian heap buffer that grows. */
    private static final class Growable {
        private ByteBuffer b = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);

        ByteBuffer reserve(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
            return b;
        }

        ByteBuffer buffer() {
            return b;
        }

        int size() {
            return b.position();
        }

        void clear() {
            b.clear();
        }
    }
}
