package sparsity.analysis.input;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {

    @TempDir
    Path dir;

    /** A fixture written by numpy (src/test/resources/inputs/npy/make_npy_fixtures.py), copied out. */
    private Path numpyFile(String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream("/inputs/npy/" + name)) {
            if (in == null) throw new IllegalStateException(name + " is not on the test class path");
            Path p = dir.resolve(name);
            Files.copy(in, p);
            return p;
        }
    }

    /** A version 1.0 file built by hand from the format description. */
    private static byte[] golden(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    private static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    @Test
    void writesExactlyTheBytesTheFormatPrescribes() throws IOException {
        Path p = dir.resolve("a.npy");
        Npy.write(p, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        byte[] expected = golden("<f4", "(2, 3)", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        assertArrayEquals(expected, Files.readAllBytes(p));
        assertEquals(0, (expected.length - 24) % 64, "the data starts at a multiple of 64");
        Path q = dir.resolve("b.npy");
        Npy.write(q, new long[] {7, -1}, 2);
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-1);
        assertArrayEquals(golden("<i8", "(2,)", data.array()), Files.readAllBytes(q));
    }

    @Test
    void readsHandBuiltLittleAndBigEndianFiles() throws IOException {
        Path le = dir.resolve("le.npy");
        Files.write(le, golden("<f4", "(3,)", floats(ByteOrder.LITTLE_ENDIAN, 1.5f, -2f, 0.25f)));
        Path be = dir.resolve("be.npy");
        Files.write(be, golden(">f4", "(3,)", floats(ByteOrder.BIG_ENDIAN, 1.5f, -2f, 0.25f)));
        for (Path p : new Path[] {le, be}) {
            try (NpyArray a = Npy.read(p)) {
                assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, a.toFloatArray());
                assertArrayEquals(new long[] {3}, a.shape());
                assertEquals("float32 [3]", a.describe());
            }
        }
    }

    @Test
    void readsWhatNumpyWrote() throws IOException {
        try (NpyArray a = Npy.read(numpyFile("f4_2x3.npy"))) {
            assertEquals(Npy.DType.FLOAT32, a.dtype());
            assertArrayEquals(new long[] {2, 3}, a.shape());
            assertArrayEquals(new float[] {-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f}, a.toFloatArray());
            assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f}, a.row(1));
            assertEquals(2, a.rows());
            assertEquals(3, a.rowSize());
        }
        try (NpyArray a = Npy.read(numpyFile("f2_4.npy"))) {
            assertEquals(Npy.DType.FLOAT16, a.dtype());
            assertArrayEquals(new float[] {0f, 1.5f, -2.25f, 65504f}, a.toFloatArray());
        }
        try (NpyArray a = Npy.read(numpyFile("f8_big_2x2.npy"))) {
            assertEquals(ByteOrder.BIG_ENDIAN, a.order());
            assertEquals(1e-3, a.getDouble(2));
            assertArrayEquals(new float[] {1.25f, -3.5f, 1e-3f, 2f}, a.toFloatArray());
        }
        try (NpyArray a = Npy.read(numpyFile("i8_3.npy"))) {
            assertArrayEquals(new long[] {0, -1, 9007199254740993L}, a.toLongArray());
        }
        try (NpyArray a = Npy.read(numpyFile("i4_big_2x2.npy"))) {
            assertArrayEquals(new long[] {1, -2, 300000, 4}, a.toLongArray());
        }
        try (NpyArray a = Npy.read(numpyFile("u1_2x2.npy"))) {
            assertArrayEquals(new long[] {0, 255, 128, 7}, a.toLongArray());
            assertEquals(255f, a.getFloat(1));
        }
        try (NpyArray a = Npy.read(numpyFile("b1_3.npy"))) {
            assertEquals(Npy.DType.BOOL, a.dtype());
            assertArrayEquals(new long[] {1, 0, 1}, a.toLongArray());
        }
        try (NpyArray a = Npy.read(numpyFile("scalar_f4.npy"))) {
            assertEquals(0, a.rank());
            assertEquals(1, a.size());
            assertEquals(3.5f, a.getFloat(0));
        }
    }

    @Test
    void readsFormatVersions2And3() throws IOException {
        Path v2 = numpyFile("v2_f4_3.npy");
        assertEquals(2, Npy.readHeader(v2).major());
        try (NpyArray a = Npy.read(v2)) {
            assertArrayEquals(new float[] {1, 2, 3}, a.toFloatArray());
        }
        Path v3 = numpyFile("v3_i4_2.npy");
        assertEquals(3, Npy.readHeader(v3).major());
        try (NpyArray a = Npy.read(v3)) {
            assertArrayEquals(new long[] {7, -8}, a.toLongArray());
        }
    }

    @Test
    void writtenFilesMatchNumpysData() throws IOException {
        Path ours = dir.resolve("ours.npy");
        Npy.write(ours, new float[] {-0.5f, -0.25f, 0f, 0.25f, 0.5f, 0.75f}, 2, 3);
        byte[] mine = Files.readAllBytes(ours);
        byte[] theirs = Files.readAllBytes(numpyFile("f4_2x3.npy"));
        assertArrayEquals(Arrays.copyOfRange(theirs, theirs.length - 24, theirs.length), Arrays.copyOfRange(mine, mine.length - 24, mine.length));
    }

    @Test
    void refusesFortranOrderAndOtherUnsupportedFiles() throws IOException {
        IOException f = assertThrows(IOException.class, () -> Npy.read(numpyFile("fortran_2x3.npy")));
        assertTrue(f.getMessage().contains("Fortran (column-major) order, which is not supported"), f.getMessage());
        assertTrue(f.getMessage().contains("numpy.ascontiguousarray"), f.getMessage());
        Path obj = dir.resolve("obj.npy");
        Files.write(obj, golden("|O", "(1,)", new byte[8]));
        assertTrue(assertThrows(IOException.class, () -> Npy.read(obj)).getMessage().contains("dtype '|O' is not supported"));
        Path c = dir.resolve("c.npy");
        Files.write(c, golden("<c8", "(1,)", new byte[8]));
        assertTrue(assertThrows(IOException.class, () -> Npy.read(c)).getMessage().contains("'<c8' is not supported"));
        Path notNpy = dir.resolve("x.npy");
        Files.writeString(notNpy, "hello, I am text");
        assertTrue(assertThrows(IOException.class, () -> Npy.read(notNpy)).getMessage().contains("not a .npy file"));
        Path cut = dir.resolve("cut.npy");
        byte[] full = golden("<f4", "(100,)", new byte[400]);
        Files.write(cut, Arrays.copyOf(full, full.length - 10));
        IOException t = assertThrows(IOException.class, () -> Npy.read(cut));
        assertTrue(t.getMessage().contains("truncated: float32 [100] needs 400 bytes of data, the file has 390"), t.getMessage());
    }

    @Test
    void streamingWriterWritesInChunksAndLeavesNothingWhenIncomplete() throws IOException {
        Path p = dir.resolve("big.npy");
        int rows = 5000;
        int d = 37;
        try (NpyWriter w = NpyWriter.create(p, Npy.DType.FLOAT32, rows, d)) {
            float[] row = new float[d];
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < d; k++) row[k] = r * 1000 + k;
                w.writeFloats(row, 0, d);
            }
        }
        try (NpyArray a = Npy.read(p)) {
            assertEquals(rows * (long) d, a.size());
            assertEquals(4321 * 1000 + 36, a.row(4321)[36]);
            float[] batch = a.rows(10, 3);
            assertEquals(3 * d, batch.length);
            assertEquals(12 * 1000 + 5, batch[2 * d + 5]);
            assertThrows(IndexOutOfBoundsException.class, () -> a.rows(4999, 2));
        }
        Path half = dir.resolve("half.npy");
        IOException e = assertThrows(IOException.class, () -> {
            try (NpyWriter w = NpyWriter.create(half, Npy.DType.FLOAT16, 4)) {
                w.writeFloats(new float[] {1, 2}, 0, 2);
            }
        });
        assertTrue(e.getMessage().contains("2 of 4 values"), e.getMessage());
        assertFalse(Files.exists(half));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".part")), "no temporary file is left");
        }
        Path f16 = dir.resolve("f16.npy");
        try (NpyWriter w = NpyWriter.create(f16, Npy.DType.FLOAT16, 2)) {
            w.writeFloats(new float[] {0.5f, -3f}, 0, 2);
        }
        try (NpyArray a = Npy.read(f16)) {
            assertArrayEquals(new float[] {0.5f, -3f}, a.toFloatArray());
        }
        Path raw = dir.resolve("raw.npy");
        Npy.write(raw, Npy.DType.UINT8, new long[] {3}, MemorySegment.ofArray(new byte[] {1, 2, (byte) 200}));
        try (NpyArray a = Npy.read(raw)) {
            assertArrayEquals(new long[] {1, 2, 200}, a.toLongArray());
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (NpyWriter w = NpyWriter.create(dir.resolve("x2.npy"), Npy.DType.INT64, 1)) {
                w.writeFloats(new float[] {1}, 0, 1);
            }
        });
    }

    @Test
    void largeHeadersSwitchToVersion2() throws IOException {
        long[] shape = new long[30000];
        Arrays.fill(shape, 1);
        byte[] h = Npy.header(Npy.DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, shape);
        assertEquals(2, h[6]);
        assertEquals(0, h.length % 64);
        Path p = dir.resolve("v2.npy");
        Npy.write(p, new float[] {42f}, shape);
        try (NpyArray a = Npy.read(p)) {
            assertEquals(30000, a.rank());
            assertEquals(42f, a.getFloat(0));
        }
    }
}
