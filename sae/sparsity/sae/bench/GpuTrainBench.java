package sparsity.sae.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import sparsity.analysis.ProgressListener;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.kernels.cuda.Cuda;
import sparsity.kernels.cuda.CudaBackend;
import sparsity.kernels.cuda.CudaTopKSae.Precision;
import sparsity.kernels.cuda.CudaDevice;
import sparsity.kernels.cuda.DeviceBuffer;
import sparsity.sae.model.BatchTopKAutoencoder;
import sparsity.sae.model.CudaBatchTopKAutoencoder;
import sparsity.sae.model.CudaSparseAutoencoder;
import sparsity.sae.model.CudaTopKAutoencoder;
import sparsity.sae.model.StepStats;
import sparsity.sae.model.TopKAutoencoder;
import sparsity.sae.train.Batches;
import sparsity.sae.train.Trainer;

/**
 * {@code ./workbench bench gpu}: tokens/s of TopK autoencoder training (AuxK included) on the GPU
 * against the plain PyTorch TopK SAE of {@code ../shared/peer/gpu/torch_topk_sae.py}, on the same
 * GPU in the same run, at fp32 and TF32, plus the encoder product's TFLOP/s and its share of the
 * GPU's peak. Like the peer: 16 batches of standard normal rows kept on the GPU, lr 4e-4, a latent
 * dead after 10,000 tokens without firing, k_aux = d / 2, 5 warm-up steps, then {@code steps}
 * timed steps (wall clock, every step's statistics read back). Also the same training driven as
 * {@code sae train} drives it: the Trainer's loop over shuffled rows in host memory, the next
 * batch read on a second thread while a step runs, each batch copied to the GPU. Then the same for
 * BatchTopK (the B k largest pre-activations of the batch kept), which the peer does not have: its
 * tokens/s as a ratio to our TopK at the same shape and precision.
 */
public final class GpuTrainBench {

    /** One autoencoder shape. */
    public record Shape(int d, int n, int k, int batch) {
        public static Shape parse(String s) {
            String[] p = s.split("[x,:]");
            if (p.length != 4) throw new IllegalArgumentException("a shape is D,N,K,BATCH, e.g. 768,24576,32,4096; got " + s);
            return new Shape(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()),
                    Integer.parseInt(p[3].trim()));
        }

        @Override
        public String toString() {
            return "d=" + d + " n=" + n + " k=" + k + " batch=" + batch;
        }
    }

    /** The peer's figures from its output line. */
    record Peer(double tokensPerSecond, double stepMs, double gemmMs, double gemmTflops, String line) {
    }

    private GpuTrainBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param peer   the PyTorch script (null or missing: ours only)
     * @param python the Python to run it with
     */
    public static void run(PrintWriter out, List<Shape> shapes, List<String> precisions, int steps, Path peer, String python)
            throws Exception {
        Cuda.Availability a = Cuda.probe();
        if (!a.available()) {
            out.println("no GPU: " + a.reason());
            return;
        }
        CudaDevice dev = CudaDevice.get();
        out.println("GPU: " + a.summary());
        out.printf(Locale.ROOT, "peaks assumed: fp32 %.1f TFLOP/s, TF32 %.1f TFLOP/s, bf16 %.1f TFLOP/s (dense) (%s)%n",
                peak(dev, Precision.FP32) / 1e12, peak(dev, Precision.TF32) / 1e12, peak(dev, Precision.BF16) / 1e12, peakSource(dev));
        boolean withPeer = peer != null && Files.isRegularFile(peer);
        if (!withPeer) out.println("PyTorch peer not found" + (peer == null ? "" : " at " + peer) + ": our figures only");
        List<String> rows = new ArrayList<>();
        List<String> batchRows = new ArrayList<>();
        for (Shape s : shapes) {
            for (String prec : precisions) {
                Precision precision = Precision.parse(prec);
                Ours o = ours(out, s, precision, steps, false);
                Peer p = withPeer ? peer(out, python, peer, s, prec, steps) : null;
                double peakF = peak(dev, precision);
                String row = String.format(Locale.ROOT,
                        "| %d | %d | %d | %d | %s | %,.0f | %.2f | %,.0f | %s | %s | %.1f (%.0f%% of peak) | %s |",
                        s.d(), s.n(), s.k(), s.batch(), prec, o.tokensPerSecond, o.stepMs, o.hostTokensPerSecond,
                        p == null ? "-" : String.format(Locale.ROOT, "%,.0f", p.tokensPerSecond),
                        p == null ? "-" : String.format(Locale.ROOT, "%.2fx", o.tokensPerSecond / p.tokensPerSecond),
                        o.gemmTflops, 100 * o.gemmTflops * 1e12 / peakF,
                        p == null ? "-" : String.format(Locale.ROOT, "%.1f", p.gemmTflops));
                rows.add(row);
                Ours bt = ours(out, s, precision, steps, true);
                batchRows.add(String.format(Locale.ROOT, "| %d | %d | %d | %d | %s | %,.0f | %.2f | %,.0f | %.2fx | %.2fx |", s.d(), s.n(),
                        s.k(), s.batch(), prec, bt.tokensPerSecond, bt.stepMs, bt.hostTokensPerSecond,
                        bt.tokensPerSecond / o.tokensPerSecond, bt.hostTokensPerSecond / o.hostTokensPerSecond));
            }
        }
        out.println();
        out.println("| d | n | k | batch | precision | ours tokens/s | ours ms/step | ours tokens/s, Trainer loop over host rows | "
                + "PyTorch tokens/s | ours / PyTorch | our encoder product TFLOP/s | PyTorch encoder TFLOP/s |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (String r : rows) out.println(r);
        out.println();
        out.println("BatchTopK (no PyTorch peer):");
        out.println("| d | n | k | batch | precision | BatchTopK tokens/s | ms/step | tokens/s, Trainer loop over host rows | "
                + "/ our TopK | / our TopK, Trainer loop |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (String r : batchRows) out.println(r);
    }

    record Ours(double tokensPerSecond, double stepMs, double hostTokensPerSecond, double gemmTflops) {
    }

    private static Ours ours(PrintWriter out, Shape s, Precision precision, int steps, boolean batchTopK) throws java.io.IOException {
        int d = s.d(), n = s.n(), b = s.batch();
        List<DeviceBuffer> resident = new ArrayList<>();
        try (CudaBackend be = new CudaBackend(1, precision);
             CudaSparseAutoencoder sae = batchTopK
                     ? new CudaBatchTopKAutoencoder(be, d, n,
                             new BatchTopKAutoencoder.Config(s.k(), Math.max(1, d / 2), 1.0 / 32, 10_000, 1e-3, 0.999), 0)
                     : new CudaTopKAutoencoder(be, d, n, new TopKAutoencoder.Config(s.k(), Math.max(1, d / 2), 1.0 / 32, 10_000, 1e-3), 0);
             MemoryScope scope = MemoryScope.open()) {
            SplittableRandom r = new SplittableRandom(1);
            FloatMatrix host = scope.floats(b, d);
            float[] row = new float[d];
            int batches = 16;
            for (int i = 0; i < batches; i++) {
                for (int rr = 0; rr < b; rr++) {
                    for (int c = 0; c < d; c++) row[c] = (float) gaussian(r);
                    host.row(rr).copyFrom(row);
                }
                if (i == 0) {
                    int sample = Math.min(b, 4096);
                    sae.initFromData(host.rowRange(0, sample).toArray(), sample, 0);
                }
                resident.add(sae.deviceTrainer().residentBatch(host));
            }
            float lr = 4e-4f;
            for (int i = 0; i < 5; i++) sae.trainStepOnDevice(resident.get(i % batches).ptr(), b, lr);
            sae.deviceTrainer().synchronize();
            long t0 = System.nanoTime();
            StepStats last = null;
            for (int i = 0; i < steps; i++) last = sae.trainStepOnDevice(resident.get(i % batches).ptr(), b, lr);
            sae.deviceTrainer().synchronize();
            double sec = (System.nanoTime() - t0) / 1e9;
            double tps = (double) b * steps / sec;
            // as sae train runs it: the Trainer's loop over shuffled host rows (the next batch read on a
            // second thread while a step runs), each batch copied to the GPU
            float[] all = new float[batches * b * d];
            SplittableRandom r2 = new SplittableRandom(2);
            for (int i = 0; i < all.length; i++) all[i] = (float) gaussian(r2);
            Batches rowsInMemory = new HostRows(all, d, 3);
            int hostSteps = Math.max(5, steps);
            Trainer.Settings once = new Trainer.Settings((sae.steps() + 3) * (long) b, b, lr, 0, 0, 0);
            Trainer.train(sae, rowsInMemory, once, null, null, null, ProgressListener.NONE);
            sae.deviceTrainer().synchronize();
            Trainer.Settings ts = new Trainer.Settings((sae.steps() + hostSteps) * (long) b, b, lr, 0, 0, 0);
            long t1 = System.nanoTime();
            Trainer.train(sae, rowsInMemory, ts, null, null, null, ProgressListener.NONE);
            sae.deviceTrainer().synchronize();
            double hostTps = (double) b * hostSteps / ((System.nanoTime() - t1) / 1e9);
            // where the time goes (events between phases; each profiled step also waits for its update)
            sae.deviceTrainer().startProfiling();
            for (int i = 0; i < 10; i++) sae.trainStepOnDevice(resident.get(i % batches).ptr(), b, lr);
            String resProfile = sae.deviceTrainer().profile();
            sae.deviceTrainer().startProfiling();
            Trainer.train(sae, rowsInMemory, new Trainer.Settings((sae.steps() + 5) * (long) b, b, lr, 0, 0, 0), null, null, null,
                    ProgressListener.NONE);
            String hostProfile = sae.deviceTrainer().profile();
            double gemmMs = sae.deviceTrainer().timeEncoderProduct(b, 20);
            double tflops = 2.0 * b * d * n / (gemmMs * 1e-3) / 1e12;
            out.printf(Locale.ROOT, "ours  %s %s %s: step %.3f ms, %,.0f tokens/s (the Trainer's loop over host rows: %,.0f); encoder product %.3f ms "
                            + "(%.1f TFLOP/s, %.0f%% of the step); last step FVU %.4f, L0 %.1f, dead %d, aux %.4g%n",
                    sae.architecture(), s, precision.name().toLowerCase(Locale.ROOT), 1e3 * sec / steps, tps, hostTps, gemmMs, tflops,
                    100 * gemmMs / (1e3 * sec / steps),
                    last.fvu(), last.l0(), last.dead(), last.auxLoss());
            out.print("  GPU time per phase, data on the GPU:\n" + resProfile);
            out.print("  GPU time per phase, the Trainer's loop over host rows:\n" + hostProfile);
            out.flush();
            return new Ours(tps, 1e3 * sec / steps, hostTps, tflops);
        } finally {
            for (DeviceBuffer buf : resident) buf.close();
        }
    }

    /** Rows in memory read as shuffled batches with bulk row copies (what a store reader costs). */
    private static final class HostRows implements Batches {
        private final float[] data;
        private final int dim;
        private final int rows;
        private final int[] perm;

        HostRows(float[] data, int dim, long seed) {
            this.data = data;
            this.dim = dim;
            this.rows = data.length / dim;
            perm = new int[rows];
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < rows; i++) perm[i] = i;
            for (int i = rows - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
        }

        @Override
        public int dim() {
            return dim;
        }

        @Override
        public long rows() {
            return rows;
        }

        @Override
        public void batch(long index, FloatMatrix into) {
            for (int r = 0; r < into.rows(); r++) {
                int src = perm[(int) ((index * into.rows() + r) % rows)];
                MemorySegment.copy(data, src * dim, into.segment(), ValueLayout.JAVA_FLOAT, into.byteOffset(r, 0), dim);
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    private static final Pattern TPS = Pattern.compile("step ([0-9.]+) ms, ([0-9,]+) tokens/s; encoder GEMM ([0-9.]+) ms \\(([0-9.]+) TFLOP/s\\)");

    private static Peer peer(PrintWriter out, String python, Path script, Shape s, String prec, int steps) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "" + s.d(), "" + s.n(), "" + s.k(), "" + s.batch(), prec,
                "" + steps).redirectErrorStream(true);
        Process p = pb.start();
        StringBuilder all = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) all.append(line).append('\n');
        }
        if (!p.waitFor(20, TimeUnit.MINUTES)) p.destroyForcibly();
        Matcher m = TPS.matcher(all);
        if (!m.find()) {
            out.println("PyTorch peer gave no figures (exit " + p.exitValue() + "):\n" + all);
            return null;
        }
        String line = all.toString().lines().filter(l -> l.contains("tokens/s")).findFirst().orElse("");
        out.println("torch " + line);
        return new Peer(Double.parseDouble(m.group(2).replace(",", "")), Double.parseDouble(m.group(1)),
                Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), line);
    }

    /** Dense peak FLOP/s of the device: NVIDIA's figures for the H100 and H200, else from the clock. */
    static double peak(CudaDevice dev, Precision p) {
        String name = dev.name();
        if (name.contains("H100") && name.contains("PCIe")) return switch (p) { case FP32 -> 51.2e12; case TF32 -> 378e12; case BF16 -> 756e12; };
        if (name.contains("H100") || name.contains("H200")) return switch (p) { case FP32 -> 66.9e12; case TF32 -> 494.7e12; case BF16 -> 989.4e12; };
        double clock = dev.clockKHz() > 0 ? dev.clockKHz() * 1e3 : 1.5e9;
        int cc = dev.computeCapability();
        double perSm = switch (p) {
            case FP32 -> cc == 80 ? 128 : 256;
            case TF32 -> cc >= 90 ? 2048 : cc >= 80 ? 1024 : 0;
            case BF16 -> cc >= 90 ? 4096 : cc >= 80 ? 2048 : 0;
        };
        return dev.multiprocessors() * clock * perSm;
    }

    static String peakSource(CudaDevice dev) {
        String name = dev.name();
        if (name.contains("H100") || name.contains("H200")) return "NVIDIA's datasheet figures for the " + (name.contains("PCIe") ? "H100 PCIe" : "SXM H100/H200");
        return "SMs x clock x per-SM rate";
    }

    /** Standalone entry: {@code GpuTrainBench [steps] [peer.py] ["D,N,K,B;..."] [fp32,tf32,bf16]}. */
    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path peer = args.length > 1 ? Path.of(args[1]) : Path.of("../shared/peer/gpu/torch_topk_sae.py");
        List<Shape> shapes = args.length > 2 ? java.util.Arrays.stream(args[2].split(";")).map(Shape::parse).toList()
                : List.of(new Shape(768, 24576, 32, 4096), new Shape(768, 98304, 32, 4096));
        PrintWriter out = new PrintWriter(System.out, true);
        List<String> precisions = args.length > 3 ? List.of(args[3].split(",")) : List.of("fp32", "tf32", "bf16");
        run(out, shapes, precisions, steps, peer, "python3");
        out.flush();
    }
}
