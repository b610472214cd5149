package org.distill4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void orderStatisticsByHand() {
        assertEquals(3.0, Stats.median(new double[] {5, 1, 3}));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}));
        assertEquals(1.0, Stats.min(new double[] {4, 1, 2, 3}));
        assertEquals(4.0, Stats.max(new double[] {4, 1, 2, 3}));
        double[] v = {3, 1, 2};
        Stats.median(v);
        assertEquals(3.0, v[0], "median must not reorder its input");
        assertThrows(IllegalArgumentException.class, () -> Stats.median(new double[0]));
    }

    @Test
    void meanAndSampleStdByHand() {
        // {2, 4, 4, 4, 5, 5, 7, 9}: mean 40/8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32; 32/7 = 4.571428...,
        // sqrt = 2.138090
        double[] v = {2, 4, 4, 4, 5, 5, 7, 9};
        assertEquals(5.0, Stats.mean(v), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), Stats.sampleStd(v), 1e-12);
        assertEquals(2.138090, Stats.sampleStd(v), 1e-6);
        // two values 0.80, 0.82: mean 0.81, deviations ±0.01, (0.0001 + 0.0001) / 1 = 0.0002, sd = 0.0141421
        assertEquals(0.81, Stats.mean(new double[] {0.80, 0.82}), 1e-12);
        assertEquals(0.0141421, Stats.sampleStd(new double[] {0.80, 0.82}), 1e-7);
        assertEquals(0.0, Stats.sampleStd(new double[] {3, 3, 3}));
    }

    @Test
    void tooFewValuesAreNamedErrors() {
        assertEquals("mean: no values",
                assertThrows(IllegalArgumentException.class, () -> Stats.mean(new double[0])).getMessage());
        assertEquals("sampleStd: needs at least 2 values, got 1",
                assertThrows(IllegalArgumentException.class, () -> Stats.sampleStd(new double[] {1})).getMessage());
        assertEquals("pairedDifferences: a has 2 values, b has 1", assertThrows(IllegalArgumentException.class,
                () -> Stats.pairedDifferences(new double[] {1, 2}, new double[] {1})).getMessage());
        assertEquals("tQuantile: df must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Stats.tQuantile(0.975, 0)).getMessage());
        assertEquals("meanConfidenceInterval: level must be in (0, 1), got 95.0", assertThrows(
                IllegalArgumentException.class, () -> Stats.meanConfidenceInterval(new double[] {1, 2}, 95))
                .getMessage());
    }

    @Test
    void tQuantilesFromTables() {
        // two-sided 95% critical values of Student's t (any statistics table): df 1, 2, 4, 9, 30
        assertEquals(12.706205, Stats.tQuantile(0.975, 1), 1e-5);
        assertEquals(4.302653, Stats.tQuantile(0.975, 2), 1e-6);
        assertEquals(2.776445, Stats.tQuantile(0.975, 4), 1e-6);
        assertEquals(2.262157, Stats.tQuantile(0.975, 9), 1e-6);
        assertEquals(2.042272, Stats.tQuantile(0.975, 30), 1e-6);
        // symmetric about 0
        assertEquals(-4.302653, Stats.tQuantile(0.025, 2), 1e-6);
    }

    @Test
    void pairedDifferenceConfidenceIntervalByHand() {
        // student {0.83, 0.82, 0.84} − baseline {0.82, 0.80, 0.81} = {0.01, 0.02, 0.03}: mean 0.02, sd 0.01,
        // half-width t_{0.975,2} · sd / √3 = 4.302653 · 0.01 / 1.7320508 = 0.0248414 → [−0.0048414, 0.0448414]
        double[] d = Stats.pairedDifferences(new double[] {0.83, 0.82, 0.84}, new double[] {0.82, 0.80, 0.81});
        assertArrayEquals(new double[] {0.01, 0.02, 0.03}, d, 1e-12);
        assertEquals(0.02, Stats.mean(d), 1e-12);
        assertEquals(0.01, Stats.sampleStd(d), 1e-12);
        Stats.Interval ci = Stats.meanConfidenceInterval(d, 0.95);
        assertEquals(-0.0048414, ci.lower(), 1e-7);
        assertEquals(0.0448414, ci.upper(), 1e-7);
        assertFalse(ci.aboveZero());

        // {0.02, 0.03, 0.04, 0.03}: mean 0.03; squared deviations 1e-4 + 0 + 1e-4 + 0 = 2e-4, /3, sd = 0.0081650;
        // t_{0.975,3} = 3.182446; half-width 3.182446 · 0.0081650 / 2 = 0.0129924 → [0.0170076, 0.0429924]
        Stats.Interval above = Stats.meanConfidenceInterval(new double[] {0.02, 0.03, 0.04, 0.03}, 0.95);
        assertEquals(0.0170076, above.lower(), 1e-6);
        assertEquals(0.0429924, above.upper(), 1e-6);
        assertTrue(above.aboveZero());
    }
}
