package sparsity.attention.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * MInference-style pattern classification of one head (ALGORITHMS.md, "MInference patterns").
 * For a budget of attention cells, each pattern is fitted to the real map and scored by the
 * fraction of the attention mass it recovers; the head gets the pattern that recovers the most.
 * <ul>
 * <li>{@code stream_llm} (A-shape): the first {@code s} keys plus a local band of {@code w} keys
 * around the diagonal; reported as [s, w].</li>
 * <li>{@code vertical_and_slash}: the top key columns plus the top diagonals (by mass);
 * reported as [columns, diagonals].</li>
 * <li>{@code block_sparse}: the top blocks of {@code b x b} cells (by mass); reported as
 * [blocks, b].</li>
 * </ul>
 * The fit uses the true map, so each score is the best that pattern can do at that budget.
 */
public final class PatternSearch {

    public static final String A_SHAPE = "stream_llm";
    public static final String VERTICAL_SLASH = "vertical_and_slash";
    public static final String BLOCK_SPARSE = "block_sparse";

    /** One pattern's best fit: MInference's [pattern, vertical_size, slash_size, score]. */
    public record Fit(String pattern, int verticalSize, int slashSize, double score, long cells) {
    }

    /** The winning fit and every pattern's best fit, best first. */
    public record Classification(Fit best, List<Fit> fits, long budgetCells, long validCells) {
    }

    private PatternSearch() {
    }

    /** Valid cells of a map. */
    public static long validCells(AttentionMap m) {
        long c = 0;
        for (int v : m.validKeys()) c += v;
        return c;
    }

    /** Classifies with a budget of {@code density} x the valid cells (e.g. 0.1). */
    public static Classification classify(AttentionMap m, double density, int blockSize) {
        long valid = validCells(m);
        long budget = Math.max(1, Math.round(density * valid));
        List<Fit> fits = new ArrayList<>(List.of(aShape(m, budget), verticalSlash(m, budget), blockSparse(m, budget, blockSize)));
        fits.sort(Comparator.comparingDouble(Fit::score).reversed());
        return new Classification(fits.get(0), List.copyOf(fits), budget, valid);
    }

    /** The block size for a map of n keys: 64, or smaller so that a side has at least 8 blocks. */
    public static int defaultBlockSize(int n) {
        return Math.max(1, Math.min(64, (n + 7) / 8));
    }

    static Fit aShape(AttentionMap m, long budget) {
        Fit best = new Fit(A_SHAPE, 0, 0, 0, 0);
        for (int s = 0; s <= m.keys(); s = s == 0 ? 1 : s * 2) {
            // the largest window that fits the budget with s sink keys
            int lo = 0;
            int hi = m.keys();
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (aShapeCells(m, s, mid) <= budget) lo = mid;
                else hi = mid - 1;
            }
            if (aShapeCells(m, s, lo) > budget) break;
            double mass = aShapeMass(m, s, lo);
            long cells = aShapeCells(m, s, lo);
            if (better(mass, cells, best)) best = new Fit(A_SHAPE, s, lo, mass, cells);
            if (s == m.keys()) break;
        }
        return best;
    }

    private static boolean inAShape(int i, int j, int s, int w) {
        return j < s || (w > 0 && Math.abs(i - j) < w);
    }

    private static long aShapeCells(AttentionMap m, int s, int w) {
        long c = 0;
        for (int i = 0; i < m.queries(); i++) {
            for (int j = 0; j < m.validKeys()[i]; j++) if (inAShape(i, j, s, w)) c++;
        }
        return c;
    }

    private static double aShapeMass(AttentionMap m, int s, int w) {
        double mass = 0;
        for (int i = 0; i < m.queries(); i++) {
            for (int j = 0; j < m.validKeys()[i]; j++) if (inAShape(i, j, s, w)) mass += m.at(i, j);
        }
        return mass / m.queries();
    }

    static Fit verticalSlash(AttentionMap m, long budget) {
        int n = m.keys();
        int q = m.queries();
        double[] colMass = new double[n];
        long[] colCells = new long[n];
        int diags = q + n - 1; // offset o = i - j + (n - 1)
        double[] diagMass = new double[diags];
        long[] diagCells = new long[diags];
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < m.validKeys()[i]; j++) {
                float v = m.at(i, j);
                colMass[j] += v;
                colCells[j]++;
                diagMass[i - j + n - 1] += v;
                diagCells[i - j + n - 1]++;
            }
        }
        Integer[] cols = order(colMass);
        Integer[] dgs = order(diagMass);
        Fit best = new Fit(VERTICAL_SLASH, 0, 0, 0, 0);
        boolean[][] cell = null;
        for (int share = 0; share <= 10; share++) {
            long colBudget = budget * share / 10;
            List<Integer> vc = new ArrayList<>();
            long used = 0;
            for (int c : cols) {
                if (colCells[c] == 0 || colMass[c] <= 0 || used + colCells[c] > colBudget) continue;
                vc.add(c);
                used += colCells[c];
            }
            boolean[] isCol = new boolean[n];
            for (int c : vc) isCol[c] = true;
            List<Integer> sd = new ArrayList<>();
            for (int d : dgs) {
                if (diagCells[d] == 0 || diagMass[d] <= 0) continue;
                long extra = diagCells[d];
                for (int c : vc) {
                    int i = d - (n - 1) + c;
                    if (i >= 0 && i < q && c < m.validKeys()[i]) extra--;
                }
                if (used + extra > budget) continue;
                sd.add(d);
                used += extra;
            }
            boolean[] isDiag = new boolean[diags];
            for (int d : sd) isDiag[d] = true;
            // a column whose every massive cell lies on a chosen diagonal adds nothing: drop it
            for (java.util.Iterator<Integer> it = vc.iterator(); it.hasNext(); ) {
                int c = it.next();
                double unique = 0;
                for (int i = 0; i < q; i++) {
                    if (c < m.validKeys()[i] && !isDiag[i - c + n - 1]) unique += m.at(i, c);
                }
                if (unique <= 1e-12) {
                    it.remove();
                    isCol[c] = false;
                }
            }
            double mass = 0;
            used = 0;
            for (int i = 0; i < q; i++) {
                for (int j = 0; j < m.validKeys()[i]; j++) {
                    if (isCol[j] || isDiag[i - j + n - 1]) {
                        mass += m.at(i, j);
                        used++;
                    }
                }
            }
            mass /= q;
            if (better(mass, used, best)) best = new Fit(VERTICAL_SLASH, vc.size(), sd.size(), mass, used);
        }
        return best;
    }

    static Fit blockSparse(AttentionMap m, long budget, int b) {
        int qb = (m.queries() + b - 1) / b;
        int kb = (m.keys() + b - 1) / b;
        double[] mass = new double[qb * kb];
        long[] cells = new long[qb * kb];
        for (int i = 0; i < m.queries(); i++) {
            for (int j = 0; j < m.validKeys()[i]; j++) {
                mass[(i / b) * kb + j / b] += m.at(i, j);
                cells[(i / b) * kb + j / b]++;
            }
        }
        Integer[] ord = order(mass);
        double got = 0;
        long used = 0;
        int blocks = 0;
        for (int k : ord) {
            if (cells[k] == 0 || mass[k] <= 0 || used + cells[k] > budget) continue;
            used += cells[k];
            got += mass[k];
            blocks++;
        }
        return new Fit(BLOCK_SPARSE, blocks, b, got / m.queries(), used);
    }

    /** More mass wins; at equal mass (to 1e-9) fewer cells win. */
    private static boolean better(double mass, long cells, Fit best) {
        return mass > best.score() + 1e-9 || (Math.abs(mass - best.score()) <= 1e-9 && cells < best.cells());
    }

    private static Integer[] order(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, c) -> Double.compare(v[c], v[a]) != 0 ? Double.compare(v[c], v[a]) : Integer.compare(a, c));
        return idx;
    }
}
