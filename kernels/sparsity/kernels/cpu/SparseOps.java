package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;

/**
 * Products where one side is k-sparse per row. Decode and row dots split the batch rows among
 * threads. The outer-product scatter-add first buckets the (row, slot) pairs by latent (a stable
 * counting sort), then splits the latents: each weight row is updated by one thread, in batch
 * order. scatterAddRows splits the destination's columns. Results never depend on the threads.
 */
final class SparseOps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    private SparseOps() {
    }

    static void decode(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix w, float beta, FloatMatrix out) {
        Checks.sparse(idx, val, out, w);
        int k = idx.cols();
        int d = out.cols();
        par.forRange(out.rows(), 16, (part, from, to) -> {
            long[] rowOff = new long[k];
            float[] coef = new float[k];
            MemorySegment ws = w.segment();
            MemorySegment os = out.segment();
            for (int b = from; b < to; b++) {
                int nz = gather(idx, val, b, w, rowOff, coef);
                long o = 4L * b * out.stride();
                int c = 0;
                for (; c + 4 * L <= d; c += 4 * L) {
                    long oc = o + 4L * c;
                    FloatVector a0 = init(os, oc, beta), a1 = init(os, oc + 4L * L, beta);
                    FloatVector a2 = init(os, oc + 8L * L, beta), a3 = init(os, oc + 12L * L, beta);
                    for (int j = 0; j < nz; j++) {
                        FloatVector v = FloatVector.broadcast(S, coef[j]);
                        long wo = rowOff[j] + 4L * c;
                        a0 = FloatVector.fromMemorySegment(S, ws, wo, NATIVE).fma(v, a0);
                        a1 = FloatVector.fromMemorySegment(S, ws, wo + 4L * L, NATIVE).fma(v, a1);
                        a2 = FloatVector.fromMemorySegment(S, ws, wo + 8L * L, NATIVE).fma(v, a2);
                        a3 = FloatVector.fromMemorySegment(S, ws, wo + 12L * L, NATIVE).fma(v, a3);
                    }
                    a0.intoMemorySegment(os, oc, NATIVE);
                    a1.intoMemorySegment(os, oc + 4L * L, NATIVE);
                    a2.intoMemorySegment(os, oc + 8L * L, NATIVE);
                    a3.intoMemorySegment(os, oc + 12L * L, NATIVE);
                }
                for (; c < d; c += L) {
                    VectorMask<Float> m = S.indexInRange(c, d);
                    long oc = o + 4L * c;
                    FloatVector a = beta == 0f ? FloatVector.zero(S)
                            : FloatVector.fromMemorySegment(S, os, oc, NATIVE, m).mul(beta);
                    for (int j = 0; j < nz; j++) {
                        a = FloatVector.fromMemorySegment(S, ws, rowOff[j] + 4L * c, NATIVE, m).fma(FloatVector.broadcast(S, coef[j]), a);
                    }
                    a.intoMemorySegment(os, oc, NATIVE, m);
                }
            }
        });
    }

    private static FloatVector init(MemorySegment os, long off, float beta) {
        if (beta == 0f) return FloatVector.zero(S);
        FloatVector v = FloatVector.fromMemorySegment(S, os, off, NATIVE);
        return beta == 1f ? v : v.mul(beta);
    }

    /** Byte offsets of the active rows of w and their coefficients for batch row b; returns the count. */
    private static int gather(IntMatrix idx, FloatMatrix val, int b, FloatMatrix w, long[] rowOff, float[] coef) {
        int nz = 0;
        long io = b * idx.stride();
        long vo = b * val.stride();
        for (int j = 0; j < idx.cols(); j++) {
            int i = Checks.slot(idx.segment().getAtIndex(I, io + j), w.rows());
            if (i < 0) continue;
            rowOff[nz] = 4L * i * w.stride();
            coef[nz++] = val.segment().getAtIndex(F, vo + j);
        }
        return nz;
    }

    /**
     * The (b, j) slots of a k-sparse matrix bucketed by latent (a stable counting sort, so each
     * latent's slots stay in batch order; the rows are counted and placed in fixed parts in
     * parallel, which changes nothing in the result): slots start[i] .. start[i+1] - 1 belong to
     * latent i; slot e has batch row row[e] and value coef[e] (and coef2[e], the value of a second
     * matrix of the same slots, when one was given).
     */
    record Buckets(int[] start, int[] row, float[] coef, float[] coef2) {
        /** Rows are counted and placed in this many fixed parts, in parallel. */
        private static final int PARTS = 8;

        static Buckets of(Parallel par, IntMatrix idx, FloatMatrix val, int n) {
            return of(par, idx, val, null, n);
        }

        /** As {@link #of(Parallel, IntMatrix, FloatMatrix, int)}, with the values of val2 (same shape) into coef2. */
        static Buckets of(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix val2, int n) {
            int k = idx.cols();
            int rows = idx.rows();
            MemorySegment is = idx.segment();
            MemorySegment vs = val.segment();
            int parts = Math.max(1, Math.min(PARTS, rows / 64));
            int[][] counts = new int[parts][];
            par.forRange(parts, 1, (slot, from, to) -> {
                for (int p = from; p < to; p++) {
                    int[] cnt = new int[n];
                    for (int b = p * rows / parts, end = (p + 1) * rows / parts; b < end; b++) {
                        long io = b * idx.stride();
                        for (int j = 0; j < k; j++) {
                            int i = Checks.slot(is.getAtIndex(I, io + j), n);
                            if (i >= 0) cnt[i]++;
                        }
                    }
                    counts[p] = cnt;
                }
            });
            // part p's slots of latent i go after those of the parts before it: batch order
            int[] start = new int[n + 1];
            for (int i = 0; i < n; i++) {
                int s = start[i];
                for (int p = 0; p < parts; p++) {
                    int c = counts[p][i];
                    counts[p][i] = s;
                    s += c;
                }
                start[i + 1] = s;
            }
            int[] row = new int[start[n]];
            float[] coef = new float[start[n]];
            float[] coef2 = val2 == null ? null : new float[start[n]];
            MemorySegment vs2 = val2 == null ? null : val2.segment();
            par.forRange(parts, 1, (slot, from, to) -> {
                for (int p = from; p < to; p++) {
                    int[] fill = counts[p];
                    for (int b = p * rows / parts, end = (p + 1) * rows / parts; b < end; b++) {
                        long io = b * idx.stride();
                        long vo = b * val.stride();
                        for (int j = 0; j < k; j++) {
                            int i = is.getAtIndex(I, io + j);
                            if (i < 0) continue;
                            int e = fill[i]++;
                            row[e] = b;
                            coef[e] = vs.getAtIndex(F, vo + j);
                            if (coef2 != null) coef2[e] = vs2.getAtIndex(F, b * val2.stride() + j);
                        }
                    }
                }
            });
            return new Buckets(start, row, coef, coef2);
        }
    }

    /** W[idx[b, j], :] += val[b, j] * G[b, :], each weight row by one thread, in batch order. */
    static void outerAccumulate(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        Checks.sparse(idx, val, g, w);
        outer(par, Buckets.of(par, idx, val, w.rows()), g, w, true, null);
    }

    /**
     * W[i, :] = sum over the slots (b, j) holding latent i of val[b, j] * G[b, :], in batch order
     * (rows no slot holds become 0): bitwise W.fill(0) then {@link #outerAccumulate}; and, when
     * valSums is not null, the sum of each latent's values, bitwise valSums.fill(0) then scatterAdd.
     */
    static void outerProduct(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix valSums) {
        Checks.sparse(idx, val, g, w);
        outer(par, Buckets.of(par, idx, val, w.rows()), g, w, false, valSums);
    }

    /**
     * {@link #outerProduct} of (val, g) into w, then of (val2, g2) into w2 with valSums2, from one
     * bucketing, in two passes over the latents (one pass doing both rows of each latent measured
     * slower: it gathers from both dense sides at once, 12.6 MB at d=384, B=4096, which with both
     * gradients written out strains a shared L3).
     */
    static void outerProducts(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix val2,
                              FloatMatrix g2, FloatMatrix w2, FloatMatrix valSums2) {
        Checks.sparse(idx, val, g, w);
        Checks.sparse(idx, val2, g2, w2);
        FloatMatrix.requireShape(w2, w.rows(), w2.cols(), "w2");
        FloatMatrix.requireShape(valSums2, 1, w.rows(), "valSums2");
        Buckets bk = Buckets.of(par, idx, val, val2, w.rows());
        par.forRange(w.rows(), 16, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                outerRow(bk.start()[i], bk.start()[i + 1], bk.row(), bk.coef(), g, w.segment(), 4L * i * w.stride(), w.cols(), false);
            }
        });
        par.forRange(w.rows(), 16, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                int e0 = bk.start()[i];
                int e1 = bk.start()[i + 1];
                outerRow(e0, e1, bk.row(), bk.coef2(), g2, w2.segment(), 4L * i * w2.stride(), w2.cols(), false);
                valSums2.segment().setAtIndex(F, i, sum(bk.coef2(), e0, e1));
            }
        });
    }

    /** v[from] + ... + v[to - 1] from 0, in order. */
    private static float sum(float[] v, int from, int to) {
        float s = 0f;
        for (int e = from; e < to; e++) s += v[e];
        return s;
    }

    /**
     * Each weight row summed in vector registers over its slots, 8 vectors of columns at a time:
     * acc = fma(G[b, c], v, acc) in batch order from W's row (accumulate) or from 0, the same
     * operations as one axpy per slot, without loading and storing the row for every slot.
     */
    private static void outer(Parallel par, Buckets bk, FloatMatrix g, FloatMatrix w, boolean accumulate, FloatMatrix valSums) {
        par.forRange(w.rows(), 16, (slot, from, to) -> {
            for (int i = from; i < to; i++) {
                outerRow(i, bk, g, w, accumulate);
                if (valSums != null) {
                    // as scatterAdd into zeros: from 0, in batch order
                    valSums.segment().setAtIndex(F, i, sum(bk.coef(), bk.start()[i], bk.start()[i + 1]));
                }
            }
        });
    }

    private static void outerRow(int i, Buckets bk, FloatMatrix g, FloatMatrix w, boolean accumulate) {
        outerRow(bk.start()[i], bk.start()[i + 1], bk.row(), bk.coef(), g, w.segment(), 4L * i * w.stride(), w.cols(), accumulate);
    }

    /**
     * The d floats at byte offset wo of ws (from 0, or from what they hold with accumulate) plus
     * coef[e] * G[rowOf[e], :] for the slots e0 .. e1 - 1, in that order, in vector registers.
     */
    static void outerRow(int e0, int e1, int[] rowOf, float[] coef, FloatMatrix g, MemorySegment ws, long wo, int d,
                         boolean accumulate) {
        MemorySegment gs = g.segment();
        long ldg = 4L * g.stride();
        int c = 0;
        for (; c + 8 * L <= d; c += 8 * L) outerChunk(gs, ldg, 4L * c, rowOf, coef, e0, e1, ws, wo + 4L * c, accumulate);
        for (; c < d; c += L) outerTail(gs, ldg, c, d, rowOf, coef, e0, e1, ws, wo, accumulate);
    }

    /** The one (masked) vector of columns at c of {@link #outerRow}. */
    private static void outerTail(MemorySegment gs, long ldg, int c, int d, int[] rowOf, float[] coef, int e0, int e1,
                                  MemorySegment ws, long wo, boolean accumulate) {
        VectorMask<Float> m = S.indexInRange(c, d);
        long cb = 4L * c;
        FloatVector a = accumulate ? FloatVector.fromMemorySegment(S, ws, wo + cb, NATIVE, m) : FloatVector.zero(S);
        for (int e = e0; e < e1; e++) {
            a = FloatVector.fromMemorySegment(S, gs, rowOf[e] * ldg + cb, NATIVE, m).fma(FloatVector.broadcast(S, coef[e]), a);
        }
        a.intoMemorySegment(ws, wo + cb, NATIVE, m);
    }

    /** 8 vectors of columns (byte offset cb) of the weight row at wo, over slots e0 .. e1 - 1. */
    private static void outerChunk(MemorySegment gs, long ldg, long cb, int[] rowOf, float[] coef, int e0, int e1,
                                   MemorySegment ws, long wo, boolean accumulate) {
        FloatVector a0, a1, a2, a3, a4, a5, a6, a7;
        if (accumulate) {
            a0 = FloatVector.fromMemorySegment(S, ws, wo, NATIVE);
            a1 = FloatVector.fromMemorySegment(S, ws, wo + 4L * L, NATIVE);
            a2 = FloatVector.fromMemorySegment(S, ws, wo + 8L * L, NATIVE);
            a3 = FloatVector.fromMemorySegment(S, ws, wo + 12L * L, NATIVE);
            a4 = FloatVector.fromMemorySegment(S, ws, wo + 16L * L, NATIVE);
            a5 = FloatVector.fromMemorySegment(S, ws, wo + 20L * L, NATIVE);
            a6 = FloatVector.fromMemorySegment(S, ws, wo + 24L * L, NATIVE);
            a7 = FloatVector.fromMemorySegment(S, ws, wo + 28L * L, NATIVE);
        } else {
            a0 = FloatVector.zero(S);
            a1 = a0;
            a2 = a0;
            a3 = a0;
            a4 = a0;
            a5 = a0;
            a6 = a0;
            a7 = a0;
        }
        for (int e = e0; e < e1; e++) {
            FloatVector v = FloatVector.broadcast(S, coef[e]);
            long go = rowOf[e] * ldg + cb;
            a0 = FloatVector.fromMemorySegment(S, gs, go, NATIVE).fma(v, a0);
            a1 = FloatVector.fromMemorySegment(S, gs, go + 4L * L, NATIVE).fma(v, a1);
            a2 = FloatVector.fromMemorySegment(S, gs, go + 8L * L, NATIVE).fma(v, a2);
            a3 = FloatVector.fromMemorySegment(S, gs, go + 12L * L, NATIVE).fma(v, a3);
            a4 = FloatVector.fromMemorySegment(S, gs, go + 16L * L, NATIVE).fma(v, a4);
            a5 = FloatVector.fromMemorySegment(S, gs, go + 20L * L, NATIVE).fma(v, a5);
            a6 = FloatVector.fromMemorySegment(S, gs, go + 24L * L, NATIVE).fma(v, a6);
            a7 = FloatVector.fromMemorySegment(S, gs, go + 28L * L, NATIVE).fma(v, a7);
        }
        a0.intoMemorySegment(ws, wo, NATIVE);
        a1.intoMemorySegment(ws, wo + 4L * L, NATIVE);
        a2.intoMemorySegment(ws, wo + 8L * L, NATIVE);
        a3.intoMemorySegment(ws, wo + 12L * L, NATIVE);
        a4.intoMemorySegment(ws, wo + 16L * L, NATIVE);
        a5.intoMemorySegment(ws, wo + 20L * L, NATIVE);
        a6.intoMemorySegment(ws, wo + 24L * L, NATIVE);
        a7.intoMemorySegment(ws, wo + 28L * L, NATIVE);
    }

    /**
     * The decoder with the gradient of a squared error, per row b: y = bias + sum_j val[b, j]
     * W[idx[b, j], :], e = y - x[b, :]; g[b, :] = scale * e, rowSse[b] = |e|^2, residual[b, :] = -e
     * (when not null), gval[b, j] = dot(g[b, :], W[idx[b, j], :]) where val[b, j] > 0, else 0. Rows
     * are split among threads; the dots read the gathered weight rows again while they are in L2
     * (dots interleaved with the decode, chunk by chunk, measured slower: the separate pass
     * streams each row front to back).
     */
    static void decodeLoss(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix w, FloatMatrix bias, FloatMatrix x,
                           float scale, FloatMatrix g, FloatMatrix gval, FloatMatrix rowSse, FloatMatrix residual) {
        int k = idx.cols();
        par.forRange(x.rows(), 16, (part, from, to) -> {
            long[] rowOff = new long[k];
            float[] coef = new float[k];
            int[] slotOf = new int[k];
            float[] sse = new float[4 * L];
            for (int b = from; b < to; b++) {
                decodeLossRow(b, idx, val, w, bias, x, scale, g, gval, rowSse, residual, rowOff, coef, slotOf, sse);
            }
        });
    }

    /**
     * One row of {@link #decodeLoss}, in chunks of 4 vectors (small methods: the JIT's first tier
     * gives up on one big loop body, which then runs interpreted until the last tier compiles it).
     */
    private static void decodeLossRow(int b, IntMatrix idx, FloatMatrix val, FloatMatrix w, FloatMatrix bias, FloatMatrix x,
                                      float scale, FloatMatrix g, FloatMatrix gval, FloatMatrix rowSse, FloatMatrix residual,
                                      long[] rowOff, float[] coef, int[] slotOf, float[] sse) {
        int k = idx.cols();
        int d = w.cols();
        int nz = 0;
        long io = b * idx.stride();
        long vo = b * val.stride();
        for (int j = 0; j < k; j++) {
            int i = Checks.slot(idx.segment().getAtIndex(I, io + j), w.rows());
            if (i < 0) continue;
            rowOff[nz] = 4L * i * w.stride();
            slotOf[nz] = j;
            coef[nz++] = val.segment().getAtIndex(F, vo + j);
        }
        long xo = 4L * b * x.stride();
        long go = 4L * b * g.stride();
        long ro = residual == null ? -1 : 4L * b * residual.stride();
        java.util.Arrays.fill(sse, 0f);
        int c = 0;
        for (; c + 4 * L <= d; c += 4 * L) {
            decodeChunk(4L * c, nz, rowOff, coef, w.segment(), bias.segment(), x.segment(), xo, scale, g.segment(), go,
                    residual == null ? null : residual.segment(), ro, sse);
        }
        for (; c < d; c += L) {
            decodeTail(c, d, nz, rowOff, coef, w.segment(), bias.segment(), x.segment(), xo, scale, g.segment(), go,
                    residual == null ? null : residual.segment(), ro, sse);
        }
        FloatVector s = FloatVector.fromArray(S, sse, 0).add(FloatVector.fromArray(S, sse, L))
                .add(FloatVector.fromArray(S, sse, 2 * L).add(FloatVector.fromArray(S, sse, 3 * L)));
        rowSse.segment().setAtIndex(F, b * rowSse.stride(), Lanes.sum(s));
        if (gval != null) slotDots(b, k, nz, rowOff, coef, slotOf, g, go, w, gval, sse);
    }

    /**
     * The latent gradients of row b: gval[b, slot] = dot(g row, W row) for the active slots (val > 0),
     * 0 elsewhere, two slots at a time (each vector of the row of g loaded once for both); rowOff,
     * coef, slotOf describe the row's nz non-empty slots (reordered here).
     */
    private static void slotDots(int b, int k, int nz, long[] rowOff, float[] coef, int[] slotOf, FloatMatrix g, long go,
                                 FloatMatrix w, FloatMatrix gval, float[] pair) {
        int d = w.cols();
        MemorySegment gs = g.segment();
        MemorySegment ws = w.segment();
        MemorySegment os = gval.segment();
        long oo = b * gval.stride();
        for (int j = 0; j < k; j++) os.setAtIndex(F, oo + j, 0f);
        int na = 0;
        for (int j = 0; j < nz; j++) {
            if (coef[j] > 0) {
                rowOff[na] = rowOff[j];
                slotOf[na++] = slotOf[j];
            }
        }
        int j = 0;
        for (; j + 2 <= na; j += 2) {
            dot2(gs, go, ws, rowOff[j], rowOff[j + 1], d, pair);
            os.setAtIndex(F, oo + slotOf[j], pair[0]);
            os.setAtIndex(F, oo + slotOf[j + 1], pair[1]);
        }
        for (; j < na; j++) os.setAtIndex(F, oo + slotOf[j], dot(gs, go, ws, rowOff[j], d));
    }

    /**
     * The dots of the row at go with the rows at w0 and w1 into out[0] and out[1] (two accumulators
     * each over alternate vectors, a masked tail into the first, a fixed lane sum).
     */
    private static void dot2(MemorySegment gs, long go, MemorySegment ws, long w0, long w1, int d, float[] out) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0;
        int c = 0;
        for (; c + 2 * L <= d; c += 2 * L) {
            long cb = 4L * c;
            FloatVector g0 = FloatVector.fromMemorySegment(S, gs, go + cb, NATIVE);
            FloatVector g1 = FloatVector.fromMemorySegment(S, gs, go + cb + 4L * L, NATIVE);
            a0 = FloatVector.fromMemorySegment(S, ws, w0 + cb, NATIVE).fma(g0, a0);
            a1 = FloatVector.fromMemorySegment(S, ws, w0 + cb + 4L * L, NATIVE).fma(g1, a1);
            b0 = FloatVector.fromMemorySegment(S, ws, w1 + cb, NATIVE).fma(g0, b0);
            b1 = FloatVector.fromMemorySegment(S, ws, w1 + cb + 4L * L, NATIVE).fma(g1, b1);
        }
        for (; c < d; c += L) {
            VectorMask<Float> m = S.indexInRange(c, d);
            long cb = 4L * c;
            FloatVector g0 = FloatVector.fromMemorySegment(S, gs, go + cb, NATIVE, m);
            a0 = FloatVector.fromMemorySegment(S, ws, w0 + cb, NATIVE, m).fma(g0, a0);
            b0 = FloatVector.fromMemorySegment(S, ws, w1 + cb, NATIVE, m).fma(g0, b0);
        }
        out[0] = Lanes.sum(a0.add(a1));
        out[1] = Lanes.sum(b0.add(b1));
    }

    /**
     * 4 vectors of columns (byte offset cb) of one row: y = bias + sum_j coef[j] W rows (fma in
     * slot order), e = y - x, sse[0, 4L) += e^2 (lane by lane), g = scale e, residual = -e.
     */
    private static void decodeChunk(long cb, int nz, long[] rowOff, float[] coef, MemorySegment ws, MemorySegment bs,
                                    MemorySegment xs, long xo, float scale, MemorySegment gs, long go, MemorySegment rs, long ro,
                                    float[] sse) {
        FloatVector a0 = FloatVector.fromMemorySegment(S, bs, cb, NATIVE);
        FloatVector a1 = FloatVector.fromMemorySegment(S, bs, cb + 4L * L, NATIVE);
        FloatVector a2 = FloatVector.fromMemorySegment(S, bs, cb + 8L * L, NATIVE);
        FloatVector a3 = FloatVector.fromMemorySegment(S, bs, cb + 12L * L, NATIVE);
        for (int j = 0; j < nz; j++) {
            FloatVector v = FloatVector.broadcast(S, coef[j]);
            long wo = rowOff[j] + cb;
            a0 = FloatVector.fromMemorySegment(S, ws, wo, NATIVE).fma(v, a0);
            a1 = FloatVector.fromMemorySegment(S, ws, wo + 4L * L, NATIVE).fma(v, a1);
            a2 = FloatVector.fromMemorySegment(S, ws, wo + 8L * L, NATIVE).fma(v, a2);
            a3 = FloatVector.fromMemorySegment(S, ws, wo + 12L * L, NATIVE).fma(v, a3);
        }
        a0 = a0.sub(FloatVector.fromMemorySegment(S, xs, xo + cb, NATIVE));
        a1 = a1.sub(FloatVector.fromMemorySegment(S, xs, xo + cb + 4L * L, NATIVE));
        a2 = a2.sub(FloatVector.fromMemorySegment(S, xs, xo + cb + 8L * L, NATIVE));
        a3 = a3.sub(FloatVector.fromMemorySegment(S, xs, xo + cb + 12L * L, NATIVE));
        a0.fma(a0, FloatVector.fromArray(S, sse, 0)).intoArray(sse, 0);
        a1.fma(a1, FloatVector.fromArray(S, sse, L)).intoArray(sse, L);
        a2.fma(a2, FloatVector.fromArray(S, sse, 2 * L)).intoArray(sse, 2 * L);
        a3.fma(a3, FloatVector.fromArray(S, sse, 3 * L)).intoArray(sse, 3 * L);
        if (rs != null) {
            a0.neg().intoMemorySegment(rs, ro + cb, NATIVE);
            a1.neg().intoMemorySegment(rs, ro + cb + 4L * L, NATIVE);
            a2.neg().intoMemorySegment(rs, ro + cb + 8L * L, NATIVE);
            a3.neg().intoMemorySegment(rs, ro + cb + 12L * L, NATIVE);
        }
        FloatVector sc = FloatVector.broadcast(S, scale);
        a0.mul(sc).intoMemorySegment(gs, go + cb, NATIVE);
        a1.mul(sc).intoMemorySegment(gs, go + cb + 4L * L, NATIVE);
        a2.mul(sc).intoMemorySegment(gs, go + cb + 8L * L, NATIVE);
        a3.mul(sc).intoMemorySegment(gs, go + cb + 12L * L, NATIVE);
    }

    /** {@link #decodeChunk} for the one (masked) vector of columns at c; its squares go to sse[0, L). */
    private static void decodeTail(int c, int d, int nz, long[] rowOff, float[] coef, MemorySegment ws, MemorySegment bs,
                                   MemorySegment xs, long xo, float scale, MemorySegment gs, long go, MemorySegment rs, long ro,
                                   float[] sse) {
        VectorMask<Float> m = S.indexInRange(c, d);
        long cb = 4L * c;
        FloatVector a = FloatVector.fromMemorySegment(S, bs, cb, NATIVE, m);
        for (int j = 0; j < nz; j++) {
            a = FloatVector.fromMemorySegment(S, ws, rowOff[j] + cb, NATIVE, m).fma(FloatVector.broadcast(S, coef[j]), a);
        }
        a = a.sub(FloatVector.fromMemorySegment(S, xs, xo + cb, NATIVE, m));
        a.fma(a, FloatVector.fromArray(S, sse, 0)).intoArray(sse, 0);
        if (rs != null) a.neg().intoMemorySegment(rs, ro + cb, NATIVE, m);
        a.mul(scale).intoMemorySegment(gs, go + cb, NATIVE, m);
    }

    /** y[c0:c1] = fma(a, x[c0:c1], y[c0:c1]) for two rows at byte offsets xo, yo. */
    static void axpy(float a, MemorySegment xs, long xo, MemorySegment ys, long yo, int c0, int c1) {
        FloatVector av = FloatVector.broadcast(S, a);
        int c = c0;
        for (; c + L <= c1; c += L) {
            FloatVector y = FloatVector.fromMemorySegment(S, ys, yo + 4L * c, NATIVE);
            FloatVector.fromMemorySegment(S, xs, xo + 4L * c, NATIVE).fma(av, y).intoMemorySegment(ys, yo + 4L * c, NATIVE);
        }
        if (c < c1) {
            VectorMask<Float> m = S.indexInRange(c, c1);
            FloatVector y = FloatVector.fromMemorySegment(S, ys, yo + 4L * c, NATIVE, m);
            FloatVector.fromMemorySegment(S, xs, xo + 4L * c, NATIVE, m).fma(av, y).intoMemorySegment(ys, yo + 4L * c, NATIVE, m);
        }
    }

    static void rowDots(Parallel par, IntMatrix idx, FloatMatrix g, FloatMatrix w, FloatMatrix out) {
        Checks.sparse(idx, out, g, w);
        int d = g.cols();
        par.forRange(idx.rows(), 16, (part, from, to) -> {
            for (int b = from; b < to; b++) {
                long go = 4L * b * g.stride();
                for (int j = 0; j < idx.cols(); j++) {
                    int i = Checks.slot(idx.segment().getAtIndex(I, b * idx.stride() + j), w.rows());
                    float dot = i < 0 ? 0f : dot(g.segment(), go, w.segment(), 4L * i * w.stride(), d);
                    out.segment().setAtIndex(F, b * out.stride() + j, dot);
                }
            }
        });
    }

    /** Dot product of two rows of n floats, four vector accumulators, masked tail. */
    static float dot(MemorySegment xs, long xo, MemorySegment ys, long yo, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int c = 0;
        for (; c + 4 * L <= n; c += 4 * L) {
            long o = 4L * c;
            a0 = FloatVector.fromMemorySegment(S, xs, xo + o, NATIVE).fma(FloatVector.fromMemorySegment(S, ys, yo + o, NATIVE), a0);
            a1 = FloatVector.fromMemorySegment(S, xs, xo + o + 4L * L, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, ys, yo + o + 4L * L, NATIVE), a1);
            a2 = FloatVector.fromMemorySegment(S, xs, xo + o + 8L * L, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, ys, yo + o + 8L * L, NATIVE), a2);
            a3 = FloatVector.fromMemorySegment(S, xs, xo + o + 12L * L, NATIVE)
                    .fma(FloatVector.fromMemorySegment(S, ys, yo + o + 12L * L, NATIVE), a3);
        }
        for (; c < n; c += L) {
            VectorMask<Float> m = S.indexInRange(c, n);
            a0 = FloatVector.fromMemorySegment(S, xs, xo + 4L * c, NATIVE, m)
                    .fma(FloatVector.fromMemorySegment(S, ys, yo + 4L * c, NATIVE, m), a0);
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    static void scatterAdd(IntMatrix idx, FloatMatrix val, FloatMatrix dst) {
        FloatMatrix.requireShape(val, idx.rows(), idx.cols(), "val");
        FloatMatrix.requireShape(dst, 1, dst.cols(), "dst");
        MemorySegment ds = dst.segment();
        for (int b = 0; b < idx.rows(); b++) {
            for (int j = 0; j < idx.cols(); j++) {
                int i = Checks.slot(idx.segment().getAtIndex(I, b * idx.stride() + j), dst.cols());
                if (i >= 0) ds.setAtIndex(F, i, ds.getAtIndex(F, i) + val.segment().getAtIndex(F, b * val.stride() + j));
            }
        }
    }

    static void scatterAddRows(Parallel par, IntMatrix idx, FloatMatrix src, FloatMatrix dst) {
        IntMatrix.requireShape(idx, 1, src.rows(), "idx");
        FloatMatrix.requireShape(src, src.rows(), dst.cols(), "src");
        for (int r = 0; r < src.rows(); r++) Checks.slot(idx.get(0, r), dst.rows());
        int d = dst.cols();
        par.forRange((d + L - 1) / L, 4, (part, from, to) -> {
            int c0 = from * L;
            int c1 = Math.min(d, to * L);
            for (int r = 0; r < src.rows(); r++) {
                int i = idx.segment().getAtIndex(I, r);
                if (i < 0) continue;
                long so = 4L * r * src.stride();
                long dofs = 4L * i * dst.stride();
                int c = c0;
                for (; c + L <= c1; c += L) {
                    FloatVector.fromMemorySegment(S, dst.segment(), dofs + 4L * c, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, src.segment(), so + 4L * c, NATIVE))
                            .intoMemorySegment(dst.segment(), dofs + 4L * c, NATIVE);
                }
                if (c < c1) {
                    VectorMask<Float> m = S.indexInRange(c, c1);
                    FloatVector.fromMemorySegment(S, dst.segment(), dofs + 4L * c, NATIVE, m)
                            .add(FloatVector.fromMemorySegment(S, src.segment(), so + 4L * c, NATIVE, m))
                            .intoMemorySegment(dst.segment(), dofs + 4L * c, NATIVE, m);
                }
            }
        });
    }
}
