package sparsity.sae.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import sparsity.analysis.ProgressListener;
import sparsity.analysis.json.JsonWriter;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.model.Architectures;
import sparsity.sae.model.InferenceThreshold;
import sparsity.sae.model.DeviceResident;
import sparsity.sae.model.SaeSpec;
import sparsity.sae.model.SparseAutoencoder;
import sparsity.sae.model.StepStats;

/**
 * One training run from an activation store to an autoencoder folder, the same for the CLI and
 * the window: open the store and pick the tensor, hold out the last rows, scale (none or SAELens'
 * normalization), make the architecture, initialize from a data sample (or resume from the
 * folder's checkpoint), train with checkpoints, evaluate on the held-out rows, and write the
 * SAELens folder, {@code metrics.csv} (every step) and {@code run.json} (settings, counts and
 * held-out metrics). An observer sees every step and, every so often, the latents' state (for the
 * live charts). Stops, after a checkpoint, when the thread is interrupted.
 */
public final class TrainingRun {

    /** File with the run's settings, counts and held-out metrics. */
    public static final String SUMMARY = "run.json";
    /** File with every step's loss, FVU, L0, AuxK loss, dead count and learning rate. */
    public static final String METRICS = "metrics.csv";

    /**
     * What to train. Zeros mean "the default" where said.
     *
     * @param store          activation store folder
     * @param tensor         captured tensor (null: the first with rows)
     * @param architecture   registered name (topk, batchtopk, ksparse, relu)
     * @param k              latents kept per row
     * @param latents        number of latents (0: expansion x the input width)
     * @param expansion      latents as a multiple of the input width (used when latents is 0)
     * @param tokens         rows to train on (the data repeats in epochs)
     * @param batch          rows per step
     * @param lr             peak learning rate
     * @param warmupSteps    linear warm-up steps
     * @param decayFraction  share of the steps with a linear decay to 0 at the end
     * @param seed           seed of init and data order
     * @param normalize      "none" or "saelens" (rows scaled to mean norm sqrt(d))
     * @param deadWindow     tokens without firing before a latent is dead (0: min(10M, tokens / 10), at least a batch)
     * @param kAux           dead latents per row for AuxK (0: d / 2)
     * @param auxAlpha       AuxK coefficient
     * @param l1             ReLU + L1 coefficient
     * @param kStart         k-sparse: k at the first step (0: min(latents, 4 k))
     * @param kSchedule      k-sparse: share of the steps over which k goes down to its target
     * @param encodeAlpha    k-sparse: alpha (keep alpha x k when encoding)
     * @param holdout        share of the rows (the last) kept for evaluation
     * @param checkpointEvery tokens between checkpoints (0: only at the end and when stopped)
     * @param threads        CPU threads (0: all)
     * @param backend        compute backend name ("vector", "reference")
     * @param out            the autoencoder's folder
     */
    public record Settings(Path store, String tensor, String architecture, int k, int latents, int expansion, long tokens,
                           int batch, double lr, long warmupSteps, double decayFraction, long seed, String normalize,
                           long deadWindow, int kAux, double auxAlpha, double l1, int kStart, double kSchedule,
                           double encodeAlpha, double holdout, long checkpointEvery, int threads, String backend, Path out) {

        /** The defaults of the CLI for a store, an architecture, k, tokens and a folder. */
        public static Settings defaults(Path store, String architecture, int k, long tokens, Path out) {
            return new Settings(store, null, architecture, k, 0, 8, tokens, 4096, 4e-4, 0, 0, 0, "none", 0, 0, 1.0 / 32, 5,
                    0, 0.5, 1, 0.05, 0, 0, "vector", out);
        }

        public Settings withOut(Path dir) {
            return new Settings(store, tensor, architecture, k, latents, expansion, tokens, batch, lr, warmupSteps, decayFraction,
                    seed, normalize, deadWindow, kAux, auxAlpha, l1, kStart, kSchedule, encodeAlpha, holdout, checkpointEvery,
                    threads, backend, dir);
        }

        public Settings withSweepPoint(int newK, int newLatents, Path dir) {
            return new Settings(store, tensor, architecture, newK, newLatents, expansion, tokens, batch, lr, warmupSteps,
                    decayFraction, seed, normalize, deadWindow, kAux, auxAlpha, l1, kStart, kSchedule, encodeAlpha, holdout,
                    checkpointEvery, threads, backend, dir);
        }

        /** The settings as strings (checkpoint properties and the summary). */
        public Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("store", store.toAbsolutePath().toString());
            m.put("tensor", String.valueOf(tensor));
            m.put("architecture", architecture);
            m.put("k", "" + k);
            m.put("latents", "" + latents);
            m.put("expansion", "" + expansion);
            m.put("tokens", "" + tokens);
            m.put("batch", "" + batch);
            m.put("lr", "" + lr);
            m.put("warmup_steps", "" + warmupSteps);
            m.put("decay_fraction", "" + decayFraction);
            m.put("seed", "" + seed);
            m.put("normalize", normalize);
            m.put("holdout", "" + holdout);
            m.put("l1", "" + l1);
            m.put("checkpoint_every", "" + checkpointEvery);
            m.put("dead_window", "" + deadWindow);
            m.put("k_aux", "" + kAux);
            m.put("aux_alpha", "" + auxAlpha);
            m.put("k_start", "" + kStart);
            m.put("k_schedule", "" + kSchedule);
            m.put("encode_alpha", "" + encodeAlpha);
            m.put("threads", "" + threads);
            m.put("backend", backend);
            return m;
        }
    }

    /** What the run is about to do (sent once, before the first step). */
    public record Start(String architecture, String tensor, int d, int n, long trainRows, long evalRows, long totalSteps,
                        long firstStep, float scale, String backend, int threads) {
    }

    /**
     * The latents' state during training.
     *
     * @param tokensSinceFired per latent, tokens since it last fired (the dead-latent strip)
     * @param window           tokens without firing after which a latent is dead
     * @param density          per latent, the share of rows it fired on since the previous snapshot
     * @param rows             rows that density is over
     */
    public record LatentSnapshot(long step, long tokens, long[] tokensSinceFired, long window, double[] density, long rows) {
        public int dead() {
            int c = 0;
            for (long s : tokensSinceFired) if (s >= window) c++;
            return c;
        }

        public int dense() {
            int c = 0;
            for (double v : density) if (v > SaeMetrics.DENSE) c++;
            return c;
        }
    }

    /** Receives the run's events on the training thread. */
    public interface Observer {
        default void started(Start s) {
        }

        void step(long step, long tokens, StepStats stats, double lr);

        default void latents(LatentSnapshot s) {
        }

        Observer NONE = (step, tokens, stats, lr) -> { };
    }

    /**
     * How it ended.
     *
     * @param eval held-out metrics (null when stopped early or when nothing was held out)
     */
    public record Result(Path out, String architecture, String tensor, int d, int n, long steps, long tokens,
                         boolean stopped, double seconds, double tokensPerSecond, StepStats last, SaeMetrics.Result eval) {
    }

    private TrainingRun() {
    }

    /** Steps between latent snapshots: about 50 over the run, at least every 1. */
    static long snapshotEvery(long totalSteps) {
        return Math.max(1, totalSteps / 50);
    }

    /**
     * Trains (or, with {@code resume}, continues from {@code out/checkpoint}).
     *
     * @throws IllegalArgumentException for settings that cannot work (message for the user)
     * @throws IOException              for a store, folder or disk problem
     */
    public static Result run(Settings s, boolean resume, Observer observer, ProgressListener progress) throws IOException {
        if (!Architectures.names().contains(s.architecture())) {
            throw new IllegalArgumentException("unknown architecture '" + s.architecture() + "' (known: "
                    + String.join(", ", Architectures.names()) + ")");
        }
        if (!(s.holdout() >= 0 && s.holdout() < 1)) throw new IllegalArgumentException("the held-out share must be in [0, 1)");
        try (ActivationStore store = ActivationStore.open(s.store())) {
            StoredTensor t = tensor(store, s.store(), s.tensor());
            int d = t.dim();
            int n = s.latents() > 0 ? s.latents() : Math.max(1, s.expansion()) * d;
            long evalRows = Math.round(t.rows() * s.holdout());
            long trainRows = t.rows() - evalRows;
            if (trainRows < s.batch()) {
                throw new IllegalArgumentException(s.store() + " has " + trainRows + " training rows, fewer than a batch of " + s.batch());
            }
            float scale = switch (s.normalize()) {
                case "none" -> 1f;
                case "saelens" -> StoreBatches.saeLensScale(t, 0, trainRows, 32768);
                default -> throw new IllegalArgumentException("normalization must be none or saelens, not " + s.normalize());
            };
            Trainer.Settings ts = new Trainer.Settings(s.tokens(), s.batch(), s.lr(), s.warmupSteps(), s.decayFraction(), s.checkpointEvery());
            long window = s.deadWindow() > 0 ? s.deadWindow() : Math.max(s.batch(), Math.min(10_000_000L, s.tokens() / 10));
            SaeSpec spec = new SaeSpec(s.architecture(), s.k(), s.kAux() > 0 ? s.kAux() : Math.max(1, d / 2), s.auxAlpha(), window,
                    1e-3, s.l1(), s.kStart() > 0 ? s.kStart() : Math.min(n, 4 * s.k()), Math.round(s.kSchedule() * ts.totalSteps()),
                    s.encodeAlpha(), 0.999);
            Properties prov = new Properties();
            prov.putAll(s.asMap());
            prov.put("tensor", t.name());
            prov.put("latents", "" + n);
            prov.put("scale", "" + scale);
            Files.createDirectories(s.out());
            Path cp = s.out().resolve("checkpoint");
            int threads = s.threads() > 0 ? s.threads() : Runtime.getRuntime().availableProcessors();
            try (Backend be = Backends.create(s.backend(), threads);
                 SparseAutoencoder sae = Architectures.create(be, d, n, spec, s.seed())) {
                StoreBatches train = new StoreBatches(t, 0, trainRows, s.seed(), scale);
                List<String[]> rows = new ArrayList<>();
                if (resume) {
                    if (!Files.isDirectory(cp)) throw new IllegalArgumentException(s.out() + " has no checkpoint to resume from");
                    Checkpoints.restore(sae, cp);
                    rows.addAll(readMetrics(s.out().resolve(METRICS), sae.steps()));
                } else {
                    progress.update(-1, "Initializing from a data sample (geometric median)");
                    int sampleRows = (int) Math.min(trainRows, 32768);
                    float[] sample;
                    try (MemoryScope tmp = MemoryScope.open()) {
                        FloatMatrix m = tmp.floats(sampleRows, d);
                        train.batch(0, m);
                        sample = m.toArray();
                    }
                    sae.initFromData(sample, sampleRows, s.seed());
                }
                Start started = new Start(s.architecture(), t.name(), d, n, trainRows, evalRows, ts.totalSteps(), sae.steps(), scale,
                        be.name(), be.threads());
                observer.started(started);
                long startTokens = sae.steps() * (long) s.batch();
                long every = snapshotEvery(ts.totalSteps());
                long[] lastFires = sae.deadLatents().fireCounts();
                long[] lastTokens = {sae.deadLatents().tokensRecorded()};
                long t0 = System.nanoTime();
                Trainer.Result r = Trainer.train(sae, train, ts, cp, prov, (step, tok, st, rate) -> {
                    rows.add(new String[] {"" + (step + 1), "" + tok, f(st.loss()), f(st.nmse()), f(st.fvu()), f(st.l0()),
                            f(st.auxLoss()), "" + st.dead(), f(rate)});
                    observer.step(step, tok, st, rate);
                    if ((step + 1) % every == 0 || step + 1 == ts.totalSteps()) {
                        long[] fires = sae.deadLatents().fireCounts();
                        long seen = sae.deadLatents().tokensRecorded() - lastTokens[0];
                        double[] density = new double[n];
                        for (int i = 0; i < n; i++) density[i] = seen > 0 ? (double) (fires[i] - lastFires[i]) / seen : 0;
                        observer.latents(new LatentSnapshot(step, tok, sae.deadLatents().tokensSinceFired(), window, density, seen));
                        System.arraycopy(fires, 0, lastFires, 0, n);
                        lastTokens[0] = sae.deadLatents().tokensRecorded();
                    }
                }, progress);
                double secs = (System.nanoTime() - t0) / 1e9;
                if (!r.stopped() && sae instanceof InferenceThreshold b) {
                    // the running mean of training still holds the first steps' values in a short run
                    progress.update(-1, "Estimating the inference threshold");
                    b.calibrateThreshold(train, s.batch(), r.steps(), (int) Math.max(1, Math.min(16, trainRows / s.batch())));
                }
                writeMetrics(s.out().resolve(METRICS), rows);
                SaeMetrics.Result ev = null;
                if (!r.stopped() && evalRows >= 1) {
                    progress.update(-1, "Evaluating on " + evalRows + " held-out rows");
                    int eb = (int) Math.min(evalRows, 1024);
                    ev = SaeMetrics.evaluateRows(sae, new StoreBatches(t, trainRows, evalRows, 1, scale), eb, evalRows);
                }
                if (sae instanceof DeviceResident dr) dr.syncToHost();
                if (!r.stopped()) {
                    Map<String, Object> extra = new LinkedHashMap<>();
                    extra.put("seed", s.seed());
                    extra.put("training_tokens", r.tokens());
                    extra.put("workbench_activation_scale", (double) scale);
                    SaeLensFormat.write(s.out(), sae, scale, t.name(), store.header().modelFile().getFileName().toString(),
                            ev == null ? null : ev.log10Density(), extra);
                }
                double rate = (r.tokens() - startTokens) / Math.max(secs, 1e-9);
                Result res = new Result(s.out(), s.architecture(), t.name(), d, n, r.steps(), r.tokens(), r.stopped(), secs, rate, r.last(), ev);
                writeSummary(s, res, spec, store, started);
                return res;
            }
        }
    }

    /** The store's tensor of rows by name, or the first one with rows. */
    public static StoredTensor tensor(ActivationStore s, Path store, String name) {
        if (name != null && !name.isBlank()) {
            return s.tensor(name).orElseThrow(() -> new IllegalArgumentException(store + " holds no tensor '" + name + "'"));
        }
        return s.tensors().stream().filter(t -> !t.isAttention()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(store + " holds only attention maps; an autoencoder needs rows"));
    }

    private static void writeSummary(Settings s, Result r, SaeSpec spec, ActivationStore store, Start st) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "sparsity-workbench-sae-run/1");
        m.put("architecture", r.architecture());
        m.put("tensor", r.tensor());
        m.put("d_in", r.d());
        m.put("d_sae", r.n());
        m.put("k", s.k());
        m.put("steps", r.steps());
        m.put("tokens", r.tokens());
        m.put("stopped", r.stopped());
        m.put("seconds", r.seconds());
        m.put("tokens_per_second", r.tokensPerSecond());
        m.put("activation_scale", (double) st.scale());
        m.put("train_rows", st.trainRows());
        m.put("eval_rows", st.evalRows());
        m.put("total_steps", st.totalSteps());
        m.put("backend", st.backend());
        m.put("threads", st.threads());
        m.put("model", store.header().modelFile().toAbsolutePath().toString());
        m.put("model_sha256", store.header().modelSha256());
        m.put("settings", new LinkedHashMap<>(s.asMap()));
        m.put("spec", new LinkedHashMap<>(spec.asMap()));
        if (r.eval() != null) {
            SaeMetrics.Result e = r.eval();
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("rows", e.rows());
            ev.put("fvu", e.fvu());
            ev.put("explained_variance", e.explainedVariance());
            ev.put("cosine", e.cosine());
            ev.put("l0", e.l0());
            ev.put("dead", e.dead());
            ev.put("dense", e.dense());
            m.put("eval", ev);
        }
        Path tmp = s.out().resolve(SUMMARY + ".tmp");
        Files.writeString(tmp, JsonWriter.pretty(m), StandardCharsets.UTF_8);
        Files.move(tmp, s.out().resolve(SUMMARY), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static final String[] METRIC_COLUMNS = {"step", "tokens", "loss", "nmse", "fvu", "l0", "aux_loss", "dead", "lr"};

    private static void writeMetrics(Path file, List<String[]> rows) throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", METRIC_COLUMNS)).append('\n');
        for (String[] r : rows) sb.append(String.join(",", r)).append('\n');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The rows of an earlier metrics.csv up to {@code steps} (a resumed run continues the file). */
    private static List<String[]> readMetrics(Path file, long steps) throws IOException {
        List<String[]> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) return out;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String[] r = lines.get(i).split(",");
            if (r.length == METRIC_COLUMNS.length && Long.parseLong(r[0]) <= steps) out.add(r);
        }
        return out;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
