package sparsity.kernels;

/** Scalar Cholesky and triangular solves for {@link ReferenceBackend}, double accumulation. */
final class ReferenceLinalg {

    private ReferenceLinalg() {
    }

    static void cholesky(FloatMatrix a) {
        Checks.square(a, "A");
        int n = a.rows();
        for (int j = 0; j < n; j++) {
            double d = a.get(j, j);
            for (int k = 0; k < j; k++) d -= (double) a.get(j, k) * a.get(j, k);
            if (!(d > 0)) throw new ArithmeticException("matrix is not positive definite: pivot " + d + " at column " + j);
            double ljj = Math.sqrt(d);
            a.set(j, j, (float) ljj);
            for (int i = j + 1; i < n; i++) {
                double s = a.get(i, j);
                for (int k = 0; k < j; k++) s -= (double) a.get(i, k) * a.get(j, k);
                a.set(i, j, (float) (s / ljj));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) a.set(i, j, 0f);
        }
    }

    /** Element (i, j) of op(T) restricted to its triangle. */
    private static float op(FloatMatrix t, boolean transpose, int i, int j) {
        return transpose ? t.get(j, i) : t.get(i, j);
    }

    static void solveTriangular(FloatMatrix t, boolean lower, boolean transpose, FloatMatrix b) {
        Checks.square(t, "T");
        if (b.rows() != t.rows()) throw new IllegalArgumentException("B has " + b.rows() + " rows, T is " + t.rows());
        int n = t.rows();
        boolean forward = lower != transpose; // op(T) is lower triangular
        for (int s = 0; s < n; s++) {
            int i = forward ? s : n - 1 - s;
            for (int c = 0; c < b.cols(); c++) {
                double acc = b.get(i, c);
                if (forward) {
                    for (int j = 0; j < i; j++) acc -= (double) op(t, transpose, i, j) * b.get(j, c);
                } else {
                    for (int j = i + 1; j < n; j++) acc -= (double) op(t, transpose, i, j) * b.get(j, c);
                }
                b.set(i, c, (float) (acc / op(t, transpose, i, i)));
            }
        }
    }
}
