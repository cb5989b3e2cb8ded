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
 */
@Command(name = "bench", description = "Measure this machine: `bench kernels` times the compute layer "
        + "(matrix products, top-k, sparse products) at the sparse-autoencoder shapes.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WHAT", description = "What to measure: kernels.")
    String what;

    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Thread counts to run (default: 1 and every processor).")
    int[] threads;

    @Option(names = "--repeats", defaultValue = "5", description = "Timed calls per shape (median reported).")
    int repeats;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!"kernels".equals(what)) {
            throw new UserInputException("unknown benchmark \"" + what + "\"; try: bench kernels");
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
