package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import ai.onnx.proto.OnnxMl.ModelProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.evaluate.EvalData;
import sparsity.analysis.evaluate.Evaluation;
import sparsity.analysis.evaluate.EvaluationException;
import sparsity.analysis.evaluate.Evaluator;
import sparsity.analysis.evaluate.TaskMetric;
import sparsity.analysis.graph.TensorPattern;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.PrunableWeight;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.prune.sweep.LayerSparsity;
import sparsity.analysis.prune.sweep.PruneContext;
import sparsity.analysis.prune.sweep.Sensitivity;
import sparsity.analysis.prune.sweep.SensitivityResult;
import sparsity.analysis.prune.sweep.Sweep;
import sparsity.analysis.prune.sweep.SweepMethod;
import sparsity.analysis.prune.sweep.SweepMethods;
import sparsity.analysis.prune.sweep.SweepPoint;
import sparsity.analysis.prune.sweep.SweepResult;
import sparsity.analysis.prune.sweep.Teal;
import sparsity.analysis.samples.SampleModels;
import sparsity.views.export.Exporter;
import sparsity.views.export.ImageSource;
import sparsity.views.export.TableData;
import sparsity.views.prune.PruneCharts;

/**
 * {@code ./workbench prune sweep --model M --methods magnitude,lamp --levels 0,50,90 --out DIR}:
 * the metric-vs-sparsity curve (curve.csv, curve.png, layers.csv), optionally layer sensitivity
 * (sensitivity.csv, sensitivity.png) and the TEAL activation-sparsity curve (teal.csv, teal.png).
 */
@Command(name = "sweep", description = "Sweep pruning methods x sparsity levels, each point measured on the exported pruned model "
        + "(curve.csv, curve.png, layers.csv); optionally layer sensitivity and a TEAL activation-sparsity curve.")
final class PruneSweepCommand implements Callable<Integer> {

    static final String DEFAULT_LEVELS = "0,10,20,30,40,50,60,70,80,90,95,99";

    @Option(names = "--model", required = true, paramLabel = "MODEL") String model;
    @Option(names = "--methods", split = ",", defaultValue = "magnitude,magnitude-global,random,lamp", paramLabel = "METHOD",
            description = "Methods of the pruning facade: magnitude, magnitude-global, random, lamp, wanda, sparsegpt, heads, channels "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> methods;
    @Option(names = "--levels", split = ",", defaultValue = DEFAULT_LEVELS, paramLabel = "PERCENT",
            description = "Sparsity levels in percent (default ${DEFAULT-VALUE}).") List<Double> levels;
    @Option(names = "--eval", paramLabel = "FILE|DIR", description = "Evaluation inputs: texts (one per line), images, or an .npy array. "
            + "Samples have defaults: mnist-mlp its 2,000 held-out digits with labels, all-minilm-l6-v2 the first 200 corpus sentences, "
            + "tiny-transformer its evaluation sequences.") Path eval;
    @Option(names = "--labels", paramLabel = "FILE", description = "Class labels (.npy of integers, one per example) for accuracy.") Path labels;
    @Option(names = "--metric", paramLabel = "NAME", description = "accuracy, cosine, kl or top1 (default: accuracy with labels, "
            + "top1 for logits, cosine for embeddings).") String metric;
    @Option(names = "--output", paramLabel = "NAME", description = "The model output to score (default: the first float output).") String output;
    @Option(names = "--limit", defaultValue = "0", description = "Use the first N evaluation examples (0: all, or the sample's default).") int limit;
    @Option(names = "--batch", defaultValue = "64", description = "Examples per ONNX Runtime run (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--tokenizer", paramLabel = "FILE") Path tokenizer;
    @Option(names = "--max-length", defaultValue = "128") int maxLength;
    @Option(names = "--nm", paramLabel = "N:M", description = "Also the N:M variant (one point at 1 - N/M) of each listed method that has one "
            + "(magnitude, random, wanda, sparsegpt), e.g. 2:4.") String nm;
    @Option(names = "--calibration", paramLabel = "FILE|DIR", description = "Calibration inputs for wanda, sparsegpt and TEAL "
            + "(default: the first --calibration-size evaluation examples).") Path calibration;
    @Option(names = "--calibration-size", defaultValue = "512", description = "Calibration examples (default ${DEFAULT-VALUE}).") int calibrationSize;
    @Option(names = "--sensitivity", description = "Also prune one layer at a time (sensitivity.csv, sensitivity.png).") boolean sensitivity;
    @Option(names = "--sensitivity-levels", split = ",", paramLabel = "PERCENT",
            description = "Levels of the sensitivity runs in percent (default: --levels).") List<Double> sensitivityLevels;
    @Option(names = "--sensitivity-method", defaultValue = "magnitude", description = "Layer-wise method of the sensitivity runs (default ${DEFAULT-VALUE}).")
    String sensitivityMethod;
    @Option(names = "--teal", split = ",", paramLabel = "PERCENT", description = "Also a TEAL curve: target activation sparsities in percent, "
            + "e.g. 0,25,50,70,90 (teal.csv, teal.png).") List<Double> teal;
    @Option(names = "--exclude", split = ",", paramLabel = "PATTERN", description = "Weights (or their nodes) to leave dense: names, globs or re:.")
    List<String> exclude = new ArrayList<>();
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--keep-models", description = "Also write each point's pruned model to DIR/models.") boolean keepModels;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<Double> lv = fractions(levels, "--levels");
        TaskMetric tm = null;
        if (metric != null) {
            try {
                tm = TaskMetric.parse(metric);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--metric: " + e.getMessage());
            }
        }
        if (batch < 1) throw new UserInputException("--batch must be at least 1");
        if (calibrationSize < 1) throw new UserInputException("--calibration-size must be at least 1");
        List<SweepMethod> ms = methods(methods, nm);
        Path file = ModelArgument.resolve(model);
        PrintWriter o = spec.commandLine().getOut();
        try {
            ModelProto m = OnnxModels.read(file);
            List<PrunableWeight> chosen = chosenWeights(m, file);
            EvalData data = evalData(file);
            Files.createDirectories(out);
            try (Evaluator ev = Evaluator.open(file, m, data, tm, output)) {
                TaskMetric mt = ev.metric();
                Evaluation dense = ev.dense();
                o.printf(Locale.ROOT, "model    %s: %d prunable weights (%,d values)%n", file.getFileName(), chosen.size(),
                        chosen.stream().mapToLong(PrunableWeight::count).sum());
                o.printf(Locale.ROOT, "eval     %,d examples (%s), output '%s' (%s), metric %s%n", data.examples(), data.description(), ev.output(),
                        ev.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), mt.description());
                o.printf(Locale.ROOT, "dense    %s %.4f%s%n", mt.id(), dense.value(), dense.correct() >= 0
                        ? String.format(Locale.ROOT, " (%,d of %,d correct)", dense.correct(), dense.examples()) : "");
                o.flush();
                boolean needCal = ms.stream().anyMatch(SweepMethod::needsCalibration) || teal != null
                        || sensitivity && SweepMethods.of(sensitivityMethod).needsCalibration();
                EvalData cal = needCal ? calibrationData(file, data) : null;
                PruneContext ctx = PruneContext.of(file, m, chosen, cal, seed);
                SweepResult r = Sweep.run(ev, ctx, ms, lv, keepModels ? out.resolve("models") : null, p -> {
                    o.printf(Locale.ROOT, "  %-22s %6s  %s %.4f  sparsity %6.2f%%  %5.2f s%n", p.method(), Sweep.percent(p.level()), mt.id(),
                            p.value(), 100 * p.actualSparsity(), p.seconds());
                    o.flush();
                }, ProgressListener.NONE);
                for (String why : r.skipped()) o.printf("  skipped %s%n", why);
                if (r.points().isEmpty()) throw new UserInputException("no method could prune " + file.getFileName());
                writeCurve(r, file);
                o.printf(Locale.ROOT, "sweep    %d points in %.1f s (ONNX Runtime %.1f s)%n", r.points().size(), r.seconds(),
                        r.points().stream().mapToDouble(p -> p.evaluation().ortSeconds()).sum());
                List<String> wrote = new ArrayList<>(List.of("curve.csv", "curve.png", "layers.csv"));
                if (sensitivity) {
                    SweepMethod sm = method(sensitivityMethod);
                    List<Double> sl = sensitivityLevels != null ? fractions(sensitivityLevels, "--sensitivity-levels") : lv;
                    o.printf(Locale.ROOT, "sensitivity  %d layers x %d levels (%s)%n", chosen.size(), sl.size(), sm.name());
                    o.flush();
                    SensitivityResult s = Sensitivity.run(ev, ctx, sm, sl, p -> { }, ProgressListener.NONE);
                    writeSensitivity(s, r, mt);
                    o.printf(Locale.ROOT, "             done in %.1f s%n", s.seconds());
                    wrote.add("sensitivity.csv");
                    wrote.add("sensitivity.png");
                }
                if (teal != null) {
                    List<Double> tl = fractions(teal, "--teal");
                    Teal.Calibration c = Teal.calibrate(file, m, chosen, cal, Teal.DEFAULT_ROWS, seed, ProgressListener.NONE);
                    o.printf(Locale.ROOT, "teal     %d linear inputs, thresholds from %s%n", c.sites().size(), c.data());
                    o.flush();
                    Teal.Result t = Teal.run(ev, c, tl, p -> {
                        o.printf(Locale.ROOT, "  target %6s  %s %.4f  activation sparsity %6.2f%% (calibration %6.2f%%)  %5.2f s%n",
                                Sweep.percent(p.target()), mt.id(), p.value(), 100 * p.sparsity(), 100 * p.calibrationSparsity(), p.seconds());
                        o.flush();
                    }, ProgressListener.NONE);
                    writeTeal(t, mt, file);
                    wrote.add("teal.csv");
                    wrote.add("teal.png");
                }
                o.printf("wrote    %s (%s%s)%n", out, String.join(", ", wrote), keepModels ? ", models/" : "");
            }
        } catch (ModelLoadException | EvaluationException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        return 0;
    }

    private static List<Double> fractions(List<Double> percents, String option) {
        List<Double> out = new ArrayList<>();
        for (double p : percents) {
            if (!(p >= 0 && p <= 100)) throw new UserInputException(option + " takes percentages from 0 to 100, got " + p);
            out.add(p / 100);
        }
        if (out.isEmpty()) throw new UserInputException(option + " needs at least one level");
        return out;
    }

    private static SweepMethod method(String name) {
        try {
            return SweepMethods.of(name);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
    }

    static List<SweepMethod> methods(List<String> names, String nm) {
        List<SweepMethod> out = new ArrayList<>();
        for (String n : names) out.add(method(n));
        if (nm != null) {
            int n;
            int mm;
            try {
                String[] p = nm.split(":");
                n = Integer.parseInt(p[0].trim());
                mm = Integer.parseInt(p[1].trim());
            } catch (RuntimeException e) {
                throw new UserInputException("--nm takes N:M, e.g. 2:4");
            }
            int added = 0;
            for (String name : names) {
                if (!SweepMethods.NM_NAMES.contains(name.trim().toLowerCase(Locale.ROOT))) continue;
                try {
                    out.add(SweepMethods.nm(name, n, mm));
                } catch (IllegalArgumentException e) {
                    throw new UserInputException("--nm: " + e.getMessage());
                }
                added++;
            }
            if (added == 0) {
                throw new UserInputException("--nm goes with " + String.join(", ", SweepMethods.NM_NAMES) + "; none of them is in --methods");
            }
        }
        return out;
    }

    private List<PrunableWeight> chosenWeights(ModelProto m, Path file) {
        List<PrunableWeight> out = new ArrayList<>();
        for (PrunableWeight w : PrunedModels.supported(m)) {
            boolean skip = false;
            for (String p : exclude) {
                TensorPattern tp = TensorPattern.parse(p);
                skip |= tp.matches(w.name()) || tp.matches(w.node());
            }
            if (!skip) out.add(w);
        }
        if (out.isEmpty()) throw new UserInputException(file + " has no prunable float weights left to prune");
        return out;
    }

    private EvalData evalData(Path file) throws IOException, EvaluationException, InterruptedException {
        if (eval != null) {
            Path tok = tokenizer(file);
            return EvalData.load(file, eval, tok, labels, batch, maxLength, limit);
        }
        Optional<SampleModels.Sample> s = sample(file);
        if (s.isEmpty()) throw new UserInputException("name the evaluation inputs with --eval (texts, images or an .npy array)");
        EvalData d = EvalData.forSample(s.get(), limit, batch);
        if (labels != null) d = new EvalData(d.batches(), EvalData.readLabels(labels), d.description());
        return d;
    }

    private EvalData calibrationData(Path file, EvalData data) throws IOException, EvaluationException, InterruptedException {
        if (calibration == null) return data.first(calibrationSize);
        return EvalData.load(file, calibration, tokenizer(file), null, batch, maxLength, calibrationSize);
    }

    private Path tokenizer(Path file) throws IOException {
        return ModelArgument.tokenizer(file, tokenizer).orElse(null);
    }

    private static Optional<SampleModels.Sample> sample(Path file) throws IOException {
        Path f = file.toAbsolutePath().normalize();
        for (SampleModels.Sample s : SampleModels.all()) {
            if (SampleModels.path(s).toAbsolutePath().normalize().equals(f)) return Optional.of(s);
        }
        return Optional.empty();
    }

    private void writeCurve(SweepResult r, Path file) throws IOException {
        TaskMetric mt = r.metric();
        List<String> cols = new ArrayList<>(List.of("method", "level", mt.id(), "actual_sparsity", "seconds", "prune_seconds", "export_seconds",
                "ort_seconds", "ort_session_seconds"));
        // the other metrics, where they apply (empty where not)
        List<TaskMetric> others = java.util.Arrays.stream(TaskMetric.values()).filter(x -> x != mt).toList();
        for (TaskMetric x : others) cols.add(x.id());
        cols.add("token_cosine");
        List<List<String>> rows = new ArrayList<>();
        rows.add(row("dense", 0, r.dense(), 0, r.dense().ortSeconds() + r.dense().metricSeconds(), 0, 0, others));
        for (SweepPoint p : r.points()) {
            rows.add(row(p.method(), p.level(), p.evaluation(), p.actualSparsity(), p.seconds(), p.pruneSeconds(), p.exportSeconds(), others));
        }
        Exporter.writeCsv(new TableData("curve", cols, rows), out.resolve("curve.csv"));

        List<List<String>> lrows = new ArrayList<>();
        for (SweepPoint p : r.points()) {
            for (LayerSparsity l : p.layers()) {
                lrows.add(List.of(p.method(), f(p.level()), l.weight(), l.node(), l.opType(), Integer.toString(l.out()), Integer.toString(l.in()),
                        f(l.sparsity())));
            }
        }
        Exporter.writeCsv(new TableData("per-layer sparsity", List.of("method", "level", "weight", "node", "op", "out", "in", "sparsity"), lrows),
                out.resolve("layers.csv"));

        Map<String, List<double[]>> series = new LinkedHashMap<>();
        // x is the sparsity reached over all pruned weights: for unstructured methods the level, for heads and
        // channels (whose level is the share of heads or channels) less
        for (SweepPoint p : r.points()) {
            series.computeIfAbsent(p.method(), k -> new ArrayList<>()).add(new double[] {100 * p.actualSparsity(), p.value()});
        }
        var chart = PruneCharts.curves(file.getFileName() + ": " + mt.id() + " vs weight sparsity", "weight sparsity reached (% of the prunable weights)",
                mt.label(), series, r.dense().value());
        Exporter.writePng(ImageSource.of(chart), 1000, 640, out.resolve("curve.png"));
    }

    private static List<String> row(String method, double level, Evaluation e, double sparsity, double seconds, double prune, double export,
                                    List<TaskMetric> others) {
        List<String> r = new ArrayList<>(List.of(method, f(level), f(e.value()), f(sparsity), f(seconds), f(prune), f(export), f(e.ortSeconds()),
                f(e.sessionSeconds())));
        for (TaskMetric x : others) r.add(f(e.get(x)));
        r.add(f(e.tokenCosine()));
        return r;
    }

    private void writeSensitivity(SensitivityResult s, SweepResult sweep, TaskMetric mt) throws IOException {
        List<String> cols = new ArrayList<>(List.of("weight", "node", "op", "out", "in"));
        for (double l : s.levels()) cols.add("drop_at_" + Sweep.percent(l).replace("%", ""));
        // the per-layer sparsity the sweep's methods chose, at the sensitivity levels they share
        List<String> chosenCols = new ArrayList<>();
        List<double[]> chosenVals = new ArrayList<>();
        for (double l : s.levels()) {
            if (l == 0) continue;
            for (var e : s.chosen(sweep, l).entrySet()) {
                chosenCols.add("chosen_" + e.getKey().replace(' ', '_') + "_at_" + Sweep.percent(l).replace("%", ""));
                chosenVals.add(e.getValue());
            }
        }
        cols.addAll(chosenCols);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < s.layers().size(); i++) {
            PrunableWeight w = s.layers().get(i);
            List<String> row = new ArrayList<>(List.of(w.name(), w.node(), w.opType(), Integer.toString(w.out()), Integer.toString(w.in())));
            for (int j = 0; j < s.levels().size(); j++) row.add(f(s.drop(i, j)));
            for (double[] c : chosenVals) row.add(f(c[i]));
            rows.add(row);
        }
        Exporter.writeCsv(new TableData("layer sensitivity", cols, rows), out.resolve("sensitivity.csv"));
        // rows named by their node where it has a name (MiniLM's weights are called onnx::MatMul_787)
        List<String> labels = s.layers().stream().map(w -> w.node().isBlank() ? w.name() : w.node()).toList();
        var chart = PruneCharts.sensitivity("Layer sensitivity (" + s.method() + ", one layer at a time): drop in " + mt.id(), labels,
                s.levels(), s.dropMatrix(), mt.id());
        int h = Math.max(420, Math.min(4000, 140 + 22 * s.layers().size()));
        Exporter.writePng(ImageSource.of(chart), 1000, h, out.resolve("sensitivity.png"));
    }

    private void writeTeal(Teal.Result t, TaskMetric mt, Path file) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("dense", "0", f(t.dense().value()), "", "", f(t.dense().ortSeconds()), "", ""));
        for (Teal.Point p : t.points()) {
            rows.add(List.of("point", f(p.target()), f(p.value()), f(p.sparsity()), f(p.calibrationSparsity()), f(p.seconds()), "", ""));
            for (Teal.Layer l : p.layers()) {
                rows.add(List.of("layer", f(p.target()), "", f(l.measuredSparsity()), f(l.calibrationSparsity()), "", l.tensor(), f(l.threshold())));
            }
        }
        Exporter.writeCsv(new TableData("teal", List.of("row", "target", mt.id(), "activation_sparsity", "calibration_sparsity", "seconds",
                "tensor", "threshold"), rows), out.resolve("teal.csv"));
        List<double[]> pts = new ArrayList<>();
        for (Teal.Point p : t.points()) pts.add(new double[] {100 * p.sparsity(), p.value()});
        var chart = PruneCharts.curves(file.getFileName() + ": " + mt.id() + " vs activation sparsity (TEAL)",
                "activation sparsity at the linear-layer inputs, measured (%)", mt.label(), Map.of("TEAL", pts), t.dense().value());
        Exporter.writePng(ImageSource.of(chart), 1000, 640, out.resolve("teal.png"));
    }

    /** A CSV number: empty for NaN, integers without a fraction, else 6 significant digits without trailing zeros. */
    static String f(double v) {
        if (Double.isNaN(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.6g", v);
        int e = s.indexOf('e');
        String mant = e < 0 ? s : s.substring(0, e);
        if (mant.contains(".")) mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        return e < 0 ? mant : mant + s.substring(e);
    }
}
