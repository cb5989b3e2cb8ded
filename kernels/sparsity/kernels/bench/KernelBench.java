package sparsity.kernels.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

import sparsity.kernels.Backend;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cpu.VectorBackend;

/**
 * {@code ./workbench bench kernels}: how fast the compute layer runs on this machine, at the
 * sparse-autoencoder shapes (batch 4096; d 384 with n 3072, d 768 with n 6144; k 32). One line per
 * shape and thread count:
 * <pre>
 * gemm 4096x384x3072 op=NN threads=2 gflops=181.2 best=190.3 ms=53.3
 * topk 4096x3072 k=32 threads=2 rows_per_s=2.1e+06 ms=1.95
 * sparse-decode B=4096 k=32 n=3072 d=384 threads=2 gflops=... ms=...
 * </pre>
 * gemm shapes are M x K x N of C = op(A) op(B); op NN is the encoder (X W), NT and TN the
 * backward-pass transposes (dX = dH W^T, dW = X^T dH). gflops is 2MKN over the median wall time
 * of {@code repeats} calls after a warm-up (at least 5 calls and 3 s), best over the fastest
 * call, cpu_gflops over the median CPU time the process used per call (less disturbed than wall
 * time when other programs share the cores). Plain
 * System.nanoTime, no JMH: for finer work use the JMH suite (BENCHMARKS.md).
 */
public final class KernelBench {

    /** gemm shapes: M, K, N, transA, transB. */
    static final int[][] GEMM = {
            {4096, 384, 3072, 0, 0}, {4096, 768, 6144, 0, 0},
            {4096, 3072, 384, 0, 1}, {384, 4096, 3072, 1, 0},
            {4096, 6144, 768, 0, 1}, {768, 4096, 6144, 1, 0}};

    /** SAE sizes: d, n (k = 32, batch 4096). */
    static final int[][] SAE = {{384, 3072}, {768, 6144}};
    static final int BATCH = 4096;
    static final int K = 32;

    private KernelBench() {
    }

    /** Runs every benchmark on each thread count, printing one line per shape to out. */
    public static void run(PrintStream out, int repeats, int... threads) {
        run(line -> {
            out.println(line);
            out.flush();
        }, repeats, threads);
    }

    /** As {@link #run(PrintStream, int, int...)}, for a PrintWriter (picocli's output). */
    public static void run(PrintWriter out, int repeats, int... threads) {
        run(line -> {
            out.println(line);
            out.flush();
        }, repeats, threads);
    }

    /** Runs with 5 repeats on 1 thread and on every available processor. */
    public static void run(PrintStream out) {
        int all = Runtime.getRuntime().availableProcessors();
        run(out, 5, all == 1 ? new int[] {1} : new int[] {1, all});
    }

    static void run(Consumer<String> out, int repeats, int... threads) {
        run(out, repeats, "", threads);
    }

    /**
     * As {@link #run(PrintStream, int, int...)}, running only the benchmarks whose name contains
     * {@code only}: "gemm", "gemm 4096x384x3072", "topk", "sparse", ...
     */
    public static void run(PrintStream out, int repeats, String only, int... threads) {
        run(line -> {
            out.println(line);
            out.flush();
        }, repeats, only, threads);
    }

    static void run(Consumer<String> out, int repeats, String only, int... threads) {
        if (repeats < 1) throw new IllegalArgumentException("repeats must be >= 1");
        out.accept(String.format(Locale.ROOT, "# kernels bench: %d-lane vectors (%s), %d processors, java %s",
                VectorBackend.lanes(), "FloatVector.SPECIES_PREFERRED", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        Random rnd = new Random(1);
        for (int t : threads) {
            try (Backend be = new VectorBackend(t)) {
                for (int[] g : GEMM) {
                    if (("gemm " + g[0] + "x" + g[1] + "x" + g[2]).contains(only)) gemm(out, be, g, repeats, rnd);
                }
                for (int[] sae : SAE) {
                    if (("topk " + BATCH + "x" + sae[1]).contains(only)) topk(out, be, sae[1], repeats, rnd);
                }
                for (int[] sae : SAE) {
                    if (("sparse d=" + sae[0]).contains(only)) sparse(out, be, sae[0], sae[1], repeats, rnd);
                }
            }
        }
    }

    static FloatMatrix random(MemoryScope s, int rows, int cols, Random rnd) {
        FloatMatrix m = s.floats(rows, cols);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) row[c] = (float) rnd.nextGaussian();
            m.row(r).copyFrom(row);
        }
        return m;
    }

    /**
     * Median and best of repeats timed calls (seconds), after a warm-up of at least five calls
     * and 3 s: the JIT compiles the vector kernels meanwhile, and a compiler thread still busy
     * would take a core from a 2-thread measurement.
     */
    static double[] time(Runnable r, int repeats) {
        long warmStart = System.nanoTime();
        for (int i = 0; i < 5 || System.nanoTime() - warmStart < 3_000_000_000L; i++) r.run();
        double[] ts = new double[repeats];
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            r.run();
            ts[i] = (System.nanoTime() - t0) * 1e-9;
            cpu[i] = (processCpuNanos() - c0) * 1e-9;
        }
        return new double[] {median(ts), Arrays.stream(ts).min().orElseThrow(), median(cpu)};
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** CPU time of all live threads of this JVM, or -1 where the platform does not measure it. */
    private static long processCpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) return -1;
        long sum = 0;
        for (long id : mx.getAllThreadIds()) sum += Math.max(0, mx.getThreadCpuTime(id));
        return sum;
    }

    static void gemm(Consumer<String> out, Backend be, int[] g, int repeats, Random rnd) {
        int m = g[0], k = g[1], n = g[2];
        boolean ta = g[3] != 0, tb = g[4] != 0;
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix a = ta ? random(s, k, m, rnd) : random(s, m, k, rnd);
            FloatMatrix b = tb ? random(s, n, k, rnd) : random(s, k, n, rnd);
            FloatMatrix c = s.floats(m, n);
            double[] t = time(() -> be.gemm(ta, tb, 1f, a, b, 0f, c), repeats);
            double gf = 2.0 * m * k * n / 1e9;
            out.accept(String.format(Locale.ROOT,
                    "gemm %dx%dx%d op=%s%s threads=%d gflops=%.1f best=%.1f cpu_gflops=%.1f ms=%.1f",
                    m, k, n, ta ? "T" : "N", tb ? "T" : "N", be.threads(), gf / t[0], gf / t[1],
                    t[2] > 0 ? gf / t[2] : Double.NaN, t[0] * 1e3));
        }
    }

    static void topk(Consumer<String> out, Backend be, int n, int repeats, Random rnd) {
        try (MemoryScope s = MemoryScope.open()) {
            FloatMatrix x = random(s, BATCH, n, rnd);
            FloatMatrix v = s.floats(BATCH, K);
            IntMatrix i = s.ints(BATCH, K);
            double[] t = time(() -> be.topkRows(x, v, i), repeats);
            out.accept(String.format(Locale.ROOT, "topk %dx%d k=%d threads=%d rows_per_s=%.3g ms=%.2f",
                    BATCH, n, K, be.threads(), BATCH / t[0], t[0] * 1e3));
        }
    }

    /** The three k-sparse products of a TopK SAE step: decode, decoder gradient, latent gradient. */
    static void sparse(Consumer<String> out, Backend be, int d, int n, int repeats, Random rnd) {
        try (MemoryScope s = MemoryScope.open()) {
            IntMatrix idx = s.ints(BATCH, K);
            for (int b = 0; b < BATCH; b++) {
                for (int j = 0; j < K; j++) idx.set(b, j, rnd.nextInt(n));
            }
            FloatMatrix val = random(s, BATCH, K, rnd);
            FloatMatrix w = random(s, n, d, rnd);
            FloatMatrix x = random(s, BATCH, d, rnd);
            FloatMatrix dz = s.floats(BATCH, K);
            double gf = 2.0 * BATCH * K * d / 1e9;
            String shape = String.format(Locale.ROOT, "B=%d k=%d n=%d d=%d threads=%d", BATCH, K, n, d, be.threads());
            double[] t = time(() -> be.sparseDecode(idx, val, w, 0f, x), repeats);
            out.accept(String.format(Locale.ROOT, "sparse-decode %s gflops=%.1f ms=%.2f", shape, gf / t[0], t[0] * 1e3));
            t = time(() -> be.sparseOuterAccumulate(idx, val, x, w), repeats);
            out.accept(String.format(Locale.ROOT, "sparse-outer %s gflops=%.1f ms=%.2f", shape, gf / t[0], t[0] * 1e3));
            t = time(() -> be.sparseRowDots(idx, x, w, dz), repeats);
            out.accept(String.format(Locale.ROOT, "sparse-rowdots %s gflops=%.1f ms=%.2f", shape, gf / t[0], t[0] * 1e3));
        }
    }

    /** Command line: {@code KernelBench [--only NAME] [repeats [threads...]]}. */
    public static void main(String[] args) {
        String only = "";
        if (args.length >= 2 && args[0].equals("--only")) {
            only = args[1];
            args = Arrays.copyOfRange(args, 2, args.length);
        }
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] threads = args.length > 1
                ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, Runtime.getRuntime().availableProcessors()};
        run(System.out, repeats, only, threads);
    }
}
