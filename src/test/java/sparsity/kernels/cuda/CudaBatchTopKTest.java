package sparsity.kernels.cuda;

import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.ReferenceBackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The batch-wide top-k on the GPU (the radix select of {@code batch_topk.cu}, through
 * {@link CudaBackend#batchTopk}) against the scalar reference: exact agreement of the row offsets,
 * columns, values (bit for bit) and the threshold, on random shapes with many exact ties (values
 * on a coarse grid, so that the threshold's ties straddle rows), NaN (above +Inf), infinities and
 * signed zeros (-0.0 below +0.0), and totals from 1 to the whole matrix, each select twice (the
 * second from the hint that the first left, the hints of other matrices are wrong in either
 * direction); with the default room for
 * the candidates (the keys of the threshold's 11-bit bucket), with none (the select then reads the
 * matrix again for the last bits and the counts) and with room for 64. Skipped, with the reason,
 * where no CUDA GPU is present (CI).
 */
class CudaBatchTopKTest {

    static CudaBackend gpu;
    static final Backend REF = new ReferenceBackend();

    @BeforeAll
    static void gpu() {
        if (Cuda.available()) gpu = new CudaBackend(2);
    }

    @BeforeEach
    void needsAGpu() {
        Cuda.Availability a = Cuda.probe();
        Assumptions.assumeTrue(a.available(), () -> "no CUDA GPU here (" + a.reason() + "): GPU test skipped");
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    static void compare(MemoryScope s, FloatMatrix x, int total, String what) {
        int rows = x.rows();
        IntMatrix es = s.ints(1, rows + 1), as = s.ints(1, rows + 1);
        IntMatrix ec = s.ints(1, total), ac = s.ints(1, total);
        FloatMatrix ev = s.floats(1, total), av = s.floats(1, total);
        float et = REF.batchTopk(x, total, es, ec, ev);
        // twice: the second call starts from the hint that the first one left (its own threshold)
        for (String call : new String[] {"", " (again, with the hint)"}) {
            float at = gpu.batchTopk(x, total, as, ac, av);
            assertEquals(Float.floatToIntBits(et), Float.floatToIntBits(at), "threshold, " + what + call);
            assertArrayEquals(es.toArray(), as.toArray(), "row starts, " + what + call);
            assertArrayEquals(ec.toArray(), ac.toArray(), "columns, " + what + call);
            float[] e = ev.toArray(), a = av.toArray();
            for (int i = 0; i < total; i++) {
                assertEquals(Float.floatToIntBits(e[i]), Float.floatToIntBits(a[i]), "value " + i + ", " + what + call);
            }
        }
    }

    @Test
    void matchesTheReferenceOnRandomShapes() {
        try {
            for (long cap : new long[] {-1, 0, 64}) {
                gpu.batchSelect().candidateCapacity(cap);
                matchesOnRandomShapes(cap);
            }
        } finally {
            gpu.batchSelect().candidateCapacity(-1);
        }
    }

    private void matchesOnRandomShapes(long cap) {
        Random rnd = new Random(3);
        int[][] shapes = {{1, 1}, {1, 700}, {7, 1}, {37, 129}, {64, 512}, {300, 77}, {513, 1030}, {2048, 96}};
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : shapes) {
                int rows = sh[0], n = sh[1];
                for (int variant = 0; variant < 3; variant++) {
                    FloatMatrix x = s.floats(rows, n);
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < n; c++) {
                            float v = switch (variant) {
                                case 0 -> (float) rnd.nextGaussian();
                                // a coarse grid: thousands of exact ties, the threshold's among them
                                case 1 -> Math.round(rnd.nextGaussian() * 4) / 4f;
                                // mostly zeros of both signs, a few positive values, NaN and infinities
                                default -> {
                                    int t = rnd.nextInt(20);
                                    yield t < 8 ? 0f : t < 15 ? -0f : t < 17 ? rnd.nextFloat() : t == 17 ? Float.NaN
                                            : t == 18 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                                }
                            };
                            x.set(r, c, v);
                        }
                    }
                    long size = (long) rows * n;
                    for (long total : new long[] {1, Math.min(size, rows), Math.min(size, 4L * rows), Math.min(size, 32L * rows),
                            size / 2 + 1, size - 1, size}) {
                        if (total < 1) continue;
                        compare(s, x, (int) total, rows + " x " + n + " variant " + variant + " total " + total + " candidates " + cap);
                    }
                }
            }
        }
    }

    @Test
    void tiesGoToTheLowerRowThenColumn() {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix ones = s.floats(3, 5);
            ones.fill(1f);
            ones.set(2, 4, 2f);
            IntMatrix st = s.ints(1, 4), cl = s.ints(1, 7);
            FloatMatrix vl = s.floats(1, 7);
            assertEquals(1f, gpu.batchTopk(ones, 7, st, cl, vl));
            assertArrayEquals(new int[] {0, 5, 6, 7}, st.toArray());
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 0, 4}, cl.toArray());
        }
    }
}
