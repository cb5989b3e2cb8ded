package sparsity.analysis.prune.sweep;

import java.util.List;
import java.util.Locale;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.prune.NM;
import sparsity.analysis.prune.PruneMethod;
import sparsity.analysis.prune.PruneResult;
import sparsity.analysis.prune.PruneSpec;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.Pruning;

/**
 * The methods of a sweep: every method of the pruning facade ({@link Pruning#methods()}:
 * magnitude, magnitude-global, random, lamp, wanda, sparsegpt, heads, channels), each level
 * pruned by {@link Pruning#apply} on the context's weights (given to the facade as its include
 * list), with the context's calibration statistics gathered once per sweep for the methods that
 * read them. {@link #nm} gives the N:M variant of the methods that take a pattern (one point at
 * 1 - N/M).
 */
public final class SweepMethods {

    /** Names {@link #of} accepts, in the facade's menu order. */
    public static final List<String> NAMES = Pruning.methods().stream().map(PruneMethod::name).toList();

    /** Names that have an N:M variant. */
    public static final List<String> NM_NAMES = Pruning.methods().stream().filter(PruneMethod::nm).map(PruneMethod::name).toList();

    private SweepMethods() {
    }

    /** The method called {@code name} (one of {@link #NAMES}). */
    public static SweepMethod of(String name) {
        return new FacadeMethod(Pruning.method(name.trim().toLowerCase(Locale.ROOT)), null);
    }

    /** The N:M variant of {@code name} (one of {@link #NM_NAMES}): N of every M inputs of each output row kept. */
    public static SweepMethod nm(String name, int n, int m) {
        PruneMethod pm = Pruning.method(name.trim().toLowerCase(Locale.ROOT));
        if (!pm.nm()) {
            throw new IllegalArgumentException("method '" + name + "' has no N:M variant; N:M goes with " + String.join(", ", NM_NAMES));
        }
        if (n < 1 || n >= m) throw new IllegalArgumentException("N:M needs 1 <= N < M, got " + n + ":" + m);
        return new FacadeMethod(pm, new NM(n, m));
    }

    /** A facade method, unstructured, N:M or structured. */
    private record FacadeMethod(PruneMethod method, NM pattern) implements SweepMethod {

        @Override
        public String name() {
            return pattern == null ? method.name() : method.name() + " " + pattern;
        }

        @Override
        public double fixedLevel() {
            return pattern == null ? Double.NaN : pattern.sparsity();
        }

        @Override
        public boolean needsCalibration() {
            return method.needsCalibration();
        }

        @Override
        public boolean structured() {
            return method.structured();
        }

        @Override
        public Pruner prepare(PruneContext ctx, ProgressListener progress) throws EvaluationException, InterruptedException {
            sparsity.analysis.prune.Calibration cal = null;
            boolean optional = method.calibration() == PruneMethod.Calibration.OPTIONAL;
            if (method.needsCalibration() || optional && ctx.calibration() != null) {
                cal = ctx.facadeCalibration(method.name(), method.gram(), progress);
            }
            final sparsity.analysis.prune.Calibration c = cal;
            List<String> include = ctx.weights().stream().map(PrunableWeight::name).toList();
            return level -> {
                PruneSpec spec = new PruneSpec(method.name(), level, pattern, include, List.of(), ctx.seed());
                PruneResult r = Pruning.apply(ctx.model(), spec, c, ProgressListener.NONE);
                return ctx.fromStored(r.weights());
            };
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
