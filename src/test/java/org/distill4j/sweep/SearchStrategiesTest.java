package org.distill4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.distill4j.config.SweepConfig;
import org.distill4j.config.SweepConfigLoader;
import org.distill4j.run.Json;
import org.junit.jupiter.api.Test;

/**
 * Arbiter's generators behind {@link SearchStrategy}: the grid's exact points, seeded random draws,
 * genetic search improving.
 */
class SearchStrategiesTest {
    static SweepConfig config(String yaml) throws Exception {
        JsonNode tree = com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder().build().readTree(yaml);
        return SweepConfigLoader.bind(tree, "t");
    }

    static final String SPACE = """
            version: 1
            base: x.yaml
            space:
              stages.distill.temperature: {choice: [1, 4]}
              stages.quantize.bits: {integer: [2, 8]}
              stages.prune.sparsity: {continuous: [0.5, 0.9]}
            objective: {metric: m, goal: maximize}
            """;

    @Test
    void gridEnumeratesEveryCombinationWithBothEnds() throws Exception {
        SearchStrategy s = SearchStrategies.create(config(SPACE + "strategy: {type: grid, points: 3}\n"));
        assertEquals(2 * 3 * 3, s.size());
        List<SearchStrategy.Point> all = s.next(100);
        assertEquals(18, all.size());
        Set<List<Object>> seen = new HashSet<>();
        for (SearchStrategy.Point p : all) {
            seen.add(List.copyOf(p.params().values()));
        }
        Set<List<Object>> expected = new HashSet<>();
        for (int t : new int[]{1, 4}) {
            for (long b : new long[]{2, 5, 8}) {
                for (double sp : new double[]{0.5, 0.7, 0.9}) {
                    expected.add(List.of(t, b, sp));
                }
            }
        }
        assertEquals(expected, seen);
        // Arbiter's order: the first key varies fastest
        assertEquals(List.of(1, 2L, 0.5), List.copyOf(all.get(0).params().values()));
        assertEquals(List.of(4, 2L, 0.5), List.copyOf(all.get(1).params().values()));
        assertTrue(s.next(5).isEmpty(), "a grid runs out");
    }

    @Test
    void gridSizeIsCountedBeforeEnumerating() throws Exception {
        assertEquals(2 * 3 * 3, SearchStrategies.Grid.size(config(SPACE + "strategy: {type: grid, points: 3}\n")));
        // integer 2..8 has 7 values: 10 points give 7; continuous gives 10
        assertEquals(2 * 7 * 10, SearchStrategies.Grid.size(config(SPACE + "strategy: {type: grid, points: 10}\n")));
        // 2 choices x 7 integers x 100^4 continuous points
        String huge = SPACE.replace("objective",
                "  a: {continuous: [0, 1]}\n  b: {continuous: [0, 1]}\n  c: {continuous: [0, 1]}\nobjective")
                + "strategy: {type: grid, points: 100}\nmax_trials: 50\n";
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.distill4j.config.ConfigException.class,
                () -> SearchStrategies.create(config(huge)));
        assertEquals("strategy.points: the grid has 1400000000 points (more than 1000000); use fewer points or "
                + "choices, or random or genetic search", e.getMessage());
    }

    @Test
    void gridCutShortIsAShuffledSubsetFixedBySeed() throws Exception {
        String yaml = SPACE + "strategy: {type: grid, points: 3, seed: 7}\nmax_trials: 5\n";
        List<SearchStrategy.Point> a = SearchStrategies.create(config(yaml)).next(5);
        List<SearchStrategy.Point> b = SearchStrategies.create(config(yaml)).next(5);
        assertEquals(a.stream().map(SearchStrategy.Point::params).toList(),
                b.stream().map(SearchStrategy.Point::params).toList());
        assertNotEquals(List.of(1, 2L, 0.5), List.copyOf(a.get(0).params().values()), "not the sequential head");
    }

    @Test
    void randomIsSeededAndInRangeAndLogUniformSpreadsOverDecades() throws Exception {
        String yaml = """
                version: 1
                base: x.yaml
                space:
                  lr: {continuous: [1.0e-4, 1.0e-1], log: true}
                  bits: {integer: [2, 8]}
                  t: {choice: [1, 2, 4, 8]}
                strategy: {type: random, seed: 11}
                max_trials: 400
                objective: {metric: m, goal: maximize}
                """;
        List<SearchStrategy.Point> a = SearchStrategies.create(config(yaml)).next(400);
        List<SearchStrategy.Point> b = SearchStrategies.create(config(yaml)).next(400);
        assertEquals(a.stream().map(SearchStrategy.Point::params).toList(),
                b.stream().map(SearchStrategy.Point::params).toList());
        int[] perDecade = new int[3];
        Set<Object> bits = new HashSet<>();
        for (SearchStrategy.Point p : a) {
            double lr = (Double) p.params().get("lr");
            assertTrue(lr >= 1e-4 && lr <= 1e-1, "lr " + lr);
            perDecade[(int) Math.min(2, Math.floor(Math.log10(lr) + 4))]++;
            long bb = (Long) p.params().get("bits");
            assertTrue(bb >= 2 && bb <= 8);
            bits.add(bb);
            assertTrue(List.of(1, 2, 4, 8).contains(p.params().get("t")));
        }
        // log-uniform: about a third per decade (a uniform draw would put ~90% in the last decade)
        for (int d : perDecade) {
            assertTrue(d > 90 && d < 180, "per-decade counts " + java.util.Arrays.toString(perDecade));
        }
        assertEquals(7, bits.size(), "every integer 2..8 drawn");
        SearchStrategy c = SearchStrategies.create(config(yaml.replace("seed: 11", "seed: 12")));
        assertNotEquals(a.get(0).params(), c.next(1).get(0).params());
    }

    /** f peaks at lr = 3e-3, bits = 6, t = 4 (value 0). */
    static double objective(Map<String, Object> p) {
        double lr = (Double) p.get("lr");
        long bits = (Long) p.get("bits");
        int t = ((Number) p.get("t")).intValue();
        return -Math.pow(Math.log10(lr) - Math.log10(3e-3), 2) - Math.pow(bits - 6, 2) / 4.0
                - Math.pow(Math.log(t / 4.0), 2);
    }

    static final String GENETIC = """
            version: 1
            base: x.yaml
            space:
              lr: {continuous: [1.0e-5, 1.0], log: true}
              bits: {integer: [2, 8]}
              t: {choice: [1, 2, 4, 8, 16]}
            strategy: {type: genetic, population: 16, seed: 5}
            max_trials: 160
            objective: {metric: m, goal: maximize}
            """;

    /** Runs {@code generations} generations on the synthetic objective; returns each generation's mean score. */
    static List<Double> evolve(SearchStrategy s, int generations, List<Trial> history) {
        return evolve(s, generations, history, false);
    }

    /** {@code withFailures}: trials with 2-bit weights fail (no score), as a diverged trial would. */
    static List<Double> evolve(SearchStrategy s, int generations, List<Trial> history, boolean withFailures) {
        List<Double> means = new ArrayList<>();
        for (int g = 0; g < generations; g++) {
            List<SearchStrategy.Point> batch = s.next(s.batchSize(1000));
            List<SearchStrategy.Scored> scored = new ArrayList<>();
            double sum = 0;
            for (SearchStrategy.Point p : batch) {
                Trial t = new Trial(history.size(), g, p.params(), p.flat());
                t.status = Trial.Status.COMPLETED;
                history.add(t);
                double f = objective(p.params());
                sum += f;
                boolean failed = withFailures && (Long) p.params().get("bits") == 2;
                t.status = failed ? Trial.Status.FAILED : Trial.Status.COMPLETED;
                scored.add(new SearchStrategy.Scored(t, failed ? null : f));
            }
            s.report(scored);
            means.add(sum / batch.size());
        }
        return means;
    }

    @Test
    void geneticImprovesOnASyntheticObjective() throws Exception {
        List<Double> means = evolve(SearchStrategies.create(config(GENETIC)), 10, new ArrayList<>());
        double first = means.get(0);
        double lastThree = (means.get(7) + means.get(8) + means.get(9)) / 3;
        assertTrue(lastThree > first + 1.0, "generation means " + means);
        // the random first generation is what random search would give; breeding beats it
        SearchStrategy random = SearchStrategies.create(config(GENETIC.replace("genetic, population: 16", "random")));
        double randomMean = random.next(160).stream().mapToDouble(p -> objective(p.params())).average().orElseThrow();
        assertTrue(lastThree > randomMean + 1.0, "genetic " + lastThree + " vs random " + randomMean);
    }

    @Test
    void geneticReplayedFromHistoryAsksForTheSameNextGeneration() throws Exception {
        List<Trial> history = new ArrayList<>();
        SearchStrategy uninterrupted = SearchStrategies.create(config(GENETIC));
        evolve(uninterrupted, 4, history, true);
        assertTrue(history.stream().anyMatch(t -> t.status == Trial.Status.FAILED), "some trials failed");
        List<SearchStrategy.Point> expected = uninterrupted.next(16);

        SearchStrategy resumed = SearchStrategies.create(config(GENETIC));
        List<SearchStrategy.Scored> results = history.stream()
                .map(t -> new SearchStrategy.Scored(t, t.status == Trial.Status.FAILED ? null : objective(t.params)))
                .toList();
        resumed.replay(history, results);
        List<SearchStrategy.Point> got = resumed.next(16);
        assertEquals(expected.stream().map(SearchStrategy.Point::params).toList(),
                got.stream().map(SearchStrategy.Point::params).toList());
    }

    static final String SMALL = """
            version: 1
            base: x.yaml
            space:
              t: {choice: [1, 4]}
              bits: {integer: [2, 4]}
            max_trials: 50
            objective: {metric: m, goal: maximize}
            """;

    /** The 2 x 3 = 6 points of {@link #SMALL}. */
    static final Set<Map<String, Object>> SMALL_POINTS = Set.of(
            Map.of("t", 1, "bits", 2L), Map.of("t", 1, "bits", 3L), Map.of("t", 1, "bits", 4L),
            Map.of("t", 4, "bits", 2L), Map.of("t", 4, "bits", 3L), Map.of("t", 4, "bits", 4L));

    @Test
    void randomSearchNeverRepeatsAPointAndEndsWhenTheSpaceIsUsedUp() throws Exception {
        SearchStrategy s = SearchStrategies.create(config(SMALL + "strategy: {type: random, seed: 1}\n"));
        List<Map<String, Object>> first = s.next(4).stream().map(SearchStrategy.Point::params).toList();
        List<Map<String, Object>> rest = s.next(46).stream().map(SearchStrategy.Point::params).toList();
        List<Map<String, Object>> all = new ArrayList<>(first);
        all.addAll(rest);
        assertEquals(6, all.size(), "6 distinct points, then nothing: " + all);
        assertEquals(SMALL_POINTS, new HashSet<>(all));
        assertEquals(List.of(), s.next(1), "exhausted");

        // resumed from the state file (where 4 reads back as an int): the first 4 are known, only the other 2 come
        List<Trial> drawn = new ArrayList<>();
        for (Map<String, Object> p : first) {
            drawn.add(Json.MAPPER.readValue(Json.line(new Trial(drawn.size(), 0, p, null)), Trial.class));
        }
        SearchStrategy resumed = SearchStrategies.create(config(SMALL + "strategy: {type: random, seed: 1}\n"));
        resumed.replay(drawn, List.of());
        assertEquals(rest, resumed.next(46).stream().map(SearchStrategy.Point::params).toList());
    }

    @Test
    void geneticSearchNeverRepeatsAPoint() throws Exception {
        SearchStrategy s = SearchStrategies.create(
                config(SMALL + "strategy: {type: genetic, population: 3, seed: 2}\n"));
        List<Map<String, Object>> seen = new ArrayList<>();
        for (int g = 0; g < 10; g++) {
            List<SearchStrategy.Point> batch = s.next(3);
            if (batch.isEmpty()) {
                break;
            }
            List<SearchStrategy.Scored> scored = new ArrayList<>();
            for (SearchStrategy.Point p : batch) {
                seen.add(p.params());
                Trial t = new Trial(seen.size() - 1, g, p.params(), p.flat());
                t.status = Trial.Status.COMPLETED;
                scored.add(new SearchStrategy.Scored(t, ((Number) p.params().get("bits")).doubleValue()));
            }
            s.report(scored);
        }
        assertEquals(seen.size(), new HashSet<>(seen).size(), "a point drawn twice: " + seen);
        assertTrue(SMALL_POINTS.containsAll(seen), seen.toString());
        assertTrue(seen.size() >= 4, "bred past the first generation: " + seen);
    }

    @Test
    void pointsSurviveTheStateFileAsTheSameJsonValues() throws Exception {
        SearchStrategy s = SearchStrategies.create(config(SPACE + "strategy: {type: grid, points: 3}\n"));
        Trial t = new Trial(0, 0, s.next(1).get(0).params(), null);
        SweepState st = new SweepState();
        st.trials.add(t);
        SweepState back = Json.MAPPER.readValue(Json.line(st), SweepState.class);
        assertEquals(Json.line(t.params), Json.line(back.trials.get(0).params));
    }
}
