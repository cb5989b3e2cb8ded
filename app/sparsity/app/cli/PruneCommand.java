package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.onnx.proto.OnnxMl.ModelProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparsity.analysis.graph.ModelSessions;
import sparsity.analysis.graph.TensorPattern;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Masks;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.prune.Scores;

/** {@code ./workbench prune apply}: a pruned copy of a model by a data-free method. */
@Command(name = "prune", description = "Prune the weights of a model.", subcommands = {PruneCommand.Apply.class})
final class PruneCommand {

    @Command(name = "apply", description = "Write a pruned copy of a model (magnitude, magnitude-global, random, lamp; unstructured or N:M).")
    static final class Apply implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "MODEL") String model;
        @Option(names = "--method", required = true, description = "magnitude, magnitude-global, random or lamp.") String method;
        @Option(names = "--sparsity", defaultValue = "0.5", description = "Share of the prunable weights to remove (default ${DEFAULT-VALUE}).") double sparsity;
        @Option(names = "--nm", paramLabel = "N:M", description = "Keep N of every M inputs per output (magnitude, random), e.g. 2:4.") String nm;
        @Option(names = "--exclude", split = ",", paramLabel = "PATTERN", description = "Weights (or their nodes) to leave dense: names, globs or re:.") List<String> exclude = new ArrayList<>();
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--out", required = true, paramLabel = "FILE") Path out;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!(sparsity >= 0 && sparsity <= 1)) throw new UserInputException("--sparsity must be in [0, 1]");
            Path file = ModelArgument.resolve(model);
            PrintWriter o = spec.commandLine().getOut();
            try {
                ModelProto m = OnnxModels.read(file);
                List<PrunableWeight> all = PrunedModels.supported(m);
                List<PrunableWeight> chosen = new ArrayList<>();
                for (PrunableWeight w : all) {
                    boolean skip = false;
                    for (String p : exclude) {
                        TensorPattern tp = TensorPattern.parse(p);
                        skip |= tp.matches(w.name()) || tp.matches(w.node());
                    }
                    if (!skip) chosen.add(w);
                }
                if (chosen.isEmpty()) throw new UserInputException(file + " has no prunable float weights left to prune");
                List<float[]> outIn = new ArrayList<>();
                for (PrunableWeight w : chosen) outIn.add(w.toOutIn(PrunedModels.stored(m, w)));
                List<boolean[]> keep = masks(chosen, outIn);
                Map<String, float[]> pruned = new LinkedHashMap<>();
                long total = 0;
                long removed = 0;
                for (int i = 0; i < chosen.size(); i++) {
                    PrunableWeight w = chosen.get(i);
                    float[] v = outIn.get(i).clone();
                    boolean[] k = keep.get(i);
                    for (int j = 0; j < v.length; j++) if (!k[j]) v[j] = 0;
                    pruned.put(w.name(), w.toStored(v));
                    double s = Masks.sparsity(k);
                    total += k.length;
                    removed += Math.round(s * k.length);
                    o.printf(Locale.ROOT, "  %-60s %-7s [%d, %d]  sparsity %.4f%n", w.name(), w.opType(), w.out(), w.in(), s);
                }
                ModelSessions.save(PrunedModels.withWeights(m, pruned), out);
                OnnxModels.verifyWithRuntime(out);
                long dense = total * 4;
                long sparseBytes = (total - removed) * 8; // value + 32-bit index per kept weight (COO-like)
                o.printf(Locale.ROOT, "pruned   %,d of %,d prunable weights (%.2f%%) with %s%s%n", removed, total, 100.0 * removed / total,
                        method, nm == null ? "" : " " + nm);
                o.printf(Locale.ROOT, "storage  dense %,d bytes; a sparse encoding (value + index) would take %,d bytes%s%n", dense,
                        sparseBytes, nm != null ? "; N:M patterns can also run faster on hardware that supports them"
                                : "; unstructured sparsity saves nothing unless the weights are stored sparse");
                o.printf("wrote    %s (ONNX Runtime loads it)%n", out);
            } catch (ModelLoadException e) {
                throw new UserInputException(e.getMessage(), e);
            } catch (IOException | IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }

        private List<boolean[]> masks(List<PrunableWeight> ws, List<float[]> outIn) {
            int[] nmv = null;
            if (nm != null) {
                String[] p = nm.split(":");
                try {
                    nmv = new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
                } catch (RuntimeException e) {
                    throw new UserInputException("--nm takes N:M, e.g. 2:4");
                }
            }
            List<boolean[]> out = new ArrayList<>();
            switch (method) {
                case "magnitude", "random" -> {
                    for (int i = 0; i < ws.size(); i++) {
                        float[] sc = method.equals("magnitude") ? Scores.magnitude(outIn.get(i)) : Scores.random(outIn.get(i).length, seed + i);
                        PrunableWeight w = ws.get(i);
                        out.add(nmv != null ? Masks.nm(sc, w.out(), w.in(), nmv[0], nmv[1]) : Masks.unstructured(sc, sparsity));
                    }
                }
                case "magnitude-global", "lamp" -> {
                    if (nmv != null) throw new UserInputException("--nm goes with magnitude or random (each row of each layer keeps N of M)");
                    List<float[]> sc = new ArrayList<>();
                    for (float[] v : outIn) sc.add(method.equals("lamp") ? Scores.lamp(v) : Scores.magnitude(v));
                    out.addAll(Masks.global(sc, sparsity));
                }
                default -> throw new UserInputException("--method " + method + ": this version applies magnitude, magnitude-global, random or lamp");
            }
            return out;
        }
    }
}
