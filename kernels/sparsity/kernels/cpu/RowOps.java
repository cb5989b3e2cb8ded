package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;

/**
 * Row and column statistics, normalization and attention-row helpers. Row operations split rows
 * among threads, column operations split column chunks; each output element is computed by one
 * thread in a fixed order, so results do not depend on the thread count. Sums are float vector
 * sums with four accumulators (column sums: float over blocks of 256 rows, then double).
 */
final class RowOps {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int ROW_BLOCK = 256;

    private RowOps() {
    }

    /** Row r as (segment, byte offset). */
    private static long off(FloatMatrix x, int r) {
        return 4L * r * x.stride();
    }

    private static FloatVector load(MemorySegment s, long o, int c, int n) {
        if (c + L <= n) return FloatVector.fromMemorySegment(S, s, o + 4L * c, NATIVE);
        return FloatVector.fromMemorySegment(S, s, o + 4L * c, NATIVE, S.indexInRange(c, n));
    }

    private static void store(FloatVector v, MemorySegment s, long o, int c, int n) {
        if (c + L <= n) v.intoMemorySegment(s, o + 4L * c, NATIVE);
        else v.intoMemorySegment(s, o + 4L * c, NATIVE, S.indexInRange(c, n));
    }

    /** sum over the row of (x - shift)^power, power 1 or 2 (masked lanes contribute 0). */
    static float rowSum(MemorySegment s, long o, int n, float shift, int power) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector sh = FloatVector.broadcast(S, shift);
        int c = 0;
        for (; c + 4 * L <= n; c += 4 * L) {
            FloatVector v0 = load(s, o, c, n).sub(sh), v1 = load(s, o, c + L, n).sub(sh);
            FloatVector v2 = load(s, o, c + 2 * L, n).sub(sh), v3 = load(s, o, c + 3 * L, n).sub(sh);
            if (power == 1) {
                a0 = a0.add(v0); a1 = a1.add(v1); a2 = a2.add(v2); a3 = a3.add(v3);
            } else {
                a0 = v0.fma(v0, a0); a1 = v1.fma(v1, a1); a2 = v2.fma(v2, a2); a3 = v3.fma(v3, a3);
            }
        }
        for (; c < n; c += L) {
            VectorMask<Float> m = S.indexInRange(c, n);
            FloatVector v = FloatVector.fromMemorySegment(S, s, o + 4L * c, NATIVE, m).sub(sh, m);
            v = FloatVector.zero(S).blend(v, m);
            a0 = power == 1 ? a0.add(v) : v.fma(v, a0);
        }
        return Lanes.sum(a0.add(a1).add(a2.add(a3)));
    }

    static void rowNorms(Parallel par, FloatMatrix x, FloatMatrix out) {
        Checks.columnOut(x, out);
        par.forRange(x.rows(), 64, (p, from, to) -> {
            for (int r = from; r < to; r++) {
                out.set(r, 0, (float) Math.sqrt(rowSum(x.segment(), off(x, r), x.cols(), 0f, 2)));
            }
        });
    }

    static void rowMeans(Parallel par, FloatMatrix x, FloatMatrix out) {
        Checks.columnOut(x, out);
        par.forRange(x.rows(), 64, (p, from, to) -> {
            for (int r = from; r < to; r++) out.set(r, 0, rowSum(x.segment(), off(x, r), x.cols(), 0f, 1) / x.cols());
        });
    }

    static void rowVariances(Parallel par, FloatMatrix x, FloatMatrix out) {
        Checks.columnOut(x, out);
        par.forRange(x.rows(), 64, (p, from, to) -> {
            for (int r = from; r < to; r++) {
                float mean = rowSum(x.segment(), off(x, r), x.cols(), 0f, 1) / x.cols();
                out.set(r, 0, rowSum(x.segment(), off(x, r), x.cols(), mean, 2) / x.cols());
            }
        });
    }

    /** Column sums of (x - shift)^power into double[]; shift may be null (0). */
    private static double[] colSums(Parallel par, FloatMatrix x, double[] shift, int power) {
        int n = x.cols();
        double[] sums = new double[n];
        par.forRange((n + L - 1) / L, 1, (p, from, to) -> {
            for (int c = from * L; c < Math.min(n, to * L); c += L) {
                FloatVector sh = FloatVector.zero(S);
                if (shift != null) {
                    float[] f = new float[L];
                    for (int j = 0; j < L && c + j < n; j++) f[j] = (float) shift[c + j];
                    sh = FloatVector.fromArray(S, f, 0);
                }
                double[] acc = new double[L];
                for (int r0 = 0; r0 < x.rows(); r0 += ROW_BLOCK) {
                    FloatVector a = FloatVector.zero(S);
                    for (int r = r0; r < Math.min(x.rows(), r0 + ROW_BLOCK); r++) {
                        FloatVector v = load(x.segment(), off(x, r), c, n).sub(sh);
                        a = power == 1 ? a.add(v) : v.fma(v, a);
                    }
                    float[] part = a.toArray();
                    for (int j = 0; j < L; j++) acc[j] += part[j];
                }
                for (int j = 0; j < L && c + j < n; j++) sums[c + j] = acc[j];
            }
        });
        return sums;
    }

    static void colSums(Parallel par, FloatMatrix x, FloatMatrix out) {
        Checks.rowOut(x, out);
        double[] s = colSums(par, x, null, 1);
        for (int c = 0; c < x.cols(); c++) out.set(0, c, (float) s[c]);
    }

    static void colMeans(Parallel par, FloatMatrix x, FloatMatrix out) {
        Checks.rowOut(x, out);
        double[] s = colSums(par, x, null, 1);
        for (int c = 0; c < x.cols(); c++) out.set(0, c, (float) (s[c] / x.rows()));
    }

    static void colVariances(Parallel par, FloatMatrix x, FloatMatrix out) {
        Checks.rowOut(x, out);
        double[] mean = colSums(par, x, null, 1);
        for (int c = 0; c < mean.length; c++) mean[c] /= x.rows();
        double[] s = colSums(par, x, mean, 2);
        for (int c = 0; c < x.cols(); c++) out.set(0, c, (float) (s[c] / x.rows()));
    }

    static void subtractRowVector(Parallel par, FloatMatrix x, FloatMatrix v, FloatMatrix out) {
        Checks.rowOut(x, v);
        Checks.sameShape(x, out, "out");
        int n = x.cols();
        float[] sub = v.toArray();
        par.forRange(x.rows(), 64, (p, from, to) -> {
            for (int r = from; r < to; r++) {
                long xo = off(x, r);
                long oo = off(out, r);
                for (int c = 0; c < n; c += L) {
                    VectorMask<Float> m = S.indexInRange(c, n);
                    FloatVector.fromMemorySegment(S, x.segment(), xo + 4L * c, NATIVE, m)
                            .sub(FloatVector.fromArray(S, sub, c, m))
                            .intoMemorySegment(out.segment(), oo + 4L * c, NATIVE, m);
                }
            }
        });
    }

    /**
     * out = x - v row by row, and the column sums of out and of its squares: float sums within
     * fixed blocks of 256 rows (by whichever thread), then the blocks in order in double, so the
     * result does not depend on the threads.
     */
    static void subtractRowVector(Parallel par, FloatMatrix x, FloatMatrix v, FloatMatrix out, FloatMatrix sums,
                                  FloatMatrix squares) {
        Checks.rowOut(x, v);
        Checks.sameShape(x, out, "out");
        Checks.rowOut(x, sums);
        Checks.rowOut(x, squares);
        int n = x.cols();
        int blocks = (x.rows() + ROW_BLOCK - 1) / ROW_BLOCK;
        float[] sub = v.toArray();
        float[][] part1 = new float[blocks][];
        float[][] part2 = new float[blocks][];
        par.forRange(blocks, 1, (p, from, to) -> {
            for (int blk = from; blk < to; blk++) {
                float[] s1 = new float[n];
                float[] s2 = new float[n];
                for (int r = blk * ROW_BLOCK, end = Math.min(x.rows(), r + ROW_BLOCK); r < end; r++) {
                    long xo = off(x, r);
                    long oo = off(out, r);
                    for (int c = 0; c < n; c += L) centerVector(x, out, xo, oo, c, n, sub, s1, s2);
                }
                part1[blk] = s1;
                part2[blk] = s2;
            }
        });
        for (int c = 0; c < n; c++) {
            double a = 0;
            double b = 0;
            for (int blk = 0; blk < blocks; blk++) {
                a += part1[blk][c];
                b += part2[blk][c];
            }
            sums.set(0, c, (float) a);
            squares.set(0, c, (float) b);
        }
    }

    /** One (masked) vector of columns at c: out = x - sub, s1 += out, s2 += out^2. */
    private static void centerVector(FloatMatrix x, FloatMatrix out, long xo, long oo, int c, int n, float[] sub, float[] s1,
                                     float[] s2) {
        VectorMask<Float> m = S.indexInRange(c, n);
        FloatVector t = FloatVector.fromMemorySegment(S, x.segment(), xo + 4L * c, NATIVE, m).sub(FloatVector.fromArray(S, sub, c, m));
        t.intoMemorySegment(out.segment(), oo + 4L * c, NATIVE, m);
        FloatVector.fromArray(S, s1, c, m).add(t).intoArray(s1, c, m);
        t.fma(t, FloatVector.fromArray(S, s2, c, m)).intoArray(s2, c, m);
    }

    static void squaredError(Parallel par, FloatMatrix y, FloatMatrix x, float scale, FloatMatrix g, FloatMatrix rowSse) {
        Checks.sameShape(y, x, "x");
        Checks.sameShape(y, g, "g");
        Checks.columnOut(y, rowSse);
        int n = y.cols();
        par.forRange(y.rows(), 16, (p, from, to) -> {
            MemorySegment ys = y.segment(), xs = x.segment(), gs = g.segment();
            FloatVector sc = FloatVector.broadcast(S, scale);
            for (int r = from; r < to; r++) {
                long yo = off(y, r), xo = off(x, r), go = off(g, r);
                FloatVector s0 = FloatVector.zero(S), s1 = s0;
                int c = 0;
                for (; c + 2 * L <= n; c += 2 * L) {
                    long cb = 4L * c;
                    FloatVector e0 = FloatVector.fromMemorySegment(S, ys, yo + cb, NATIVE)
                            .sub(FloatVector.fromMemorySegment(S, xs, xo + cb, NATIVE));
                    FloatVector e1 = FloatVector.fromMemorySegment(S, ys, yo + cb + 4L * L, NATIVE)
                            .sub(FloatVector.fromMemorySegment(S, xs, xo + cb + 4L * L, NATIVE));
                    s0 = e0.fma(e0, s0);
                    s1 = e1.fma(e1, s1);
                    e0.mul(sc).intoMemorySegment(gs, go + cb, NATIVE);
                    e1.mul(sc).intoMemorySegment(gs, go + cb + 4L * L, NATIVE);
                }
                for (; c < n; c += L) {
                    VectorMask<Float> m = S.indexInRange(c, n);
                    long cb = 4L * c;
                    FloatVector e = FloatVector.fromMemorySegment(S, ys, yo + cb, NATIVE, m)
                            .sub(FloatVector.fromMemorySegment(S, xs, xo + cb, NATIVE, m));
                    s0 = e.fma(e, s0);
                    e.mul(sc).intoMemorySegment(gs, go + cb, NATIVE, m);
                }
                rowSse.segment().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, r * rowSse.stride(), Lanes.sum(s0.add(s1)));
            }
        });
    }

    static void reluGradient(Parallel par, FloatMatrix g, FloatMatrix z) {
        Checks.sameShape(g, z, "z");
        int n = g.cols();
        par.forRange(g.rows(), 64, (p, from, to) -> {
            FloatVector zero = FloatVector.zero(S);
            for (int r = from; r < to; r++) {
                long go = off(g, r), zo = off(z, r);
                for (int c = 0; c < n; c += L) {
                    VectorMask<Float> m = S.indexInRange(c, n);
                    long cb = 4L * c;
                    VectorMask<Float> pos = FloatVector.fromMemorySegment(S, z.segment(), zo + cb, NATIVE, m)
                            .compare(VectorOperators.GT, 0f);
                    FloatVector.fromMemorySegment(S, g.segment(), go + cb, NATIVE, m).blend(zero, pos.not())
                            .intoMemorySegment(g.segment(), go + cb, NATIVE, m);
                }
            }
        });
    }

    static void standardizeRows(Parallel par, FloatMatrix x, float eps) {
        int n = x.cols();
        par.forRange(x.rows(), 64, (p, from, to) -> {
            for (int r = from; r < to; r++) {
                long o = off(x, r);
                float mean = rowSum(x.segment(), o, n, 0f, 1) / n;
                float inv = (float) (1 / Math.sqrt(rowSum(x.segment(), o, n, mean, 2) / n + (double) eps));
                for (int c = 0; c < n; c += L) store(load(x.segment(), o, c, n).sub(mean).mul(inv), x.segment(), o, c, n);
            }
        });
    }

    static void normalizeRows(Parallel par, FloatMatrix x, float eps) {
        par.forRange(x.rows(), 64, (p, from, to) -> {
            for (int r = from; r < to; r++) normalizeRow(x, r, eps);
        });
    }

    /** x[r, :] /= max(|x[r, :]|, eps). */
    static void normalizeRow(FloatMatrix x, int r, float eps) {
        int n = x.cols();
        long o = off(x, r);
        float norm = (float) Math.max(Math.sqrt(rowSum(x.segment(), o, n, 0f, 2)), eps);
        for (int c = 0; c < n; c += L) store(load(x.segment(), o, c, n).div(norm), x.segment(), o, c, n);
    }

    /** g[r, :] -= dot(g[r, :], w[r, :]) * w[r, :], rows whose dot is 0 untouched; the dot in float. */
    static void projectOutRows(Parallel par, FloatMatrix g, FloatMatrix w) {
        Checks.sameShape(g, w, "w");
        int n = g.cols();
        par.forRange(g.rows(), 64, (p, from, to) -> {
            MemorySegment gs = g.segment();
            MemorySegment ws = w.segment();
            for (int r = from; r < to; r++) projectOutRow(gs, off(g, r), ws, off(w, r), n);
        });
    }

    /** The n floats at go of gs less their dot with those at wo of ws times the latter; nothing when the dot is 0. */
    static void projectOutRow(MemorySegment gs, long go, MemorySegment ws, long wo, int n) {
        float dot = SparseOps.dot(gs, go, ws, wo, n);
        if (dot == 0) return;
        FloatVector f = FloatVector.broadcast(S, dot);
        for (int c = 0; c < n; c += L) store(load(gs, go, c, n).sub(load(ws, wo, c, n).mul(f)), gs, go, c, n);
    }

    static void softmaxRows(Parallel par, FloatMatrix x) {
        int n = x.cols();
        par.forRange(x.rows(), 16, (p, from, to) -> {
            for (int r = from; r < to; r++) {
                long o = off(x, r);
                MemorySegment s = x.segment();
                FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                boolean bad = false;
                for (int c = 0; c < n; c += L) {
                    VectorMask<Float> m = S.indexInRange(c, n);
                    FloatVector v = FloatVector.fromMemorySegment(S, s, o + 4L * c, NATIVE, m);
                    bad |= v.test(VectorOperators.IS_NAN, m).anyTrue()
                            || v.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY, m).anyTrue();
                    mx = mx.max(FloatVector.broadcast(S, Float.NEGATIVE_INFINITY).blend(v, m));
                }
                float max = mx.reduceLanes(VectorOperators.MAX);
                if (bad || max == Float.NEGATIVE_INFINITY) {
                    for (int c = 0; c < n; c += L) store(FloatVector.broadcast(S, Float.NaN), s, o, c, n);
                    continue;
                }
                // exp through StrictMath: the Vector API's EXP may use a different approximation
                // compiled than interpreted, and the same input must give the same bits in every run
                float total = 0;
                for (int c = 0; c < n; c++) {
                    float e = (float) StrictMath.exp(s.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, o + 4L * c) - max);
                    s.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, o + 4L * c, e);
                    total += e;
                }
                float inv = 1f / total;
                for (int c = 0; c < n; c += L) store(load(s, o, c, n).mul(inv), s, o, c, n);
            }
        });
    }

    static void rowEntropy(Parallel par, FloatMatrix p, FloatMatrix out) {
        Checks.columnOut(p, out);
        int n = p.cols();
        par.forRange(p.rows(), 16, (part, from, to) -> {
            for (int r = from; r < to; r++) {
                long o = off(p, r);
                // log through StrictMath, for the same reason as exp in softmaxRows
                float h = 0;
                for (int c = 0; c < n; c++) {
                    float v = p.segment().get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, o + 4L * c);
                    if (v != 0) h -= v * (float) StrictMath.log(v);
                }
                out.set(r, 0, h);
            }
        });
    }

    static void coverageCounts(Parallel par, FloatMatrix p, float tau, IntMatrix out) {
        IntMatrix.requireShape(out, p.rows(), 1, "out");
        par.forRange(p.rows(), 16, (part, from, to) -> {
            float[] row = new float[p.cols()];
            for (int r = from; r < to; r++) {
                p.copyRow(r, row, 0);
                Arrays.sort(row);
                out.set(r, 0, Checks.coverageOfSorted(row, row.length, tau));
            }
        });
    }

    static void topMass(Parallel par, FloatMatrix p, int m, FloatMatrix out) {
        Checks.columnOut(p, out);
        par.forRange(p.rows(), 16, (part, from, to) -> {
            float[] row = new float[p.cols()];
            for (int r = from; r < to; r++) {
                p.copyRow(r, row, 0);
                Arrays.sort(row);
                out.set(r, 0, Checks.topMassOfSorted(row, row.length, m));
            }
        });
    }
}
