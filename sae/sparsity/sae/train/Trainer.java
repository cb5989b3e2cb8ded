package sparsity.sae.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import sparsity.analysis.ProgressListener;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.model.StepStats;
import sparsity.sae.model.SparseAutoencoder;

/**
 * Runs training: seeded shuffled batches (the next one read on a second thread while a step
 * runs), the learning-rate schedule, checkpoints every so many tokens and when stopped, and a
 * listener for live charts. The trainer sees only the batches,
 * the model and where to checkpoint (SAELens' SAETrainer). It stops, after writing a
 * checkpoint, when its thread is interrupted; {@link #train} then returns with
 * {@code stopped = true}, and a later call on a restored model continues exactly.
 */
public final class Trainer {

    /**
     * @param tokens          tokens (rows) to train on in all
     * @param batchSize       rows per step
     * @param lr              peak learning rate
     * @param warmupSteps     linear warm-up steps
     * @param decayFraction   share of the steps, at the end, with a linear decay to 0
     * @param checkpointEvery tokens between checkpoints (0: only at the end and when stopped)
     */
    public record Settings(long tokens, int batchSize, double lr, long warmupSteps, double decayFraction,
                           long checkpointEvery) {
        public Settings {
            if (tokens < 1 || batchSize < 1) throw new IllegalArgumentException("tokens and batch size must be >= 1");
            if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0");
        }

        public long totalSteps() {
            return (tokens + batchSize - 1) / batchSize;
        }
    }

    /** Receives every step (on the training thread). */
    @FunctionalInterface
    public interface Listener {
        void onStep(long step, long tokens, StepStats stats, double lr);
    }

    /** How a run ended. */
    public record Result(long steps, long tokens, boolean stopped, StepStats last) {
    }

    private Trainer() {
    }

    /** Waits for a batch read (keeping the thread's interrupt flag), rethrowing its failure. */
    private static void await(Future<?> f) throws IOException {
        if (f == null) return;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) throw io;
                    if (c instanceof RuntimeException re) throw re;
                    if (c instanceof Error err) throw err;
                    throw new IOException(c);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Trains from the model's current step to the end. {@code checkpointDir} may be null (no
     * checkpoints); {@code checkpointSettings} are saved with each checkpoint (architecture, k,
     * seed, data ...).
     */
    public static Result train(SparseAutoencoder sae, Batches data, Settings s, Path checkpointDir,
                               Properties checkpointSettings, Listener listener, ProgressListener progress)
            throws IOException {
        if (data.dim() != sae.params().inputDim()) {
            throw new IllegalArgumentException("the data has rows of " + data.dim() + ", the autoencoder takes "
                    + sae.params().inputDim());
        }
        long total = s.totalSteps();
        LearningRate schedule = new LearningRate(s.lr(), s.warmupSteps(), s.decayFraction(), total);
        long nextCheckpoint = s.checkpointEvery() > 0 ? (sae.steps() * s.batchSize() / s.checkpointEvery() + 1) * s.checkpointEvery()
                : Long.MAX_VALUE;
        StepStats last = null;
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "batch loader");
            t.setDaemon(true);
            return t;
        });
        Future<?> pending = null;
        try (MemoryScope scope = MemoryScope.open()) {
            // two buffers: the next batch is read (on the loader thread) while this one trains
            FloatMatrix x = sae.batchBuffer(scope, 0, s.batchSize());
            FloatMatrix next = sae.batchBuffer(scope, 1, s.batchSize());
            long pendingStep = -1;
            try {
                while (sae.steps() < total) {
                    if (Thread.currentThread().isInterrupted()) {
                        await(pending);
                        pending = null;
                        long tokens = sae.steps() * s.batchSize();
                        if (checkpointDir != null) Checkpoints.save(sae, tokens, checkpointSettings, checkpointDir);
                        return new Result(sae.steps(), tokens, true, last);
                    }
                    long step = sae.steps();
                    if (pending != null && pendingStep == step) {
                        await(pending);
                        FloatMatrix t = x;
                        x = next;
                        next = t;
                    } else {
                        await(pending);
                        data.batch(step, x);
                    }
                    pending = null;
                    if (step + 1 < total) {
                        FloatMatrix into = next;
                        pending = loader.submit(() -> {
                            data.batch(step + 1, into);
                            return null;
                        });
                        pendingStep = step + 1;
                    }
                    double lr = schedule.at(step);
                    last = sae.trainStep(x, (float) lr);
                    long tokens = (step + 1) * s.batchSize();
                    if (listener != null) listener.onStep(step, tokens, last, lr);
                    progress.update((double) (step + 1) / total, String.format("step %d of %d, FVU %.4f, L0 %.1f, dead %d",
                            step + 1, total, last.fvu(), last.l0(), last.dead()));
                    if (checkpointDir != null && tokens >= nextCheckpoint) {
                        Checkpoints.save(sae, tokens, checkpointSettings, checkpointDir);
                        nextCheckpoint += s.checkpointEvery();
                    }
                }
            } finally {
                // no read may still write into the buffers once they are freed
                try {
                    await(pending);
                } catch (IOException | RuntimeException ignored) {
                    // the step's own outcome is what the caller sees
                }
                loader.shutdownNow();
            }
        }
        long tokens = sae.steps() * s.batchSize();
        if (checkpointDir != null) Checkpoints.save(sae, tokens, checkpointSettings, checkpointDir);
        return new Result(sae.steps(), tokens, false, last);
    }
}
