package org.distill4j.spi;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.distill4j.config.FinetuneConfig;
import org.distill4j.config.ModelConfig;
import org.distill4j.config.ModelSlot;
import org.distill4j.config.RunConfig;
import org.distill4j.config.TeacherCache;
import org.distill4j.data.Batches;
import org.distill4j.model.Architectures;
import org.distill4j.model.Net;
import org.distill4j.run.RunDirectory;
import org.distill4j.run.Seeds;

/**
 * What a stage works with: the config, the run directory, the data splits, and the model in each slot as the
 * earlier stages handed it on. Stages read it; only the runner hands models on ({@link #handOn}), from the
 * {@link StageResult} a stage returns.
 */
public final class StageContext {
    private final RunConfig config;
    private final RunDirectory runDir;
    private final Batches train;
    private final Batches validation;
    private final Batches test;
    private final Architectures.InputShape input;
    private final int numClasses;
    private final Map<ModelSlot, ModelState> models = new EnumMap<>(ModelSlot.class);
    private final Map<Teacher, float[]> teacherLogits = new HashMap<>();
    private final OnnxTeacher onnxTeacher;

    /**
     * @param onnxTeacher the teacher when it is an ONNX model (then {@code models} holds no teacher network), or null
     */
    public StageContext(RunConfig config, RunDirectory runDir, Batches train, Batches validation, Batches test,
                        Architectures.InputShape input, Map<ModelSlot, Net> models, OnnxTeacher onnxTeacher) {
        this.onnxTeacher = onnxTeacher;
        this.config = config;
        this.runDir = runDir;
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.input = input;
        this.numClasses = train.data().numClasses();
        models.forEach((slot, net) -> this.models.put(slot, ModelState.initial(net)));
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

    /** Whether {@code slot} holds a DL4J network (an ONNX teacher is not one: see {@link #onnxTeacher}). */
    public boolean has(ModelSlot slot) {
        return models.containsKey(slot);
    }

    /** Whether the run has a teacher: a network, or an ONNX model. */
    public boolean hasTeacher() {
        return onnxTeacher != null || has(ModelSlot.TEACHER);
    }

    /** The teacher when it is an ONNX model run by ONNX Runtime, or null. */
    public OnnxTeacher onnxTeacher() {
        return onnxTeacher;
    }

    /** The model in {@code slot} with its masks and quantization, as the last stage that changed it handed it on. */
    public ModelState state(ModelSlot slot) {
        ModelState s = models.get(slot);
        if (s == null) {
            throw new IllegalStateException("no " + slot.yaml() + " model: the config check should have caught this");
        }
        return s;
    }

    /** The network in {@code slot}. */
    public Net model(ModelSlot slot) {
        return state(slot).net();
    }

    /** The teacher of this run, as distillation losses see it. */
    public Teacher teacher() {
        return onnxTeacher != null ? onnxTeacher : new NetTeacher(model(ModelSlot.TEACHER));
    }

    /** Where the network in {@code slot} came from, for reports: the loaded file or the architecture name. */
    public String describe(ModelSlot slot) {
        ModelConfig spec = config.model(slot);
        return spec.load() != null ? "loaded from " + spec.load() : spec.arch().arch();
    }

    /** The runner's hand-off: {@code state} becomes the model in {@code slot} for later stages. */
    public void handOn(ModelSlot slot, ModelState state) {
        models.put(slot, state);
    }

    /** The training split's teacher logits computed by an earlier stage for this very teacher, or null. */
    public float[] teacherLogits(Teacher teacher) {
        return teacherLogits.get(teacher);
    }

    public void putTeacherLogits(Teacher teacher, float[] logits) {
        teacherLogits.clear();
        teacherLogits.put(teacher, logits);
    }

    /**
     * The loss and labels a compression stage fine-tunes {@code slot} with: distillation when the run has a teacher and
     * the stage keeps it.
     */
    public Objective finetuneObjective(String stageName, ModelSlot slot, FinetuneConfig f) {
        if (f.distill() && slot != ModelSlot.TEACHER && hasTeacher()) {
            return Objective.distillation(this, stageName, teacher(), f.loss(), TeacherCache.AUTO);
        }
        return Objective.crossEntropy(this);
    }
}
