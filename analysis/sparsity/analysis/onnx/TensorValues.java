package sparsity.analysis.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.DoubleConsumer;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * Reads the numbers stored in a TensorProto, wherever they are kept: the typed repeated fields,
 * raw_data (little-endian), or an external data file beside the model.
 */
final class TensorValues {

    private TensorValues() {
    }

    /** Bytes per element of a numeric type, or -1 when the type is not a fixed-size number. */
    static int elementBytes(int dataType) {
        return switch (DataType.forNumber(dataType) == null ? DataType.UNDEFINED : DataType.forNumber(dataType)) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64, COMPLEX64 -> 8;
            case COMPLEX128 -> 16;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case INT8, UINT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 1;
            default -> -1;
        };
    }

    /** Lower-case ONNX name of an element type, e.g. "float", "int64", "float16". */
    static String typeName(int dataType) {
        DataType t = DataType.forNumber(dataType);
        return t == null ? "type" + dataType : t.name().toLowerCase(java.util.Locale.ROOT);
    }

    static long elementCount(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) n *= d;
        return n;
    }

    static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** The external data entries of a tensor: location, offset, length. */
    record External(String location, long offset, long length) {
        static External of(TensorProto t) {
            String location = null;
            long offset = 0;
            long length = -1;
            for (StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { }
                }
            }
            return new External(location, offset, length);
        }
    }

    /** Bytes of the stored data (raw or typed fields or external), as counted for the model view. */
    static long storedBytes(TensorProto t) {
        int eb = elementBytes(t.getDataType());
        if (eb > 0) return elementCount(t) * eb;
        if (isExternal(t)) return External.of(t).length();
        return t.getRawData().size();
    }

    /**
     * Calls {@code sink} with every element as a double, in order. Returns false when the type is
     * not numeric (strings) and nothing was visited.
     */
    static boolean forEach(TensorProto t, Path modelDir, DoubleConsumer sink) throws IOException {
        int type = t.getDataType();
        DataType dt = DataType.forNumber(type);
        if (dt == null || elementBytes(type) < 0 || dt == DataType.COMPLEX64 || dt == DataType.COMPLEX128) {
            return false;
        }
        ByteBuffer raw = null;
        if (isExternal(t)) {
            External ext = External.of(t);
            Path f = modelDir.resolve(ext.location());
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                long len = ext.length() >= 0 ? ext.length() : ch.size() - ext.offset();
                raw = ch.map(FileChannel.MapMode.READ_ONLY, ext.offset(), len);
            }
        } else if (!t.getRawData().isEmpty()) {
            raw = t.getRawData().asReadOnlyByteBuffer();
        }
        long n = elementCount(t);
        if (raw != null) {
            raw.order(ByteOrder.LITTLE_ENDIAN);
            forEachRaw(dt, raw, n, sink);
            return true;
        }
        switch (dt) {
            case FLOAT -> t.getFloatDataList().forEach(v -> sink.accept(v));
            case DOUBLE -> t.getDoubleDataList().forEach(sink::accept);
            case INT64 -> t.getInt64DataList().forEach(v -> sink.accept(v));
            case UINT64, UINT32 -> t.getUint64DataList().forEach(v -> sink.accept(v));
            case FLOAT16 -> t.getInt32DataList().forEach(v -> sink.accept(Float.float16ToFloat((short) (int) v)));
            case BFLOAT16 -> t.getInt32DataList().forEach(v -> sink.accept(Float.intBitsToFloat(v << 16)));
            default -> t.getInt32DataList().forEach(v -> sink.accept(v));
        }
        return true;
    }

    private static void forEachRaw(DataType dt, ByteBuffer b, long n, DoubleConsumer sink) {
        int count = (int) Math.min(n, Integer.MAX_VALUE);
        switch (dt) {
            case FLOAT -> { var fb = b.asFloatBuffer(); for (int i = 0; i < Math.min(count, fb.remaining()); i++) sink.accept(fb.get(i)); }
            case DOUBLE -> { var db = b.asDoubleBuffer(); for (int i = 0; i < Math.min(count, db.remaining()); i++) sink.accept(db.get(i)); }
            case INT64, UINT64 -> { var lb = b.asLongBuffer(); for (int i = 0; i < Math.min(count, lb.remaining()); i++) sink.accept(lb.get(i)); }
            case INT32 -> { var ib = b.asIntBuffer(); for (int i = 0; i < Math.min(count, ib.remaining()); i++) sink.accept(ib.get(i)); }
            case UINT32 -> { var ib = b.asIntBuffer(); for (int i = 0; i < Math.min(count, ib.remaining()); i++) sink.accept(Integer.toUnsignedLong(ib.get(i))); }
            case FLOAT16 -> { var sb = b.asShortBuffer(); for (int i = 0; i < Math.min(count, sb.remaining()); i++) sink.accept(Float.float16ToFloat(sb.get(i))); }
            case BFLOAT16 -> { var sb = b.asShortBuffer(); for (int i = 0; i < Math.min(count, sb.remaining()); i++) sink.accept(Float.intBitsToFloat(sb.get(i) << 16)); }
            case INT16 -> { var sb = b.asShortBuffer(); for (int i = 0; i < Math.min(count, sb.remaining()); i++) sink.accept(sb.get(i)); }
            case UINT16 -> { var sb = b.asShortBuffer(); for (int i = 0; i < Math.min(count, sb.remaining()); i++) sink.accept(Short.toUnsignedInt(sb.get(i))); }
            case INT8 -> { for (int i = 0; i < Math.min(count, b.remaining()); i++) sink.accept(b.get(i)); }
            default -> { for (int i = 0; i < Math.min(count, b.remaining()); i++) sink.accept(Byte.toUnsignedInt(b.get(i))); }
        }
    }

    /** Total file size check helper for external data. */
    static long sizeOrMinusOne(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }
}
