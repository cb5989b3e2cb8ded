package sparsity.sae.train;

import java.util.SplittableRandom;

/**
 * The row order of each epoch of a data set: a Fisher-Yates shuffle drawn from (seed, epoch),
 * so that batch i of a seed is always the same rows (resumed runs read what an uninterrupted
 * one would). The last epoch's order is kept.
 */
final class EpochOrder {

    private final int rows;
    private final long seed;
    private long cachedEpoch = -1;
    private int[] order;

    EpochOrder(int rows, long seed) {
        this.rows = rows;
        this.seed = seed;
    }

    /** Where position {@code global} of the endless stream of epochs reads from, in [0, rows). */
    int rowAt(long global) {
        return permutation(global / rows)[(int) (global % rows)];
    }

    int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ (epoch + 1) * 0xD1B54A32D192ED03L);
            int[] o = new int[rows];
            for (int i = 0; i < rows; i++) o[i] = i;
            for (int i = rows - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
            order = o;
            cachedEpoch = epoch;
        }
        return order;
    }
}
