package sparsity.analysis.input;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (format versions 1.0, 2.0 and 3.0): read memory-mapped, write whole
 * arrays or stream them with {@link NpyWriter}. C order only; Fortran-order, structured and
 * object arrays are refused with a message that says so.
 */
public final class Npy {

    /** The element types the workbench reads and writes. */
    public enum DType {
        FLOAT16("f2", 2), FLOAT32("f4", 4), FLOAT64("f8", 8), INT8("i1", 1), INT16("i2", 2), INT32("i4", 4),
        INT64("i8", 8), UINT8("u1", 1), BOOL("b1", 1);

        private final String code;
        private final int size;

        DType(String code, int size) {
            this.code = code;
            this.size = size;
        }

        /** Bytes per element. */
        public int size() {
            return size;
        }

        public boolean isFloat() {
            return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
        }

        /** NumPy's name: float32, int64, uint8, bool, ... */
        public String numpyName() {
            return switch (this) {
                case BOOL -> "bool";
                case UINT8 -> "uint8";
                default -> (isFloat() ? "float" : "int") + size * 8;
            };
        }

        /** The .npy descr, e.g. "<f4"; one-byte types use "|". */
        public String descr(ByteOrder order) {
            return (size == 1 ? "|" : order == ByteOrder.BIG_ENDIAN ? ">" : "<") + code;
        }

        /** The ONNX element type name of the same values ("float", "int64", "bool", ...). */
        public String onnxName() {
            return switch (this) {
                case FLOAT32 -> "float";
                case FLOAT64 -> "double";
                default -> numpyName();
            };
        }
    }

    /** A parsed header: where the data starts and what it holds. */
    public record Header(int major, int minor, DType dtype, ByteOrder order, long[] shape, long dataOffset) {
    }

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*(['\"])([^'\"]*)\\1");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Opens a .npy file memory-mapped; close the array to unmap it. */
    public static NpyArray read(Path file) throws IOException {
        Header h = readHeader(file);
        long bytes = elementCount(h.shape()) * h.dtype().size();
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new NpyArray(file, h.dtype(), h.order(), h.shape(), all.asSlice(h.dataOffset(), bytes), arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads and checks only the header of a .npy file (shape, dtype, where the data starts). */
    public static Header readHeader(Path file) throws IOException {
        long fileSize = Files.size(file);
        byte[] head;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            while (pre.hasRemaining() && ch.read(pre) >= 0) {
                // read the fixed part
            }
            pre.flip();
            if (pre.remaining() < 10 || !startsWithMagic(pre)) {
                throw new IOException(file + ": not a .npy file (it does not start with \\x93NUMPY)");
            }
            int major = pre.get(6) & 0xFF;
            int minor = pre.get(7) & 0xFF;
            long headerLen;
            int prefix;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xFFFF;
                prefix = 10;
            } else if (major == 2 || major == 3) {
                if (pre.remaining() < 12) throw new IOException(file + ": the .npy header is cut short");
                headerLen = pre.getInt(8) & 0xFFFFFFFFL;
                prefix = 12;
            } else {
                throw new IOException(file + ": .npy format version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0 are)");
            }
            if (prefix + headerLen > fileSize) throw new IOException(file + ": the .npy header is cut short");
            head = new byte[(int) headerLen];
            ByteBuffer hb = ByteBuffer.wrap(head);
            ch.position(prefix);
            while (hb.hasRemaining() && ch.read(hb) >= 0) {
                // read the header dict
            }
            String dict = new String(head, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parseHeader(file, dict, major, minor, prefix + headerLen);
            long need = elementCount(h.shape()) * h.dtype().size();
            if (fileSize - h.dataOffset() < need) {
                throw new IOException(file + ": the file is truncated: " + describe(h) + " needs " + need
                        + " bytes of data, the file has " + (fileSize - h.dataOffset()));
            }
            return h;
        }
    }

    private static boolean startsWithMagic(ByteBuffer b) {
        for (int i = 0; i < MAGIC.length; i++) if (b.get(i) != MAGIC[i]) return false;
        return true;
    }

    private static Header parseHeader(Path file, String dict, int major, int minor, long dataOffset) throws IOException {
        Matcher d = DESCR.matcher(dict);
        if (!d.find()) {
            if (dict.contains("'descr': [") || dict.contains("\"descr\": [")) {
                throw new IOException(file + ": structured arrays (records with named fields) are not supported; save a plain array");
            }
            throw new IOException(file + ": the .npy header has no 'descr': " + dict.strip());
        }
        Matcher f = FORTRAN.matcher(dict);
        if (!f.find()) throw new IOException(file + ": the .npy header has no 'fortran_order': " + dict.strip());
        if (f.group(1).equals("True")) {
            throw new IOException(file + ": the array is stored in Fortran (column-major) order, which is not supported; "
                    + "save it in C order, e.g. numpy.save(path, numpy.ascontiguousarray(a))");
        }
        Matcher s = SHAPE.matcher(dict);
        if (!s.find()) throw new IOException(file + ": the .npy header has no 'shape': " + dict.strip());
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.strip().replace("L", "");
            if (p.isEmpty()) continue;
            try {
                long v = Long.parseLong(p);
                if (v < 0) throw new NumberFormatException();
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": bad dimension '" + part.strip() + "' in the .npy shape (" + s.group(1) + ")");
            }
        }
        String descr = d.group(2);
        ByteOrder order = switch (descr.isEmpty() ? ' ' : descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> throw new IOException(file + ": unknown byte order in dtype '" + descr + "'");
        };
        DType dtype = null;
        for (DType t : DType.values()) if (t.code.equals(descr.substring(1))) dtype = t;
        if (dtype == null) {
            throw new IOException(file + ": dtype '" + descr + "' is not supported (supported: float16, float32, float64, "
                    + "int8, int16, int32, int64, uint8, bool)" + (descr.endsWith("O") ? "; object arrays hold pickled Python objects" : ""));
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        return new Header(major, minor, dtype, order, shape, dataOffset);
    }

    /** The header bytes (magic to the end of the padded dict) for an array to write. */
    public static byte[] header(DType dtype, ByteOrder order, long[] shape) {
        String dict = "{'descr': '" + dtype.descr(order) + "', 'fortran_order': False, 'shape': " + pythonTuple(shape) + ", }";
        int major = 1;
        int prefix = 10;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        if (padded - prefix > 0xFFFF) {
            major = 2;
            prefix = 12;
            total = prefix + dict.length() + 1;
            padded = (total + 63) / 64 * 64;
        }
        String full = dict + " ".repeat(padded - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) full.length());
        else b.putInt(full.length());
        b.put(full.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static String pythonTuple(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
        return sb.append(')').toString();
    }

    /** Writes a float32 array (little-endian, C order). */
    public static void write(Path file, float[] data, long... shape) throws IOException {
        try (NpyWriter w = NpyWriter.create(file, DType.FLOAT32, shape)) {
            w.writeFloats(data, 0, data.length);
        }
    }

    /** Writes an int64 array (little-endian, C order). */
    public static void write(Path file, long[] data, long... shape) throws IOException {
        try (NpyWriter w = NpyWriter.create(file, DType.INT64, shape)) {
            w.writeLongs(data, 0, data.length);
        }
    }

    /** Writes raw little-endian data of any dtype (C order). */
    public static void write(Path file, DType dtype, long[] shape, MemorySegment littleEndianData) throws IOException {
        try (NpyWriter w = NpyWriter.create(file, dtype, shape)) {
            w.writeRaw(littleEndianData);
        }
    }

    /** Product of the dims (1 for a 0-d array); overflow is an error. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension " + d);
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** E.g. "[10000, 784]". */
    public static String shapeText(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
        return sb.append(']').toString();
    }

    private static String describe(Header h) {
        return h.dtype().numpyName() + " " + shapeText(h.shape());
    }
}
