package sparsity.analysis.input;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a .npy file in chunks (little-endian, C order) when the whole array is not in memory.
 * It writes to a temporary file beside the target and moves it into place only when all
 * {@code shape}'s elements were written; a writer closed early deletes its temporary file and
 * reports how much was missing, so no half-written .npy is left behind.
 */
public final class NpyWriter implements AutoCloseable {

    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final Npy.DType dtype;
    private final long expected;
    private long written;
    private boolean closed;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    private NpyWriter(Path target, Npy.DType dtype, long[] shape) throws IOException {
        this.target = target;
        this.dtype = dtype;
        this.expected = Npy.elementCount(shape);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        channel.write(ByteBuffer.wrap(Npy.header(dtype, ByteOrder.LITTLE_ENDIAN, shape)));
    }

    /** Starts a .npy of the given dtype and shape. */
    public static NpyWriter create(Path file, Npy.DType dtype, long... shape) throws IOException {
        return new NpyWriter(file, dtype, shape.clone());
    }

    /** Appends float values (the file must be FLOAT32, FLOAT16 or FLOAT64). */
    public void writeFloats(float[] values, int from, int count) throws IOException {
        check(count, dtype.isFloat(), "floats");
        for (int i = from; i < from + count; i++) {
            if (buffer.remaining() < 8) flush();
            switch (dtype) {
                case FLOAT32 -> buffer.putFloat(values[i]);
                case FLOAT16 -> buffer.putShort(Float.floatToFloat16(values[i]));
                default -> buffer.putDouble(values[i]);
            }
        }
        written += count;
    }

    /** Appends integer values (the file must be an integer or bool type). */
    public void writeLongs(long[] values, int from, int count) throws IOException {
        check(count, !dtype.isFloat(), "integers");
        for (int i = from; i < from + count; i++) {
            if (buffer.remaining() < 8) flush();
            long v = values[i];
            switch (dtype) {
                case INT64 -> buffer.putLong(v);
                case INT32 -> buffer.putInt((int) v);
                case INT16 -> buffer.putShort((short) v);
                case BOOL -> buffer.put((byte) (v != 0 ? 1 : 0));
                default -> buffer.put((byte) v);
            }
        }
        written += count;
    }

    /** Appends raw little-endian bytes, a whole number of elements. */
    public void writeRaw(MemorySegment bytes) throws IOException {
        if (bytes.byteSize() % dtype.size() != 0) throw new IllegalArgumentException("not a whole number of " + dtype + " elements");
        long count = bytes.byteSize() / dtype.size();
        check(count, true, "bytes");
        flush();
        ByteBuffer b = bytes.asByteBuffer();
        while (b.hasRemaining()) channel.write(b);
        written += count;
    }

    private void check(long count, boolean typeOk, String what) {
        if (closed) throw new IllegalStateException("the writer is closed");
        if (!typeOk) throw new IllegalArgumentException("cannot write " + what + " into a " + dtype.numpyName() + " .npy");
        if (written + count > expected) {
            throw new IllegalArgumentException("too many values: the shape holds " + expected + ", " + (written + count) + " were given");
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) channel.write(buffer);
        buffer.clear();
    }

    /** Values written so far. */
    public long written() {
        return written;
    }

    /**
     * Finishes the file. If fewer values than the shape holds were written, the temporary file
     * is deleted and an IOException says so.
     */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            flush();
            channel.force(false);
        } finally {
            channel.close();
        }
        if (written != expected) {
            Files.deleteIfExists(tmp);
            throw new IOException(target + " was not written: " + written + " of " + expected + " values were given");
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
