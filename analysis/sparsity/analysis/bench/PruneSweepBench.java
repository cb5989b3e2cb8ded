package sparsity.analysis.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.onnx.proto.OnnxMl.ModelProto;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvalData;
import sparsity.analysis.evaluate.Evaluator;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.prune.sweep.PruneContext;
import sparsity.analysis.prune.sweep.Sweep;
import sparsity.analysis.prune.sweep.SweepListener;
import sparsity.analysis.prune.sweep.SweepMethod;
import sparsity.analysis.prune.sweep.SweepMethods;
import sparsity.analysis.prune.sweep.SweepPoint;
import sparsity.analysis.prune.sweep.SweepResult;
import sparsity.analysis.samples.SampleModels;

/**
 * The sweep benchmark of issue 7 ({@code ./workbench bench sweep}): a full accuracy-vs-sparsity
 * sweep on the MNIST sample (methods x the default 12 levels, 2,000 held-out digits), its wall
 * time split into: preparing each method (scores, calibration statistics), computing the pruned
 * weights at each level (masks; SparseGPT's updates on the kernels backend), exporting the
 * model to ONNX bytes, ONNX Runtime (building a session from the bytes, running the batches),
 * comparing outputs, and the rest. After a warm-up sweep, the split of the median round (by wall
 * time) is printed; the process CPU time is printed too,
 * since on a shared machine wall time alone misleads.
 */
public final class PruneSweepBench {

    public static final List<Double> LEVELS = List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99);

    private PruneSweepBench() {
    }

    /** Time split of one sweep, in seconds. */
    record Split(double wall, double cpu, double prepare, double prune, double export, double session, double run, double metric, int points) {
        double rest() {
            return wall - prepare - prune - export - session - run - metric;
        }
    }

    public static void run(PrintWriter out, int rounds) throws Exception {
        Path file = SampleModels.path(SampleModels.MNIST_MLP);
        ModelProto model = OnnxModels.read(file);
        EvalData data = EvalData.forSample(SampleModels.MNIST_MLP, 0, 500);
        out.printf(Locale.ROOT, "prune sweep bench: mnist-mlp (235,146 parameters, 3 Gemm weights), %,d held-out digits in batches of 500, "
                + "%d levels, %d rounds, %d cores%n", data.examples(), LEVELS.size(), rounds, Runtime.getRuntime().availableProcessors());
        List<List<String>> sets = List.of(List.of("magnitude", "magnitude-global", "random", "lamp"), List.of("wanda", "sparsegpt"));
        for (List<String> names : sets) {
            once(file, model, data, names); // warm-up (class loading, JIT), not counted
            List<Split> splits = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Split s = once(file, model, data, names);
                splits.add(s);
                out.printf(Locale.ROOT, "  round %d, %s: %d points, wall %.2f s, process CPU %.2f s%n", r + 1, String.join(", ", names),
                        s.points(), s.wall(), s.cpu());
                out.flush();
            }
            // the split of the median round (by wall time), so that the parts add up
            List<Split> byWall = new ArrayList<>(splits);
            byWall.sort(java.util.Comparator.comparingDouble(Split::wall));
            Split m = byWall.get(byWall.size() / 2);
            out.printf(Locale.ROOT, "%s x %d levels (%d points), median round: wall %.2f s (%.1f ms per point), process CPU %.2f s%n", String.join(", ", names),
                    LEVELS.size(), m.points(), m.wall(), 1000 * m.wall() / m.points(), m.cpu());
            line(out, "prepare (scores, calibration)", m.prepare(), m.wall());
            line(out, "pruned weights per level", m.prune(), m.wall());
            line(out, "export to ONNX bytes", m.export(), m.wall());
            line(out, "ONNX Runtime: session from bytes", m.session(), m.wall());
            line(out, "ONNX Runtime: run 2,000 digits", m.run(), m.wall());
            line(out, "compare outputs (metrics)", m.metric(), m.wall());
            line(out, "rest (bookkeeping, GC)", m.rest(), m.wall());
            out.flush();
        }
    }

    private static Split once(Path file, ModelProto model, EvalData data, List<String> names) throws Exception {
        List<SweepMethod> methods = names.stream().map(SweepMethods::of).toList();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Evaluator ev = Evaluator.open(file, model, data, null, null)) {
            PruneContext ctx = PruneContext.of(file, model, PrunedModels.supported(model), data.first(512), 0);
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            SweepResult r = Sweep.run(ev, ctx, methods, LEVELS, null, SweepListener.NONE, ProgressListener.NONE);
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (os.getProcessCpuTime() - c0) / 1e9;
            double prepare = r.prepareSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
            double prune = 0;
            double export = 0;
            double session = 0;
            double run = 0;
            double metric = 0;
            for (SweepPoint p : r.points()) {
                prune += p.pruneSeconds();
                export += p.exportSeconds();
                session += p.evaluation().sessionSeconds();
                run += p.evaluation().runSeconds();
                metric += p.evaluation().metricSeconds();
            }
            return new Split(wall, cpu, prepare, prune, export, session, run, metric, r.points().size());
        }
    }

    private static void line(PrintWriter out, String what, double s, double wall) {
        out.printf(Locale.ROOT, "  %-34s %7.3f s  %5.1f%%%n", what, s, 100 * s / wall);
    }

}
