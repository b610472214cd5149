package org.distill4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.distill4j.math.Pareto;
import org.junit.jupiter.api.Test;

class ParetoPlotTest {
    @Test
    void frontByHand() {
        // accuracy (max) against bytes (min); by hand: B (10k, .80), C (20k, .85) and E (50k, .90) are undominated;
        // A (30k, .84) is beaten by C, D (40k, .85) by C, F (60k, .90) by E; G has NaN.
        double[] bytes = {30_000, 10_000, 20_000, 40_000, 50_000, 60_000, Double.NaN};
        double[] acc = {0.84, 0.80, 0.85, 0.85, 0.90, 0.90, 0.99};
        assertEquals(List.of(1, 2, 4), Pareto.front(bytes, false, acc, true));
        // both maximized: only E and F tie at the top accuracy; F has more "bytes" so F alone
        assertEquals(List.of(5), Pareto.front(bytes, true, acc, true));
    }

    @Test
    void duplicatesAreAllKept() {
        assertEquals(List.of(0, 1), Pareto.front(new double[]{1, 1}, false, new double[]{2, 2}, true));
    }

    @Test
    void ticksAreRoundAndCoverTheRange() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), Plot.ticks(0, 1, false).stream().map(v -> Math.round(v * 10) / 10.0).toList());
        assertEquals(List.of(3.0, 4.0, 5.0), Plot.ticks(2.7, 5.2, true));
        assertEquals("30k", Plot.label(30_000));
        assertEquals("0.85", Plot.label(0.85));
    }

    @Test
    void plotRendersAPng() throws Exception {
        byte[] png = new Plot("t", "x", "y").logX(true).points("a", new double[]{10, 1000}, new double[]{0.1, 0.9}, Plot.PALETTE[0])
                .vertical(100, "<= 100").png(300, 200);
        assertTrue(png.length > 500);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }
}
