package org.distill4j.math;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;

/** Order statistics of repeated timings; mean, spread and confidence intervals of repeated runs. */
public final class Stats {
    private Stats() {
    }

    /** A closed interval {@code [lower, upper]}. */
    public record Interval(double lower, double upper) {
        /** Whether every value in the interval is above zero. */
        public boolean aboveZero() {
            return lower > 0;
        }
    }

    public static double median(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    public static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    public static double max(double[] v) {
        return Arrays.stream(v).max().orElseThrow();
    }

    /** The arithmetic mean {@code Σv / n}. */
    public static double mean(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("mean: no values");
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** The sample standard deviation {@code sqrt(Σ(v − mean)² / (n − 1))}; needs at least 2 values. */
    public static double sampleStd(double[] v) {
        if (v.length < 2) {
            throw new IllegalArgumentException("sampleStd: needs at least 2 values, got " + v.length);
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /** {@code a[i] − b[i]} for each i: the paired differences of two measurements of the same units. */
    public static double[] pairedDifferences(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("pairedDifferences: a has " + a.length + " values, b has " + b.length);
        }
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    /** The quantile {@code t_{p, df}} of Student's t distribution with {@code df} degrees of freedom. */
    public static double tQuantile(double p, int df) {
        if (df < 1) {
            throw new IllegalArgumentException("tQuantile: df must be at least 1, got " + df);
        }
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("tQuantile: p must be in (0, 1), got " + p);
        }
        return new TDistribution(df).inverseCumulativeProbability(p);
    }

    /**
     * The two-sided confidence interval of the mean of {@code v} at {@code level} (0.95 for 95%), from Student's t:
     * {@code mean ± t_{(1+level)/2, n−1} · sd / √n}; needs at least 2 values.
     */
    public static Interval meanConfidenceInterval(double[] v, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("meanConfidenceInterval: level must be in (0, 1), got " + level);
        }
        double m = mean(v);
        double half = tQuantile((1 + level) / 2, v.length - 1) * sampleStd(v) / Math.sqrt(v.length);
        return new Interval(m - half, m + half);
    }
}
