package sparsity.analysis.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreWriterTest {

    static final int D = 6;
    static final int HEADS = 2;

    static StoreHeader header(DType dtype) {
        return StoreHeader.of(Path.of("model.onnx"), "ab".repeat(32), dtype, "unit test");
    }

    static List<TensorLayout> layouts() {
        return List.of(TensorLayout.rows("hidden", TensorLayout.Unit.TOKEN, 2, 3),
                TensorLayout.maps("attn", "layer 0", HEADS));
    }

    /** The value of element {@code j} of token row {@code row}. */
    static float value(long row, int j) {
        return (float) (row * 0.5 + j * 0.125 - 1);
    }

    /** Example e has e % 3 + 2 tokens; writes examples [from, to). */
    static void writeExamples(StoreWriter w, int from, int to) throws IOException {
        for (int e = from; e < to; e++) {
            assertEquals(e, w.addExample("sentence " + e));
            int n = e % 3 + 2;
            float[] rows = new float[n * D];
            for (int p = 0; p < n; p++) {
                long row = w.tokens();
                w.addToken(p, 1000 + p, p == 0 ? "[CLS]" : "tok" + p);
                for (int j = 0; j < D; j++) rows[p * D + j] = value(row, j);
            }
            w.writeRows(0, rows, 0, n);
            float[] map = new float[HEADS * n * n];
            for (int i = 0; i < map.length; i++) map[i] = e + i / 1000f;
            w.writeMap(1, map, n, n);
        }
    }

    @Test
    void writtenRowsMapsAndProvenanceReadBack(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("store");
        try (StoreWriter w = StoreWriter.create(dir, header(DType.FLOAT32), layouts(), 0)) {
            writeExamples(w, 0, 4);
            w.commit();
            writeExamples(w, 4, 7);
            w.complete();
        }
        try (ActivationStore s = ActivationStore.open(dir)) {
            assertTrue(s.isComplete());
            assertEquals(7, s.examples());
            long tokens = 0;
            for (int e = 0; e < 7; e++) tokens += e % 3 + 2;
            assertEquals(tokens, s.tokens());
            StoredTensor hidden = s.first();
            assertEquals(tokens, hidden.rows());
            assertEquals(D, hidden.dim());
            assertArrayEquals(new int[] {2, 3}, hidden.layout().rowShape());
            for (long r = 0; r < tokens; r++) {
                float[] row = hidden.row(r);
                for (int j = 0; j < D; j++) assertEquals(value(r, j), row[j]);
            }
            assertEquals(3 * D * 4L, hidden.rows(2, 3).byteSize(), "a zero-copy slice of three rows");
            long[] seen = {0};
            hidden.rowSource(5).forEachBatch((data, n) -> {
                for (int r = 0; r < n; r++) for (int j = 0; j < D; j++) assertEquals(value(seen[0] + r, j), data[r * D + j]);
                seen[0] += n;
            });
            assertEquals(tokens, seen[0], "the statistics source streams every row once, in order");
            assertEquals(new RowProvenance(1, 0, 1000, "[CLS]"), s.token(2));
            assertEquals(new RowProvenance(1, 2, 1002, "tok2"), s.token(4));
            assertEquals("sentence 5", s.exampleName(5));
            assertEquals(4, s.exampleTokens(5));

            StoredTensor attn = s.tensor("attn").orElseThrow();
            assertTrue(attn.isAttention());
            assertEquals("layer 0", attn.layout().label());
            assertEquals(7, attn.rows());
            assertArrayEquals(new int[] {4, 4}, attn.mapSize(5));
            float[] map = attn.map(5);
            assertEquals(HEADS * 16, map.length);
            assertEquals(5 + 31 / 1000f, map[31]);
            assertEquals(new RowProvenance(5, -1, -1, "sentence 5"), s.source(attn, 5));
            assertEquals(HEADS * 16 * 4L, attn.mapSegment(5).byteSize());
        }
    }

    @Test
    void float16RoundTripsWithinAThousandth(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("half");
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        float[] values = new float[1000 * D];
        for (int i = 0; i < values.length; i++) {
            double mag = Math.pow(10, r.nextDouble(-2, 3));
            values[i] = (float) (r.nextBoolean() ? mag : -mag);
        }
        try (StoreWriter w = StoreWriter.create(dir, header(DType.FLOAT16),
                List.of(TensorLayout.rows("x", TensorLayout.Unit.EXAMPLE, D)), 0)) {
            for (int e = 0; e < 1000; e++) w.addExample(null);
            w.writeRows(0, values, 0, 1000);
            w.complete();
        }
        assertEquals(1000L * D * 2, Files.size(dir.resolve("t0.f16")), "two bytes a value");
        try (ActivationStore s = ActivationStore.open(dir)) {
            float[] back = s.first().read(0, 1000, new float[values.length]);
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], back[i], Math.abs(values[i]) * 1e-3, "value " + i);
            }
            assertNull(s.source(s.first(), 3).text());
        }
    }

    @Test
    void aStoppedCaptureIsIncompleteAndResumesFromItsLastCommit(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("store");
        StoreWriter w = StoreWriter.create(dir, header(DType.FLOAT32), layouts(), 0);
        writeExamples(w, 0, 3);
        w.commit();
        writeExamples(w, 3, 5); // never committed: the capture was cancelled here
        w.close();

        try (ActivationStore s = ActivationStore.open(dir)) {
            assertFalse(s.isComplete());
            assertEquals(3, s.examples());
            assertEquals(2 + 3 + 4, s.first().rows());
        }
        try (StoreWriter again = StoreWriter.resume(dir)) {
            assertEquals(3, again.committedExamples());
            assertEquals(9, again.tokens());
            writeExamples(again, 3, 7);
            again.complete();
        }
        try (ActivationStore s = ActivationStore.open(dir)) {
            assertTrue(s.isComplete());
            assertEquals(7, s.examples());
            for (long r = 0; r < s.tokens(); r++) assertEquals(value(r, 5), s.first().row(r)[5]);
            assertEquals(new RowProvenance(6, 0, 1000, "[CLS]"), s.token(s.exampleFirstToken(6)));
            assertArrayEquals(new int[] {3, 3}, s.tensor("attn").orElseThrow().mapSize(4));
        }
        var e = assertThrows(StoreException.class, () -> StoreWriter.resume(dir));
        assertTrue(e.getMessage().contains("complete"));
    }

    @Test
    void aFailureIsRecordedAndTheStoreCanBeDeleted(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("store");
        try (StoreWriter w = StoreWriter.create(dir, header(DType.FLOAT32), layouts(), 0)) {
            writeExamples(w, 0, 2);
            w.commit();
            writeExamples(w, 2, 3);
            w.fail("NaN in hidden at row 7");
        }
        try (ActivationStore s = ActivationStore.open(dir)) {
            assertFalse(s.isComplete());
            assertEquals("NaN in hidden at row 7", s.failure().orElseThrow());
            assertEquals(2, s.examples());
        }
        ActivationStore.delete(dir);
        assertFalse(Files.exists(dir));

        Path other = Files.createDirectories(tmp.resolve("not-a-store"));
        Files.writeString(other.resolve("notes.txt"), "keep me");
        assertThrows(StoreException.class, () -> ActivationStore.delete(other));
        assertTrue(Files.exists(other.resolve("notes.txt")));
        assertThrows(StoreException.class, () -> StoreWriter.create(other, header(DType.FLOAT32), layouts(), 0));
    }

    @Test
    void tooLittleDiskSpaceIsReportedBeforeWriting(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("huge");
        long need = StoreWriter.estimateBytes(1L << 40, 4096, DType.FLOAT32);
        var e = assertThrows(StoreException.class, () -> StoreWriter.create(dir, header(DType.FLOAT32), layouts(), need));
        assertTrue(e.diskFull());
        assertEquals(need, e.bytesNeeded());
        assertEquals(dir, e.path());
        assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains(dir.toString()), e.getMessage());
        assertFalse(ActivationStore.isStore(dir));
    }

    @Test
    void aFullDiskWhileWritingNamesTheFileAndTheBytes() throws Exception {
        Path full = Path.of("/dev/full");
        IOException enospc = assertThrows(IOException.class, () -> {
            try (FileChannel ch = FileChannel.open(full, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(4096));
            }
        });
        StoreException e = StoreException.whenWriting(Path.of("/data/store/t0.f16"), 123_456_789, enospc);
        assertTrue(e.diskFull());
        assertEquals(123_456_789, e.bytesNeeded());
        assertTrue(e.getMessage().contains("/data/store/t0.f16") && e.getMessage().contains("123 MB"), e.getMessage());
        assertFalse(StoreException.whenWriting(Path.of("x"), 1, new IOException("Input/output error")).diskFull());
    }
}
