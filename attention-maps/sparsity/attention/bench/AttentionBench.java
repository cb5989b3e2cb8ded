package sparsity.attention.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import sparsity.attention.HeadBatch;
import sparsity.attention.metrics.AttentionMap;
import sparsity.attention.metrics.HeadMetrics;

/**
 * The attention-metrics benchmark of issue 6 ({@code ./workbench bench attention}): causal maps
 * of {@code layers x heads} heads at {@code tokens} tokens (softmax of random logits with a
 * previous-token and a first-token bias, so rows are peaked like real heads), and every metric of
 * {@link HeadMetrics} computed (a) by plain scalar code, one pass per metric and one sort per
 * coverage level and recall density, on one thread, and (b) by the workbench: heads in parallel,
 * row entropy from the compute layer, one sort per row. Both are checked to agree.
 */
public final class AttentionBench {

    private AttentionBench() {
    }

    public static void run(PrintWriter out, int layers, int heads, int tokens, int rounds) {
        HeadMetrics.Settings st = HeadMetrics.Settings.defaults();
        List<AttentionMap> maps = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < layers * heads; i++) maps.add(causalMap(tokens, r));
        out.printf(Locale.ROOT, "attention bench: %d layers x %d heads, %d tokens (causal), %d rounds, %d cores%n", layers, heads,
                tokens, rounds, Runtime.getRuntime().availableProcessors());
        double[] plain = new double[rounds];
        double[] ours = new double[rounds];
        double[][] plainResult = null;
        HeadMetrics.Result[] oursResult = null;
        for (int round = 0; round < rounds; round++) {
            long t0 = System.nanoTime();
            plainResult = new double[maps.size()][];
            for (int i = 0; i < maps.size(); i++) plainResult[i] = PlainMetrics.compute(maps.get(i), st);
            plain[round] = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            HeadMetrics.Accumulator[] acc = new HeadMetrics.Accumulator[maps.size()];
            for (int i = 0; i < acc.length; i++) acc[i] = new HeadMetrics.Accumulator(st);
            HeadBatch.add(maps, acc, null);
            oursResult = Arrays.stream(acc).map(HeadMetrics.Accumulator::result).toArray(HeadMetrics.Result[]::new);
            ours[round] = (System.nanoTime() - t1) / 1e9;
            out.printf(Locale.ROOT, "  round %d: plain scalar %.3f s, workbench %.3f s%n", round + 1, plain[round], ours[round]);
        }
        double worst = 0;
        for (int i = 0; i < maps.size(); i++) {
            double[] p = plainResult[i];
            HeadMetrics.Result o = oursResult[i];
            double[] w = {o.entropy().mean(), o.coverage()[0].mean(), o.coverage()[1].mean(), o.coverage()[2].mean(),
                    o.recall()[3].mean(), o.sink().mean(), o.previousToken().mean(), o.local().mean()};
            for (int j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j] - p[j]));
        }
        double mp = median(plain);
        double mo = median(ours);
        out.printf(Locale.ROOT, "plain scalar   %.3f s (median)%n", mp);
        out.printf(Locale.ROOT, "workbench      %.3f s (median), %.2f x faster; largest difference of a metric %.2e%n", mo, mp / mo, worst);
    }

    static AttentionMap causalMap(int n, SplittableRandom r) {
        float[] p = new float[n * n];
        double[] logit = new double[n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= i; j++) {
                logit[j] = 2 * r.nextDouble() + (j == 0 ? 3 : 0) + (j == i - 1 ? 4 : 0);
                max = Math.max(max, logit[j]);
            }
            double sum = 0;
            for (int j = 0; j <= i; j++) sum += Math.exp(logit[j] - max);
            for (int j = 0; j <= i; j++) p[i * n + j] = (float) (Math.exp(logit[j] - max) / sum);
        }
        return AttentionMap.causal(p, n);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    /** The metrics written plainly: one pass or one sort per metric, as a first version would. */
    static final class PlainMetrics {
        private PlainMetrics() {
        }

        /** entropy, density at 0.9/0.95/0.99, recall at 0.1, sink, previous-token, local: means over rows. */
        static double[] compute(AttentionMap m, HeadMetrics.Settings s) {
            int q = m.queries();
            int k = m.keys();
            float[] p = m.p();
            double ent = 0;
            double[] dens = new double[3];
            double rec = 0;
            double sink = 0;
            int sinkRows = 0;
            double prev = 0;
            int prevRows = 0;
            double local = 0;
            for (int i = 0; i < q; i++) {
                int v = m.validKeys()[i];
                int off = i * k;
                for (int j = 0; j < v; j++) if (p[off + j] > 0) ent -= p[off + j] * Math.log(p[off + j]);
                double[] taus = {0.9, 0.95, 0.99};
                for (int t = 0; t < 3; t++) {
                    float[] row = Arrays.copyOfRange(p, off, off + v);
                    Arrays.sort(row);
                    double acc = 0;
                    int c = 0;
                    while (c < v && acc < taus[t] - 1e-7) acc += row[v - 1 - c++];
                    dens[t] += (double) Math.max(c, 1) / v;
                }
                float[] row = Arrays.copyOfRange(p, off, off + v);
                Arrays.sort(row);
                int top = (int) Math.min(v, Math.ceil(0.1 * v - 1e-9));
                for (int c = 0; c < top; c++) rec += row[v - 1 - c];
                if (v > s.sinkKeys()) {
                    sink += p[off];
                    sinkRows++;
                }
                if (i >= 1) {
                    prev += p[off + i - 1];
                    prevRows++;
                }
                int lo = Math.max(0, i - s.localWindow());
                int hi = Math.min(v - 1, i + s.localWindow());
                for (int j = lo; j <= hi; j++) local += p[off + j];
            }
            return new double[] {ent / q, dens[0] / q, dens[1] / q, dens[2] / q, rec / q, sink / sinkRows, prev / prevRows, local / q};
        }
    }
}
