package sparsity.sae.model;

/**
 * Wall time of the phases of training steps, for benchmarks ({@code ./workbench bench sae}).
 * An autoencoder given a timer ({@link SparseAutoencoder#timer(StepTimer)}) reads
 * {@link System#nanoTime()} between its phases and adds each interval to its phase; nothing else
 * changes, so the results of a timed step are bitwise those of an untimed one. Not thread-safe:
 * one timer per training thread.
 */
public final class StepTimer {

    /** The phases of a step, in the order they run (the numpy peer's names in brackets). */
    public enum Phase {
        /** x - b_pre and the dense encoder product with its bias [enc_gemm]. */
        ENCODER("encoder product"),
        /** Row-wise top-k and ReLU [topk]. */
        TOPK("top-k"),
        /** Sparse decode, the residual and its loss, the latent gradient at the kept latents [decoder]. */
        DECODE("sparse decode"),
        /** Weight and bias gradients over the kept latents, dead-latent counts [backward]. */
        BACKWARD("backward"),
        /** The auxiliary loss on dead latents and its gradients [auxk]. */
        AUXK("AuxK"),
        /** Gradient projection, Adam, unit decoder columns [optimizer]. */
        OPTIMIZER("optimizer"),
        /** Anything else of the step. */
        OTHER("other");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final long[] nanos = new long[Phase.values().length];
    private final java.util.function.LongSupplier clock;
    private long last;
    private long steps;

    /** A timer of wall time (System.nanoTime). */
    public StepTimer() {
        this(System::nanoTime);
    }

    /**
     * A timer reading another clock in nanoseconds, e.g. the CPU time of the training thread,
     * which on a single-threaded backend measures the work undisturbed by other programs.
     */
    public StepTimer(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /** Marks the start of a step (and of its first phase). */
    void start() {
        last = clock.getAsLong();
    }

    /** Ends the phase now running: the time since the last mark goes to {@code phase}. */
    void lap(Phase phase) {
        long t = clock.getAsLong();
        nanos[phase.ordinal()] += t - last;
        last = t;
    }

    /** Ends a step: the time since the last mark goes to OTHER. */
    void end() {
        lap(Phase.OTHER);
        steps++;
    }

    /** Nanoseconds spent in {@code phase} since the last {@link #reset()}. */
    public long nanos(Phase phase) {
        return nanos[phase.ordinal()];
    }

    /** Nanoseconds of all phases. */
    public long total() {
        long s = 0;
        for (long v : nanos) s += v;
        return s;
    }

    /** Steps timed since the last {@link #reset()}. */
    public long steps() {
        return steps;
    }

    public void reset() {
        java.util.Arrays.fill(nanos, 0);
        steps = 0;
    }
}
