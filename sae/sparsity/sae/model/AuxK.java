package sparsity.sae.model;

import java.lang.foreign.ValueLayout;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * The auxiliary loss of a TopK autoencoder: the top {@code k_aux} pre-activations among the
 * dead latents reconstruct the main residual e = x - x_hat (detached),
 * L_aux = alpha * mean|e_hat - e|^2 / mean|e - mean_batch(e)|^2 (normalized like the main
 * loss, as in OpenAI's code and the peer), and its gradient flows into the dead latents only.
 *
 * <p>Dense over the dead latents, as the peer: with k_aux = d/2 kept per row the codes fill a
 * good share of the dead columns, and four matrix products over [B x dead] beat k_aux-wide
 * gathers and scatters. The encoder hands over the pre-activations of the latents that could be
 * dead ({@link #preActivations}) and the decoder the residual ({@link #residual}), so nothing of
 * the [B x n] pre-activations is stored.
 */
final class AuxK implements AutoCloseable {

    final int rows;
    private final int d;
    private final MemoryScope scope = MemoryScope.open();
    private final FloatMatrix residual;
    private final FloatMatrix g;
    private final FloatMatrix rowSse;
    private final FloatMatrix colStat;
    private MemoryScope sized;
    private int capacity = -1;
    private FloatMatrix preAll;
    private FloatMatrix gzAll;
    private FloatMatrix wdAll;
    private FloatMatrix gwAll;
    private FloatMatrix colAll;
    private IntMatrix idxAll;

    AuxK(int rows, int d) {
        this.rows = rows;
        this.d = d;
        residual = scope.floats(rows, d);
        g = scope.floats(rows, d);
        rowSse = scope.floats(rows, 1);
        colStat = scope.floats(1, d);
    }

    /** The buffer for the main residual x - x_hat [B x d], which the decoder fills. */
    FloatMatrix residual() {
        return residual;
    }

    /** The buffer [B x m] for the pre-activations of the m latents that could be dead. */
    FloatMatrix preActivations(int m) {
        ensure(m);
        return preAll.view(0, 0, rows, m);
    }

    private void ensure(int m) {
        if (m <= capacity) return;
        if (sized != null) sized.close();
        sized = MemoryScope.open();
        int cap = Math.max(m, capacity + capacity / 2);
        preAll = sized.floats(rows, cap);
        gzAll = sized.floats(rows, cap);
        wdAll = sized.floats(cap, d);
        gwAll = sized.floats(cap, d);
        colAll = sized.floats(1, cap);
        idxAll = sized.ints(1, cap);
        capacity = cap;
    }

    /**
     * Adds the AuxK gradients into the given gradient buffers and returns alpha * L_aux. The
     * pre-activations of {@code mayDie} (ascending) are in {@link #preActivations}, the residual in
     * {@link #residual}; {@code dead} (ascending) is a subset of mayDie.
     */
    double step(Backend backend, FloatMatrix xc, int[] mayDie, int[] dead, int kAux, double auxAlpha, SaeParams p,
                FloatMatrix gWEnc, FloatMatrix gWDec, FloatMatrix gBEnc, FloatMatrix gBPre) {
        int nd = dead.length;
        int ka = Math.min(kAux, nd);
        // variance of the target over the batch (the normalization)
        backend.colVariances(residual, colStat);
        double var = 0;
        for (int c = 0; c < d; c++) var += colStat.get(0, c);
        var /= d;
        if (!(var > 0) || !Double.isFinite(var)) return 0;
        compact(mayDie, dead);
        FloatMatrix z = preAll.view(0, 0, rows, nd);
        FloatMatrix gz = gzAll.view(0, 0, rows, nd);
        FloatMatrix wd = wdAll.view(0, 0, nd, d);
        FloatMatrix gw = gwAll.view(0, 0, nd, d);
        IntMatrix idx = IntMatrix.wrap(idxAll.segment(), 1, nd, nd);
        for (int j = 0; j < nd; j++) {
            idx.set(0, j, dead[j]);
            wd.row(j).copyFrom(p.wDec.row(dead[j]));
        }
        // codes: ReLU of each row's top k_aux among the dead, the rest 0
        backend.reluTopkRows(z, ka);
        // e_hat = z W_dec[dead]; g = dL_aux / d e_hat = scale (e_hat - e)
        backend.gemm(false, false, 1f, z, wd, 0f, g);
        float scale = (float) (2 * auxAlpha / ((double) rows * d * var));
        backend.squaredError(g, residual, scale, g, rowSse);
        double sse = 0;
        for (int r = 0; r < rows; r++) sse += rowSse.segment().getAtIndex(ValueLayout.JAVA_FLOAT, r);
        // latent gradient (through the ReLU), then both weight gradients and the biases
        backend.gemm(false, true, 1f, g, wd, 0f, gz);
        backend.reluGradient(gz, z);
        backend.gemm(true, false, 1f, z, g, 0f, gw);
        backend.scatterAddRows(idx, gw, gWDec);
        backend.gemm(true, false, 1f, gz, xc, 0f, gw);
        backend.scatterAddRows(idx, gw, gWEnc);
        FloatMatrix col = colAll.view(0, 0, 1, nd);
        backend.colSums(gz, col);
        backend.scatterAddRows(idx, col.reshape(nd, 1), gBEnc.reshape(gBEnc.cols(), 1));
        backend.colSums(g, colStat);
        for (int c = 0; c < d; c++) gBPre.set(0, c, gBPre.get(0, c) + colStat.get(0, c));
        return auxAlpha * (sse / ((double) rows * d)) / var;
    }

    /**
     * {@link #step} for an encoder that keeps all of its pre-activations {@code pre} [B x n] and its
     * reconstructions {@code xhat} [B x d] of x.
     */
    double step(Backend backend, FloatMatrix pre, FloatMatrix x, FloatMatrix xhat, FloatMatrix xc, int[] dead, int kAux,
                double auxAlpha, SaeParams p, FloatMatrix gWEnc, FloatMatrix gWDec, FloatMatrix gBEnc, FloatMatrix gBPre) {
        FloatMatrix into = preActivations(dead.length);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < dead.length; j++) into.set(r, j, pre.get(r, dead[j]));
        }
        backend.squaredError(x, xhat, 1f, residual, rowSse);
        return step(backend, xc, dead, dead, kAux, auxAlpha, p, gWEnc, gWDec, gBEnc, gBPre);
    }

    /**
     * {@link #step} for an encoder that filled {@link #preActivations} with the latents
     * {@code mayDie} (ascending, a superset of dead) and whose reconstructions of x are
     * {@code xhat} [B x d]: the residual is taken here, as the overload with all pre-activations.
     */
    double step(Backend backend, FloatMatrix x, FloatMatrix xhat, FloatMatrix xc, int[] mayDie, int[] dead, int kAux,
                double auxAlpha, SaeParams p, FloatMatrix gWEnc, FloatMatrix gWDec, FloatMatrix gBEnc, FloatMatrix gBPre) {
        backend.squaredError(x, xhat, 1f, residual, rowSse);
        return step(backend, xc, mayDie, dead, kAux, auxAlpha, p, gWEnc, gWDec, gBEnc, gBPre);
    }

    /** Moves the columns of the dead latents to the front of the pre-activations, in order. */
    private void compact(int[] mayDie, int[] dead) {
        if (dead.length == mayDie.length) return;
        int[] from = new int[dead.length];
        for (int j = 0, t = 0; j < dead.length; j++) {
            while (mayDie[t] != dead[j]) t++;
            from[j] = t;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < dead.length; j++) preAll.set(r, j, preAll.get(r, from[j]));
        }
    }

    @Override
    public void close() {
        if (sized != null) sized.close();
        scope.close();
    }
}
