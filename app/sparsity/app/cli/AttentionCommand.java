package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import javax.imageio.ImageIO;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureException;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.json.JsonWriter;
import sparsity.analysis.onnx.ModelLoadException;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.StoredTensor;
import sparsity.attention.HeadAnalysis;
import sparsity.attention.metrics.HeadMetrics;
import sparsity.views.attention.AtlasImages;
import sparsity.views.attention.AtlasModel;
import sparsity.views.export.Exporter;
import sparsity.views.export.TableData;

/**
 * {@code ./workbench attention --model M --input FILE --out DIR}: captures every attention map,
 * then writes the per-head metrics (heads.csv), the MInference-style pattern file (patterns.json)
 * and the atlas of the first example (atlas.png).
 */
@Command(name = "attention", description = "Per-head attention metrics, MInference-style patterns and an atlas PNG.")
final class AttentionCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "MODEL") String model;
    @Option(names = "--input", required = true, paramLabel = "FILE|DIR", description = "Texts (one per line), images, or an .npy array.") Path input;
    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--tokenizer", paramLabel = "FILE") Path tokenizer;
    @Option(names = "--max-length", defaultValue = "128") int maxLength;
    @Option(names = "--limit", defaultValue = "64", description = "Use the first N texts (default ${DEFAULT-VALUE}).") int limit;
    @Option(names = "--budget", defaultValue = "0.1", description = "Pattern budget as a share of the attention cells (default ${DEFAULT-VALUE}).") double budget;
    @Option(names = "--keys", split = ",", paramLabel = "PATTERN",
            description = "Also capture these key (or hidden-state) tensors [tokens, heads x d_head] and write the UNComp matrix "
                    + "entropy of each head's key matrix to keys.csv, e.g. '/encoder/layer.*/attention/self/key/Add_output_0'.")
    List<String> keys = new ArrayList<>();
    @Option(names = "--induction", paramLabel = "START:LENGTH",
            description = "Inputs are random sequences repeated twice; the first copy starts at START and has LENGTH tokens.") String induction;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(budget > 0 && budget <= 1)) throw new UserInputException("--budget must be in (0, 1]");
        HeadAnalysis.InductionLayout layout = null;
        if (induction != null) {
            String[] p = induction.split(":");
            try {
                layout = new HeadAnalysis.InductionLayout(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
            } catch (RuntimeException e) {
                throw new UserInputException("--induction takes START:LENGTH, e.g. 1:20");
            }
        }
        Path modelFile = ModelArgument.resolve(model);
        PrintWriter o = spec.commandLine().getOut();
        Files.createDirectories(out);
        Path store = Files.createTempDirectory(out, ".attention-store-");
        Files.delete(store);
        try {
            ModelSummary summary = OnnxModels.summarize(modelFile, ProgressListener.NONE);
            InputSources.Source src = InputSources.of(input, summary);
            if (src instanceof InputSources.Texts t && t.lines().size() > limit) src = new InputSources.Texts(t.lines().subList(0, limit), t.origin());
            Tokenizer tok = null;
            if (src instanceof InputSources.Texts) {
                Optional<Path> tf = ModelArgument.tokenizer(modelFile, tokenizer);
                if (tf.isPresent()) tok = Tokenizers.load(tf.get());
            }
            InputSources.Prepared prepared = InputSources.prepare(summary, src, tok, 8, maxLength, ProgressListener.NONE);
            try (Capture c = Capture.open(new CaptureSpec(modelFile, keys, true, DType.FLOAT32, store, prepared.description()))) {
                c.run(prepared.batches().iterator(), ProgressListener.NONE);
            }
            try (ActivationStore s = ActivationStore.open(store)) {
                List<HeadAnalysis.HeadReport> heads = HeadAnalysis.analyze(s, HeadMetrics.Settings.defaults(), budget, layout,
                        ProgressListener.NONE);
                Exporter.writeCsv(sparsity.views.attention.HeadTables.heads(heads), out.resolve("heads.csv"));
                Files.writeString(out.resolve("patterns.json"), JsonWriter.pretty(patterns(heads)), StandardCharsets.UTF_8);
                ImageIO.write(AtlasImages.render(atlas(s, heads, summary), 96, true), "png", out.resolve("atlas.png").toFile());
                o.printf(Locale.ROOT, "analyzed %d layers x %d heads over %d examples (%s)%n", heads.getLast().layer() + 1,
                        heads.getLast().head() + 1, s.examples(), prepared.description());
                for (HeadAnalysis.HeadReport h : heads) {
                    o.printf(Locale.ROOT, "  %-8s head %2d  %-15s entropy %.3f  density@0.9 %.3f  sink %.3f  prev %.3f%s  %s %.3f%n",
                            h.layerLabel(), h.head(), h.label(), h.metrics().normalizedEntropy().mean(),
                            h.metrics().coverageAt(0.9).mean(), h.metrics().sink().mean(), h.metrics().previousToken().mean(),
                            h.metrics().induction().n() > 0 ? String.format(Locale.ROOT, "  induction %.3f", h.metrics().induction().mean()) : "",
                            h.pattern().best().pattern(), h.pattern().best().score());
                }
                boolean wroteKeys = false;
                if (!keys.isEmpty()) {
                    Exporter.writeCsv(sparsity.views.attention.KeyEntropyTables.table(sparsity.attention.KeyEntropy.of(s, heads.getLast().head() + 1, 16_384)),
                            out.resolve("keys.csv"));
                    wroteKeys = true;
                }
                o.printf("wrote    %s (heads.csv, patterns.json, atlas.png%s)%n", out, wroteKeys ? ", keys.csv" : "");
            }
        } catch (ModelLoadException | CaptureException | IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UserInputException(e.getMessage(), e);
        } finally {
            if (ActivationStore.isStore(store)) ActivationStore.delete(store);
        }
        return 0;
    }

    /** MInference's layout: one object per layer, head index to [pattern, vertical_size, slash_size, score]. */
    static List<Object> patterns(List<HeadAnalysis.HeadReport> heads) {
        List<Object> layers = new ArrayList<>();
        for (HeadAnalysis.HeadReport h : heads) {
            while (layers.size() <= h.layer()) layers.add(new LinkedHashMap<String, Object>());
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) layers.get(h.layer());
            var b = h.pattern().best();
            m.put(Integer.toString(h.head()), List.of(b.pattern(), b.verticalSize(), b.slashSize(), b.score()));
        }
        return layers;
    }

    static AtlasModel atlas(ActivationStore s, List<HeadAnalysis.HeadReport> heads, ModelSummary summary) {
        List<StoredTensor> maps = s.tensors().stream().filter(StoredTensor::isAttention).toList();
        List<AtlasModel.Head> cells = new ArrayList<>();
        int nh = 0;
        for (int l = 0; l < maps.size(); l++) {
            StoredTensor t = maps.get(l);
            int[] size = t.mapSize(0);
            float[] all = t.map(0);
            nh = Math.max(nh, t.dim());
            for (int h = 0; h < t.dim(); h++) {
                final int layer = l;
                final int head = h;
                HeadAnalysis.HeadReport r = heads.stream().filter(x -> x.layer() == layer && x.head() == head).findFirst().orElseThrow();
                float[] one = java.util.Arrays.copyOfRange(all, h * size[0] * size[1], (h + 1) * size[0] * size[1]);
                cells.add(new AtlasModel.Head(l, h, one, size[0], size[1], r.label(),
                        String.format(Locale.ROOT, "sparsity %.2f", 1 - r.metrics().coverageAt(0.9).mean())));
            }
        }
        return new AtlasModel(summary.file().getFileName() + ": " + s.exampleName(0), maps.size(), nh, cells);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
