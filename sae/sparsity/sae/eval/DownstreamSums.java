package sparsity.sae.eval;

import java.util.Arrays;
import java.util.Set;
import sparsity.analysis.evaluate.RowLayout;
import sparsity.analysis.evaluate.RowMath;
import sparsity.analysis.capture.InputBatch;

import sparsity.sae.eval.Downstream.Accuracy;
import sparsity.sae.eval.Downstream.Comparison;
import sparsity.sae.eval.Downstream.CrossEntropy;
import sparsity.analysis.evaluate.OutputKind;
import sparsity.sae.eval.Downstream.OutputMetrics;

/**
 * The running sums of a {@link Downstream} evaluation: one output's values as read back
 * ({@link Out}), the reconstruction's FVU and cosine to its input ({@link Reconstruction}), and
 * each output's comparison of the spliced and zero-ablated model with the clean one
 * ({@link Scores}: cosine, KL, top-1 agreement, accuracy, cross-entropy).
 */
final class DownstreamSums {

    private DownstreamSums() {
    }

    /** One output's values and how its rows map onto the batch. */
    record Out(float[] v, long[] shape, RowLayout rows) {
    }


    /** Running FVU and cosine of x_hat to x. */
    static final class Reconstruction {
        final double[] sum;
        double sse;
        double sumSq;
        double cos;
        long rows;

        Reconstruction(int d) {
            sum = new double[d];
        }

        void add(float[] x, float[] xHat, int[] real, int d) {
            for (int r : real) {
                for (int c = 0; c < d; c++) {
                    double xv = x[r * d + c];
                    double hv = xHat[r * d + c];
                    sse += (xv - hv) * (xv - hv);
                    sumSq += xv * xv;
                    sum[c] += xv;
                }
                cos += RowMath.rowCosine(x, xHat, r * d, d);
                rows++;
            }
        }

        double fvu() {
            double meanSq = 0;
            for (double s : sum) meanSq += (s / rows) * (s / rows);
            double total = sumSq - rows * meanSq;
            return total > 0 ? sse / total : Double.NaN;
        }
    }

    /** Running metrics of one output. */
    static final class Scores {
        final String output;
        OutputKind kind;
        boolean first = true;
        boolean tokenLevel;
        long rows;
        double cosS;
        double cosZ;
        long pooled;
        double pooledS;
        double pooledZ;
        double klS;
        double klZ;
        long top1S;
        long top1Z;
        long accN;
        long accC;
        long accS;
        long accZ;
        boolean lm = true;
        long ceN;
        double ceC;
        double ceS;
        double ceZ;

        Scores(String output, OutputKind kind) {
            this.output = output;
            this.kind = kind;
        }

        void add(InputBatch b, long offset, Out clean, Out sp, Out zr, long[] labels, Set<String> notes) throws DownstreamException {
            RowLayout L = clean.rows();
            int w = L.width();
            if (first) {
                first = false;
                tokenLevel = L.tokens();
                if (labels != null && L.examples() && kind == OutputKind.EMBEDDING && w > 1) {
                    kind = OutputKind.LOGITS;
                    notes.add("with labels, output '" + output + "' [batch, " + w + "] is taken as class scores");
                }
                if (labels != null && !L.examples()) notes.add("labels are per example and output '" + output + "' is not; no accuracy for it");
                if (L.tokens() && kind.isDistribution() && b.idsInput() == null) lm = false;
            }
            boolean ce = lm && L.tokens() && kind.isDistribution() && b.idsInput() != null;
            if (ce) {
                for (int e = 0; e < b.size() && ce; e++) {
                    for (int p = 0; p < L.seq(); p++) {
                        int t = b.tokenId(e, p);
                        if (b.real(e, p) && (t < 0 || t >= w)) {
                            ce = false;
                            lm = false;
                            notes.add("output '" + output + "' has " + w + " classes per token, fewer than the token ids; no next-token CE");
                            break;
                        }
                    }
                }
            }
            double[] lc = new double[w];
            double[] ls = new double[w];
            double[] lz = new double[w];
            for (int r = 0; r < L.rows(); r++) {
                if (!L.real()[r]) continue;
                int o = r * w;
                rows++;
                cosS += RowMath.rowCosine(clean.v(), sp.v(), o, w);
                cosZ += RowMath.rowCosine(clean.v(), zr.v(), o, w);
                if (!kind.isDistribution()) continue;
                RowMath.logSoftmax(clean.v(), o, w, kind == OutputKind.PROBABILITIES, lc);
                RowMath.logSoftmax(sp.v(), o, w, kind == OutputKind.PROBABILITIES, ls);
                RowMath.logSoftmax(zr.v(), o, w, kind == OutputKind.PROBABILITIES, lz);
                klS += RowMath.kl(lc, ls);
                klZ += RowMath.kl(lc, lz);
                int ac = RowMath.argmax(lc);
                int as = RowMath.argmax(ls);
                int az = RowMath.argmax(lz);
                if (as == ac) top1S++;
                if (az == ac) top1Z++;
                if (labels != null && L.examples()) {
                    long y = labels[(int) (offset + r)];
                    if (y < 0 || y >= w) {
                        throw new DownstreamException("label " + y + " of example " + (offset + r) + " is not a class of output '"
                                + output + "' (" + w + " classes)");
                    }
                    accN++;
                    if (ac == y) accC++;
                    if (as == y) accS++;
                    if (az == y) accZ++;
                }
                if (ce) {
                    int e = r / L.seq();
                    int p = r % L.seq();
                    if (p + 1 < L.seq() && b.real(e, p + 1)) {
                        int t = b.tokenId(e, p + 1);
                        ceN++;
                        ceC -= lc[t];
                        ceS -= ls[t];
                        ceZ -= lz[t];
                    }
                }
            }
            if (L.tokens() && kind == OutputKind.EMBEDDING) {
                double[] mc = new double[w];
                double[] ms = new double[w];
                double[] mz = new double[w];
                for (int e = 0; e < b.size(); e++) {
                    Arrays.fill(mc, 0);
                    Arrays.fill(ms, 0);
                    Arrays.fill(mz, 0);
                    int n = 0;
                    for (int p = 0; p < L.seq(); p++) {
                        int r = e * L.seq() + p;
                        if (!L.real()[r]) continue;
                        n++;
                        for (int c = 0; c < w; c++) {
                            mc[c] += clean.v()[r * w + c];
                            ms[c] += sp.v()[r * w + c];
                            mz[c] += zr.v()[r * w + c];
                        }
                    }
                    if (n == 0) continue;
                    pooled++;
                    pooledS += RowMath.cosine(mc, ms);
                    pooledZ += RowMath.cosine(mc, mz);
                }
            }
        }

        OutputMetrics result(Set<String> notes) {
            boolean dist = kind.isDistribution();
            double nan = Double.NaN;
            Comparison s = new Comparison(cosS / rows, pooled > 0 ? pooledS / pooled : nan, dist ? klS / rows : nan,
                    dist ? (double) top1S / rows : nan);
            Comparison z = new Comparison(cosZ / rows, pooled > 0 ? pooledZ / pooled : nan, dist ? klZ / rows : nan,
                    dist ? (double) top1Z / rows : nan);
            Accuracy a = accN > 0 ? new Accuracy(accN, accC, accS, accZ) : null;
            CrossEntropy c = lm && ceN > 0 ? new CrossEntropy(ceN, ceC / ceN, ceS / ceN, ceZ / ceN) : null;
            return new OutputMetrics(output, kind, tokenLevel, rows, s, z, a, c);
        }
    }
}
