package sparsity.sae.data;

import java.util.SplittableRandom;

/**
 * Synthetic activations with known ground truth, the model of the peer's synth.py: each row is
 * {@code offset + sum_{j in A} a_j f_j + sigma * noise}, with m unit features f_j (Gaussian
 * directions), |A| uniform in [minActive, maxActive] distinct features, magnitudes a_j
 * exponential with mean 1, Gaussian noise of sigma per dimension, and a fixed offset of norm
 * {@code offsetNorm}. Deterministic by seed: row i is the same whatever range is asked for.
 */
public final class SyntheticActivations {

    /** Generator settings (synth.py's defaults: m = 4d, 5..20 active, noise 0.01, offset norm 1). */
    public record Spec(int d, int m, int minActive, int maxActive, double noise, double offsetNorm, long seed) {
        public Spec {
            if (d < 1 || m < 1 || minActive < 1 || maxActive < minActive || maxActive > m) {
                throw new IllegalArgumentException("bad synthetic data spec " + d + "/" + m + "/" + minActive + "-" + maxActive);
            }
        }

        public static Spec defaults(int d, long seed) {
            return new Spec(d, 4 * d, 5, 20, 0.01, 1.0, seed);
        }
    }

    private final Spec spec;
    private final float[] features;
    private final double[] offset;

    public SyntheticActivations(Spec spec) {
        this.spec = spec;
        SplittableRandom r = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + 17);
        int d = spec.d();
        features = new float[spec.m() * d];
        double[] f = new double[d];
        for (int j = 0; j < spec.m(); j++) {
            unitGaussian(r, f);
            for (int c = 0; c < d; c++) features[j * d + c] = (float) f[c];
        }
        offset = new double[d];
        unitGaussian(r, offset);
        for (int c = 0; c < d; c++) offset[c] *= spec.offsetNorm();
    }

    public Spec spec() {
        return spec;
    }

    /** The true features, m x d row-major, unit rows. */
    public float[] features() {
        return features.clone();
    }

    /** Rows [start, start + count) as count x d row-major floats. */
    public float[] rows(long start, int count) {
        int d = spec.d();
        float[] out = new float[count * d];
        double[] x = new double[d];
        int[] chosen = new int[spec.maxActive()];
        for (int t = 0; t < count; t++) {
            long row = start + t;
            SplittableRandom r = new SplittableRandom(mix(spec.seed(), row));
            System.arraycopy(offset, 0, x, 0, d);
            int active = spec.minActive() + r.nextInt(spec.maxActive() - spec.minActive() + 1);
            for (int a = 0; a < active; a++) {
                int j;
                boolean dup;
                do {
                    j = r.nextInt(spec.m());
                    dup = false;
                    for (int b = 0; b < a; b++) dup |= chosen[b] == j;
                } while (dup);
                chosen[a] = j;
                double mag = -Math.log(1 - r.nextDouble());
                for (int c = 0; c < d; c++) x[c] += mag * features[j * d + c];
            }
            for (int c = 0; c < d; c++) out[t * d + c] = (float) (x[c] + spec.noise() * gaussian(r));
        }
        return out;
    }

    private static long mix(long seed, long row) {
        long z = seed * 0xBF58476D1CE4E5B9L + row * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void unitGaussian(SplittableRandom r, double[] v) {
        double n = 0;
        for (int c = 0; c < v.length; c++) {
            v[c] = gaussian(r);
            n += v[c] * v[c];
        }
        n = Math.sqrt(n);
        for (int c = 0; c < v.length; c++) v[c] /= n;
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
