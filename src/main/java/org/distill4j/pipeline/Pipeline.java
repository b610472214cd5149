package org.distill4j.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.distill4j.config.ConfigWriter;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.StageConfig;
import org.distill4j.data.Batches;
import org.distill4j.data.Datasets;
import org.distill4j.data.FashionMnist;
import org.distill4j.data.ImageDataset;
import org.distill4j.model.Architectures;
import org.distill4j.model.ModelSummary;
import org.distill4j.model.Net;
import org.distill4j.model.OneDnn;
import org.distill4j.run.Env;
import org.distill4j.run.Json;
import org.distill4j.run.Provenance;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.RunLog;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs a config end to end. Everything that can be wrong with the input (config, data) is checked before the
 * run directory exists, so a bad run leaves nothing behind; after that, each artifact is written atomically
 * and {@code provenance.json} says whether the run completed or failed and why.
 */
public final class Pipeline {
    private static final Logger LOG = LogManager.getLogger(Pipeline.class);

    private Pipeline() {
    }

    /** Everything a run needs that is checked before its directory exists. */
    private record Prepared(RunConfig config, List<Stage> stages, FashionMnist.Splits splits, Batches train, Batches validation,
                            Batches test, Map<String, Object> backend, Architectures.InputShape input, Map<ModelSlot, Net> models) {
    }

    private static Prepared prepare(RunConfig config) {
        OneDnn.configure();
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < config.stages().size(); i++) {
            stages.add(Stages.create(config.stages().get(i), i));
        }
        FashionMnist.Splits splits = Datasets.load(config.dataset(), Env.home());
        ImageDataset[] tv = splits.train().split(config.dataset().validation(), org.distill4j.run.Seeds.derive(config.seed(), "split"));
        Batches train = new Batches(tv[0], config.dataset().augment());
        Batches validation = new Batches(tv[1], null);
        Batches test = new Batches(splits.test(), null);
        Map<String, Object> backend = org.distill4j.model.Backend.describe();
        Architectures.InputShape input = new Architectures.InputShape(train.data().channels(), train.data().height(), train.data().width());
        Map<ModelSlot, Net> models = buildModels(config, input, train.data().numClasses());
        for (Stage s : stages) {
            s.check(models);
        }
        return new Prepared(config, stages, splits, train, validation, test, backend, input, models);
    }

    /** Runs {@code config}; returns the run directory. */
    public static Path run(RunConfig config, List<String> overrides, List<String> commandLine) throws Exception {
        Prepared p = prepare(config);
        String resolved = ConfigWriter.toYaml(config);
        RunDirectory rd = RunDirectory.create(Path.of(config.output().dir()), config.name(), resolved);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("status", "running");
        try (RunLog log = RunLog.attach(rd.file("train.log"))) {
            try {
                rd.writeString("config.resolved.yaml", resolved);
                rd.writeString("overrides.txt", overrides.isEmpty() ? "" : String.join("\n", overrides) + "\n");
                prov.putAll(Provenance.collect(Env.home(), commandLine));
                prov.put("backend", p.backend());
                prov.put("seeds", seeds(config));
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("name", config.dataset().name());
                data.put("directory", p.splits().directory().toAbsolutePath().toString());
                data.put("content_sha256", p.splits().train().checksums());
                data.put("train_examples", p.train().data().size());
                data.put("validation_examples", p.validation().data().size());
                data.put("test_examples", p.test().data().size());
                data.put("augmentation", config.dataset().augment());
                prov.put("data", data);
                rd.writeJson("provenance.json", prov);
                execute(p, rd, prov, null);
            } catch (Exception | Error e) {
                fail(rd, prov, e);
                throw e;
            }
        }
        return rd.path();
    }

    /**
     * Continues an interrupted run in its own directory: the stages it completed are not run again (their models
     * and results are restored), and the stage it was in continues from its last checkpoint.
     */
    public static Path resume(Path dir, List<String> commandLine) throws Exception {
        Path cfg = dir.resolve("config.resolved.yaml");
        Path provFile = dir.resolve("provenance.json");
        if (!Files.isRegularFile(cfg) || !Files.isRegularFile(provFile)) {
            throw new org.distill4j.data.DataException(dir + " is not a run directory (no config.resolved.yaml and provenance.json)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> prov = Json.MAPPER.readValue(provFile.toFile(), LinkedHashMap.class);
        if ("completed".equals(prov.get("status"))) {
            throw new org.distill4j.data.DataException(dir + " has completed; nothing to resume");
        }
        RunConfig config = org.distill4j.config.ConfigLoader.parse(Files.readString(cfg), dir.getParent().getFileName().toString());
        Prepared p = prepare(config);
        RunDirectory rd = RunDirectory.open(dir);
        try (RunLog log = RunLog.attach(rd.file("train.log"))) {
            try {
                @SuppressWarnings("unchecked")
                List<Object> resumed = prov.get("resumed") instanceof List<?> l ? new ArrayList<>((List<Object>) l) : new ArrayList<>();
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("time", Instant.now().toString());
                r.put("after_status", prov.get("status"));
                r.put("command", String.join(" ", commandLine));
                resumed.add(r);
                prov.put("resumed", resumed);
                prov.put("status", "running");
                prov.remove("error");
                prov.remove("end");
                rd.writeJson("provenance.json", prov);
                LOG.info("resuming {}", rd.path());
                execute(p, rd, prov, RunState.read(rd));
            } catch (Exception | Error e) {
                fail(rd, prov, e);
                throw e;
            }
        }
        return rd.path();
    }

    private static void fail(RunDirectory rd, Map<String, Object> prov, Throwable e) {
        LOG.error("run failed: " + e.getMessage(), e);
        prov.put("status", "failed");
        prov.put("error", String.valueOf(e.getMessage()));
        prov.put("end", Instant.now().toString());
        try {
            rd.writeJson("provenance.json", prov);
        } catch (java.io.IOException io) {
            e.addSuppressed(io);
        }
    }

    private static void execute(Prepared p, RunDirectory rd, Map<String, Object> prov, RunState resumed) throws Exception {
        RunConfig config = p.config();
        long t0 = System.nanoTime();
        LOG.info("run directory {}", rd.path());
        LOG.info("backend {}, oneDNN helpers {}", p.backend().get("name"), OneDnn.enabled() ? "on" : "off");
        org.distill4j.model.Backend.speedWarnings().forEach(w -> LOG.warn("speed: {}", w));
        StageContext ctx = new StageContext(config, rd, p.train(), p.validation(), p.test(), p.models());
        double before = 0;
        if (resumed != null) {
            resumed.restore(rd, ctx);
            before = resumed.wallSeconds();
        } else {
            for (ModelSlot slot : p.models().keySet()) {
                LOG.info("\n{}", ModelSummary.of(p.models().get(slot), p.input()).table(slot.yaml() + " (" + ctx.describe(slot) + ")"));
            }
        }
        List<String> completed = new ArrayList<>(resumed == null ? List.of() : resumed.completed());
        for (int i = 0; i < p.stages().size(); i++) {
            StageConfig sc = config.stages().get(i);
            if (completed.contains(sc.name())) {
                LOG.info("=== stage {}/{}: {} ({}) completed before the interruption", i + 1, p.stages().size(), sc.name(), sc.type());
                continue;
            }
            LOG.info("=== stage {}/{}: {} ({})", i + 1, p.stages().size(), sc.name(), sc.type());
            p.stages().get(i).run(ctx);
            completed.add(sc.name());
            RunState.save(rd, ctx, sc.name(), completed, before + (System.nanoTime() - t0) / 1e9);
        }
        double wall = before + (System.nanoTime() - t0) / 1e9;
        Map<String, Object> summary = summary(config, rd, ctx, wall);
        rd.writeJson("summary.json", summary);
        prov.put("status", "completed");
        prov.put("end", Instant.now().toString());
        prov.put("wall_s", wall);
        rd.writeJson("provenance.json", prov);
        Checkpoint.deleteTree(rd.file("checkpoints"));
        LOG.info("summary: {}", headline(summary));
        LOG.info("run directory {}", rd.path());
    }

    /**
     * Builds or loads every model the run uses (the slots that train and distill stages name, and loaded
     * models) before anything is written, so that a network that cannot be built or a model file that cannot
     * be read is a one-line error. The baseline and the student are built from the same seed: same initial weights.
     */
    static Map<ModelSlot, Net> buildModels(RunConfig config, Architectures.InputShape input, int numClasses) {
        java.util.EnumSet<ModelSlot> used = java.util.EnumSet.noneOf(ModelSlot.class);
        if (config.teacher() != null && config.teacher().load() != null) {
            used.add(ModelSlot.TEACHER);
        }
        if (config.student() != null && config.student().load() != null) {
            used.add(ModelSlot.STUDENT);
        }
        for (StageConfig s : config.stages()) {
            if (s instanceof org.distill4j.config.TrainStageConfig t) {
                used.add(t.model());
            } else if (s instanceof org.distill4j.config.DistillStageConfig) {
                used.add(ModelSlot.TEACHER);
                used.add(ModelSlot.STUDENT);
            } else if (s instanceof org.distill4j.config.PruneStageConfig p) {
                used.add(p.model());
            } else if (s instanceof org.distill4j.config.QuantizeStageConfig q) {
                used.add(q.model());
            } else if (s instanceof org.distill4j.config.ExportStageConfig e) {
                used.add(e.model());
            } else if (s instanceof org.distill4j.config.LowRankStageConfig l) {
                used.add(l.model());
            }
        }
        Map<ModelSlot, Net> models = new java.util.EnumMap<>(ModelSlot.class);
        for (ModelSlot slot : used) {
            String section = slot == ModelSlot.TEACHER ? "teacher" : "student";
            ModelConfig spec = slot == ModelSlot.TEACHER ? config.teacher() : config.student();
            models.put(slot, model(section, spec, input, numClasses, config.seed()));
        }
        return models;
    }

    /**
     * The network a config's {@code teacher:} or {@code student:} section names: loaded from its zip, or built
     * from its {@code arch} with the section's derived init seed. A network that cannot be built for the
     * input is a config error naming {@code <section>.arch}.
     */
    public static Net model(String section, ModelConfig spec, Architectures.InputShape input, int numClasses, long seed) {
        if (spec.load() != null) {
            return Net.load(Path.of(spec.load()));
        }
        try {
            return Architectures.build(spec.arch(), section + ".arch", input, numClasses,
                    org.distill4j.run.Seeds.derive(seed, section + ".init"));
        } catch (org.distill4j.config.ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new org.distill4j.config.ConfigException(section + ".arch", "this network cannot be built for "
                    + input.channels() + "x" + input.height() + "x" + input.width() + " inputs: " + msg);
        }
    }

    static Map<String, Object> summary(RunConfig config, RunDirectory rd, StageContext ctx, double wall) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", config.name());
        s.put("run_dir", rd.path().toString());
        Map<String, Object> models = new LinkedHashMap<>();
        for (Map.Entry<ModelSlot, Map<String, Object>> e : ctx.results().entrySet()) {
            models.put(e.getKey().yaml(), e.getValue());
        }
        s.put("models", models);
        Map<ModelSlot, Map<String, Object>> r = ctx.results();
        if (r.containsKey(ModelSlot.STUDENT) && r.containsKey(ModelSlot.BASELINE)) {
            s.put("distillation_gain", ((Number) r.get(ModelSlot.STUDENT).get("test_accuracy")).doubleValue()
                    - ((Number) r.get(ModelSlot.BASELINE).get("test_accuracy")).doubleValue());
        }
        s.put("stages", ctx.stageTimes());
        s.put("wall_s", wall);
        return s;
    }

    static String headline(Map<String, Object> summary) {
        StringBuilder sb = new StringBuilder();
        Map<?, ?> models = (Map<?, ?>) summary.get("models");
        for (Map.Entry<?, ?> e : models.entrySet()) {
            Map<?, ?> m = (Map<?, ?>) e.getValue();
            sb.append(String.format("%s %.4f (%,d params)  ", e.getKey(), ((Number) m.get("test_accuracy")).doubleValue(),
                    ((Number) m.get("params")).longValue()));
        }
        if (summary.containsKey("distillation_gain")) {
            sb.append(String.format("distillation gain %+.4f", ((Number) summary.get("distillation_gain")).doubleValue()));
        }
        return sb.toString().trim();
    }

    static Map<String, Object> seeds(RunConfig config) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("master", config.seed());
        List<String> components = new ArrayList<>(List.of("split", "teacher.init", "student.init"));
        for (StageConfig st : config.stages()) {
            if (st instanceof org.distill4j.config.TrainStageConfig || st instanceof org.distill4j.config.DistillStageConfig
                    || st instanceof org.distill4j.config.PruneStageConfig || st instanceof org.distill4j.config.QuantizeStageConfig
                    || st instanceof org.distill4j.config.LowRankStageConfig) {
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
