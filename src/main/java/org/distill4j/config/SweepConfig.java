package org.distill4j.config;

import java.util.List;

/**
 * A sweep: the run config every trial starts from ({@code base}, with the fixed {@code set} overrides), the search
 * space over config keys, the strategy that picks candidates, what is optimized, and where trials run.
 * Read by {@link SweepConfigLoader}; every problem names its YAML path.
 */
public record SweepConfig(int version, String name, String base, List<String> set, List<ParamSpec> space,
                          StrategyConfig strategy, Integer maxTrials, MetricGoal objective, MetricGoal secondary,
                          List<Constraint> constraints, ExecutorConfig executor, SlurmConfig slurm, String outputDir,
                          ReportConfig report, int repeat) {
    /** The most runs one trial may repeat its config under derived seeds. */
    public static final int MAX_REPEAT = 20;

    /** The longest sweep name: a trial's run name, {@code <name>-t<number>}, must stay within 100 characters. */
    public static final int MAX_NAME = 90;

    public SweepConfig {
        if (version != RunConfig.SCHEMA_VERSION) {
            throw new ConfigException("version", "must be " + RunConfig.SCHEMA_VERSION + ", got " + version);
        }
        if (name == null || !name.matches("[A-Za-z0-9_][A-Za-z0-9._-]*")) {
            throw new ConfigException("name", "must start with a letter, digit or '_' and hold only letters, digits, "
                    + "'.', '_' or '-', got '" + name + "'");
        }
        if (name.length() > MAX_NAME) {
            throw new ConfigException("name", "must be at most " + MAX_NAME + " characters (its trials' runs are "
                    + "named <name>-t<number>, at most 100), got " + name.length());
        }
        if (base == null || base.isBlank()) {
            throw new ConfigException("base", "missing: the run config every trial starts from (a path relative to "
                    + "this file)");
        }
        set = set == null ? List.of() : List.copyOf(set);
        if (space == null || space.isEmpty()) {
            throw new ConfigException("space", "missing: map config keys to {continuous: [lo, hi]}, "
                    + "{integer: [lo, hi]} or {choice: [...]}");
        }
        space = List.copyOf(space);
        java.util.Map<String, String> owner = new java.util.HashMap<>();
        for (ParamSpec p : space) {
            for (String k : p.keys()) {
                String prev = owner.putIfAbsent(k, p.key());
                if (prev != null) {
                    throw new ConfigException("space." + p.key() + (k.equals(p.key()) ? "" : ".also"),
                            "'" + k + "' is already set by space." + prev + "; each config key may be searched once");
                }
            }
        }
        List<String> keys = space.stream().map(ParamSpec::key).toList();
        if (report != null) {
            for (String[] f : new String[][]{{"x", report.x()}, {"group", report.group()}}) {
                if (f[1] != null && !keys.contains(f[1])) {
                    throw new ConfigException("report." + f[0], "'" + f[1] + "' is not a searched key; keys: "
                            + String.join(", ", keys));
                }
            }
        } else {
            report = new ReportConfig(null, null, null);
        }
        if (maxTrials != null && maxTrials < 1) {
            throw new ConfigException("max_trials", "must be >= 1, got " + maxTrials);
        }
        if (maxTrials == null && strategy.type() != StrategyConfig.Type.GRID) {
            throw new ConfigException("max_trials", "missing: " + Obj.yamlName(strategy.type())
                    + " search needs a trial budget");
        }
        if (objective == null) {
            throw new ConfigException("objective",
                    "missing, e.g. {metric: models.student.test_accuracy, goal: maximize}");
        }
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        Check.between("repeat", repeat, 1, MAX_REPEAT);
        if (outputDir == null || outputDir.isBlank()) {
            throw new ConfigException("output.dir", "must not be empty");
        }
    }

    /**
     * One searched config key. {@code choices} are YAML texts ({@code 8}, {@code true}, {@code [64, 32]}); {@code also}
     * lists more keys set to the same value (e.g. the temperature of every stage that distills).
     */
    public record ParamSpec(String key, Kind kind, double lo, double hi, boolean log, List<String> choices,
            List<String> also) {
        public enum Kind { CONTINUOUS, INTEGER, CHOICE }

        public ParamSpec {
            if (kind == Kind.CHOICE) {
                if (choices == null || choices.isEmpty()) {
                    throw ConfigException.field("choice", "must list at least one value");
                }
                choices = List.copyOf(choices);
            } else {
                if (!(lo <= hi) || Double.isInfinite(lo) || Double.isInfinite(hi)) {
                    throw ConfigException.field(Obj.yamlName(kind), "must be [lo, hi] with lo <= hi, got ["
                            + Check.fmt(lo) + ", " + Check.fmt(hi) + "]");
                }
                if (log && !(lo > 0)) {
                    throw ConfigException.field("log", "a log scale needs lo > 0, got " + Check.fmt(lo));
                }
                if (kind == Kind.INTEGER && (lo != Math.rint(lo) || hi != Math.rint(hi))) {
                    throw ConfigException.field("integer", "bounds must be integers, got [" + Check.fmt(lo) + ", "
                            + Check.fmt(hi) + "]");
                }
                choices = List.of();
            }
            also = also == null ? List.of() : List.copyOf(also);
        }

        /** The key and the keys tied to it. */
        public List<String> keys() {
            List<String> k = new java.util.ArrayList<>(List.of(key));
            k.addAll(also);
            return k;
        }
    }

    /**
     * {@code grid} (every combination; {@code points} values per numeric key), {@code random}, or {@code genetic} (in
     * generations of {@code population}).
     */
    public record StrategyConfig(Type type, long seed, int points, int population, double crossoverRate,
            double mutationRate) {
        public enum Type { GRID, RANDOM, GENETIC }

        public StrategyConfig {
            Check.atLeast("points", points, 2);
            Check.atLeast("population", population, 2);
            Check.inRange("crossover_rate", crossoverRate, 0, 1);
            Check.inRange("mutation_rate", mutationRate, 0, 1);
        }
    }

    /** A metric of a trial's {@code summary.json}, by dotted path, and which way is better. */
    public record MetricGoal(String metric, boolean maximize) {
        public MetricGoal {
            if (metric == null || metric.isBlank()) {
                throw ConfigException.field("metric", "missing: a dotted path into a run's summary.json, e.g. "
                        + "models.student.test_accuracy or stages.export.file_bytes");
            }
        }

        /** True when {@code a} is strictly better than {@code b}. */
        public boolean better(double a, double b) {
            return maximize ? a > b : a < b;
        }
    }

    /**
     * {@code metric op value}, e.g. {@code stages.export.file_bytes <= 50000}; a trial that breaks one is infeasible.
     */
    public record Constraint(String metric, String op, double value) {
        public static final List<String> OPS = List.of("<=", ">=", "<", ">", "==");

        public Constraint {
            Check.oneOf("op", op, OPS);
        }

        public boolean holds(double v) {
            return switch (op) {
                case "<=" -> v <= value;
                case ">=" -> v >= value;
                case "<" -> v < value;
                case ">" -> v > value;
                default -> v == value;
            };
        }

        @Override
        public String toString() {
            return metric + " " + op + " " + Check.fmt(value);
        }
    }

    /**
     * Where trials run. {@code workers}: trials at once (local; default: cores / threads, capped by memory);
     * {@code threads}: ND4J/OpenMP threads per trial; {@code memory_mb}: what one trial may use;
     * {@code java_opts}: the trial JVM's options.
     */
    public record ExecutorConfig(String type, Integer workers, Integer threads, int memoryMb, String javaOpts) {
        public static final List<String> TYPES = List.of("local", "slurm");

        public ExecutorConfig {
            Check.oneOf("type", type, TYPES);
            if (workers != null) {
                Check.atLeast("workers", workers, 1);
            }
            if (threads != null) {
                Check.atLeast("threads", threads, 1);
            }
            Check.atLeast("memory_mb", memoryMb, 256);
        }
    }

    /**
     * Slurm job-array settings: per-task resources, extra {@code #SBATCH} options, and shell lines
     * run before each trial.
     */
    public record SlurmConfig(String partition, String time, int cpusPerTask, String mem, String gres,
                              Integer maxConcurrent, List<String> sbatch, List<String> setup, double pollSeconds) {
        public SlurmConfig {
            Check.atLeast("cpus_per_task", cpusPerTask, 1);
            if (maxConcurrent != null) {
                Check.atLeast("max_concurrent", maxConcurrent, 1);
            }
            if (time != null && !time.matches("(\\d+-)?\\d+(:\\d{2}){0,2}")) {
                throw ConfigException.field("time", "must be a Slurm time limit such as 30, 01:30:00 or 1-00:00:00, "
                        + "got '" + time + "'");
            }
            if (mem != null && !mem.matches("\\d+[KMGT]?")) {
                throw ConfigException.field("mem",
                        "must be a Slurm memory size such as 4G or 4000M, got '" + mem + "'");
            }
            sbatch = sbatch == null ? List.of() : List.copyOf(sbatch);
            setup = setup == null ? List.of() : List.copyOf(setup);
            Check.positive("poll_seconds", pollSeconds);
        }
    }

    /**
     * Which space key is the x axis of the per-group plot, which one groups its lines (default: the first two keys),
     * and more summary metrics to show in the leaderboard (e.g. test accuracy beside a validation objective).
     */
    public record ReportConfig(String x, String group, List<String> columns) {
        public ReportConfig {
            columns = columns == null ? List.of() : List.copyOf(columns);
        }
    }
}
