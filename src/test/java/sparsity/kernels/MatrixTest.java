package sparsity.kernels;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatrixTest {

    @Test
    void allocatesZeroedAlignedRowMajorMemory() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix m = s.floats(3, 5);
            assertEquals(0, m.segment().address() % MemoryScope.ALIGNMENT);
            assertArrayEquals(new float[15], m.toArray());
            m.set(2, 4, 7f);
            assertEquals(7f, m.segment().getAtIndex(ValueLayout.JAVA_FLOAT, 14));
            assertEquals(5, m.stride());
            assertTrue(m.isContiguous());
        }
    }

    @Test
    void viewsShareMemoryWithTheirParent() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix m = s.floats(4, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            FloatMatrix rows = m.rowRange(1, 3);
            assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11}, rows.toArray());
            FloatMatrix block = m.view(1, 2, 2, 2);
            assertArrayEquals(new float[] {6, 7, 10, 11}, block.toArray());
            assertEquals(4, block.stride());
            assertTrue(!block.isContiguous());
            block.set(1, 1, -1f);
            assertEquals(-1f, m.get(2, 3));
            assertArrayEquals(new float[] {8, 9, 10, -1}, m.row(2).toArray());
            assertThrows(IndexOutOfBoundsException.class, () -> m.view(3, 3, 2, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> block.get(2, 0));
        }
    }

    @Test
    void wrapsAnExistingSegmentWithoutCopy() {
        try (MemoryScope s = MemoryScope.open()) {
            MemorySegment raw = s.arena().allocate(4L * 12, 4);
            FloatMatrix m = FloatMatrix.wrap(raw, 2, 5, 6);
            m.set(1, 4, 3f);
            assertEquals(3f, raw.getAtIndex(ValueLayout.JAVA_FLOAT, 10));
            assertThrows(IllegalArgumentException.class, () -> FloatMatrix.wrap(raw, 3, 5, 6));
            assertThrows(IllegalArgumentException.class, () -> FloatMatrix.wrap(raw, 2, 7, 6));
        }
    }

    @Test
    void wrapsAMemoryMappedActivationChunk(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("acts.f32");
        ByteBuffer buf = ByteBuffer.allocate(4 * 2 * 3 + 16).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(0xCAFE).putInt(0).putLong(0); // a 16-byte header before the floats
        for (int i = 0; i < 6; i++) buf.putFloat(i + 0.5f);
        Files.write(file, buf.array());
        try (MemoryScope s = MemoryScope.open(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), s.arena());
            FloatMatrix m = FloatMatrix.wrapAt(mapped, 16, 2, 3);
            assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, m.toArray());
            assertEquals(3.5f, m.get(1, 0));
        }
    }

    @Test
    void closingTheScopeFreesItsMatrices() {
        FloatMatrix m;
        try (MemoryScope s = MemoryScope.open()) {
            m = s.floats(2, 2);
        }
        assertThrows(IllegalStateException.class, () -> m.get(0, 0));
    }

    @Test
    void reshapeAndFillAndIntMatrix() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix m = s.floats(2, 3);
            m.fill(2f);
            FloatMatrix r = m.reshape(3, 2);
            assertEquals(2f, r.get(2, 1));
            assertThrows(IllegalArgumentException.class, () -> m.view(0, 0, 2, 2).reshape(1, 4));
            IntMatrix im = s.ints(2, 2, 1, 2, 3, 4);
            assertEquals(3, im.get(1, 0));
            assertArrayEquals(new int[] {3, 4}, im.rowRange(1, 2).toArray());
            im.fill(-1);
            assertArrayEquals(new int[] {-1, -1, -1, -1}, im.toArray());
            assertEquals(0, m.rowRange(1, 1).size());
        }
    }
}
