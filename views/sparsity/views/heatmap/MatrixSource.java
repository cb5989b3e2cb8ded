package sparsity.views.heatmap;

import java.util.Objects;

/**
 * A 2-D float matrix read in blocks, so that a large map (an attention head at 2,048 tokens, an
 * autoencoder's latents, a pruning mask) is drawn without being copied. Implementations must be
 * safe to read from a background thread while nothing writes them.
 */
public interface MatrixSource {

    int rows();

    int cols();

    /**
     * Copies the block {@code [row0, row0 + nRows) x [col0, col0 + nCols)} into {@code dst},
     * row-major ({@code dst[r * nCols + c]}).
     */
    void block(int row0, int col0, int nRows, int nCols, float[] dst);

    /** One cell. */
    default float get(int row, int col) {
        float[] one = new float[1];
        block(row, col, 1, 1, one);
        return one[0];
    }

    /** A row-major array of {@code rows x cols}. */
    static MatrixSource of(float[] data, int rows, int cols) {
        return of(data, 0, rows, cols);
    }

    /**
     * A row-major {@code rows x cols} matrix that starts at {@code offset} in {@code data}, e.g.
     * one head of a {@code [batch, head, query, key]} tensor, without copying it.
     */
    static MatrixSource of(float[] data, int offset, int rows, int cols) {
        Objects.requireNonNull(data, "data");
        if (rows < 0 || cols < 0) throw new IllegalArgumentException("negative size " + rows + "x" + cols);
        if (offset < 0 || (long) offset + (long) rows * cols > data.length) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix at offset " + offset
                    + " does not fit in " + data.length + " values");
        }
        return new MatrixSource() {
            @Override
            public int rows() {
                return rows;
            }

            @Override
            public int cols() {
                return cols;
            }

            @Override
            public void block(int row0, int col0, int nRows, int nCols, float[] dst) {
                if (row0 < 0 || col0 < 0 || row0 + nRows > rows || col0 + nCols > cols) {
                    throw new IndexOutOfBoundsException("block " + row0 + "+" + nRows + ", " + col0 + "+" + nCols
                            + " outside " + rows + "x" + cols);
                }
                for (int r = 0; r < nRows; r++) {
                    System.arraycopy(data, offset + (row0 + r) * cols + col0, dst, r * nCols, nCols);
                }
            }

            @Override
            public float get(int row, int col) {
                if (row < 0 || col < 0 || row >= rows || col >= cols) {
                    throw new IndexOutOfBoundsException("cell " + row + ", " + col + " outside " + rows + "x" + cols);
                }
                return data[offset + row * cols + col];
            }
        };
    }
}
