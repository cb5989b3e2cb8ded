package sparsity.analysis.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Calibration;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PruneResult;
import sparsity.analysis.prune.PruneSpec;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.prune.Pruning;
import sparsity.analysis.prune.SparseGpt;
import sparsity.analysis.samples.SampleModels;
import sparsity.kernels.Backends;

/**
 * The pruning benchmark of issue 7, runnable by any user ({@code ./workbench bench prune}):
 * SparseGPT on all-MiniLM-L6-v2 with calibration over the sample corpus. It times (1) the
 * calibration pass (ONNX Runtime over the sentences, every layer input folded into X^T X by the
 * backend's gemm), (2) SparseGPT alone on the two MLP layers of block 0, the 1536 x 384 shape
 * (intermediate: 1536 outputs of 384 inputs; output: 384 outputs of 1536 inputs), at 50% and
 * 2:4, (3) SparseGPT on all 36 prunable weights at 50%. Each time is split into the compute layer
 * (the backend calls: gemm, cholesky, solveTriangular, measured by {@link TimedBackend}) and the
 * rest (the column walk, mask choice and copies in Java; ONNX Runtime in the calibration).
 */
public final class PruneBench {

    /** Untimed SparseGPT calls before the per-layer timings, for the JIT. */
    static final int WARMUP = 20;

    private PruneBench() {
    }

    public static void run(PrintWriter out, int texts, int rounds) throws Exception {
        run(out, texts, rounds, WARMUP);
    }

    /** As {@link #run(PrintWriter, int, int)} with {@code warmup} untimed SparseGPT calls first. */
    public static void run(PrintWriter out, int texts, int rounds, int warmup) throws Exception {
        Path file = SampleModels.path(SampleModels.MINILM);
        ModelProto m = OnnxModels.read(file);
        var summary = OnnxModels.summarize(file, ProgressListener.NONE);
        List<TextInputs.Line> lines = TextInputs.readFile(SampleModels.corpus());
        lines = lines.subList(0, Math.min(texts, lines.size()));
        var tok = Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow());
        InputSources.Prepared p = InputSources.prepare(summary, new InputSources.Texts(lines, "sample corpus"), tok, 16, 128,
                ProgressListener.NONE);
        try (TimedBackend be = new TimedBackend(Backends.cpu())) {
            out.printf(Locale.ROOT, "prune bench: all-MiniLM-L6-v2, %d texts, %,d real tokens, backend %s, %d threads, %d cores, %d rounds%n",
                    lines.size(), p.stats().tokens(), be.name(), be.threads(), Runtime.getRuntime().availableProcessors(), rounds);
            out.flush();

            long t0 = System.nanoTime();
            Calibration cal = Calibration.collect(m, file, p.batches(), p.description(), true, be, ProgressListener.NONE);
            double calWall = (System.nanoTime() - t0) / 1e9;
            double calKernel = be.seconds();
            out.printf(Locale.ROOT, "calibration (X^T X of 24 layer inputs)   %7.2f s, compute layer %6.2f s (%4.1f%%: gemm), ONNX Runtime %6.2f s, "
                    + "rest %6.2f s (gathering real-token rows, sums of squares)%n", calWall, calKernel, 100 * calKernel / calWall,
                    cal.onnxSeconds(), calWall - calKernel - cal.onnxSeconds());
            out.flush();

            List<PrunableWeight> ws = PrunedModels.supported(m);
            boolean warmed = false;
            for (String node : List.of("/encoder/layer.0/intermediate/dense/MatMul", "/encoder/layer.0/output/dense/MatMul")) {
                PrunableWeight w = ws.stream().filter(x -> x.node().equals(node)).findFirst().orElseThrow();
                float[] v = w.toOutIn(PrunedModels.stored(m, w));
                float[] gram = cal.input(w.name()).orElseThrow().gram();
                if (!warmed) {
                    // the first calls run in the interpreter and the Vector API is not yet compiled: time them apart
                    long s = System.nanoTime();
                    SparseGpt.pruneWithHessian(be, v, w.out(), w.in(), gram, 0.5, 0, 0);
                    double first = (System.nanoTime() - s) / 1e9;
                    s = System.nanoTime();
                    for (int i = 0; i < warmup; i++) SparseGpt.pruneWithHessian(be, v, w.out(), w.in(), gram, 0.5, i % 2 * 2, i % 2 * 4);
                    out.printf(Locale.ROOT, "warm-up: first SparseGPT call %.3f s (cold JIT), then %d calls in %.2f s%n", first, warmup,
                            (System.nanoTime() - s) / 1e9);
                    warmed = true;
                }
                for (int[] nm : new int[][] {{0, 0}, {2, 4}}) {
                    double[] wall = new double[rounds];
                    double[] kern = new double[rounds];
                    List<Map<String, Double>> ops = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        be.reset();
                        long s = System.nanoTime();
                        SparseGpt.pruneWithHessian(be, v, w.out(), w.in(), gram, 0.5, nm[0], nm[1]);
                        wall[r] = (System.nanoTime() - s) / 1e9;
                        kern[r] = be.seconds();
                        ops.add(be.secondsByOp());
                    }
                    int mid = medianIndex(wall);
                    out.printf(Locale.ROOT, "sparsegpt %-4s %4d out x %4d in (%s)  %6.3f s, compute layer %6.3f s (%4.1f%%), rest %6.3f s; "
                                    + "rounds %s; compute ops of the median round: %s%n", nm[0] == 0 ? "50%" : "2:4", w.out(), w.in(), shortName(node),
                            wall[mid], kern[mid], 100 * kern[mid] / wall[mid], wall[mid] - kern[mid], secs(wall), secs(ops.get(mid)));
                    out.flush();
                }
            }

            int whole = Math.max(1, Math.min(rounds, 3));
            double[] wall = new double[whole];
            double[] kern = new double[whole];
            PruneResult last = null;
            for (int r = 0; r < whole; r++) {
                be.reset();
                long s = System.nanoTime();
                last = Pruning.apply(m, PruneSpec.of("sparsegpt", 0.5), cal, be, ProgressListener.NONE);
                wall[r] = (System.nanoTime() - s) / 1e9;
                kern[r] = be.seconds();
            }
            int mid = medianIndex(wall);
            out.printf(Locale.ROOT, "sparsegpt 50%% on all 36 weights (%,d)      %7.2f s, compute layer %6.2f s (%4.1f%%), rest %6.2f s; rounds %s%n",
                    last.prunable(), wall[mid], kern[mid], 100 * kern[mid] / wall[mid], wall[mid] - kern[mid], secs(wall));
            double job = calWall + wall[mid];
            out.printf(Locale.ROOT, "whole job (calibration + pruning)         %7.2f s, compute layer %6.2f s (%4.1f%%)%n", job,
                    calKernel + kern[mid], 100 * (calKernel + kern[mid]) / job);
        }
    }

    private static String shortName(String node) {
        return node.replace("/encoder/", "").replace("/MatMul", "");
    }

    private static String secs(double[] v) {
        List<String> s = new ArrayList<>();
        for (double x : v) s.add(String.format(Locale.ROOT, "%.3f", x));
        return String.join("/", s);
    }

    private static String secs(Map<String, Double> ops) {
        List<String> s = new ArrayList<>();
        ops.forEach((k, v) -> s.add(String.format(Locale.ROOT, "%s %.3f", k, v)));
        return String.join(", ", s);
    }

    private static int medianIndex(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> Double.compare(v[a], v[b]));
        return idx[v.length / 2];
    }
}
