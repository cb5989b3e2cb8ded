package sparsity.sae.model;

import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * Work buffers of one training or encoding batch of B rows, allocated once and reused.
 */
final class Batch implements AutoCloseable {

    final int rows;
    final MemoryScope scope = MemoryScope.open();
    final FloatMatrix xc;     // x - b_pre            [B x d]
    final FloatMatrix pre;    // pre-activations      [B x n]
    final FloatMatrix vals;   // kept pre-activations [B x k]
    final IntMatrix idx;      // kept latents         [B x k]
    final FloatMatrix z;      // ReLU(vals)           [B x k]
    final FloatMatrix xhat;   // reconstruction       [B x d]
    final FloatMatrix gx;     // dL/dx_hat            [B x d]
    final FloatMatrix gz;     // dL/dz at kept        [B x k]

    Batch(int rows, int d, int n, int k) {
        this.rows = rows;
        xc = scope.floats(rows, d);
        pre = scope.floats(rows, n);
        vals = scope.floats(rows, k);
        idx = scope.ints(rows, k);
        z = scope.floats(rows, k);
        xhat = scope.floats(rows, d);
        gx = scope.floats(rows, d);
        gz = scope.floats(rows, k);
    }

    @Override
    public void close() {
        scope.close();
    }
}
