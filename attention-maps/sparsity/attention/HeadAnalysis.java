package sparsity.attention;

import java.util.ArrayList;
import java.util.List;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.attention.metrics.AttentionMap;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.attention.metrics.PatternSearch;

/**
 * Metrics of every head of every captured attention map in a store, averaged over its examples:
 * the per-head metrics, an MInference-style pattern fit (of the first example) and a label.
 * Maps whose entries above the diagonal are all zero are treated as causal (row i attends over
 * i + 1 keys).
 */
public final class HeadAnalysis {

    /**
     * Where the repeated random sequence of an induction probe sits in each example: the first
     * copy starts at {@code start} and has {@code length} tokens (null: no induction scores).
     */
    public record InductionLayout(int start, int length) {
    }

    /** One head's findings. */
    public record HeadReport(String layerLabel, int layer, int head, HeadMetrics.Result metrics,
                             PatternSearch.Classification pattern, String label) {
    }

    private HeadAnalysis() {
    }

    /**
     * @param budget    MInference budget as a share of the valid cells (e.g. 0.1)
     * @param induction the probe layout, or null
     */
    public static List<HeadReport> analyze(ActivationStore store, HeadMetrics.Settings settings, double budget,
                                           InductionLayout induction, ProgressListener progress) throws InterruptedException {
        List<StoredTensor> maps = store.tensors().stream().filter(StoredTensor::isAttention).toList();
        if (maps.isEmpty()) throw new IllegalArgumentException(store.dir() + " holds no attention maps (capture with --attention)");
        List<HeadReport> out = new ArrayList<>();
        int examples = store.examples();
        for (int layer = 0; layer < maps.size(); layer++) {
            StoredTensor t = maps.get(layer);
            int heads = t.dim();
            HeadMetrics.Accumulator[] acc = new HeadMetrics.Accumulator[heads];
            for (int h = 0; h < heads; h++) acc[h] = new HeadMetrics.Accumulator(settings);
            PatternSearch.Classification[] fits = new PatternSearch.Classification[heads];
            for (int e = 0; e < examples; e++) {
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                int[] size = t.mapSize(e);
                int q = size[0];
                int k = size[1];
                float[] all = t.map(e);
                boolean causal = q == k && isCausal(all, heads, q, k);
                List<AttentionMap> perHead = new ArrayList<>(heads);
                for (int h = 0; h < heads; h++) {
                    float[] p = java.util.Arrays.copyOfRange(all, h * q * k, (h + 1) * q * k);
                    perHead.add(causal ? AttentionMap.causal(p, q) : AttentionMap.full(p, q, k));
                }
                HeadBatch.add(perHead, acc, induction);
                if (e == 0) {
                    for (int h = 0; h < heads; h++) fits[h] = PatternSearch.classify(perHead.get(h), budget, PatternSearch.defaultBlockSize(k));
                }
                progress.update((layer + (e + 1.0) / examples) / maps.size(), "Attention metrics: " + t.layout().label());
            }
            for (int h = 0; h < heads; h++) {
                HeadMetrics.Result r = acc[h].result();
                String label = t.layout().label().isEmpty() ? "layer " + layer : t.layout().label();
                out.add(new HeadReport(label, layer, h, r, fits[h], HeadLabels.of(r)));
            }
        }
        return out;
    }

    /** True when every entry above the diagonal of every head is exactly 0. */
    static boolean isCausal(float[] all, int heads, int q, int k) {
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < q; i++) {
                for (int j = i + 1; j < k; j++) if (all[(h * q + i) * k + j] != 0f) return false;
            }
        }
        return true;
    }
}
