package sparsity.sae.model;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * The auxiliary loss of a TopK autoencoder: the top {@code k_aux} pre-activations among the
 * dead latents reconstruct the main residual e = x - x_hat (detached),
 * L_aux = alpha * mean|e_hat - e|^2 / mean|e - mean_batch(e)|^2 (normalized like the main
 * loss, as in OpenAI's code and the peer), and its gradient flows into the dead latents only.
 */
final class AuxK implements AutoCloseable {

    final int rows;
    private final int d;
    private final MemoryScope scope = MemoryScope.open();
    private final FloatMatrix target;
    private final FloatMatrix ehat;
    private FloatMatrix preDeadAll;
    private FloatMatrix valsAll;
    private IntMatrix idxAll;
    private FloatMatrix zAll;
    private FloatMatrix gzAll;
    private int capacity;

    AuxK(int rows, int d) {
        this.rows = rows;
        this.d = d;
        target = scope.floats(rows, d);
        ehat = scope.floats(rows, d);
    }

    private void ensure(int nd, int ka) {
        if (preDeadAll == null || preDeadAll.cols() < nd) {
            preDeadAll = scope.floats(rows, nd);
        }
        if (capacity < ka) {
            valsAll = scope.floats(rows, ka);
            idxAll = scope.ints(rows, ka);
            zAll = scope.floats(rows, ka);
            gzAll = scope.floats(rows, ka);
            capacity = ka;
        }
    }

    /** Adds the AuxK gradients into the given gradient buffers and returns alpha * L_aux. */
    double step(Backend backend, Batch b, FloatMatrix x, int[] dead, int kAux, double auxAlpha, SaeParams p,
                FloatMatrix gWEnc, FloatMatrix gWDec, FloatMatrix gBEnc, FloatMatrix gBPre) {
        int nd = dead.length;
        int ka = Math.min(kAux, nd);
        ensure(nd, ka);
        FloatMatrix preDead = preDeadAll.view(0, 0, rows, nd);
        for (int r = 0; r < rows; r++) for (int j = 0; j < nd; j++) preDead.set(r, j, b.pre.get(r, dead[j]));
        FloatMatrix vals = FloatMatrix.wrap(valsAll.segment(), rows, ka, ka);
        IntMatrix idx = IntMatrix.wrap(idxAll.segment(), rows, ka, ka);
        FloatMatrix z = FloatMatrix.wrap(zAll.segment(), rows, ka, ka);
        FloatMatrix gz = FloatMatrix.wrap(gzAll.segment(), rows, ka, ka);
        backend.topkRows(preDead, vals, idx);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < ka; j++) {
                idx.set(r, j, dead[idx.get(r, j)]);
                z.set(r, j, Math.max(0f, vals.get(r, j)));
            }
        }
        double[] mean = new double[d];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                float e = x.get(r, c) - b.xhat.get(r, c);
                target.set(r, c, e);
                mean[c] += e;
            }
        }
        for (int c = 0; c < d; c++) mean[c] /= rows;
        double var = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                double t = target.get(r, c) - mean[c];
                var += t * t;
            }
        }
        var /= (double) rows * d;
        if (!(var > 0) || !Double.isFinite(var)) return 0;
        backend.sparseDecode(idx, z, p.wDec, 0f, ehat);
        double sse = 0;
        float scale = (float) (2 * auxAlpha / ((double) rows * d * var));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                float diff = ehat.get(r, c) - target.get(r, c);
                sse += (double) diff * diff;
                ehat.set(r, c, diff * scale);
            }
        }
        FloatMatrix g = ehat;
        backend.sparseRowDots(idx, g, p.wDec, gz);
        for (int r = 0; r < rows; r++) for (int j = 0; j < ka; j++) if (!(vals.get(r, j) > 0)) gz.set(r, j, 0f);
        backend.sparseOuterAccumulate(idx, z, g, gWDec);
        backend.sparseOuterAccumulate(idx, gz, b.xc, gWEnc);
        backend.scatterAdd(idx, gz, gBEnc);
        for (int c = 0; c < d; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) s += g.get(r, c);
            gBPre.set(0, c, gBPre.get(0, c) + (float) s);
        }
        return auxAlpha * (sse / ((double) rows * d)) / var;
    }

    @Override
    public void close() {
        scope.close();
    }
}
