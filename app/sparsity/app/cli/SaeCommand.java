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
import java.util.Properties;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.format.SaeLensSae;
import sparsity.sae.model.Architectures;
import sparsity.sae.model.SaeSpec;
import sparsity.sae.model.SparseAutoencoder;
import sparsity.sae.train.Checkpoints;
import sparsity.sae.train.StoreBatches;
import sparsity.sae.train.Trainer;
import sparsity.views.export.Exporter;
import sparsity.views.export.TableData;

/** {@code ./workbench sae train|eval}: sparse autoencoders on captured activations, headless. */
@Command(name = "sae", description = "Train and evaluate sparse autoencoders on an activation store.",
        subcommands = {SaeCommand.Train.class, SaeCommand.Eval.class})
final class SaeCommand {

    /** Opens a store and picks its tensor of rows. */
    static StoredTensor tensor(ActivationStore s, Path store, String name) {
        if (name != null) {
            return s.tensor(name).orElseThrow(() -> new UserInputException(store + " holds no tensor '" + name + "'"));
        }
        return s.tensors().stream().filter(t -> !t.isAttention()).findFirst()
                .orElseThrow(() -> new UserInputException(store + " holds only attention maps; an autoencoder needs rows"));
    }

    @Command(name = "train", description = "Train a TopK sparse autoencoder (with AuxK); writes the SAELens folder format and metrics.csv.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--store", required = true, paramLabel = "STORE") Path store;
        @Option(names = "--tensor", paramLabel = "NAME", description = "Captured tensor (default: the first with rows).") String tensor;
        @Option(names = "--arch", defaultValue = "topk", description = "Architecture: topk (default), batchtopk, ksparse, relu.") String arch;
        @Option(names = "--k", defaultValue = "32", description = "Latents kept per row (default ${DEFAULT-VALUE}).") int k;
        @Option(names = "--latents", description = "Number of latents (default: 8 x the input width).") Integer latents;
        @Option(names = "--expansion", description = "Latents as a multiple of the input width.") Integer expansion;
        @Option(names = "--tokens", required = true, description = "Rows to train on (repeats the data in epochs).") long tokens;
        @Option(names = "--batch", defaultValue = "4096") int batch;
        @Option(names = "--lr", defaultValue = "4e-4") double lr;
        @Option(names = "--warmup", defaultValue = "0", description = "Warm-up steps.") long warmup;
        @Option(names = "--decay", defaultValue = "0", description = "Share of the steps with a linear decay to 0 at the end.") double decay;
        @Option(names = "--seed", defaultValue = "0") long seed;
        @Option(names = "--normalize", defaultValue = "none", description = "none, or saelens (scale rows to mean norm sqrt(d)).") String normalize;
        @Option(names = "--dead-window", description = "Tokens without firing before a latent is dead (default: min(10M, tokens / 10)).") Long deadWindow;
        @Option(names = "--k-aux", description = "Dead latents per row for AuxK (default d / 2).") Integer kAux;
        @Option(names = "--aux-alpha", defaultValue = "0.03125") double auxAlpha;
        @Option(names = "--l1", defaultValue = "5", description = "relu: L1 coefficient lambda (default ${DEFAULT-VALUE}).") double l1;
        @Option(names = "--k-start", description = "ksparse: k at the first step (default 4 k, at most the latents).") Integer kStart;
        @Option(names = "--k-schedule", defaultValue = "0.5", description = "ksparse: share of the steps over which k goes down to its target (default ${DEFAULT-VALUE}).") double kSchedule;
        @Option(names = "--alpha", defaultValue = "1", description = "ksparse: keep alpha x k latents when encoding for use (default ${DEFAULT-VALUE}; the paper uses 3).") double encodeAlpha;
        @Option(names = "--holdout", defaultValue = "0.05", description = "Share of the rows (the last ones) kept for evaluation.") double holdout;
        @Option(names = "--checkpoint-every", defaultValue = "0", description = "Tokens between checkpoints (0: at the end).") long checkpointEvery;
        @Option(names = "--threads", defaultValue = "0", description = "CPU threads (0: all).") int threads;
        @Option(names = "--backend", defaultValue = "vector", description = "vector or reference.") String backend;
        @Option(names = "--resume", description = "Continue from OUT/checkpoint.") boolean resume;
        @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!Architectures.names().contains(arch)) {
                throw new UserInputException("--arch " + arch + ": unknown (known: " + String.join(", ", Architectures.names()) + ")");
            }
            if (!(holdout >= 0 && holdout < 1)) throw new UserInputException("--holdout must be in [0, 1)");
            PrintWriter o = spec.commandLine().getOut();
            try (ActivationStore s = ActivationStore.open(store)) {
                StoredTensor t = tensor(s, store, tensor);
                int d = t.dim();
                int n = latents != null ? latents : (expansion != null ? expansion : 8) * d;
                long evalRows = Math.round(t.rows() * holdout);
                long trainRows = t.rows() - evalRows;
                if (trainRows < batch) throw new UserInputException(store + " has " + trainRows + " training rows, fewer than a batch of " + batch);
                float scale = switch (normalize) {
                    case "none" -> 1f;
                    case "saelens" -> StoreBatches.saeLensScale(t, 0, trainRows, 32768);
                    default -> throw new UserInputException("--normalize must be none or saelens");
                };
                long window = deadWindow != null ? deadWindow : Math.max(batch, Math.min(10_000_000L, tokens / 10));
                Trainer.Settings ts = new Trainer.Settings(tokens, batch, lr, warmup, decay, checkpointEvery);
                SaeSpec cfg;
                try {
                    cfg = new SaeSpec(arch, k, kAux != null ? kAux : Math.max(1, d / 2), auxAlpha, window, 1e-3, l1,
                            kStart != null ? kStart : Math.min(n, 4 * k), Math.round(kSchedule * ts.totalSteps()), encodeAlpha, 0.999);
                } catch (IllegalArgumentException e) {
                    throw new UserInputException(e.getMessage(), e);
                }
                Properties prov = new Properties();
                prov.putAll(Map.of("latents", "" + n, "seed", "" + seed, "store", store.toAbsolutePath().toString(),
                        "tensor", t.name(), "scale", "" + scale, "lr", "" + lr, "batch", "" + batch, "tokens", "" + tokens));
                List<List<String>> rows = new ArrayList<>();
                Files.createDirectories(out);
                Path cp = out.resolve("checkpoint");
                try (Backend be = threads > 0 ? Backends.create(backend, threads) : Backends.create(backend, Runtime.getRuntime().availableProcessors());
                     SparseAutoencoder sae = create(be, d, n, cfg, seed)) {
                    StoreBatches train = new StoreBatches(t, 0, trainRows, seed, scale);
                    if (resume) {
                        if (!Files.isDirectory(cp)) throw new UserInputException(out + " has no checkpoint to resume from");
                        Checkpoints.restore(sae, cp);
                        o.printf(Locale.ROOT, "resumed  step %d%n", sae.steps());
                    } else {
                        float[] sample = new float[(int) Math.min(trainRows, 32768) * d];
                        try (var tmp = sparsity.kernels.MemoryScope.open()) {
                            var m = tmp.floats((int) (sample.length / d), d);
                            train.batch(0, m);
                            System.arraycopy(m.toArray(), 0, sample, 0, sample.length);
                        }
                        sae.initFromData(sample, sample.length / d, seed);
                    }
                    o.printf(Locale.ROOT, "training " + arch + " d=%d n=%d k=%d on %,d rows of %s (%s backend, %d threads), %,d tokens%n",
                            d, n, k, trainRows, t.name(), be.name(), be.threads(), tokens);
                    long startTokens = sae.steps() * (long) batch;
                    long t0 = System.nanoTime();
                    long every = Math.max(1, ts.totalSteps() / 20);
                    Trainer.Result r = Trainer.train(sae, train, ts, cp, prov, (step, tok, st, rate) -> {
                        rows.add(List.of("" + (step + 1), "" + tok, f(st.loss()), f(st.nmse()), f(st.fvu()), f(st.l0()), f(st.auxLoss()),
                                "" + st.dead(), f(rate)));
                        if ((step + 1) % every == 0 || step + 1 == ts.totalSteps()) {
                            o.printf(Locale.ROOT, "  step %6d  tokens %,12d  fvu %.4f  l0 %5.1f  dead %d%n", step + 1, tok, st.fvu(), st.l0(), st.dead());
                            o.flush();
                        }
                    }, ProgressListener.NONE);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    Exporter.writeCsv(new TableData("metrics", List.of("step", "tokens", "loss", "nmse", "fvu", "l0", "aux_loss", "dead", "lr"), rows),
                            out.resolve("metrics.csv"));
                    SaeMetrics.Result ev = null;
                    if (evalRows >= 1) {
                        int eb = (int) Math.min(evalRows, 1024);
                        ev = SaeMetrics.evaluate(sae, new StoreBatches(t, trainRows, evalRows, 1, scale), eb, evalRows / eb);
                    }
                    Map<String, Object> extra = new LinkedHashMap<>();
                    extra.put("seed", seed);
                    extra.put("training_tokens", r.tokens());
                    extra.put("workbench_activation_scale", (double) scale);
                    SaeLensFormat.write(out, sae, scale, t.name(), s.header().modelFile().getFileName().toString(),
                            ev == null ? null : ev.log10Density(), extra);
                    o.printf(Locale.ROOT, "trained  %d steps, %,d tokens; this run %,d tokens in %.1f s (%,.0f tokens/s)%n", r.steps(),
                            r.tokens(), r.tokens() - startTokens, secs, (r.tokens() - startTokens) / secs);
                    if (ev != null) printEval(o, ev, "held-out");
                    o.printf(Locale.ROOT, "wrote    %s (cfg.json, sae_weights.safetensors, sparsity.safetensors, metrics.csv, checkpoint/)%n", out);
                }
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }
    }

    @Command(name = "eval", description = "Evaluate an autoencoder (SAELens folder) on a store: FVU, L0, dead fraction.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--sae", required = true, paramLabel = "DIR") Path sae;
        @Option(names = "--store", required = true, paramLabel = "STORE") Path store;
        @Option(names = "--tensor", paramLabel = "NAME") String tensor;
        @Option(names = "--rows", defaultValue = "0", description = "Evaluate the last N rows (0: all).") long rows;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (ActivationStore s = ActivationStore.open(store)) {
                SaeLensSae file = SaeLensFormat.read(sae);
                String hook = String.valueOf(file.cfg().getOrDefault("hook_name", ""));
                String name = tensor != null ? tensor : s.tensor(hook).isPresent() ? hook : null;
                StoredTensor t = tensor(s, store, name);
                if (t.dim() != file.dIn()) throw new UserInputException(sae + " takes rows of " + file.dIn() + ", " + t.name() + " has " + t.dim());
                long n = rows > 0 ? Math.min(rows, t.rows()) : t.rows();
                try (Backend be = Backends.cpu();
                     SparseAutoencoder m = SaeLensFormat.open(file, be)) {
                    int eb = (int) Math.min(n, 1024);
                    SaeMetrics.Result ev = SaeMetrics.evaluate(m, new StoreBatches(t, t.rows() - n, n, 1, 1f), eb, n / eb);
                    spec.commandLine().getOut().printf(Locale.ROOT, "autoencoder %s: %s d_in=%d d_sae=%d, %d code slots per row, on %s%n", sae,
                            m.architecture(), file.dIn(), file.dSae(), m.codeWidth(), t.name());
                    printEval(spec.commandLine().getOut(), ev, "rows");
                }
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }
    }

    private static SparseAutoencoder create(Backend be, int d, int n, SaeSpec spec, long seed) {
        try {
            return Architectures.create(be, d, n, spec, seed);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    static void printEval(PrintWriter o, SaeMetrics.Result ev, String what) {
        o.printf(Locale.ROOT, "eval     %,d %s: FVU %.4f  explained variance %.4f  cosine %.4f  L0 %.2f  dead %d of %d (%.2f%%)  dense %d%n",
                ev.rows(), what, ev.fvu(), ev.explainedVariance(), ev.cosine(), ev.l0(), ev.dead(), ev.density().length,
                100.0 * ev.dead() / ev.density().length, ev.dense());
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
