package org.distill4j.pipeline;

import java.io.IOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.data.Batches;
import org.distill4j.eval.EvalResult;
import org.distill4j.model.Architectures;
import org.distill4j.model.Net;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.Seeds;

/**
 * What a stage works with: the config, the run directory, the data splits, and the models handed from stage
 * to stage (by slot: teacher, baseline, student), built or loaded by the pipeline before the run starts.
 */
public final class StageContext {
    private final RunConfig config;
    private final RunDirectory runDir;
    private final Batches train;
    private final Batches validation;
    private final Batches test;
    private final Architectures.InputShape input;
    private final int numClasses;
    private final Map<ModelSlot, Net> models = new EnumMap<>(ModelSlot.class);
    private final Map<ModelSlot, String> producedBy = new EnumMap<>(ModelSlot.class);
    private final Map<ModelSlot, Map<String, Object>> results = new EnumMap<>(ModelSlot.class);
    private final Map<String, Object> stageTimes = new LinkedHashMap<>();
    private final Map<Net, float[]> teacherLogits = new java.util.IdentityHashMap<>();
    private final Map<ModelSlot, org.distill4j.model.WeightMasks> masks = new EnumMap<>(ModelSlot.class);
    private final Map<ModelSlot, Map<String, org.distill4j.math.Quantizer.Channels>> quantized = new EnumMap<>(ModelSlot.class);

    public StageContext(RunConfig config, RunDirectory runDir, Batches train, Batches validation, Batches test, Map<ModelSlot, Net> models) {
        this.config = config;
        this.runDir = runDir;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.input = new Architectures.InputShape(train.data().channels(), train.data().height(), train.data().width());
        this.numClasses = train.data().numClasses();
        this.models.putAll(models);
    }

    public RunConfig config() {
        return config;
    }

    public RunDirectory runDir() {
        return runDir;
    }

    public Batches train() {
        return train;
    }

    public Batches validation() {
        return validation;
    }

    public Batches test() {
        return test;
    }

    public Architectures.InputShape input() {
        return input;
    }

    public int numClasses() {
        return numClasses;
    }

    /** A seed for one component of this run, derived from the run's seed. */
    public long seed(String component) {
        return Seeds.derive(config.seed(), component);
    }

    public boolean has(ModelSlot slot) {
        return models.containsKey(slot);
    }

    /** The model in {@code slot}: built or loaded before the run started, or produced by an earlier stage. */
    public Net model(ModelSlot slot) {
        Net n = models.get(slot);
        if (n == null) {
            throw new IllegalStateException("no " + slot.yaml() + " model: the config check should have caught this");
        }
        return n;
    }

    public String describe(ModelSlot slot) {
        ModelConfig spec = slot == ModelSlot.TEACHER ? config.teacher() : config.student();
        return spec.load() != null ? "loaded from " + spec.load() : spec.arch().arch();
    }

    /** Hands {@code net} on as the model in {@code slot}, produced by stage {@code stageName}. */
    public void put(ModelSlot slot, Net net, String stageName) {
        models.put(slot, net);
        producedBy.put(slot, stageName);
        masks.remove(slot);
        quantized.remove(slot);
    }

    /** The training split's teacher logits computed by an earlier stage for this very network (same object), or null. */
    public float[] teacherLogits(Net teacher) {
        return teacherLogits.get(teacher);
    }

    public void putTeacherLogits(Net teacher, float[] logits) {
        teacherLogits.clear();
        teacherLogits.put(teacher, logits);
    }

    /** Hands on the pruning masks of the model in {@code slot} (after {@link #put}), for later stages to hold. */
    public void putMasks(ModelSlot slot, org.distill4j.model.WeightMasks m) {
        masks.put(slot, m);
    }

    /** The masks a prune stage left on the model in {@code slot}, or null. */
    public org.distill4j.model.WeightMasks masks(ModelSlot slot) {
        return masks.get(slot);
    }

    /** Hands on the integer codes and scales of the quantized weights (by parameter key) of the model in {@code slot}. */
    public void putQuantized(ModelSlot slot, Map<String, org.distill4j.math.Quantizer.Channels> q) {
        quantized.put(slot, Map.copyOf(q));
    }

    /** The quantized weights of the model in {@code slot} by parameter key; empty when it is not quantized. */
    public Map<String, org.distill4j.math.Quantizer.Channels> quantized(ModelSlot slot) {
        return quantized.getOrDefault(slot, Map.of());
    }

    /** The loss and labels a compression stage fine-tunes {@code slot} with: distillation when the run has a teacher and the stage keeps it. */
    public Objective finetuneObjective(String stageName, ModelSlot slot, org.distill4j.config.FinetuneConfig f) {
        if (f.distill() && slot != ModelSlot.TEACHER && has(ModelSlot.TEACHER)) {
            return Objective.distillation(this, stageName, model(ModelSlot.TEACHER), f.temperature(), f.alpha(),
                    org.distill4j.config.DistillStageConfig.CacheTeacher.AUTO);
        }
        return Objective.crossEntropy(this);
    }

    public String producedBy(ModelSlot slot) {
        return producedBy.get(slot);
    }

    /** Saves {@code net} as {@code <stage>.zip} in the run directory (atomically) when the config keeps models. */
    public java.nio.file.Path saveModel(String stageName, Net net) throws IOException {
        if (!config.output().saveModels()) {
            return null;
        }
        java.nio.file.Path target = runDir.file(stageName + ".zip");
        org.distill4j.run.AtomicFiles.write(target, net::save);
        return target;
    }

    /** Records the evaluation of {@code slot} for {@code summary.json}. */
    public void recordResult(ModelSlot slot, EvalResult r, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>(extra);
        m.put("test_accuracy", r.accuracy());
        m.put("test_top5_accuracy", r.top5());
        results.put(slot, m);
    }

    public Map<ModelSlot, Map<String, Object>> results() {
        return results;
    }

    public Map<String, Object> stageTimes() {
        return stageTimes;
    }
}
