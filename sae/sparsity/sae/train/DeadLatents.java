package sparsity.sae.train;

/**
 * Tracks, for each latent, how many tokens have passed since it last fired. A latent is dead
 * when that count reaches the window (ALGORITHMS.md: 10M tokens in the paper; configurable and
 * scaled down for small data sets).
 */
public final class DeadLatents {

    private final long[] since;
    private final long[] fires;
    private long tokens;
    private final long window;

    public DeadLatents(int latents, long window) {
        if (window < 1) throw new IllegalArgumentException("dead-latent window must be >= 1 token");
        this.since = new long[latents];
        this.fires = new long[latents];
        this.window = window;
    }

    /** Records a batch of {@code tokens} rows in which the latents in {@code fired} fired (counted once). */
    public void record(int tokens, boolean[] fired) {
        int[] counts = new int[fired.length];
        for (int i = 0; i < fired.length; i++) counts[i] = fired[i] ? 1 : 0;
        record(tokens, counts);
    }

    /** Records a batch of {@code tokens} rows in which latent i fired on {@code fired[i]} rows. */
    public void record(int tokens, int[] fired) {
        for (int i = 0; i < since.length; i++) {
            if (fired[i] > 0) {
                since[i] = 0;
                fires[i] += fired[i];
            } else {
                since[i] += tokens;
            }
        }
        this.tokens += tokens;
    }

    /**
     * Per latent, the rows on which it fired, counted since this object was made (not kept by
     * checkpoints); with {@link #tokensRecorded()} a live density estimate between two reads.
     */
    public long[] fireCounts() {
        return fires.clone();
    }

    /** Tokens recorded since this object was made. */
    public long tokensRecorded() {
        return tokens;
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

    /**
     * Latents that will be dead after a batch of {@code tokens} rows if they do not fire in it
     * (ascending): a superset of {@link #dead()} after the next {@link #record} of that many tokens.
     */
    public int[] deadAfter(int tokens) {
        int c = 0;
        for (long s : since) if (s + tokens >= window) c++;
        int[] out = new int[c];
        c = 0;
        for (int i = 0; i < since.length; i++) if (since[i] + tokens >= window) out[c++] = i;
        return out;
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
