package org.distill4j.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
