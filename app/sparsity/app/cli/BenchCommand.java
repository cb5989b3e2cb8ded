package sparsity.app.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparsity.kernels.bench.KernelBench;

/**
 * {@code ./workbench bench kernels [--threads 1,2] [--repeats 5]}: GFLOP/s of the matrix product
 * and rows/s of top-k at the autoencoder shapes on this machine, one line per shape.
 * {@code ./workbench bench sae [--d 384 --n 3072 --k 32 --batch 4096 --steps 7 --rounds 3]}: TopK
 * training steps phase by phase, against the numpy peer in the same run.
 */
@Command(name = "bench", description = "Measure this machine: `bench kernels` times the compute layer "
        + "(matrix products, top-k, sparse products) at the sparse-autoencoder shapes; `bench capture` times captures "
        + "on all-MiniLM-L6-v2 against plain ONNX Runtime inference, and store reads against a sequential read; `bench sae` times TopK "
        + "autoencoder training steps phase by phase against the numpy peer (topk_sae.py); `bench prune` times "
        + "SparseGPT on all-MiniLM-L6-v2 (calibration, one 1536 x 384 layer, every layer) with the share spent in the compute layer; "
        + "`bench sweep` times an accuracy-vs-sparsity sweep on the MNIST sample (ONNX Runtime vs pruning vs the rest); "
        + "`bench gpu` times TopK autoencoder training on a CUDA GPU against the PyTorch peer on the same GPU, and BatchTopK against our TopK.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WHAT", description = "What to measure: kernels, capture, attention, sae, prune, sweep or gpu.")
    String what;

    @Option(names = "--texts", description = "capture: sentences of the sample corpus (default 1000); prune: calibration sentences (default 256).")
    Integer texts;

    @Option(names = "--warmup", defaultValue = "20", description = "prune: untimed SparseGPT calls before the per-layer timings (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", description = "sae: timed steps per round and side (default 7); gpu: timed training steps per run (default 50).")
    Integer steps;

    @Option(names = "--shape", paramLabel = "D,N,K,BATCH",
            description = "gpu: autoencoder shapes (repeatable; default 768,24576,32,4096 and 768,98304,32,4096).")
    java.util.List<String> shapes;

    @Option(names = "--precision", split = ",", paramLabel = "P",
            description = "gpu: encoder-product precisions, any of fp32, tf32, bf16 (default all three).")
    java.util.List<String> precisions;

    @Option(names = "--peer", paramLabel = "FILE",
            description = "sae: the numpy peer's topk_sae.py (default ../shared/peer/topk_sae.py next to the workbench folder; skipped when "
                    + "missing or when python3 has no numpy); gpu: the PyTorch peer script (default ../shared/peer/gpu/torch_topk_sae.py).")
    java.nio.file.Path peer;

    @Option(names = "--python", defaultValue = "python3", description = "gpu: the Python that runs the peer (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--d", defaultValue = "384", description = "sae: input width (default ${DEFAULT-VALUE}).")
    int d;

    @Option(names = "--n", description = "sae: latents (default 8 x d).")
    Integer n;

    @Option(names = "--k", defaultValue = "32", description = "sae: latents kept per row (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--batch", defaultValue = "4096", description = "sae: rows per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--no-peer", description = "sae: do not run the peer.")
    boolean noPeer;

    @Option(names = "--guard", defaultValue = "round", paramLabel = "round|step|none",
            description = "sae: round (default): wait for a quiet machine before each side of each round, steps back to back; "
                    + "step: the peer's protocol for both sides, a wait before every step and disturbed steps dropped; none.")
    String guard;

    @Option(names = "--no-guard", description = "sae: the same as --guard none.")
    boolean noGuard;

    @Option(names = "--dead", defaultValue = "0", paramLabel = "FRACTION",
            description = "sae: force this fraction of the latents dead, so that AuxK runs (the peer's --force-dead).")
    double dead;

    @Option(names = "--rounds", defaultValue = "3", description = "capture, attention, sae: alternating rounds (median reported).")
    int rounds;

    @Option(names = "--work", paramLabel = "DIR", description = "capture: folder for the temporary stores (default: a temp folder).")
    java.nio.file.Path work;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Thread counts to run (default: 1 and every processor).")
    int[] threads;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed calls per shape (median reported).")
    int repeats;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ("sweep".equals(what)) {
            sparsity.analysis.bench.PruneSweepBench.run(spec.commandLine().getOut(), rounds);
            return 0;
        }
        if ("attention".equals(what)) {
            sparsity.attention.bench.AttentionBench.run(spec.commandLine().getOut(), 12, 12, 512, rounds);
            return 0;
        }
        if ("prune".equals(what)) {
            int n = texts != null ? texts : 256;
            if (n < 1 || rounds < 1 || warmup < 0) throw new UserInputException("--texts and --rounds must be at least 1, --warmup at least 0");
            sparsity.analysis.bench.PruneBench.run(spec.commandLine().getOut(), n, rounds, warmup);
            return 0;
        }
        if ("gpu".equals(what)) {
            int gSteps = steps != null ? steps : 50;
            if (gSteps < 1) throw new UserInputException("--steps must be at least 1");
            java.util.List<sparsity.sae.bench.GpuTrainBench.Shape> sh = new java.util.ArrayList<>();
            try {
                for (String x : shapes != null ? shapes : java.util.List.of("768,24576,32,4096", "768,98304,32,4096")) {
                    sh.add(sparsity.sae.bench.GpuTrainBench.Shape.parse(x));
                }
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
            java.util.List<String> prec = precisions != null ? precisions : java.util.List.of("fp32", "tf32", "bf16");
            for (String p : prec) {
                if (!p.equals("fp32") && !p.equals("tf32") && !p.equals("bf16")) throw new UserInputException("--precision takes fp32, tf32 and bf16, not " + p);
            }
            java.nio.file.Path script = peer != null ? peer : java.nio.file.Path.of("..", "shared", "peer", "gpu", "torch_topk_sae.py");
            sparsity.sae.bench.GpuTrainBench.run(spec.commandLine().getOut(), sh, prec, gSteps, script, python);
            return 0;
        }
        if ("sae".equals(what)) {
            int latents = n != null ? n : 8 * d;
            int sSteps = steps != null ? steps : 7;
            if (d < 1 || latents < 1 || k < 1 || k > latents || batch < 1 || sSteps < 1 || rounds < 1) {
                throw new UserInputException("bench sae needs d, n, batch, steps, rounds >= 1 and 1 <= k <= n");
            }
            if (!(dead >= 0 && dead <= 1)) throw new UserInputException("--dead must be in [0, 1]");
            int t = threads != null && threads.length > 0 ? threads[0] : Runtime.getRuntime().availableProcessors();
            if (t < 1) throw new UserInputException("--threads must be at least 1");
            java.nio.file.Path p = noPeer ? null : peer != null ? peer
                    : sparsity.sae.bench.SaeBench.defaultPeer(java.nio.file.Path.of(System.getProperty("workbench.home", ".")));
            sparsity.sae.bench.SaeBench.Guard g;
            try {
                g = noGuard ? sparsity.sae.bench.SaeBench.Guard.NONE
                        : sparsity.sae.bench.SaeBench.Guard.valueOf(guard.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--guard must be round, step or none");
            }
            sparsity.sae.bench.SaeBench.run(spec.commandLine().getOut(),
                    new sparsity.sae.bench.SaeBench.Settings(d, latents, k, batch, sSteps, rounds, t, p, g, dead));
            return 0;
        }
        if ("capture".equals(what)) {
            int texts = this.texts != null ? this.texts : 1000;
            if (texts < 1 || rounds < 1) throw new UserInputException("--texts and --rounds must be at least 1");
            java.nio.file.Path dir = work != null ? java.nio.file.Files.createDirectories(work)
                    : java.nio.file.Files.createTempDirectory("workbench-bench");
            sparsity.analysis.bench.CaptureBench.run(spec.commandLine().getOut(), texts, rounds, 16, dir);
            return 0;
        }
        if (!"kernels".equals(what)) {
            throw new UserInputException("unknown benchmark \"" + what + "\"; try: bench kernels, bench capture, bench attention, bench sae, bench prune, bench sweep, bench gpu");
        }
        if (repeats < 1) throw new UserInputException("--repeats must be at least 1");
        int all = Runtime.getRuntime().availableProcessors();
        int[] t = threads != null ? threads : all == 1 ? new int[] {1} : new int[] {1, all};
        for (int x : t) {
            if (x < 1) throw new UserInputException("--threads must be at least 1");
        }
        KernelBench.run(spec.commandLine().getOut(), repeats, t);
        return 0;
    }
}
