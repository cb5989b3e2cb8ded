package sparsity.kernels.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fixed pool of {@code threads - 1} daemon workers plus the calling thread. Work is split by a
 * fixed partition: part t of T always gets the same contiguous range, so which thread computes
 * which element never depends on timing.
 */
final class Parallel implements AutoCloseable {

    /** The body of a parallel loop over [from, to); part is the partition index. */
    @FunctionalInterface
    interface Range {
        void run(int part, int from, int to);
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
     * Runs body over [0, n) split into min(threads, ceil(n / minChunk)) equal contiguous parts,
     * part p covering [p * n / P, (p + 1) * n / P). Returns when every part is done; rethrows the
     * first failure.
     */
    void forRange(int n, int minChunk, Range body) {
        int parts = (int) Math.min(threads, Math.max(1, (n + (long) minChunk - 1) / Math.max(1, minChunk)));
        if (parts <= 1 || n <= 1) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) p * n / parts);
            int to = (int) ((long) (p + 1) * n / parts);
            int part = p;
            futures.add(pool.submit(() -> body.run(part, from, to)));
        }
        Throwable failure = null;
        try {
            body.run(0, 0, (int) ((long) n / parts));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new IllegalStateException(failure);
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
