package org.distill4j.math;

/**
 * Activation ranges for post-training quantization, chosen from calibration data held as a histogram of the values
 * over their observed [min, max] ({@link Histogram}, filled in two passes: the extremes, then the counts).
 * <ul>
 * <li>{@code minmax}: the observed range.</li>
 * <li>{@code percentile}: the range holding all but (100 − p)% of the values on each side that has any: the upper
 * edge of the bin where the cumulative count reaches p% (and, for values below 0, the lower edge of the bin where it
 * passes (100 − p)%).</li>
 * <li>{@code mse}: the range [c·min, c·max] (c = k / bins, k = 2^bits .. bins) whose {@link Quantizer.Affine} fake
 * quantization of the bin centres, weighted by their counts, has the least squared error.</li>
 * <li>{@code entropy}: over the same candidates, the least Kullback–Leibler divergence between the histogram clipped
 * to the range (values outside counted in its edge bins) and the range's bins merged into 2^bits levels and spread
 * back evenly over their nonzero bins (TensorRT's calibration, Migacz 2017, as MXNet computes it).</li>
 * </ul>
 */
public final class Calibration {
    /** The number of histogram bins used by the stages. */
    public static final int BINS = 2048;

    /** How a range is chosen. */
    public enum Method { MINMAX, PERCENTILE, ENTROPY, MSE }

    private Calibration() {
    }

    /** Counts of values in {@code bins} equal bins over [lo, hi] (a value at hi goes in the last bin). */
    public static final class Histogram {
        private final double lo;
        private final double hi;
        private final long[] counts;

        public Histogram(double lo, double hi, int bins) {
            if (!(hi >= lo) || bins < 1) {
                throw new IllegalArgumentException("need lo <= hi and bins >= 1, got [" + lo + ", " + hi + "], "
                        + bins);
            }
            this.lo = lo;
            this.hi = hi;
            this.counts = new long[bins];
        }

        public void add(float[] values) {
            double w = width();
            for (float v : values) {
                int b = w == 0 ? 0 : (int) Math.floor((v - lo) / w);
                counts[Math.max(0, Math.min(counts.length - 1, b))]++;
            }
        }

        public double width() {
            return (hi - lo) / counts.length;
        }

        public double lo() {
            return lo;
        }

        public double hi() {
            return hi;
        }

        public long[] counts() {
            return counts.clone();
        }

        double center(int b) {
            return lo + (b + 0.5) * width();
        }
    }

    /** The range chosen by {@code method} ({@code percentile} used by that method only), as {lo, hi}. */
    public static double[] range(Method method, Histogram h, int bits, double percentile) {
        return switch (method) {
            case MINMAX -> new double[] {h.lo, h.hi};
            case PERCENTILE -> percentile(h, percentile);
            case MSE -> best(h, bits, false);
            case ENTROPY -> best(h, bits, true);
        };
    }

    /** The percentile range (see the class comment); {@code p} in (0, 100]. */
    public static double[] percentile(Histogram h, double p) {
        long total = 0;
        for (long c : h.counts) {
            total += c;
        }
        double keep = p / 100.0 * total;
        double hi = h.hi;
        long cum = 0;
        for (int b = 0; b < h.counts.length; b++) {
            cum += h.counts[b];
            if (cum >= keep) {
                hi = h.lo + (b + 1) * h.width();
                break;
            }
        }
        double lo = h.lo;
        if (h.lo < 0) {
            double drop = (1 - p / 100.0) * total;
            cum = 0;
            for (int b = 0; b < h.counts.length; b++) {
                cum += h.counts[b];
                if (cum > drop) {
                    lo = h.lo + b * h.width();
                    break;
                }
            }
        }
        return new double[] {lo, Math.min(hi, h.hi)};
    }

    /** The candidate range [c·lo, c·hi] with the least error (squared, or KL when {@code entropy}). */
    static double[] best(Histogram h, int bits, boolean entropy) {
        int bins = h.counts.length;
        int levels = 1 << bits;
        double bestError = Double.POSITIVE_INFINITY;
        double[] best = {h.lo, h.hi};
        for (int k = Math.min(levels, bins); k <= bins; k++) {
            double c = (double) k / bins;
            double lo = c * h.lo;
            double hi = c * h.hi;
            double e = entropy ? klDivergence(h, lo, hi, bits) : squaredError(h, lo, hi, bits);
            if (e < bestError) {
                bestError = e;
                best = new double[] {lo, hi};
            }
        }
        return best;
    }

    /** Σ count · (centre − fakeQuantize(centre))² under {@code Affine.of(lo, hi, bits)}. */
    public static double squaredError(Histogram h, double lo, double hi, int bits) {
        Quantizer.Affine q = Quantizer.Affine.of(lo, hi, bits);
        double e = 0;
        for (int b = 0; b < h.counts.length; b++) {
            if (h.counts[b] > 0) {
                double x = h.center(b);
                double d = x - q.fakeQuantize(x);
                e += h.counts[b] * d * d;
            }
        }
        return e;
    }

    /**
     * KL(P ‖ Q) for the range [lo, hi], as MXNet's and TensorRT's entropy calibration computes it: the bins whose
     * centres lie in the range are the slice; P is the slice with the counts outside it added to its first and last
     * bin; Q merges the slice (without those) into {@code 2^bits} groups of {@code ⌊width / 2^bits⌋} bins (the last
     * taking the rest) and spreads each group's count evenly over its bins that are nonzero in the slice. Both are
     * normalized and smoothed ({@link #smooth}). Infinite when the range holds fewer bins than levels.
     */
    public static double klDivergence(Histogram h, double lo, double hi, int bits) {
        int n = h.counts.length;
        int a = 0;
        int b = n;
        while (a < n && h.center(a) < lo) {
            a++;
        }
        while (b > a && h.center(b - 1) > hi) {
            b--;
        }
        int width = b - a;
        int levels = 1 << bits;
        if (width < levels) {
            return Double.POSITIVE_INFINITY;
        }
        double[] p = new double[width];
        for (int i = 0; i < n; i++) {
            p[Math.max(0, Math.min(width - 1, i - a))] += h.counts[i];
        }
        double[] q = new double[width];
        int merged = width / levels;
        for (int g = 0; g < levels; g++) {
            int from = g * merged;
            int to = g == levels - 1 ? width : from + merged;
            double sum = 0;
            int nonzero = 0;
            for (int i = from; i < to; i++) {
                sum += h.counts[a + i];
                nonzero += h.counts[a + i] > 0 ? 1 : 0;
            }
            for (int i = from; i < to; i++) {
                q[i] = h.counts[a + i] > 0 ? sum / nonzero : 0;
            }
        }
        p = smooth(normalized(p));
        q = smooth(normalized(q));
        if (p == null || q == null) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int i = 0; i < width; i++) {
            if (p[i] > 0) {
                kl += p[i] * Math.log(p[i] / q[i]);
            }
        }
        return kl;
    }

    private static double[] normalized(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = s == 0 ? 0 : v[i] / s;
        }
        return out;
    }

    /**
     * Gives each zero entry {@code 1e-4} and takes the same total evenly from the nonzero ones (MXNet's
     * {@code _smooth_distribution}); null when all are zero.
     */
    static double[] smooth(double[] v) {
        final double eps = 1e-4;
        int zeros = 0;
        for (double x : v) {
            zeros += x == 0 ? 1 : 0;
        }
        int nonzeros = v.length - zeros;
        if (nonzeros == 0) {
            return null;
        }
        double eps1 = eps * zeros / nonzeros;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] == 0 ? eps : v[i] - eps1;
        }
        return out;
    }
}
