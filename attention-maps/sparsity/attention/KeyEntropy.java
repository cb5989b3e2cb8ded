package sparsity.attention;

import java.util.ArrayList;
import java.util.List;

import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.attention.metrics.MatrixEntropy;

/**
 * UNComp's matrix entropy of each head's key (or hidden-state) matrix, for every captured tensor
 * of rows whose width splits into the heads: the rows (tokens of every example, up to a limit)
 * are cut into {@code heads} column blocks of d_head, and each block's normalized covariance
 * spectrum gives its entropy. Low entropy marks heads whose keys live in few directions.
 */
public final class KeyEntropy {

    /** One head of one tensor: entropy in nats, and divided by log(d_head) (1 = isotropic). */
    public record Row(String tensor, int head, int rows, int headDim, double entropy, double normalized) {
    }

    private KeyEntropy() {
    }

    /** True when the store holds a tensor of rows that splits into {@code heads} blocks. */
    public static boolean applies(ActivationStore s, int heads) {
        return heads > 0 && s.tensors().stream().anyMatch(t -> !t.isAttention() && t.dim() % heads == 0 && t.dim() / heads > 1);
    }

    public static List<Row> of(ActivationStore s, int heads, int maxRows) throws InterruptedException {
        List<Row> out = new ArrayList<>();
        for (StoredTensor t : s.tensors()) {
            if (t.isAttention() || heads < 1 || t.dim() % heads != 0 || t.dim() / heads < 2) continue;
            int dh = t.dim() / heads;
            int n = (int) Math.min(t.rows(), maxRows);
            if (n < 2) continue;
            float[] all = t.read(0, n, new float[n * t.dim()]);
            for (int h = 0; h < heads; h++) {
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                float[] x = new float[n * dh];
                for (int r = 0; r < n; r++) System.arraycopy(all, r * t.dim() + h * dh, x, r * dh, dh);
                double e = MatrixEntropy.of(x, n, dh);
                out.add(new Row(t.name(), h, n, dh, e, e / Math.log(dh)));
            }
        }
        return out;
    }
}
