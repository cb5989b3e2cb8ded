package sparsity.analysis.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShuffledBatchesTest {

    static final int ROWS = 10_007;
    static final int D = 8;

    @TempDir
    static Path tmp;
    static Path dir;

    @BeforeAll
    static void write() throws Exception {
        dir = tmp.resolve("store");
        try (StoreWriter w = StoreWriter.create(dir, StoreWriterTest.header(DType.FLOAT16),
                List.of(TensorLayout.rows("x", TensorLayout.Unit.EXAMPLE, D)), StoreWriter.estimateBytes(ROWS, D, DType.FLOAT16))) {
            float[] chunk = new float[1000 * D];
            for (int start = 0; start < ROWS; start += 1000) {
                int n = Math.min(1000, ROWS - start);
                for (int r = 0; r < n; r++) {
                    w.addExample(null);
                    for (int j = 0; j < D; j++) chunk[r * D + j] = (start + r) % 256 + j * 0.25f;
                }
                w.writeRows(0, chunk, 0, n);
                w.commit();
            }
            w.complete();
        }
    }

    static List<Long> order(ShuffledBatches b, int epoch) {
        List<Long> rows = new ArrayList<>();
        for (Iterator<ShuffledBatches.Batch> it = b.epoch(epoch); it.hasNext(); ) {
            ShuffledBatches.Batch batch = it.next();
            for (int i = 0; i < batch.rows(); i++) {
                long row = batch.rowIndices()[i];
                rows.add(row);
                for (int j = 0; j < D; j++) assertEquals(row % 256 + j * 0.25f, batch.data()[i * D + j], "row " + row);
            }
        }
        return rows;
    }

    @Test
    void everyRowOncePerEpochInASeededOrder() throws Exception {
        try (ActivationStore s = ActivationStore.open(dir)) {
            ShuffledBatches b = new ShuffledBatches(s.first(), 512, 42);
            assertEquals(20, b.batchesPerEpoch());
            List<Long> first = order(b, 0);
            assertEquals(ROWS, first.size());
            assertEquals(ROWS, first.stream().distinct().count(), "no row twice");
            assertEquals(ROWS - 1, first.stream().mapToLong(Long::longValue).max().orElseThrow());

            assertEquals(first, order(new ShuffledBatches(s.first(), 512, 42), 0), "same seed, same order");
            assertNotEquals(first, order(new ShuffledBatches(s.first(), 512, 43), 0), "another seed, another order");
            assertNotEquals(first, order(b, 1), "each epoch its own order");
            long inPlace = 0;
            for (int i = 0; i < ROWS; i++) if (first.get(i) == i) inPlace++;
            assertTrue(inPlace < ROWS / 100, "shuffled: " + inPlace + " rows kept their place");
            int last = 0;
            for (Iterator<ShuffledBatches.Batch> it = b.epoch(0); it.hasNext(); ) last = it.next().rows();
            assertEquals(ROWS % 512, last);
        }
    }
}
