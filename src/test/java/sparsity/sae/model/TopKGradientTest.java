package sparsity.sae.model;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparsity.kernels.Backend;
import sparsity.kernels.Backends;
import sparsity.kernels.FloatMatrix;
import sparsity.kernels.MemoryScope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse backward pass of the TopK autoencoder against central finite differences of a
 * plain double-precision loss written from the definitions (main loss and AuxK), on every backend.
 */
class TopKGradientTest {

    static final int D = 6;
    static final int N = 12;
    static final int K = 3;
    static final int B = 5;

    /** The loss from the definitions, in double, for fixed top-k supports and a fixed dead set. */
    static double loss(double[] we, double[] wd, double[] be, double[] bp, float[] x, double scale,
                       boolean[] dead, int kAux, double alpha) {
        double sse = 0;
        double[][] e = new double[B][D];
        double[][] preAll = new double[B][N];
        for (int b = 0; b < B; b++) {
            double[] pre = preAll[b];
            for (int i = 0; i < N; i++) {
                double s = be[i];
                for (int c = 0; c < D; c++) s += (x[b * D + c] - bp[c]) * we[i * D + c];
                pre[i] = s;
            }
            int[] top = topk(pre, K, null);
            double[] xh = bp.clone();
            for (int i : top) {
                double z = Math.max(0, pre[i]);
                for (int c = 0; c < D; c++) xh[c] += z * wd[i * D + c];
            }
            for (int c = 0; c < D; c++) {
                double r = xh[c] - x[b * D + c];
                sse += r * r;
                e[b][c] = -r;
            }
        }
        double main = scale * sse / (B * D);
        if (dead == null) return main;
        // AuxK: e is detached in the model; here e depends on the parameters, so the caller
        // passes the detached residual through fixedResidual
        return main + auxLoss(preAll, wd, bp, fixedResidual, dead, kAux, alpha);
    }

    static double[][] fixedResidual;
    static double[] fixedBPre;

    static double auxLoss(double[][] pre, double[] wd, double[] bp, double[][] e, boolean[] dead, int kAux, double alpha) {
        double[] mean = new double[D];
        for (double[] r : e) for (int c = 0; c < D; c++) mean[c] += r[c] / B;
        double var = 0;
        for (double[] r : e) for (int c = 0; c < D; c++) var += (r[c] - mean[c]) * (r[c] - mean[c]);
        var /= B * D;
        double sse = 0;
        for (int b = 0; b < B; b++) {
            int[] top = topk(pre[b], kAux, dead);
            // OpenAI's AuxK: e_hat = W_dec z_aux + b_pre against the target e + b_pre.detach()
            double[] eh = new double[D];
            for (int c = 0; c < D; c++) eh[c] = bp[c] - fixedBPre[c];
            for (int i : top) {
                double z = Math.max(0, pre[b][i]);
                for (int c = 0; c < D; c++) eh[c] += z * wd[i * D + c];
            }
            for (int c = 0; c < D; c++) sse += (eh[c] - e[b][c]) * (eh[c] - e[b][c]);
        }
        return alpha * sse / (B * D) / var;
    }

    static int[] topk(double[] v, int k, boolean[] allowed) {
        Integer[] o = new Integer[v.length];
        for (int i = 0; i < v.length; i++) o[i] = i;
        Arrays.sort(o, (a, b) -> Double.compare(v[b], v[a]) != 0 ? Double.compare(v[b], v[a]) : Integer.compare(a, b));
        return Arrays.stream(o).filter(i -> allowed == null || allowed[i]).limit(k).mapToInt(Integer::intValue).toArray();
    }

    static double[] toDouble(FloatMatrix m) {
        float[] f = m.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"reference", "vector"})
    void sparseGradientsMatchFiniteDifferences(String backendName) {
        Random rnd = new Random(42);
        float[] xs = new float[B * D];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) rnd.nextGaussian() + 0.5f;
        try (Backend be = Backends.create(backendName, 2);
             TopKAutoencoder sae = new TopKAutoencoder(be, D, N, new TopKAutoencoder.Config(K, 4, 0.5, 1, 1e-3), 7);
             MemoryScope s = MemoryScope.open()) {
            sae.initFromData(xs, B, 3);
            // make b_enc nonzero and some pre-activations negative so the ReLU mask matters
            for (int i = 0; i < N; i++) sae.params().bEnc.set(0, i, (float) (0.3 * rnd.nextGaussian()));
            FloatMatrix x = s.floats(B, D, xs);
            SaeParams p = sae.params();
            double[] we = toDouble(p.wEnc);
            double[] wd = toDouble(p.wDec);
            double[] bEnc = toDouble(p.bEnc);
            double[] bPre = toDouble(p.bPre);
            StepStats st = sae.gradients(x);
            assertTrue(st.dead() > 0 && st.auxLoss() > 0, "AuxK is exercised: " + st);

            // the dead set and the detached residual as the model saw them
            boolean[] dead = new boolean[N];
            for (int i : sae.deadLatents().dead()) dead[i] = true;
            fixedResidual = new double[B][D];
            FloatMatrix xh = s.floats(B, D);
            sae.reconstruct(x, xh);
            for (int b = 0; b < B; b++) for (int c = 0; c < D; c++) fixedResidual[b][c] = xs[b * D + c] - xh.get(b, c);
            fixedBPre = bPre.clone();
            double scale = sae.mseScale();
            assertEquals(st.loss(), loss(we, wd, bEnc, bPre, xs, scale, dead, 4, 0.5), 1e-4 * st.loss());

            FloatMatrix[] g = sae.gradientBuffers();
            double[][] params = {we, wd, bEnc, bPre};
            double h = 1e-4;
            double worst = 0;
            for (int t = 0; t < 4; t++) {
                double[] fd = new double[params[t].length];
                for (int i = 0; i < fd.length; i++) {
                    double keep = params[t][i];
                    params[t][i] = keep + h;
                    double up = loss(we, wd, bEnc, bPre, xs, scale, dead, 4, 0.5);
                    params[t][i] = keep - h;
                    double dn = loss(we, wd, bEnc, bPre, xs, scale, dead, 4, 0.5);
                    params[t][i] = keep;
                    fd[i] = (up - dn) / (2 * h);
                }
                if (t == 1) { // the model removes each decoder column's parallel component
                    for (int i = 0; i < N; i++) {
                        double dot = 0;
                        for (int c = 0; c < D; c++) dot += fd[i * D + c] * wd[i * D + c];
                        for (int c = 0; c < D; c++) fd[i * D + c] -= dot * wd[i * D + c];
                    }
                }
                double norm = 0;
                for (double v : fd) norm = Math.max(norm, Math.abs(v));
                float[] got = g[t].toArray();
                for (int i = 0; i < fd.length; i++) {
                    double err = Math.abs(got[i] - fd[i]) / Math.max(norm, 1e-6);
                    worst = Math.max(worst, err);
                    assertTrue(err < 2e-3, backendName + " param " + t + " index " + i + ": " + got[i] + " vs " + fd[i]);
                }
            }
            assertTrue(worst < 2e-3);
        }
    }
}
