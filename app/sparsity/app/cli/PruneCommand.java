package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import ai.onnx.proto.OnnxMl.ModelProto;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.graph.ModelSessions;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.prune.Calibration;
import sparsity.analysis.prune.CalibrationException;
import sparsity.analysis.prune.LayerReport;
import sparsity.analysis.prune.MaskArtifact;
import sparsity.analysis.prune.MaskFile;
import sparsity.analysis.prune.NM;
import sparsity.analysis.prune.PruneMethod;
import sparsity.analysis.prune.PruneResult;
import sparsity.analysis.prune.PruneSpec;
import sparsity.analysis.prune.PrunedModels;
import sparsity.analysis.prune.Pruning;
import sparsity.analysis.samples.SampleModels;
import sparsity.app.AppInfo;
import sparsity.app.prune.PruneWork;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;

/** {@code ./workbench prune apply}: a pruned copy of a model, and its mask as a file. */
@Command(name = "prune", description = "Prune the weights of a model.", subcommands = {PruneCommand.Apply.class, PruneSweepCommand.class})
final class PruneCommand {

    /** Examples of calibration data used when --calibration-limit is not given. */
    static final int DEFAULT_CALIBRATION = 512;

    @Command(name = "apply", description = "Write a pruned copy of a model that ONNX Runtime runs (magnitude, magnitude-global, random, lamp, "
            + "wanda, sparsegpt; unstructured or N:M; heads, channels: structured), and/or the mask as a file; or apply a saved mask.")
    static final class Apply implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "MODEL") String model;
        @Option(names = "--method", description = "magnitude, magnitude-global, random, lamp, wanda, sparsegpt, heads or channels.") String method;
        @Option(names = "--sparsity", defaultValue = "0.5", description = "Share to remove: of the weights (per layer, or over all for "
                + "magnitude-global and lamp), of the heads of each attention block, of the channels of each MLP (default ${DEFAULT-VALUE}).")
        double sparsity;
        @Option(names = "--nm", paramLabel = "N:M", description = "Keep N of every M inputs per output, e.g. 2:4 or 4:8 (magnitude, random, wanda, sparsegpt).") String nm;
        @Option(names = "--include", split = ",", paramLabel = "PATTERN", description = "Prune only these weights (or their nodes): names, globs or re:.") List<String> include = new ArrayList<>();
        @Option(names = "--exclude", split = ",", paramLabel = "PATTERN", description = "Weights (or their nodes) to leave dense: names, globs or re:.") List<String> exclude = new ArrayList<>();
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--calibration", paramLabel = "INPUT", description = "Calibration data for wanda and sparsegpt (and the activation-based "
                + "importance of heads and channels): a text file (one text per line), an image folder or an .npy array. Default for the "
                + "bundled samples: their own data (MNIST test digits, the corpus sentences, the tiny transformer's evaluation set).")
        Path calibration;
        @Option(names = "--calibration-limit", defaultValue = "" + DEFAULT_CALIBRATION, paramLabel = "N",
                description = "Use the first N examples of the calibration data (default ${DEFAULT-VALUE}).") int calibrationLimit;
        @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json for text calibration data (default: beside the model, or the sample's).") Path tokenizer;
        @Option(names = "--batch", defaultValue = "16", description = "Calibration examples per batch (default ${DEFAULT-VALUE}).") int batch;
        @Option(names = "--max-length", defaultValue = "128", description = "Tokens per calibration text at most (default ${DEFAULT-VALUE}).") int maxLength;
        @Option(names = "--mask", paramLabel = "FILE", description = "Apply a saved mask (from --mask-out) instead of choosing one.") Path mask;
        @Option(names = "--mask-out", paramLabel = "FILE", description = "Also write the mask, with its provenance, as a mask file (.safetensors).") Path maskOut;
        @Option(names = "--out", paramLabel = "FILE", description = "The pruned model to write.") Path out;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (out == null && maskOut == null) throw new UserInputException("say where to write: --out pruned.onnx and/or --mask-out mask.safetensors");
            Path file = ModelArgument.resolve(model);
            PrintWriter o = spec.commandLine().getOut();
            try {
                ModelProto m = OnnxModels.read(file);
                String sha = OnnxModels.sha256(file);
                if (mask != null) return applySaved(o, file, m, sha);
                if (method == null) throw new UserInputException("choose --method (" + String.join(", ",
                        Pruning.methods().stream().map(PruneMethod::name).toList()) + ") or apply a saved --mask");
                PruneMethod pm;
                try {
                    pm = Pruning.method(method);
                } catch (IllegalArgumentException e) {
                    throw new UserInputException("--method " + method + ": " + e.getMessage(), e);
                }
                if (!(sparsity >= 0 && sparsity <= 1)) throw new UserInputException("--sparsity must be in [0, 1]");
                NM pattern = null;
                if (nm != null) {
                    try {
                        pattern = NM.parse(nm);
                    } catch (IllegalArgumentException e) {
                        throw new UserInputException("--nm takes N:M, e.g. 2:4: " + e.getMessage(), e);
                    }
                    if (!pm.nm()) {
                        throw new UserInputException("--nm goes with magnitude, random, wanda or sparsegpt (each row of each layer keeps N of M); "
                                + pm.name() + " does not take it");
                    }
                }
                PruneSpec ps = new PruneSpec(pm.name(), sparsity, pattern, include, exclude, seed);
                PruneResult r;
                try (Backend be = Backends.cpu()) {
                    Calibration cal = null;
                    boolean wanted = pm.calibration() == PruneMethod.Calibration.REQUIRED
                            || pm.calibration() == PruneMethod.Calibration.OPTIONAL && calibration != null;
                    if (wanted) cal = calibrate(o, file, m, pm, be);
                    r = Pruning.apply(m, ps, cal, be, ProgressListener.NONE);
                }
                report(o, r);
                if (out != null) {
                    ModelSessions.save(r.applyTo(m), out);
                    OnnxModels.verifyWithRuntime(out);
                    o.printf("wrote    %s (ONNX Runtime loads it)%n", out);
                }
                if (maskOut != null) {
                    String name = SampleModels.byId(model).isPresent() ? model : file.getFileName().toString();
                    MaskArtifact a = MaskArtifact.of(r, m, name, sha, AppInfo.version());
                    MaskFile.write(maskOut, a);
                    o.printf(Locale.ROOT, "wrote    %s (masks of %d tensors%s; %s)%n", maskOut, a.masks().size(),
                            a.weights().isEmpty() ? "" : " and " + pm.name() + "'s updated weights", a.describe());
                }
            } catch (ModelLoadException | CalibrationException | CaptureException e) {
                throw new UserInputException(e.getMessage(), e);
            } catch (IOException | IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }

        private int applySaved(PrintWriter o, Path file, ModelProto m, String sha) throws IOException, ModelLoadException {
            if (method != null || nm != null || calibration != null || !include.isEmpty() || !exclude.isEmpty()) {
                throw new UserInputException("--mask applies a saved mask as it is; leave out --method, --nm, --calibration, --include and --exclude");
            }
            if (out == null) throw new UserInputException("--mask needs --out pruned.onnx");
            MaskArtifact a = MaskFile.read(mask);
            String warning = a.checkModel(sha);
            o.println("mask     " + a.describe());
            if (!warning.isEmpty()) o.println("note     " + warning);
            ModelProto pruned = PrunedModels.apply(m, a);
            for (var e : a.masks().entrySet()) {
                MaskArtifact.Mask k = e.getValue();
                o.printf(Locale.ROOT, "  %-60s %-14s sparsity %.4f%n", e.getKey(), k.shape(), (double) k.pruned() / k.keep().length);
            }
            ModelSessions.save(pruned, out);
            OnnxModels.verifyWithRuntime(out);
            o.printf(Locale.ROOT, "pruned   %,d of %,d masked values (%.2f%%)%n", a.pruned(), a.count(), 100.0 * a.pruned() / Math.max(1, a.count()));
            o.printf("wrote    %s (ONNX Runtime loads it)%n", out);
            return 0;
        }

        private Calibration calibrate(PrintWriter o, Path file, ModelProto m, PruneMethod pm, Backend be)
                throws IOException, CaptureException, CalibrationException, InterruptedException, ModelLoadException {
            if (calibrationLimit < 1 || batch < 1 || maxLength < 1) throw new UserInputException("--calibration-limit, --batch and --max-length must be >= 1");
            ModelSummary summary = OnnxModels.summarize(file, ProgressListener.NONE);
            InputSources.Source source;
            if (calibration != null) {
                source = InputSources.of(calibration, summary);
            } else {
                source = sampleData(file).orElseThrow(() -> new UserInputException("--method " + pm.name() + " needs calibration data: "
                        + "--calibration FILE|DIR (a text file with one text per line, a folder of images, or an .npy array of the model's inputs)"));
            }
            if (source instanceof InputSources.Texts t && t.lines().size() > calibrationLimit) {
                source = new InputSources.Texts(t.lines().subList(0, calibrationLimit), t.origin());
            }
            Tokenizer tok = null;
            if (source instanceof InputSources.Texts) {
                Optional<Path> tf = ModelArgument.tokenizer(file, tokenizer);
                if (tf.isPresent()) tok = Tokenizers.load(tf.get());
            }
            InputSources.Prepared prepared = InputSources.prepare(summary, source, tok, Math.min(batch, calibrationLimit), maxLength,
                    ProgressListener.NONE);
            List<InputBatch> batches = first(prepared.batches(), calibrationLimit);
            int examples = batches.stream().mapToInt(InputBatch::size).sum();
            String description = prepared.description() + (source instanceof InputSources.Texts ? "" : ", first " + examples);
            PrintWriter err = spec.commandLine().getErr();
            long[] last = {System.nanoTime()};
            Calibration cal = Calibration.collect(m, file, batches, description, pm.gram(), be, (f, msg) -> {
                long now = System.nanoTime();
                if (now - last[0] > 2_000_000_000L) {
                    err.printf(Locale.ROOT, "  %3.0f%%  %s%n", 100 * Math.max(0, f), msg);
                    err.flush();
                    last[0] = now;
                }
            });
            o.printf(Locale.ROOT, "calib    %s: %,d examples, %,d tokens%s%n", cal.description(), cal.examples(), cal.tokens(),
                    pm.gram() ? " (input Gram matrices X^T X)" : " (input norms)");
            return cal;
        }

        /** The bundled sample's own data, when the model is a bundled sample. */
        private static Optional<InputSources.Source> sampleData(Path file) throws IOException {
            return PruneWork.sampleData(file);
        }

        /** The first {@code limit} examples of the batches (the last batch cut if need be). */
        static List<InputBatch> first(List<InputBatch> batches, int limit) {
            return PruneWork.first(batches, limit);
        }

        private static void report(PrintWriter o, PruneResult r) {
            int unsupported = 0;
            for (LayerReport l : r.layers()) {
                String shape = "[" + l.weight().out() + ", " + l.weight().in() + "]";
                String where = l.weight().node().isEmpty() ? l.name() : l.weight().node() + " (" + l.name() + ")";
                if (l.status() == LayerReport.Status.PRUNED) {
                    o.printf(Locale.ROOT, "  %-72s %-12s sparsity %.4f%n", where, shape, l.sparsity());
                } else {
                    if (l.status() == LayerReport.Status.UNSUPPORTED) unsupported++;
                    o.printf(Locale.ROOT, "  %-72s %-12s left dense: %s%n", where, shape, l.note());
                }
            }
            for (PruneResult.Removed x : r.removed()) {
                StringBuilder sb = new StringBuilder();
                int shown = Math.min(x.indices().length, 32);
                for (int i = 0; i < shown; i++) sb.append(i > 0 ? " " : "").append(x.indices()[i]);
                if (shown < x.indices().length) sb.append(" ... (").append(x.indices().length - shown).append(" more; all in --mask-out)");
                o.printf(Locale.ROOT, "  removed %d of %d %ss of %s: %s%n", x.indices().length, x.total(), x.unit(), x.block(), sb);
            }
            if (!r.importance().isEmpty()) o.println("importance " + r.importance());
            String what = r.spec().nm() != null ? r.method().name() + " " + r.spec().nm() : r.method().name();
            o.printf(Locale.ROOT, "pruned   %,d of %,d prunable weights (%.2f%%) with %s%n", r.pruned(), r.prunable(), 100 * r.sparsity(), what);
            if (unsupported > 0) {
                o.printf("note     %d quantized or non-float32 weights are not supported and were left as they are: a mask applies to "
                        + "float32 weights; prune the float model, then quantize it%n", unsupported);
            }
            long total = r.prunable();
            long kept = total - r.pruned();
            o.printf(Locale.ROOT, "storage  dense %,d bytes; a sparse encoding (value + index) would take %,d bytes%s%n", total * 4, kept * 8,
                    r.spec().nm() != null ? "; N:M patterns can also run faster on hardware that supports them"
                            : r.method().structured() ? "; the removed heads/channels are zeroed in place (shapes kept), so the model is "
                            + "no smaller until they are cut out" : "; unstructured sparsity saves nothing unless the weights are stored sparse");
        }
    }
}
