package sparsity.analysis.prune;

import java.util.List;

/**
 * What to prune and how.
 *
 * @param method   a method name of {@link Pruning#methods()}
 * @param sparsity the share to remove in [0, 1] (of the weights, per layer or over all as the
 *                 method says; of the heads or channels of each block for structured methods);
 *                 with an N:M pattern it is 1 - N/M
 * @param nm       an N:M pattern, or null for unstructured
 * @param include  weights to prune (tensor or node names, globs, re:); empty: every weight
 * @param exclude  weights to leave dense (same patterns); wins over include
 * @param seed     for the random method
 */
public record PruneSpec(String method, double sparsity, NM nm, List<String> include, List<String> exclude, long seed) {

    public PruneSpec {
        if (method == null || method.isBlank()) throw new IllegalArgumentException("choose a pruning method");
        if (nm != null) sparsity = nm.sparsity();
        if (!(sparsity >= 0 && sparsity <= 1)) throw new IllegalArgumentException("sparsity must be in [0, 1], was " + sparsity);
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    /** Unstructured, every weight, seed 0. */
    public static PruneSpec of(String method, double sparsity) {
        return new PruneSpec(method, sparsity, null, List.of(), List.of(), 0);
    }

    public PruneSpec withNm(NM pattern) {
        return new PruneSpec(method, pattern != null ? pattern.sparsity() : sparsity, pattern, include, exclude, seed);
    }

    public PruneSpec withInclude(List<String> patterns) {
        return new PruneSpec(method, sparsity, nm, patterns, exclude, seed);
    }

    public PruneSpec withExclude(List<String> patterns) {
        return new PruneSpec(method, sparsity, nm, include, patterns, seed);
    }

    public PruneSpec withSeed(long s) {
        return new PruneSpec(method, sparsity, nm, include, exclude, s);
    }

    /** "wanda 50%", "magnitude 2:4". */
    public String describe() {
        return method + " " + (nm != null ? nm.toString() : String.format(java.util.Locale.ROOT, "%.4g%%", 100 * sparsity));
    }
}
