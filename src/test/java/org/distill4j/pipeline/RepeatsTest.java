package org.distill4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.distill4j.run.RepeatSummary;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.Seeds;
import org.junit.jupiter.api.Test;

class RepeatsTest {
    @Test
    void runZeroKeepsTheConfigSeedLaterRunsDeriveTheirs() {
        assertEquals(42L, Repeats.seed(42, 0));
        assertEquals(Seeds.derive(42, "repeat/1"), Repeats.seed(42, 1));
        assertEquals(Seeds.derive(42, "repeat/2"), Repeats.seed(42, 2));
        assertNotEquals(Repeats.seed(42, 1), Repeats.seed(42, 2));
        assertEquals("r3", Repeats.runName(3));
    }

    @Test
    void spreadAndGainByHand() {
        // {0.80, 0.82, 0.84}: mean 0.82, sd sqrt((0.0004 + 0 + 0.0004) / 2) = 0.02
        RepeatSummary.Spread s = Repeats.spread(new double[] {0.80, 0.82, 0.84});
        assertEquals(3, s.n());
        assertEquals(0.82, s.mean(), 1e-12);
        assertEquals(0.02, s.sd(), 1e-12);
        assertEquals(0.80, s.min());
        assertEquals(0.84, s.max());
        assertNull(Repeats.spread(new double[] {0.8}).sd(), "one run has no sample sd");

        // differences {0.01, 0.02, 0.03}: mean 0.02, sd 0.01, 4.302653 · 0.01 / √3 = 0.0248414
        RepeatSummary.Gain g = Repeats.gain(new double[] {0.83, 0.82, 0.84}, new double[] {0.82, 0.80, 0.81}, 0.95);
        assertEquals(3, g.n());
        assertEquals(0.02, g.mean(), 1e-12);
        assertEquals(0.01, g.sd(), 1e-12);
        assertEquals(-0.0048414, g.ciLow(), 1e-7);
        assertEquals(0.0448414, g.ciHigh(), 1e-7);
        assertFalse(g.aboveZero());

        // differences {0.02, 0.03}: mean 0.025, sd 0.01/√2 = 0.0070711, t_{0.975,1} = 12.706205,
        // half-width 12.706205 · 0.0070711 / √2 = 0.0635310
        RepeatSummary.Gain two = Repeats.gain(new double[] {0.85, 0.86}, new double[] {0.83, 0.83}, 0.95);
        assertEquals(0.025 - 0.0635310, two.ciLow(), 1e-6);
        assertEquals(0.025 + 0.0635310, two.ciHigh(), 1e-6);

        RepeatSummary.Gain one = Repeats.gain(new double[] {0.85}, new double[] {0.83}, 0.95);
        assertEquals(0.02, one.mean(), 1e-12);
        assertNull(one.ciLow());
    }

    @Test
    void aRepeatRunsOutputRootIsAboveItsRepeatFolder() {
        Path out = Path.of("/tmp/x").toAbsolutePath();
        assertEquals(out, RunDirectory.outputRoot(out.resolve("cfg/20240101-000000-abcdef0")));
        assertEquals(out, RunDirectory.outputRoot(out.resolve("cfg/repeat-20240101-000000-abcdef0/r1")));
        assertTrue(RunDirectory.REPEAT_PREFIX.endsWith("-"));
    }
}
