package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;

/**
 * Single-precision C = alpha * op(A) * op(B) + beta * C, blocked and packed in the Goto/BLIS
 * way. For each NC-wide column block and KC-deep slice of K, op(B) is packed once into NR-wide
 * micro-panels shared by all threads (at most 768 x 1536 floats, 4.7 MB, so that it stays in a
 * shared L3); then threads claim MC-row blocks of C, pack
 * their op(A) rows into MR-tall micro-panels and run an MR x NR register tile (MR x 2 vectors of
 * FloatVector.SPECIES_PREFERRED, 16 accumulators) over every micro-panel pair. Transposes cost
 * nothing but the packing order.
 *
 * <p>Every element of C is computed by one thread, with K walked in the same KC slices in the
 * same order and the same kernel: results are bitwise identical whatever the thread count and
 * whichever thread claims which block.
 */
final class Gemm {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;
    static final int KC = 768;
    static final int MC = 4 * MR;
    /**
     * linearTopk's row blocks: twice as tall, so each packed B panel streams from L3 half as
     * often (its C block is consumed by the top-k right after, so it need not stay small).
     */
    static final int MC_TOPK = 2 * MC;
    static final int NC = Math.max(NR, (1536 / NR) * NR);
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    /** Per-thread buffers for packed A, the register tile and staging rows, reused across calls. */
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[MC_TOPK * KC], new float[MR * NR], new float[MR * KC + MC]});
    /** linearTopk's packed A for all row blocks, owned by the thread that called it. */
    private static final ThreadLocal<float[]> SHARED_A = ThreadLocal.withInitial(() -> new float[0]);
    /** The shared packed op(B) block, owned by the thread that called gemm. */
    private static final ThreadLocal<float[]> SHARED_B = ThreadLocal.withInitial(() -> new float[0]);

    private Gemm() {
    }

    static void gemm(Parallel par, boolean ta, boolean tb, float alpha, FloatMatrix a, FloatMatrix b,
                     float beta, FloatMatrix c) {
        int m = c.rows();
        int n = c.cols();
        int k = ta ? a.rows() : a.cols();
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            scale(c, beta);
            return;
        }
        if (m == 1) {
            vectorTimesMatrix(par, ta, tb, alpha, a, b, beta, c);
            return;
        }
        // tall enough blocks for each packed B micro-panel to be reused from cache, small enough
        // for about four blocks per thread
        int mcAll = Math.min(MC, Math.max(MR, ((m + 4 * par.threads() - 1) / (4 * par.threads()) + MR - 1) / MR * MR));
        int rowBlocks = (m + mcAll - 1) / mcAll;
        // K in equal slices of at most KC (a fixed function of K, so the rounding order is too)
        int slices = (k + KC - 1) / KC;
        int kcAll = Math.min(k, ((k + slices - 1) / slices + 7) / 8 * 8);
        int need = kcAll * ((Math.min(NC, n) + NR - 1) / NR) * NR;
        float[] bp = SHARED_B.get();
        if (bp.length < need) {
            bp = new float[need];
            SHARED_B.set(bp);
        }
        float[] packedB = bp;
        MemorySegment cs = c.segment();
        long ldc = c.stride();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int j0 = jc;
            for (int pc = 0; pc < k; pc += kcAll) {
                int kc = Math.min(kcAll, k - pc);
                int p0 = pc;
                float bt = pc == 0 ? beta : 1f;
                par.forRange((nc + NR - 1) / NR, 8, (slot, from, to) ->
                        packB(tb, b, p0, kc, j0, nc, from * NR, Math.min(nc, to * NR), packedB, 0));
                par.forEach(rowBlocks, (slot, from, to) -> {
                    float[][] buf = BUFFERS.get();
                    for (int blk = from; blk < to; blk++) {
                        int ic = blk * mcAll;
                        int mc = Math.min(mcAll, m - ic);
                        packA(ta, a, ic, mc, p0, kc, buf[0]);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            for (int ir = 0; ir < mc; ir += MR) {
                                int mr = Math.min(MR, mc - ir);
                                long cOff = 4L * ((ic + ir) * ldc + j0 + jr);
                                kernel(buf[0], ir * kc, packedB, jr * kc, kc, cs, cOff, 4L * ldc, mr, nr, alpha, bt, buf[1]);
                            }
                        }
                    }
                });
            }
        }
    }

    /**
     * A one-row product, c = alpha * a op(B) + beta * c: packing all of B into panels for one row
     * would cost more than the product. op(B) = B (K x N): threads take blocks of 4 vectors of
     * columns and walk the K rows of B in order (an fma per row); op(B) = B^T (N x K): threads take
     * columns, each a dot of a with a row of B. Each element by one thread in a fixed order.
     */
    private static void vectorTimesMatrix(Parallel par, boolean ta, boolean tb, float alpha, FloatMatrix a, FloatMatrix b,
                                          float beta, FloatMatrix c) {
        int n = c.cols();
        int k = ta ? a.rows() : a.cols();
        float[] av = new float[k];
        for (int p = 0; p < k; p++) av[p] = ta ? a.get(p, 0) : a.get(0, p);
        MemorySegment cs = c.segment();
        if (tb) {
            MemorySegment as = MemorySegment.ofArray(av);
            par.forRange(n, 64, (slot, from, to) -> {
                for (int j = from; j < to; j++) {
                    float v = alpha * SparseOps.dot(as, 0, b.segment(), 4L * j * b.stride(), k);
                    float old = beta == 0f ? 0f : cs.getAtIndex(F, j);
                    cs.setAtIndex(F, j, beta == 0f ? v : beta * old + v);
                }
            });
            return;
        }
        int blocks = (n + 4 * L - 1) / (4 * L);
        par.forRange(blocks, 1, (slot, from, to) -> {
            for (int blk = from; blk < to; blk++) {
                int c0 = blk * 4 * L;
                if (c0 + 4 * L <= n) {
                    columnsTimesVector4(av, b, c0, alpha, beta, cs);
                } else {
                    for (int cc = c0; cc < n; cc += L) columnsTimesVector(av, b, cc, n, alpha, beta, cs);
                }
            }
        });
    }

    /** Four full vectors of columns at c of {@link #vectorTimesMatrix} with op(B) = B, one walk over B's rows. */
    private static void columnsTimesVector4(float[] av, FloatMatrix b, int c, float alpha, float beta, MemorySegment cs) {
        MemorySegment bs = b.segment();
        long ldb = 4L * b.stride();
        long cb = 4L * c;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int p = 0; p < av.length; p++) {
            FloatVector x = FloatVector.broadcast(S, av[p]);
            long o = p * ldb + cb;
            a0 = FloatVector.fromMemorySegment(S, bs, o, NATIVE).fma(x, a0);
            a1 = FloatVector.fromMemorySegment(S, bs, o + 4L * L, NATIVE).fma(x, a1);
            a2 = FloatVector.fromMemorySegment(S, bs, o + 8L * L, NATIVE).fma(x, a2);
            a3 = FloatVector.fromMemorySegment(S, bs, o + 12L * L, NATIVE).fma(x, a3);
        }
        finishColumns(a0, cs, cb, alpha, beta);
        finishColumns(a1, cs, cb + 4L * L, alpha, beta);
        finishColumns(a2, cs, cb + 8L * L, alpha, beta);
        finishColumns(a3, cs, cb + 12L * L, alpha, beta);
    }

    private static void finishColumns(FloatVector acc, MemorySegment cs, long cb, float alpha, float beta) {
        if (alpha != 1f) acc = acc.mul(alpha);
        if (beta == 1f) acc = acc.add(FloatVector.fromMemorySegment(S, cs, cb, NATIVE));
        else if (beta != 0f) acc = FloatVector.fromMemorySegment(S, cs, cb, NATIVE).mul(beta).add(acc);
        acc.intoMemorySegment(cs, cb, NATIVE);
    }

    /** One (masked) vector of columns at c of {@link #vectorTimesMatrix} with op(B) = B. */
    private static void columnsTimesVector(float[] av, FloatMatrix b, int c, int n, float alpha, float beta, MemorySegment cs) {
        VectorMask<Float> m = S.indexInRange(c, n);
        MemorySegment bs = b.segment();
        long ldb = 4L * b.stride();
        long cb = 4L * c;
        FloatVector acc = FloatVector.zero(S);
        for (int p = 0; p < av.length; p++) {
            acc = FloatVector.fromMemorySegment(S, bs, p * ldb + cb, NATIVE, m).fma(FloatVector.broadcast(S, av[p]), acc);
        }
        if (alpha != 1f) acc = acc.mul(alpha);
        if (beta == 1f) acc = acc.add(FloatVector.fromMemorySegment(S, cs, cb, NATIVE, m));
        else if (beta != 0f) acc = FloatVector.fromMemorySegment(S, cs, cb, NATIVE, m).mul(beta).add(acc);
        acc.intoMemorySegment(cs, cb, NATIVE, m);
    }

    /** Per-thread scratch of {@link #linearTopk}: a C row block, candidate keys, group maxima of its rows. */
    private static final class TopkScratch {
        float[] c = new float[0];
        final TopK.Scratch topk = new TopK.Scratch();
        final float[] maxima = new float[MC_TOPK * TopK.GROUP_LANES];
    }

    private static final ThreadLocal<TopkScratch> TOPK_SCRATCH = ThreadLocal.withInitial(TopkScratch::new);

    /**
     * The row-wise top-k of P = A B^T + bias (A [M x K], B [N x K], bias [1 x N]) without storing P,
     * and the columns {@code keep} (ascending) of P copied into {@code kept}: the product of
     * {@link #gemm} (same K slices and register tile, so the same bits as gemm with C holding the
     * bias and beta = 1), but each thread finishes an MC x NC' block of P in a buffer
     * that stays in its cache and merges it into the running top-k of its rows
     * ({@link TopK#mergeChunk}) before the next. Needs K >= 1.
     */
    static void linearTopk(Parallel par, FloatMatrix a, FloatMatrix b, FloatMatrix bias, FloatMatrix values,
                           IntMatrix indices, int[] keep, FloatMatrix kept) {
        int m = a.rows();
        int k = a.cols();
        int n = b.rows();
        int topk = values.cols();
        if (m == 0 || topk == 0 && keep.length == 0) return;
        int mcAll = Math.min(MC_TOPK, Math.max(MR, ((m + 4 * par.threads() - 1) / (4 * par.threads()) + MR - 1) / MR * MR));
        int rowBlocks = (m + mcAll - 1) / mcAll;
        int slices = (k + KC - 1) / KC;
        int kcAll = Math.min(k, ((k + slices - 1) / slices + 7) / 8 * 8);
        // every K slice of a column block is packed at once, about KC x NC floats as in gemm: wider
        // blocks when K is short (fewer merges per row), narrower when it is long
        int ncAll = Math.max(NR, Math.min(2 * NC, KC * NC / k) / NR * NR);
        int ncPadMax = (Math.min(ncAll, n) + NR - 1) / NR * NR;
        int sliceStride = kcAll * ncPadMax;
        int need = slices * sliceStride;
        float[] bp = SHARED_B.get();
        if (bp.length < need) {
            bp = new float[need];
            SHARED_B.set(bp);
        }
        float[] packedB = bp;
        // with several column blocks every row block's A panels are packed once, up front
        boolean packOnce = n > ncAll;
        int panel = mcAll * kcAll;
        float[] packedA = null;
        if (packOnce) {
            long needA = (long) rowBlocks * slices * panel;
            float[] ap = SHARED_A.get();
            if (ap.length < needA) {
                ap = new float[Math.toIntExact(needA)];
                SHARED_A.set(ap);
            }
            float[] apf = ap;
            par.forEach(rowBlocks, (slot, from, to) -> {
                float[] tmp = BUFFERS.get()[0];
                for (int blk = from; blk < to; blk++) {
                    int ic = blk * mcAll;
                    int mc = Math.min(mcAll, m - ic);
                    for (int sl = 0; sl < slices; sl++) {
                        int pc = sl * kcAll;
                        int kc = Math.min(kcAll, k - pc);
                        packA(false, a, ic, mc, pc, kc, tmp);
                        System.arraycopy(tmp, 0, apf, (blk * slices + sl) * panel, (mc + MR - 1) / MR * MR * kc);
                    }
                }
            });
            packedA = apf;
        }
        float[] preA = packedA;
        float[] biasPad = new float[(n + NR - 1) / NR * NR];
        MemorySegment.copy(bias.segment(), F, 0, biasPad, 0, n);
        MemorySegment vs = values.segment();
        MemorySegment is = indices.segment();
        for (int jc = 0; jc < n; jc += ncAll) {
            int nc = Math.min(ncAll, n - jc);
            int ncPad = (nc + NR - 1) / NR * NR;
            int j0 = jc;
            par.forRange(ncPad / NR, 8, (slot, from, to) -> {
                for (int sl = 0; sl < slices; sl++) {
                    int pc = sl * kcAll;
                    packB(true, b, pc, Math.min(kcAll, k - pc), j0, nc, from * NR, Math.min(nc, to * NR), packedB, sl * sliceStride);
                }
            });
            int keepFrom = lowerBound(keep, jc);
            int keepTo = lowerBound(keep, jc + nc);
            par.forEach(rowBlocks, (slot, from, to) -> {
                float[][] buf = BUFFERS.get();
                TopkScratch sc = TOPK_SCRATCH.get();
                if (sc.c.length < mcAll * ncPad) sc.c = new float[mcAll * ncPad];
                sc.topk.ensure(nc, topk);
                float[] cb = sc.c;
                float[] mx = sc.maxima;
                for (int blk = from; blk < to; blk++) {
                    int ic = blk * mcAll;
                    int mc = Math.min(mcAll, m - ic);
                    for (int sl = 0; sl < slices; sl++) {
                        int pc = sl * kcAll;
                        int kc = Math.min(kcAll, k - pc);
                        boolean last = sl == slices - 1;
                        if (last) java.util.Arrays.fill(mx, Float.NEGATIVE_INFINITY);
                        float[] ap = buf[0];
                        int ao = 0;
                        if (preA != null) {
                            ap = preA;
                            ao = (blk * slices + sl) * panel;
                        } else {
                            packA(false, a, ic, mc, pc, kc, ap);
                        }
                        for (int jr = 0; jr < nc; jr += NR) {
                            for (int ir = 0; ir < mc; ir += MR) {
                                tile(ap, ao + ir * kc, packedB, sl * sliceStride + jr * kc, kc, buf[1]);
                                if (last) {
                                    finish(buf[1], cb, ir * ncPad + jr, ncPad, sl == 0 ? biasPad : null, j0 + jr, mx,
                                            ir * TopK.GROUP_LANES + jr / L % TopK.GROUPS * L, Math.min(NR, nc - jr));
                                } else {
                                    accumulate(buf[1], cb, ir * ncPad + jr, ncPad, sl == 0 ? biasPad : null, j0 + jr);
                                }
                            }
                        }
                    }
                    for (int i = 0; i < mc; i++) {
                        int r = ic + i;
                        if (topk > 0) {
                            TopK.mergeChunk(cb, i * ncPad, nc, j0, topk, vs, r * values.stride(), is, r * indices.stride(),
                                    sc.topk, mx, i * TopK.GROUP_LANES);
                        }
                        for (int t = keepFrom; t < keepTo; t++) kept.set(r, t, cb[i * ncPad + keep[t] - j0]);
                    }
                }
            });
        }
    }

    /** First position of a sorted array holding a value >= v. */
    private static int lowerBound(int[] sorted, int v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /**
     * Adds the MR x NR tile t to the block c at co (row stride ldc): onto bias[bo, bo + NR) for the
     * first K slice (C = tile + bias, as gemm adds a tile to C), else onto c itself.
     */
    private static void accumulate(float[] t, float[] c, int co, int ldc, float[] bias, int bo) {
        if (bias != null) {
            FloatVector b0 = FloatVector.fromArray(S, bias, bo);
            FloatVector b1 = FloatVector.fromArray(S, bias, bo + L);
            for (int i = 0; i < MR; i++) {
                int o = co + i * ldc;
                FloatVector.fromArray(S, t, i * NR).add(b0).intoArray(c, o);
                FloatVector.fromArray(S, t, i * NR + L).add(b1).intoArray(c, o + L);
            }
        } else {
            for (int i = 0; i < MR; i++) {
                int o = co + i * ldc;
                FloatVector.fromArray(S, t, i * NR).add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
                FloatVector.fromArray(S, t, i * NR + L).add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            }
        }
    }

    /**
     * The last K slice of a tile: as {@link #accumulate}, and the group maxima of each row updated
     * with its final values: row i of the tile has 4L groups at mx[mo + i * 4L, ...); this tile's
     * two vectors go to the groups at mo and mo + L (vector v of a row belongs to group v mod 4,
     * as in TopK). Only the first {@code valid} columns of the tile belong to the row.
     */
    private static void finish(float[] t, float[] c, int co, int ldc, float[] bias, int bo, float[] mx, int mo, int valid) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        VectorMask<Float> k0 = S.indexInRange(0, valid);
        VectorMask<Float> k1 = S.indexInRange(L, valid);
        boolean full = valid == NR;
        for (int i = 0; i < MR; i++) {
            int o = co + i * ldc;
            FloatVector v0 = FloatVector.fromArray(S, t, i * NR);
            FloatVector v1 = FloatVector.fromArray(S, t, i * NR + L);
            if (bias != null) {
                v0 = v0.add(FloatVector.fromArray(S, bias, bo));
                v1 = v1.add(FloatVector.fromArray(S, bias, bo + L));
            } else {
                v0 = v0.add(FloatVector.fromArray(S, c, o));
                v1 = v1.add(FloatVector.fromArray(S, c, o + L));
            }
            v0.intoArray(c, o);
            v1.intoArray(c, o + L);
            if (!full) {
                v0 = ninf.blend(v0, k0);
                v1 = ninf.blend(v1, k1);
            }
            int g = mo + i * TopK.GROUP_LANES;
            FloatVector.fromArray(S, mx, g).max(v0).intoArray(mx, g);
            FloatVector.fromArray(S, mx, g + L).max(v1).intoArray(mx, g + L);
        }
    }

    /** op(A)[ic:ic+mc, pc:pc+kc] into MR-tall micro-panels: ap[ir*kc + p*MR + i], zero padded. */
    private static void packA(boolean ta, FloatMatrix a, int ic, int mc, int pc, int kc, float[] ap) {
        MemorySegment s = a.segment();
        long lda = a.stride();
        float[] st = BUFFERS.get()[2];
        if (ta) {
            // op(A) rows are A's columns: stage A's row p (contiguous in i), deal it to the panels
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(s, F, 4L * ((pc + p) * lda + ic), st, 0, mc);
                for (int ir = 0; ir < mc; ir += MR) {
                    int mr = Math.min(MR, mc - ir);
                    int o = ir * kc + p * MR;
                    for (int i = 0; i < mr; i++) ap[o + i] = st[ir + i];
                }
            }
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (!ta) {
                // stage mr rows with bulk copies, then interleave them
                for (int i = 0; i < mr; i++) {
                    MemorySegment.copy(s, F, 4L * ((ic + ir + i) * lda + pc), st, i * kc, kc);
                }
                for (int p = 0; p < kc; p++) {
                    int o = base + p * MR;
                    for (int i = 0; i < mr; i++) ap[o + i] = st[i * kc + p];
                }
            }
            if (mr < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int i = mr; i < MR; i++) {
                        ap[base + p * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Columns [jFrom, jTo) (multiples of NR) of op(B)[pc:pc+kc, jc:jc+nc] into NR-wide
     * micro-panels: bp[bOff + jr*kc + p*NR + j], zero padded.
     */
    private static void packB(boolean tb, FloatMatrix b, int pc, int kc, int jc, int nc, int jFrom, int jTo, float[] bp,
                              int bOff) {
        MemorySegment s = b.segment();
        long ldb = b.stride();
        for (int jr = jFrom; jr < jTo; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = bOff + jr * kc;
            if (!tb) {
                VectorMask<Float> m0 = S.indexInRange(0, nr);
                VectorMask<Float> m1 = S.indexInRange(L, nr);
                for (int p = 0; p < kc; p++) {
                    long off = 4L * ((pc + p) * ldb + jc + jr);
                    int o = base + p * NR;
                    if (nr == NR) {
                        FloatVector.fromMemorySegment(S, s, off, NATIVE).intoArray(bp, o);
                        FloatVector.fromMemorySegment(S, s, off + 4L * L, NATIVE).intoArray(bp, o + L);
                    } else {
                        FloatVector.fromMemorySegment(S, s, off, NATIVE, m0).intoArray(bp, o);
                        FloatVector.fromMemorySegment(S, s, off + 4L * L, NATIVE, m1).intoArray(bp, o + L);
                    }
                }
            } else {
                float[] st = BUFFERS.get()[2];
                for (int j = 0; j < nr; j++) {
                    MemorySegment.copy(s, F, 4L * ((jc + jr + j) * ldb + pc), st, 0, kc);
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = st[p];
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /** The MR x NR register tile: C[0:mr, 0:nr] = alpha * Ap * Bp + beta * C (C not read when beta == 0). */
    private static void kernel(float[] a, int ao, float[] b, int bo, int kc, MemorySegment c, long cOff, long ldcB,
                               int mr, int nr, float alpha, float beta, float[] t) {
        tile(a, ao, b, bo, kc, t);
        update(t, c, cOff, ldcB, mr, nr, alpha, beta);
    }

    /** The MR x NR product of the micro-panels Ap and Bp into t[i*NR + j] (row-major). */
    private static void tile(float[] a, int ao, float[] b, int bo, int kc, float[] t) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[ao + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[ao + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[ao + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[ao + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[ao + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[ao + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[ao + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[ao + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ao += MR;
            bo += NR;
        }
        c00.intoArray(t, 0 * NR);
        c01.intoArray(t, 0 * NR + L);
        c10.intoArray(t, 1 * NR);
        c11.intoArray(t, 1 * NR + L);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + L);
        c40.intoArray(t, 4 * NR);
        c41.intoArray(t, 4 * NR + L);
        c50.intoArray(t, 5 * NR);
        c51.intoArray(t, 5 * NR + L);
        c60.intoArray(t, 6 * NR);
        c61.intoArray(t, 6 * NR + L);
        c70.intoArray(t, 7 * NR);
        c71.intoArray(t, 7 * NR + L);
    }

    /**
     * C[0:mr, 0:nr] = alpha * tile + beta * C from the MR x NR tile. A separate small loop (not
     * inlined into the kernel, so the kernel stays within C2's inlining budget and no vector is
     * ever boxed).
     */
    private static void update(float[] t, MemorySegment c, long cOff, long ldcB, int mr, int nr, float alpha, float beta) {
        VectorMask<Float> m0 = nr == NR ? null : S.indexInRange(0, nr);
        VectorMask<Float> m1 = nr == NR ? null : S.indexInRange(L, nr);
        for (int i = 0; i < mr; i++) {
            long off = cOff + i * ldcB;
            updateVector(t, i * NR, c, off, m0, alpha, beta);
            updateVector(t, i * NR + L, c, off + 4L * L, m1, alpha, beta);
        }
    }

    /**
     * One vector of {@link #update}: C = alpha * t + beta * C at off (lanes of mask m only, all when
     * m is null). Small on purpose: the JIT's first tier gives up on methods holding many vectors,
     * and one it gave up on can stay slow for the rest of the run.
     */
    private static void updateVector(float[] t, int to, MemorySegment c, long off, VectorMask<Float> m, float alpha, float beta) {
        FloatVector v = FloatVector.fromArray(S, t, to);
        if (alpha != 1f) v = v.mul(alpha);
        if (m == null) {
            if (beta == 1f) v = v.add(FloatVector.fromMemorySegment(S, c, off, NATIVE));
            else if (beta != 0f) v = FloatVector.fromMemorySegment(S, c, off, NATIVE).mul(beta).add(v);
            v.intoMemorySegment(c, off, NATIVE);
        } else {
            if (beta == 1f) v = v.add(FloatVector.fromMemorySegment(S, c, off, NATIVE, m));
            else if (beta != 0f) v = FloatVector.fromMemorySegment(S, c, off, NATIVE, m).mul(beta).add(v);
            v.intoMemorySegment(c, off, NATIVE, m);
        }
    }

    /** C = beta * C (C not read when beta == 0, so NaN there does not survive). */
    static void scale(FloatMatrix c, float beta) {
        if (beta == 1f) return;
        MemorySegment s = c.segment();
        for (int r = 0; r < c.rows(); r++) {
            long row = r * c.stride();
            for (int j = 0; j < c.cols(); j++) {
                s.setAtIndex(F, row + j, beta == 0f ? 0f : beta * s.getAtIndex(F, row + j));
            }
        }
    }
}
