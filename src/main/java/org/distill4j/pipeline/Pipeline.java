package org.distill4j.pipeline;

import java.io.IOException;
import org.distill4j.config.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigWriter;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.data.Batches;
import org.distill4j.data.FashionMnist;
import org.distill4j.data.ImageDataset;
import org.distill4j.model.Architectures;
import org.distill4j.model.ModelSummary;
import org.distill4j.model.Net;
import org.distill4j.model.OneDnn;
import org.distill4j.plugins.Plugins;
import org.distill4j.run.AtomicFiles;
import org.distill4j.run.Env;
import org.distill4j.run.ExclusiveLock;
import org.distill4j.run.Provenance;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.RunLog;
import org.distill4j.run.RunProvenance;
import org.distill4j.run.RunSummary;
import org.distill4j.run.Seeds;
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

    /** The lock file a run directory's one writing process holds. */
    static final String LOCK = ".lock";

    private Pipeline() {
    }

    /** Everything a run needs that is checked before its directory exists. */
    private record Prepared(RunConfig config, List<Stage> stages, FashionMnist.Splits splits, Batches train,
                            Batches validation, Batches test, Map<String, Object> backend,
                            Architectures.InputShape input, Map<ModelSlot, Net> models) {
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
        for (Stage s : stages) {
            s.check(models);
        }
        return new Prepared(config, stages, splits, train, validation, test, backend, input, models);
    }

    /** Runs {@code config}; returns the run directory. */
    public static Path run(RunConfig config, Plugins plugins, List<String> overrides, List<String> commandLine)
            throws Exception {
        Prepared p = prepare(config, plugins);
        String resolved = ConfigWriter.toYaml(config);
        RunDirectory rd = RunDirectory.create(Path.of(config.output().dir()), config.name(), resolved);
        AtomicReference<RunProvenance> prov = new AtomicReference<>(
                new RunProvenance(RunProvenance.Status.RUNNING, null, null, null, null, null, null, null, null,
                        null, null, null, null, null));
        // held while the run is going, so that a --resume of it is refused (the OS drops it when the process ends)
        ExclusiveLock.holding(rd.file(LOCK), () -> new IllegalStateException(rd.path() + " is locked"), () -> {
            run(p, rd, prov, resolved, overrides, commandLine);
            return null;
        });
        return rd.path();
    }

    private static void run(Prepared p, RunDirectory rd, AtomicReference<RunProvenance> prov, String resolved,
                            List<String> overrides, List<String> commandLine) throws Exception {
        RunConfig config = p.config();
        try (RunLog log = RunLog.attach(rd.file("train.log"))) {
            try {
                rd.writeString("config.resolved.yaml", resolved);
                rd.writeString("overrides.txt", overrides.isEmpty() ? "" : String.join("\n", overrides) + "\n");
                RunProvenance.DataInfo data = new RunProvenance.DataInfo(config.dataset().name(),
                        p.splits().directory().toAbsolutePath().toString(), p.splits().train().checksums(),
                        p.train().data().size(), p.validation().data().size(), p.test().data().size(),
                        config.dataset().augment());
                prov.set(RunProvenance.started(Provenance.collect(Env.home(), commandLine), p.backend(),
                        seeds(config), data));
                prov.get().write(rd);
                execute(p, rd, prov, null);
            } catch (Exception | Error e) {
                fail(rd, prov, e);
                throw e;
            }
        }
    }

    /**
     * Continues an interrupted run in its own directory: the stages it completed are not run again (their models
     * and results are restored), and the stage it was in continues from its last checkpoint.
     */
    public static Path resume(Path dir, Plugins plugins, List<String> commandLine) throws Exception {
        Path cfg = dir.resolve("config.resolved.yaml");
        Path provFile = dir.resolve("provenance.json");
        if (!Files.isRegularFile(cfg) || !Files.isRegularFile(provFile)) {
            throw new InputException(InputException.Kind.ARGUMENT,
                    dir + " is not a run directory (no config.resolved.yaml and provenance.json)");
        }
        return ExclusiveLock.holding(dir.resolve(LOCK), () -> new InputException(InputException.Kind.ARGUMENT,
                dir + " is in use by another distill process (training or resuming it); wait for it to end"),
                () -> resumeLocked(dir, cfg, plugins, commandLine));
    }

    private static Path resumeLocked(Path dir, Path cfg, Plugins plugins, List<String> commandLine) throws Exception {
        RunProvenance before = RunProvenance.read(dir);
        if (before.status() == RunProvenance.Status.COMPLETED) {
            throw new InputException(InputException.Kind.ARGUMENT, dir + " has completed; nothing to resume");
        }
        RunConfig config = org.distill4j.config.ConfigLoader.parseResolved(Files.readString(cfg), plugins.schema());
        Prepared p = prepare(config, plugins);
        RunDirectory rd = RunDirectory.open(dir);
        AtomicReference<RunProvenance> prov = new AtomicReference<>(before.resumedBy(String.join(" ", commandLine)));
        try (RunLog log = RunLog.attach(rd.file("train.log"))) {
            try {
                prov.get().write(rd);
                LOG.info("resuming {}", rd.path());
                execute(p, rd, prov, RunState.read(rd));
            } catch (Exception | Error e) {
                fail(rd, prov, e);
                throw e;
            }
        }
        return rd.path();
    }

    /** Records the failure in provenance.json: its message and whose fault it was (the user's input, or internal). */
    private static void fail(RunDirectory rd, AtomicReference<RunProvenance> prov, Throwable e) {
        LOG.error("run failed: " + e.getMessage(), e);
        InputException input = InputException.in(e);
        prov.set(prov.get().failed(String.valueOf(e.getMessage()), input != null ? input.kind().yaml() : "internal"));
        try {
            prov.get().write(rd);
        } catch (java.io.IOException io) {
            e.addSuppressed(io);
        }
    }

    private static void execute(Prepared p, RunDirectory rd, AtomicReference<RunProvenance> prov, RunState resumed)
            throws Exception {
        RunConfig config = p.config();
        long t0 = System.nanoTime();
        LOG.info("run directory {}", rd.path());
        LOG.info("backend {}, oneDNN helpers {}", p.backend().get("name"), OneDnn.enabled() ? "on" : "off");
        org.distill4j.model.Backend.speedWarnings().forEach(w -> LOG.warn("speed: {}", w));
        StageContext ctx = new StageContext(config, rd, p.train(), p.validation(), p.test(), p.input(), p.models());
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
                RunSummary.gain(state.results()), state.reports(), wall);
        rd.writeJson(RunSummary.FILE, summary);
        prov.set(prov.get().completed(wall));
        prov.get().write(rd);
        Checkpoint.deleteTree(rd.file("checkpoints"));
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
     * The network a config's {@code teacher:} or {@code student:} section names: loaded from its zip, or built
     * from its {@code arch} with the section's derived init seed. A network that cannot be built for the
     * input is a config error naming {@code <section>.arch}.
     */
    public static Net model(String section, ModelConfig spec, Architectures.InputShape input,
            int numClasses, long seed) {
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
