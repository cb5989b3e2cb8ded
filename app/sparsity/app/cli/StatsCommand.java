package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.ActivationSummary;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.views.export.Exporter;
import sparsity.views.stats.ActivationStatsReport;

/** {@code ./workbench stats STORE [--tensor NAME] [--eps E] [--csv FILE]}: the statistics view, headless. */
@Command(name = "stats", description = "Activation statistics of a store: value range, zeros, near-zeros, firing, outlier dimensions.")
final class StatsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STORE", description = "An activation store folder.")
    Path store;

    @Option(names = "--tensor", paramLabel = "NAME", description = "One captured tensor (default: every tensor that holds rows).")
    String tensor;

    @Option(names = "--eps", defaultValue = "1e-3", description = "|a| below this is near zero; a neuron fires at |a| >= eps (default ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the per-dimension table (mean, std, RMS, max|a|, firing) as CSV; with several tensors one file each, the tensor's number added.")
    Path csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ActivationStats.Settings settings;
        try {
            settings = new ActivationStats.Settings(eps, 100, 5.0);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        try (ActivationStore s = ActivationStore.open(store)) {
            if (!s.isComplete()) {
                spec.commandLine().getErr().println("workbench: warning: " + store + " is an incomplete capture"
                        + s.failure().map(f -> " (" + f + ")").orElse("") + "; statistics of the rows it holds");
            }
            List<StoredTensor> chosen = tensor == null ? s.tensors().stream().filter(t -> !t.isAttention()).toList()
                    : List.of(s.tensor(tensor).orElseThrow(() -> new UserInputException(store + " holds no tensor '" + tensor
                    + "' (it holds: " + String.join(", ", s.tensors().stream().map(StoredTensor::name).toList()) + ")")));
            if (chosen.isEmpty()) throw new UserInputException(store + " holds only attention maps; use ./workbench attention for those");
            out.printf(Locale.ROOT, "store    %s (%s, %,d examples, %,d tokens)%n", store, s.isComplete() ? "complete" : "incomplete",
                    s.examples(), s.tokens());
            for (int i = 0; i < chosen.size(); i++) {
                StoredTensor t = chosen.get(i);
                ActivationSummary a;
                try {
                    a = ActivationStats.compute(t.rowSource(4096), settings, ProgressListener.NONE);
                } catch (ActivationStats.NonFiniteValueException e) {
                    throw new UserInputException("tensor " + t.name() + ": " + e.getMessage(), e);
                }
                print(out, t.name(), a);
                if (csv != null) {
                    Path f = chosen.size() == 1 ? csv : numbered(csv, i);
                    Exporter.writeCsv(ActivationStatsReport.dimensionsTable(a, t.name()), f);
                    out.println("  csv          " + f);
                }
            }
        } catch (IOException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        return 0;
    }

    static void print(PrintWriter out, String name, ActivationSummary a) {
        out.printf(Locale.ROOT, "tensor   %s%n", name);
        out.printf(Locale.ROOT, "  rows         %,d x %d%n", a.rows(), a.dim());
        out.printf(Locale.ROOT, "  range        [%.4g, %.4g]%n", a.min(), a.max());
        out.printf(Locale.ROOT, "  zeros        %.4f%% exactly 0, %.4f%% |a| < %g%n", 100 * a.zeroFraction(),
                100 * a.nearZeroFraction(), a.settings().eps());
        out.printf(Locale.ROOT, "  never active %d of %d neurons%n", a.neverActive(), a.dim());
        double[] f = a.sortedFiringFrequency();
        out.printf(Locale.ROOT, "  firing       most %.4f, median %.4f, least %.4f%n", f[0], f[f.length / 2], f[f.length - 1]);
        StringBuilder o = new StringBuilder();
        for (int j = 0; j < Math.min(10, a.outlierDims().length); j++) {
            int dim = a.outlierDims()[j];
            o.append(String.format(Locale.ROOT, "%s%d (%.1fx)", j == 0 ? "" : ", ", dim, a.rms()[dim] / a.medianRms()));
        }
        out.printf(Locale.ROOT, "  outliers     %d dims >= %.0fx median RMS%s%n", a.outlierDims().length, a.settings().outlierFactor(),
                a.outlierDims().length == 0 ? "" : ": " + o);
    }

    private static Path numbered(Path csv, int i) {
        String n = csv.getFileName().toString();
        int dot = n.lastIndexOf('.');
        String stem = dot > 0 ? n.substring(0, dot) : n;
        String ext = dot > 0 ? n.substring(dot) : ".csv";
        return csv.resolveSibling(stem + "-" + i + ext);
    }
}
