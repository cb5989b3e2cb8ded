package sparsity.analysis.prune.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.Evaluation;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.evaluate.Evaluator;

/**
 * The accuracy-vs-sparsity sweep (ALGORITHMS.md, "Pruning masks"): every method at every level,
 * each point measured on the pruned model exported to ONNX bytes and run by ONNX Runtime against
 * the dense outputs. Points go to a {@link SweepListener} as they are measured, so a chart can
 * grow while the sweep runs; the sweep stops between points (and between evaluation batches)
 * when its thread is interrupted. A method that cannot prune the model (the facade refuses it
 * with an {@link IllegalArgumentException}: heads on a model without attention blocks, say) is
 * skipped, with the reason in {@link SweepResult#skipped()}, and the sweep goes on.
 *
 * <pre>{@code
 * try (Evaluator ev = Evaluator.open(file, model, EvalData.forSample(SampleModels.MNIST_MLP, 0, 256), null, null)) {
 *     PruneContext ctx = PruneContext.of(file, model, PrunedModels.supported(model), ev.data().first(512), 0);
 *     SweepResult r = Sweep.run(ev, ctx, List.of(SweepMethods.of("magnitude"), SweepMethods.of("lamp")),
 *             List.of(0.0, 0.5, 0.9), null, point -> chart.add(point), ProgressListener.NONE);
 * }
 * }</pre>
 */
public final class Sweep {

    private Sweep() {
    }

    /**
     * @param levels     sparsities in [0, 1], in the order to run them
     * @param keepModels a folder to write each point's ONNX file to (the bytes that were measured), or null
     */
    public static SweepResult run(Evaluator ev, PruneContext ctx, List<SweepMethod> methods, List<Double> levels, Path keepModels,
                                  SweepListener listener, ProgressListener progress)
            throws EvaluationException, InterruptedException, IOException {
        checkLevels(levels);
        if (methods.isEmpty()) throw new IllegalArgumentException("name at least one method");
        long start = System.nanoTime();
        int total = 0;
        for (SweepMethod m : methods) total += Double.isNaN(m.fixedLevel()) ? levels.size() : 1;
        List<SweepPoint> points = new ArrayList<>();
        Map<String, Double> prepare = new LinkedHashMap<>();
        if (keepModels != null) Files.createDirectories(keepModels);
        List<String> skipped = new ArrayList<>();
        for (SweepMethod m : methods) {
            if (Thread.interrupted()) throw new InterruptedException("sweep cancelled");
            long t0 = System.nanoTime();
            int doneBefore = points.size();
            final int all = total;
            List<Double> ls = Double.isNaN(m.fixedLevel()) ? levels : List.of(m.fixedLevel());
            try {
                SweepMethod.Pruner pruner = m.prepare(ctx, (f, msg) -> progress.update(f < 0 ? -1 : (doneBefore + 0.5 * f) / all, m.name() + ": " + msg));
                prepare.put(m.name(), (System.nanoTime() - t0) / 1e9);
                for (double level : ls) {
                    if (Thread.interrupted()) throw new InterruptedException("sweep cancelled");
                    progress.update((double) points.size() / total, String.format(Locale.ROOT, "%s at %s", m.name(), percent(level)));
                    SweepPoint p = point(ev, ctx, m.name(), pruner, level, keepModels);
                    points.add(p);
                    listener.point(p);
                }
            } catch (IllegalArgumentException e) {
                // the method cannot prune this model (no attention blocks for heads, an N:M width that does not fit ...)
                skipped.add(m.name() + ": " + e.getMessage());
                total -= ls.size() - (points.size() - doneBefore);
            }
        }
        progress.update(1, "Sweep done");
        return new SweepResult(ev.metric(), ev.output(), ev.data().description(), ev.dense(), points, prepare, skipped,
                (System.nanoTime() - start) / 1e9);
    }

    /** One method at one level: pruned, exported, evaluated. */
    static SweepPoint point(Evaluator ev, PruneContext ctx, String method, SweepMethod.Pruner pruner, double level, Path keepModels)
            throws EvaluationException, InterruptedException, IOException {
        long t0 = System.nanoTime();
        PrunedWeights pw = pruner.apply(level);
        long t1 = System.nanoTime();
        byte[] onnx = pw.applyTo(ctx.model()).toByteArray();
        long t2 = System.nanoTime();
        Evaluation e = ev.evaluate(onnx);
        if (keepModels != null) Files.write(keepModels.resolve(fileName(method, level)), onnx);
        long t3 = System.nanoTime();
        return new SweepPoint(method, level, e.value(), pw.sparsity(), (t3 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9, e, pw.layers());
    }

    /** The file a kept model of a point goes to, e.g. "magnitude-global-90.onnx", "wanda-2of4-50.onnx". */
    public static String fileName(String method, double level) {
        String m = method.replace(':', 'o').replaceAll("[^A-Za-z0-9.-]+", "-");
        m = m.replaceAll("(\\d)o(\\d)", "$1of$2");
        return m + "-" + percent(level).replace("%", "").replace('.', '_') + ".onnx";
    }

    /** A level as a percentage without needless digits: 0.5 -> "50%", 0.995 -> "99.5%". */
    public static String percent(double level) {
        double p = Math.round(level * 1e6) / 1e4;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }

    static void checkLevels(List<Double> levels) {
        if (levels.isEmpty()) throw new IllegalArgumentException("name at least one sparsity level");
        for (double l : levels) {
            if (!(l >= 0 && l <= 1)) throw new IllegalArgumentException("sparsity levels are in [0, 1] (0 to 100%), got " + l);
        }
    }
}
