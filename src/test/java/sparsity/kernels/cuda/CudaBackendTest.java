package sparsity.kernels.cuda;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sparsity.kernels.Adam;
import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.ReferenceBackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every operation the GPU backend runs on the GPU against the scalar reference, on random shapes
 * (odd sizes, strided views, empty slots, ties, NaN, signed zeros). Top-k must agree exactly (values,
 * order, ties to the lower index); sums to a stated tolerance, since the GPU adds in another order.
 * Skipped, with the reason, where no CUDA GPU is present (CI).
 */
class CudaBackendTest {

    static CudaBackend gpu;
    static final Backend REF = new ReferenceBackend();

    @BeforeAll
    static void gpu() {
        if (Cuda.available()) {
            gpu = new CudaBackend(2);
        }
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

    static FloatMatrix random(MemoryScope s, int rows, int cols, Random rnd) {
        FloatMatrix m = s.floats(rows, cols);
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) d[i] = (float) rnd.nextGaussian();
        m.copyFrom(d);
        return m;
    }

    static FloatMatrix strided(MemoryScope s, int rows, int cols, Random rnd) {
        return random(s, rows + 1, cols + 3, rnd).view(1, 2, rows, cols);
    }

    static void assertClose(FloatMatrix expected, FloatMatrix actual, double rel, double abs, String what) {
        float[] e = expected.toArray(), a = actual.toArray();
        assertEquals(e.length, a.length, what);
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i]) && Float.isNaN(a[i])) continue;
            if (!(Math.abs(e[i] - a[i]) <= abs + rel * Math.abs(e[i]))) {
                fail(what + ": element " + i + " expected " + e[i] + " got " + a[i]);
            }
        }
    }

    @Test
    void gemmAllTransposesAgainstTheReference() {
        Random rnd = new Random(1);
        int[][] shapes = {{1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {128, 257, 96}, {300, 64, 768}, {5, 1000, 2}};
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : shapes) {
                int m = sh[0], n = sh[1], k = sh[2];
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        FloatMatrix a = ta ? strided(s, k, m, rnd) : strided(s, m, k, rnd);
                        FloatMatrix b = tb ? random(s, n, k, rnd) : random(s, k, n, rnd);
                        FloatMatrix c0 = random(s, m, n, rnd);
                        FloatMatrix c1 = s.copyOf(c0);
                        REF.gemm(ta, tb, 0.5f, a, b, 0.25f, c0);
                        gpu.gemm(ta, tb, 0.5f, a, b, 0.25f, c1);
                        // fp32 sums of k products of N(0,1): error ~ sqrt(k) * eps * |terms|
                        assertClose(c0, c1, 1e-5, 1e-5 * Math.sqrt(k) * 4, "gemm " + m + "x" + n + "x" + k + " " + ta + tb);
                    }
                }
            }
        }
    }

    /** Java's float to bfloat16 bits, nearest with ties to even, NaN kept NaN (what f32_to_bf16 must do). */
    static short bf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) ((u >>> 16) | 0x40);
        return (short) ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16);
    }

    static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /**
     * The bf16 path of the trainer's encoder product: the rounding kernel bit for bit (ties,
     * NaN, infinities, subnormals, the largest finite values), then cuBLAS's bf16 product against
     * the reference product of the rounded inputs (fp32 accumulation: only the order of sums differs).
     */
    @Test
    void bf16RoundingAndProductAgainstTheReference() {
        CudaDevice dev = CudaDevice.get();
        CudaDevice.Module m = dev.module(java.util.List.of("topk.cu", "ops.cu"), java.util.Map.of("TK_THREADS", "512", "TK_CAP", "" + CudaTopKSae.TOPK_CAP));
        Random rnd = new Random(3);
        float[] special = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1.00390625f /* a tie: rounds to even (1.0) */, 1.01171875f /* a tie: up */,
                Float.intBitsToFloat(0x3f808000), Float.intBitsToFloat(0x3f818000), Float.intBitsToFloat(0x7f7fffff),
                Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0x00008000)};
        int count = 4099;
        float[] in = new float[count];
        for (int i = 0; i < count; i++) in[i] = i < special.length ? special[i] : (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
        try (MemoryScope s = MemoryScope.open(); CudaDevice.Stream st = dev.stream();
             DeviceBuffer din = dev.alloc(4L * count, "in"); DeviceBuffer dout = dev.alloc(2L * count, "out")) {
            FloatMatrix h = s.floats(1, count);
            h.copyFrom(in);
            dev.upload(din.ptr(), h.segment(), 4L * count);
            dev.launch(m.kernel("f32_to_bf16"), 7, 1, 128, 1, 0, st, din, dout, (long) count);
            st.synchronize();
            java.lang.foreign.MemorySegment back = java.lang.foreign.Arena.ofAuto().allocate(2L * count);
            dev.download(back, dout.ptr(), 2L * count);
            for (int i = 0; i < count; i++) {
                short got = back.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i);
                if (Float.isNaN(in[i])) assertTrue(Float.isNaN(fromBf16(got)), "NaN stays NaN at " + i);
                else assertEquals(bf16(in[i]), got, "bf16 of " + in[i] + " (element " + i + ")");
            }
        }
        int[][] shapes = {{7, 5, 3}, {64, 96, 48}, {300, 257, 768}, {4096, 512, 384}};
        try (MemoryScope s = MemoryScope.open(); CudaDevice.Stream st = dev.stream(); CudaDevice.Blas blas = dev.blas(st, false)) {
            for (int[] sh : shapes) {
                int rows = sh[0], n = sh[1], d = sh[2];
                FloatMatrix x = random(s, rows, d, rnd), w = random(s, n, d, rnd);
                FloatMatrix xr = s.floats(rows, d), wr = s.floats(n, d);
                float[] xa = x.toArray(), wa = w.toArray();
                for (int i = 0; i < xa.length; i++) xa[i] = fromBf16(bf16(xa[i]));
                for (int i = 0; i < wa.length; i++) wa[i] = fromBf16(bf16(wa[i]));
                xr.copyFrom(xa);
                wr.copyFrom(wa);
                FloatMatrix expected = s.floats(rows, n);
                REF.gemm(false, true, 1f, xr, wr, 0f, expected);
                try (DeviceBuffer dx = dev.alloc(4L * rows * d, "x"); DeviceBuffer dw = dev.alloc(4L * n * d, "w");
                     DeviceBuffer dx16 = dev.alloc(2L * rows * d, "x16"); DeviceBuffer dw16 = dev.alloc(2L * n * d, "w16");
                     DeviceBuffer dh = dev.alloc(4L * rows * n, "h")) {
                    dev.upload(dx.ptr(), x.segment(), 4L * rows * d);
                    dev.upload(dw.ptr(), w.segment(), 4L * n * d);
                    dev.launch(m.kernel("f32_to_bf16"), 64, 1, 256, 1, 0, st, dx, dx16, (long) rows * d);
                    dev.launch(m.kernel("f32_to_bf16"), 64, 1, 256, 1, 0, st, dw, dw16, (long) n * d);
                    blas.gemmBf16(false, true, rows, n, d, 1f, dx16.ptr(), d, dw16.ptr(), d, 0f, dh.ptr(), n);
                    st.synchronize();
                    FloatMatrix got = s.floats(rows, n);
                    dev.download(got.segment(), dh.ptr(), 4L * rows * n);
                    assertClose(expected, got, 1e-5, 1e-5 * Math.sqrt(d) * 4, "bf16 product " + rows + "x" + n + "x" + d);
                }
            }
        }
    }

    /** Rows with ties, NaN, +-0 and infinities; k over the fast path's limit; a constant row (the exact fallback). */
    @Test
    void topkRowsIsExactIncludingTiesAndNaN() {
        Random rnd = new Random(2);
        int[][] shapes = {{1, 1, 1}, {3, 10, 10}, {17, 33, 5}, {64, 24576, 32}, {8, 5000, 384}, {4, 3000, 700}, {5, 100000, 64},
                {2, 4096, 2048}};
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : shapes) {
                int rows = sh[0], n = sh[1], k = sh[2];
                FloatMatrix x = s.floats(rows, n);
                float[] d = new float[rows * n];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < n; c++) {
                        int kind = rnd.nextInt(100);
                        float v = (float) rnd.nextGaussian();
                        if (r % 4 == 1) v = Math.round(v * 4) / 4f;                 // many ties
                        if (r % 4 == 2 && kind < 3) v = Float.NaN;
                        if (r % 4 == 2 && kind == 3) v = -0f;
                        if (r % 4 == 2 && kind == 4) v = 0f;
                        if (r % 4 == 2 && kind == 5) v = Float.POSITIVE_INFINITY;
                        if (r % 4 == 2 && kind == 6) v = Float.NEGATIVE_INFINITY;
                        if (r % 4 == 3 && rows > 3) v = 1.5f;                        // constant row
                        d[r * n + c] = v;
                    }
                }
                x.copyFrom(d);
                FloatMatrix v0 = s.floats(rows, k), v1 = s.floats(rows, k);
                IntMatrix i0 = s.ints(rows, k), i1 = s.ints(rows, k);
                REF.topkRows(x, v0, i0);
                gpu.topkRows(x, v1, i1);
                String what = "topk " + rows + "x" + n + " k " + k;
                assertArrayEquals(i0.toArray(), i1.toArray(), what + " indices");
                float[] a = v0.toArray(), b = v1.toArray();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToIntBits(a[i]), Float.floatToIntBits(b[i]), what + " value " + i);
                }
            }
        }
    }

    /**
     * The trainer's top-k: keys cached in registers (1024 threads x 24, 512 x 32), b_enc added,
     * and over a list of columns (the dead latents), with padding when the list is shorter than k.
     */
    @Test
    void cachedTopkWithBiasAndColumnListIsExact() {
        CudaDevice dev = CudaDevice.get();
        Random rnd = new Random(5);
        int[][] configs = {{1024, 24, 24576}, {512, 32, 16384}, {512, 1, 300}};
        for (int[] cfg : configs) {
            int threads = cfg[0], n = cfg[2], rows = 9;
            CudaDevice.Module m = dev.module(java.util.List.of("topk.cu", "ops.cu"), java.util.Map.of("TK_THREADS", "" + threads,
                    "TK_CAP", "2048", "TK_CACHE", "" + cfg[1]));
            try (MemoryScope s = MemoryScope.open(); CudaDevice.Stream st = dev.stream()) {
                FloatMatrix x = random(s, rows, n, rnd);
                for (int c = 0; c < n; c += 7) x.set(3, c, 0.5f); // ties
                FloatMatrix bias = random(s, 1, n, rnd);
                int[] list = java.util.stream.IntStream.range(0, n).filter(c -> c % 3 != 1).toArray();
                for (int k : new int[] {1, 32, 384}) {
                    for (int[] cols : new int[][] {null, list, java.util.Arrays.copyOf(list, Math.min(list.length, k / 2 + 1))}) {
                        int m0 = cols == null ? n : cols.length;
                        int kk = Math.min(k, m0);
                        FloatMatrix g = s.floats(rows, m0);
                        for (int r = 0; r < rows; r++) {
                            for (int j = 0; j < m0; j++) {
                                int c = cols == null ? j : cols[j];
                                g.set(r, j, x.get(r, c) + bias.get(0, c));
                            }
                        }
                        FloatMatrix v0 = s.floats(rows, kk);
                        IntMatrix i0 = s.ints(rows, kk);
                        REF.topkRows(g, v0, i0);
                        try (DeviceBuffer dx = dev.alloc(4L * rows * n, "x"); DeviceBuffer db = dev.alloc(4L * n, "bias");
                             DeviceBuffer dc = dev.alloc(4L * n, "cols"); DeviceBuffer dm = dev.alloc(4, "count");
                             DeviceBuffer dv = dev.alloc(4L * rows * k, "vals"); DeviceBuffer di = dev.alloc(4L * rows * k, "idx")) {
                            dev.upload(dx.ptr(), x.segment(), 4L * rows * n);
                            dev.upload(db.ptr(), bias.segment(), 4L * n);
                            if (cols != null) {
                                IntMatrix cm = s.ints(1, cols.length, cols);
                                dev.upload(dc.ptr(), cm.segment(), 4L * cols.length);
                                dev.upload(dm.ptr(), s.ints(1, 1, cols.length).segment(), 4);
                            }
                            dev.launch(m.kernel("topk_rows"), rows, 1, threads, 1, 0, st, dx, (long) n, db,
                                    cols == null ? 0L : dc.ptr(), cols == null ? 0L : dm.ptr(), n, k, k, dv, di, 0L);
                            st.synchronize();
                            FloatMatrix v1 = s.floats(rows, k);
                            IntMatrix i1 = s.ints(rows, k);
                            dev.download(v1.segment(), dv.ptr(), 4L * rows * k);
                            dev.download(i1.segment(), di.ptr(), 4L * rows * k);
                            String what = "cached top-k, " + threads + " threads, n " + n + ", k " + k + ", "
                                    + (cols == null ? "all columns" : cols.length + " listed");
                            for (int r = 0; r < rows; r++) {
                                for (int j = 0; j < k; j++) {
                                    if (j < kk) {
                                        int want = cols == null ? i0.get(r, j) : cols[i0.get(r, j)];
                                        assertEquals(want, i1.get(r, j), what + " row " + r + " slot " + j);
                                        assertEquals(v0.get(r, j), v1.get(r, j), 0f, what);
                                    } else {
                                        assertEquals(-1, i1.get(r, j), what + " padding");
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void sparseProductsAgainstTheReference() {
        Random rnd = new Random(3);
        int[][] shapes = {{1, 1, 1, 1}, {5, 7, 3, 9}, {64, 300, 8, 33}, {200, 1000, 32, 768}, {37, 50, 50, 130}};
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : shapes) {
                int rows = sh[0], n = sh[1], k = sh[2], d = sh[3];
                IntMatrix idx = s.ints(rows, k);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < k; j++) idx.set(r, j, rnd.nextInt(10) == 0 ? -1 : rnd.nextInt(n));
                }
                FloatMatrix val = random(s, rows, k, rnd);
                FloatMatrix w = random(s, n, d, rnd);
                FloatMatrix g = random(s, rows, d, rnd);
                String what = rows + "x" + n + " k " + k + " d " + d;
                // decode, with beta 0 and 1
                for (float beta : new float[] {0f, 1f}) {
                    FloatMatrix o0 = random(s, rows, d, rnd);
                    FloatMatrix o1 = s.copyOf(o0);
                    REF.sparseDecode(idx, val, w, beta, o0);
                    gpu.sparseDecode(idx, val, w, beta, o1);
                    assertClose(o0, o1, 1e-5, 1e-5 * Math.sqrt(k) * 4, "sparseDecode " + what + " beta " + beta);
                }
                FloatMatrix w0 = s.copyOf(w), w1 = s.copyOf(w);
                REF.sparseOuterAccumulate(idx, val, g, w0);
                gpu.sparseOuterAccumulate(idx, val, g, w1);
                assertClose(w0, w1, 1e-5, 1e-4 * Math.sqrt(rows), "sparseOuterAccumulate " + what);
                FloatMatrix r0 = s.floats(rows, k), r1 = s.floats(rows, k);
                REF.sparseRowDots(idx, g, w, r0);
                gpu.sparseRowDots(idx, g, w, r1);
                assertClose(r0, r1, 1e-5, 1e-5 * Math.sqrt(d) * 4, "sparseRowDots " + what);
                FloatMatrix b0 = random(s, 1, n, rnd);
                FloatMatrix b1 = s.copyOf(b0);
                REF.scatterAdd(idx, val, b0);
                gpu.scatterAdd(idx, val, b1);
                assertClose(b0, b1, 1e-5, 1e-5 * Math.sqrt(rows) * 4, "scatterAdd " + what);
            }
        }
    }

    @Test
    void rowNormsNormalizeAndAdam() {
        Random rnd = new Random(4);
        try (MemoryScope s = MemoryScope.open()) {
            for (int[] sh : new int[][] {{1, 1}, {7, 33}, {300, 768}, {24576, 64}}) {
                FloatMatrix x = strided(s, sh[0], sh[1], rnd);
                FloatMatrix n0 = s.floats(sh[0], 1), n1 = s.floats(sh[0], 1);
                REF.rowNorms(x, n0);
                gpu.rowNorms(x, n1);
                assertClose(n0, n1, 1e-6, 0, "rowNorms " + Arrays.toString(sh));
                FloatMatrix a = s.copyOf(x), b = s.copyOf(x);
                a.set(0, 0, 0f);
                b.set(0, 0, 0f);
                REF.normalizeRows(a, 1e-30f);
                gpu.normalizeRows(b, 1e-30f);
                assertClose(a, b, 1e-6, 1e-7, "normalizeRows " + Arrays.toString(sh));
                FloatMatrix p0 = random(s, sh[0], sh[1], rnd), g = random(s, sh[0], sh[1], rnd);
                FloatMatrix m0 = random(s, sh[0], sh[1], rnd), v0 = random(s, sh[0], sh[1], rnd);
                float[] vv = v0.toArray();
                for (int i = 0; i < vv.length; i++) vv[i] = Math.abs(vv[i]);
                v0.copyFrom(vv);
                FloatMatrix p1 = s.copyOf(p0), m1 = s.copyOf(m0), v1 = s.copyOf(v0);
                Adam adam = new Adam(1e-3f, 0.9f, 0.999f, 6.25e-10f);
                for (long step = 1; step <= 3; step++) {
                    REF.adam(p0, g, m0, v0, adam, step);
                    gpu.adam(p1, g, m1, v1, adam, step);
                }
                assertClose(p0, p1, 1e-5, 1e-6, "adam param");
                assertClose(m0, m1, 1e-5, 1e-7, "adam m");
                assertClose(v0, v1, 1e-5, 1e-7, "adam v");
            }
        }
    }

    @Test
    void outOfMemorySaysHowMuchAndSuggestsASmallerBatch() {
        CudaDevice dev = CudaDevice.get();
        long tooMuch = dev.totalMemory() * 4;
        CudaException.OutOfMemory e = org.junit.jupiter.api.Assertions.assertThrows(CudaException.OutOfMemory.class,
                () -> dev.alloc(tooMuch, "a test buffer"));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("a test buffer") && e.getMessage().contains("smaller batch")
                && e.getMessage().contains("GiB"), e.getMessage());
        assertEquals(tooMuch, e.requested());
    }
}
