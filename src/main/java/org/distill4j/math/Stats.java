package org.distill4j.math;

import java.util.Arrays;

/** Order statistics of repeated timings. */
public final class Stats {
    private Stats() {
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
}
