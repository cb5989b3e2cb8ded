package sparsity.analysis.prune.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.prune.Masks;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.Scores;
import sparsity.analysis.prune.SparseGpt;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

/**
 * The built-in methods of a sweep (ALGORITHMS.md, "Pruning masks"), on the existing scores and
 * masks:
 * <ul>
 *   <li>{@code magnitude}: |w|, the same share of every layer;</li>
 *   <li>{@code magnitude-global}: |w| with one threshold over all layers;</li>
 *   <li>{@code random}: seeded random scores, layer-wise;</li>
 *   <li>{@code lamp}: LAMP scores, pruned globally;</li>
 *   <li>{@code wanda}: |W_oi| x ||X_i||, the same share of every output row (calibration data);</li>
 *   <li>{@code sparsegpt}: SparseGPT with its error compensation, layer-wise (calibration data).</li>
 * </ul>
 * {@link #nm} gives the N:M variant of magnitude, random, wanda and sparsegpt (one point at 1 - N/M).
 */
public final class SweepMethods {

    /** Names {@link #of} accepts. */
    public static final List<String> NAMES = List.of("magnitude", "magnitude-global", "random", "lamp", "wanda", "sparsegpt");

    /** Names that have an N:M variant. */
    public static final List<String> NM_NAMES = List.of("magnitude", "random", "wanda", "sparsegpt");

    private SweepMethods() {
    }

    /** The method called {@code name} (one of {@link #NAMES}). */
    public static SweepMethod of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "magnitude" -> layerWise(n, false, (ctx, i, p) -> Scores.magnitude(ctx.dense(i)));
            case "random" -> layerWise(n, false, (ctx, i, p) -> Scores.random(ctx.dense(i).length, ctx.seed() + i));
            case "magnitude-global" -> global(n, Scores::magnitude);
            case "lamp" -> global(n, Scores::lamp);
            case "wanda" -> wanda();
            case "sparsegpt" -> sparseGpt(0, 0);
            default -> throw new IllegalArgumentException("unknown method '" + name + "'; choose from " + String.join(", ", NAMES));
        };
    }

    /** The N:M variant of {@code name} (one of {@link #NM_NAMES}): N of every M inputs of each output row kept. */
    public static SweepMethod nm(String name, int n, int m) {
        if (n < 1 || m < 2 || n >= m) throw new IllegalArgumentException("N:M needs 1 <= N < M, got " + n + ":" + m);
        String base = name.trim().toLowerCase(Locale.ROOT);
        String label = base + " " + n + ":" + m;
        return switch (base) {
            case "magnitude" -> nmScored(label, n, m, false, (ctx, i, p) -> Scores.magnitude(ctx.dense(i)));
            case "random" -> nmScored(label, n, m, false, (ctx, i, p) -> Scores.random(ctx.dense(i).length, ctx.seed() + i));
            case "wanda" -> nmScored(label, n, m, true, (ctx, i, p) -> wandaScores(ctx, i, p));
            case "sparsegpt" -> sparseGpt(n, m);
            default -> throw new IllegalArgumentException("method '" + name + "' has no N:M variant; N:M goes with "
                    + String.join(", ", NM_NAMES));
        };
    }

    /** Scores of one weight of a context, [out, in]. */
    @FunctionalInterface
    private interface LayerScores {
        float[] of(PruneContext ctx, int i, ProgressListener p) throws EvaluationException, InterruptedException;
    }

    private static SweepMethod layerWise(String name, boolean calibrated, LayerScores scores) {
        return new Base(name, Double.NaN, calibrated) {
            @Override
            public Pruner prepare(PruneContext ctx, ProgressListener progress) throws EvaluationException, InterruptedException {
                List<int[]> orders = new ArrayList<>();
                for (int i = 0; i < ctx.weights().size(); i++) {
                    checkInterrupt();
                    float[] s = scores.of(ctx, i, progress);
                    orders.add(Order.ascending(s, 0, s.length));
                }
                return level -> {
                    List<boolean[]> keep = new ArrayList<>();
                    for (int[] o : orders) keep.add(Order.cut(o, level));
                    return ctx.fromMasks(keep);
                };
            }
        };
    }

    private static SweepMethod global(String name, java.util.function.Function<float[], float[]> score) {
        return new Base(name, Double.NaN, false) {
            @Override
            public Pruner prepare(PruneContext ctx, ProgressListener progress) throws InterruptedException {
                List<float[]> s = new ArrayList<>();
                for (int i = 0; i < ctx.weights().size(); i++) {
                    checkInterrupt();
                    s.add(score.apply(ctx.dense(i)));
                }
                int[] order = Order.ascending(s);
                int[] sizes = s.stream().mapToInt(a -> a.length).toArray();
                return level -> {
                    boolean[] flat = Order.cut(order, level);
                    List<boolean[]> keep = new ArrayList<>();
                    int off = 0;
                    for (int n : sizes) {
                        keep.add(java.util.Arrays.copyOfRange(flat, off, off + n));
                        off += n;
                    }
                    return ctx.fromMasks(keep);
                };
            }
        };
    }

    private static float[] wandaScores(PruneContext ctx, int i, ProgressListener p) throws EvaluationException, InterruptedException {
        PrunableWeight w = ctx.weights().get(i);
        return Scores.wanda(ctx.dense(i), w.out(), w.in(), ctx.inputs(i, "wanda", p).norms());
    }

    private static SweepMethod wanda() {
        return new Base("wanda", Double.NaN, true) {
            @Override
            public Pruner prepare(PruneContext ctx, ProgressListener progress) throws EvaluationException, InterruptedException {
                List<int[]> orders = new ArrayList<>();
                for (int i = 0; i < ctx.weights().size(); i++) {
                    checkInterrupt();
                    PrunableWeight w = ctx.weights().get(i);
                    float[] s = wandaScores(ctx, i, progress);
                    int[] o = new int[s.length];
                    for (int r = 0; r < w.out(); r++) {
                        int[] row = Order.ascending(s, r * w.in(), w.in());
                        System.arraycopy(row, 0, o, r * w.in(), w.in());
                    }
                    orders.add(o);
                }
                return level -> {
                    List<boolean[]> keep = new ArrayList<>();
                    for (int i = 0; i < orders.size(); i++) {
                        PrunableWeight w = ctx.weights().get(i);
                        int[] o = orders.get(i);
                        boolean[] k = new boolean[o.length];
                        java.util.Arrays.fill(k, true);
                        int prune = Order.count(w.in(), level);
                        for (int r = 0; r < w.out(); r++) {
                            for (int j = 0; j < prune; j++) k[r * w.in() + o[r * w.in() + j]] = false;
                        }
                        keep.add(k);
                    }
                    return ctx.fromMasks(keep);
                };
            }
        };
    }

    private static SweepMethod nmScored(String label, int n, int m, boolean calibrated, LayerScores scores) {
        return new Base(label, 1 - (double) n / m, calibrated) {
            @Override
            public Pruner prepare(PruneContext ctx, ProgressListener progress) throws EvaluationException, InterruptedException {
                List<boolean[]> keep = new ArrayList<>();
                for (int i = 0; i < ctx.weights().size(); i++) {
                    checkInterrupt();
                    PrunableWeight w = ctx.weights().get(i);
                    keep.add(Masks.nm(scores.of(ctx, i, progress), w.out(), w.in(), n, m));
                }
                PrunedWeights pw = ctx.fromMasks(keep);
                return level -> pw;
            }
        };
    }

    private static SweepMethod sparseGpt(int n, int m) {
        String label = n == 0 ? "sparsegpt" : "sparsegpt " + n + ":" + m;
        return new Base(label, n == 0 ? Double.NaN : 1 - (double) n / m, true) {
            @Override
            public Pruner prepare(PruneContext ctx, ProgressListener progress) throws EvaluationException, InterruptedException {
                List<LinearInputs.Stats> x = new ArrayList<>();
                for (int i = 0; i < ctx.weights().size(); i++) x.add(ctx.inputs(i, "sparsegpt", progress));
                return level -> {
                    List<float[]> out = new ArrayList<>();
                    try (Backend be = Backends.cpu()) {
                        for (int i = 0; i < ctx.weights().size(); i++) {
                            checkInterrupt();
                            PrunableWeight w = ctx.weights().get(i);
                            LinearInputs.Stats s = x.get(i);
                            out.add(SparseGpt.prune(be, ctx.dense(i), w.out(), w.in(), s.sample(), s.sampleRows(), level, n, m).weights());
                        }
                    }
                    return ctx.fromOutIn(out);
                };
            }
        };
    }

    private static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException("pruning cancelled");
    }

    private abstract static class Base implements SweepMethod {
        private final String name;
        private final double fixed;
        private final boolean calibrated;

        Base(String name, double fixed, boolean calibrated) {
            this.name = name;
            this.fixed = fixed;
            this.calibrated = calibrated;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public double fixedLevel() {
            return fixed;
        }

        @Override
        public boolean needsCalibration() {
            return calibrated;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
