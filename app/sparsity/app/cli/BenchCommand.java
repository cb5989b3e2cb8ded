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
        + "on all-MiniLM-L6-v2 against plain ONNX Runtime inference, and store reads against a sequential read; "
        + "`bench sae` times TopK autoencoder training steps phase by phase against the numpy peer (topk_sae.py).")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WHAT", description = "What to measure: kernels, capture, attention or sae.")
    String what;

    @Option(names = "--d", defaultValue = "384", description = "sae: input width (default ${DEFAULT-VALUE}).")
    int d;

    @Option(names = "--n", description = "sae: latents (default 8 x d).")
    Integer n;

    @Option(names = "--k", defaultValue = "32", description = "sae: latents kept per row (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--batch", defaultValue = "4096", description = "sae: rows per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "7", description = "sae: timed steps per round and side (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--peer", paramLabel = "FILE",
            description = "sae: the numpy peer's topk_sae.py (default: ../shared/peer/topk_sae.py next to the workbench folder; "
                    + "skipped when missing or when python3 has no numpy).")
    java.nio.file.Path peer;

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

    @Option(names = "--texts", defaultValue = "1000", description = "capture: sentences of the sample corpus (default ${DEFAULT-VALUE}).")
    int texts;

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
        if ("attention".equals(what)) {
            sparsity.attention.bench.AttentionBench.run(spec.commandLine().getOut(), 12, 12, 512, rounds);
            return 0;
        }
        if ("sae".equals(what)) {
            int latents = n != null ? n : 8 * d;
            if (d < 1 || latents < 1 || k < 1 || k > latents || batch < 1 || steps < 1 || rounds < 1) {
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
                    new sparsity.sae.bench.SaeBench.Settings(d, latents, k, batch, steps, rounds, t, p, g, dead));
            return 0;
        }
        if ("capture".equals(what)) {
            if (texts < 1 || rounds < 1) throw new UserInputException("--texts and --rounds must be at least 1");
            java.nio.file.Path dir = work != null ? java.nio.file.Files.createDirectories(work)
                    : java.nio.file.Files.createTempDirectory("workbench-bench");
            sparsity.analysis.bench.CaptureBench.run(spec.commandLine().getOut(), texts, rounds, 16, dir);
            return 0;
        }
        if (!"kernels".equals(what)) {
            throw new UserInputException("unknown benchmark \"" + what + "\"; try: bench kernels, bench capture, bench attention, bench sae");
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
