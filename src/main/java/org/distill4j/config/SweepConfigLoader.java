package org.distill4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a sweep file ({@link SweepConfig}) and the run config its trials start from. The base config is resolved
 * (its own {@code base:} files merged, the sweep's {@code set:} applied) once, here, and each searched key is tried
 * at its extreme values, so a misspelt key or an out-of-range bound is an error before any trial runs.
 */
public final class SweepConfigLoader {
    private SweepConfigLoader() {
    }

    /** A sweep config with its resolved base run config tree. */
    public record Loaded(SweepConfig config, ObjectNode baseTree) {
    }

    /**
     * Why a metric path cannot name a number in the {@code summary.json} of a run of the given base config; null when
     * it can (the layout of a summary is known where the summary is written: {@code RunSummary.metricProblem}).
     */
    @FunctionalInterface
    public interface MetricCheck {
        String problem(String metric, RunConfig base);
    }

    /**
     * @param schema  the plug-in tables the base run config and every trial's config are bound with
     * @param metrics checks the objective, secondary, constraint and report-column metrics against the base config,
     *                so a misspelt metric is an error before any trial trains
     */
    public static Loaded load(Path file, Schema schema, MetricCheck metrics) {
        ObjectNode root = ConfigLoader.readTree(ConfigLoader.readFile(file, "sweep file"), file.toString());
        SweepConfig cfg;
        try {
            cfg = bind(root, ConfigLoader.defaultName(file));
        } catch (ConfigException e) {
            throw !root.hasNonNull("name") && e.path().equals("name") ? ConfigLoader.derivedName(e, file) : e;
        }
        Path basePath = file.toAbsolutePath().getParent().resolve(cfg.base());
        if (!Files.isRegularFile(basePath)) {
            throw new ConfigException("base", "file not found: " + cfg.base() + " (relative to "
                    + file.toAbsolutePath().getParent() + ")");
        }
        ObjectNode tree;
        RunConfig base;
        try {
            tree = ConfigLoader.resolveTree(basePath, cfg.set());
            base = ConfigBinder.bind(tree.deepCopy(), cfg.name(), schema);
        } catch (ConfigException e) {
            throw new ConfigException("base", cfg.base() + ": " + e.getMessage());
        }
        for (SweepConfig.ParamSpec p : cfg.space()) {
            for (String v : extremes(p)) {
                ObjectNode t = tree.deepCopy();
                try {
                    for (String k : p.keys()) {
                        ConfigLoader.applyOverride(t, k + "=" + v);
                    }
                    ConfigBinder.bind(t, cfg.name(), schema);
                } catch (ConfigException e) {
                    throw new ConfigException("space." + p.key(), "the value " + v + " gives an invalid run config: "
                            + e.getMessage());
                }
            }
        }
        checkMetrics(cfg, base, metrics);
        return new Loaded(cfg, tree);
    }

    private static void checkMetrics(SweepConfig cfg, RunConfig base, MetricCheck metrics) {
        Map<String, String> named = new java.util.LinkedHashMap<>();
        named.put("objective.metric", cfg.objective().metric());
        if (cfg.secondary() != null) {
            named.put("secondary.metric", cfg.secondary().metric());
        }
        for (int i = 0; i < cfg.constraints().size(); i++) {
            named.put("constraints[" + i + "]", cfg.constraints().get(i).metric());
        }
        for (int i = 0; i < cfg.report().columns().size(); i++) {
            named.put("report.columns[" + i + "]", cfg.report().columns().get(i));
        }
        named.forEach((at, metric) -> {
            if (metric.startsWith("repeat.") && cfg.repeat() < 2) {
                throw new ConfigException(at, "'" + metric + "' reads a trial's aggregate over its runs; set repeat: "
                        + "2 or more");
            }
            String problem = metrics.problem(metric, base);
            if (problem != null) {
                throw new ConfigException(at, problem);
            }
        });
    }

    /**
     * A sweep directory's own copies: its {@code sweep.yaml} and the base run config as it was resolved when the
     * sweep started (so a resumed sweep does not depend on files that may have changed since).
     */
    public static Loaded reload(Path sweepYaml, Path baseResolved, String defaultName) {
        SweepConfig cfg = bind(ConfigLoader.readTree(ConfigLoader.readFile(sweepYaml, "sweep file"),
                sweepYaml.toString()), defaultName);
        return new Loaded(cfg, ConfigLoader.readTree(ConfigLoader.readFile(baseResolved, "resolved base config"),
                baseResolved.toString()));
    }

    /** The values tried at load time: every choice, or both bounds. */
    static List<String> extremes(SweepConfig.ParamSpec p) {
        return switch (p.kind()) {
            case CHOICE -> p.choices();
            case INTEGER -> List.of(String.valueOf((long) p.lo()), String.valueOf((long) p.hi()));
            case CONTINUOUS -> List.of(String.valueOf(p.lo()), String.valueOf(p.hi()));
        };
    }

    /** Binds a parsed sweep file. */
    public static SweepConfig bind(JsonNode root, String defaultName) {
        Obj o = new Obj("", root, null);
        return o.build(() -> new SweepConfig(
                o.integer("version", null) == null ? missingVersion() : o.integer("version", null),
                o.string("name", defaultName), o.string("base", null), o.strList("set", null), space(o),
                strategy(o.obj("strategy")), o.integer("max_trials", null), goal(o, "objective", true),
                o.has("secondary") ? goal(o, "secondary", false) : null, constraints(o), executor(o.obj("executor")),
                slurm(o.obj("slurm")), outputDir(o), report(o.obj("report")), o.integer("repeat", 1)));
    }

    private static String outputDir(Obj root) {
        Obj out = root.obj("output");
        return out.build(() -> out.string("dir", "experiments/sweeps"));
    }

    private static int missingVersion() {
        throw new ConfigException("version", "missing; this distill4j reads 'version: "
                + RunConfig.SCHEMA_VERSION + "'");
    }

    private static List<SweepConfig.ParamSpec> space(Obj root) {
        JsonNode s = root.raw("space");
        if (s == null) {
            return null;
        }
        if (!s.isObject()) {
            throw new ConfigException("space", "must be a mapping from config keys to ranges, got " + Obj.describe(s));
        }
        List<SweepConfig.ParamSpec> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            String key = e.getKey();
            Obj p = new Obj("space." + key, e.getValue(), null);
            out.add(p.build(() -> {
                List<String> kinds = new ArrayList<>();
                for (String k : new String[]{"continuous", "integer", "choice"}) {
                    if (p.has(k)) {
                        kinds.add(k);
                    }
                }
                boolean log = p.bool("log", false);
                List<String> also = p.strList("also", null);
                if (kinds.size() != 1) {
                    throw ConfigException.field("", "give exactly one of continuous: [lo, hi], integer: [lo, hi] or "
                            + "choice: [...]" + (kinds.isEmpty() ? "" : ", got " + kinds));
                }
                String kind = kinds.get(0);
                JsonNode v = p.raw(kind);
                if (!v.isArray()) {
                    throw ConfigException.field(kind, "must be a list, got " + Obj.describe(v));
                }
                if (kind.equals("choice")) {
                    if (log) {
                        throw ConfigException.field("log", "applies to continuous and integer ranges, not to choice");
                    }
                    List<String> choices = new ArrayList<>();
                    for (JsonNode c : v) {
                        choices.add(c.toString());
                    }
                    return new SweepConfig.ParamSpec(key, SweepConfig.ParamSpec.Kind.CHOICE, 0, 0, false,
                            choices, also);
                }
                if (v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
                    throw ConfigException.field(kind, "must be [lo, hi] (two numbers), got " + v);
                }
                return new SweepConfig.ParamSpec(key, kind.equals("integer") ? SweepConfig.ParamSpec.Kind.INTEGER
                        : SweepConfig.ParamSpec.Kind.CONTINUOUS,
                        v.get(0).doubleValue(), v.get(1).doubleValue(), log, null, also);
            }));
        }
        return out;
    }

    private static SweepConfig.StrategyConfig strategy(Obj o) {
        return o.build(() -> new SweepConfig.StrategyConfig(
                o.enumValue("type", SweepConfig.StrategyConfig.Type.class, SweepConfig.StrategyConfig.Type.GRID),
                o.longInteger("seed", 42L), o.integer("points", 3), o.integer("population", 8),
                o.number("crossover_rate", 0.85), o.number("mutation_rate", 0.1)));
    }

    private static SweepConfig.MetricGoal goal(Obj root, String key, boolean required) {
        Obj o = root.obj(key);
        return o.build(() -> {
            String g = o.string("goal", null);
            if (g == null) {
                throw ConfigException.field("goal", "missing: maximize or minimize");
            }
            if (!g.equals("maximize") && !g.equals("minimize")) {
                throw ConfigException.field("goal", "unknown value '" + g + "'; allowed: maximize, minimize");
            }
            return new SweepConfig.MetricGoal(o.string("metric", null), g.equals("maximize"));
        });
    }

    private static List<SweepConfig.Constraint> constraints(Obj root) {
        List<String> texts = root.strList("constraints", List.of());
        List<SweepConfig.Constraint> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i).trim();
            var m = Pattern.compile("([A-Za-z0-9_.\\-\\[\\]]+)\\s*(<=|>=|==|<|>)\\s*([-+0-9.eE]+)").matcher(t);
            if (!m.matches()) {
                throw new ConfigException("constraints[" + i + "]", "must read 'metric op number' with op one of "
                        + SweepConfig.Constraint.OPS + ", e.g. 'stages.export.file_bytes <= 50000', got '" + t + "'");
            }
            double v;
            try {
                v = Double.parseDouble(m.group(3));
            } catch (NumberFormatException e) {
                throw new ConfigException("constraints[" + i + "]", "'" + m.group(3) + "' is not a number");
            }
            out.add(new SweepConfig.Constraint(m.group(1), m.group(2), v));
        }
        return out;
    }

    private static SweepConfig.ExecutorConfig executor(Obj o) {
        return o.build(() -> new SweepConfig.ExecutorConfig(o.string("type", "local"), o.integer("workers", null),
                o.integer("threads", null), o.integer("memory_mb", 2048), o.string("java_opts", null)));
    }

    private static SweepConfig.SlurmConfig slurm(Obj o) {
        return o.build(() -> new SweepConfig.SlurmConfig(o.string("partition", null), o.string("time", null),
                o.integer("cpus_per_task", 2), o.string("mem", null), o.string("gres", null),
                o.integer("max_concurrent", null), o.strList("sbatch", null),
                o.strList("setup", null), o.number("poll_seconds", 5.0)));
    }

    private static SweepConfig.ReportConfig report(Obj o) {
        return o.build(() -> new SweepConfig.ReportConfig(o.string("x", null), o.string("group", null),
                o.strList("columns", null)));
    }
}
