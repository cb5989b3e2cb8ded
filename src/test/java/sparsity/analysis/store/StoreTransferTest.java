package sparsity.analysis.store;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreTransferTest {

    @Test
    void rowsGoInAndComeBackOutUnchanged(@TempDir Path tmp) throws Exception {
        int rows = 5000;
        int d = 3;
        float[] v = new float[rows * d];
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.cos(i * 0.01) * 7;
        Path in = tmp.resolve("acts.npy");
        Npy.write(in, v, rows, d);
        Path store = tmp.resolve("store");
        StoreTransfer.importNpy(in, store, "acts", ProgressListener.NONE);
        try (ActivationStore s = ActivationStore.open(store)) {
            assertTrue(s.isComplete());
            assertEquals(DType.FLOAT32, s.header().dtype());
            assertEquals("", s.header().modelSha256());
            assertTrue(s.header().source().startsWith("imported from acts.npy"));
            assertEquals(rows, s.first().rows());
            assertArrayEquals(v, s.first().read(0, rows, new float[v.length]));
            Path out = tmp.resolve("back.npy");
            StoreTransfer.exportNpy(s.first(), out, ProgressListener.NONE);
            try (NpyArray a = Npy.read(out)) {
                assertArrayEquals(new long[] {rows, d}, a.shape());
                float[] back = new float[v.length];
                a.readFloats(0, back);
                assertArrayEquals(v, back);
            }
        }
        Path ints = tmp.resolve("ints.npy");
        Npy.write(ints, new long[] {1, 2}, 2);
        var e = assertThrows(StoreException.class, () -> StoreTransfer.importNpy(ints, tmp.resolve("x"), "x", ProgressListener.NONE));
        assertTrue(e.getMessage().contains("int64"), e.getMessage());
    }

    @Test
    void attentionMapsGoOutZeroPaddedToTheLongestExample(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("store");
        try (StoreWriter w = StoreWriter.create(dir, StoreWriterTest.header(DType.FLOAT16), StoreWriterTest.layouts(), 0)) {
            StoreWriterTest.writeExamples(w, 0, 3); // 2, 3 and 4 tokens, 2 heads
            w.complete();
        }
        Path out = tmp.resolve("maps.npy");
        try (ActivationStore s = ActivationStore.open(dir)) {
            StoredTensor attn = s.tensor("attn").orElseThrow();
            StoreTransfer.exportNpy(attn, out, ProgressListener.NONE);
            try (NpyArray a = Npy.read(out)) {
                assertArrayEquals(new long[] {3, 2, 4, 4}, a.shape());
                float[] map1 = attn.map(1); // [2, 3, 3]
                for (int h = 0; h < 2; h++) {
                    for (int q = 0; q < 4; q++) {
                        for (int k = 0; k < 4; k++) {
                            float want = q < 3 && k < 3 ? map1[(h * 3 + q) * 3 + k] : 0f;
                            assertEquals(want, a.getFloat((((long) 1 * 2 + h) * 4 + q) * 4 + k), "h" + h + " q" + q + " k" + k);
                        }
                    }
                }
            }
        }
        assertTrue(Files.size(out) > 0);
    }
}
