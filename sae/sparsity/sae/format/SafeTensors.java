package sparsity.sae.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sparsity.analysis.json.Json;
import sparsity.analysis.json.JsonException;
import sparsity.analysis.json.JsonWriter;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets}} (plus an optional "__metadata__" map of strings), then
 * the raw little-endian data. Reads F32, F16, BF16 and F64 as float; writes F32.
 */
public final class SafeTensors {

    /** A tensor as floats, with its shape. */
    public record Tensor(List<Long> shape, float[] data) {
        public Tensor {
            long n = 1;
            for (long s : shape) n *= s;
            if (n != data.length) throw new IllegalArgumentException("shape " + shape + " holds " + n + " values, not " + data.length);
            shape = List.copyOf(shape);
        }

        public static Tensor of(float[] data, long... shape) {
            List<Long> s = new ArrayList<>();
            for (long v : shape) s.add(v);
            return new Tensor(s, data);
        }
    }

    private SafeTensors() {
    }

    /** Writes the tensors (in the map's order) and metadata atomically to {@code file}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<>(metadata));
        long off = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long bytes = 4L * e.getValue().data().length;
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("dtype", "F32");
            t.put("shape", new ArrayList<Object>(e.getValue().shape()));
            t.put("data_offsets", List.of(off, off + bytes));
            header.put(e.getKey(), t);
            off += bytes;
        }
        byte[] json = JsonWriter.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keep the data 8-byte aligned, padding with spaces
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length + pad).put(json);
            for (int i = 0; i < pad; i++) head.put((byte) ' ');
            head.flip();
            while (head.hasRemaining()) ch.write(head);
            for (Tensor t : tensors.values()) {
                ByteBuffer b = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(t.data());
                while (b.hasRemaining()) ch.write(b);
            }
            ch.force(true);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads every tensor of a safetensors file. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IOException(file + ": not a safetensors file (" + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > Math.min(size - 8, 100_000_000)) {
                throw new IOException(file + ": not a safetensors file (header length " + headerLen + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            Map<String, Object> header;
            try {
                header = Json.asObject(Json.parse(new String(hb.array(), StandardCharsets.UTF_8), file.toString()), "safetensors header");
            } catch (JsonException e) {
                throw new IOException(file + ": bad safetensors header: " + e.getMessage(), e);
            }
            long dataStart = 8 + headerLen;
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                Map<String, Object> t = Json.asObject(e.getValue(), "tensor " + e.getKey());
                String dtype = Json.asString(t.get("dtype"), "dtype of " + e.getKey());
                List<Long> shape = new ArrayList<>();
                for (Object o : Json.asList(t.get("shape"), "shape of " + e.getKey())) shape.add(Json.asLong(o, "dim"));
                List<Object> offs = Json.asList(t.get("data_offsets"), "data_offsets of " + e.getKey());
                long a = Json.asLong(offs.get(0), "offset");
                long b = Json.asLong(offs.get(1), "offset");
                if (a < 0 || b < a || dataStart + b > size) throw new IOException(file + ": tensor " + e.getKey() + " lies outside the file");
                ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + a, b - a).order(ByteOrder.LITTLE_ENDIAN);
                long count = 1;
                for (long s : shape) count *= s;
                out.put(e.getKey(), new Tensor(shape, decode(dtype, data, (int) count, file, e.getKey())));
            }
            return out;
        }
    }

    private static float[] decode(String dtype, ByteBuffer b, int n, Path file, String name) throws IOException {
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            case "F64" -> 8;
            default -> throw new IOException(file + ": tensor " + name + " has dtype " + dtype + " (floats only: F32, F16, BF16, F64)");
        };
        if ((long) n * width != b.remaining()) {
            throw new IOException(file + ": tensor " + name + " has " + b.remaining() + " bytes, its shape needs " + (long) n * width);
        }
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = switch (dtype) {
                case "F32" -> b.getFloat(4 * i);
                case "F16" -> Float.float16ToFloat(b.getShort(2 * i));
                case "BF16" -> Float.intBitsToFloat(b.getShort(2 * i) << 16);
                default -> (float) b.getDouble(8 * i);
            };
        }
        return f;
    }
}
