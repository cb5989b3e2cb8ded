package sparsity.sae.train;

import java.io.IOException;

import sparsity.kernels.FloatMatrix;

/**
 * Training data as seeded, shuffled batches addressed by their index, so that a resumed run
 * reads exactly the batches an uninterrupted one would: batch i of a given seed is always the
 * same rows. Rows are visited once per epoch in a seeded order.
 */
public interface Batches {

    /** Width of a row. */
    int dim();

    /** Rows in the data set. */
    long rows();

    /** Fills {@code into} (B x dim) with batch {@code index}. */
    void batch(long index, FloatMatrix into) throws IOException;
}
