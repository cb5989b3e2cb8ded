package sparsity.app.jobs;

import javafx.concurrent.Task;
import sparsity.analysis.ProgressListener;

/**
 * A {@link Task} that runs domain work which reports through a {@link ProgressListener}: each
 * update becomes the task's progress and message (thread-safe, coalesced by JavaFX). Cancelling
 * the task with {@code cancel(true)} interrupts its thread, which the domain rooms honour.
 *
 * @param <T> the result
 */
public final class ProgressTask<T> extends Task<T> {

    /** Work done off the FX thread. */
    @FunctionalInterface
    public interface Work<T> {
        T run(ProgressListener progress) throws Exception;
    }

    private final Work<T> work;

    public ProgressTask(String title, Work<T> work) {
        this.work = work;
        updateTitle(title);
        updateMessage("Waiting");
    }

    /** Shorthand for {@code new ProgressTask<>(title, work)}. */
    public static <T> ProgressTask<T> of(String title, Work<T> work) {
        return new ProgressTask<>(title, work);
    }

    @Override
    protected T call() throws Exception {
        updateProgress(-1, 1);
        updateMessage("Starting");
        ProgressListener listener = (fraction, message) -> {
            if (fraction >= 0) updateProgress(Math.min(1.0, fraction), 1.0);
            else updateProgress(-1, 1);
            if (message != null) updateMessage(message);
        };
        return work.run(listener);
    }
}
