package sparsity.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import sparsity.views.heatmap.ColorScale;
import sparsity.views.heatmap.Colormap;
import sparsity.views.heatmap.HeatmapImage;
import sparsity.views.heatmap.MatrixSource;
import sparsity.views.heatmap.ValueRange;
import sparsity.views.heatmap.Viewport;

/**
 * Time per frame of the heatmap's image (max-pool + colour) for a 2,048 x 2,048 causal attention
 * map drawn into a 900 x 900 plot: the whole map, a 4x zoom, a pan step and a log recolour only.
 * A plain main, not a test: {@code java -cp target/classes:target/test-classes sparsity.bench.HeatmapBench}.
 * Prints the wall-clock median and 95th percentile, and the median CPU time of the thread (less
 * sensitive to a loaded machine), over 200 frames after 50 warm-up frames.
 */
public final class HeatmapBench {

    private static final int N = 2048;
    private static final int PX = 900;

    public static void main(String[] args) {
        MatrixSource m = MatrixSource.of(causalAttention(N, 42), N, N);
        ValueRange r = ValueRange.of(m);
        ColorScale lin = ColorScale.linear(r);
        ColorScale log = ColorScale.log(r);
        Viewport full = Viewport.full(N, N);
        Viewport zoom = new Viewport(700, 300, 512, 512);
        System.out.printf(Locale.ROOT, "2048x2048 map into %dx%d pixels, %s, %d cores%n", PX, PX,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        report("whole map, pool + colour, linear", () -> HeatmapImage.render(m, full, PX, PX, lin, Colormap.VIRIDIS));
        report("whole map, pool + colour, log", () -> HeatmapImage.render(m, full, PX, PX, log, Colormap.VIRIDIS));
        report("4x zoom (512x512 cells), pool + colour", () -> HeatmapImage.render(m, zoom, PX, PX, lin, Colormap.VIRIDIS));
        Viewport[] pans = new Viewport[64];
        for (int i = 0; i < pans.length; i++) pans[i] = new Viewport(700 + i * 3.7, 300 + i * 2.3, 1024, 1024);
        int[] k = {0};
        report("pan step at 2x zoom, pool + colour", () -> HeatmapImage.render(m, pans[k[0]++ & 63], PX, PX, lin, Colormap.VIRIDIS));
        HeatmapImage.Pooled pooled = HeatmapImage.pool(m, full, PX, PX, HeatmapImage.Pooling.MAX);
        report("linear -> log toggle, colour only", () -> HeatmapImage.colorize(pooled, log, Colormap.VIRIDIS));
    }

    /** Causal softmax rows with a sink on key 0 and a local band, like a real head. */
    public static float[] causalAttention(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] a = new float[n * n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j <= i; j++) {
                double s = rnd.nextDouble() * 2 + (j == 0 ? 6 : 0) + (i - j < 4 ? 3 : 0);
                double e = Math.exp(s);
                a[i * n + j] = (float) e;
                sum += e;
            }
            for (int j = 0; j <= i; j++) a[i * n + j] = (float) (a[i * n + j] / sum);
        }
        return a;
    }

    private static void report(String what, java.util.function.Supplier<int[]> frame) {
        long sink = 0;
        for (int i = 0; i < 50; i++) sink += frame.get()[i];
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[200];
        double[] cpuMs = new double[ms.length];
        for (int i = 0; i < ms.length; i++) {
            long c0 = cpu.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            sink += frame.get()[i];
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpuMs[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpuMs);
        System.out.printf(Locale.ROOT, "%-42s wall median %6.2f ms  p95 %6.2f ms | CPU median %6.2f ms  (%d)%n", what,
                ms[ms.length / 2], ms[(int) (ms.length * 0.95)], cpuMs[cpuMs.length / 2], sink & 1);
    }
}
