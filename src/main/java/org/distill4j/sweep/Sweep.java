package org.distill4j.sweep;

import java.time.Duration;
import java.util.Locale;
import org.distill4j.config.InputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigBinder;
import org.distill4j.config.Schema;
import org.distill4j.plugins.Plugins;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigLoader;
import org.distill4j.config.ConfigWriter;
import org.distill4j.config.RunConfig;
import org.distill4j.config.SweepConfig;
import org.distill4j.config.SweepConfigLoader;
import org.distill4j.run.RunSummary;
import org.distill4j.run.Json;
import org.distill4j.run.Progress;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.RunLog;

/**
 * Runs a sweep: draws candidates from the strategy, writes each trial's config, hands the trials to an executor,
 * reads each result from the trial's run directory, and records everything in {@code state.json} after every
 * change. The directory {@code <output.dir>/<name>/<yyyyMMdd-HHmmss>-<hash>/} holds {@code sweep.yaml} (the file as
 * given), {@code base.resolved.yaml} (the run config trials start from), {@code state.json}, {@code sweep.log},
 * {@code trials/<id>/} and the report.
 */
public final class Sweep {
    private static final Logger LOG = LogManager.getLogger(Sweep.class);
    public static final String SWEEP_FILE = "sweep.yaml";
    public static final String BASE_FILE = "base.resolved.yaml";

    private final Path dir;
    private final SweepConfig config;
    private final ObjectNode baseTree;
    private final SweepState state;
    private final Schema schema;

    private Sweep(Path dir, SweepConfig config, ObjectNode baseTree, SweepState state, Schema schema) {
        this.schema = schema;
        this.dir = dir;
        this.config = config;
        this.baseTree = baseTree;
        this.state = state;
    }

    /** What the command line may change about where trials run. */
    public record ExecutorChoice(String type, Integer workers) {
    }

    /**
     * Starts a new sweep from {@code file} under its {@code output.dir} or {@code outputDir}; returns its directory.
     */
    public static Path start(Path file, Plugins plugins, ExecutorChoice choice, Path outputDir) throws Exception {
        SweepConfigLoader.Loaded l = SweepConfigLoader.load(file, plugins.schema(), Sweep::metricProblem);
        SweepConfig cfg = l.config();
        // checks it (e.g. that sbatch exists) before anything is written
        TrialExecutor executor = TrialExecutors.create(cfg, choice, null);
        SearchStrategy strategy = SearchStrategies.create(cfg);
        int maxTrials = maxTrials(cfg, strategy);
        String text = Files.readString(file);
        String resolvedBase = ConfigWriter.toYaml(
                ConfigBinder.bind(l.baseTree().deepCopy(), cfg.name(), plugins.schema()));
        // <output>/<name>/<yyyyMMdd-HHmmss>-<hash of the sweep file and the resolved base>, as a run directory is named
        Path dir = RunDirectory.create(outputDir != null ? outputDir : Path.of(cfg.outputDir()), cfg.name(),
                text + "\n" + resolvedBase).path();
        org.distill4j.run.AtomicFiles.writeString(dir.resolve(SWEEP_FILE), text);
        org.distill4j.run.AtomicFiles.writeString(dir.resolve(BASE_FILE), resolvedBase);
        SweepState state = new SweepState();
        state.name = cfg.name();
        state.id = dir.getFileName().toString();
        state.created = Instant.now().toString();
        state.strategy = org.distill4j.config.Check.yaml(cfg.strategy().type());
        state.executor = executor.name();
        state.maxTrials = maxTrials;
        state.write(dir);
        new Sweep(dir, cfg, l.baseTree(), state, plugins.schema()).run(executor, strategy, false);
        return dir;
    }

    /** A sweep directory as it is on disk: its state and its own copies of the sweep file and the base config. */
    public record Opened(SweepState state, SweepConfigLoader.Loaded loaded) {
    }

    /** Reads a sweep directory; a one-line error when {@code dir} is not one. */
    public static Opened open(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(SweepState.FILE)) || !Files.isRegularFile(dir.resolve(SWEEP_FILE))) {
            throw new InputException(InputException.Kind.ARGUMENT, dir + " is not a sweep directory (no "
                    + SweepState.FILE + " and " + SWEEP_FILE + ")");
        }
        SweepState state = SweepState.read(dir);
        return new Opened(state, SweepConfigLoader.reload(dir.resolve(SWEEP_FILE), dir.resolve(BASE_FILE), state.name));
    }

    /** Continues a sweep: unfinished trials run again (from their last checkpoint), then the search goes on. */
    public static Path resume(Path dir, Plugins plugins, ExecutorChoice choice, boolean retryFailed) throws Exception {
        Opened o = open(dir);
        SweepState state = o.state();
        SweepConfigLoader.Loaded l = o.loaded();
        TrialExecutor executor = TrialExecutors.create(l.config(), choice, state.executor);
        List<String> queued = state.trials.stream().filter(t -> t.slurmJob != null
                && (t.status == Trial.Status.SUBMITTED || t.status == Trial.Status.RUNNING))
                .map(t -> t.id + " (" + t.slurmJob + ")").toList();
        if (!executor.name().equals("slurm") && !queued.isEmpty()) {
            throw new InputException(InputException.Kind.ARGUMENT, "trials " + String.join(", ", queued)
                    + " may still be queued or running in Slurm; "
                    + "resume with --executor slurm, or cancel them (scancel) first");
        }
        state.executor = executor.name();
        state.status = "running";
        new Sweep(dir, l.config(), l.baseTree(), state, plugins.schema())
                .run(executor, SearchStrategies.create(l.config()), retryFailed);
        return dir;
    }

    static int maxTrials(SweepConfig cfg, SearchStrategy s) {
        if (cfg.maxTrials() != null) {
            return s.size() < 0 ? cfg.maxTrials() : (int) Math.min(cfg.maxTrials(), s.size());
        }
        if (s.size() > 100_000) {
            throw new ConfigException("max_trials", "missing, and the grid has " + s.size() + " points; set a budget");
        }
        return (int) s.size();
    }

    public static Path trialDir(Path sweepDir, Trial t) {
        return sweepDir.resolve("trials").resolve(t.id);
    }

    private void run(TrialExecutor executor, SearchStrategy strategy, boolean retryFailed) throws Exception {
        org.distill4j.run.ExclusiveLock.holding(dir.resolve(".lock"),
                () -> new InputException(InputException.Kind.ARGUMENT,
                        "sweep " + dir + " is already running in another process"), () -> {
                    runLocked(executor, strategy, retryFailed);
                    return null;
                });
    }

    private void runLocked(TrialExecutor executor, SearchStrategy strategy, boolean retryFailed) throws Exception {
        try (RunLog log = RunLog.attach(dir.resolve("sweep.log"))) {
            LOG.info("sweep {} ({} search, {} executor, up to {} trials): {}", config.name(), state.strategy,
                    executor.name(), state.maxTrials, dir);
            strategy.replay(state.trials, scored(state.trials));
            boolean cancelled = false;
            try (Progress bar = Progress.steps("sweep " + config.name(), state.maxTrials, "trials")) {
                bar.step(state.trials.stream()
                        .filter(t -> t.status.finished() && !(retryFailed && t.status == Trial.Status.FAILED)).count());
                Listener listener = new Listener(bar);
                List<Trial> todo = new ArrayList<>();
                for (Trial t : state.trials) {
                    boolean retry = retryFailed && t.status == Trial.Status.FAILED
                            && Files.isRegularFile(trialDir(dir, t).resolve(TrialDirs.CONFIG));
                    if (!t.status.finished() && !endedMeanwhile(t, listener) || retry) {
                        todo.add(t);
                    }
                }
                while (true) {
                    if (!todo.isEmpty()) {
                        LOG.info("running {} trial(s): {}", todo.size(), todo.stream().map(t -> t.id).toList());
                        executor.run(dir, todo, listener);
                        cancelled = todo.stream().anyMatch(t -> !t.status.finished());
                        strategy.report(scored(todo));
                        if (cancelled) {
                            break;
                        }
                    }
                    int remaining = state.maxTrials - state.trials.size();
                    if (remaining <= 0 || state.exhausted) {
                        break;
                    }
                    List<SearchStrategy.Point> next = strategy.next(strategy.batchSize(remaining));
                    if (next.isEmpty()) {
                        state.exhausted = true;
                        LOG.info("the {} search has no untried points left after {} of {} trials", state.strategy,
                                state.trials.size(), state.maxTrials);
                        break;
                    }
                    int generation = state.trials.stream().mapToInt(t -> t.generation + 1).max().orElse(0);
                    todo = new ArrayList<>();
                    for (SearchStrategy.Point c : next) {
                        Trial t = new Trial(state.trials.size(), generation, c.params(), c.flat());
                        state.trials.add(t);
                        if (writeTrialConfig(t)) {
                            todo.add(t);
                        } else {
                            bar.step();
                        }
                    }
                    state.write(dir);
                }
            }
            boolean allFinished = state.trials.stream().allMatch(t -> t.status.finished());
            state.status = !cancelled && allFinished && (state.exhausted || state.trials.size() >= state.maxTrials)
                    ? "completed" : "incomplete";
            state.write(dir);
            LOG.info("sweep {}: {} completed, {} failed, {} unfinished; report {}", state.status,
                    state.count(Trial.Status.COMPLETED), state.count(Trial.Status.FAILED),
                    state.trials.size() - state.count(Trial.Status.COMPLETED) - state.count(Trial.Status.FAILED),
                    dir.resolve("report.html"));
            if (state.status.equals("incomplete")) {
                LOG.info("continue it with: distill sweep --resume {}", dir);
            }
        }
    }

    /**
     * An unfinished trial whose run ended while the sweep was not watching (a Slurm task that finished after the
     * sweep process died) is recorded as it ended instead of being run again.
     */
    private boolean endedMeanwhile(Trial t, Listener listener) throws IOException {
        TrialDirs.Outcome o = TrialDirs.ended(trialDir(dir, t));
        if (o == null) {
            return false;
        }
        LOG.info("{} ended while the sweep was stopped: {}", t.id, o.status().name().toLowerCase(Locale.ROOT));
        listener.ended(t, o);
        return true;
    }

    /**
     * Writes {@code trials/<id>/config.yaml}: the base config with the trial's values, its own name and output
     * directory. A combination that makes no valid run config fails the trial here, with the config error as reason.
     */
    private boolean writeTrialConfig(Trial t) throws IOException {
        Path td = trialDir(dir, t);
        Files.createDirectories(td);
        ObjectNode tree = baseTree.deepCopy();
        try {
            for (SweepConfig.ParamSpec p : config.space()) {
                for (String k : p.keys()) {
                    ConfigLoader.applyOverride(tree, k + "=" + Json.line(t.params.get(p.key())));
                }
            }
            ConfigLoader.applyOverride(tree, "name=" + config.name() + "-" + t.id);
            ConfigLoader.applyOverride(tree, "output.dir=" + Json.line(td.toString()));
            RunConfig rc = ConfigBinder.bind(tree, config.name() + "-" + t.id, schema);
            org.distill4j.run.AtomicFiles.writeString(td.resolve(TrialDirs.CONFIG), ConfigWriter.toYaml(rc));
            if (config.repeat() > 1) {
                org.distill4j.run.AtomicFiles.writeString(td.resolve(TrialDirs.REPEAT), config.repeat() + "\n");
            }
            return true;
        } catch (ConfigException e) {
            t.status = Trial.Status.FAILED;
            t.reason = "invalid config: " + e.getMessage();
            t.ended = Instant.now().toString();
            LOG.warn("{} {}: {}", t.id, t.params, t.reason);
            return false;
        }
    }

    /** Objective as a score (higher is better) for the strategy; failed and infeasible trials score null. */
    private List<SearchStrategy.Scored> scored(List<Trial> trials) {
        List<SearchStrategy.Scored> out = new ArrayList<>();
        trials.stream().filter(t -> t.status.finished()).sorted(Comparator.comparingInt(t -> t.index)).forEach(t -> {
            Double s = t.status == Trial.Status.COMPLETED && Boolean.TRUE.equals(t.feasible) && t.objective != null
                    ? (config.objective().maximize() ? t.objective : -t.objective) : null;
            out.add(new SearchStrategy.Scored(t, s));
        });
        return out;
    }

    /** Applies what the executor reports to the state, and writes the state after each change. */
    private final class Listener implements TrialExecutor.Listener {
        private final Progress bar;

        Listener(Progress bar) {
            this.bar = bar;
        }

        @Override
        public void submitted(Trial t, String job) {
            synchronized (state) {
                t.status = Trial.Status.SUBMITTED;
                t.slurmJob = job;
                save();
            }
        }

        @Override
        public void started(Trial t) {
            synchronized (state) {
                t.status = Trial.Status.RUNNING;
                t.attempts++;
                t.started = Instant.now().toString();
                t.reason = null;
                t.ended = null;
                save();
            }
            LOG.info("{} started {}", t.id, t.params);
        }

        @Override
        public void ended(Trial t, TrialDirs.Outcome o) {
            synchronized (state) {
                t.ended = Instant.now().toString();
                t.runDir = o.runDir() == null ? null : dir.toAbsolutePath().normalize()
                        .relativize(o.runDir().toAbsolutePath().normalize()).toString();
                t.status = o.status();
                t.reason = o.reason();
                t.metrics = o.metrics();
                if (o.status() == Trial.Status.COMPLETED) {
                    judge(t);
                }
                if (t.started != null) {
                    t.wallS = Duration.between(Instant.parse(t.started), Instant.parse(t.ended)).toMillis() / 1000.0;
                }
                save();
                bar.step();
                bar.message(t.id + " " + t.status.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (t.status == Trial.Status.COMPLETED) {
                LOG.info("{} completed: {} = {}{}", t.id, config.objective().metric(), t.objective,
                        Boolean.FALSE.equals(t.feasible) ? " (" + t.reason + ")" : "");
            } else {
                LOG.warn("{} failed: {}", t.id, t.reason);
            }
        }

        @Override
        public void cancelled(Trial t, String why) {
            synchronized (state) {
                t.status = Trial.Status.CANCELLED;
                t.reason = why;
                t.ended = Instant.now().toString();
                save();
            }
            LOG.warn("{} cancelled: {}", t.id, why);
        }

        private void save() {
            try {
                state.write(dir);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Objective, secondary objective and constraints from a completed trial's metrics. */
    void judge(Trial t) {
        Double obj = t.metrics.get(config.objective().metric());
        if (obj == null) {
            t.status = Trial.Status.FAILED;
            t.reason = "objective metric '" + config.objective().metric() + "' is not in summary.json; it has: "
                    + String.join(", ", t.metrics.keySet());
            return;
        }
        t.objective = obj;
        t.secondary = config.secondary() == null ? null : t.metrics.get(config.secondary().metric());
        t.feasible = true;
        List<String> broken = new ArrayList<>();
        for (SweepConfig.Constraint c : config.constraints()) {
            Double v = t.metrics.get(c.metric());
            if (v == null || !c.holds(v)) {
                broken.add(c + (v == null ? " (metric missing)" : " (got " + org.distill4j.config.Check.fmt(v) + ")"));
            }
        }
        if (!broken.isEmpty()) {
            t.feasible = false;
            t.reason = "infeasible: " + String.join("; ", broken);
        }
    }

    /** A metric's problem: {@code repeat.*} paths against a trial's aggregate, the others against a run's summary. */
    public static String metricProblem(String metric, org.distill4j.config.RunConfig base) {
        return metric.startsWith("repeat.") ? org.distill4j.run.RepeatSummary.metricProblem(metric, base)
                : RunSummary.metricProblem(metric, base);
    }
}
