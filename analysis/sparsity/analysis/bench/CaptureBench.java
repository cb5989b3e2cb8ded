package sparsity.analysis.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.capture.Capture;
import sparsity.analysis.capture.CaptureSpec;
import sparsity.analysis.capture.InputBatch;
import sparsity.analysis.capture.InputSources;
import sparsity.analysis.capture.InputStats;
import sparsity.analysis.input.TextInputs;
import sparsity.analysis.input.Tokenizers;
import sparsity.analysis.onnx.ModelSummary;
import sparsity.analysis.onnx.OnnxModels;
import sparsity.analysis.samples.SampleModels;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.DType;
import sparsity.analysis.store.ShuffledBatches;
import sparsity.analysis.store.StoreTransfer;

/**
 * The capture benchmark of issue 3, runnable by any user ({@code ./workbench bench capture}):
 * all-MiniLM-L6-v2 over the sample corpus, the same pre-tokenized batches run (a) by plain ONNX
 * Runtime inference, (b) as a capture of one hidden state into a store, (c) as a capture of every
 * attention map; rounds alternate A B C so drift hits all three alike; medians and ratios are
 * printed. Then store reading: shuffled 4096-row batches against a sequential read of the same
 * data file.
 */
public final class CaptureBench {

    public static final String HIDDEN = "/encoder/layer.3/output/LayerNorm/Add_1_output_0";

    private CaptureBench() {
    }

    public static void run(PrintWriter out, int texts, int rounds, int batchSize, Path work) throws Exception {
        Path model = SampleModels.path(SampleModels.MINILM);
        ModelSummary summary = OnnxModels.summarize(model, ProgressListener.NONE);
        List<TextInputs.Line> lines = TextInputs.readFile(SampleModels.corpus());
        lines = lines.subList(0, Math.min(texts, lines.size()));
        var tok = Tokenizers.load(SampleModels.tokenizer(SampleModels.MINILM).orElseThrow());
        InputSources.Prepared p = InputSources.prepare(summary, new InputSources.Texts(lines, "sample corpus"), tok, batchSize,
                128, ProgressListener.NONE);
        List<InputBatch> batches = p.batches();
        long tokens = p.stats().tokens();
        out.printf(Locale.ROOT, "capture bench: all-MiniLM-L6-v2, %d texts, %,d real tokens, batch %d, %d rounds, %d cores%n",
                lines.size(), tokens, batchSize, rounds, Runtime.getRuntime().availableProcessors());
        double[] plain = new double[rounds];
        double[] hidden = new double[rounds];
        double[] attention = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            plain[r] = plainInference(model, batches);
            hidden[r] = capture(model, batches, List.of(HIDDEN), false, work.resolve("hidden-" + r));
            attention[r] = capture(model, batches, List.of(), true, work.resolve("attention-" + r));
            out.printf(Locale.ROOT, "  round %d: plain %.2f s, one hidden state %.2f s, all attention maps %.2f s%n", r + 1,
                    plain[r], hidden[r], attention[r]);
            out.flush();
        }
        double mp = median(plain);
        double mh = median(hidden);
        double ma = median(attention);
        out.printf(Locale.ROOT, "plain ORT inference       %,10.0f tokens/s (median %.2f s)%n", tokens / mp, mp);
        out.printf(Locale.ROOT, "capture one hidden state  %,10.0f tokens/s (median %.2f s)  overhead %+.1f%%%n", tokens / mh, mh,
                100 * (mh / mp - 1));
        out.printf(Locale.ROOT, "capture all attention     %,10.0f tokens/s (median %.2f s)  overhead %+.1f%%%n", tokens / ma, ma,
                100 * (ma / mp - 1));
        double[] rh = new double[rounds];
        double[] ra = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            rh[r] = hidden[r] / plain[r];
            ra[r] = attention[r] / plain[r];
        }
        out.printf(Locale.ROOT, "per-round ratio to plain (median): one hidden state %.3f, all attention %.3f%n", median(rh), median(ra));
        out.printf(Locale.ROOT, "fastest round: plain %.2f s, one hidden state %.2f s (%+.1f%%), all attention %.2f s (%+.1f%%)%n",
                min(plain), min(hidden), 100 * (min(hidden) / min(plain) - 1), min(attention), 100 * (min(attention) / min(plain) - 1));
        storeRead(out, work, rounds);
    }

    /** Runs the original model on the batches (last_hidden_state only), as a user's inference would. */
    static double plainInference(Path model, List<InputBatch> batches) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model.toString(), o)) {
            long t0 = System.nanoTime();
            for (InputBatch b : batches) {
                List<OnnxTensor> ts = new ArrayList<>();
                try {
                    java.util.Map<String, OnnxTensor> in = new java.util.LinkedHashMap<>();
                    for (Map.Entry<String, long[][]> e : b.longInputs().entrySet()) {
                        OnnxTensor t = OnnxTensor.createTensor(env, e.getValue());
                        ts.add(t);
                        in.put(e.getKey(), t);
                    }
                    try (OrtSession.Result r = s.run(in)) {
                        float[][][] h = (float[][][]) r.get(0).getValue();
                        if (h.length != b.size()) throw new IllegalStateException("unexpected output");
                    }
                } finally {
                    for (OnnxTensor t : ts) t.close();
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    static double capture(Path model, List<InputBatch> batches, List<String> tensors, boolean attention, Path out) throws Exception {
        if (Files.exists(out)) ActivationStore.delete(out);
        try (Capture c = Capture.open(new CaptureSpec(model, tensors, attention, DType.FLOAT32, out, "bench"))) {
            c.plan(batches.getFirst(), InputStats.of(batches));
            long t0 = System.nanoTime();
            c.run(batches.iterator(), ProgressListener.NONE);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            if (Files.exists(out)) ActivationStore.delete(out);
        }
    }

    /** Shuffled 4096-row batches from a store against a sequential read of its data file. */
    static void storeRead(PrintWriter out, Path work, int rounds) throws Exception {
        int rows = 262_144;
        int d = 384;
        Path npy = work.resolve("rows.npy");
        Path store = work.resolve("read-store");
        if (Files.exists(store)) ActivationStore.delete(store);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        float[] data = new float[rows * d];
        for (int i = 0; i < data.length; i++) data[i] = (float) rnd.nextDouble();
        sparsity.analysis.input.Npy.write(npy, data, rows, d);
        data = null;
        StoreTransfer.importNpy(npy, store, "rows", ProgressListener.NONE);
        Files.delete(npy);
        try (ActivationStore s = ActivationStore.open(store)) {
            var t = s.first();
            long bytes = t.rows() * t.dim() * 4L;
            Path dataFile = largestFile(store);
            double[] seq = new double[rounds];
            double[] shuf = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                seq[r] = bytes / sequential(dataFile) / 1e6;
                ShuffledBatches sb = new ShuffledBatches(t, 4096, r);
                long t0 = System.nanoTime();
                long n = 0;
                double sink = 0;
                for (var it = sb.epoch(0); it.hasNext(); ) {
                    ShuffledBatches.Batch b = it.next();
                    sink += b.data()[0];
                    n++;
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                shuf[r] = n / sec;
                if (sink == 42) out.print("");
            }
            double mb = median(shuf) * 4096 * d * 4 / 1e6;
            out.printf(Locale.ROOT, "store read: %,d rows x %d float32 (%.0f MB), page cache warm%n", t.rows(), d, bytes / 1e6);
            out.printf(Locale.ROOT, "sequential read of the data file  %,8.0f MB/s (median)%n", median(seq));
            out.printf(Locale.ROOT, "shuffled 4096-row batches         %,8.1f batches/s = %,.0f MB/s (median), %.2f x sequential%n",
                    median(shuf), mb, mb / median(seq));
        } finally {
            ActivationStore.delete(store);
        }
    }

    private static Path largestFile(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).max((a, b) -> {
                try {
                    return Long.compare(Files.size(a), Files.size(b));
                } catch (IOException e) {
                    return 0;
                }
            }).orElseThrow();
        }
    }

    /** Seconds to read a file front to back in 8 MB reads. */
    private static double sequential(Path f) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(8 << 20);
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            while (ch.read(buf) > 0) buf.clear();
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
