package sparsity.kernels;

/** Shape checks and small helpers shared by every backend (public for the backend packages). */
public final class Checks {

    private Checks() {
    }

    /**
     * A sortable int key with the order of {@link Float#compare}: NaN (any payload) above +Inf,
     * +0.0 above -0.0. Larger key = ranks higher in top-k.
     */
    public static int key(float v) {
        int b = Float.floatToIntBits(v);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    /** The float whose {@link #key} is k (NaN comes back as the canonical NaN). */
    public static float unkey(int k) {
        return Float.intBitsToFloat(k ^ ((k >> 31) & 0x7fffffff));
    }

    public static void gemm(boolean ta, boolean tb, FloatMatrix a, FloatMatrix b, FloatMatrix c) {
        int m = ta ? a.cols() : a.rows();
        int k = ta ? a.rows() : a.cols();
        int kb = tb ? b.cols() : b.rows();
        int n = tb ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + n
                    + ", C " + c.rows() + "x" + c.cols());
        }
    }

    public static void topk(FloatMatrix x, FloatMatrix values, IntMatrix indices) {
        int k = values.cols();
        if (k > x.cols()) throw new IllegalArgumentException("k = " + k + " > " + x.cols() + " columns");
        FloatMatrix.requireShape(values, x.rows(), k, "values");
        IntMatrix.requireShape(indices, x.rows(), k, "indices");
    }

    public static void linearTopk(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix values, IntMatrix indices,
                                  int[] keep, FloatMatrix kept) {
        if (x.cols() != w.cols()) {
            throw new IllegalArgumentException("linearTopk: X is " + x.rows() + "x" + x.cols() + ", W " + w.rows() + "x" + w.cols());
        }
        FloatMatrix.requireShape(bias, 1, w.rows(), "bias");
        int k = values.cols();
        if (k > w.rows()) throw new IllegalArgumentException("k = " + k + " > " + w.rows() + " columns");
        FloatMatrix.requireShape(values, x.rows(), k, "values");
        IntMatrix.requireShape(indices, x.rows(), k, "indices");
        for (int t = 0; t < keep.length; t++) {
            if (keep[t] < 0 || keep[t] >= w.rows() || t > 0 && keep[t] <= keep[t - 1]) {
                throw new IllegalArgumentException("keep must be ascending distinct columns in [0, " + w.rows() + ")");
            }
        }
        if (keep.length > 0) FloatMatrix.requireShape(kept, x.rows(), keep.length, "kept");
    }

    public static void batchTopk(FloatMatrix x, int total, IntMatrix rowStart, IntMatrix cols, FloatMatrix vals) {
        if (total < 0 || total > x.size()) {
            throw new IllegalArgumentException("total = " + total + " outside [0, " + x.size() + "]");
        }
        IntMatrix.requireShape(rowStart, 1, x.rows() + 1, "rowStart");
        IntMatrix.requireShape(cols, 1, total, "cols");
        FloatMatrix.requireShape(vals, 1, total, "vals");
    }

    /** idx and val [B x k], dense side [B x d], weights [n x d]. */
    public static void sparse(IntMatrix idx, FloatMatrix val, FloatMatrix dense, FloatMatrix w) {
        FloatMatrix.requireShape(val, idx.rows(), idx.cols(), "val");
        FloatMatrix.requireShape(dense, idx.rows(), w.cols(), "dense operand");
    }

    public static void decodeLoss(IntMatrix idx, FloatMatrix val, FloatMatrix w, FloatMatrix bias, FloatMatrix x,
                                  FloatMatrix g, FloatMatrix gval, FloatMatrix rowSse, FloatMatrix residual) {
        sparse(idx, val, x, w);
        FloatMatrix.requireShape(bias, 1, w.cols(), "bias");
        FloatMatrix.requireShape(g, x.rows(), w.cols(), "g");
        FloatMatrix.requireShape(gval, idx.rows(), idx.cols(), "gval");
        FloatMatrix.requireShape(rowSse, x.rows(), 1, "rowSse");
        if (residual != null) FloatMatrix.requireShape(residual, x.rows(), w.cols(), "residual");
    }

    /** Throws unless 0 <= i < n or i == -1 (an empty slot). */
    public static int slot(int i, int n) {
        if (i < -1 || i >= n) throw new IndexOutOfBoundsException("sparse index " + i + " outside [0, " + n + ")");
        return i;
    }

    public static void columnOut(FloatMatrix x, FloatMatrix out) {
        FloatMatrix.requireShape(out, x.rows(), 1, "out");
    }

    public static void rowOut(FloatMatrix x, FloatMatrix out) {
        FloatMatrix.requireShape(out, 1, x.cols(), "out");
    }

    public static void square(FloatMatrix a, String what) {
        if (a.rows() != a.cols()) throw new IllegalArgumentException(what + " is not square: " + a);
    }

    public static void sameShape(FloatMatrix a, FloatMatrix b, String what) {
        FloatMatrix.requireShape(b, a.rows(), a.cols(), what);
    }

    public static void quantile(double q) {
        if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("quantile " + q + " outside [0, 1]");
    }

    public static void histogram(float lo, float hi, int bins) {
        if (!(lo < hi) || Float.isInfinite(lo) || Float.isInfinite(hi) || bins < 1) {
            throw new IllegalArgumentException("histogram needs finite lo < hi and bins >= 1, got " + lo + ", " + hi + ", " + bins);
        }
    }

    /** The q-quantile of sorted non-NaN values (numpy "linear"). */
    public static float quantileOfSorted(float[] sorted, int n, double q) {
        if (n == 0) return Float.NaN;
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, n - 1);
        double frac = pos - lo;
        double a = sorted[lo];
        double b = sorted[hi];
        return (float) (frac == 0 ? a : a + (b - a) * frac);
    }

    /** Coverage count of a row sorted ascending (largest last), double accumulation. -1 if NaN. */
    public static int coverageOfSorted(float[] sortedAsc, int n, float tau) {
        double total = 0;
        for (int i = 0; i < n; i++) total += sortedAsc[i];
        if (Double.isNaN(total)) return -1;
        if (n == 0 || tau <= 0) return 0;
        double target = tau * total;
        double acc = 0;
        for (int c = 1; c <= n; c++) {
            acc += sortedAsc[n - c];
            if (acc >= target) return c;
        }
        return n;
    }

    /** Sum of the m largest of a row sorted ascending, double accumulation. */
    public static float topMassOfSorted(float[] sortedAsc, int n, int m) {
        double acc = 0;
        for (int c = 1; c <= Math.min(m, n); c++) acc += sortedAsc[n - c];
        return (float) acc;
    }
}
