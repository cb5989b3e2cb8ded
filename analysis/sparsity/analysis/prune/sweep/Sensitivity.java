package sparsity.analysis.prune.sweep;

import java.util.List;
import java.util.Locale;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.evaluate.Evaluator;
import sparsity.analysis.prune.PrunableWeight;

/**
 * Layer sensitivity (ALGORITHMS.md, "Pruning masks"; as SparseML's sensitivity analysis): each
 * prunable layer pruned alone at several levels, the rest dense, each model exported and
 * measured; the drop from the dense value per layer and level is the heatmap. Stops when the
 * thread is interrupted.
 */
public final class Sensitivity {

    private Sensitivity() {
    }

    /**
     * @param method a layer-wise method (magnitude by default); a global one pruned on one layer is layer-wise too
     * @param listener receives each point (method name "LAYER" of the weight) as it is measured
     */
    public static SensitivityResult run(Evaluator ev, PruneContext ctx, SweepMethod method, List<Double> levels,
                                        SweepListener listener, ProgressListener progress) throws EvaluationException, InterruptedException {
        Sweep.checkLevels(levels);
        if (method.structured()) {
            throw new IllegalArgumentException("sensitivity prunes one layer at a time; " + method.name()
                    + " removes whole heads or channels across several layers (pick magnitude, random, wanda or sparsegpt)");
        }
        if (!Double.isNaN(method.fixedLevel())) {
            throw new IllegalArgumentException("sensitivity prunes at several levels; " + method.name() + " has one (N:M)");
        }
        long t0 = System.nanoTime();
        List<PrunableWeight> ws = ctx.weights();
        double[][] values = new double[ws.size()][levels.size()];
        int total = ws.size() * levels.size();
        for (int i = 0; i < ws.size(); i++) {
            PrunableWeight w = ws.get(i);
            PruneContext one = ctx.only(i);
            if (Thread.interrupted()) throw new InterruptedException("sensitivity cancelled");
            SweepMethod.Pruner p = method.prepare(one, ProgressListener.NONE);
            for (int j = 0; j < levels.size(); j++) {
                if (Thread.interrupted()) throw new InterruptedException("sensitivity cancelled");
                progress.update((double) (i * levels.size() + j) / total,
                        String.format(Locale.ROOT, "Sensitivity: %s at %s", w.name(), Sweep.percent(levels.get(j))));
                SweepPoint pt;
                try {
                    pt = Sweep.point(ev, one, w.name(), p, levels.get(j), null);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e); // no files are written without a folder
                }
                values[i][j] = pt.value();
                listener.point(pt);
            }
        }
        progress.update(1, "Sensitivity done");
        return new SensitivityResult(ev.metric(), method.name(), ev.dense().value(), ws, levels, values, (System.nanoTime() - t0) / 1e9);
    }
}
