package org.distill4j.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.commons.math3.random.JDKRandomGenerator;
import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.generator.GeneticSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.deeplearning4j.arbiter.optimize.generator.genetic.crossover.CrossoverOperator;
import org.deeplearning4j.arbiter.optimize.generator.genetic.crossover.CrossoverResult;
import org.deeplearning4j.arbiter.optimize.generator.genetic.crossover.SinglePointCrossover;
import org.deeplearning4j.arbiter.optimize.generator.genetic.crossover.parentselection.RandomTwoParentSelection;
import org.deeplearning4j.arbiter.optimize.generator.genetic.culling.LeastFitCullOperator;
import org.deeplearning4j.arbiter.optimize.generator.genetic.mutation.RandomMutationOperator;
import org.deeplearning4j.arbiter.optimize.generator.genetic.population.PopulationModel;
import org.deeplearning4j.arbiter.optimize.generator.genetic.selection.GeneticSelectionOperator;
import org.deeplearning4j.arbiter.optimize.parameter.FixedValue;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.deeplearning4j.arbiter.util.LeafUtils;
import org.distill4j.config.ConfigException;
import org.distill4j.config.SweepConfig;
import org.distill4j.registry.Registry;
import org.distill4j.run.Json;

/**
 * The strategy registry ({@code grid}, {@code random}, {@code genetic}): Arbiter's candidate generators over a
 * parameter space built from the sweep's {@code space:}. Each searched key is one Arbiter leaf: a
 * {@code ContinuousParameterSpace} (log-uniform for {@code log: true}), an {@code IntegerParameterSpace}, or a
 * {@code DiscreteParameterSpace} over the choices; a range with one value is a {@code FixedValue} (Arbiter's grid
 * cannot enumerate a one-value leaf).
 *
 * <p>Three things Arbiter 1.0.0-beta7 does not do, done here: its grid's random order cannot be seeded, so a grid cut
 * short by {@code max_trials} is enumerated in order and shuffled with the sweep's seed; its genetic crossover can
 * hand back a parent's own gene array, which mutation then changes in place (corrupting the population), so the
 * crossover result is copied first; and its random and genetic search can repeat a point, so repeats are skipped
 * ({@link Tried}).
 */
public final class SearchStrategies {
    interface Factory {
        SearchStrategy create(SweepConfig cfg);
    }

    private static final Registry<Factory> REGISTRY = new Registry<Factory>("search strategy")
            .register("grid", Grid::new)
            .register("random", RandomSearch::new)
            .register("genetic", Genetic::new);

    private SearchStrategies() {
    }

    public static SearchStrategy create(SweepConfig cfg) {
        return REGISTRY.get(org.distill4j.config.Check.yaml(cfg.strategy().type()), "strategy.type").create(cfg);
    }

    /** A map of named Arbiter spaces (Arbiter has no such composite without a DL4J model). Values stay serializable. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class MapSpace implements ParameterSpace<Map<String, Object>> {
        private final LinkedHashMap<String, ParameterSpace<?>> children = new LinkedHashMap<>();

        MapSpace put(String name, ParameterSpace<?> s) {
            children.put(name, s);
            return this;
        }

        @Override
        public Map<String, Object> getValue(double[] v) {
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            children.forEach((k, s) -> m.put(k, s.getValue(v)));
            return m;
        }

        @Override
        public int numParameters() {
            return LeafUtils.countUniqueParameters(collectLeaves());
        }

        @Override
        public List<ParameterSpace> collectLeaves() {
            List<ParameterSpace> out = new ArrayList<>();
            for (ParameterSpace<?> s : children.values()) {
                out.addAll(s.collectLeaves());
            }
            return out;
        }

        @Override
        public Map<String, ParameterSpace> getNestedSpaces() {
            return new LinkedHashMap<>(children);
        }

        @Override
        public boolean isLeaf() {
            return false;
        }

        @Override
        public void setIndices(int... indices) {
            throw new UnsupportedOperationException("not a leaf");
        }
    }

    /** A fresh Arbiter space for the sweep's keys (generators write indices into the leaves, so never share one). */
    static MapSpace space(SweepConfig cfg) {
        MapSpace s = new MapSpace();
        for (SweepConfig.ParamSpec p : cfg.space()) {
            ParameterSpace<?> leaf = switch (p.kind()) {
                case CHOICE -> p.choices().size() == 1 ? new FixedValue<>(p.choices().get(0))
                        : new DiscreteParameterSpace<>(p.choices());
                case INTEGER -> p.lo() == p.hi() ? new FixedValue<>((int) p.lo())
                        : p.log() ? new ContinuousParameterSpace(new LogUniformDistribution(p.lo(), p.hi() + 1 - 1e-9))
                        : new IntegerParameterSpace((int) p.lo(), (int) p.hi());
                case CONTINUOUS -> p.lo() == p.hi() ? new FixedValue<>(p.lo())
                        : p.log() ? new ContinuousParameterSpace(new LogUniformDistribution(p.lo(), p.hi()))
                        : new ContinuousParameterSpace(p.lo(), p.hi());
            };
            s.put(p.key(), leaf);
        }
        return s;
    }

    /**
     * Arbiter's value for each key as the value written into the trial config: choices parsed back from YAML,
     * integers as integers (a log-scale integer is drawn continuously and floored), continuous values to 4
     * significant digits.
     */
    static Map<String, Object> decode(SweepConfig cfg, Map<String, Object> raw) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SweepConfig.ParamSpec p : cfg.space()) {
            Object v = raw.get(p.key());
            out.put(p.key(), switch (p.kind()) {
                case CHOICE -> parse((String) v);
                case INTEGER -> v instanceof Double d ? (long) Math.min(Math.floor(d), p.hi())
                        : ((Number) v).longValue();
                case CONTINUOUS -> round4(((Number) v).doubleValue());
            });
        }
        return out;
    }

    static Object parse(String yamlText) {
        try {
            return Json.MAPPER.readValue(yamlText, Object.class);
        } catch (IOException e) {
            throw new IllegalStateException("choice " + yamlText + " is not JSON", e);
        }
    }

    static double round4(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
    }

    @SuppressWarnings("unchecked")
    static SearchStrategy.Point candidate(SweepConfig cfg, Candidate<?> c) {
        if (c.getException() != null) {
            throw new IllegalStateException("Arbiter could not make a candidate: " + c.getException().getMessage(),
                    c.getException());
        }
        return new SearchStrategy.Point(decode(cfg, (Map<String, Object>) c.getValue()), c.getFlatParameters());
    }

    /** Every combination: {@code points} values per numeric key (both bounds included), every choice. */
    static final class Grid implements SearchStrategy {
        private final List<SearchStrategy.Point> all = new ArrayList<>();
        private int next;

        /** Enumerating more points than this is refused (they are all decoded up front). */
        static final long MAX_POINTS = 1_000_000;

        Grid(SweepConfig cfg) {
            long size = size(cfg);
            if (size > MAX_POINTS) {
                throw new ConfigException("strategy.points", "the grid has " + size + " points (more than "
                        + MAX_POINTS + "); use fewer points or choices, or random or genetic search");
            }
            GridSearchCandidateGenerator g = new GridSearchCandidateGenerator(space(cfg), cfg.strategy().points(),
                    GridSearchCandidateGenerator.Mode.Sequential, null);
            while (g.hasMoreCandidates()) {
                all.add(candidate(cfg, g.getCandidate()));
            }
            if (cfg.maxTrials() != null && cfg.maxTrials() < all.size()) {
                Collections.shuffle(all, new Random(cfg.strategy().seed()));
            }
        }

        /**
         * Arbiter's grid size: every choice, min(range, points) integers, {@code points} values of a continuous range.
         */
        static long size(SweepConfig cfg) {
            long n = 1;
            for (SweepConfig.ParamSpec p : cfg.space()) {
                long k = switch (p.kind()) {
                    case CHOICE -> p.choices().size();
                    case INTEGER -> p.lo() == p.hi() ? 1 : p.log() ? cfg.strategy().points()
                            : Math.min((long) (p.hi() - p.lo()) + 1, cfg.strategy().points());
                    case CONTINUOUS -> p.lo() == p.hi() ? 1 : cfg.strategy().points();
                };
                n = Math.multiplyHigh(n, k) != 0 || n * k < 0 ? Long.MAX_VALUE : n * k;
            }
            return n;
        }

        @Override
        public List<Point> next(int max) {
            List<Point> out = new ArrayList<>(all.subList(next, Math.min(all.size(), next + max)));
            next += out.size();
            return out;
        }

        @Override
        public void report(List<Scored> results) {
        }

        @Override
        public void replay(List<Trial> drawn, List<Scored> results) {
            next = Math.min(all.size(), drawn.size());
        }

        @Override
        public int batchSize(int remaining) {
            return remaining;
        }

        @Override
        public long size() {
            return all.size();
        }
    }

    /** Independent uniform draws (log-uniform for {@code log: true}) from a seeded generator. */
    static final class RandomSearch implements SearchStrategy {
        private final SweepConfig cfg;
        private final RandomSearchGenerator g;
        private final Tried tried = new Tried();

        RandomSearch(SweepConfig cfg) {
            this.cfg = cfg;
            this.g = new RandomSearchGenerator(space(cfg), null);
            g.setRngSeed(cfg.strategy().seed());
        }

        @Override
        public List<Point> next(int max) {
            return tried.draw(max, () -> candidate(cfg, g.getCandidate()));
        }

        @Override
        public void report(List<Scored> results) {
        }

        @Override
        public void replay(List<Trial> drawn, List<Scored> results) {
            next(drawn.size());
            tried.addAll(drawn);
        }

        @Override
        public int batchSize(int remaining) {
            return remaining;
        }

        @Override
        public long size() {
            return -1;
        }
    }

    /**
     * Arbiter's genetic search in generations of {@code population} trials: the first generation is random; later
     * ones breed from the best trials so far (single-point crossover at {@code crossover_rate}, random mutation at
     * {@code mutation_rate}, the least fit third culled). Failed and infeasible trials are not bred from. Seeded, so a
     * sweep resumed from its state asks for the same candidates.
     */
    static final class Genetic implements SearchStrategy {
        private final SweepConfig cfg;
        private final GeneticSearchCandidateGenerator g;
        private final int population;
        private final Tried tried = new Tried();

        Genetic(SweepConfig cfg) {
            this.cfg = cfg;
            this.population = cfg.strategy().population();
            JDKRandomGenerator rng = new JDKRandomGenerator();
            rng.setSeed(cfg.strategy().seed());
            // Arbiter keeps populationSize * 2/3 results (the rest is culled) and draws random
            // genes until it has that many.
            int size = (int) Math.ceil(population * 1.5);
            g = new GeneticSearchCandidateGenerator.Builder(space(cfg), new Direction())
                    .populationModel(new PopulationModel.Builder().populationSize(size)
                            .cullOperator(new LeastFitCullOperator(1.0 / 3)).build())
                    .selectionOperator(new GeneticSelectionOperator.Builder().randomGenerator(rng)
                            .crossoverOperator(new CopyingCrossover(new SinglePointCrossover.Builder()
                                    .crossoverRate(cfg.strategy().crossoverRate())
                                    .randomGenerator(rng).parentSelection(new RandomTwoParentSelection(rng)).build()))
                            .mutationOperator(new RandomMutationOperator.Builder()
                                    .mutationRate(cfg.strategy().mutationRate()).randomGenerator(rng).build())
                            .build())
                    .build();
        }

        @Override
        public List<Point> next(int max) {
            return tried.draw(max, () -> {
                if (!g.hasMoreCandidates()) {
                    return null;
                }
                Candidate<?> c = g.getCandidate();
                // no flat parameters: Arbiter found no genes it had not tried, so the search is exhausted
                return c.getFlatParameters() == null ? null : candidate(cfg, c);
            });
        }

        @Override
        public void report(List<Scored> results) {
            for (Scored s : results) {
                if (s.trial().flat == null) {
                    continue;
                }
                Candidate<Map<String, Object>> c = new Candidate<>(new LinkedHashMap<>(s.trial().params),
                        s.trial().index, s.trial().flat);
                g.reportResults(new OptimizationResult(c, s.score(), s.trial().index, null, null, null));
            }
        }

        @Override
        public void replay(List<Trial> drawn, List<Scored> results) {
            Map<Integer, List<Trial>> byGeneration = new java.util.TreeMap<>();
            for (Trial t : drawn) {
                byGeneration.computeIfAbsent(t.generation, k -> new ArrayList<>()).add(t);
            }
            for (List<Trial> gen : byGeneration.values()) {
                next(gen.size());
                report(results.stream().filter(r -> gen.contains(r.trial())).toList());
            }
            tried.addAll(drawn);
        }

        @Override
        public int batchSize(int remaining) {
            return Math.min(population, remaining);
        }

        @Override
        public long size() {
            return -1;
        }
    }

    /**
     * The points a sweep has drawn, so that random and genetic search never run the same overrides twice. Arbiter
     * rejects only genes it has produced before; different genes can still decode to the same choices and integers
     * (and to the same rounded continuous values), and a random draw over a small discrete space repeats often. A
     * repeat is skipped and another point drawn; {@link #MAX_REPEATS} repeats in a row mean every point the
     * strategy is likely to reach has been tried, and the search ends as exhausted.
     */
    static final class Tried {
        static final int MAX_REPEATS = 1000;
        private final Set<String> keys = new HashSet<>();

        /**
         * Up to {@code max} points never drawn before, from {@code source} (which returns null when it has no more).
         */
        List<SearchStrategy.Point> draw(int max, java.util.function.Supplier<SearchStrategy.Point> source) {
            List<SearchStrategy.Point> out = new ArrayList<>();
            int repeats = 0;
            while (out.size() < max && repeats < MAX_REPEATS) {
                SearchStrategy.Point p = source.get();
                if (p == null) {
                    break;
                }
                if (keys.add(key(p.params()))) {
                    out.add(p);
                    repeats = 0;
                } else {
                    repeats++;
                }
            }
            return out;
        }

        void addAll(List<Trial> drawn) {
            drawn.forEach(t -> keys.add(key(t.params)));
        }

        /**
         * Values as JSON text, keys sorted: a point read back from the state file (4 as an int)
         * matches one drawn (4 as a long).
         */
        private static String key(Map<String, Object> params) {
            return Json.line(params);
        }
    }

    /** Arbiter's genetic builder reads only the direction from its score function; scores here are higher-is-better. */
    private static final class Direction implements ScoreFunction {
        @Override
        public double score(Object model, DataProvider dataProvider, Map<String, Object> dataParameters) {
            throw new UnsupportedOperationException("trials are scored by their runs");
        }

        @Override
        public double score(Object model, Class<? extends DataSource> dataSource, Properties dataSourceProperties) {
            throw new UnsupportedOperationException("trials are scored by their runs");
        }

        @Override
        public boolean minimize() {
            return false;
        }

        @Override
        public List<Class<?>> getSupportedModelTypes() {
            return List.of();
        }

        @Override
        public List<Class<?>> getSupportedDataTypes() {
            return List.of();
        }
    }

    /**
     * Copies the crossover's genes: Arbiter may return a parent's own array, which mutation would then change in place.
     */
    private static final class CopyingCrossover extends CrossoverOperator {
        private final CrossoverOperator delegate;

        CopyingCrossover(CrossoverOperator delegate) {
            this.delegate = delegate;
        }

        @Override
        public void initializeInstance(PopulationModel populationModel) {
            super.initializeInstance(populationModel);
            delegate.initializeInstance(populationModel);
        }

        @Override
        public CrossoverResult crossover() {
            CrossoverResult r = delegate.crossover();
            return new CrossoverResult(r.isModified(), r.getGenes().clone());
        }
    }
}
