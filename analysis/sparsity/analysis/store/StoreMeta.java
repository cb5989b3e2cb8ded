package sparsity.analysis.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The store's {@value #FILE}: what was captured (model, tensors, layouts, dtype) and how much of
 * it is committed. Rewritten atomically (temporary file, fsync, rename) at every commit, so a
 * crash leaves either the old or the new version; the status {@code complete} is only ever
 * written by the last rewrite.
 */
final class StoreMeta {

    static final String FILE = "meta.properties";
    static final String FORMAT = "sparsity-activation-store";
    static final int VERSION = 1;

    StoreHeader header;
    List<TensorLayout> tensors = new ArrayList<>();
    boolean complete;
    String failure = "";
    int examples;
    long tokens;
    int strings;
    long stringBytes;
    long[] rows;
    long[] elements;

    static StoreMeta fresh(StoreHeader header, List<TensorLayout> tensors) {
        StoreMeta m = new StoreMeta();
        m.header = header;
        m.tensors = List.copyOf(tensors);
        m.rows = new long[tensors.size()];
        m.elements = new long[tensors.size()];
        return m;
    }

    StoreMeta copy() {
        StoreMeta m = new StoreMeta();
        m.header = header;
        m.tensors = tensors;
        m.complete = complete;
        m.failure = failure;
        m.examples = examples;
        m.tokens = tokens;
        m.strings = strings;
        m.stringBytes = stringBytes;
        m.rows = rows.clone();
        m.elements = elements.clone();
        return m;
    }

    static String dataFile(int tensor, DType dtype) {
        return "t" + tensor + "." + dtype.suffix();
    }

    static String indexFile(int tensor) {
        return "t" + tensor + ".index";
    }

    static boolean isStore(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    static StoreMeta read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            throw new StoreException(dir, dir + " is not an activation store (no " + FILE + ")");
        }
        if (!FORMAT.equals(p.getProperty("format"))) {
            throw new StoreException(dir, dir + " is not an activation store (" + FILE + " has no format=" + FORMAT + ")");
        }
        try {
            int version = Integer.parseInt(p.getProperty("version"));
            if (version > VERSION) {
                throw new StoreException(dir, "store format version " + version + " is newer than this workbench reads (" + VERSION + ")");
            }
            StoreMeta m = new StoreMeta();
            m.header = new StoreHeader(Path.of(p.getProperty("model.file")), p.getProperty("model.sha256"),
                    DType.parse(p.getProperty("dtype")), p.getProperty("source", ""), p.getProperty("created", ""));
            int n = Integer.parseInt(p.getProperty("tensors"));
            m.rows = new long[n];
            m.elements = new long[n];
            for (int i = 0; i < n; i++) {
                String k = "tensor." + i + ".";
                int[] shape = Arrays.stream(p.getProperty(k + "shape").split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                m.tensors.add(new TensorLayout(p.getProperty(k + "name"), p.getProperty(k + "label", ""),
                        TensorLayout.Kind.valueOf(p.getProperty(k + "kind")), TensorLayout.Unit.valueOf(p.getProperty(k + "unit")), shape));
                m.rows[i] = Long.parseLong(p.getProperty(k + "rows"));
                m.elements[i] = Long.parseLong(p.getProperty(k + "elements"));
            }
            m.complete = "complete".equals(p.getProperty("status"));
            m.failure = p.getProperty("failure", "");
            m.examples = Integer.parseInt(p.getProperty("examples"));
            m.tokens = Long.parseLong(p.getProperty("tokens"));
            m.strings = Integer.parseInt(p.getProperty("strings"));
            m.stringBytes = Long.parseLong(p.getProperty("strings.bytes"));
            return m;
        } catch (RuntimeException e) {
            throw new StoreException(dir, "damaged " + FILE + " in " + dir + ": " + e, -1, e);
        }
    }

    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("version", Integer.toString(VERSION));
        p.setProperty("status", complete ? "complete" : "incomplete");
        if (!failure.isEmpty()) p.setProperty("failure", failure);
        p.setProperty("model.file", header.modelFile().toString());
        p.setProperty("model.sha256", header.modelSha256());
        p.setProperty("dtype", header.dtype().id());
        p.setProperty("source", header.source());
        p.setProperty("created", header.created());
        p.setProperty("examples", Integer.toString(examples));
        p.setProperty("tokens", Long.toString(tokens));
        p.setProperty("strings", Integer.toString(strings));
        p.setProperty("strings.bytes", Long.toString(stringBytes));
        p.setProperty("tensors", Integer.toString(tensors.size()));
        for (int i = 0; i < tensors.size(); i++) {
            TensorLayout t = tensors.get(i);
            String k = "tensor." + i + ".";
            p.setProperty(k + "name", t.name());
            p.setProperty(k + "label", t.label());
            p.setProperty(k + "kind", t.kind().name());
            p.setProperty(k + "unit", t.unit().name());
            p.setProperty(k + "shape", Arrays.stream(t.rowShape()).mapToObj(Integer::toString).collect(Collectors.joining(",")));
            p.setProperty(k + "file", dataFile(i, header.dtype()));
            p.setProperty(k + "rows", Long.toString(rows[i]));
            p.setProperty(k + "elements", Long.toString(elements[i]));
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        // a FileOutputStream, not a channel: interrupting the capture thread must not break the write
        try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
            p.store(out, "Sparsity Workbench activation store");
            out.getFD().sync();
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
