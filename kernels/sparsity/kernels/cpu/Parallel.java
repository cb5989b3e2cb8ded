package sparsity.kernels.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of {@code threads - 1} daemon workers plus the calling thread, running loops over
 * index ranges in chunks that threads claim dynamically (see {@link #forRange}).
 *
 * <p>A training step makes a few dozen parallel calls of a millisecond or less each, so the cost
 * of handing a loop to the workers matters: a worker that finished a loop spins briefly
 * ({@link #SPIN_NANOS}) waiting for the next one before it parks, and a call hands its loop over
 * with a volatile write instead of a task queue and futures (a queue hand-off to a parked worker
 * cost about 40 us per call). One loop runs at a time: a call made while another thread's loop
 * runs (or from inside a loop) runs on its own thread alone, which gives the same results, since
 * results never depend on which thread ran which chunk.
 */
final class Parallel implements AutoCloseable {

    /** The body of a parallel loop over [from, to); slot names the running thread (0 .. threads-1). */
    @FunctionalInterface
    interface Range {
        void run(int slot, int from, int to);
    }

    /** How long an idle worker polls for the next loop before it parks. */
    static final long SPIN_NANOS = 100_000;

    /** One loop handed to the workers. */
    private static final class Job {
        final Range body;
        final int n;
        final int chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        /** Workers asked to join: slots 1 .. helpers. */
        final int helpers;
        /** Workers (of those asked) still running their share. */
        final AtomicInteger running;
        volatile Throwable failure;

        Job(Range body, int n, int chunk, int chunks, int helpers) {
            this.body = body;
            this.n = n;
            this.chunk = chunk;
            this.chunks = chunks;
            this.helpers = helpers;
            this.running = new AtomicInteger(helpers);
        }

        void drain(int slot) {
            try {
                for (int c; (c = next.getAndIncrement()) < chunks; ) {
                    body.run(slot, c * chunk, (int) Math.min(n, (long) (c + 1) * chunk));
                }
            } catch (RuntimeException | Error e) {
                if (failure == null) failure = e;
                next.set(chunks); // the others stop claiming
            }
        }
    }

    private final int threads;
    private final Thread[] workers;
    private final ReentrantLock lock = new ReentrantLock();
    /** The last loop handed over; each worker joins each loop at most once. */
    private volatile Job job;
    private volatile boolean closed;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            int slot = w + 1;
            Thread t = new Thread(() -> work(slot), "kernels-worker");
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
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
     * what. Returns when every chunk is done; rethrows the first failure.
     */
    void forRange(int n, int minChunk, Range body) {
        if (n <= 0) return;
        run(n, Math.max(Math.max(1, minChunk), (int) ((n + 8L * threads - 1) / (8L * threads))), body);
    }

    /**
     * Runs body over [0, n) one index per chunk: for a few dozen large items (blocks of a matrix
     * product), where claiming one at a time keeps the threads finishing together.
     */
    void forEach(int n, Range body) {
        if (n <= 0) return;
        run(n, 1, body);
    }

    private void run(int n, int chunk, Range body) {
        int chunks = (int) ((n + (long) chunk - 1) / chunk);
        int asked = Math.min(threads, chunks) - 1;
        if (asked <= 0 || closed || lock.isHeldByCurrentThread() || !lock.tryLock()) {
            // serial: one chunk, a single thread, or a loop already running (this call nested
            // in it, or from another thread)
            Job j = new Job(body, n, chunk, chunks, 0);
            j.drain(0);
            rethrow(j.failure);
            return;
        }
        try {
            Job j = new Job(body, n, chunk, chunks, asked);
            job = j;
            for (int w = 0; w < asked; w++) LockSupport.unpark(workers[w]);
            j.drain(0);
            // wait for the workers' chunks (they are short: spin, then yield)
            for (int spins = 0; j.running.get() > 0; spins++) {
                if (spins < 20_000) Thread.onSpinWait();
                else Thread.yield();
            }
            rethrow(j.failure);
        } finally {
            lock.unlock();
        }
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error er) throw er;
        if (failure != null) throw new IllegalStateException(failure);
    }

    private void work(int slot) {
        Job seen = null;
        while (!closed) {
            Job j = job;
            if (j != seen) {
                seen = j;
                if (slot <= j.helpers) {
                    j.drain(slot);
                    j.running.decrementAndGet();
                }
                continue;
            }
            // idle: poll for a while (the next loop usually follows within microseconds), then park
            long t0 = System.nanoTime();
            while (job == seen && !closed && System.nanoTime() - t0 < SPIN_NANOS) Thread.onSpinWait();
            if (job == seen && !closed) LockSupport.parkNanos(this, 10_000_000L);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
