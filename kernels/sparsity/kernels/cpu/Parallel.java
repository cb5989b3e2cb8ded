package sparsity.kernels.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of {@code threads - 1} daemon workers plus the calling thread, running loops over
 * index ranges in chunks that threads claim dynamically (see {@link #forRange}).
 */
final class Parallel implements AutoCloseable {

    /** The body of a parallel loop over [from, to); slot names the running thread (0 .. threads-1). */
    @FunctionalInterface
    interface Range {
        void run(int slot, int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "kernels-worker");
            t.setDaemon(true);
            return t;
        });
    }

    int threads() {
        return threads;
    }

    /**
     * Runs body over [0, n) cut into equal chunks of at least minChunk (about 8 per thread),
     * which the threads claim one by one: a thread slowed down by another tenant of the machine
     * simply takes fewer chunks. {@code slot} (0 .. threads-1) names the thread running a chunk,
     * for per-thread scratch space; a slot runs its chunks one after another. Callers make each
     * output element depend on its own chunk only, so results never depend on which thread ran
     * what. Returns when every chunk is done (an interrupt meanwhile is kept for the caller, not
     * acted on); rethrows the first failure.
     */
    void forRange(int n, int minChunk, Range body) {
        if (n <= 0) return;
        int chunk = Math.max(Math.max(1, minChunk), (int) ((n + 8L * threads - 1) / (8L * threads)));
        int chunks = (int) ((n + (long) chunk - 1) / chunk);
        int workers = Math.min(threads, chunks);
        if (workers <= 1) {
            body.run(0, 0, n);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            int slot = w;
            futures.add(pool.submit(() -> drain(next, chunks, chunk, n, slot, body)));
        }
        Throwable failure = null;
        try {
            drain(next, chunks, chunk, n, 0, body);
        } catch (RuntimeException | Error e) {
            failure = e;
            next.set(chunks); // the others stop claiming
        }
        // an interrupt (a job being stopped) does not abandon a kernel half done: every chunk
        // finishes, and the interrupt is left set for the caller, who stops between steps
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new IllegalStateException(failure);
    }

    private static void drain(AtomicInteger next, int chunks, int chunk, int n, int slot, Range body) {
        for (int c; (c = next.getAndIncrement()) < chunks; ) {
            body.run(slot, c * chunk, (int) Math.min(n, (long) (c + 1) * chunk));
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
