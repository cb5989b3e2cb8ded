package sparsity.sae.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The codes of one example's rows: for each token (or the one per-example row) the latents in
 * its code slots and their values, as the autoencoder gives them. A slot is active when its latent
 * is not -1 and its value is not 0.
 *
 * @param example the example's number in the store
 * @param name    its text or image name (may be null)
 * @param firstRow its first row in the tensor (rows firstRow .. firstRow + tokens - 1)
 * @param tokens  one label per row: the token texts, or for a per-example row the example's name
 * @param width   code slots per row
 * @param latents {@code [tokens x width]} latent of each slot
 * @param values  {@code [tokens x width]} value of each slot
 */
public record ExampleCodes(int example, String name, long firstRow, List<String> tokens, int width, int[] latents, float[] values) {

    /** How the columns of a {@link Raster} are ordered. */
    public enum Order {
        /** By the token where the latent first fires (then by its largest value): reads as a diagonal. */
        FIRST_TOKEN,
        /** By the latent's summed value over the example, largest first. */
        TOTAL,
        /** By latent number. */
        INDEX
    }

    /**
     * The token x active latent matrix of an example.
     *
     * @param latents the active latents, one per column, in the chosen order
     * @param values  {@code [tokens x latents.length]} row-major, 0 where the latent is not active
     */
    public record Raster(int tokens, int[] latents, float[] values) {
        public float get(int token, int column) {
            return values[token * latents.length + column];
        }
    }

    public ExampleCodes {
        tokens = List.copyOf(tokens);
        if (width < 1 || latents.length != tokens.size() * width || values.length != latents.length) {
            throw new IllegalArgumentException("codes of " + tokens.size() + " rows x " + width + " slots do not match "
                    + latents.length + " latents and " + values.length + " values");
        }
    }

    /**
     * Several examples' codes stacked, for per-example rows (one image each): row i is the i-th
     * example, labelled {@code labels.get(i)}; example and firstRow are the first one's.
     */
    public static ExampleCodes stack(List<ExampleCodes> parts, List<String> labels, String name) {
        if (parts.isEmpty()) throw new IllegalArgumentException("nothing to stack");
        int w = parts.getFirst().width();
        int rows = 0;
        for (ExampleCodes c : parts) {
            if (c.width() != w) throw new IllegalArgumentException("codes of different widths");
            rows += c.rows();
        }
        if (labels.size() != rows) throw new IllegalArgumentException(labels.size() + " labels for " + rows + " rows");
        int[] l = new int[rows * w];
        float[] v = new float[rows * w];
        int at = 0;
        for (ExampleCodes c : parts) {
            System.arraycopy(c.latents(), 0, l, at, c.latents().length);
            System.arraycopy(c.values(), 0, v, at, c.values().length);
            at += c.latents().length;
        }
        return new ExampleCodes(parts.getFirst().example(), name, parts.getFirst().firstRow(), labels, w, l, v);
    }

    public int rows() {
        return tokens.size();
    }

    /** The latent's value on each row (0 where it is not active). */
    public float[] valuesOf(int latent) {
        float[] v = new float[rows()];
        for (int r = 0; r < v.length; r++) {
            for (int j = 0; j < width; j++) {
                int at = r * width + j;
                if (latents[at] == latent) v[r] += values[at];
            }
        }
        return v;
    }

    /** Active latents of a row, with their values, largest first. */
    public List<float[]> activeOn(int row) {
        List<float[]> l = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            int at = row * width + j;
            if (latents[at] >= 0 && values[at] != 0) l.add(new float[] {latents[at], values[at]});
        }
        l.sort((a, b) -> Float.compare(b[1], a[1]));
        return l;
    }

    /** The raster of tokens x latents active anywhere in the example. */
    public Raster raster(Order order) {
        int n = rows();
        java.util.Map<Integer, int[]> first = new java.util.HashMap<>(); // latent -> first row
        java.util.Map<Integer, double[]> stats = new java.util.HashMap<>(); // latent -> {sum, max}
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < width; j++) {
                int at = r * width + j;
                int l = latents[at];
                float v = values[at];
                if (l < 0 || v == 0) continue;
                first.putIfAbsent(l, new int[] {r});
                double[] s = stats.computeIfAbsent(l, k -> new double[] {0, Double.NEGATIVE_INFINITY});
                s[0] += v;
                s[1] = Math.max(s[1], v);
            }
        }
        Integer[] cols = first.keySet().toArray(new Integer[0]);
        Comparator<Integer> byIndex = Comparator.naturalOrder();
        Comparator<Integer> cmp = switch (order) {
            case INDEX -> byIndex;
            case TOTAL -> Comparator.<Integer>comparingDouble(l -> -stats.get(l)[0]).thenComparing(byIndex);
            case FIRST_TOKEN -> Comparator.<Integer>comparingInt(l -> first.get(l)[0])
                    .thenComparingDouble(l -> -stats.get(l)[1]).thenComparing(byIndex);
        };
        Arrays.sort(cols, cmp);
        int[] ls = new int[cols.length];
        java.util.Map<Integer, Integer> col = new java.util.HashMap<>();
        for (int c = 0; c < cols.length; c++) {
            ls[c] = cols[c];
            col.put(cols[c], c);
        }
        float[] m = new float[n * ls.length];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < width; j++) {
                int at = r * width + j;
                if (latents[at] < 0 || values[at] == 0) continue;
                m[r * ls.length + col.get(latents[at])] += values[at];
            }
        }
        return new Raster(n, ls, m);
    }
}
