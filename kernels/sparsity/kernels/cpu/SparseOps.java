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

    static void outerAccumulate(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        Checks.sparse(idx, val, g, w);
        int n = w.rows();
        int k = idx.cols();
        // counting sort of the (b, j) slots by latent, stable: each latent's updates stay in batch order
        int[] start = new int[n + 1];
        for (int b = 0; b < idx.rows(); b++) {
            for (int j = 0; j < k; j++) {
                int i = Checks.slot(idx.segment().getAtIndex(I, b * idx.stride() + j), n);
                if (i >= 0) start[i + 1]++;
            }
        }
        for (int i = 0; i < n; i++) start[i + 1] += start[i];
        int[] fill = start.clone();
        int[] slots = new int[start[n]];
        for (int b = 0; b < idx.rows(); b++) {
            for (int j = 0; j < k; j++) {
                int i = idx.segment().getAtIndex(I, b * idx.stride() + j);
                if (i >= 0) slots[fill[i]++] = b * k + j;
            }
        }
        int d = w.cols();
        par.forRange(n, 16, (slot, from, to) -> {
            MemorySegment ws = w.segment();
            MemorySegment gs = g.segment();
            for (int i = from; i < to; i++) {
                long wo = 4L * i * w.stride();
                for (int e = start[i]; e < start[i + 1]; e++) {
                    int b = slots[e] / k;
                    float v = val.segment().getAtIndex(F, b * val.stride() + slots[e] % k);
                    axpy(v, gs, 4L * b * g.stride(), ws, wo, 0, d);
                }
            }
        });
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
