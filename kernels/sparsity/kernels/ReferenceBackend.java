package sparsity.kernels;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The scalar reference: the plainest loops that implement each operation's definition, with
 * double accumulation wherever a sum is formed. Single-threaded and slow on purpose; every other
 * backend is tested against it. Cholesky and triangular solves are in {@link ReferenceLinalg}.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public void gemm(boolean ta, boolean tb, float alpha, FloatMatrix a, FloatMatrix b, float beta, FloatMatrix c) {
        Checks.gemm(ta, tb, a, b, c);
        int k = ta ? a.rows() : a.cols();
        for (int i = 0; i < c.rows(); i++) {
            for (int j = 0; j < c.cols(); j++) {
                double acc = 0;
                if (alpha != 0f) {
                    for (int p = 0; p < k; p++) {
                        acc += (double) (ta ? a.get(p, i) : a.get(i, p)) * (tb ? b.get(j, p) : b.get(p, j));
                    }
                }
                double old = beta == 0f ? 0 : (double) beta * c.get(i, j);
                c.set(i, j, (float) (alpha * acc + old));
            }
        }
    }

    @Override
    public void topkRows(FloatMatrix x, FloatMatrix values, IntMatrix indices) {
        Checks.topk(x, values, indices);
        Integer[] order = new Integer[x.cols()];
        for (int r = 0; r < x.rows(); r++) {
            int row = r;
            for (int c = 0; c < order.length; c++) order[c] = c;
            Comparator<Integer> byRank = (c1, c2) -> {
                int byKey = Integer.compare(Checks.key(x.get(row, c2)), Checks.key(x.get(row, c1)));
                return byKey != 0 ? byKey : Integer.compare(c1, c2);
            };
            Arrays.sort(order, byRank);
            for (int j = 0; j < values.cols(); j++) {
                values.set(r, j, x.get(r, order[j]));
                indices.set(r, j, order[j]);
            }
        }
    }

    @Override
    public float batchTopk(FloatMatrix x, int total, IntMatrix rowStart, IntMatrix cols, FloatMatrix vals) {
        Checks.batchTopk(x, total, rowStart, cols, vals);
        int n = x.cols();
        long[] order = new long[Math.toIntExact(x.size())];
        for (int i = 0; i < order.length; i++) {
            // sort ascending by (-key, flat index): higher key first, lower index first
            order[i] = (long) ~Checks.key(x.get(i / n, i % n)) << 32 | i;
        }
        Arrays.sort(order);
        int[] kept = new int[total];
        for (int t = 0; t < total; t++) kept[t] = (int) order[t];
        Arrays.sort(kept);
        int t = 0;
        for (int r = 0; r < x.rows(); r++) {
            rowStart.set(0, r, t);
            while (t < total && kept[t] / n == r) {
                cols.set(0, t, kept[t] % n);
                vals.set(0, t, x.get(r, kept[t] % n));
                t++;
            }
        }
        rowStart.set(0, x.rows(), total);
        return total == 0 ? Float.NaN : x.get((int) order[total - 1] / n, (int) order[total - 1] % n);
    }

    @Override
    public void sparseDecode(IntMatrix idx, FloatMatrix val, FloatMatrix w, float beta, FloatMatrix out) {
        Checks.sparse(idx, val, out, w);
        for (int b = 0; b < out.rows(); b++) {
            for (int c = 0; c < out.cols(); c++) {
                double acc = beta == 0f ? 0 : (double) beta * out.get(b, c);
                for (int j = 0; j < idx.cols(); j++) {
                    int i = Checks.slot(idx.get(b, j), w.rows());
                    if (i >= 0) acc += (double) val.get(b, j) * w.get(i, c);
                }
                out.set(b, c, (float) acc);
            }
        }
    }

    @Override
    public void sparseOuterAccumulate(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        Checks.sparse(idx, val, g, w);
        for (int b = 0; b < g.rows(); b++) {
            for (int j = 0; j < idx.cols(); j++) {
                int i = Checks.slot(idx.get(b, j), w.rows());
                if (i < 0) continue;
                for (int c = 0; c < w.cols(); c++) {
                    w.set(i, c, (float) (w.get(i, c) + (double) val.get(b, j) * g.get(b, c)));
                }
            }
        }
    }

    @Override
    public void sparseRowDots(IntMatrix idx, FloatMatrix g, FloatMatrix w, FloatMatrix out) {
        Checks.sparse(idx, out, g, w);
        for (int b = 0; b < g.rows(); b++) {
            for (int j = 0; j < idx.cols(); j++) {
                int i = Checks.slot(idx.get(b, j), w.rows());
                double acc = 0;
                for (int c = 0; i >= 0 && c < g.cols(); c++) acc += (double) g.get(b, c) * w.get(i, c);
                out.set(b, j, (float) acc);
            }
        }
    }

    @Override
    public void scatterAdd(IntMatrix idx, FloatMatrix val, FloatMatrix dst) {
        FloatMatrix.requireShape(val, idx.rows(), idx.cols(), "val");
        FloatMatrix.requireShape(dst, 1, dst.cols(), "dst");
        for (int b = 0; b < idx.rows(); b++) {
            for (int j = 0; j < idx.cols(); j++) {
                int i = Checks.slot(idx.get(b, j), dst.cols());
                if (i >= 0) dst.set(0, i, dst.get(0, i) + val.get(b, j));
            }
        }
    }

    @Override
    public void scatterAddRows(IntMatrix idx, FloatMatrix src, FloatMatrix dst) {
        IntMatrix.requireShape(idx, 1, src.rows(), "idx");
        FloatMatrix.requireShape(src, src.rows(), dst.cols(), "src");
        for (int r = 0; r < src.rows(); r++) {
            int i = Checks.slot(idx.get(0, r), dst.rows());
            for (int c = 0; i >= 0 && c < dst.cols(); c++) dst.set(i, c, dst.get(i, c) + src.get(r, c));
        }
    }

    @Override
    public void rowNorms(FloatMatrix x, FloatMatrix out) {
        Checks.columnOut(x, out);
        for (int r = 0; r < x.rows(); r++) {
            double s = 0;
            for (int c = 0; c < x.cols(); c++) s += (double) x.get(r, c) * x.get(r, c);
            out.set(r, 0, (float) Math.sqrt(s));
        }
    }

    @Override
    public void rowMeans(FloatMatrix x, FloatMatrix out) {
        Checks.columnOut(x, out);
        for (int r = 0; r < x.rows(); r++) out.set(r, 0, (float) rowMean(x, r));
    }

    @Override
    public void rowVariances(FloatMatrix x, FloatMatrix out) {
        Checks.columnOut(x, out);
        for (int r = 0; r < x.rows(); r++) out.set(r, 0, (float) rowVar(x, r, rowMean(x, r)));
    }

    @Override
    public void colMeans(FloatMatrix x, FloatMatrix out) {
        Checks.rowOut(x, out);
        for (int c = 0; c < x.cols(); c++) out.set(0, c, (float) colMean(x, c));
    }

    @Override
    public void colVariances(FloatMatrix x, FloatMatrix out) {
        Checks.rowOut(x, out);
        for (int c = 0; c < x.cols(); c++) {
            double mean = colMean(x, c);
            double s = 0;
            for (int r = 0; r < x.rows(); r++) s += (x.get(r, c) - mean) * (x.get(r, c) - mean);
            out.set(0, c, (float) (s / x.rows()));
        }
    }

    @Override
    public void standardizeRows(FloatMatrix x, float eps) {
        for (int r = 0; r < x.rows(); r++) {
            double mean = rowMean(x, r);
            double inv = 1 / Math.sqrt(rowVar(x, r, mean) + eps);
            for (int c = 0; c < x.cols(); c++) x.set(r, c, (float) ((x.get(r, c) - mean) * inv));
        }
    }

    @Override
    public void normalizeRows(FloatMatrix x, float eps) {
        for (int r = 0; r < x.rows(); r++) {
            double s = 0;
            for (int c = 0; c < x.cols(); c++) s += (double) x.get(r, c) * x.get(r, c);
            double norm = Math.max(Math.sqrt(s), eps);
            for (int c = 0; c < x.cols(); c++) x.set(r, c, (float) (x.get(r, c) / norm));
        }
    }

    private static double rowMean(FloatMatrix x, int r) {
        double s = 0;
        for (int c = 0; c < x.cols(); c++) s += x.get(r, c);
        return s / x.cols();
    }

    private static double rowVar(FloatMatrix x, int r, double mean) {
        double s = 0;
        for (int c = 0; c < x.cols(); c++) s += (x.get(r, c) - mean) * (x.get(r, c) - mean);
        return s / x.cols();
    }

    private static double colMean(FloatMatrix x, int c) {
        double s = 0;
        for (int r = 0; r < x.rows(); r++) s += x.get(r, c);
        return s / x.rows();
    }

    @Override
    public void softmaxRows(FloatMatrix x) {
        for (int r = 0; r < x.rows(); r++) {
            float max = Float.NEGATIVE_INFINITY;
            boolean bad = false;
            for (int c = 0; c < x.cols(); c++) {
                float v = x.get(r, c);
                bad |= Float.isNaN(v) || v == Float.POSITIVE_INFINITY;
                max = Math.max(max, v);
            }
            if (bad || max == Float.NEGATIVE_INFINITY) {
                for (int c = 0; c < x.cols(); c++) x.set(r, c, Float.NaN);
                continue;
            }
            double sum = 0;
            for (int c = 0; c < x.cols(); c++) sum += Math.exp((double) x.get(r, c) - max);
            for (int c = 0; c < x.cols(); c++) x.set(r, c, (float) (Math.exp((double) x.get(r, c) - max) / sum));
        }
    }

    @Override
    public void rowEntropy(FloatMatrix p, FloatMatrix out) {
        Checks.columnOut(p, out);
        for (int r = 0; r < p.rows(); r++) {
            double h = 0;
            for (int c = 0; c < p.cols(); c++) {
                double v = p.get(r, c);
                if (v != 0) h -= v * Math.log(v);
            }
            out.set(r, 0, (float) h);
        }
    }

    @Override
    public void coverageCounts(FloatMatrix p, float tau, IntMatrix out) {
        IntMatrix.requireShape(out, p.rows(), 1, "out");
        for (int r = 0; r < p.rows(); r++) {
            float[] row = sortedRow(p, r);
            out.set(r, 0, Checks.coverageOfSorted(row, row.length, tau));
        }
    }

    @Override
    public void topMass(FloatMatrix p, int m, FloatMatrix out) {
        Checks.columnOut(p, out);
        for (int r = 0; r < p.rows(); r++) {
            float[] row = sortedRow(p, r);
            out.set(r, 0, Checks.topMassOfSorted(row, row.length, m));
        }
    }

    private static float[] sortedRow(FloatMatrix p, int r) {
        float[] row = new float[p.cols()];
        p.copyRow(r, row, 0);
        Arrays.sort(row);
        return row;
    }

    @Override
    public Histogram histogram(FloatMatrix x, float lo, float hi, int bins) {
        Checks.histogram(lo, hi, bins);
        long[] counts = new long[bins];
        long below = 0, above = 0, nan = 0;
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < x.cols(); c++) {
                float v = x.get(r, c);
                if (Float.isNaN(v)) nan++;
                else if (v < lo) below++;
                else if (v >= hi) above++;
                else counts[Histogram.binOf(v, lo, hi, bins)]++;
            }
        }
        return new Histogram(lo, hi, counts, below, above, nan);
    }

    @Override
    public float[] quantiles(FloatMatrix x, double... q) {
        for (double v : q) Checks.quantile(v);
        float[] all = x.toArray();
        int n = 0;
        for (float v : all) if (!Float.isNaN(v)) all[n++] = v;
        Arrays.sort(all, 0, n);
        float[] out = new float[q.length];
        for (int i = 0; i < q.length; i++) out[i] = Checks.quantileOfSorted(all, n, q[i]);
        return out;
    }

    @Override
    public void cholesky(FloatMatrix a) {
        ReferenceLinalg.cholesky(a);
    }

    @Override
    public void solveTriangular(FloatMatrix t, boolean lower, boolean transpose, FloatMatrix b) {
        ReferenceLinalg.solveTriangular(t, lower, transpose, b);
    }

    @Override
    public void adam(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step) {
        Checks.sameShape(param, grad, "grad");
        Checks.sameShape(param, m, "m");
        Checks.sameShape(param, v, "v");
        if (step < 1) throw new IllegalArgumentException("step counts from 1, got " + step);
        double c1 = 1 - Math.pow(adam.beta1(), step);
        double c2 = 1 - Math.pow(adam.beta2(), step);
        for (int r = 0; r < param.rows(); r++) {
            for (int c = 0; c < param.cols(); c++) {
                double g = grad.get(r, c);
                double mm = adam.beta1() * (double) m.get(r, c) + (1 - (double) adam.beta1()) * g;
                double vv = adam.beta2() * (double) v.get(r, c) + (1 - (double) adam.beta2()) * g * g;
                m.set(r, c, (float) mm);
                v.set(r, c, (float) vv);
                double upd = adam.lr() * (mm / c1) / (Math.sqrt(vv / c2) + adam.eps());
                param.set(r, c, (float) (param.get(r, c) - upd));
            }
        }
    }
}
