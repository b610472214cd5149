package org.distill4j.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
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

    /** Validation figures are aggregated like test ones, and only where every run recorded them. */
    @Test
    void validationAccuracyIsAggregatedForChoosingARecipe() {
        List<org.distill4j.run.RunSummary> runs = List.of(summary(0.80, 0.82, 0.81, 0.84),
                summary(0.82, 0.83, 0.80, 0.86));
        List<RepeatSummary.Run> dirs = List.of(new RepeatSummary.Run("r0", 1, true),
                new RepeatSummary.Run("r1", 2, true));
        RepeatSummary a = Repeats.summarize("x", dirs, runs);
        // validation: student {0.84, 0.86} mean 0.85; baseline {0.81, 0.80}; differences {0.03, 0.06} mean 0.045
        assertEquals(0.85, a.models().get("student").validationAccuracy().mean(), 1e-12);
        assertEquals(0.805, a.models().get("baseline").validationAccuracy().mean(), 1e-12);
        assertEquals(0.045, a.validationGain().mean(), 1e-12);
        // test: student {0.82, 0.83}, baseline {0.80, 0.82}: differences {0.02, 0.01}
        assertEquals(0.015, a.distillationGain().mean(), 1e-12);

        List<org.distill4j.run.RunSummary> older = List.of(runs.get(0), summary(0.82, 0.83, null, null));
        RepeatSummary b = Repeats.summarize("x", dirs, older);
        assertNull(b.models().get("student").validationAccuracy(), "one run lacks it: no validation figures");
        assertNull(b.validationGain());
    }

    private static org.distill4j.run.RunSummary summary(double baselineTest, double studentTest, Double baselineVal,
            Double studentVal) {
        return new org.distill4j.run.RunSummary("x", "d", java.util.Map.of("baseline", model(baselineTest, baselineVal),
                "student", model(studentTest, studentVal)), studentTest - baselineTest, java.util.Map.of(), 1.0);
    }

    private static org.distill4j.run.ModelResult model(double test, Double val) {
        return new org.distill4j.run.ModelResult("mlp", "train", 10, 10L, 40, null, 1.0, null, test, 1.0, val);
    }
}
