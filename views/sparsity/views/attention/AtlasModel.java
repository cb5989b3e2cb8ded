package sparsity.views.attention;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import sparsity.views.heatmap.MatrixSource;

/**
 * What an attention atlas shows for one example: a {@code layers x heads} grid of attention maps,
 * each with a label (e.g. its pattern) and a figure (e.g. "sparsity 0.94") that the caller
 * computed. Plain data: the maps are not copied, so do not change them while a view shows them.
 *
 * @param title  what the atlas shows, e.g. "all-MiniLM-L6-v2, example 3"
 * @param layers number of layers (grid rows)
 * @param heads  number of heads per layer (grid columns)
 * @param maps   the maps; a (layer, head) without a map leaves its cell empty
 */
public record AtlasModel(String title, int layers, int heads, List<Head> maps) {

    /**
     * One head's map, row-major {@code rows x cols} (queries x keys).
     *
     * @param label  a short text under the thumbnail, e.g. "previous-token" ("" for none)
     * @param figure a number as text, e.g. "sparsity 0.94" ("" for none)
     */
    public record Head(int layer, int head, float[] map, int rows, int cols, String label, String figure) {
        public Head {
            Objects.requireNonNull(map, "map");
            if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("head " + layer + "." + head + " has no cells");
            if ((long) rows * cols > map.length) {
                throw new IllegalArgumentException("head " + layer + "." + head + ": " + rows + "x" + cols
                        + " does not fit in " + map.length + " values");
            }
            label = label == null ? "" : label;
            figure = figure == null ? "" : figure;
        }

        public MatrixSource source() {
            return MatrixSource.of(map, rows, cols);
        }

        /** "layer.head", e.g. "3.7". */
        public String name() {
            return layer + "." + head;
        }
    }

    public AtlasModel {
        Objects.requireNonNull(title, "title");
        if (layers <= 0 || heads <= 0) throw new IllegalArgumentException("an atlas needs layers and heads");
        Map<Long, Head> seen = new HashMap<>();
        for (Head h : maps) {
            if (h.layer() < 0 || h.layer() >= layers || h.head() < 0 || h.head() >= heads) {
                throw new IllegalArgumentException("head " + h.name() + " is outside " + layers + " layers x " + heads + " heads");
            }
            if (seen.put(key(h.layer(), h.head()), h) != null) {
                throw new IllegalArgumentException("two maps for head " + h.name());
            }
        }
        maps = List.copyOf(new ArrayList<>(maps));
    }

    /** The map of (layer, head), or null. */
    public Head head(int layer, int head) {
        for (Head h : maps) if (h.layer() == layer && h.head() == head) return h;
        return null;
    }

    private static long key(int layer, int head) {
        return ((long) layer << 32) | (head & 0xffffffffL);
    }
}
