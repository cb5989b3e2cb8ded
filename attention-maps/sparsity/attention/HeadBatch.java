package sparsity.attention;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.stream.IntStream;

import sparsity.attention.metrics.AttentionMap;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;

/**
 * Adds one example's maps of many heads to their accumulators, heads in parallel (one thread
 * per core, each head on one thread, so the result does not depend on the thread count), with
 * each row's entropy from the compute layer ({@link Backend#rowEntropy}) and the other metrics
 * from one descending sort per row.
 */
public final class HeadBatch {

    /** Single-threaded (heads are the parallel unit), thread-safe, shared: it holds no pool. */
    private static final Backend BACKEND = Backends.create("vector", 1);

    /** Per worker thread, off-heap room for one map and its row entropies, grown as needed. */
    private static final ThreadLocal<MemorySegment[]> BUFFER = ThreadLocal.withInitial(() -> new MemorySegment[1]);

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
            long cells = (long) m.queries() * m.keys();
            MemorySegment[] holder = BUFFER.get();
            if (holder[0] == null || holder[0].byteSize() < 4 * (cells + m.queries())) {
                holder[0] = Arena.ofAuto().allocate(4 * (cells + m.queries()), 64);
            }
            FloatMatrix p = FloatMatrix.wrap(holder[0], m.queries(), m.keys(), m.keys());
            p.copyFrom(m.p());
            FloatMatrix ent = FloatMatrix.wrapAt(holder[0], 4 * cells, m.queries(), 1);
            BACKEND.rowEntropy(p, ent);
            acc[h].add(m, ent.toArray());
            if (induction != null && induction.start() + 2 * induction.length() <= m.queries()) {
                acc[h].addInduction(m, induction.start(), induction.length());
            }
        });
    }
}
