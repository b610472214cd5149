package org.distill4j.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ConfigWriter;
import org.distill4j.config.InputException;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.Schema;
import org.distill4j.math.Stats;
import org.distill4j.plugins.Plugins;
import org.distill4j.run.ExclusiveLock;
import org.distill4j.run.Json;
import org.distill4j.run.ModelResult;
import org.distill4j.run.RepeatSummary;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.RunProvenance;
import org.distill4j.run.RunSummary;
import org.distill4j.run.Seeds;

/**
 * {@code train --repeat N}: one config run N times, one after the other in this process, under N seeds, into one
 * repeat folder {@code <output>/<config-name>/repeat-<stamp>-<hash>/} holding ordinary run directories {@code r0},
 * {@code r1}, ... and {@code aggregate.json} ({@link RepeatSummary}). Run 0 keeps the config's own {@code seed}, so
 * it is the run a plain {@code train} of the config gives; run i &gt; 0 has the seed {@link #seed}. Each run gets
 * its seed as a {@code seed=<s>} override (in its {@code overrides.txt}), so it can be resumed, reproduced or run
 * alone like any other run. {@code repeat.json} records the config file, overrides and number of runs, so that
 * {@code train --resume <repeat folder>} continues a repeat that was stopped: completed runs are kept, a stopped one
 * is resumed from its checkpoint, and the runs not yet started are run. The same {@code --repeat} command again makes
 * a new folder.
 *
 * <p>Several processes may work on one repeat: each claims a run by an OS lock on {@code .r<i>.lock} in the folder
 * before it runs, resumes or keeps it, and skips a run another process has claimed. So a second {@code train --resume
 * <repeat folder>} started beside the first (one core each) runs the runs the first has not reached. Each process
 * writes {@code aggregate.json} of the runs completed when it ends; the one that completes the last run writes the
 * whole aggregate.
 */
public final class Repeats {
    /** The 95% confidence level of the distillation gain's interval. */
    public static final double LEVEL = 0.95;
    private static final Pattern RUN = Pattern.compile("r(\\d+)");
    /** The file in a repeat folder that lets it be continued. */
    public static final String MANIFEST = "repeat.json";

    /**
     * What a repeat was started with: the config file (as given), its overrides, the number of runs and the sha256 of
     * the config as resolved then (without the runs' seeds).
     */
    public record Manifest(String config, List<String> overrides, int runs,
                           @com.fasterxml.jackson.annotation.JsonProperty("config_sha256") String configSha256) {
        public Manifest {
            overrides = List.copyOf(overrides);
        }
    }

    private Repeats() {
    }

    /** The seed of run {@code i}: the config's own for run 0, else one derived from it for {@code repeat/<i>}. */
    public static long seed(long master, int i) {
        return i == 0 ? master : Seeds.derive(master, "repeat/" + i);
    }

    /** The name of run {@code i}'s directory in the repeat folder. */
    public static String runName(int i) {
        return "r" + i;
    }

    /** What the command line hears from a repeat besides each run's {@link Pipeline.Events}. */
    public interface Events extends Pipeline.Events {
        /** Run {@code i} of {@code n} (seed {@code seed}) is about to be prepared in {@code repeatDir}. */
        default void runStarting(Path repeatDir, int i, int n, long seed) {
        }

        /** A run failed (its exception follows); the runs after it are not run. */
        default void runFailed(Path repeatDir, Path runDir) {
        }

        /** Run {@code run} is skipped here: another process is running it. */
        default void runElsewhere(Path repeatDir, String run) {
        }

        /** The aggregate just written lacks {@code runs}, not completed (another process may be running them). */
        default void aggregatePartial(Path repeatDir, List<String> runs) {
        }
    }

    /** The repeat folder and its aggregate. */
    public record Result(Path dir, RepeatSummary summary) {
    }

    /**
     * Runs {@code configFile} with {@code overrides} {@code n} times into a new repeat folder and writes its
     * {@code aggregate.json}. The config is checked before the folder exists; a folder in which not even the first
     * run directory could be made is removed again.
     */
    public static Result run(Path configFile, List<String> overrides, int n, Plugins plugins,
                             List<String> commandLine, Events events) throws Exception {
        if (n < 2) {
            throw new InputException(InputException.Kind.ARGUMENT, "--repeat must be at least 2, got " + n);
        }
        RunConfig base = ConfigLoader.load(configFile, overrides, plugins.schema());
        Path root = Path.of(base.output().dir());
        Pipeline.checkOutputDir(root, base.name());
        String resolved = ConfigWriter.toYaml(base);
        Path dir = createRepeat(root, base.name(), resolved);
        Manifest manifest = new Manifest(configFile.toString(), overrides, n, RunDirectory.sha256(resolved));
        try {
            Json.write(dir.resolve(MANIFEST), manifest);
        } catch (IOException e) {
            Files.deleteIfExists(dir.resolve(MANIFEST));
            Files.deleteIfExists(dir);
            throw Pipeline.cannotCreate(dir, "a repeat folder", e);
        }
        return runAll(dir, manifest, true, plugins, commandLine, events);
    }

    /**
     * Continues the repeat in {@code dir} (a folder with a {@link #MANIFEST}): completed runs are kept, a stopped run
     * is resumed, runs not yet started are run; then {@code aggregate.json} is written anew. The config file must still
     * resolve (with the recorded overrides) to what it did when the repeat started.
     */
    public static Result resume(Path dir, Plugins plugins, List<String> commandLine, Events events) throws Exception {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new InputException(InputException.Kind.ARGUMENT, dir + " has no " + MANIFEST + " (made before "
                    + "repeats could be continued); resume its runs one by one with --resume " + dir.resolve("r<i>"));
        }
        Manifest m;
        try {
            m = Json.MAPPER.readValue(file.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new InputException(InputException.Kind.ARGUMENT, file + " cannot be read: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (!Files.isRegularFile(Path.of(m.config()))) {
            throw new InputException(InputException.Kind.ARGUMENT, "the repeat's config " + m.config() + " is not "
                    + "there; continue the repeat from the directory it was started in");
        }
        String sha = RunDirectory.sha256(ConfigWriter.toYaml(ConfigLoader.load(Path.of(m.config()), m.overrides(),
                plugins.schema())));
        if (!sha.equals(m.configSha256())) {
            throw new InputException(InputException.Kind.ARGUMENT, m.config() + " has changed since the repeat in "
                    + dir + " started; its later runs would not be the same experiment. Start a new repeat");
        }
        return runAll(dir, m, false, plugins, commandLine, events);
    }

    /**
     * Runs (or resumes, or keeps) each of the manifest's runs in turn, then aggregates them. A {@code fresh} repeat
     * whose first run directory cannot even be made leaves no folder behind.
     */
    private static Result runAll(Path dir, Manifest m, boolean fresh, Plugins plugins, List<String> commandLine,
                                 Events events) throws Exception {
        Path configFile = Path.of(m.config());
        long master = ConfigLoader.load(configFile, m.overrides(), plugins.schema()).seed();
        for (int i = 0; i < m.runs(); i++) {
            int run = i;
            boolean claimed = ExclusiveLock.tryHolding(dir.resolve(claimFile(i)), () -> {
                runOne(dir, m, run, seed(master, run), fresh, plugins, commandLine, events);
                return null;
            });
            if (!claimed) {
                events.runElsewhere(dir, runName(i));
            }
        }
        RepeatSummary summary = aggregate(dir, plugins.schema());
        summary.write(dir);
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < m.runs(); i++) {
            String name = runName(i);
            if (summary.runs().stream().noneMatch(r -> r.dir().equals(name) && r.completed())) {
                pending.add(name);
            }
        }
        if (!pending.isEmpty()) {
            events.aggregatePartial(dir, pending);
        }
        return new Result(dir, summary);
    }

    /**
     * The lock file by which one process claims run {@code i} of a repeat (beside the run directory, which may not
     * exist yet), so that several processes continuing one repeat share its runs.
     */
    static String claimFile(int i) {
        return "." + runName(i) + ".lock";
    }

    /** Runs, resumes or keeps run {@code i}, whose claim this process holds. */
    private static void runOne(Path dir, Manifest m, int i, long seed, boolean fresh, Plugins plugins,
                               List<String> commandLine, Events events) throws Exception {
        Path runDir = dir.resolve(runName(i));
        boolean started = Files.isRegularFile(runDir.resolve(RunProvenance.FILE));
        if (started && RunProvenance.read(runDir).status() == RunProvenance.Status.COMPLETED) {
            return;
        }
        if (started && !ExclusiveLock.tryHolding(runDir.resolve(Pipeline.LOCK), () -> null)) {
            events.runElsewhere(dir, runName(i)); // a process that does not claim runs is in it
            return;
        }
        List<String> withSeed = new ArrayList<>(m.overrides());
        withSeed.add("seed=" + seed);
        events.runStarting(dir, i, m.runs(), seed);
        try {
            if (started) {
                Pipeline.resume(runDir, plugins, commandLine, events);
            } else {
                if (Files.exists(runDir)) {
                    org.distill4j.run.AtomicFiles.deleteTree(runDir); // made, then stopped before it began
                }
                Pipeline.run(ConfigLoader.load(Path.of(m.config()), withSeed, plugins.schema()), plugins, withSeed,
                        commandLine, events, runDir);
            }
        } catch (Exception | Error e) {
            if (fresh && i == 0 && !Files.exists(runDir)) {
                Files.deleteIfExists(dir.resolve(claimFile(0)));
                Files.deleteIfExists(dir.resolve(MANIFEST));
                Files.deleteIfExists(dir);
            } else {
                events.runFailed(dir, runDir);
            }
            throw e;
        }
    }

    private static Path createRepeat(Path root, String name, String resolved) {
        try {
            return RunDirectory.createRepeat(root, name, resolved);
        } catch (IOException e) {
            throw Pipeline.cannotCreate(root.resolve(name), "a repeat folder", e);
        }
    }

    /**
     * The aggregate of the run directories {@code r0}, {@code r1}, ... now in the repeat folder {@code dir} (after
     * some were resumed, say); the figures come from the completed runs' {@code summary.json}.
     */
    public static RepeatSummary aggregate(Path dir, Schema schema) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new InputException(InputException.Kind.ARGUMENT, dir + " is not a directory");
        }
        List<Path> runDirs;
        try (Stream<Path> s = Files.list(dir)) {
            runDirs = s.filter(p -> RUN.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve("config.resolved.yaml")))
                    .sorted(Comparator.comparingInt(Repeats::runIndex)).toList();
        }
        if (runDirs.isEmpty()) {
            throw new InputException(InputException.Kind.ARGUMENT, dir + " holds no run directories (r0, r1, ...);"
                    + " give a folder made by distill train --repeat");
        }
        String name = null;
        List<RepeatSummary.Run> runs = new ArrayList<>();
        List<RunSummary> summaries = new ArrayList<>();
        for (Path r : runDirs) {
            RunConfig c = ConfigLoader.parseResolved(Files.readString(r.resolve("config.resolved.yaml")), schema);
            name = name == null ? c.name() : name;
            boolean done = Files.isRegularFile(r.resolve(RunProvenance.FILE))
                    && RunProvenance.read(r).status() == RunProvenance.Status.COMPLETED
                    && Files.isRegularFile(r.resolve(RunSummary.FILE));
            runs.add(new RepeatSummary.Run(r.getFileName().toString(), c.seed(), done));
            if (done) {
                summaries.add(RunSummary.read(r));
            }
        }
        return summarize(name, runs, summaries);
    }

    private static int runIndex(Path p) {
        Matcher m = RUN.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    /** The aggregate of the completed runs' {@code summaries} (in run order). */
    static RepeatSummary summarize(String name, List<RepeatSummary.Run> runs, List<RunSummary> summaries) {
        Map<String, RepeatSummary.Model> models = new LinkedHashMap<>();
        for (ModelSlot slot : ModelSlot.values()) {
            double[] acc = accuracies(summaries, slot.yaml(), ModelResult::testAccuracy);
            if (acc.length > 0) {
                double[] val = accuracies(summaries, slot.yaml(), ModelResult::validationAccuracy);
                models.put(slot.yaml(), new RepeatSummary.Model(spread(acc), val.length == acc.length ? spread(val)
                        : null));
            }
        }
        List<RunSummary> paired = summaries.stream()
                .filter(s -> s.models().containsKey("student") && s.models().containsKey("baseline")).toList();
        RepeatSummary.Gain gain = paired.isEmpty() ? null
                : gain(accuracies(paired, "student", ModelResult::testAccuracy),
                        accuracies(paired, "baseline", ModelResult::testAccuracy), LEVEL);
        double[] valStudent = accuracies(paired, "student", ModelResult::validationAccuracy);
        double[] valBaseline = accuracies(paired, "baseline", ModelResult::validationAccuracy);
        RepeatSummary.Gain valGain = paired.isEmpty() || valStudent.length != paired.size()
                || valBaseline.length != paired.size() ? null : gain(valStudent, valBaseline, LEVEL);
        return new RepeatSummary(name, runs, models, gain, valGain);
    }

    /** One figure of {@code slot}'s result in each summary that has the model and the figure (not null). */
    private static double[] accuracies(List<RunSummary> summaries, String slot,
            java.util.function.Function<ModelResult, Double> figure) {
        return summaries.stream().map(s -> s.models().get(slot)).filter(m -> m != null).map(figure)
                .filter(v -> v != null).mapToDouble(Double::doubleValue).toArray();
    }

    /** n, mean, sample sd (null for one value), min and max of {@code v}. */
    static RepeatSummary.Spread spread(double[] v) {
        return new RepeatSummary.Spread(v.length, Stats.mean(v), v.length < 2 ? null : Stats.sampleStd(v),
                Stats.min(v), Stats.max(v));
    }

    /** {@code student − baseline} paired by run: mean, sd and the {@code level} t interval (none for one pair). */
    static RepeatSummary.Gain gain(double[] student, double[] baseline, double level) {
        double[] d = Stats.pairedDifferences(student, baseline);
        if (d.length < 2) {
            return new RepeatSummary.Gain(d.length, Stats.mean(d), null, level, null, null, null);
        }
        Stats.Interval ci = Stats.meanConfidenceInterval(d, level);
        return new RepeatSummary.Gain(d.length, Stats.mean(d), Stats.sampleStd(d), level, ci.lower(), ci.upper(),
                ci.aboveZero());
    }
}
