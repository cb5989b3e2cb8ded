package sparsity.sae.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Properties;

import sparsity.analysis.ProgressListener;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;
import sparsity.sae.model.StepStats;
import sparsity.sae.model.SparseAutoencoder;

/**
 * Runs training: seeded shuffled batches, the learning-rate schedule, checkpoints every so many
 * tokens and when stopped, and a listener for live charts. The trainer sees only the batches,
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
        try (MemoryScope scope = MemoryScope.open()) {
            FloatMatrix x = scope.floats(s.batchSize(), data.dim());
            while (sae.steps() < total) {
                if (Thread.currentThread().isInterrupted()) {
                    long tokens = sae.steps() * s.batchSize();
                    if (checkpointDir != null) Checkpoints.save(sae, tokens, checkpointSettings, checkpointDir);
                    return new Result(sae.steps(), tokens, true, last);
                }
                long step = sae.steps();
                data.batch(step, x);
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
        }
        long tokens = sae.steps() * s.batchSize();
        if (checkpointDir != null) Checkpoints.save(sae, tokens, checkpointSettings, checkpointDir);
        return new Result(sae.steps(), tokens, false, last);
    }
}
