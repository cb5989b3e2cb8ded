package sparsity.sae.train;

/**
 * Tracks, for each latent, how many tokens have passed since it last fired. A latent is dead
 * when that count reaches the window (ALGORITHMS.md: 10M tokens in the paper; configurable and
 * scaled down for small data sets).
 */
public final class DeadLatents {

    private final long[] since;
    private final long window;

    public DeadLatents(int latents, long window) {
        if (window < 1) throw new IllegalArgumentException("dead-latent window must be >= 1 token");
        this.since = new long[latents];
        this.window = window;
    }

    /** Records a batch of {@code tokens} rows in which the latents in {@code fired} fired. */
    public void record(int tokens, boolean[] fired) {
        for (int i = 0; i < since.length; i++) since[i] = fired[i] ? 0 : since[i] + tokens;
    }

    public boolean isDead(int latent) {
        return since[latent] >= window;
    }

    public int deadCount() {
        int c = 0;
        for (long s : since) if (s >= window) c++;
        return c;
    }

    /** Indices of the dead latents, ascending. */
    public int[] dead() {
        return java.util.stream.IntStream.range(0, since.length).filter(this::isDead).toArray();
    }

    /** Tokens since each latent last fired (the dead-latent strip). */
    public long[] tokensSinceFired() {
        return since.clone();
    }

    public long window() {
        return window;
    }

    /** Restores the counts (from a checkpoint). */
    public void restore(long[] counts) {
        if (counts.length != since.length) throw new IllegalArgumentException("checkpoint has " + counts.length + " latents");
        System.arraycopy(counts, 0, since, 0, since.length);
    }
}
