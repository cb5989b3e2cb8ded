package sparsity.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A lane sum in one fixed order. {@code reduceLanes(ADD)} may add the lanes in a different order
 * when the JIT has compiled it than when it has not (its contract allows any order), so the same
 * input gave different sums in different runs of one program. Here the halves are folded onto
 * each other with explicit lanewise adds (L/2, L/4, ... 1 apart), which every execution mode
 * computes identically.
 */
final class Lanes {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FOLD = new VectorShuffle[Integer.numberOfTrailingZeros(L) + 1];

    static {
        for (int h = L / 2, i = 0; h >= 1; h /= 2, i++) FOLD[i] = VectorShuffle.iota(S, h, 1, true);
    }

    private Lanes() {
    }

    /** The sum of the lanes of {@code v}, the same in every run. */
    static float sum(FloatVector v) {
        FloatVector x = v;
        for (int h = L / 2, i = 0; h >= 1; h /= 2, i++) x = x.add(x.rearrange(FOLD[i]));
        return x.lane(0);
    }
}
