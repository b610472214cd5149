package org.distill4j.pipeline;

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

    /** Runs {@code config}; returns the run directory. */
    public static Path run(RunConfig config, List<String> overrides, List<String> commandLine) throws Exception {
        OneDnn.configure();
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < config.stages().size(); i++) {
            stages.add(Stages.create(config.stages().get(i), "stages[" + i + "].type"));
        }
        FashionMnist.Splits splits = Datasets.load(config.dataset(), Env.home());
        ImageDataset[] tv = splits.train().split(config.dataset().validation(), org.distill4j.run.Seeds.derive(config.seed(), "split"));
        Batches train = new Batches(tv[0], config.dataset().augment());
        Batches validation = new Batches(tv[1], null);
        Batches test = new Batches(splits.test(), null);
        Map<String, Object> backend = org.distill4j.model.Backend.describe();
        Architectures.InputShape input = new Architectures.InputShape(train.data().channels(), train.data().height(), train.data().width());
        Map<ModelSlot, Net> models = buildModels(config, input, train.data().numClasses());

        String resolved = ConfigWriter.toYaml(config);
        RunDirectory rd = RunDirectory.create(Path.of(config.output().dir()), config.name(), resolved);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("status", "running");
        long t0 = System.nanoTime();
        try (RunLog log = RunLog.attach(rd.file("train.log"))) {
            try {
                rd.writeString("config.resolved.yaml", resolved);
                rd.writeString("overrides.txt", overrides.isEmpty() ? "" : String.join("\n", overrides) + "\n");
                prov.putAll(Provenance.collect(Env.home(), commandLine));
                prov.put("backend", backend);
                prov.put("seeds", seeds(config));
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("name", config.dataset().name());
                data.put("directory", splits.directory().toAbsolutePath().toString());
                data.put("content_sha256", splits.train().checksums());
                data.put("train_examples", train.data().size());
                data.put("validation_examples", validation.data().size());
                data.put("test_examples", test.data().size());
                data.put("augmentation", config.dataset().augment());
                prov.put("data", data);
                rd.writeJson("provenance.json", prov);

                LOG.info("run directory {}", rd.path());
                LOG.info("backend {}, oneDNN helpers {}", backend.get("name"), OneDnn.enabled() ? "on" : "off");
                org.distill4j.model.Backend.speedWarnings().forEach(w -> LOG.warn("speed: {}", w));
                StageContext ctx = new StageContext(config, rd, train, validation, test, models);
                for (ModelSlot slot : models.keySet()) {
                    LOG.info("\n{}", ModelSummary.of(models.get(slot), input).table(slot.yaml() + " (" + ctx.describe(slot) + ")"));
                }
                for (int i = 0; i < stages.size(); i++) {
                    StageConfig sc = config.stages().get(i);
                    LOG.info("=== stage {}/{}: {} ({})", i + 1, stages.size(), sc.name(), sc.type());
                    stages.get(i).run(ctx);
                }
                double wall = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> summary = summary(config, rd, ctx, wall);
                rd.writeJson("summary.json", summary);
                prov.put("status", "completed");
                prov.put("end", Instant.now().toString());
                prov.put("wall_s", wall);
                rd.writeJson("provenance.json", prov);
                LOG.info("summary: {}", headline(summary));
                LOG.info("run directory {}", rd.path());
            } catch (Exception | Error e) {
                LOG.error("run failed: " + e.getMessage(), e);
                prov.put("status", "failed");
                prov.put("error", String.valueOf(e.getMessage()));
                prov.put("end", Instant.now().toString());
                try {
                    rd.writeJson("provenance.json", prov);
                } catch (java.io.IOException io) {
                    e.addSuppressed(io);
                }
                throw e;
            }
        }
        return rd.path();
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
            s.put("distillation_gain", (double) r.get(ModelSlot.STUDENT).get("test_accuracy") - (double) r.get(ModelSlot.BASELINE).get("test_accuracy"));
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
            sb.append(String.format("%s %.4f (%,d params)  ", e.getKey(), (Double) m.get("test_accuracy"), (Long) m.get("params")));
        }
        if (summary.containsKey("distillation_gain")) {
            sb.append(String.format("distillation gain %+.4f", (Double) summary.get("distillation_gain")));
        }
        return sb.toString().trim();
    }

    static Map<String, Object> seeds(RunConfig config) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("master", config.seed());
        List<String> components = new ArrayList<>(List.of("split", "teacher.init", "student.init"));
        for (StageConfig st : config.stages()) {
            if (st instanceof org.distill4j.config.TrainStageConfig || st instanceof org.distill4j.config.DistillStageConfig) {
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
