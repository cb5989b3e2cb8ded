package sparsity.analysis.store;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Locale;

/** Element type of the values in a store; always little-endian on disk. */
public enum DType {
    FLOAT32(4, "f32"),
    /** IEEE half precision ({@link Float#floatToFloat16}): half the disk, about 3 significant digits. */
    FLOAT16(2, "f16");

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int bytes;
    private final String suffix;

    DType(int bytes, String suffix) {
        this.bytes = bytes;
        this.suffix = suffix;
    }

    /** Bytes per value. */
    public int bytes() {
        return bytes;
    }

    /** File name suffix of data files of this type. */
    String suffix() {
        return suffix;
    }

    /** "float32" or "float16". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "float32"/"float16" (also "f32"/"f16"). */
    public static DType parse(String s) {
        for (DType d : values()) if (d.id().equalsIgnoreCase(s) || d.suffix.equalsIgnoreCase(s)) return d;
        throw new IllegalArgumentException("unknown dtype '" + s + "' (float32 or float16)");
    }

    /** The value at element {@code index} of a segment of this type. */
    public float get(MemorySegment seg, long index) {
        return this == FLOAT32 ? seg.getAtIndex(F32, index) : Float.float16ToFloat(seg.getAtIndex(F16, index));
    }

    /** Writes {@code value} at element {@code index}. */
    public void set(MemorySegment seg, long index, float value) {
        if (this == FLOAT32) seg.setAtIndex(F32, index, value);
        else seg.setAtIndex(F16, index, Float.floatToFloat16(value));
    }

    /** Decodes {@code count} values from {@code src} (starting at element {@code from}) into {@code dst}. */
    public void decode(MemorySegment src, long from, float[] dst, int dstOffset, int count) {
        if (this == FLOAT32) {
            MemorySegment.copy(src, F32, from * 4, dst, dstOffset, count);
        } else {
            for (int i = 0; i < count; i++) dst[dstOffset + i] = Float.float16ToFloat(src.getAtIndex(F16, from + i));
        }
    }
}
