package sparsity.attention.metrics;

import java.util.Arrays;

/**
 * Per-head metrics of ALGORITHMS.md, "Attention maps", averaged over query rows and examples:
 * entropy and normalized entropy; coverage density at each tau; the recall-at-density curve;
 * sink (mass on the first {@code sinkKeys} keys), previous-token (p[i, i-1]), local (mass within
 * {@code window} of the diagonal) and, on repeated sequences, induction scores. Add maps with
 * {@link Accumulator#add}, then read {@link Accumulator#result()}.
 */
public final class HeadMetrics {

    /** What to measure. */
    public record Settings(double[] coverageTaus, double[] recallDensities, int sinkKeys, int localWindow) {
        public Settings {
            coverageTaus = coverageTaus.clone();
            recallDensities = recallDensities.clone();
            if (sinkKeys < 1 || localWindow < 0) throw new IllegalArgumentException("sinkKeys >= 1 and window >= 0");
        }

        public static Settings defaults() {
            return new Settings(new double[] {0.9, 0.95, 0.99},
                    new double[] {0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0}, 1, 2);
        }
    }

    /**
     * The metrics of one head.
     *
     * @param coverage   per tau of the settings, the coverage density (sparsity = 1 - density)
     * @param recall     per density of the settings, the recall (mass held)
     * @param induction  {@link Stat#NONE} unless repeated sequences were added
     */
    public record Result(Settings settings, Stat entropy, Stat normalizedEntropy, Stat[] coverage, Stat[] recall,
                         Stat sink, Stat previousToken, Stat local, Stat induction, long rows, int examples) {

        /** Coverage density at a tau of the settings. */
        public Stat coverageAt(double tau) {
            for (int t = 0; t < settings.coverageTaus().length; t++) {
                if (settings.coverageTaus()[t] == tau) return coverage[t];
            }
            throw new IllegalArgumentException("tau " + tau + " was not measured");
        }
    }

    private HeadMetrics() {
    }

    /** Collects the rows of one head over many examples. Not thread-safe. */
    public static final class Accumulator {
        private final Settings s;
        private final Stat.Acc entropy = new Stat.Acc();
        private final Stat.Acc normEntropy = new Stat.Acc();
        private final Stat.Acc[] coverage;
        private final Stat.Acc[] recall;
        private final Stat.Acc sink = new Stat.Acc();
        private final Stat.Acc prev = new Stat.Acc();
        private final Stat.Acc local = new Stat.Acc();
        private final Stat.Acc induction = new Stat.Acc();
        private float[] scratch = new float[0];
        private long rows;
        private int examples;

        public Accumulator(Settings s) {
            this.s = s;
            coverage = newAccs(s.coverageTaus().length);
            recall = newAccs(s.recallDensities().length);
        }

        private static Stat.Acc[] newAccs(int n) {
            Stat.Acc[] a = new Stat.Acc[n];
            for (int i = 0; i < n; i++) a[i] = new Stat.Acc();
            return a;
        }

        /** Adds every row of one example's map. */
        public Accumulator add(AttentionMap map) {
            return add(map, null);
        }

        /**
         * As {@link #add(AttentionMap)}, with each row's entropy already computed (by the compute
         * layer's {@code rowEntropy}, say); null to compute it here.
         */
        public Accumulator add(AttentionMap map, float[] rowEntropy) {
            if (rowEntropy != null && rowEntropy.length != map.queries()) {
                throw new IllegalArgumentException("need one entropy per query row");
            }
            if (scratch.length < map.keys()) scratch = new float[map.keys()];
            float[] p = map.p();
            for (int i = 0; i < map.queries(); i++) {
                int m = map.validKeys()[i];
                int off = i * map.keys();
                double h = rowEntropy != null ? rowEntropy[i] : RowMetrics.entropy(p, off, m);
                entropy.add(h);
                normEntropy.add(m <= 1 ? 0 : h / Math.log(m));
                float[] sorted = RowMetrics.sortedDescending(p, off, m, scratch);
                for (int t = 0; t < coverage.length; t++) {
                    coverage[t].add(RowMetrics.coverageDensity(sorted, m, s.coverageTaus()[t]));
                }
                for (int r = 0; r < recall.length; r++) {
                    recall[r].add(RowMetrics.recallAtDensity(sorted, m, s.recallDensities()[r]));
                }
                if (m > s.sinkKeys()) {
                    double acc = 0;
                    for (int j = 0; j < s.sinkKeys(); j++) acc += p[off + j];
                    sink.add(acc);
                }
                if (i >= 1 && i - 1 < m) prev.add(p[off + i - 1]);
                local.add(RowMetrics.localMass(p, off, m, Math.min(i, m - 1), s.localWindow()));
                rows++;
            }
            examples++;
            return this;
        }

        /**
         * Adds the induction rows of a map over a random sequence repeated twice: the first copy
         * starts at position {@code start} and has {@code length} tokens; each position i of the
         * second copy should attend to i - length + 1. Call {@link #add} too for the other metrics.
         */
        public Accumulator addInduction(AttentionMap map, int start, int length) {
            if (start < 0 || start + 2 * length > map.queries()) {
                throw new IllegalArgumentException("two copies of " + length + " from " + start + " do not fit "
                        + map.queries() + " rows");
            }
            for (int i = start + length; i < start + 2 * length; i++) {
                int target = i - length + 1;
                if (target < map.validKeys()[i]) induction.add(map.at(i, target));
            }
            return this;
        }

        public Result result() {
            return new Result(s, entropy.stat(), normEntropy.stat(), stats(coverage), stats(recall), sink.stat(),
                    prev.stat(), local.stat(), induction.stat(), rows, examples);
        }

        private static Stat[] stats(Stat.Acc[] a) {
            return Arrays.stream(a).map(Stat.Acc::stat).toArray(Stat[]::new);
        }
    }
}
