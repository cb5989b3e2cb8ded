package sparsity.views.attention;

import java.util.List;

import sparsity.attention.HeadAnalysis;

/**
 * Finds the induction-probe layout of a set of examples: a block of tokens immediately repeated
 * ({@code t[s..s+L) == t[s+L..s+2L)}) at the same place in every example, as in the repeated
 * random sequences on which induction heads are measured. Only a repeat that covers at least
 * half of each example and has at least {@link #MIN_LENGTH} tokens counts, so ordinary text
 * (where short repeats happen by chance) gets no induction scores.
 */
public final class InductionProbes {

    /** The shortest repeated block that counts. */
    public static final int MIN_LENGTH = 4;
    /** Longest example searched (the search is cubic in the worst case). */
    public static final int MAX_SCAN = 4096;

    private InductionProbes() {
    }

    /**
     * The layout shared by every example (token ids or texts per example), or null when the
     * examples do not all hold the same long repeat.
     */
    public static HeadAnalysis.InductionLayout detect(List<? extends List<?>> examples) {
        if (examples.isEmpty()) return null;
        List<?> first = examples.getFirst();
        int n = first.size();
        if (n > MAX_SCAN) return null;
        for (int len = n / 2; len >= MIN_LENGTH && 2 * len * 2 >= n; len--) {
            for (int s = 0; s + 2 * len <= n; s++) {
                if (!repeats(first, s, len)) continue;
                final int start = s;
                final int length = len;
                boolean all = examples.stream().allMatch(e -> e.size() >= start + 2 * length && repeats(e, start, length));
                return all ? new HeadAnalysis.InductionLayout(start, length) : null;
            }
        }
        return null;
    }

    static boolean repeats(List<?> t, int s, int len) {
        for (int i = 0; i < len; i++) {
            if (!java.util.Objects.equals(t.get(s + i), t.get(s + len + i))) return false;
        }
        return true;
    }
}
