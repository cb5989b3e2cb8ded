package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import sparsity.kernels.Adam;
import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.Histogram;

/** Adam, histograms and quantiles: element-wise work split by rows. */
final class Elementwise {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private Elementwise() {
    }

    static void adam(Parallel par, FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam a, long step) {
        adam(par, param, grad, m, v, a, step, false, 0f);
    }

    /**
     * Adam, row by row; with {@code unit} each row is then divided by max(|row|, eps) while still in
     * cache: bitwise adam then RowOps.normalizeRows.
     */
    static void adam(Parallel par, FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam a, long step,
                     boolean unit, float eps) {
        Checks.sameShape(param, grad, "grad");
        Checks.sameShape(param, m, "m");
        Checks.sameShape(param, v, "v");
        Step st = Step.of(a, step);
        par.forRange(param.rows(), 16, (p, from, to) -> {
            for (int r = from; r < to; r++) {
                adamRow(param, r, grad.segment(), 4L * r * grad.stride(), m, v, st);
                if (unit) RowOps.normalizeRow(param, r, eps);
            }
        });
    }

    /**
     * RowOps.projectOutRows(grad, param) then adam with unit rows, row by row, the projected
     * gradient kept in registers (grad is left as it was): the same bits as that sequence.
     */
    static void adamProjectedUnitRows(Parallel par, FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam a,
                                      long step, float eps) {
        Checks.sameShape(param, grad, "grad");
        Checks.sameShape(param, m, "m");
        Checks.sameShape(param, v, "v");
        Step st = Step.of(a, step);
        par.forRange(param.rows(), 16, (p, from, to) -> {
            for (int r = from; r < to; r++) {
                long go = 4L * r * grad.stride();
                long po = 4L * r * param.stride();
                float dot = SparseOps.dot(grad.segment(), go, param.segment(), po, param.cols());
                if (dot == 0) adamRow(param, r, grad.segment(), go, m, v, st);
                else adamProjectedRow(param, r, grad.segment(), go, dot, m, v, st);
                RowOps.normalizeRow(param, r, eps);
            }
        });
    }

    /** adamRow with the gradient row g - dot * (param's row), taken as each vector is loaded. */
    private static void adamProjectedRow(FloatMatrix param, int r, MemorySegment gs, long go, float dot, FloatMatrix m,
                                         FloatMatrix v, Step st) {
        int n = param.cols();
        long po = 4L * r * param.stride();
        long mo = 4L * r * m.stride(), vo = 4L * r * v.stride();
        for (int c = 0; c < n; c += L) adamProjectedVector(param.segment(), gs, m.segment(), v.segment(), po, go, mo, vo, c, n, dot, st);
    }

    /** One (masked) vector of columns at c of {@link #adamProjectedRow}. */
    private static void adamProjectedVector(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs, long po,
                                            long go, long mo, long vo, int c, int n, float dot, Step st) {
        VectorMask<Float> k = S.indexInRange(c, n);
        long cb = 4L * c;
        float b1 = st.b1();
        float b2 = st.b2();
        FloatVector pp = FloatVector.fromMemorySegment(S, ps, po + cb, NATIVE, k);
        // as RowOps.projectOutRow: g - w * dot
        FloatVector g = FloatVector.fromMemorySegment(S, gs, go + cb, NATIVE, k).sub(pp.mul(FloatVector.broadcast(S, dot)));
        FloatVector mm = FloatVector.fromMemorySegment(S, ms, mo + cb, NATIVE, k).mul(b1).add(g.mul(1f - b1));
        FloatVector vv = FloatVector.fromMemorySegment(S, vs, vo + cb, NATIVE, k).mul(b2).add(g.mul(g).mul(1f - b2));
        mm.intoMemorySegment(ms, mo + cb, NATIVE, k);
        vv.intoMemorySegment(vs, vo + cb, NATIVE, k);
        FloatVector den = vv.mul(st.invC2()).sqrt().add(st.eps());
        pp.sub(mm.mul(st.stepSize()).div(den)).intoMemorySegment(ps, po + cb, NATIVE, k);
    }

    /** The constants of Adam step {@code step}: param -= stepSize * m / (sqrt(v * invC2) + eps). */
    record Step(float b1, float b2, float invC2, float stepSize, float eps) {
        static Step of(Adam a, long step) {
            if (step < 1) throw new IllegalArgumentException("step counts from 1, got " + step);
            float c1 = (float) (1 - Math.pow(a.beta1(), step));
            float c2 = (float) (1 - Math.pow(a.beta2(), step));
            return new Step(a.beta1(), a.beta2(), 1f / c2, a.lr() / c1, a.eps());
        }
    }

    /** Adam on row r of param (and of m, v), the gradient row at byte offset go of gs. */
    static void adamRow(FloatMatrix param, int r, MemorySegment gs, long go, FloatMatrix m, FloatMatrix v, Step st) {
        int n = param.cols();
        long po = 4L * r * param.stride();
        long mo = 4L * r * m.stride(), vo = 4L * r * v.stride();
        for (int c = 0; c < n; c += L) {
            adamVector(param.segment(), gs, m.segment(), v.segment(), po, go, mo, vo, c, n, st.b1(), st.b2(), st.invC2(),
                    st.stepSize(), st.eps());
        }
    }

    /** One (masked) vector of columns at c of an Adam step on one row (kept small for the JIT's first tier). */
    private static void adamVector(MemorySegment ps, MemorySegment gs, MemorySegment ms, MemorySegment vs, long po, long go,
                                   long mo, long vo, int c, int n, float b1, float b2, float invC2, float stepSize, float eps) {
        VectorMask<Float> k = S.indexInRange(c, n);
        long cb = 4L * c;
        FloatVector g = FloatVector.fromMemorySegment(S, gs, go + cb, NATIVE, k);
        FloatVector mm = FloatVector.fromMemorySegment(S, ms, mo + cb, NATIVE, k).mul(b1).add(g.mul(1f - b1));
        FloatVector vv = FloatVector.fromMemorySegment(S, vs, vo + cb, NATIVE, k).mul(b2).add(g.mul(g).mul(1f - b2));
        mm.intoMemorySegment(ms, mo + cb, NATIVE, k);
        vv.intoMemorySegment(vs, vo + cb, NATIVE, k);
        FloatVector den = vv.mul(invC2).sqrt().add(eps);
        FloatVector pp = FloatVector.fromMemorySegment(S, ps, po + cb, NATIVE, k);
        pp.sub(mm.mul(stepSize).div(den)).intoMemorySegment(ps, po + cb, NATIVE, k);
    }

    static Histogram histogram(Parallel par, FloatMatrix x, float lo, float hi, int bins) {
        Checks.histogram(lo, hi, bins);
        long[][] parts = new long[par.threads()][];
        par.forRange(x.rows(), 16, (p, from, to) -> {
            if (parts[p] == null) parts[p] = new long[bins + 3]; // bins, below, above, nan
            long[] h = parts[p];
            MemorySegment s = x.segment();
            for (int r = from; r < to; r++) {
                long base = r * x.stride();
                for (int c = 0; c < x.cols(); c++) {
                    float v = s.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, base + c);
                    if (v >= lo && v < hi) h[Histogram.binOf(v, lo, hi, bins)]++;
                    else if (v < lo) h[bins]++;
                    else if (v >= hi) h[bins + 1]++;
                    else h[bins + 2]++;
                }
            }
        });
        long[] sum = new long[bins + 3];
        for (long[] h : parts) {
            if (h == null) continue;
            for (int i = 0; i < sum.length; i++) sum[i] += h[i];
        }
        return new Histogram(lo, hi, Arrays.copyOf(sum, bins), sum[bins], sum[bins + 1], sum[bins + 2]);
    }

    static float[] quantiles(FloatMatrix x, double... q) {
        for (double v : q) Checks.quantile(v);
        float[] all = x.toArray();
        int n = 0;
        for (float v : all) if (!Float.isNaN(v)) all[n++] = v;
        Arrays.sort(all, 0, n);
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) out[i] = Checks.quantileOfSorted(all, n, q[i]);
        return out;
    }
}
