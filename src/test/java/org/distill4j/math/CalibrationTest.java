package org.distill4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each calibration method's range on small histograms, computed by hand. */
class CalibrationTest {
    private static Calibration.Histogram of(double lo, double hi, int bins, float... values) {
        Calibration.Histogram h = new Calibration.Histogram(lo, hi, bins);
        h.add(values);
        return h;
    }

    private static float[] repeat(float v, int n) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    @Test
    void minmaxIsTheObservedRange() {
        Calibration.Histogram h = of(-1, 3, 4, -1f, 0f, 2f, 3f);
        assertArrayEquals(new long[] {1, 1, 0, 2}, h.counts(), "2 falls in bin 3, and so does 3 (the top edge)");
        assertArrayEquals(new double[] {-1, 3}, Calibration.range(Calibration.Method.MINMAX, h, 8, 99.99));
    }

    @Test
    void percentileCutsAtTheBinWhereTheCountIsReached() {
        // bins of width 1 over [0, 10): 90 values in bin 0, 9 in bin 1, 1 in bin 9
        Calibration.Histogram h = new Calibration.Histogram(0, 10, 10);
        h.add(repeat(0.5f, 90));
        h.add(repeat(1.5f, 9));
        h.add(new float[] {9.5f});
        // 99% of 100 = 99 values: reached in bin 1, whose upper edge is 2
        assertArrayEquals(new double[] {0, 2}, Calibration.percentile(h, 99));
        assertArrayEquals(new double[] {0, 10}, Calibration.percentile(h, 100));
        // two-sided, bins of width 1 over [−10, 10): one value in bin 0, 98 in bin 10, one in bin 19
        Calibration.Histogram g = new Calibration.Histogram(-10, 10, 20);
        g.add(new float[] {-9.5f, 9.5f});
        g.add(repeat(0.5f, 98));
        // top: 99 reached in bin 10 (upper edge 1); bottom: the count passes 1% = 1 in bin 10 (lower edge 0)
        assertArrayEquals(new double[] {0, 1}, Calibration.percentile(g, 99));
    }

    @Test
    void mseWeighsRoundingAgainstClipping() {
        // values 0.5, 1.5 and an outlier 7.5 in 8 bins over [0, 8); 2 bits: codes 0..3 of scale hi / 3
        Calibration.Histogram h = of(0, 8, 8, 0.5f, 1.5f, 7.5f);
        // [0, 6], scale 2: 0.5 → 0, 1.5 → 2, 7.5 → 6 (clipped): 0.25 + 0.25 + 2.25
        assertEquals(2.75, Calibration.squaredError(h, 0, 6, 2), 1e-12);
        // [0, 7], scale 7/3: 0.5 → 0, 1.5 → 7/3, 7.5 → 7: 0.25 + (7/3 − 1.5)² + 0.25
        assertEquals(0.5 + Math.pow(7.0 / 3 - 1.5, 2), Calibration.squaredError(h, 0, 7, 2), 1e-12);
        // [0, 8], scale 8/3: 0.5 → 0, 1.5 → 8/3, 7.5 → 8: 0.25 + (8/3 − 1.5)² + 0.25
        assertEquals(0.5 + Math.pow(8.0 / 3 - 1.5, 2), Calibration.squaredError(h, 0, 8, 2), 1e-12);
        // [0, 4] and [0, 5] clip the outlier by 3.5 and 2.5: worse still; [0, 7] (1.194) is the least
        assertArrayEquals(new double[] {0, 7}, Calibration.range(Calibration.Method.MSE, h, 2, 99.99), 1e-12);
    }

    @Test
    void entropyPicksTheRangeWhoseQuantizedHistogramIsClosest() {
        // counts 4, 2, 1, 1, 0, 0, 0, 1 in bins of width 1 over [0, 8); 2 bits: 4 levels
        Calibration.Histogram h = new Calibration.Histogram(0, 8, 8);
        h.add(repeat(0.5f, 4));
        h.add(repeat(1.5f, 2));
        h.add(new float[] {2.5f, 3.5f, 7.5f});
        // [0, 4]: P = (4, 2, 1, 1 + 1)/9 (the outlier in the last bin), Q = the slice (4, 2, 1, 1)/8, one bin a level
        double four = 4.0 / 9 * Math.log((4.0 / 9) / (4.0 / 8)) + 2.0 / 9 * Math.log((2.0 / 9) / (2.0 / 8))
                + 1.0 / 9 * Math.log((1.0 / 9) / (1.0 / 8)) + 2.0 / 9 * Math.log((2.0 / 9) / (1.0 / 8));
        assertEquals(four, Calibration.klDivergence(h, 0, 4, 2), 1e-12);
        // [0, 8]: two bins a level: Q = (3, 3, 1, 1, 0, 0, 0, 1)/9; both smoothed: 1e-4 in the three empty bins,
        // 3e-4 / 5 taken from each of the five others; only bins 0 and 1 differ
        double e = 3e-4 / 5;
        double eight = (4.0 / 9 - e) * Math.log((4.0 / 9 - e) / (3.0 / 9 - e))
                + (2.0 / 9 - e) * Math.log((2.0 / 9 - e) / (3.0 / 9 - e));
        assertEquals(eight, Calibration.klDivergence(h, 0, 8, 2), 1e-12);
        // [0, 5], [0, 6], [0, 7] put the outlier where Q has (almost) nothing: far larger
        for (int hi = 5; hi <= 7; hi++) {
            assertTrue(Calibration.klDivergence(h, 0, hi, 2) > 0.5, "hi " + hi);
        }
        assertTrue(four < eight, four + " vs " + eight);
        assertArrayEquals(new double[] {0, 4}, Calibration.range(Calibration.Method.ENTROPY, h, 2, 99.99), 1e-12);
    }

    @Test
    void smoothingMovesATinyMassToZeroBins() {
        // one zero of four: it gets 1e-4, the three others give 1e-4 / 3 each
        double[] s = Calibration.smooth(new double[] {0.5, 0.25, 0, 0.25});
        assertArrayEquals(new double[] {0.5 - 1e-4 / 3, 0.25 - 1e-4 / 3, 1e-4, 0.25 - 1e-4 / 3}, s, 1e-15);
    }
}
