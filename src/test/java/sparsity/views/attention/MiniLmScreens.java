package sparsity.views.attention;

import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import sparsity.analysis.input.BatchEncoding;
import sparsity.analysis.input.Encoding;
import sparsity.analysis.input.Tokenizer;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.stats.ActivationStats;
import sparsity.analysis.stats.RowSource;
import sparsity.attention.metrics.AttentionMap;
import sparsity.attention.metrics.PatternSearch;
import sparsity.attention.metrics.RowMetrics;
import sparsity.views.export.Exporter;
import sparsity.views.heatmap.HeatmapView;
import sparsity.views.heatmap.HeatmapViewModel;
import sparsity.views.heatmap.MatrixSource;
import sparsity.views.stats.ActivationStatsView;
import sparsity.views.stats.ActivationStatsViewModel;

/**
 * Screenshots of the views on real data, not a test: all-MiniLM-L6-v2 with its six Softmax
 * outputs and the layer-3 GELU output added to the graph, run by ONNX Runtime on sentences of the
 * sample corpus. Writes atlas, head view and activation statistics PNGs into the folder given
 * (default /tmp). Needs the corpus: run with {@code -Dworkbench.home=<a checkout with sample-models>}.
 */
public final class MiniLmScreens {

    private static final Map<String, String> SHORT = Map.of(PatternSearch.A_SHAPE, "A-shape",
            PatternSearch.VERTICAL_SLASH, "vert.-slash", PatternSearch.BLOCK_SPARSE, "block");
    private static final String GELU_CONSUMER = "/encoder/layer.3/output/dense/MatMul";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "/tmp");
        Path modelFile = SampleModels.path(SampleModels.MINILM);
        Tokenizer tok = Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow());
        OnnxMl.ModelProto model = OnnxModels.read(modelFile);
        List<String> softmax = new ArrayList<>();
        String gelu = null;
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Softmax")) softmax.add(n.getOutput(0));
            if (n.getName().equals(GELU_CONSUMER)) gelu = n.getInput(0);
        }
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
        for (String name : concat(softmax, gelu)) {
            g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                    .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))));
        }
        byte[] edited = model.toBuilder().setGraph(g).build().toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<String> sentences = Files.readAllLines(SampleModels.corpus()).stream().filter(s -> !s.isBlank()).toList();
        try (OrtSession session = env.createSession(edited, new OrtSession.SessionOptions())) {
            String text = sentences.stream().filter(s -> s.split(" ").length > 22 && s.split(" ").length < 30)
                    .findFirst().orElse(sentences.get(0));
            BatchEncoding one = tok.encodeBatch(List.of(text));
            Map<String, float[]> att = run(env, session, one, new HashSet<>(softmax));
            Encoding e = one.encodings().get(0);
            int len = e.length();
            int n = e.realLength();
            List<String> tokens = List.of(e.tokens()).subList(0, n);
            List<AtlasModel.Head> heads = new ArrayList<>();
            for (int l = 0; l < softmax.size(); l++) {
                float[] all = att.get(softmax.get(l));
                for (int h = 0; h < 12; h++) {
                    float[] map = new float[n * n];
                    for (int q = 0; q < n; q++) System.arraycopy(all, (h * len + q) * len, map, q * n, n);
                    AttentionMap m = AttentionMap.full(map, n, n);
                    String pattern = PatternSearch.classify(m, 0.1, PatternSearch.defaultBlockSize(n)).best().pattern();
                    heads.add(new AtlasModel.Head(l, h, map, n, n, SHORT.getOrDefault(pattern, pattern), String.format(Locale.ROOT,
                            "sparsity@0.9 %.2f", 1 - density(map, n))));
                }
            }
            AtlasModel atlas = new AtlasModel("all-MiniLM-L6-v2: \"" + text.substring(0, Math.min(40, text.length())) + "...\"",
                    softmax.size(), 12, heads);
            Exporter.writePng(AtlasImages.imageSource(atlas, true), 1400, 900, out.resolve("minilm-atlas-headless.png"));
            AtlasModel.Head head = atlas.head(2, 4);
            HeatmapViewModel hvm = new HeatmapViewModel("L2.H4 " + head.label(), MatrixSource.of(head.map(), n, n),
                    "query", "key", tokens, tokens);
            hvm.logScaleProperty().set(true);

            List<float[]> rows = new ArrayList<>();
            for (int b = 0; b < 256; b += 32) {
                BatchEncoding batch = tok.encodeBatch(sentences.subList(b, b + 32));
                float[] act = run(env, session, batch, Set.of(gelu)).get(gelu);
                int seq = batch.sequenceLength();
                int dim = act.length / (32 * seq);
                for (int s = 0; s < 32; s++) {
                    long[] mask = batch.encodings().get(s).attentionMask();
                    for (int t = 0; t < seq; t++) {
                        if (mask[t] == 1) rows.add(java.util.Arrays.copyOfRange(act, (s * seq + t) * dim, (s * seq + t + 1) * dim));
                    }
                }
            }
            int dim = rows.get(0).length;
            float[] flat = new float[rows.size() * dim];
            for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, flat, i * dim, dim);
            Supplier<RowSource> src = () -> RowSource.of(flat, dim, 1024);
            String geluName = gelu;
            Platform.startup(() -> { });
            onFx(() -> {
                AttentionAtlasView av = new AttentionAtlasView(atlas);
                HeatmapView hv = new HeatmapView(hvm);
                ActivationStatsViewModel svm = new ActivationStatsViewModel(geluName, src, ActivationStats.Settings.defaults());
                ActivationStatsView sv = new ActivationStatsView(svm);
                svm.recompute();
                show(av, 1400, 900);
                show(hv, 1000, 900);
                show(sv, 1400, 900);
                waitThen(() -> av.readyProperty().get() && hv.frameProperty().get() != null
                        && svm.summary() != null && !svm.runningProperty().get(), () -> {
                    snap(av, out.resolve("minilm-atlas-view.png"));
                    snap(hv, out.resolve("minilm-head-view.png"));
                    snap(sv, out.resolve("minilm-stats-view.png"));
                    System.out.println("stats: " + svm.nearZeroFractionTextProperty().get() + " near zero, "
                            + svm.neverActiveTextProperty().get() + " never active, " + svm.outliers().size() + " outliers");
                    Platform.exit();
                });
            });
        }
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> l = new ArrayList<>(a);
        l.add(b);
        return l;
    }

    /** Mean coverage density at 0.9 over query rows. */
    private static double density(float[] map, int n) {
        double sum = 0;
        float[] scratch = new float[n];
        for (int i = 0; i < n; i++) sum += RowMetrics.coverageDensity(RowMetrics.sortedDescending(map, i * n, n, scratch), n, 0.9);
        return sum / n;
    }

    private static Map<String, float[]> run(OrtEnvironment env, OrtSession s, BatchEncoding b, Set<String> outputs) throws Exception {
        long[] shape = b.shape();
        Map<String, OnnxTensor> in = new HashMap<>();
        in.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.flatIds()), shape));
        in.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(b.flatAttentionMask()), shape));
        in.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(b.flatTypeIds()), shape));
        Map<String, float[]> res = new HashMap<>();
        try (OrtSession.Result r = s.run(in, outputs)) {
            for (String o : outputs) {
                var fb = ((OnnxTensor) r.get(o).orElseThrow()).getFloatBuffer();
                float[] a = new float[fb.remaining()];
                fb.get(a);
                res.put(o, a);
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
        return res;
    }

    private static void show(Parent root, int w, int h) {
        new Scene(root, w, h);
        root.applyCss();
        root.layout();
    }

    private static void snap(Parent root, Path file) {
        try {
            root.applyCss();
            root.layout();
            Exporter.writePng(root, file);
            System.out.println("wrote " + file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void waitThen(java.util.function.BooleanSupplier ready, Runnable then) {
        if (ready.getAsBoolean()) {
            then.run();
            return;
        }
        javafx.animation.PauseTransition p = new javafx.animation.PauseTransition(javafx.util.Duration.millis(100));
        p.setOnFinished(e -> waitThen(ready, then));
        p.play();
    }

    private static void onFx(Runnable r) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Platform.runLater(() -> {
            r.run();
            started.countDown();
        });
        started.await(60, TimeUnit.SECONDS);
    }
}
