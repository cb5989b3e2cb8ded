package sparsity.views.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.views.attention.AtlasModel;

/**
 * The attention maps of a store as an atlas: one grid row per captured attention tensor (layer),
 * one column per head, the maps of one example; with the example's token texts for the axes.
 * Reads the mapped files; build it off the JavaFX thread.
 *
 * @param atlas  the atlas
 * @param tokens the example's tokens (query and key labels), or null when the store has none
 */
public record StoreAtlas(AtlasModel atlas, List<String> tokens) {

    /** The attention tensors of a store, in store order. */
    public static List<StoredTensor> mapTensors(ActivationStore store) {
        return store.tensors().stream().filter(StoredTensor::isAttention).toList();
    }

    /**
     * The atlas of one example.
     *
     * @throws IllegalArgumentException when the store has no attention maps or not that example
     */
    public static StoreAtlas of(ActivationStore store, int example, String title) {
        List<StoredTensor> maps = mapTensors(store);
        if (maps.isEmpty()) throw new IllegalArgumentException("the store holds no attention maps");
        if (example < 0 || example >= store.examples()) {
            throw new IllegalArgumentException("the store has " + store.examples() + " examples, not example " + example);
        }
        int heads = maps.stream().mapToInt(StoredTensor::dim).max().orElse(1);
        List<AtlasModel.Head> cells = new ArrayList<>();
        int q = 0;
        int k = 0;
        for (int layer = 0; layer < maps.size(); layer++) {
            StoredTensor t = maps.get(layer);
            if (example >= t.rows()) continue;
            int[] qk = t.mapSize(example);
            q = qk[0];
            k = qk[1];
            float[] all = t.map(example);
            int per = q * k;
            for (int h = 0; h < t.dim(); h++) {
                float[] one = new float[per];
                System.arraycopy(all, h * per, one, 0, per);
                String label = t.layout().label().isEmpty() ? "" : t.layout().label();
                cells.add(new AtlasModel.Head(layer, h, one, q, k, h == 0 ? label : "", peak(one, q, k)));
            }
        }
        List<String> tokens = tokens(store, example, q, k);
        return new StoreAtlas(new AtlasModel(title, maps.size(), heads, cells), tokens);
    }

    /** The token texts of an example when they match a q x k map (self-attention), else null. */
    static List<String> tokens(ActivationStore store, int example, int q, int k) {
        if (q != k || store.tokens() == 0 || store.exampleTokens(example) != q) return null;
        long first = store.exampleFirstToken(example);
        List<String> out = new ArrayList<>(q);
        for (int i = 0; i < q; i++) {
            String t = store.token(first + i).text();
            out.add(t == null ? "#" + i : t);
        }
        return out;
    }

    /** "peak 0.84": the mean over queries of the largest attention weight. */
    private static String peak(float[] map, int q, int k) {
        double sum = 0;
        for (int r = 0; r < q; r++) {
            float m = 0;
            for (int c = 0; c < k; c++) m = Math.max(m, map[r * k + c]);
            sum += m;
        }
        return String.format(Locale.ROOT, "peak %.2f", q == 0 ? 0 : sum / q);
    }
}
