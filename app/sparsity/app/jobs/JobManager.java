package sparsity.app.jobs;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;

/**
 * Runs background jobs ({@link Task}s) on daemon threads and keeps the list of running ones for
 * the status bar. A job is listed from {@link #submit} until it succeeds, fails or is cancelled;
 * a failure is passed to the failure handler (the main window shows it), and cancelling a job
 * calls {@code Task.cancel(true)}, which interrupts its thread.
 *
 * <p>Call {@link #submit} and read {@link #running()} on the FX thread.
 */
public final class JobManager implements AutoCloseable {

    /** One submitted job. */
    public record Job(String name, Task<?> task) {

        /** Asks the job to stop: cancels the task and interrupts its thread. */
        public void cancel() {
            task.cancel(true);
        }
    }

    private final ObservableList<Job> running = FXCollections.observableArrayList();
    private final ExecutorService executor;
    private Consumer<String> statusSink = message -> { };
    private BiConsumer<Job, Throwable> failureHandler = (job, error) -> { };

    public JobManager() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "workbench-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = Executors.newCachedThreadPool(threads);
    }

    /** Where short lines about jobs (done, cancelled, failed) go: the status bar. */
    public void setStatusSink(Consumer<String> sink) {
        statusSink = Objects.requireNonNull(sink);
    }

    /** Called on the FX thread with every job that fails. */
    public void setFailureHandler(BiConsumer<Job, Throwable> handler) {
        failureHandler = Objects.requireNonNull(handler);
    }

    /** The jobs now running (or waiting to run), oldest first. */
    public ObservableList<Job> running() {
        return running;
    }

    /**
     * Lists the task as a running job and starts it on a daemon thread. Handlers that the caller
     * set on the task before or after this call keep working: the manager listens to the state.
     */
    public <T> Job submit(String name, Task<T> task) {
        checkFxThread();
        Job job = new Job(name, task);
        running.add(job);
        task.stateProperty().addListener((obs, old, state) -> onState(job, state));
        executor.execute(task);
        return job;
    }

    /** Cancels every running job. */
    public void cancelAll() {
        for (Job j : running.toArray(Job[]::new)) j.cancel();
    }

    private void onState(Job job, Worker.State state) {
        switch (state) {
            case SUCCEEDED -> running.remove(job); // the caller's onSucceeded says what came of it
            case CANCELLED -> {
                running.remove(job);
                statusSink.accept(job.name() + ": cancelled");
            }
            case FAILED -> {
                running.remove(job);
                Throwable error = job.task().getException();
                statusSink.accept(job.name() + ": failed" + (error == null ? "" : " (" + describe(error) + ")"));
                failureHandler.accept(job, error);
            }
            default -> { }
        }
    }

    /** A one-line description of an error for the user: its message, else its type. */
    public static String describe(Throwable error) {
        if (error == null) return "unknown error";
        String m = error.getMessage();
        return m == null || m.isBlank() ? error.getClass().getSimpleName() : m;
    }

    /** Stops every job and the threads that run them. */
    @Override
    public void close() {
        for (Job j : running) j.task().cancel(true);
        executor.shutdownNow();
    }

    private static void checkFxThread() {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("JobManager.submit must be called on the JavaFX thread");
        }
    }
}
