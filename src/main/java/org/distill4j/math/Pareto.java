package org.distill4j.math;

import java.util.ArrayList;
import java.util.List;

/** Pareto fronts of two objectives. */
public final class Pareto {
    private Pareto() {
    }

    /**
     * Indices of the points no other point dominates, ordered by {@code a}. A point dominates another when it is at
     * least as good in both objectives and strictly better in one ({@code maxA}/{@code maxB}: larger is better).
     * Points with a NaN coordinate take no part. Duplicated points are all kept.
     */
    public static List<Integer> front(double[] a, boolean maxA, double[] b, boolean maxB) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) || Double.isNaN(b[i])) {
                continue;
            }
            boolean dominated = false;
            for (int j = 0; j < a.length && !dominated; j++) {
                if (j == i || Double.isNaN(a[j]) || Double.isNaN(b[j])) {
                    continue;
                }
                boolean geA = maxA ? a[j] >= a[i] : a[j] <= a[i];
                boolean geB = maxB ? b[j] >= b[i] : b[j] <= b[i];
                boolean gtA = maxA ? a[j] > a[i] : a[j] < a[i];
                boolean gtB = maxB ? b[j] > b[i] : b[j] < b[i];
                dominated = geA && geB && (gtA || gtB);
            }
            if (!dominated) {
                out.add(i);
            }
        }
        out.sort((x, y) -> Double.compare(a[x], a[y]));
        return out;
    }
}
