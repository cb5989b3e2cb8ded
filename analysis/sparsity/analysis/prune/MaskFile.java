package sparsity.analysis.prune;

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
 * Mask files: safetensors (an 8-byte little-endian header length, a JSON header, the raw data),
 * readable by any safetensors library. Tensors: {@code mask:NAME} (U8, 1 = kept, 0 = pruned, in
 * the ONNX tensor's stored shape) for every masked tensor and, for methods that update the kept
 * weights, {@code weight:NAME} (F32, the values to write; these come first in the data, so they
 * are 4-byte aligned). The header's {@code __metadata__}
 * holds {@code format} = "sparsity-workbench-mask", {@code format_version} and
 * {@code provenance}, a JSON object of {@link MaskArtifact.Provenance}'s fields (as strings,
 * the format requires). A newer format version is refused.
 */
public final class MaskFile {

    public static final String FORMAT = "sparsity-workbench-mask";
    private static final String MASK = "mask:";
    private static final String WEIGHT = "weight:";

    private MaskFile() {
    }

    /** Writes an artifact atomically. */
    public static void write(Path file, MaskArtifact a) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", Integer.toString(a.provenance().formatVersion()));
        meta.put("provenance", JsonWriter.write(provenance(a.provenance())));
        header.put("__metadata__", meta);
        long off = 0;
        List<Object> blobs = new ArrayList<>();
        for (var e : a.weights().entrySet()) { // the floats first, so that they stay 4-byte aligned
            long n = 4L * e.getValue().length;
            header.put(WEIGHT + e.getKey(), entry("F32", a.masks().get(e.getKey()).shape(), off, off + n));
            off += n;
            blobs.add(e.getValue());
        }
        for (var e : a.masks().entrySet()) {
            long n = e.getValue().keep().length;
            header.put(MASK + e.getKey(), entry("U8", e.getValue().shape(), off, off + n));
            off += n;
            blobs.add(e.getValue().keep());
        }
        byte[] json = JsonWriter.write(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8;
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length + pad).put(json);
            for (int i = 0; i < pad; i++) head.put((byte) ' ');
            writeAll(ch, head.flip());
            for (Object blob : blobs) {
                if (blob instanceof boolean[] keep) {
                    byte[] b = new byte[keep.length];
                    for (int i = 0; i < b.length; i++) b[i] = (byte) (keep[i] ? 1 : 0);
                    writeAll(ch, ByteBuffer.wrap(b));
                } else {
                    float[] v = (float[]) blob;
                    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    writeAll(ch, b);
                }
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a mask file.
     *
     * @throws IOException for a file that is not a mask file, is damaged, or has a newer format
     */
    public static MaskArtifact read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IOException(file + ": not a mask file (" + size + " bytes)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readAll(ch, lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > Math.min(size - 8, 100_000_000)) {
                throw new IOException(file + ": not a mask file (not safetensors: header length " + headerLen + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readAll(ch, hb, 8);
            Map<String, Object> header;
            MaskArtifact.Provenance prov;
            try {
                header = Json.asObject(Json.parse(new String(hb.array(), StandardCharsets.UTF_8), file.toString()), "safetensors header");
                Map<String, Object> meta = header.containsKey("__metadata__") ? Json.asObject(header.get("__metadata__"), "__metadata__") : Map.of();
                if (!FORMAT.equals(meta.get("format"))) {
                    throw new IOException(file + ": a safetensors file, but not a mask file (no format \"" + FORMAT + "\" in its metadata)");
                }
                int version = Integer.parseInt(Json.asString(meta.get("format_version"), "format_version"));
                if (version > MaskArtifact.FORMAT_VERSION) {
                    throw new IOException(file + ": mask format version " + version + " is newer than this workbench reads ("
                            + MaskArtifact.FORMAT_VERSION + "); update the workbench");
                }
                prov = provenance(Json.asObject(Json.parse(Json.asString(meta.get("provenance"), "provenance")), "provenance"), version);
            } catch (JsonException | NumberFormatException e) {
                throw new IOException(file + ": damaged mask file header: " + e.getMessage(), e);
            }
            long dataStart = 8 + headerLen;
            Map<String, MaskArtifact.Mask> masks = new LinkedHashMap<>();
            Map<String, float[]> weights = new LinkedHashMap<>();
            try {
                for (var e : header.entrySet()) {
                    if (e.getKey().equals("__metadata__")) continue;
                    Map<String, Object> t = Json.asObject(e.getValue(), "tensor " + e.getKey());
                    String dtype = Json.asString(t.get("dtype"), "dtype");
                    List<Long> shape = new ArrayList<>();
                    for (Object o : Json.asList(t.get("shape"), "shape")) shape.add(Json.asLong(o, "dim"));
                    List<Object> offs = Json.asList(t.get("data_offsets"), "data_offsets");
                    long a = Json.asLong(offs.get(0), "offset");
                    long b = Json.asLong(offs.get(1), "offset");
                    long n = 1;
                    for (long d : shape) n *= d;
                    if (a < 0 || b < a || dataStart + b > size) throw new IOException(file + ": tensor " + e.getKey() + " lies outside the file");
                    ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + a, b - a).order(ByteOrder.LITTLE_ENDIAN);
                    if (e.getKey().startsWith(MASK) && dtype.equals("U8") && b - a == n) {
                        boolean[] keep = new boolean[(int) n];
                        for (int i = 0; i < n; i++) keep[i] = data.get(i) != 0;
                        masks.put(e.getKey().substring(MASK.length()), new MaskArtifact.Mask(shape, keep));
                    } else if (e.getKey().startsWith(WEIGHT) && dtype.equals("F32") && b - a == 4 * n) {
                        float[] v = new float[(int) n];
                        data.asFloatBuffer().get(v);
                        weights.put(e.getKey().substring(WEIGHT.length()), v);
                    } else {
                        throw new IOException(file + ": unexpected tensor " + e.getKey() + " (" + dtype + " " + shape + ", " + (b - a) + " bytes)");
                    }
                }
                return new MaskArtifact(prov, masks, weights);
            } catch (JsonException | IllegalArgumentException e) {
                throw new IOException(file + ": damaged mask file: " + e.getMessage(), e);
            }
        }
    }

    private static Map<String, Object> entry(String dtype, List<Long> shape, long from, long to) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("dtype", dtype);
        t.put("shape", new ArrayList<Object>(shape));
        t.put("data_offsets", List.of(from, to));
        return t;
    }

    private static Map<String, Object> provenance(MaskArtifact.Provenance p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", p.model());
        m.put("model_sha256", p.modelSha256());
        m.put("method", p.method());
        m.put("sparsity", p.sparsity());
        m.put("nm", p.nm());
        m.put("scope", p.scope());
        m.put("include", new ArrayList<Object>(p.include()));
        m.put("exclude", new ArrayList<Object>(p.exclude()));
        m.put("seed", p.seed());
        m.put("calibration", p.calibration());
        m.put("calibration_tokens", p.calibrationTokens());
        m.put("importance", p.importance());
        m.put("removed", new ArrayList<Object>(p.removed()));
        m.put("app_version", p.appVersion());
        m.put("created", p.created());
        return m;
    }

    private static MaskArtifact.Provenance provenance(Map<String, Object> m, int version) {
        return new MaskArtifact.Provenance(version, str(m, "model"), str(m, "model_sha256"), str(m, "method"),
                ((Number) m.getOrDefault("sparsity", 0.0)).doubleValue(), str(m, "nm"), str(m, "scope"), strings(m, "include"),
                strings(m, "exclude"), m.get("seed") instanceof Number n ? n.longValue() : 0, str(m, "calibration"),
                m.get("calibration_tokens") instanceof Number n ? n.longValue() : 0, str(m, "importance"), strings(m, "removed"),
                str(m, "app_version"), str(m, "created"));
    }

    private static String str(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v == null ? "" : String.valueOf(v);
    }

    private static List<String> strings(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        for (Object o : Json.asList(v, k)) out.add(String.valueOf(o));
        return out;
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static void readAll(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }
}
