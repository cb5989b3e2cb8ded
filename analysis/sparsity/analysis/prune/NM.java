package sparsity.analysis.prune;

/**
 * An N:M pattern: in every group of M consecutive inputs of each output row, N weights are kept
 * (2:4 and 4:8 are the ones hardware runs faster; the sparsity is 1 - N/M).
 */
public record NM(int n, int m) {

    public static final NM TWO_FOUR = new NM(2, 4);
    public static final NM FOUR_EIGHT = new NM(4, 8);

    public NM {
        if (m < 1 || n < 0 || n > m) throw new IllegalArgumentException("N:M needs 0 <= N <= M and M >= 1, got " + n + ":" + m);
    }

    /** Reads "2:4". */
    public static NM parse(String text) {
        String[] p = text == null ? new String[0] : text.trim().split(":");
        if (p.length != 2) throw new IllegalArgumentException("N:M is written like 2:4, not '" + text + "'");
        try {
            return new NM(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("N:M is written like 2:4, not '" + text + "'", e);
        }
    }

    /** The share pruned: 1 - N/M. */
    public double sparsity() {
        return 1 - (double) n / m;
    }

    @Override
    public String toString() {
        return n + ":" + m;
    }
}
