package org.distill4j.pipeline;

import java.io.IOException;
import org.distill4j.config.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.MarkerManager;
import org.distill4j.config.ConfigException;
import org.distill4j.config.ConfigWriter;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.data.Batches;
import org.distill4j.data.FashionMnist;
import org.distill4j.data.IdxFile;
import org.distill4j.data.ImageDataset;
import org.distill4j.model.Architectures;
import org.distill4j.model.ModelSummary;
import org.distill4j.model.Net;
import org.distill4j.model.OneDnn;
import org.distill4j.plugins.Plugins;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.CannotWriteException;
import org.distill4j.run.Env;
import org.distill4j.run.ExclusiveLock;
import org.distill4j.run.Provenance;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.RunLog;
import org.distill4j.run.RunProvenance;
import org.distill4j.run.RunSummary;
import org.distill4j.run.Seeds;
import org.distill4j.run.ShutdownHook;
import org.distill4j.spi.Checkpoint;
import org.distill4j.spi.ModelState;
import org.distill4j.spi.Stage;
import org.distill4j.spi.StageContext;
import org.distill4j.spi.StageResult;
import org.distill4j.spi.Trainer;

/**
 * Runs a config end to end. Everything that can be wrong with the input (config, data) is checked before the
 * run directory exists, so a bad run leaves nothing behind; after that, each artifact is written atomically
 * and {@code provenance.json} says whether the run completed or failed and why.
 */
public final class Pipeline {
    private static final Logger LOG = LogManager.getLogger(Pipeline.class);
    /** Log lines for the run's train.log only (log4j2.xml keeps them off the console). */
    static final Marker RUN_LOG_ONLY = MarkerManager.getMarker("run-log-only");

    /** The lock file a run directory's one writing process holds. */
    static final String LOCK = ".lock";

    private Pipeline() {
    }

    /** Everything a run needs that is checked before its directory exists. */
    private record Prepared(RunConfig config, List<Stage> stages, FashionMnist.Splits splits, Batches train,
                            Batches validation, Batches test, Map<String, Object> backend,
                            Architectures.InputShape input, Map<ModelSlot, Net> models,
                            org.distill4j.spi.OnnxTeacher onnxTeacher) implements AutoCloseable {
        /** Closes the ONNX teacher's session, if any (quietly: a failure to close hides nothing else). */
        @Override
        public void close() {
            if (onnxTeacher != null) {
                try {
                    onnxTeacher.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing the ONNX teacher's session: {}", e.getMessage());
                }
            }
        }
    }

    private static Prepared prepare(RunConfig config, Plugins plugins) {
        OneDnn.configure();
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < config.stages().size(); i++) {
            stages.add(plugins.createStage(config.stages().get(i), i));
        }
        FashionMnist.Splits splits = plugins.loadDataset(config.dataset(), Env.home());
        ImageDataset[] tv = splits.train().split(config.dataset().validation(), Seeds.derive(config.seed(), "split"));
        Batches train = new Batches(tv[0], config.dataset().augment());
        Batches validation = new Batches(tv[1], null);
        Batches test = new Batches(splits.test(), null);
        Map<String, Object> backend = org.distill4j.model.Backend.describe();
        Architectures.InputShape input = new Architectures.InputShape(train.data().channels(), train.data().height(),
                train.data().width());
        Map<ModelSlot, Net> models = buildModels(config, input, train.data().numClasses());
        checkBatches(config, models, input, Math.max(splits.train().size(), splits.test().size()));
        checkFeatureLayers(config, models, input);
        for (Stage s : stages) {
            s.check(config, models);
        }
        org.distill4j.spi.OnnxTeacher onnx = config.teacher() != null && config.teacher().isOnnx()
                ? org.distill4j.spi.OnnxTeacher.open("teacher", config.teacher(), input, train.data().numClasses())
                : null;
        return new Prepared(config, stages, splits, train, validation, test, backend, input, models, onnx);
    }

    /**
     * What the command line hears from a run besides its result: the run directory once the stages are about to run,
     * and a signal (SIGTERM, Ctrl-C) ending the process while they run.
     */
    public interface Events {
        Events NONE = new Events() {
        };

        /** The run directory exists (a new run) or is held (a resume); the stages are about to run. */
        default void started(Path dir) {
        }

        /**
         * The process is being stopped by a signal while the run is going (called from a shutdown hook);
         * {@code marked}: {@code provenance.json} now says {@code interrupted}.
         */
        default void stopped(Path dir, boolean marked) {
        }
    }

    /** Runs {@code config}; returns the run directory. */
    public static Path run(RunConfig config, Plugins plugins, List<String> overrides, List<String> commandLine)
            throws Exception {
        return run(config, plugins, overrides, commandLine, Events.NONE);
    }

    /** {@link #run(RunConfig, Plugins, List, List)}, telling {@code events} when the run starts and if it stops. */
    public static Path run(RunConfig config, Plugins plugins, List<String> overrides, List<String> commandLine,
                           Events events) throws Exception {
        return run(config, plugins, overrides, commandLine, events, null);
    }

    /**
     * {@link #run(RunConfig, Plugins, List, List, Events)} into the new directory {@code dir} (its parent exists; it
     * does not), or, when {@code dir} is null, into a new one below {@code output.dir}.
     */
    public static Path run(RunConfig config, Plugins plugins, List<String> overrides, List<String> commandLine,
                           Events events, Path dir) throws Exception {
        Path root = Path.of(config.output().dir());
        if (dir == null) {
            checkOutputDir(root, config.name());
        }
        try (Prepared p = prepare(config, plugins)) {
            String resolved = ConfigWriter.toYaml(config);
            RunDirectory rd = dir == null ? createRunDirectory(root, config.name(), resolved)
                    : createRunDirectoryAt(dir);
            Record prov = new Record(rd, new RunProvenance(RunProvenance.Status.RUNNING, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null));
            // held while the run is going, so that a --resume of it is refused (the OS drops it when the process ends)
            ExclusiveLock.holding(rd.file(LOCK), () -> new IllegalStateException(rd.path() + " is locked"), () ->
                    whileRunning(rd, prov, events, () -> {
                        run(p, rd, prov, resolved, overrides, commandLine);
                        return null;
                    }));
            return rd.path();
        }
    }

    /**
     * Checks, before anything is loaded or written, that run directories can be made below {@code output.dir}: it
     * (or the nearest part of it that exists) is a directory this process may write in.
     */
    static void checkOutputDir(Path root, String configName) {
        Path abs = root.toAbsolutePath().normalize();
        Path runs = abs.resolve(configName);
        Path existing = runs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return; // nothing of it exists, not even a file system root: let creating it say why
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigException("output.dir", existing.equals(abs) ? root + " is a file, not a directory"
                    : existing.equals(runs) ? runs + " (where the runs of '" + configName + "' go) is a file, "
                    + "not a directory"
                    : root + " cannot be created: " + existing + " is a file, not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw new ConfigException("output.dir", "cannot write in " + existing + " (permission denied)");
        }
    }

    /**
     * {@code provenance.json} of an open run, written at each change. Once a signal has stopped the run it says
     * {@code interrupted} and no later change (the failure the stopping may cause) is recorded.
     */
    private static final class Record {
        private final RunDirectory rd;
        private RunProvenance current;
        private boolean stopped;

        Record(RunDirectory rd, RunProvenance initial) {
            this.rd = rd;
            this.current = initial;
        }

        synchronized RunProvenance get() {
            return current;
        }

        synchronized void set(RunProvenance p) throws IOException {
            if (!stopped) {
                current = p;
                p.write(rd);
            }
        }

        /** Marks a running run interrupted; null when it had already ended, else whether the file says so. */
        synchronized Boolean stop() {
            if (stopped || current.status() != RunProvenance.Status.RUNNING) {
                return null;
            }
            stopped = true;
            current = current.interrupted();
            try {
                current.write(rd);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }

    /** Runs {@code work} telling {@code events} it started and, from a shutdown hook, that a signal stopped it. */
    private static <T> T whileRunning(RunDirectory rd, Record prov, Events events, Callable<T> work)
            throws Exception {
        events.started(rd.path());
        return ShutdownHook.during("distill-stop", () -> {
            Boolean marked = prov.stop();
            if (marked != null) {
                events.stopped(rd.path(), marked);
            }
        }, work);
    }

    private static void run(Prepared p, RunDirectory rd, Record prov, String resolved,
                            List<String> overrides, List<String> commandLine) throws Exception {
        RunConfig config = p.config();
        try (RunLog log = RunLog.attach(rd.file("train.log"))) {
            try {
                rd.writeString("config.resolved.yaml", resolved);
                rd.writeString("overrides.txt", overrides.isEmpty() ? "" : String.join("\n", overrides) + "\n");
                RunProvenance.DataInfo data = new RunProvenance.DataInfo(config.dataset().name(),
                        p.splits().directory().toAbsolutePath().toString(), inputChecksums(config, p),
                        p.train().data().size(), p.validation().data().size(), p.test().data().size(),
                        config.dataset().augment());
                prov.set(RunProvenance.started(Provenance.collect(Env.home(), commandLine), p.backend(),
                        seeds(config), data, RunDirectory.sha256(resolved)));
                execute(p, rd, prov, null);
            } catch (Exception | Error e) {
                throw fail(rd, prov, e);
            }
        }
    }

    /**
     * The content hashes of what the run reads: the dataset's files, and each model file it loads ({@code
     * teacher.load <file>}), so that {@code reproduce} warns when any of them changed.
     */
    private static Map<String, String> inputChecksums(RunConfig config, Prepared p) {
        Map<String, String> sums = new java.util.TreeMap<>(p.splits().train().checksums());
        for (ModelSlot slot : List.of(ModelSlot.TEACHER, ModelSlot.STUDENT)) {
            ModelConfig m = config.model(slot);
            if (m != null && m.load() != null && Files.isRegularFile(Path.of(m.load()))) {
                sums.put(slot.section() + ".load " + m.load(), IdxFile.digestFile(Path.of(m.load()), "SHA-256"));
            }
        }
        return sums;
    }

    /**
     * Continues an interrupted run in its own directory: the stages it completed are not run again (their models
     * and results are restored), and the stage it was in continues from its last checkpoint.
     */
    public static Path resume(Path dir, Plugins plugins, List<String> commandLine) throws Exception {
        return resume(dir, plugins, commandLine, Events.NONE);
    }

    /** {@link #resume(Path, Plugins, List)}, telling {@code events} when the run starts and if it is stopped. */
    public static Path resume(Path dir, Plugins plugins, List<String> commandLine, Events events) throws Exception {
        Path cfg = dir.resolve("config.resolved.yaml");
        Path provFile = dir.resolve("provenance.json");
        if (!Files.isRegularFile(cfg) || !Files.isRegularFile(provFile)) {
            throw new InputException(InputException.Kind.ARGUMENT,
                    dir + " is not a run directory (no config.resolved.yaml and provenance.json)");
        }
        return ExclusiveLock.holding(dir.resolve(LOCK), () -> new InputException(InputException.Kind.ARGUMENT,
                dir + " is in use by another distill process (training or resuming it); wait for it to end"),
                () -> resumeLocked(dir, cfg, plugins, commandLine, events));
    }

    private static Path resumeLocked(Path dir, Path cfg, Plugins plugins, List<String> commandLine, Events events)
            throws Exception {
        RunProvenance before = RunProvenance.readChecked(dir);
        if (before.status() == RunProvenance.Status.COMPLETED) {
            throw new InputException(InputException.Kind.ARGUMENT, dir + " has completed; nothing to resume");
        }
        String text = Files.readString(cfg);
        String sha = RunDirectory.sha256(text);
        if (before.configSha256() != null && !before.configSha256().equals(sha)) {
            throw new InputException(InputException.Kind.ARGUMENT, "config.resolved.yaml was changed after the run "
                    + "started (sha256 " + sha.substring(0, 12) + " != " + before.configSha256().substring(0, 12)
                    + " recorded); a resumed run must use its original config. Start a new run with: distill train "
                    + "--config " + cfg);
        }
        RunConfig config = org.distill4j.config.ConfigLoader.parseResolved(text, plugins.schema());
        RunDirectory rd = RunDirectory.open(dir);
        RunState state = RunState.read(rd);
        String lost = lostStages(rd, config, state);
        try (Prepared p = prepare(config, plugins)) {
            return resumePrepared(p, rd, before, state, lost, events, commandLine);
        }
    }

    private static Path resumePrepared(Prepared p, RunDirectory rd, RunProvenance before, RunState state, String lost,
                                       Events events, List<String> commandLine) throws Exception {
        Record prov = new Record(rd, before);
        return whileRunning(rd, prov, events, () -> {
            try (RunLog log = RunLog.attach(rd.file("train.log"))) {
                try {
                    prov.set(before.resumedBy(String.join(" ", commandLine)));
                    LOG.info("resuming {}", rd.path());
                    if (rd.droppedMetricsLine() != null) {
                        LOG.warn("{}: its last line was cut short (the process ended while writing it); dropped: {}",
                                rd.file("metrics.jsonl"), rd.droppedMetricsLine());
                        rd.rewriteMetrics();
                    }
                    if (lost != null) {
                        LOG.warn(lost);
                        AtomicFiles.deleteTree(RunState.dir(rd));
                        rd.retainMetrics(m -> m == null);
                    }
                    execute(p, rd, prov, state);
                } catch (Exception | Error e) {
                    throw fail(rd, prov, e);
                }
            }
            return rd.path();
        });
    }

    /**
     * The warning for a resume without a usable {@code checkpoints/pipeline.json} (damaged, or missing though a stage
     * had completed: a later stage left metrics or a checkpoint, or a stage saved its model); null when nothing was
     * lost (a run stopped in its first stage has no pipeline.json yet). Then the run starts again from its first
     * stage, its checkpoints and metrics lines removed, rather than the resume being refused: from the same seeds
     * the stages give the same models, so the run still ends as an uninterrupted one would (its metrics lines in
     * stage order), and a new run would cost the same time. A stage's own epoch checkpoint is not kept either:
     * nothing says which model it started from.
     */
    static String lostStages(RunDirectory rd, RunConfig config, RunState state) throws IOException {
        if (!state.completed().isEmpty() || (state.damage() == null && !Files.isDirectory(RunState.dir(rd)))) {
            return null;
        }
        java.util.Set<String> withMetrics = rd.metricsStages();
        List<String> started = new ArrayList<>();
        boolean saved = Files.isDirectory(RunState.dir(rd).resolve("models"));
        for (StageConfig sc : config.stages()) {
            String n = sc.name();
            boolean model = savedModel(rd, n);
            saved |= model;
            if (model || withMetrics.contains(n) || Files.isDirectory(Checkpoint.dir(rd, n))) {
                started.add(n);
            }
        }
        if (state.damage() == null && !saved && started.size() < 2) {
            return null;
        }
        String file = "checkpoints/pipeline.json is " + (state.damage() == null ? "missing" : "damaged ("
                + state.damage() + ")");
        if (started.isEmpty()) {
            return file + "; the run starts again from its first stage";
        }
        return file + "; " + (started.size() == 1 ? "stage " + started.get(0) + " runs" : "stages "
                + String.join(", ", started) + " run") + " again from the start";
    }

    private static boolean savedModel(RunDirectory rd, String stage) throws IOException {
        try (var files = Files.list(rd.path())) {
            return files.map(f -> f.getFileName().toString())
                    .anyMatch(f -> f.equals(stage + ".zip") || (f.startsWith(stage + "-") && f.endsWith(".zip")));
        }
    }

    /** A new run directory under {@code root}, or the one-line error of {@link #cannotCreate}. */
    private static RunDirectory createRunDirectory(Path root, String name, String resolved) {
        try {
            return RunDirectory.create(root, name, resolved);
        } catch (IOException e) {
            throw cannotCreate(root.resolve(name), "a run directory", e);
        }
    }

    /**
     * A folder for runs under {@code output.dir} ({@code what}: "a run directory", "a repeat folder") that could
     * not be created in {@code parent} (a full disk, a read-only or special file system): the environment's fault, a
     * one-line error naming the folder and the reason, with nothing of the run written.
     */
    static InputException cannotCreate(Path parent, String what, IOException e) {
        CannotWriteException c = CannotWriteException.of(parent, e);
        return new InputException(InputException.Kind.ENVIRONMENT, "output.dir: cannot create " + what + " in "
                + parent + ": " + c.reason() + (c.outOfSpace() ? "; free space and" : "; fix that and")
                + " run again", e);
    }

    /** {@link RunDirectory#createAt}; a directory that cannot be made is the environment's fault, as above. */
    private static RunDirectory createRunDirectoryAt(Path dir) {
        try {
            return RunDirectory.createAt(dir);
        } catch (IOException e) {
            CannotWriteException c = CannotWriteException.of(dir, e);
            throw new InputException(InputException.Kind.ENVIRONMENT, "cannot create the run directory " + dir + ": "
                    + c.reason(), e);
        }
    }

    /**
     * Records the failure in provenance.json (its message and whose fault it was: the user's input, the
     * environment, or internal) and returns what to throw. A run file that could not be written (a full disk) is
     * the environment's fault: a one-line {@link InputException} that names the file and says how to continue, and
     * whether provenance.json could be marked failed too.
     */
    private static Exception fail(RunDirectory rd, Record prov, Throwable e) {
        InputException input = InputException.in(e);
        CannotWriteException cannot = input == null ? CannotWriteException.in(e) : null;
        String message = cannot == null ? String.valueOf(e.getMessage()) : cannot.getMessage() + "; "
                + (cannot.outOfSpace() ? "free space" : "fix that") + " and continue with: distill train --resume "
                + rd.path();
        // the trace goes to train.log only: the console gets the one-line error
        LOG.error(RUN_LOG_ONLY, "run failed: " + message, e);
        String kind = cannot != null ? InputException.Kind.ENVIRONMENT.yaml()
                : input != null ? input.kind().yaml() : "internal";
        boolean marked = true;
        try {
            prov.set(prov.get().failed(message, kind));
        } catch (IOException | RuntimeException io) {
            marked = false;
            e.addSuppressed(io);
        }
        if (cannot != null) {
            return new InputException(InputException.Kind.ENVIRONMENT, message + (marked ? ""
                    : " (provenance.json could not be marked failed either: it still says running)"), e);
        }
        if (e instanceof Error err) {
            throw err;
        }
        return (Exception) e;
    }

    private static void execute(Prepared p, RunDirectory rd, Record prov, RunState resumed)
            throws Exception {
        RunConfig config = p.config();
        long t0 = System.nanoTime();
        LOG.info("run directory {}", rd.path());
        LOG.info("{}: {} train, {} validation, {} test images from {}", config.dataset().name(),
                p.train().data().size(), p.validation().data().size(), p.test().data().size(),
                p.splits().directory().toAbsolutePath());
        LOG.info("backend {}, oneDNN helpers {}", p.backend().get("name"), OneDnn.enabled() ? "on" : "off");
        org.distill4j.model.Backend.speedWarnings().forEach(w -> LOG.warn("speed: {}", w));
        StageContext ctx = new StageContext(config, rd, p.train(), p.validation(), p.test(), p.input(), p.models(),
                p.onnxTeacher());
        if (p.onnxTeacher() != null) {
            LOG.info("teacher: {}, {} parameters", p.onnxTeacher().describe(),
                    String.format("%,d", p.onnxTeacher().params()));
        }
        RunState state = resumed != null ? resumed : RunState.empty();
        double before = 0;
        if (resumed != null) {
            resumed.restore(rd, ctx);
            before = resumed.wallSeconds();
        } else {
            for (ModelSlot slot : p.models().keySet()) {
                LOG.info("\n{}", ModelSummary.of(p.models().get(slot), p.input())
                        .table(slot.yaml() + " (" + ctx.describe(slot) + ")"));
            }
        }
        for (int i = 0; i < p.stages().size(); i++) {
            StageConfig sc = config.stages().get(i);
            if (state.completed().contains(sc.name())) {
                LOG.info("=== stage {}/{}: {} ({}) completed before the interruption", i + 1, p.stages().size(),
                        sc.name(), sc.type());
                continue;
            }
            LOG.info("=== stage {}/{}: {} ({})", i + 1, p.stages().size(), sc.name(), sc.type());
            StageResult result = p.stages().get(i).run(ctx);
            apply(ctx, sc, i, result);
            state = state.after(sc.name(), result, before + (System.nanoTime() - t0) / 1e9);
            state.save(rd, ctx, sc.name());
        }
        double wall = before + (System.nanoTime() - t0) / 1e9;
        RunSummary summary = new RunSummary(config.name(), rd.path().toString(), state.results(),
                RunSummary.gain(state.results()), state.reports(), wall, p.train().data().classNames());
        rd.writeJson(RunSummary.FILE, summary);
        prov.set(prov.get().completed(wall));
        AtomicFiles.deleteTree(rd.file("checkpoints"));
        LOG.info("summary: {}", headline(summary));
        LOG.info("run directory {}", rd.path());
    }

    /**
     * Hands on what a stage returned: each model in a slot the stage declared, saved as {@code <stage>.zip} when the
     * config keeps models. A model in an undeclared slot is a defect of the stage.
     */
    private static void apply(StageContext ctx, StageConfig sc, int index, StageResult result) throws IOException {
        java.util.Set<ModelSlot> declared = java.util.EnumSet.noneOf(ModelSlot.class);
        sc.writes().forEach(u -> declared.add(u.slot()));
        for (Map.Entry<ModelSlot, ModelState> e : result.handedOn().entrySet()) {
            if (!declared.contains(e.getKey())) {
                throw new IllegalStateException("stages[" + index + "] (" + sc.type() + ") handed on the "
                        + e.getKey().yaml() + ", which its config does not declare in writes()");
            }
            ModelState s = e.getValue();
            if (!sc.name().equals(s.producedBy())) {
                // whatever the stage built it from, this stage produced it: saved and checkpointed as this stage's
                s = new ModelState(s.net(), s.masks(), s.quantized(), sc.name());
            }
            ctx.handOn(e.getKey(), s);
            if (ctx.config().output().saveModels()) {
                String file = result.handedOn().size() == 1 ? sc.name() + ".zip"
                        : sc.name() + "-" + e.getKey().yaml() + ".zip";
                AtomicFiles.write(ctx.runDir().file(file), s.net()::save);
            }
        }
    }

    /**
     * Builds or loads every model the run uses ({@link RunConfig#slotsUsed}: loaded models and every slot a stage reads
     * or hands on) before anything is written, so that a network that cannot be built or a model file that cannot be
     * read is a one-line error. The baseline and the student are built from the same seed: same initial weights.
     */
    static Map<ModelSlot, Net> buildModels(RunConfig config, Architectures.InputShape input, int numClasses) {
        Map<ModelSlot, Net> models = new java.util.EnumMap<>(ModelSlot.class);
        for (ModelSlot slot : config.slotsUsed()) {
            if (config.model(slot) != null && config.model(slot).isOnnx()) {
                continue; // ONNX Runtime runs it: see OnnxTeacher
            }
            models.put(slot, model(slot.section(), config.model(slot), input, numClasses, config.seed()));
        }
        return models;
    }

    /**
     * Refuses, before anything trains, a stage whose batches cannot fit the memory the JVM may use (activations grow
     * with the batch, which is at most the {@code rows} of the largest split): a one-line error at {@code
     * stages[i].batch_size} with the estimate and the limit.
     */
    static void checkBatches(RunConfig config, Map<ModelSlot, Net> models, Architectures.InputShape input, int rows) {
        for (int i = 0; i < config.stages().size(); i++) {
            for (org.distill4j.config.BatchUse b : config.stages().get(i).batches()) {
                Net net = models.get(b.slot());
                if (net == null) {
                    continue;
                }
                int batch = Math.min(b.batch(), rows);
                try {
                    Architectures.checkBatchFits(net.memoryBytes(input, batch, b.training()),
                            "the " + b.slot().yaml() + (b.training() ? " training" : " running") + " on batches of "
                                    + batch);
                } catch (Architectures.TooLargeException e) {
                    throw new org.distill4j.config.ConfigException("stages[" + i + "]." + b.key(), e.getMessage());
                }
            }
        }
    }

    /**
     * Refuses, before anything trains, a feature loss ({@code hint}, {@code at}) naming a layer the student or teacher
     * does not have, or two layers that do not go together: a one-line error at its {@code student_layer} or
     * {@code teacher_layer} listing the model's layers with their shapes.
     */
    static void checkFeatureLayers(RunConfig config, Map<ModelSlot, Net> models, Architectures.InputShape input) {
        for (int i = 0; i < config.stages().size(); i++) {
            if (config.stages().get(i) instanceof org.distill4j.config.WithLoss w && w.loss().featureBased()
                    && models.containsKey(ModelSlot.STUDENT) && models.containsKey(ModelSlot.TEACHER)) {
                try {
                    org.distill4j.spi.Objective.branches(org.distill4j.loss.LossParts.of(w.loss()),
                            models.get(ModelSlot.STUDENT).activationShapes(input),
                            models.get(ModelSlot.TEACHER).activationShapes(input));
                } catch (org.distill4j.config.ConfigException e) {
                    throw e.under("stages[" + i + "]");
                }
            }
        }
    }

    /**
     * The network a config's {@code teacher:} or {@code student:} section names: loaded from its zip, or built
     * from its {@code arch} with the section's derived init seed. A network that cannot be built for the
     * input is a config error naming {@code <section>.arch}.
     */
    public static Net model(String section, ModelConfig spec, Architectures.InputShape input,
            int numClasses, long seed) {
        if (spec.isOnnx()) {
            throw new org.distill4j.config.ConfigException(section + ".load", spec.load() + " is an ONNX model, which "
                    + "ONNX Runtime runs; this needs a DL4J network (arch:, or load: <model.zip>)");
        }
        if (spec.load() != null) {
            Net loaded;
            try {
                loaded = Net.load(Path.of(spec.load()));
            } catch (InputException e) {
                throw new InputException(e.kind(), section + ".load: " + e.getMessage(), e);
            }
            loaded.checkFits(input, numClasses, section + ".load");
            return loaded;
        }
        try {
            return Architectures.build(spec.arch(), section + ".arch", input, numClasses,
                    org.distill4j.run.Seeds.derive(seed, section + ".init"));
        } catch (org.distill4j.config.ConfigException e) {
            throw e;
        } catch (Architectures.TooLargeException e) {
            throw new org.distill4j.config.ConfigException(section + ".arch", e.getMessage());
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new org.distill4j.config.ConfigException(section + ".arch", "this network cannot be built for "
                    + input.channels() + "x" + input.height() + "x" + input.width() + " inputs: " + msg);
        }
    }

    static String headline(RunSummary summary) {
        StringBuilder sb = new StringBuilder();
        summary.models().forEach((slot, m) ->
                sb.append(String.format("%s %.4f (%,d params)  ", slot, m.testAccuracy(), m.params())));
        if (summary.distillationGain() != null) {
            sb.append(String.format("distillation gain %+.4f", summary.distillationGain()));
        }
        return sb.toString().trim();
    }

    static Map<String, Object> seeds(RunConfig config) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("master", config.seed());
        List<String> components = new ArrayList<>(List.of("split", "teacher.init", "student.init"));
        for (StageConfig st : config.stages()) {
            if (!st.writes().isEmpty()) { // a stage that hands a model on trains it
                components.addAll(Trainer.seedComponents(st.name()));
            }
        }
        Map<String, Long> derived = new LinkedHashMap<>();
        for (String c : components) {
            derived.put(c, org.distill4j.run.Seeds.derive(config.seed(), c));
        }
        s.put("derived", derived);
        return s;
    }
}
