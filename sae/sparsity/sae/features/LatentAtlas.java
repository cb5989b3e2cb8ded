package sparsity.sae.features;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link FeatureScan} found for every latent of an autoencoder on a set of rows: the data
 * of a feature dashboard (ALGORITHMS.md "Feature dashboards"). A row is a token (or, for
 * per-example tensors, an example); a latent is active on a row when its code value there is not
 * zero. Immutable; the per-latent parts are read through {@link #summary}, {@link #histogram},
 * {@link #top}, {@link #bands} and {@link #neighbours}.
 */
public final class LatentAtlas {

    /** Latents active on more than this share of rows are dense (as in {@code SaeMetrics}). */
    public static final double DENSE = 0.1;

    /** One latent's numbers. {@code meanActive} is the mean value over the rows where it is active (0 when dead). */
    public record LatentSummary(int latent, long fires, double density, float max, double meanActive, long maxRow) {

        /** log10 of the density; -Infinity for a dead latent. */
        public double log10Density() {
            return Math.log10(density);
        }

        public boolean dead() {
            return fires == 0;
        }
    }

    /** Counts of a latent's nonzero values in equal bins over [lower, upper] = [0, its max]. */
    public record ValueHistogram(double lower, double upper, long[] counts) {
        public ValueHistogram {
            counts = counts.clone();
        }

        @Override
        public long[] counts() {
            return counts.clone();
        }

        public int bins() {
            return counts.length;
        }
    }

    /** A latent's value on a row of an example. */
    public record Activation(int example, long row, float value) {
    }

    /**
     * A band of a latent's activation range, {@code [lower, upper)} (the last band also holds its
     * upper edge, the maximum), with how many of the latent's nonzero values fall in it,
     * their share, and rows sampled uniformly at random from them (highest value first).
     */
    public record Band(int index, double lower, double upper, long count, double share, List<Activation> samples) {
        public Band {
            samples = List.copyOf(samples);
        }
    }

    /** Another latent and the cosine of its decoder direction with this one's. */
    public record Neighbour(int latent, float cosine) {
    }

    private final FeatureScan.Settings settings;
    private final String rowsName;
    private final long rows;
    private final int examples;
    private final int latents;
    private final int codeWidth;
    private final long[] fires;
    private final double[] sums;
    private final float[] max;
    private final long[] maxRow;
    private final long[] histogram;
    private final int[] topCount;
    private final int[] topExample;
    private final long[] topRow;
    private final float[] topValue;
    private final long[] bandCount;
    private final int[] bandSamples;
    private final int[] bandExample;
    private final long[] bandRow;
    private final float[] bandValue;
    private final int neighbourCount;
    private final int[] neighbour;
    private final float[] neighbourCos;

    LatentAtlas(FeatureScan.Settings settings, String rowsName, long rows, int examples, int latents, int codeWidth,
                long[] fires, double[] sums, float[] max, long[] maxRow, long[] histogram,
                int[] topCount, int[] topExample, long[] topRow, float[] topValue,
                long[] bandCount, int[] bandSamples, int[] bandExample, long[] bandRow, float[] bandValue,
                int neighbourCount, int[] neighbour, float[] neighbourCos) {
        this.settings = settings;
        this.rowsName = rowsName;
        this.rows = rows;
        this.examples = examples;
        this.latents = latents;
        this.codeWidth = codeWidth;
        this.fires = fires;
        this.sums = sums;
        this.max = max;
        this.maxRow = maxRow;
        this.histogram = histogram;
        this.topCount = topCount;
        this.topExample = topExample;
        this.topRow = topRow;
        this.topValue = topValue;
        this.bandCount = bandCount;
        this.bandSamples = bandSamples;
        this.bandExample = bandExample;
        this.bandRow = bandRow;
        this.bandValue = bandValue;
        this.neighbourCount = neighbourCount;
        this.neighbour = neighbour;
        this.neighbourCos = neighbourCos;
    }

    public FeatureScan.Settings settings() {
        return settings;
    }

    /** What the rows were, e.g. the captured tensor's name. */
    public String rowsName() {
        return rowsName;
    }

    /** Rows scanned. */
    public long rows() {
        return rows;
    }

    /** Distinct examples the rows came from. */
    public int examples() {
        return examples;
    }

    public int latents() {
        return latents;
    }

    /** Code slots per row of the autoencoder (k for TopK). */
    public int codeWidth() {
        return codeWidth;
    }

    public LatentSummary summary(int latent) {
        check(latent);
        long f = fires[latent];
        return new LatentSummary(latent, f, rows == 0 ? 0 : (double) f / rows, max[latent], f == 0 ? 0 : sums[latent] / f,
                f == 0 ? -1 : maxRow[latent]);
    }

    /** Every latent's summary, in latent order. */
    public List<LatentSummary> summaries() {
        List<LatentSummary> l = new ArrayList<>(latents);
        for (int i = 0; i < latents; i++) l.add(summary(i));
        return l;
    }

    public double density(int latent) {
        check(latent);
        return rows == 0 ? 0 : (double) fires[latent] / rows;
    }

    /** Density of every latent, in latent order. */
    public double[] densities() {
        double[] d = new double[latents];
        for (int i = 0; i < latents; i++) d[i] = density(i);
        return d;
    }

    /** Latents that never fired. */
    public int dead() {
        int n = 0;
        for (long f : fires) if (f == 0) n++;
        return n;
    }

    /** Latents active on more than {@value #DENSE} of the rows. */
    public int dense() {
        int n = 0;
        for (int i = 0; i < latents; i++) if (density(i) > DENSE) n++;
        return n;
    }

    /** Mean number of active latents per row. */
    public double l0() {
        long s = 0;
        for (long f : fires) s += f;
        return rows == 0 ? 0 : (double) s / rows;
    }

    public ValueHistogram histogram(int latent) {
        check(latent);
        int bins = settings.histogramBins();
        long[] c = new long[bins];
        System.arraycopy(histogram, latent * bins, c, 0, bins);
        return new ValueHistogram(0, max[latent], c);
    }

    /** The examples on which the latent is largest, largest first, each with its best row. */
    public List<Activation> top(int latent) {
        check(latent);
        int n = settings.topExamples();
        List<Activation> l = new ArrayList<>(topCount[latent]);
        for (int j = 0; j < topCount[latent]; j++) {
            int at = latent * n + j;
            l.add(new Activation(topExample[at], topRow[at], topValue[at]));
        }
        return l;
    }

    /** The bands of the latent's activation range, lowest first (empty for a dead latent). */
    public List<Band> bands(int latent) {
        check(latent);
        if (fires[latent] == 0) return List.of();
        int nb = settings.bands();
        int per = settings.perBand();
        double width = (double) max[latent] / nb;
        List<Band> l = new ArrayList<>(nb);
        for (int b = 0; b < nb; b++) {
            int at = latent * nb + b;
            List<Activation> s = new ArrayList<>();
            for (int j = 0; j < bandSamples[at]; j++) {
                int k = at * per + j;
                s.add(new Activation(bandExample[k], bandRow[k], bandValue[k]));
            }
            s.sort((x, y) -> x.value() != y.value() ? Float.compare(y.value(), x.value()) : Long.compare(x.row(), y.row()));
            l.add(new Band(b, b * width, b == nb - 1 ? max[latent] : (b + 1) * width, bandCount[at],
                    (double) bandCount[at] / fires[latent], s));
        }
        return l;
    }

    /** The latents whose decoder directions are closest to this one's, highest cosine first. */
    public List<Neighbour> neighbours(int latent) {
        check(latent);
        List<Neighbour> l = new ArrayList<>(neighbourCount);
        for (int j = 0; j < neighbourCount; j++) {
            l.add(new Neighbour(neighbour[latent * neighbourCount + j], neighbourCos[latent * neighbourCount + j]));
        }
        return l;
    }

    private void check(int latent) {
        if (latent < 0 || latent >= latents) throw new IndexOutOfBoundsException("latent " + latent + " of " + latents);
    }
}
