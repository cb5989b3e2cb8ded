package sparsity.kernels;

/**
 * The compute seam: every operation the autoencoders and pruning need, on off-heap matrices.
 * Implementations: {@link ReferenceBackend} (plain scalar, the definition of right) and the
 * Vector API backend in {@code sparsity.kernels.cpu}; a GPU backend can be added behind this
 * interface without touching callers (found through {@link Backends}).
 *
 * <p>Conventions. Shapes are checked and a mismatch throws {@link IllegalArgumentException}.
 * Outputs must not overlap inputs unless an operation says "in place". A "column vector" is an
 * n x 1 matrix, a "row vector" a 1 x n matrix. A k-sparse matrix is a pair (idx [B x k] int,
 * val [B x k] float): row b holds val[b, j] at column idx[b, j]; an index of -1 marks an empty
 * slot (skipped), so variable-length rows can be padded.
 *
 * <p>NaN and infinity. Arithmetic follows IEEE 754 (NaN propagates) unless stated otherwise:
 * top-k ranks NaN above +Inf (as torch.topk and numpy's sort do), histograms and quantiles
 * count/ignore NaN, Cholesky rejects a non-positive or NaN pivot.
 *
 * <p>Backends are thread-safe; {@link #close()} releases worker threads.
 */
public interface Backend extends AutoCloseable {

    /** A short name, e.g. "reference", "vector". */
    String name();

    /** Worker threads used (1 for a single-threaded backend). */
    int threads();

    // ---------------------------------------------------------------- dense products

    /**
     * C = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T. op(A) is M x K, op(B) K x N, C M x N.
     * As in BLAS, C is not read when beta == 0 and A, B are not read when alpha == 0 or K == 0.
     */
    void gemm(boolean transA, boolean transB, float alpha, FloatMatrix a, FloatMatrix b, float beta, FloatMatrix c);

    // ---------------------------------------------------------------- top-k

    /**
     * Row-wise top-k, k = values.cols(): for each row of x [B x n] the k largest values, in
     * descending order, and their column indices. Order: Float.compare (NaN above +Inf, +0.0
     * above -0.0); equal values rank the lower index first. Needs k <= n.
     */
    void topkRows(FloatMatrix x, FloatMatrix values, IntMatrix indices);

    /**
     * Batch-wide top-k (BatchTopK): the {@code total} largest entries of the whole of x [B x n]
     * (same order as {@link #topkRows}, ties to the lower row then column), written as CSR:
     * rowStart [1 x (B + 1)], cols [1 x total] (ascending within a row), vals [1 x total].
     * Returns the smallest kept value (the threshold), or NaN when total == 0.
     */
    float batchTopk(FloatMatrix x, int total, IntMatrix rowStart, IntMatrix cols, FloatMatrix vals);

    /**
     * The encoder of a TopK autoencoder in one pass: P = X W^T + bias (X [B x K], W [N x K] stored
     * one row per output column, bias a 1 x N row vector), then {@link #topkRows} of P into values
     * and indices [B x k], and the columns {@code keep} of P (ascending, distinct; may be empty) into
     * {@code kept} [B x keep.length] (null when keep is empty). P itself is not returned, so a
     * backend need not store it. Same result as {@code gemm(false, true, 1, X, W, 1, P)} on P filled
     * with the bias, then {@code topkRows(P)}.
     */
    default void linearTopk(FloatMatrix x, FloatMatrix w, FloatMatrix bias, FloatMatrix values, IntMatrix indices,
                            int[] keep, FloatMatrix kept) {
        Checks.linearTopk(x, w, bias, values, indices, keep, kept);
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix p = s.floats(x.rows(), w.rows());
            for (int r = 0; r < p.rows(); r++) p.row(r).copyFrom(bias);
            gemm(false, true, 1f, x, w, 1f, p);
            topkRows(p, values, indices);
            for (int r = 0; r < p.rows(); r++) {
                for (int t = 0; t < keep.length; t++) kept.set(r, t, p.get(r, keep[t]));
            }
        }
    }

    /**
     * In place, row by row: the entries among the row's k largest (the order of {@link #topkRows})
     * become max(0, x), every other entry 0 (a TopK layer's codes, written densely). Needs k <= cols.
     */
    default void reluTopkRows(FloatMatrix x, int k) {
        if (k < 0 || k > x.cols()) throw new IllegalArgumentException("k = " + k + " outside [0, " + x.cols() + "]");
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix v = s.floats(x.rows(), k);
            IntMatrix i = s.ints(x.rows(), k);
            topkRows(x, v, i);
            x.fill(0f);
            for (int r = 0; r < x.rows(); r++) {
                for (int j = 0; j < k; j++) x.set(r, i.get(r, j), Math.max(0f, v.get(r, j)));
            }
        }
    }

    // ---------------------------------------------------------------- k-sparse products

    /**
     * Decode: out = beta * out + Z * W, Z the k-sparse (idx, val) [B x n], W [n x d], out [B x d]:
     * out[b, :] += sum_j val[b, j] * W[idx[b, j], :]. Also the encoder's input gradient when W is
     * the encoder stored latent-major [n x d] and val the pre-activation gradient.
     */
    void sparseDecode(IntMatrix idx, FloatMatrix val, FloatMatrix w, float beta, FloatMatrix out);

    /**
     * Scatter-add of outer products into the active rows: W[idx[b, j], :] += val[b, j] * G[b, :],
     * G [B x d], W [n x d]. The decoder gradient (val = latent values, G = output gradient) and the
     * latent-major encoder gradient (val = pre-activation gradient, G = encoder input).
     * Contributions to a row are added in batch order.
     */
    void sparseOuterAccumulate(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w);

    /**
     * As {@link #sparseOuterAccumulate} into a W that starts at 0: W[i, :] = the sum over the slots
     * (b, j) holding latent i of val[b, j] * G[b, :], in batch order; rows no slot holds become 0.
     * The weight gradients of a sparse autoencoder, without clearing them first.
     */
    default void sparseOuterProduct(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w) {
        Checks.sparse(idx, val, g, w);
        w.fill(0f);
        sparseOuterAccumulate(idx, val, g, w);
    }

    /**
     * The sparse decoder and the gradient of a squared error, in one pass (the TopK training step).
     * For each row b, with the reconstruction y = bias + sum_j val[b, j] W[idx[b, j], :] (bias a
     * 1 x d row vector) and its error e = y - x[b, :]: g[b, :] = scale * e, rowSse[b] = |e|^2
     * (rows x 1), residual[b, :] = -e = x[b, :] - y when residual is not null, and the latent gradient
     * gval[b, j] = dot(g[b, :], W[idx[b, j], :]) where val[b, j] > 0, else 0 (through the ReLU that
     * made val; 0 for an empty slot). idx, val, gval [B x k]; W [n x d]; x, g, residual [B x d].
     * This default is the definition, with double sums.
     */
    default void sparseDecodeLoss(IntMatrix idx, FloatMatrix val, FloatMatrix w, FloatMatrix bias, FloatMatrix x, float scale,
                                  FloatMatrix g, FloatMatrix gval, FloatMatrix rowSse, FloatMatrix residual) {
        Checks.decodeLoss(idx, val, w, bias, x, g, gval, rowSse, residual);
        int d = w.cols();
        double[] e = new double[d];
        for (int b = 0; b < x.rows(); b++) {
            double sse = 0;
            for (int c = 0; c < d; c++) {
                double y = bias.get(0, c);
                for (int j = 0; j < idx.cols(); j++) {
                    int i = Checks.slot(idx.get(b, j), w.rows());
                    if (i >= 0) y += (double) val.get(b, j) * w.get(i, c);
                }
                e[c] = (float) y - (double) x.get(b, c);
                sse += e[c] * e[c];
                g.set(b, c, (float) (scale * e[c]));
                if (residual != null) residual.set(b, c, (float) -e[c]);
            }
            rowSse.set(b, 0, (float) sse);
            for (int j = 0; j < idx.cols(); j++) {
                int i = Checks.slot(idx.get(b, j), w.rows());
                double dot = 0;
                if (i >= 0 && val.get(b, j) > 0) {
                    for (int c = 0; c < d; c++) dot += (double) g.get(b, c) * w.get(i, c);
                }
                gval.set(b, j, (float) dot);
            }
        }
    }

    /** out[b, j] = dot(G[b, :], W[idx[b, j], :]) (0 for an empty slot): the latent gradient. */
    void sparseRowDots(IntMatrix idx, FloatMatrix g, FloatMatrix w, FloatMatrix out);

    /**
     * {@link #sparseOuterProduct}, and valSums[i] = the sum of val over the slots holding latent i,
     * in batch order (0 for a latent no slot holds), a 1 x n row vector: the bias gradient that goes
     * with a weight gradient, from the same bucketing. The same as valSums.fill(0) then
     * {@link #scatterAdd}.
     */
    default void sparseOuterProduct(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix valSums) {
        sparseOuterProduct(idx, val, g, w);
        FloatMatrix.requireShape(valSums, 1, w.rows(), "valSums");
        valSums.fill(0f);
        scatterAdd(idx, val, valSums);
    }

    /**
     * Two weight gradients over the same slots, {@code sparseOuterProduct(idx, val, g, w)} then
     * {@code sparseOuterProduct(idx, val2, g2, w2, valSums2)} (a sparse autoencoder's decoder and
     * encoder gradients, with b_enc's), which a backend may take from one bucketing, latent by latent.
     */
    default void sparseOuterProducts(IntMatrix idx, FloatMatrix val, FloatMatrix g, FloatMatrix w, FloatMatrix val2,
                                     FloatMatrix g2, FloatMatrix w2, FloatMatrix valSums2) {
        sparseOuterProduct(idx, val, g, w);
        sparseOuterProduct(idx, val2, g2, w2, valSums2);
    }

    /** dst[idx[b, j]] += val[b, j] for every slot, dst a 1 x n row vector (e.g. a bias gradient). */
    void scatterAdd(IntMatrix idx, FloatMatrix val, FloatMatrix dst);

    /** dst[idx[i], :] += src[i, :], idx a 1 x m row vector, src [m x d], dst [n x d], in index order. */
    void scatterAddRows(IntMatrix idx, FloatMatrix src, FloatMatrix dst);

    // ---------------------------------------------------------------- row and column statistics

    /**
     * The gradient of a squared error: e = y - x, g = scale * e, rowSse[r] = |e[r, :]|^2 (rows x 1);
     * y, x, g the same shape (g may be y: in place). This default is the definition, double sums.
     */
    default void squaredError(FloatMatrix y, FloatMatrix x, float scale, FloatMatrix g, FloatMatrix rowSse) {
        Checks.sameShape(y, x, "x");
        Checks.sameShape(y, g, "g");
        Checks.columnOut(y, rowSse);
        for (int r = 0; r < y.rows(); r++) {
            double s = 0;
            for (int c = 0; c < y.cols(); c++) {
                float e = y.get(r, c) - x.get(r, c);
                s += (double) e * e;
                g.set(r, c, scale * e);
            }
            rowSse.set(r, 0, (float) s);
        }
    }

    /** In place: g = 0 where z <= 0 (or NaN), the gradient through a ReLU whose outputs are z. */
    default void reluGradient(FloatMatrix g, FloatMatrix z) {
        Checks.sameShape(g, z, "z");
        for (int r = 0; r < g.rows(); r++) {
            for (int c = 0; c < g.cols(); c++) if (!(z.get(r, c) > 0)) g.set(r, c, 0f);
        }
    }

    /** out[r] = ||x[r, :]||_2, out a rows x 1 column vector. */
    void rowNorms(FloatMatrix x, FloatMatrix out);

    /** out[r] = mean of x[r, :], out rows x 1. */
    void rowMeans(FloatMatrix x, FloatMatrix out);

    /** out[r] = population variance (divide by n) of x[r, :], out rows x 1. */
    void rowVariances(FloatMatrix x, FloatMatrix out);

    /** out[c] = sum of x[:, c], out a 1 x cols row vector (double sums in this default). */
    default void colSums(FloatMatrix x, FloatMatrix out) {
        Checks.rowOut(x, out);
        for (int c = 0; c < x.cols(); c++) {
            double s = 0;
            for (int r = 0; r < x.rows(); r++) s += x.get(r, c);
            out.set(0, c, (float) s);
        }
    }

    /** out[c] = mean of x[:, c], out a 1 x cols row vector. */
    void colMeans(FloatMatrix x, FloatMatrix out);

    /** out[c] = population variance of x[:, c], out 1 x cols. */
    void colVariances(FloatMatrix x, FloatMatrix out);

    /** out[r, :] = x[r, :] - v for every row, v a 1 x cols row vector (out may be x: in place). */
    default void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out) {
        Checks.rowOut(x, v);
        Checks.sameShape(x, out, "out");
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < x.cols(); c++) out.set(r, c, x.get(r, c) - v.get(0, c));
        }
    }

    /**
     * {@link #subtractRowVector}, and the column sums of the result and of its squares into sums
     * and squares (1 x cols each): the moments of centred rows, in the same pass. This default sums
     * in double.
     */
    default void subtractRowVector(FloatMatrix x, FloatMatrix v, FloatMatrix out, FloatMatrix sums, FloatMatrix squares) {
        subtractRowVector(x, v, out);
        Checks.rowOut(x, sums);
        Checks.rowOut(x, squares);
        for (int c = 0; c < x.cols(); c++) {
            double s1 = 0;
            double s2 = 0;
            for (int r = 0; r < x.rows(); r++) {
                double t = out.get(r, c);
                s1 += t;
                s2 += t * t;
            }
            sums.set(0, c, (float) s1);
            squares.set(0, c, (float) s2);
        }
    }

    /** In place: x[r, :] = (x[r, :] - mean) / sqrt(variance + eps) (layer-norm style, no affine). */
    void standardizeRows(FloatMatrix x, float eps);

    /** In place: x[r, :] /= max(||x[r, :]||, eps) (unit-norm decoder rows). */
    void normalizeRows(FloatMatrix x, float eps);

    // ---------------------------------------------------------------- attention rows

    /**
     * In place row softmax with max subtraction. -Inf entries get 0; a row with NaN or +Inf, or
     * with every entry -Inf, becomes all NaN.
     */
    void softmaxRows(FloatMatrix x);

    /** out[r] = -sum p log p (natural log, 0 log 0 = 0) of probability rows p, out rows x 1. */
    void rowEntropy(FloatMatrix p, FloatMatrix out);

    /**
     * Coverage: out[r] = the smallest number of entries of row r whose sum reaches tau * (row sum),
     * taking entries largest first (int rows x 1). 0 for an empty row or tau <= 0; -1 for a row
     * holding NaN.
     */
    void coverageCounts(FloatMatrix p, float tau, IntMatrix out);

    /** Recall: out[r] = the sum of the m largest entries of row r (m clipped to cols), out rows x 1. */
    void topMass(FloatMatrix p, int m, FloatMatrix out);

    // ---------------------------------------------------------------- distributions

    /** Counts over equal-width bins of [lo, hi); see {@link Histogram} for outliers and NaN. */
    Histogram histogram(FloatMatrix x, float lo, float hi, int bins);

    /**
     * Quantiles q in [0, 1] of all non-NaN entries of x, linear interpolation between order
     * statistics (numpy's default "linear" method, like numpy.nanquantile). NaN when x holds no
     * non-NaN entry.
     */
    float[] quantiles(FloatMatrix x, double... q);

    // ---------------------------------------------------------------- linear algebra (SparseGPT)

    /**
     * In place Cholesky factorization A = L L^T of a symmetric positive definite n x n matrix
     * (only the lower triangle is read): L overwrites the lower triangle, the strict upper
     * triangle is set to 0. Throws ArithmeticException naming the column whose pivot is not
     * positive (or NaN).
     */
    void cholesky(FloatMatrix a);

    /**
     * Solves op(T) X = B in place (X overwrites B [n x m]); T n x n triangular with a non-unit
     * diagonal, only its lower (lower = true) or upper triangle read; op(T) = T^T when transpose.
     */
    void solveTriangular(FloatMatrix t, boolean lower, boolean transpose, FloatMatrix b);

    // ---------------------------------------------------------------- optimizer

    /**
     * One Adam step in place (Kingma and Ba, with bias correction): m = b1 m + (1 - b1) g,
     * v = b2 v + (1 - b2) g^2, param -= lr * (m / (1 - b1^step)) / (sqrt(v / (1 - b2^step)) + eps).
     * step counts from 1. All four matrices have the same shape.
     */
    void adam(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step);

    /**
     * In place: g[r, :] -= dot(g[r, :], w[r, :]) w[r, :] for each row (rows with a zero dot are left
     * as they are): removes from each row of a gradient its component along the matching unit row of
     * w (a decoder kept at unit norm). Same shapes. This default is the definition, double dots.
     */
    default void projectOutRows(FloatMatrix g, FloatMatrix w) {
        Checks.sameShape(g, w, "w");
        for (int r = 0; r < g.rows(); r++) {
            double dot = 0;
            for (int c = 0; c < g.cols(); c++) dot += (double) g.get(r, c) * w.get(r, c);
            if (dot == 0) continue;
            for (int c = 0; c < g.cols(); c++) g.set(r, c, (float) (g.get(r, c) - dot * w.get(r, c)));
        }
    }

    /**
     * {@link #adam} then {@link #normalizeRows}(param, eps): one Adam step on rows kept at unit
     * norm (a decoder), which a backend may do row by row in one pass.
     */
    default void adamUnitRows(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step, float eps) {
        adam(param, grad, m, v, adam, step);
        normalizeRows(param, eps);
    }

    /**
     * {@link #projectOutRows}(grad, param) then {@link #adamUnitRows}: the step of a decoder kept at
     * unit norm from its raw gradient, which a backend may do row by row in one pass; grad is then
     * either projected in place or left as it was.
     */
    default void adamProjectedUnitRows(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, Adam adam, long step,
                                       float eps) {
        projectOutRows(grad, param);
        adamUnitRows(param, grad, m, v, adam, step, eps);
    }

    /** Releases worker threads; default: nothing to release. */
    @Override
    default void close() {
    }
}
