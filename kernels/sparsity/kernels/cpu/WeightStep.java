package sparsity.kernels.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import sparsity.kernels.Adam;
import sparsity.kernels.AdamTensor;
import sparsity.kernels.Checks;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.IntMatrix;
import sparsity.kernels.MemoryScope;

/**
 * The weight step of a TopK autoencoder, latent by latent ({@link sparsity.kernels.Backend#sparseWeightStep}):
 * one bucketing of the slots by latent for both weight gradients; then each latent's two gradient
 * rows are summed into a scratch row of the thread (in L1), the decoder's projected, and Adam (and
 * the decoder row's renormalization) applied to the two weight rows at once, so that the [n x d]
 * gradients are never written to memory nor read back. Each latent is done by one thread with the
 * same operations, in the same order, as the unfused sequence: the same bits, whatever the threads.
 */
final class WeightStep {

    private WeightStep() {
    }

    static void run(Parallel par, IntMatrix idx, FloatMatrix val, FloatMatrix gval, FloatMatrix gx, FloatMatrix xc,
                    FloatMatrix gBEnc, FloatMatrix gBPre, AdamTensor enc, AdamTensor dec, Adam adam, long step, float eps) {
        Checks.weightStep(idx, val, gval, gx, xc, gBEnc, gBPre, enc, dec);
        int n = dec.param().rows();
        int d = dec.param().cols();
        Elementwise.Step st = Elementwise.Step.of(adam, step);
        SparseOps.Buckets bk = SparseOps.Buckets.of(par, idx, val, gval, n);
        // the encoder's bias gradient: as scatterAdd into zeros, from 0 in batch order
        par.forRange(n, 256, (slot, from, to) -> {
            for (int i = from; i < to; i++) gBEnc.segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, sum(bk.coef2(), bk.start()[i], bk.start()[i + 1]));
        });
        // b_pre's encoder path, with W_enc before the step
        Gemm.gemm(par, false, false, -1f, gBEnc, enc.param(), 1f, gBPre);
        try (MemoryScope s = MemoryScope.open()) {
            // two scratch rows per thread: the decoder's gradient row, the encoder's
            FloatMatrix scratch = s.floats(2 * par.threads(), Math.max(1, d));
            par.forRange(n, 16, (slot, from, to) -> {
                for (int i = from; i < to; i++) latent(i, bk, gx, xc, scratch, 2 * slot, enc, dec, st, eps);
            });
        }
    }

    private static float sum(float[] v, int from, int to) {
        float s = 0f;
        for (int e = from; e < to; e++) s += v[e];
        return s;
    }

    /** Latent i: both gradient rows into scratch rows r and r + 1, the decoder's projected, Adam on both weight rows. */
    private static void latent(int i, SparseOps.Buckets bk, FloatMatrix gx, FloatMatrix xc, FloatMatrix scratch, int r,
                               AdamTensor enc, AdamTensor dec, Elementwise.Step st, float eps) {
        int d = dec.param().cols();
        int e0 = bk.start()[i];
        int e1 = bk.start()[i + 1];
        MemorySegment ss = scratch.segment();
        long gd = 4L * r * scratch.stride();
        long ge = 4L * (r + 1) * scratch.stride();
        SparseOps.outerRow(e0, e1, bk.row(), bk.coef(), gx, ss, gd, d, false);
        SparseOps.outerRow(e0, e1, bk.row(), bk.coef2(), xc, ss, ge, d, false);
        FloatMatrix w = dec.param();
        RowOps.projectOutRow(ss, gd, w.segment(), 4L * i * w.stride(), d);
        Elementwise.adamRow(enc.param(), i, ss, ge, enc.m(), enc.v(), st);
        Elementwise.adamRow(w, i, ss, gd, dec.m(), dec.v(), st);
        RowOps.normalizeRow(w, i, eps);
    }
}
