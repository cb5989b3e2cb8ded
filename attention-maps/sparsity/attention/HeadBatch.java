package sparsity.attention;

import java.util.List;
import java.util.stream.IntStream;

import sparsity.attention.metrics.AttentionMap;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

/**
 * Adds one example's maps of many heads to their accumulators, heads in parallel (one thread
 * per core, each head on one thread, so the result does not depend on the thread count), with
 * each row's entropy from the compute layer ({@link Backend#rowEntropy}) and the other metrics
 * from one descending sort per row.
 */
public final class HeadBatch {

    private HeadBatch() {
    }

    /**
     * @param maps one map per head
     * @param acc  one accumulator per head (same order)
     */
    public static void add(List<AttentionMap> maps, HeadMetrics.Accumulator[] acc, HeadAnalysis.InductionLayout induction) {
        if (maps.size() != acc.length) throw new IllegalArgumentException("one accumulator per map");
        IntStream.range(0, maps.size()).parallel().forEach(h -> {
            AttentionMap m = maps.get(h);
            try (MemoryScope s = MemoryScope.open(); Backend be = Backends.create("vector", 1)) {
                FloatMatrix p = s.floats(m.queries(), m.keys(), m.p());
                FloatMatrix ent = s.floats(m.queries(), 1);
                be.rowEntropy(p, ent);
                acc[h].add(m, ent.toArray());
            }
            if (induction != null && induction.start() + 2 * induction.length() <= m.queries()) {
                acc[h].addInduction(m, induction.start(), induction.length());
            }
        });
    }
}
