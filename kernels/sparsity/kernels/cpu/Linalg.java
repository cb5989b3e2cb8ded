package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;

/**
 * Blocked Cholesky and triangular solves: small NB-wide diagonal blocks are done with vector dot
 * products / row updates, everything else is a call to the packed {@link Gemm}, so almost all
 * the flops run at matrix-product speed. Deterministic like Gemm (fixed blocking).
 */
final class Linalg {

    static final int NB = 128;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

    private Linalg() {
    }

    static void cholesky(Parallel par, FloatMatrix a) {
        Checks.square(a, "A");
        int n = a.rows();
        for (int k0 = 0; k0 < n; k0 += NB) {
            int kb = Math.min(NB, n - k0);
            FloatMatrix a11 = a.view(k0, k0, kb, kb);
            unblocked(a11, k0);
            int rest = n - k0 - kb;
            if (rest == 0) break;
            FloatMatrix a21 = a.view(k0 + kb, k0, rest, kb);
            // L21 = A21 L11^-T: each row solves x L11^T = a, independent rows
            par.forRange(rest, 32, (p, from, to) -> {
                for (int i = from; i < to; i++) {
                    long ri = 4L * i * a21.stride();
                    for (int j = 0; j < kb; j++) {
                        long rj = 4L * j * a11.stride();
                        float s = a21.segment().getAtIndex(F, i * a21.stride() + j)
                                - SparseOps.dot(a21.segment(), ri, a11.segment(), rj, j);
                        a21.segment().setAtIndex(F, i * a21.stride() + j, s / a11.segment().getAtIndex(F, j * a11.stride() + j));
                    }
                }
            });
            // A22 -= L21 L21^T, lower trapezoid only, NB-wide column blocks
            for (int j0 = 0; j0 < rest; j0 += NB) {
                int jb = Math.min(NB, rest - j0);
                FloatMatrix cblk = a.view(k0 + kb + j0, k0 + kb + j0, rest - j0, jb);
                Gemm.gemm(par, false, true, -1f, a21.rowRange(j0, rest), a21.rowRange(j0, j0 + jb), 1f, cblk);
            }
        }
        MemorySegment s = a.segment();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) s.setAtIndex(F, i * a.stride() + j, 0f);
        }
    }

    /** Row-oriented Cholesky of a small block (lower triangle read); offset names the global column. */
    private static void unblocked(FloatMatrix a, int offset) {
        int n = a.rows();
        MemorySegment s = a.segment();
        long ld = a.stride();
        for (int i = 0; i < n; i++) {
            long ri = 4L * i * ld;
            for (int j = 0; j < i; j++) {
                float v = s.getAtIndex(F, i * ld + j) - SparseOps.dot(s, ri, s, 4L * j * ld, j);
                s.setAtIndex(F, i * ld + j, v / s.getAtIndex(F, j * ld + j));
            }
            float d = s.getAtIndex(F, i * ld + i) - SparseOps.dot(s, ri, s, ri, i);
            if (!(d > 0)) {
                throw new ArithmeticException("matrix is not positive definite: pivot " + d + " at column " + (offset + i));
            }
            s.setAtIndex(F, i * ld + i, (float) Math.sqrt(d));
        }
    }

    static void solveTriangular(Parallel par, FloatMatrix t, boolean lower, boolean transpose, FloatMatrix b) {
        Checks.square(t, "T");
        if (b.rows() != t.rows()) throw new IllegalArgumentException("B has " + b.rows() + " rows, T is " + t.rows());
        int n = t.rows();
        int m = b.cols();
        if (n == 0 || m == 0) return;
        boolean forward = lower != transpose;
        int blocks = (n + NB - 1) / NB;
        for (int s = 0; s < blocks; s++) {
            int blk = forward ? s : blocks - 1 - s;
            int i0 = blk * NB;
            int i1 = Math.min(n, i0 + NB);
            FloatMatrix bi = b.rowRange(i0, i1);
            // B[i0:i1] -= op(T)[i0:i1, solved] X[solved]
            if (forward && i0 > 0) {
                FloatMatrix tij = transpose ? t.view(0, i0, i0, i1 - i0) : t.view(i0, 0, i1 - i0, i0);
                Gemm.gemm(par, transpose, false, -1f, tij, b.rowRange(0, i0), 1f, bi);
            } else if (!forward && i1 < n) {
                FloatMatrix tij = transpose ? t.view(i1, i0, n - i1, i1 - i0) : t.view(i0, i1, i1 - i0, n - i1);
                Gemm.gemm(par, transpose, false, -1f, tij, b.rowRange(i1, n), 1f, bi);
            }
            // the diagonal block: row updates, columns of B split among threads
            FloatMatrix tii = t.view(i0, i0, i1 - i0, i1 - i0);
            int nb = i1 - i0;
            par.forRange(m, 64, (p, c0, c1) -> {
                MemorySegment bs = bi.segment();
                for (int q = 0; q < nb; q++) {
                    int i = forward ? q : nb - 1 - q;
                    int jFrom = forward ? 0 : i + 1;
                    int jTo = forward ? i : nb;
                    long ri = 4L * i * bi.stride();
                    for (int j = jFrom; j < jTo; j++) {
                        float tij = transpose ? tii.get(j, i) : tii.get(i, j);
                        SparseOps.axpy(-tij, bs, 4L * j * bi.stride(), bs, ri, c0, c1);
                    }
                    float inv = 1f / tii.get(i, i);
                    for (int c = c0; c < c1; c++) bs.setAtIndex(F, i * bi.stride() + c, bs.getAtIndex(F, i * bi.stride() + c) * inv);
                }
            });
        }
    }
}
