package sparsity.views.heatmap;

/**
 * How a value becomes a position t in [0, 1] of a colour map.
 * <ul>
 * <li>Linear, unsigned: t = (v - min) / (max - min).</li>
 * <li>Log, unsigned: t = log10(max(v / max, floor)) / -log10(floor) + 1, so v = max gives 1 and
 *     anything at or below {@code floor x max} (zeros included) gives 0.</li>
 * <li>Signed (for a diverging map): zero sits at t = 0.5 and +-maxAbs at 1 and 0, linearly or on
 *     the same log scale applied to |v| / maxAbs.</li>
 * </ul>
 *
 * @param log    log instead of linear
 * @param signed centre on zero (diverging data)
 * @param min    value at t = 0 (linear unsigned)
 * @param max    value at t = 1; for signed scales the largest |v|
 * @param floor  smallest ratio the log scale resolves, e.g. 1e-4
 */
public record ColorScale(boolean log, boolean signed, double min, double max, double floor) {

    public static final double DEFAULT_FLOOR = 1e-4;

    public ColorScale {
        if (!(floor > 0 && floor < 1)) throw new IllegalArgumentException("log floor must be in (0, 1), was " + floor);
        if (Double.isNaN(min) || Double.isNaN(max)) throw new IllegalArgumentException("scale bounds must be numbers");
    }

    /** Linear from 0 to the range's max (min when that is larger than 0 is kept at 0: heatmaps start at zero). */
    public static ColorScale linear(ValueRange r) {
        return r.signed() ? new ColorScale(false, true, -r.maxAbs(), r.maxAbs(), DEFAULT_FLOOR)
                : new ColorScale(false, false, Math.min(0, r.min()), r.max(), DEFAULT_FLOOR);
    }

    /** Log over [floor x max, max]. */
    public static ColorScale log(ValueRange r) {
        return r.signed() ? new ColorScale(true, true, -r.maxAbs(), r.maxAbs(), DEFAULT_FLOOR)
                : new ColorScale(true, false, Math.min(0, r.min()), r.max(), DEFAULT_FLOOR);
    }

    /** The same bounds, linear or log. */
    public ColorScale withLog(boolean on) {
        return new ColorScale(on, signed, min, max, floor);
    }

    /** Position of v on the colour map, in [0, 1]; NaN for NaN. */
    public double t(double v) {
        if (Double.isNaN(v)) return Double.NaN;
        if (signed) {
            double m = max > 0 ? max : 1;
            double a = Math.min(1, Math.abs(v) / m);
            double u = log ? logRatio(a) : a;
            return 0.5 + 0.5 * Math.signum(v) * u;
        }
        if (log) return max > 0 ? logRatio(v / max) : 0;
        double span = max - min;
        if (!(span > 0)) return v > min ? 1 : 0;
        return Math.max(0, Math.min(1, (v - min) / span));
    }

    /** The value at position t (the inverse of {@link #t}, for colour bar ticks). */
    public double value(double t) {
        if (signed) {
            double u = Math.abs(2 * t - 1);
            double a = log ? Math.pow(10, (u - 1) * -Math.log10(floor)) : u;
            if (log && u == 0) a = 0;
            return Math.signum(t - 0.5) * a * max;
        }
        if (log) return t <= 0 ? 0 : max * Math.pow(10, (t - 1) * -Math.log10(floor));
        return min + t * (max - min);
    }

    private double logRatio(double ratio) {
        if (!(ratio > floor)) return 0;
        if (ratio >= 1) return 1;
        return 1 + Math.log10(ratio) / -Math.log10(floor);
    }
}
