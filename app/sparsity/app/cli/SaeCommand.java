package sparsity.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparsity.analysis.ProgressListener;
import sparsity.analysis.input.Npy;
import sparsity.analysis.input.NpyArray;
import sparsity.analysis.store.ActivationStore;
import sparsity.analysis.store.StoredTensor;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.sae.eval.Downstream;
import sparsity.sae.eval.DownstreamException;
import sparsity.sae.eval.FeatureRecovery;
import sparsity.sae.eval.SaeMetrics;
import sparsity.sae.format.SaeLensFormat;
import sparsity.sae.format.SaeLensSae;
import sparsity.sae.model.SparseAutoencoder;
import sparsity.sae.train.StoreBatches;
import sparsity.sae.train.TrainingRun;
import sparsity.sae.model.StepStats;

/** {@code ./workbench sae train|eval}: sparse autoencoders on captured activations, headless. */
@Command(name = "sae", description = "Train and evaluate sparse autoencoders on an activation store.",
        subcommands = {SaeCommand.Train.class, SaeCommand.Eval.class, SaeCommand.ListBackends.class})
final class SaeCommand {

    /** Opens a store and picks its tensor of rows. */
    static StoredTensor tensor(ActivationStore s, Path store, String name) {
        try {
            return TrainingRun.tensor(s, store, name);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
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
        @Option(names = "--backend", defaultValue = "vector", description = "vector, reference, or (where a CUDA GPU is found) cuda, cuda-tf32 or cuda-bf16: the GPU, encoder product in fp32, TF32 or bf16 (see `sae backends`).") String backend;
        @Option(names = "--resume", description = "Continue from OUT/checkpoint.") boolean resume;
        @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter o = spec.commandLine().getOut();
            TrainingRun.Settings st = new TrainingRun.Settings(store, tensor, arch, k, latents != null ? latents : 0,
                    expansion != null ? expansion : 8, tokens, batch, lr, warmup, decay, seed, normalize,
                    deadWindow != null ? deadWindow : 0, kAux != null ? kAux : 0, auxAlpha, l1, kStart != null ? kStart : 0,
                    kSchedule, encodeAlpha, holdout, checkpointEvery, threads, backend, out);
            long[] every = {1};
            TrainingRun.Result r;
            try {
                r = TrainingRun.run(st, resume, new TrainingRun.Observer() {
                    @Override
                    public void started(TrainingRun.Start s) {
                        if (s.firstStep() > 0) o.printf(Locale.ROOT, "resumed  step %d%n", s.firstStep());
                        o.printf(Locale.ROOT, "training %s d=%d n=%d k=%d on %,d rows of %s (%s backend, %d threads), %,d tokens%n",
                                s.architecture(), s.d(), s.n(), k, s.trainRows(), s.tensor(), s.backend(), s.threads(), tokens);
                        every[0] = Math.max(1, s.totalSteps() / 20);
                        o.flush();
                    }

                    @Override
                    public void step(long step, long tok, StepStats stats, double rate) {
                        if ((step + 1) % every[0] == 0 || tok >= tokens) {
                            o.printf(Locale.ROOT, "  step %6d  tokens %,12d  fvu %.4f  l0 %5.1f  dead %d%n", step + 1, tok,
                                    stats.fvu(), stats.l0(), stats.dead());
                            o.flush();
                        }
                    }
                }, ProgressListener.NONE);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage(), e);
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            if (r.stopped()) {
                o.printf(Locale.ROOT, "stopped  after %d steps; continue with --resume (checkpoint in %s)%n", r.steps(), out.resolve("checkpoint"));
                return 1;
            }
            o.printf(Locale.ROOT, "trained  %d steps, %,d tokens; this run %.1f s (%,.0f tokens/s)%n", r.steps(), r.tokens(), r.seconds(),
                    r.tokensPerSecond());
            if (r.eval() != null) printEval(o, r.eval(), "held-out");
            o.printf(Locale.ROOT, "wrote    %s (cfg.json, sae_weights.safetensors, sparsity.safetensors, metrics.csv, run.json, checkpoint/)%n", out);
            return 0;
        }
    }

    @Command(name = "backends", description = "List the compute backends that `sae train --backend` can use on this machine (the GPU's where a CUDA GPU is found, or why it is not offered).")
    static final class ListBackends implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter o = spec.commandLine().getOut();
            for (String name : sparsity.kernels.Backends.names()) {
                o.printf(Locale.ROOT, "%-10s %s%n", name, describe(name));
            }
            sparsity.kernels.cuda.Cuda.Availability a = sparsity.kernels.cuda.Cuda.probe();
            if (!a.available()) o.printf(Locale.ROOT, "no GPU backend: %s%n", a.reason());
            return 0;
        }

        static String describe(String name) {
            String gpu = sparsity.kernels.cuda.Cuda.probe().summary();
            return switch (name) {
                case "vector" -> "CPU, Vector API kernels (" + Runtime.getRuntime().availableProcessors() + " cores; --threads)";
                case "reference" -> "CPU, scalar reference kernels (slow; for checking)";
                case "cuda" -> "GPU " + gpu + ": encoder product in fp32";
                case "cuda-tf32" -> "GPU " + gpu + ": encoder product on TF32 tensor cores (fp32 accumulation)";
                case "cuda-bf16" -> "GPU " + gpu + ": encoder product on bf16 tensor cores (fp32 accumulation)";
                default -> "";
            };
        }
    }

    @Command(name = "eval", description = "Evaluate an autoencoder (SAELens folder) on a store: FVU, L0, dead fraction; with --downstream, spliced into its model.")
    static final class Eval implements Callable<Integer> {
        @Option(names = "--sae", required = true, paramLabel = "DIR") Path sae;
        @Option(names = "--store", required = true, paramLabel = "STORE") Path store;
        @Option(names = "--tensor", paramLabel = "NAME") String tensor;
        @Option(names = "--rows", defaultValue = "0", description = "Evaluate the last N rows (0: all).") long rows;
        @Option(names = "--downstream", paramLabel = "INPUT", description = "Also splice the autoencoder into the model at the tensor and "
                + "run these inputs (texts file, image folder or .npy): output cosine, KL, top-1, accuracy, CE loss recovered.") Path downstream;
        @Option(names = "--labels", paramLabel = "NPY", description = "Integer class labels for --downstream, one per example.") Path labels;
        @Option(names = "--model", paramLabel = "MODEL", description = "Model for --downstream (default: the store's).") String model;
        @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json for --downstream texts (default: beside the model).") Path tokenizer;
        @Option(names = "--limit", defaultValue = "0", description = "Use only the first N texts of --downstream (0: all).") int limit;
        @Option(names = "--features", paramLabel = "F.npy", description = "Known true features [m, d] (synthetic data): "
                + "report the mean over features of the largest cosine to any decoder column.") Path features;
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
                    SaeMetrics.Result ev = SaeMetrics.evaluateRows(m, new StoreBatches(t, t.rows() - n, n, 1, 1f), eb, n);
                    spec.commandLine().getOut().printf(Locale.ROOT, "autoencoder %s: %s d_in=%d d_sae=%d, %d code slots per row, on %s%n", sae,
                            m.architecture(), file.dIn(), file.dSae(), m.codeWidth(), t.name());
                    printEval(spec.commandLine().getOut(), ev, "rows");
                    if (downstream != null) downstream(s, t.name(), m);
                    if (features != null) printRecovery(spec.commandLine().getOut(), file, features);
                }
            } catch (IOException e) {
                throw new UserInputException(e.getMessage(), e);
            }
            return 0;
        }

        /** The autoencoder spliced into the model at the tensor, over the --downstream inputs. */
        private void downstream(ActivationStore s, String tensorName, SparseAutoencoder m) throws IOException, InterruptedException {
            if (model == null && s.header().modelSha256().isEmpty()) {
                throw new UserInputException(store + " was imported, not captured from a model; name the model with --model");
            }
            Path modelFile = model != null ? ModelArgument.resolve(model) : s.header().modelFile();
            try (Downstream ds = Downstream.open(modelFile, tensorName)) {
                Path tok = ModelArgument.tokenizer(modelFile, tokenizer).orElse(null);
                var batches = Downstream.inputs(modelFile, downstream, tok, 16, 128, limit).batches();
                Downstream.Result r = ds.evaluate(m, batches, labels == null ? null : Downstream.labels(labels), ProgressListener.NONE);
                r.lines().forEach(spec.commandLine().getOut()::println);
            } catch (DownstreamException e) {
                throw new UserInputException(e.getMessage(), e);
            }
        }
    }

    static void printEval(PrintWriter o, SaeMetrics.Result ev, String what) {
        o.printf(Locale.ROOT, "eval     %,d %s: FVU %.4f  explained variance %.4f  cosine %.4f  L0 %.2f  dead %d of %d (%.2f%%)  dense %d%n",
                ev.rows(), what, ev.fvu(), ev.explainedVariance(), ev.cosine(), ev.l0(), ev.dead(), ev.density().length,
                100.0 * ev.dead() / ev.density().length, ev.dense());
    }

    static void printRecovery(PrintWriter o, SaeLensSae file, Path features) throws IOException {
        try (NpyArray f = Npy.read(features)) {
            if (f.rank() != 2 || f.rowSize() != file.dIn()) {
                throw new UserInputException(features + ": features must be [m, " + file.dIn() + "], got " + Npy.shapeText(f.shape()));
            }
            int m = (int) f.rows();
            double[] c = FeatureRecovery.maxCosines(f.toFloatArray(), m, file.wDec(), file.dSae(), file.dIn());
            double mean = java.util.Arrays.stream(c).average().orElse(Double.NaN);
            long over = java.util.Arrays.stream(c).filter(v -> v > 0.9).count();
            o.printf(Locale.ROOT, "recovery %,d true features: mean max cosine %.4f, %.1f%% above 0.9%n", m, mean, 100.0 * over / m);
        }
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
