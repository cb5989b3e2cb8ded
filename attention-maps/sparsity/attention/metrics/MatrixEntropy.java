package sparsity.attention.metrics;

/**
 * UNComp-style matrix entropy of a head's key (or hidden-state) matrix: the Shannon entropy of
 * the eigenvalue spectrum of its trace-normalized covariance. Low entropy marks heads and
 * layers whose keys live in few directions (they compress well). Eigenvalues by cyclic Jacobi
 * rotations (exact for symmetric matrices; the sizes here are a head dimension or a hidden size).
 */
public final class MatrixEntropy {

    private MatrixEntropy() {
    }

    /**
     * @param x    rows x cols, row-major (one row per token)
     * @return entropy in nats of the normalized spectrum; 0 for a rank-one matrix, log(cols) at most
     */
    public static double of(float[] x, int rows, int cols) {
        double[] eig = spectrum(x, rows, cols);
        double h = 0;
        for (double l : eig) if (l > 0) h -= l * Math.log(l);
        return h;
    }

    /** Eigenvalues of the centered covariance, divided by their sum (descending order not guaranteed). */
    public static double[] spectrum(float[] x, int rows, int cols) {
        double[] mean = new double[cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) mean[c] += x[r * cols + c];
        for (int c = 0; c < cols; c++) mean[c] /= rows;
        double[][] a = new double[cols][cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                double xi = x[r * cols + i] - mean[i];
                for (int j = i; j < cols; j++) a[i][j] += xi * (x[r * cols + j] - mean[j]);
            }
        }
        for (int i = 0; i < cols; i++) for (int j = 0; j < i; j++) a[i][j] = a[j][i];
        double[] eig = jacobiEigenvalues(a);
        double trace = 0;
        for (int i = 0; i < cols; i++) {
            eig[i] = Math.max(0, eig[i]);
            trace += eig[i];
        }
        if (trace > 0) for (int i = 0; i < cols; i++) eig[i] /= trace;
        return eig;
    }

    /** Eigenvalues of a symmetric matrix (destroys {@code a}). */
    static double[] jacobiEigenvalues(double[][] a) {
        int n = a.length;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
            }
            if (off <= 1e-24 * Math.max(diag, 1e-300)) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (Math.abs(apq) < 1e-300) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] e = new double[n];
        for (int i = 0; i < n; i++) e[i] = a[i][i];
        return e;
    }
}
